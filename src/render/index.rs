//! `index.html`: a plain, responsive page listing every feed with its subscribe links.

use std::fmt::Write as _;

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

use super::{Format, Listed, xml_safe};

/// The look shared by the index and the feed pages.
pub(super) const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#222}\
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}\
ul{list-style:none;padding:0}li{padding:.6rem 0;border-bottom:1px solid #eee}\
.t{font-weight:600}.m{color:#666;font-size:.9rem}a{color:#0b57d0}\
.f{color:#b3261e;font-size:.9rem}.f b{font-weight:600}\
input{width:100%;font:inherit;font-size:.85rem;padding:.2rem;border:1px solid #ccc;border-radius:4px;box-sizing:border-box}\
@media (prefers-color-scheme:dark){body{background:#111;color:#ddd}a{color:#8ab4f8}li,h2{border-color:#333}input{background:#222;color:#ddd;border-color:#444}}";

/// Renders `index.html` for `feeds` (grouped by site, in the given order).
pub fn index_html(title: &str, formats: &[Format], feeds: &[Listed]) -> Vec<u8> {
    let feeds = &xml_safe(feeds);
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{t}</h1>\n\
         <p>Subscribe to any feed below in your feed reader, or import them all at once with \
         <a href=\"feeds.opml\">feeds.opml</a>.</p>\n",
        t = text(title)
    );
    let mut current_site: Option<&str> = None;
    for feed in feeds {
        let site = feed.meta.site_title.as_str();
        if current_site != Some(site) {
            if current_site.is_some() {
                page.push_str("</ul>\n");
            }
            let _ = writeln!(page, "<h2>{}</h2>\n<ul>", text(site));
            current_site = Some(site);
        }
        let mut links: Vec<String> = formats
            .iter()
            .map(|f| format!("<a href=\"{}\">{}</a>", attr(&feed.href(*f)), f.label()))
            .collect();
        links.push(format!("<a href=\"{}\">Read</a>", attr(&feed.page_href())));
        let refreshed = feed.refreshed.map_or_else(
            || "not yet".to_string(),
            |d| {
                format!(
                    "<time datetime=\"{}\">{}</time>",
                    d.to_rfc3339(),
                    d.format("%Y-%m-%d %H:%M UTC")
                )
            },
        );
        let failing = feed.failing.as_deref().map_or_else(String::new, |why| {
            format!(
                "<div class=\"f\"><b>Last run failed:</b> {} (the feed stays as it was)</div>",
                text(why)
            )
        });
        let _ = writeln!(
            page,
            "<li><div class=\"t\"><a href=\"{page_url}\">{title}</a></div>\
             <div class=\"m\">{count} items · refreshed {refreshed} · {links}</div>{failing}\
             <input readonly value=\"{copy}\" aria-label=\"Feed address\"></li>",
            page_url = attr(feed.meta.page_url.as_str()),
            title = text(&feed.meta.section_title),
            count = feed.items,
            links = links.join(" · "),
            copy = attr(&feed.href(formats[0])),
        );
    }
    if current_site.is_some() {
        page.push_str("</ul>\n");
    }
    page.push_str("</body>\n</html>\n");
    page.into_bytes()
}
