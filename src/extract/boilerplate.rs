//! What an extraction engine lets through around an article: sharing bars, "related" and
//! "most read" lists, newsletter and cookie boxes, comment counts, copyright lines. Taken out of
//! the extracted text: blocks that are short and mostly links, or whose class names such
//! furniture; "Read also: <link>" lead-ins; runs of blocks that are each one link (a list of
//! other stories) with the short label above them; and the calls to subscribe, follow,
//! download or reprint, and the copyright lines, that close the text.

use ego_tree::NodeId;
use scraper::{ElementRef, Html};

use super::dom::element_text;

/// Blocks of at most this many characters of text are judged; longer ones are the article.
const SHORT: usize = 300;
/// Share of a short block's text in links from which it is a list of links.
const LINKY: f64 = 0.6;
/// Share of a block's text in links from which it is only a link.
const ONE_LINK: f64 = 0.9;
/// A label ("Read also:", "Schon gelesen?") has at most this many characters.
const LABEL: usize = 40;

/// `html` (an extracted article text) without its furniture blocks.
pub(super) fn without_furniture(html: &str) -> String {
    let mut fragment = Html::parse_fragment(html);
    let root = fragment.root_element();
    let mut furniture: Vec<NodeId> = root
        .select(css!(
            "div, section, aside, nav, footer, ul, ol, p, li, form, figure, h1, h2, h3, h4, h5, h6, blockquote"
        ))
        .filter(|el| is_furniture(*el) || is_lead_in(*el) || in_link_run(*el))
        .map(|el| el.id())
        .collect();
    furniture.extend(labels_above(root, &furniture));
    furniture.extend(closing_calls(root, &furniture));
    if furniture.is_empty() {
        return html.to_string();
    }
    for id in furniture {
        if let Some(mut node) = fragment.tree.get_mut(id) {
            node.detach();
        }
    }
    fragment.root_element().inner_html()
}

/// Whether a block of the text is furniture rather than article.
fn is_furniture(el: ElementRef) -> bool {
    let named = regex!(
        r"(?i)\b(share|sharing|social|related|newsletter|subscribe|signup|cookie|consent|comments?|promo|advert|ad-|sponsor|recommend|most-read|popular|trending|footer|copyright|author-bio|tags)"
    );
    let value = el.value();
    if matches!(value.name(), "nav" | "aside" | "form" | "footer") {
        return true;
    }
    let text = element_text(el);
    let chars = text.chars().count();
    if chars > SHORT {
        return false;
    }
    let said = value.attr("class").is_some_and(|c| named.is_match(c))
        || value.attr("id").is_some_and(|i| named.is_match(i));
    said || (chars > 0 && linked_share(el, chars) >= LINKY && value.name() != "p")
}

/// The share of the `chars` characters of `el`'s text that are link text.
fn linked_share(el: ElementRef, chars: usize) -> f64 {
    let linked: usize = el
        .select(css!("a"))
        .map(|a| element_text(a).chars().count())
        .sum();
    linked as f64 / chars.max(1) as f64
}

/// Whether `el` is a short label and a link to another story: "Read also: <a>…</a>",
/// "LE PUEDE INTERESAR: <a>…</a>".
fn is_lead_in(el: ElementRef) -> bool {
    let text = element_text(el);
    let chars = text.chars().count();
    if chars > SHORT {
        return false;
    }
    let Some((label, rest)) = text.split_once(':') else {
        return false;
    };
    let rest_chars = rest.trim().chars().count();
    !label.is_empty()
        && label.chars().count() <= LABEL
        && label.split_whitespace().count() <= 4
        && rest_chars > 0
        && linked_share(el, chars) * chars as f64 >= rest_chars as f64 * LINKY
}

/// Whether `el` is one of two or more neighbouring blocks that are each only a link (a list of
/// other stories written as paragraphs or quotes).
fn in_link_run(el: ElementRef) -> bool {
    let only_link = |el: ElementRef| {
        let chars = element_text(el).chars().count();
        chars > 0 && chars <= SHORT && linked_share(el, chars) >= ONE_LINK
    };
    let same = |other: Option<ElementRef>| {
        other.is_some_and(|o| o.value().name() == el.value().name() && only_link(o))
    };
    matches!(
        el.value().name(),
        "p" | "blockquote" | "h2" | "h3" | "h4" | "h5" | "h6"
    ) && only_link(el)
        && (same(neighbour(el, true)) || same(neighbour(el, false)))
}

/// The short labels ("Schon gelesen?", "Related:") just above removed blocks.
fn labels_above(root: ElementRef, removed: &[NodeId]) -> Vec<NodeId> {
    removed
        .iter()
        .filter_map(|id| ElementRef::wrap(root.tree().get(*id)?))
        .filter_map(|el| neighbour(el, false))
        .filter(|label| {
            let text = element_text(*label);
            let text = text.trim();
            !removed.contains(&label.id())
                && label.select(css!("a")).next().is_none()
                && (text.ends_with(':') || text.ends_with('?'))
                && text.chars().count() <= LABEL
        })
        .map(|label| label.id())
        .collect()
}

/// The element just after (`next`) or before `el`, past blank text only.
fn neighbour(el: ElementRef, next: bool) -> Option<ElementRef> {
    let mut node = if next {
        el.next_sibling()
    } else {
        el.prev_sibling()
    };
    while let Some(current) = node {
        if let Some(element) = ElementRef::wrap(current) {
            return Some(element);
        }
        if !current
            .value()
            .as_text()
            .is_some_and(|t| t.trim().is_empty())
        {
            return None;
        }
        node = if next {
            current.next_sibling()
        } else {
            current.prev_sibling()
        };
    }
    None
}

/// The blocks at the end of the text (and the label just above removed link lists) that call
/// the reader to subscribe, follow, download, join or advertise, or claim copyright: from the
/// last block up, while each is short and such a call.
fn closing_calls(root: ElementRef, removed: &[NodeId]) -> Vec<NodeId> {
    let call = regex!(
        r"(?i)(subscri|suscri|abonn|newsletter|sign up|log ?in\b|follow (us|the|@)|síguenos|seguir a|folg(e|t) uns|download (the|our)|descarga|app store|google play|telegram|whatsapp|nuestro canal|our channel|copyright|©|all rights|derechos reservados|alle rechte|droits réservés|reprint|permission|not responsible|advertise|werbung|publicidad|únete|join us|hazte miembro|become a member|mitglied werden|teilen|share this|compart|partag|faire un don|donat|spende)"
    );
    let leaves: Vec<ElementRef> = root
        .select(css!(
            "p, h1, h2, h3, h4, h5, h6, li, blockquote, dd, div, td"
        ))
        .filter(|el| {
            !el.select(css!(
                "p, h1, h2, h3, h4, h5, h6, li, blockquote, dd, div, td"
            ))
            .any(|inner| inner.id() != el.id())
        })
        .filter(|el| {
            !el.ancestors().any(|a| removed.contains(&a.id())) && !removed.contains(&el.id())
        })
        .collect();
    let mut calls = Vec::new();
    let mut called = 0;
    for el in leaves.iter().rev() {
        let text = element_text(*el);
        if text.trim().is_empty() {
            continue;
        }
        let chars = text.chars().count();
        if chars > SHORT || !call.is_match(&text) {
            break;
        }
        called += chars;
        calls.push(el.id());
    }
    // A text that is mostly such calls is what the page is about.
    if called * 3 > element_text(root).chars().count() {
        return Vec::new();
    }
    calls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sharing_related_and_link_lists_go_the_article_stays() {
        let html = r#"<div><p>The harbour reopened on <a href="/monday">Monday</a> after the storm.</p>
            <div class="share-bar"><a href="/fb">Facebook</a> <a href="/x">X</a></div>
            <ul><li><a href="/a">Another story</a></li><li><a href="/b">A third story</a></li></ul>
            <p>Repairs will take the month.</p><aside>Most read</aside></div>"#;
        let clean = without_furniture(html);
        assert!(
            clean.contains("The harbour reopened") && clean.contains("Repairs"),
            "{clean}"
        );
        assert!(
            !clean.contains("Facebook") && !clean.contains("Another story"),
            "{clean}"
        );
        assert!(!clean.contains("Most read"), "{clean}");
    }

    #[test]
    fn lead_ins_link_runs_and_closing_calls_go() {
        let html = r#"<div><p>The council met on Monday to vote on the budget for next year, which it passed after a long debate about the harbour.</p>
            <p><strong>Read also: <a href="/other">The mayor resigns after a decade</a></strong></p>
            <p>Ergänzung 1: the lyrics can be read <a href="/lyrics">here</a>, and the song is sold from August on.</p>
            <p>The vote was close: eleven to ten.</p>
            <p><strong>Already read?</strong></p>
            <blockquote><p><a href="/a">A first story of the site</a></p></blockquote>
            <blockquote><p><a href="/b">A second story of the site</a></p></blockquote>
            <p>Repairs to the harbour will start in spring and take the whole summer, the mayor said after the vote.</p>
            <p>Subscribe now to our <a href="/e">e-edition</a> for the full story.</p>
            <p>© 2022 The Harbour Times. All rights reserved.</p></div>"#;
        let clean = without_furniture(html);
        for kept in [
            "The council met",
            "Ergänzung 1",
            "eleven to ten",
            "Repairs to the harbour",
        ] {
            assert!(clean.contains(kept), "{kept} lost: {clean}");
        }
        for gone in [
            "The mayor resigns",
            "Already read?",
            "A first story",
            "A second story",
            "Subscribe now",
            "All rights reserved",
        ] {
            assert!(!clean.contains(gone), "{gone} kept: {clean}");
        }
    }

    #[test]
    fn a_text_that_is_mostly_calls_is_kept() {
        let html = "<div><p>We make these podcasts with our friends and love doing it.</p><p>If you like them, share our posts on Facebook or subscribe to the newsletter.</p><p>We also have a donation button: donations keep the next episodes coming.</p></div>";
        assert!(without_furniture(html).contains("share our posts"));
    }
}
