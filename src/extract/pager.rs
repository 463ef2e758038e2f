//! The link to a listing's next page of older items: the configured `next` selector, else
//! `rel=next`, else a link whose text, label or class says "next" in one of many languages
//! (`Next`, `Older posts`, `›`, `Weiter`, `Suivant`, `Следующая`, `次へ`…), else the page after
//! the current one in a numbered pager.

use scraper::{ElementRef, Html};
use url::Url;

use super::element_text;
use super::rules::FieldSelector;

/// A next-page link and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextLink {
    /// Where it leads.
    pub url: Url,
    /// How it was found: `next selector`, `rel=next`, `link text`, `link class`, `page number`.
    pub how: &'static str,
}

/// Words that say "next page" (compared in lower case, without arrows and punctuation).
const NEXT_WORDS: &[&str] = &[
    "next",
    "next page",
    "next posts",
    "next entries",
    "older",
    "older posts",
    "older entries",
    "older articles",
    "older stories",
    "more posts",
    "load more",
    "weiter",
    "nächste",
    "nächste seite",
    "ältere beiträge",
    "ältere einträge",
    "suivant",
    "suivante",
    "page suivante",
    "articles plus anciens",
    "siguiente",
    "página siguiente",
    "entradas anteriores",
    "avanti",
    "successivo",
    "successiva",
    "pagina successiva",
    "articoli precedenti",
    "próxima",
    "próximo",
    "seguinte",
    "volgende",
    "oudere berichten",
    "następna",
    "następna strona",
    "starsze wpisy",
    "nästa",
    "äldre inlägg",
    "næste",
    "neste",
    "seuraava",
    "sonraki",
    "επόμενη",
    "следующая",
    "следующая страница",
    "далее",
    "вперед",
    "вперёд",
    "старые записи",
    "наступна",
    "далі",
    "další",
    "další stránka",
    "starší",
    "starší příspěvky",
    "次へ",
    "次",
    "次のページ",
    "次のページへ",
    "下一页",
    "下一頁",
    "下页",
    "다음",
    "다음 페이지",
    "selanjutnya",
    "berikutnya",
    "lanjut",
    "পরবর্তী",
    "পরের পাতা",
];

/// Words that say "previous page": never followed.
const BACK_WORDS: &[&str] = &[
    "prev",
    "previous",
    "newer",
    "back",
    "zurück",
    "vorherige",
    "précédent",
    "anterior",
    "precedente",
    "vorige",
    "poprzednia",
    "föregående",
    "edellinen",
    "önceki",
    "προηγούμενη",
    "предыдущая",
    "назад",
    "попередня",
    "předchozí",
    "předešlé",
    "předchozí příspěvky",
    "novější",
    "前へ",
    "上一页",
    "이전",
    "sebelumnya",
    "précédente",
    "vorherige seite",
    "neuere beiträge",
];

/// Arrows that mean "next" when they are all a link says.
const NEXT_ARROWS: &[&str] = &["›", "»", "→", ">", ">>", "›› ", "»»", "⟩", "▶", "►"];

/// The page after `page`, from its document.
pub fn next_link(
    document: &Html,
    page: &Url,
    configured: Option<&FieldSelector>,
) -> Option<NextLink> {
    let root = document.root_element();
    let usable = |href: &str| -> Option<Url> {
        let href = href.trim();
        if href.is_empty()
            || href.starts_with('#')
            || href.to_ascii_lowercase().starts_with("javascript:")
        {
            return None;
        }
        let mut url = page.join(href).ok()?;
        url.set_fragment(None);
        let mut here = page.clone();
        here.set_fragment(None);
        (matches!(url.scheme(), "http" | "https") && url != here && same_site(&url, page))
            .then_some(url)
    };
    if let Some(selector) = configured {
        // The user's selector decides: no match means there is no next page.
        return selector.select(root).find_map(|el| {
            let href = match selector.attr() {
                Some(attr) => el.attr(attr).map(str::to_string),
                None => el
                    .attr("href")
                    .or_else(|| el.select(css!("a[href]")).next()?.attr("href"))
                    .map(str::to_string),
            }?;
            Some(NextLink {
                url: usable(&href)?,
                how: "next selector",
            })
        });
    }
    let rel_next = root
        .select(css!("link[rel][href], a[rel][href]"))
        .filter(|el| {
            el.attr("rel")
                .is_some_and(|r| r.split_whitespace().any(|w| w.eq_ignore_ascii_case("next")))
        })
        .find_map(|el| usable(el.attr("href")?));
    if let Some(url) = rel_next {
        return Some(NextLink {
            url,
            how: "rel=next",
        });
    }
    let links: Vec<(ElementRef, Url)> = root
        .select(css!("a[href]"))
        .filter_map(|a| Some((a, usable(a.attr("href")?)?)))
        .collect();
    let said = |a: &ElementRef| -> Vec<String> {
        let mut texts = vec![element_text(*a)];
        texts.extend(
            ["aria-label", "title"]
                .iter()
                .filter_map(|k| a.attr(k))
                .map(str::to_string),
        );
        texts
            .into_iter()
            .map(|t| plain(&t))
            .filter(|t| !t.is_empty())
            .collect()
    };
    let by_text = links.iter().find(|(a, _)| {
        let texts = said(a);
        let raw = element_text(*a);
        (texts.iter().any(|t| says_next(t)) || NEXT_ARROWS.contains(&raw.trim()))
            && !texts.iter().any(|t| says_back(t))
    });
    if let Some((_, url)) = by_text {
        return Some(NextLink {
            url: url.clone(),
            how: "link text",
        });
    }
    let by_class = links.iter().find(|(a, _)| {
        let classes = [Some(*a), a.parent().and_then(ElementRef::wrap)]
            .into_iter()
            .flatten()
            .flat_map(|el| [el.value().attr("class"), el.value().attr("id")])
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_lowercase();
        classes
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_')
            .any(|word| {
                let word = word.trim_matches(|c| c == '-' || c == '_');
                word == "next"
                    || word.starts_with("next")
                    || word.ends_with("-next")
                    || word.ends_with("_next")
                    || word.ends_with("next") && !word.contains("prev")
            })
            && !classes.contains("prev")
    });
    if let Some((_, url)) = by_class {
        return Some(NextLink {
            url: url.clone(),
            how: "link class",
        });
    }
    let current = page_number(page).unwrap_or(1);
    links
        .iter()
        .find(|(a, _)| element_text(*a).trim() == (current + 1).to_string())
        .map(|(_, url)| NextLink {
            url: url.clone(),
            how: "page number",
        })
}

/// Lower case, without arrows, quotes and punctuation at either end, spaces collapsed.
fn plain(text: &str) -> String {
    text.trim_matches(|c: char| !c.is_alphanumeric())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether a link's text says "next page": one of [`NEXT_WORDS`] whole, or one of its single
/// words among the text's words ("Načíst další příběhy"), except the English "next" and
/// "older", which must open the text ("Next ›", "Older Posts →", not "Read the next story").
fn says_next(text: &str) -> bool {
    if NEXT_WORDS.contains(&text) {
        return true;
    }
    let mut words = text.split_whitespace();
    if matches!(words.next(), Some("next" | "older"))
        && matches!(
            words.next(),
            None | Some("page" | "posts" | "entries" | "articles")
        )
    {
        return true;
    }
    text.split_whitespace().any(|word| {
        !matches!(word, "next" | "older" | "more")
            && !word.is_empty()
            && NEXT_WORDS.iter().any(|w| !w.contains(' ') && *w == word)
    })
}

fn says_back(text: &str) -> bool {
    BACK_WORDS
        .iter()
        .any(|w| text.split_whitespace().any(|t| t == *w) || text == *w)
}

/// Hosts equal but for a leading `www.`.
fn same_site(a: &Url, b: &Url) -> bool {
    let bare = |u: &Url| {
        u.host_str()
            .map(|h| h.trim_start_matches("www.").to_ascii_lowercase())
    };
    bare(a) == bare(b)
}

/// The page number a listing URL names: `/page/3`, `?paged=3`, `?page=3`, `?p=3`.
fn page_number(url: &Url) -> Option<u32> {
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    let from_path = segments
        .windows(2)
        .rev()
        .find(|w| w[0].eq_ignore_ascii_case("page"))
        .and_then(|w| w[1].parse().ok());
    from_path.or_else(|| {
        url.query_pairs()
            .find(|(k, _)| matches!(k.as_ref(), "paged" | "page" | "p" | "pg"))
            .and_then(|(_, v)| v.parse().ok())
    })
}
