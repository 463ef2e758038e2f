//! A page as the builder shows it: fetched once, kept, and written out again with every
//! element numbered (`data-fw="N"`, its place in document order) and everything that could
//! run or reach off this machine taken out — scripts, handlers, frames, plugins, links to
//! stylesheets, `<base>`, refreshes, form targets, `url()` in styles; pictures become
//! placeholders. The numbers tie a click in the browser to the element the engine reads.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use ego_tree::NodeId;
use scraper::node::Node;
use scraper::{ElementRef, Html};
use url::Url;

use crate::config::Render;

/// A page the builder works on.
#[derive(Debug, Clone)]
pub(super) struct Snapshot {
    /// Its id in `/api/snapshot/ID`.
    pub(super) id: String,
    /// The URL asked for (what a section saves).
    pub(super) url: Url,
    /// The URL after redirects.
    pub(super) final_url: Url,
    /// How it was loaded.
    pub(super) render: Render,
    /// Its text, decoded.
    pub(super) html: Arc<str>,
    /// The page of older items, if it has one.
    pub(super) next: Option<Url>,
    /// When it was fetched.
    pub(super) fetched: DateTime<Utc>,
    /// The page's own style sheets, disarmed, once they are loaded (`Some("")` when it has
    /// none or they could not be had).
    pub(super) styles: tokio::sync::watch::Receiver<Option<Arc<str>>>,
}

/// Elements whose every number is their place among the document's elements.
pub(super) struct Numbered {
    /// Element ids in document order.
    pub(super) order: Vec<NodeId>,
    place: HashMap<NodeId, usize>,
}

impl Numbered {
    /// Numbers the elements of `document`.
    pub(super) fn new(document: &Html) -> Numbered {
        let order: Vec<NodeId> = document
            .tree
            .root()
            .descendants()
            .filter(|n| n.value().is_element())
            .map(|n| n.id())
            .collect();
        let place = order.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        Numbered { order, place }
    }

    /// The element numbered `n`.
    pub(super) fn element<'a>(&self, document: &'a Html, n: usize) -> Option<ElementRef<'a>> {
        let id = *self.order.get(n)?;
        document.tree.get(id).and_then(ElementRef::wrap)
    }

    /// The numbers of `ids`.
    pub(super) fn numbers(&self, ids: &[NodeId]) -> Vec<usize> {
        ids.iter()
            .filter_map(|id| self.place.get(id).copied())
            .collect()
    }
}

/// Runs `read` on `html` parsed and numbered, on the blocking pool (parsing is CPU work).
pub(super) async fn on_page<T: Send + 'static>(
    html: Arc<str>,
    read: impl FnOnce(&Html, &Numbered) -> T + Send + 'static,
) -> T {
    tokio::task::spawn_blocking(move || {
        let document = Html::parse_document(&html);
        let numbered = Numbered::new(&document);
        read(&document, &numbered)
    })
    .await
    .expect("reading a kept page does not panic")
}

/// Elements left out whole, with what they hold.
const DROPPED: [&str; 16] = [
    "script", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "portal",
    "link", "base", "template", "audio", "video", "source", "track",
];

/// Attributes that name something to fetch or run, on any element.
const FETCHING: [&str; 13] = [
    "src",
    "srcset",
    "sizes",
    "href",
    "action",
    "formaction",
    "poster",
    "background",
    "data",
    "ping",
    "target",
    "manifest",
    "codebase",
];

/// A grey box for every picture.
const PLACEHOLDER: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='4' height='3'%3E%3Crect width='4' height='3' fill='%23d6dbe1'/%3E%3C/svg%3E";

/// Elements with no end tag.
const VOID: [&str; 14] = [
    "area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr", "base",
];

/// What goes into the frame's `<head>` besides the page's own elements.
pub(super) struct Head<'a> {
    /// First: the page's style sheets, inlined (they would be links to its server).
    pub(super) start: &'a str,
    /// Last: the builder's own style and script.
    pub(super) end: &'a str,
}

/// `document` written out for the builder's frame, numbered and disarmed, with `head` added.
pub(super) fn disarmed(document: &Html, numbered: &Numbered, head: &Head) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>");
    for child in document.tree.root().children() {
        write_node(child, numbered, head, &mut out);
    }
    out
}

/// Style sheet text made safe to inline: nothing it names is fetched, and it cannot end its
/// `<style>` element.
pub(super) fn inline_css(css: &str) -> String {
    disarm_css(css).replace("</", "<\\/")
}

fn write_node(node: ego_tree::NodeRef<Node>, numbered: &Numbered, head: &Head, out: &mut String) {
    match node.value() {
        Node::Text(text) => {
            let raw = node
                .parent()
                .and_then(|p| p.value().as_element())
                .is_some_and(|p| p.name() == "style");
            if raw {
                out.push_str(&disarm_css(text));
            } else {
                out.push_str(&html_escape::encode_text(&**text));
            }
        }
        Node::Element(el) => {
            let name = el.name();
            if DROPPED.contains(&name)
                || (name == "meta"
                    && (el.attr("http-equiv").is_some() || el.attr("charset").is_some()))
            {
                return;
            }
            let _ = write!(out, "<{name}");
            if let Some(n) = numbered.place.get(&node.id()) {
                let _ = write!(out, " data-fw=\"{n}\"");
            }
            for (attr, value) in el.attrs() {
                let lower = attr.to_ascii_lowercase();
                let local = lower.rsplit(':').next().unwrap_or(&lower);
                if lower.starts_with("on") || lower.starts_with("data-fw") {
                    continue;
                }
                let value = if FETCHING.contains(&local) {
                    match (name, local) {
                        ("img", "src") => PLACEHOLDER.to_string(),
                        ("a" | "area", "href") => {
                            let _ = write!(
                                out,
                                " data-fw-href=\"{}\"",
                                html_escape::encode_double_quoted_attribute(value)
                            );
                            continue;
                        }
                        _ => continue,
                    }
                } else if local == "style" {
                    disarm_css(value)
                } else {
                    value.to_string()
                };
                let _ = write!(
                    out,
                    " {attr}=\"{}\"",
                    html_escape::encode_double_quoted_attribute(&value)
                );
            }
            if name == "img" && el.attr("src").is_none() {
                let _ = write!(out, " src=\"{PLACEHOLDER}\"");
            }
            out.push('>');
            if name == "head" {
                out.push_str("<meta charset=\"utf-8\">");
            }
            if VOID.contains(&name) {
                return;
            }
            if name == "head" && !head.start.is_empty() {
                let _ = write!(out, "<style>{}</style>", head.start);
            }
            for child in node.children() {
                write_node(child, numbered, head, out);
            }
            if name == "head" {
                out.push_str(head.end);
            }
            let _ = write!(out, "</{name}>");
        }
        Node::Document | Node::Fragment => {
            for child in node.children() {
                write_node(child, numbered, head, out);
            }
        }
        _ => {}
    }
}

/// CSS that can fetch nothing: `@import` rules dropped, `url(…)`, `image-set(…)` and
/// `expression(…)` replaced by `none`.
fn disarm_css(css: &str) -> String {
    let imports = regex!(r"(?i)@import[^;]*;?");
    let fetching = regex!(r"(?i)(?:url|image-set|expression)\s*\((?:[^()]|\([^()]*\))*\)");
    let css = imports.replace_all(css, "");
    fetching.replace_all(&css, "none").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_that_fetches_or_runs_survives() {
        let page = r#"<html><head><base href="https://evil.example/"><link rel=stylesheet href="https://evil.example/a.css">
            <meta http-equiv="refresh" content="0;url=https://evil.example/"><style>@import url(https://evil.example/b.css); body{background:url("https://evil.example/c.png")}</style>
            <script>fetch('https://evil.example/')</script></head>
            <body onload="x()"><a href="/story" onclick="y()">Story</a><img src="https://evil.example/d.png" srcset="https://evil.example/e.png 2x">
            <iframe src="https://evil.example/f"></iframe><form action="https://evil.example/g"><input type=image src="https://evil.example/h.png"></form>
            <svg><image href="https://evil.example/i.png"/></svg><div style="background-image:url(https://evil.example/j.png)">x</div></body></html>"#;
        let document = Html::parse_document(page);
        let numbered = Numbered::new(&document);
        let head = Head {
            start: &inline_css("a { color: red } </style><b>out</b>"),
            end: "<!--extra-->",
        };
        let out = disarmed(&document, &numbered, &head);
        assert!(
            out.contains("<style>a { color: red } <\\/style><b>out<\\/b></style>"),
            "{out}"
        );
        assert!(!out.contains("evil.example/\""), "{out}");
        for gone in [
            "<script",
            "<iframe",
            "<base",
            "<link",
            "onload",
            "onclick",
            "url(",
            "@import",
            "srcset",
            "http-equiv",
            "evil.example/d.png",
            "evil.example/h.png",
            "evil.example/i.png",
            "evil.example/j.png",
            "action=",
        ] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        assert!(out.contains("data-fw-href=\"/story\""), "{out}");
        assert!(out.contains("<!--extra--></head>"), "{out}");
        let story = document
            .root_element()
            .select(&scraper::Selector::parse("a").unwrap())
            .next()
            .unwrap();
        let n = numbered.numbers(&[story.id()])[0];
        assert!(out.contains(&format!("<a data-fw=\"{n}\"")), "{out}");
        assert_eq!(numbered.element(&document, n).unwrap().id(), story.id());
    }
}
