//! The benchmark's web: generated index pages (benches/page.rs) for N sections across H
//! loopback hosts (host h, counted from 0, is 127.0.h/250.h%250+1: 127.0.0.1 … 127.0.0.250,
//! 127.0.1.1 …), with ETags and 304s.
//!
//! `GET /s/{i}.html` is section i's page; `GET /__change/{percent}` gives that share of the
//! sections a new story. Usage: bench_server SECTIONS HOSTS PORT [ITEMS KB [smn]] (with ITEMS
//! and KB, every page has that many items and that size; with `smn`, pages are shaped like the
//! Space Media Network's, in windows-1252).

#[path = "../benches/page.rs"]
mod page;

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The pages' shape: generated news indexes (items and KB if fixed), or the network's.
#[derive(Clone, Copy)]
enum Shape {
    News(Option<(usize, usize)>),
    Smn(usize, usize),
}

/// Each section's generation, and the pages' shape.
type Generations = Arc<(Mutex<Vec<u64>>, Shape)>;

async fn section(
    State(generations): State<Generations>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(index) = file
        .strip_suffix(".html")
        .and_then(|i| i.parse::<usize>().ok())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(generation) = generations.0.lock().unwrap().get(index).copied() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{index}-{generation}\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let (content_type, body) = match generations.1 {
        Shape::News(shape) => (
            "text/html; charset=utf-8",
            page::page(index, generation, shape).into_bytes(),
        ),
        // The charset is named in the page only, as the network does.
        Shape::Smn(items, kb) => ("text/html", page::smn_page(index, generation, items, kb)),
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::ETAG, etag),
        ],
        body,
    )
        .into_response()
}

async fn change(State(generations): State<Generations>, Path(percent): Path<usize>) -> String {
    let mut generations = generations.0.lock().unwrap();
    let step = (100 / percent.clamp(1, 100)).max(1);
    let mut changed = 0;
    for (i, generation) in generations.iter_mut().enumerate() {
        if i % step == 0 {
            *generation += 1;
            changed += 1;
        }
    }
    format!("{changed}\n")
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let smn = args.last().is_some_and(|a| a == "smn");
    if smn {
        args.pop();
    }
    let args: Vec<usize> = args.iter().map(|a| a.parse().expect("numbers")).collect();
    let (sections, hosts, port, shape) = match args[..] {
        [sections, hosts, port] => (sections, hosts, port, Shape::News(None)),
        [sections, hosts, port, items, kb] if smn => (sections, hosts, port, Shape::Smn(items, kb)),
        [sections, hosts, port, items, kb] => {
            (sections, hosts, port, Shape::News(Some((items, kb))))
        }
        _ => panic!("usage: bench_server SECTIONS HOSTS PORT [ITEMS KB [smn]]"),
    };
    let generations: Generations = Arc::new((Mutex::new(vec![0; sections]), shape));
    let app = Router::new()
        .route("/s/{file}", get(section))
        .route("/__change/{percent}", get(change))
        .with_state(generations);
    let mut servers = Vec::new();
    for host in 0..hosts {
        let address = format!("127.0.{}.{}:{port}", host / 250, host % 250 + 1);
        let listener = tokio::net::TcpListener::bind(address).await.expect("bind");
        servers.push(tokio::spawn(
            axum::serve(listener, app.clone()).into_future(),
        ));
    }
    println!("ready");
    for server in servers {
        let _ = server.await;
    }
}
