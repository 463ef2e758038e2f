//! OPML 2.0 list of every feed, grouped by site, for one-click import into a reader.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::{Format, Listed, xml_safe};

/// Renders `feeds.opml`: one outline per site, one child per section in `format`.
pub fn opml(title: &str, format: Format, feeds: &[Listed]) -> Vec<u8> {
    let feeds = &xml_safe(feeds);
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let mut write = |event: Event| w.write_event(event).expect("writing to memory cannot fail");
    write(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    write(Event::Start(
        BytesStart::new("opml").with_attributes([("version", "2.0")]),
    ));
    write(Event::Start(BytesStart::new("head")));
    write(Event::Start(BytesStart::new("title")));
    write(Event::Text(BytesText::new(title)));
    write(Event::End(BytesEnd::new("title")));
    write(Event::End(BytesEnd::new("head")));
    write(Event::Start(BytesStart::new("body")));
    let mut current_site: Option<&str> = None;
    for feed in feeds {
        let site = feed.meta.site_title.as_str();
        if current_site != Some(site) {
            if current_site.is_some() {
                write(Event::End(BytesEnd::new("outline")));
            }
            write(Event::Start(
                BytesStart::new("outline").with_attributes([("text", site), ("title", site)]),
            ));
            current_site = Some(site);
        }
        let xml_url = feed.href(format);
        let title = feed.meta.title();
        write(Event::Empty(BytesStart::new("outline").with_attributes([
            ("type", "rss"),
            ("text", title.as_str()),
            ("title", title.as_str()),
            ("xmlUrl", xml_url.as_str()),
            ("htmlUrl", feed.meta.page_url.as_str()),
        ])));
    }
    if current_site.is_some() {
        write(Event::End(BytesEnd::new("outline")));
    }
    write(Event::End(BytesEnd::new("body")));
    write(Event::End(BytesEnd::new("opml")));
    let mut out = w.into_inner();
    out.push(b'\n');
    out
}
