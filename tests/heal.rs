//! Sections that survive a redesign. Real listing pages (`tests/fixtures/real/`) are read with
//! the selectors automatic detection gives them, then redesigned (every class and id renamed,
//! the block tags changed for others, two new stories): with `heal = "auto"` the
//! section heals (new items arrive, stored ones stay), with `"suggest"` it fails and proposes
//! the selectors, with `"off"` it fails as before. `feedwright heal --write` puts the change
//! into a config with comments.

mod support;

use feedwright::extract::detect::{Kind, detect};
use scraper::Html;
use support::{Project, Route, Server};
use url::Url;

/// Pages of the real corpus the test tries, and how many must heal.
const PAGES: usize = 16;
const MUST_HEAL: usize = 10;

struct Listing {
    name: String,
    original: String,
    redesigned: String,
    /// `items = { … }` as detection gives it on the original.
    items: String,
}

/// The page redesigned: two new stories made from the first item, every class and id
/// renamed, the common block tags changed for others (`div` → `section`, `li` → `article`…);
/// `None` when the section's item selector still matches.
fn redesign(html: &str, item_css: &str) -> Option<String> {
    let document = Html::parse_document(html);
    let selector = scraper::Selector::parse(item_css).ok()?;
    let first = document.select(&selector).next()?.html();
    // The page as the parser serialises it, so that the item's markup is found in it as is.
    let mut page = document.root_element().html();
    let mut fresh = String::new();
    let href = regex::Regex::new(r#"href\s*=\s*"[^"]*""#).ok()?;
    for n in 1..=2 {
        let story = href
            .replace_all(&first, format!("href=\"/new-story-{n}.html\"").as_str())
            .into_owned();
        fresh.push_str(&story);
    }
    // The new stories go before the first item, as news does.
    let at = page.find(&first)?;
    page.insert_str(at, &fresh);
    let renamed = regex::Regex::new(r#"\b(class|id)\s*=\s*"([^"]*)""#)
        .ok()?
        .replace_all(&page, |caps: &regex::Captures| {
            let names: Vec<String> = caps[2]
                .split_whitespace()
                .map(|n| format!("rd-{}", n.chars().rev().collect::<String>()))
                .collect();
            format!("{}=\"{}\"", &caps[1], names.join(" "))
        })
        .into_owned();
    // Other tags for the same blocks: another nesting of elements as far as selectors go.
    let retagged = regex::Regex::new(r"<(/?)(div|li|p|span|h2|h3|ul|td|tr|table|tbody)\b")
        .ok()?
        .replace_all(&renamed, |caps: &regex::Captures| {
            let tag = match &caps[2] {
                "div" => "section",
                "li" => "article",
                "p" => "aside",
                "span" => "em",
                "h2" => "h4",
                "h3" => "h5",
                "ul" => "div",
                "td" => "figure",
                "tr" => "dl",
                "table" => "main",
                _ => "nav-free",
            };
            format!("<{}{tag}", &caps[1])
        })
        .into_owned();
    // A redesign is one the section's own selectors no longer match.
    let document = Html::parse_document(&retagged);
    document
        .select(&selector)
        .next()
        .is_none()
        .then_some(retagged)
}

fn listings(base: &str) -> Vec<Listing> {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/real");
    let manifest: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(format!("{folder}/manifest.json")).unwrap())
            .unwrap();
    let mut out = Vec::new();
    for entry in manifest {
        let file = entry["file"].as_str().unwrap();
        let bytes = std::fs::read(format!("{folder}/{file}")).unwrap();
        let html = String::from_utf8_lossy(&bytes).into_owned();
        let name = file
            .trim_end_matches(".html")
            .replace('_', "-")
            .to_lowercase();
        let page = Url::parse(&format!("{base}/{name}/")).unwrap();
        let detection = detect(&Html::parse_document(&html), &page);
        let Some(best) = detection
            .candidates
            .iter()
            .find(|c| c.kind == Kind::Repeated && c.items.len() >= 4)
        else {
            continue;
        };
        let item_css = &best.selectors[0].1;
        let Some(redesigned) = redesign(&html, item_css) else {
            continue;
        };
        let items: Vec<String> = best
            .selectors
            .iter()
            .map(|(field, css)| format!("{} = {css:?}", field.name()))
            .collect();
        out.push(Listing {
            name,
            original: html,
            redesigned,
            items: format!("{{ {} }}", items.join(", ")),
        });
        if out.len() == PAGES {
            break;
        }
    }
    out
}

#[test]
fn redesigned_real_pages_heal_propose_or_fail_as_their_section_says() {
    let server = Server::start();
    let listings = listings(&server.url(""));
    assert!(listings.len() >= MUST_HEAL, "{} pages", listings.len());
    let mut config = String::new();
    for mode in ["auto", "suggest", "off"] {
        config.push_str(&format!("[[site]]\nid = \"{mode}\"\nheal = \"{mode}\"\n"));
        for listing in &listings {
            config.push_str(&format!(
                "  [[site.section]]\n  id = \"{}\"\n  url = \"{}\"\n  items = {}\n",
                listing.name,
                server.url(&format!("/{mode}/{}/", listing.name)),
                listing.items
            ));
        }
    }
    let serve = |redesigned: bool| {
        for mode in ["auto", "suggest", "off"] {
            for listing in &listings {
                let body = if redesigned {
                    &listing.redesigned
                } else {
                    &listing.original
                };
                server.route(
                    &format!("/{mode}/{}/", listing.name),
                    Route::ok("text/html; charset=utf-8", body.clone()),
                );
            }
        }
    };
    serve(false);
    let project = Project::new(&config);
    let first = project.run_json(0);
    let kept = |report: &serde_json::Value, key: &str| {
        report["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["section"] == key)
            .unwrap()
            .clone()
    };
    serve(true);
    let output = project.cmd(&["run", "--json"]).code(1).get_output().clone();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut healed = Vec::new();
    let mut not_healed = Vec::new();
    for listing in &listings {
        let before = kept(&first, &format!("auto/{}", listing.name));
        let auto = kept(&report, &format!("auto/{}", listing.name));
        let good = auto["status"] == "ok"
            && auto["healed"].is_string()
            && auto["new"].as_u64() >= Some(2)
            && auto["kept"].as_u64() >= before["kept"].as_u64();
        if good {
            healed.push(listing.name.clone());
        } else {
            not_healed.push(format!("{}: {auto}", listing.name));
        }
        let suggest = kept(&report, &format!("suggest/{}", listing.name));
        let off = kept(&report, &format!("off/{}", listing.name));
        assert_eq!(suggest["error_kind"], "no_items", "{suggest}");
        assert_eq!(off["error_kind"], "no_items", "{off}");
        assert!(
            !off["reason"].as_str().unwrap().contains("found anew"),
            "{off}"
        );
        if good {
            let reason = suggest["reason"].as_str().unwrap();
            assert!(reason.contains("selectors found anew"), "{reason}");
        }
    }
    println!(
        "{} of {} redesigned pages healed: {}\nnot healed:\n{}",
        healed.len(),
        listings.len(),
        healed.join(", "),
        not_healed.join("\n")
    );
    assert!(healed.len() >= MUST_HEAL, "{} healed", healed.len());
    // The next run uses what healed without looking again, and the stored items stay.
    let again = project.run_json(1);
    for name in &healed {
        let auto = kept(&again, &format!("auto/{name}"));
        assert_eq!(auto["status"], "ok", "{auto}");
    }
    // `heal` lists the suggested changes and exits 1 while they are not written.
    let output = project
        .cmd(&["heal", "suggest"])
        .code(1)
        .get_output()
        .clone();
    let diff = String::from_utf8_lossy(&output.stdout);
    assert!(diff.contains("  + item = "), "{diff}");
    assert!(diff.contains("  - item = "), "{diff}");
    // The status says so too.
    let output = project.cmd(&["status"]).success().get_output().clone();
    let status = String::from_utf8_lossy(&output.stdout);
    assert!(status.contains("healed to: item = "), "{status}");
    assert!(status.contains("proposed: item = "), "{status}");
}

/// A list page, and the same stories later under new markup (and a login page).
fn stories(class: &str, tag: &str, ids: &[u32]) -> String {
    let items: String = ids
        .iter()
        .map(|n| {
            format!(
                "<{tag} class=\"{class}\"><h3><a href=\"/story/{n}\">Story number {n} of the newsroom today</a></h3><p>A teaser of story {n} that runs on for a while.</p></{tag}>"
            )
        })
        .collect();
    format!(
        "<html><body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><main>{items}</main></body></html>"
    )
}

#[test]
fn heal_write_keeps_the_configs_comments_and_a_second_heal_has_nothing() {
    let server = Server::start();
    server.route(
        "/news/",
        Route::ok("text/html", stories("story", "div", &[1, 2, 3, 4])),
    );
    let text = format!(
        "# Feeds of the newsroom\n[output]\nbase_url = \"https://feeds.example.org/\" # public\n\n[fetch]\nhost_delay_ms = 0\nrobots_txt = false\n\n[[site]]\nid = \"n\" # our site\n  [[site.section]]\n  id = \"news\"\n  url = \"{}\" # the front\n  items = {{ item = \"div.story\" }}\n",
        server.url("/news/")
    );
    let project = Project::raw(&text);
    project.cmd(&["run"]).success();
    server.route(
        "/news/",
        Route::ok(
            "text/html",
            stories("teaser-card", "article", &[5, 1, 2, 3, 4]),
        ),
    );
    let output = project.cmd(&["run"]).code(1).get_output().clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("selectors found anew: item = \"article.teaser-card\""),
        "{stderr}"
    );
    project.cmd(&["heal"]).code(1);
    let output = project
        .cmd(&["heal", "--write"])
        .success()
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&output.stderr).contains("wrote the selectors of n/news"));
    let written = std::fs::read_to_string(project.config()).unwrap();
    for kept in [
        "# Feeds of the newsroom",
        "# public",
        "# our site",
        "# the front",
    ] {
        assert!(written.contains(kept), "{kept} lost:\n{written}");
    }
    assert!(
        written.find("[output]") < written.find("[fetch]"),
        "{written}"
    );
    assert!(
        written.contains("item = \"article.teaser-card\""),
        "{written}"
    );
    let report = project.run_json(0);
    assert_eq!(report["sections"][0]["new"], 1, "{report}");
    let output = project.cmd(&["heal"]).success().get_output().clone();
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing to heal"));
}

#[test]
fn a_login_page_or_two_equal_lists_heal_nothing_and_say_why() {
    let server = Server::start();
    server.route(
        "/news/",
        Route::ok("text/html", stories("story", "div", &[1, 2, 3, 4, 5, 6])),
    );
    let project = Project::new(&format!(
        "[[site]]\nid = \"n\"\nheal = \"auto\"\n  [[site.section]]\n  id = \"news\"\n  url = \"{}\"\n  items = {{ item = \"div.story\" }}\n",
        server.url("/news/")
    ));
    project.cmd(&["run"]).success();
    server.route(
        "/news/",
        Route::ok(
            "text/html",
            "<html><body><form><h1>Please log in</h1><ul><li><a href=\"/login\">Log in</a></li><li><a href=\"/reset\">Forgot your password</a></li><li><a href=\"/join\">Create an account</a></li></ul></form></body></html>",
        ),
    );
    let report = project.run_json(1);
    let reason = report["sections"][0]["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        reason.contains("not healed: no list of stories on the page"),
        "{reason}"
    );
    // The stories split over two lists alike: no choice is clear.
    let mut two = stories("left", "div", &[1, 2, 3, 7]);
    two = two.replace(
        "</main>",
        &stories("right", "div", &[4, 5, 6, 8])
            .split("<main>")
            .nth(1)
            .unwrap()
            .replace("</main></body></html>", "</main>"),
    );
    server.route("/news/", Route::ok("text/html", two));
    let report = project.run_json(1);
    let reason = report["sections"][0]["reason"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(reason.contains("not healed: two lists"), "{reason}");
}

#[test]
fn selectors_that_now_match_a_menu_heal_too() {
    let server = Server::start();
    let stories_in = |tag: &str, ids: &[u32]| -> String {
        ids.iter()
            .map(|n| format!("<{tag}><a href=\"/story/{n}\">Story number {n} of the newsroom today</a></{tag}>"))
            .collect()
    };
    server.route(
        "/news/",
        Route::ok(
            "text/html",
            format!(
                "<html><body><ul>{}</ul></body></html>",
                stories_in("li", &[1, 2, 3, 4, 5, 6])
            ),
        ),
    );
    let project = Project::new(&format!(
        "[[site]]\nid = \"n\"\nheal = \"auto\"\n  [[site.section]]\n  id = \"news\"\n  url = \"{}\"\n  items = {{ item = \"li\" }}\n",
        server.url("/news/")
    ));
    project.cmd(&["run"]).success();
    // The redesign: the stories move into articles, and `li` now finds the menu.
    let menu: String = [
        "Home", "World", "Sport", "Culture", "Weather", "Jobs", "About", "Contact",
    ]
    .iter()
    .map(|w| format!("<li><a href=\"/{w}\">{w}</a></li>"))
    .collect();
    server.route(
        "/news/",
        Route::ok(
            "text/html",
            format!(
                "<html><body><nav><ul>{menu}</ul></nav><main>{}</main></body></html>",
                stories_in("article", &[7, 1, 2, 3, 4, 5, 6])
            ),
        ),
    );
    let report = project.run_json(0);
    let section = &report["sections"][0];
    assert!(
        section["healed"]
            .as_str()
            .unwrap()
            .starts_with("item = \"article\""),
        "{section}"
    );
    assert_eq!(section["new"], 1, "{section}");
    assert!(
        section["warnings"]
            .to_string()
            .contains("titles and links changed"),
        "{section}"
    );
    let titles: Vec<String> = project
        .parse("n/news.xml")
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect();
    assert!(
        !titles.iter().any(|t| t == "Home"),
        "the menu stays out: {titles:?}"
    );
}

/// `suggest --append` twice and then `heal --write` leave a file laid out as one hand wrote
/// it: every section indented like the file's own, one blank line between tables, the trailing
/// newline kept; and each says in one sentence what it did.
#[test]
fn append_twice_then_heal_write_keep_the_files_layout() {
    let server = Server::start();
    server.route("/robots.txt", Route::status(404));
    for path in ["/news/", "/sport/", "/world/"] {
        server.route(
            path,
            Route::ok("text/html", stories("story", "div", &[1, 2, 3, 4])),
        );
    }
    let text = format!(
        "# Our feeds\n[fetch]\nhost_delay_ms = 0\n\n[[site]]\nid = \"local\"\ntitle = \"Local\"\nhome = \"{}\"\nheal = \"suggest\"\n\n  [[site.section]]\n  id = \"news\"\n  url = \"{}\"\n  items = {{ item = \"div.story\" }}\n",
        server.url("/"),
        server.url("/news/")
    );
    let project = Project::raw(&text);
    for (path, id) in [("/sport/", "sport"), ("/world/", "world")] {
        let output = assert_cmd::Command::cargo_bin("feedwright")
            .unwrap()
            .current_dir(project.config().parent().unwrap())
            .args(["suggest", &server.url(path), "--append", "config.toml"])
            .assert()
            .success()
            .get_output()
            .clone();
        let said = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            said.contains(&format!(
                "added section local/{id} to config.toml, under the existing site local (same host)"
            )),
            "{said}"
        );
    }
    project.cmd(&["run"]).success();
    server.route(
        "/news/",
        Route::ok(
            "text/html",
            stories("teaser-card", "article", &[5, 1, 2, 3, 4]),
        ),
    );
    project.cmd(&["run"]).code(1);
    project.cmd(&["heal", "--write"]).success();
    let written = std::fs::read_to_string(project.config()).unwrap();
    let port = server.url("/");
    let expected = format!(
        "# Our feeds\n[fetch]\nhost_delay_ms = 0\n\n[[site]]\nid = \"local\"\ntitle = \"Local\"\nhome = \"{port}\"\nheal = \"suggest\"\n\n  [[site.section]]\n  id = \"news\"\n  url = \"{port}news/\"\n  items = {{ item = \"article.teaser-card\", title = \"h3\", summary = \"p\" }}\n\n  [[site.section]]\n  id = \"sport\"\n  title = \"sport\"\n  url = \"{port}sport/\"\n  items = {{ item = \"div.story\", title = \"h3\", summary = \"p\" }}\n\n  [[site.section]]\n  id = \"world\"\n  title = \"world\"\n  url = \"{port}world/\"\n  items = {{ item = \"div.story\", title = \"h3\", summary = \"p\" }}\n"
    );
    assert_eq!(written, expected, "\n{written}");
}
