//! Realistic news index pages for benchmarks: navigation, 40–60 items with headline, date,
//! teaser and image, a sidebar, a footer and inline script, 60–150 KB in all (or a fixed
//! shape: so many items, so many KB); and pages shaped like the Space Media Network's
//! (windows-1252, `p` items with a `span.BH` headline, a `(SPX)` dateline, a teaser ending in
//! "... read more", tables of advertisements around them). Deterministic for a (section,
//! generation) pair; a new generation adds one story on top.

const WORDS: &[&str] = &[
    "orbit",
    "launch",
    "satellite",
    "mission",
    "rocket",
    "crew",
    "station",
    "lunar",
    "mars",
    "probe",
    "signal",
    "engine",
    "payload",
    "booster",
    "telescope",
    "solar",
    "comet",
    "asteroid",
    "network",
    "ground",
    "antenna",
    "module",
    "docking",
    "landing",
    "science",
    "data",
    "agency",
];

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn words(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| WORDS[self.next() as usize % WORDS.len()])
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The index page of `section` at `generation`, with `shape` items and KB if given.
pub fn page(section: usize, generation: u64, shape: Option<(usize, usize)>) -> String {
    let mut rng = Lcg(section as u64 * 7919 + 17);
    let items = 40 + rng.next() as usize % 21;
    let filler_kb = 20 + rng.next() as usize % 70;
    let (items, size) = shape.map_or((items, (filler_kb + 40) * 1024), |(items, kb)| {
        (items, kb * 1024)
    });
    let mut out = String::with_capacity(160 * 1024);
    out.push_str(&format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Section {section}</title>\
         <style>body{{font:16px sans-serif}}.item{{margin:1em 0}}</style></head><body>\
         <header class=\"site-header\"><nav class=\"menu\">"
    ));
    for n in 0..20 {
        out.push_str(&format!(
            "<a href=\"/topic/{n}\">Topic {}</a> ",
            rng.words(2)
        ));
    }
    out.push_str("</nav></header><main><h1>Latest news</h1><div class=\"list\">");
    for k in 0..items {
        let story = generation as usize + items - k;
        let mut story_rng = Lcg((section * 100_003 + story) as u64);
        let day = 1 + story % 28;
        out.push_str(&format!(
            "<div class=\"item\"><h2><a class=\"title\" href=\"/s/{section}/story-{story}.html?utm_source=index\">{} {story}</a></h2>\
             <time datetime=\"2024-05-{day:02}T{:02}:00:00Z\">May {day}, 2024</time>\
             <p class=\"teaser\">{}. {}. <a href=\"/s/{section}/story-{story}.html\">Read more</a></p>\
             <img src=\"/img/{section}/{story}.jpg\" alt=\"\" onload=\"track({story})\"></div>\n",
            capitalised(&story_rng.words(6)),
            story % 24,
            capitalised(&story_rng.words(25)),
            capitalised(&story_rng.words(18)),
        ));
    }
    out.push_str("</div></main><aside class=\"sidebar\"><h3>Most read</h3><ul>");
    for n in 0..15 {
        out.push_str(&format!(
            "<li><a href=\"/popular/{n}\">{}</a></li>",
            capitalised(&rng.words(5))
        ));
    }
    out.push_str("</ul></aside><footer><a href=\"/about\">About us</a> <a href=\"/privacy\">Privacy</a></footer><script>var data=\"");
    while out.len() + 30 < size {
        out.push_str(&rng.words(12));
    }
    out.push_str("\";</script></body></html>");
    out
}

const PLACES: &[&str] = &[
    "Sydney, Australia",
    "Huntsville AL",
    "Paris, France",
    "München, Germany",
    "Washington DC",
    "Beijing, China",
    "São Paulo, Brazil",
    "Tokyo, Japan",
];

const MONTHS: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A Space Media Network category page of `section` at `generation`, `items` stories in
/// `kb` KB, encoded in windows-1252 as the network serves them (the charset named only in a
/// `<META>`).
pub fn smn_page(section: usize, generation: u64, items: usize, kb: usize) -> Vec<u8> {
    let mut rng = Lcg(section as u64 * 7919 + 17);
    let mut out = String::with_capacity(kb * 1024 + 4096);
    out.push_str(&format!(
        "<HTML><HEAD>\r\n<META http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\r\n\
         <TITLE>Space Industry and Business News {section}</TITLE>\r\n</HEAD>\r\n<BODY>\r\n\
         <table width=\"100%\" border=0><tr><td class=\"BN\">24/7 Space News</td></tr></table>\r\n\
         <table width=\"100%\"><tr><td valign=\"top\">\r\n<span class=\"BN\">SPACE DAILY</span><br>\r\n"
    ));
    for k in 0..items {
        let story = generation as usize + items - k;
        let mut story_rng = Lcg((section * 100_003 + story) as u64);
        let title = capitalised(&story_rng.words(6));
        let link = format!("/reports/{}_{story}_999.html", title.replace(' ', "_"));
        let place = PLACES[story % PLACES.len()];
        let month = MONTHS[story % 12];
        let day = 1 + story % 28;
        out.push_str(&format!(
            "<p><span class=\"BH\"><a href=\"{link}\">{title} – {story}’s</a></span><br>\r\n\
             <span class=\"BHS\">{place} (SPX) {month} {day:02}, 2024</span><br>\r\n\
             <a href=\"{link}\"><img src=\"http://www.spxdaily.com/images-bg/{section}-{story}-bg.jpg\" hspace=5 vspace=2 align=right border=0 width=160 height=128></a>\r\n\
             {}. The agency’s “{}” café ... <a href=\"{link}\">read more</a>\r\n<p>\r\n",
            capitalised(&story_rng.words(30)),
            story_rng.words(3),
        ));
    }
    out.push_str("</td><td valign=\"top\" width=\"300\">\r\n");
    // The network's right column: advertisements and links to its other sites.
    while out.len() + 200 < kb * 1024 {
        out.push_str(&format!(
            "<table width=\"300\"><tr><td class=\"BLUE\"><a href=\"/ads/{}.html\">{}</a></td></tr></table>\r\n",
            rng.next() % 1000,
            capitalised(&rng.words(8))
        ));
    }
    out.push_str("</td></tr></table>\r\n</BODY></HTML>\r\n");
    encoding_rs::WINDOWS_1252.encode(&out).0.into_owned()
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
