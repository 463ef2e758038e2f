//! Finding items in pages: configured selectors (`items`), automatic detection ([`detect`]),
//! source feeds ([`feed`]) and article pages ([`article`]). Pure functions from a page's text
//! to raw items: no network, no store, no cleaning (that is `normalize`'s job).

pub mod article;
pub mod article_pages;
mod boilerplate;
pub mod detect;
mod dom;
pub mod feed;
mod fields;
pub mod fulltext;
mod items;
mod jsonld;
pub mod pager;
mod rules;
mod simple;
pub mod template;
pub mod zone;

pub use crate::model::Field;
pub use dom::{element_text, parse_page};
pub use fields::page_title;
pub use items::{Extraction, extract_items};
pub use rules::{FieldSelector, Rules, css_mistake};
