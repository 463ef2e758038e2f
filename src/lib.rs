//! feedwright turns the section index pages of news sites into clean RSS 2.0, Atom 1.0 and
//! JSON Feed files in a folder any static web host can serve.
//!
//! Data flows one way: [`config`] → [`fetch`] → [`extract`] → [`normalize`] → [`render`] →
//! [`publish`]; [`pipeline`] drives a section through those stages and [`report`] tells the
//! user what happened. [`commands`] is what the binary calls.

pub mod commands;
pub mod config;
pub mod extract;
pub mod fetch;
pub mod model;
pub mod normalize;
pub mod pipeline;
pub mod progress;
pub mod publish;
pub mod render;
pub mod report;
pub mod serve;
pub mod store;
