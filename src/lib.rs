//! feedwright turns the section index pages of news sites into clean RSS 2.0, Atom 1.0 and
//! JSON Feed files in a folder any static web host can serve.
//!
//! Data flows one way: [`config`] → [`fetch`] → [`extract`] → [`normalize`] → [`store`] →
//! [`render`] → [`publish`]; [`pipeline`] drives sections through those stages and returns
//! what happened as data. [`model`] holds the plain types the stages pass along, [`serve`]
//! previews the output folder. The binary (`src/main.rs`, `src/cli/`) owns the terminal.
//! `ARCHITECTURE.md` is the map.

#![warn(
    missing_docs,
    unreachable_pub,
    missing_debug_implementations,
    clippy::semicolon_if_nothing_returned,
    clippy::redundant_closure_for_method_calls,
    clippy::manual_let_else,
    clippy::explicit_iter_loop,
    clippy::needless_pass_by_value,
    clippy::uninlined_format_args,
    clippy::map_unwrap_or
)]
// Errors carry the URLs they are about. They are made once per failed request, on a path that
// waits on the network, so their size costs nothing and boxing them would only add noise.
#![allow(clippy::result_large_err, clippy::large_enum_variant)]

#[macro_use]
mod compiled;

pub mod config;
pub mod cpu;
pub mod extract;
pub mod fetch;
pub mod locale;
pub mod model;
pub mod normalize;
pub mod objects;
pub mod pipeline;
pub mod publish;
pub mod render;
pub mod serve;
pub mod store;
