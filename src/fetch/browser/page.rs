//! One page in the browser: its requests filtered and counted, the load awaited, then
//! `wait_for` or a quiet network, then the DOM serialised.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use chromiumoxide::Browser;
use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::fetch::{
    ContinueRequestParams, EnableParams, EventRequestPaused, FailRequestParams, HeaderEntry,
    RequestPattern, RequestStage,
};
use chromiumoxide::cdp::browser_protocol::network::{
    ErrorReason, EventLoadingFailed, EventLoadingFinished, ResourceType,
};
use chromiumoxide::cdp::browser_protocol::target::CloseTargetParams;
use futures_util::StreamExt;
use tokio::time::Instant;
use url::Url;

use super::{BrowserError, RenderRequest};
use crate::fetch::{FetchError, FetchErrorKind, Fetcher, Profile, Response, Tally, Validators};

/// How long opening or closing a tab may take before the browser counts as hung.
const TAB_TIMEOUT: Duration = Duration::from_secs(10);
/// A network with no request under way for this long is quiet.
const QUIET: Duration = Duration::from_millis(500);
/// Without `wait_for`, the longest wait for a quiet network after the load event.
const QUIET_AT_MOST: Duration = Duration::from_secs(5);
/// How often `wait_for` and the network are looked at.
const POLL: Duration = Duration::from_millis(100);

/// What rendering a page came to.
pub(super) struct Outcome {
    pub(super) result: Result<Response, BrowserError>,
    /// The browser itself failed (not the page): why.
    pub(super) broken: Option<String>,
    /// The page was never loaded, so a new browser may try it again.
    pub(super) retry: bool,
}

/// What the page's requests did, as the interception saw it.
#[derive(Default)]
struct Traffic {
    /// Requests let through and not finished, by network id.
    under_way: HashSet<String>,
    /// When the last request started or ended.
    last_change: Option<Instant>,
    /// Requests let through.
    made: u32,
    /// Requests refused for going into the machine's own network.
    refused: u32,
    /// The page's own answer: status and content type.
    answer: Option<(u16, Option<String>)>,
}

/// Renders `url` in a new tab of `browser`.
pub(super) async fn render(
    browser: &Browser,
    url: &Url,
    request: &RenderRequest<'_>,
    fetcher: &Fetcher,
    tally: &Tally,
) -> Outcome {
    let page = match tokio::time::timeout(TAB_TIMEOUT, browser.new_page("about:blank")).await {
        Ok(Ok(page)) => page,
        Ok(Err(e)) => return browser_failed(url, format!("cannot open a tab: {e}")),
        Err(_) => return browser_failed(url, "no tab opened within 10s".into()),
    };
    let traffic = Mutex::new(Traffic::default());
    let result = match prepare(&page, request).await {
        Ok(streams) => {
            let work = load(&page, url, request, &traffic);
            let watch = intercept(&page, url, fetcher, request.profile, &traffic, streams);
            tokio::select! {
                result = work => result,
                () = watch => Err(BrowserError::Page {
                    url: url.clone(),
                    detail: "Chromium stopped while the page loaded".into(),
                }),
            }
        }
        Err(e) => Err(BrowserError::Page {
            url: url.clone(),
            detail: e.to_string(),
        }),
    };
    let (made, refused) = {
        let t = traffic.lock().expect("never poisoned");
        (t.made, t.refused)
    };
    if refused > 0 {
        tracing::warn!(
            "{url}: the browser refused {refused} request{} of the page into this machine's own network",
            if refused == 1 { "" } else { "s" }
        );
    }
    for _ in 0..made {
        tally.add();
    }
    if let Ok(page) = &result {
        tally.add_bytes(page.body.len());
    }
    let close = browser.execute(CloseTargetParams::new(page.target_id().clone()));
    let broken = match tokio::time::timeout(TAB_TIMEOUT, close).await {
        Ok(Ok(_)) => None,
        Ok(Err(e)) => Some(format!("cannot close a tab: {e}")),
        Err(_) => Some("a tab did not close within 10s".into()),
    };
    Outcome {
        result,
        broken,
        retry: false,
    }
}

fn browser_failed(url: &Url, why: String) -> Outcome {
    Outcome {
        result: Err(BrowserError::Page {
            url: url.clone(),
            detail: why.clone(),
        }),
        broken: Some(why),
        retry: true,
    }
}

type Streams = (
    chromiumoxide::listeners::EventStream<EventRequestPaused>,
    chromiumoxide::listeners::EventStream<EventLoadingFinished>,
    chromiumoxide::listeners::EventStream<EventLoadingFailed>,
);

/// Listens to the tab's requests and holds each one for a decision; sets the user agent.
async fn prepare(
    page: &Page,
    request: &RenderRequest<'_>,
) -> Result<Streams, chromiumoxide::error::CdpError> {
    let streams = (
        page.event_listener::<EventRequestPaused>().await?,
        page.event_listener::<EventLoadingFinished>().await?,
        page.event_listener::<EventLoadingFailed>().await?,
    );
    let every_request = RequestPattern::builder()
        .url_pattern("*")
        .request_stage(RequestStage::Request)
        .build();
    let document_answers = RequestPattern::builder()
        .url_pattern("*")
        .resource_type(ResourceType::Document)
        .request_stage(RequestStage::Response)
        .build();
    page.execute(
        EnableParams::builder()
            .pattern(every_request)
            .pattern(document_answers)
            .build(),
    )
    .await?;
    page.set_user_agent(request.user_agent).await?;
    Ok(streams)
}

/// Decides on each request of the tab until it goes away (never returns while it lives).
async fn intercept(
    page: &Page,
    url: &Url,
    fetcher: &Fetcher,
    profile: &Profile,
    traffic: &Mutex<Traffic>,
    (mut paused, mut finished, mut failed): Streams,
) {
    let main_frame = page.mainframe().await.ok().flatten();
    let own_host = url.host_str().map(str::to_string);
    let mut guard = super::network::Guard::new(url).await;
    let ended = |id: &str| {
        let mut t = traffic.lock().expect("never poisoned");
        if t.under_way.remove(id) {
            t.last_change = Some(Instant::now());
        }
    };
    loop {
        tokio::select! {
            Some(event) = paused.next() => {
                let main = Some(&event.frame_id) == main_frame.as_ref()
                    && event.resource_type == ResourceType::Document;
                if let Some(status) = event.response_status_code {
                    if main {
                        let content_type = event.response_headers.iter().flatten()
                            .find(|h| h.name.eq_ignore_ascii_case("content-type"))
                            .map(|h| h.value.clone());
                        let status = u16::try_from(status).unwrap_or(0);
                        traffic.lock().expect("never poisoned").answer = Some((status, content_type));
                    }
                    let _ = page.execute(ContinueRequestParams::new(event.request_id.clone())).await;
                    continue;
                }
                let target = Url::parse(&event.request.url).ok();
                let allowed = target.as_ref().is_some_and(|t| {
                    admits(t, &event.resource_type, main, own_host.as_deref())
                });
                let refused = match target.as_ref().filter(|_| allowed) {
                    Some(t) => guard.refuses(t).await,
                    None => None,
                };
                if let Some(why) = &refused {
                    tracing::warn!("browser: refused {}: {why}", event.request.url);
                    traffic.lock().expect("never poisoned").refused += 1;
                }
                let allowed = allowed && refused.is_none();
                tracing::debug!(
                        "browser: {} {:?} {}",
                        if allowed { "loads" } else { "blocks" },
                        event.resource_type,
                        event.request.url
                    );
                if !allowed {
                    let fail = FailRequestParams::new(event.request_id.clone(), ErrorReason::BlockedByClient);
                    let _ = page.execute(fail).await;
                    continue;
                }
                if main && let Some(target) = &target {
                    fetcher.hosts.wait(target).await;
                }
                {
                    let mut t = traffic.lock().expect("never poisoned");
                    t.made += 1;
                    t.last_change = Some(Instant::now());
                    if let Some(id) = &event.network_id {
                        t.under_way.insert(id.inner().clone());
                    }
                }
                let proceed = match target.as_ref().filter(|t| profile.owns(t)) {
                    Some(target) => with_profile(&event, target, profile),
                    None => ContinueRequestParams::new(event.request_id.clone()),
                };
                let _ = page.execute(proceed).await;
            }
            Some(event) = finished.next() => ended(event.request_id.inner()),
            Some(event) = failed.next() => ended(event.request_id.inner()),
            else => return,
        }
    }
}

/// Lets a request to one of the site's own hosts go on with the site's headers and cookies
/// added to (or replacing) the browser's own.
fn with_profile(
    event: &EventRequestPaused,
    target: &Url,
    profile: &Profile,
) -> ContinueRequestParams {
    let ours: Vec<(String, String)> = profile
        .header_pairs_for(target)
        .into_iter()
        .filter(|(name, _)| name != "user-agent")
        .collect();
    let mut headers: Vec<HeaderEntry> = event
        .request
        .headers
        .inner()
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(name, _)| !ours.iter().any(|(own, _)| own.eq_ignore_ascii_case(name)))
        .filter_map(|(name, value)| Some(HeaderEntry::new(name.clone(), value.as_str()?)))
        .collect();
    headers.extend(
        ours.into_iter()
            .map(|(name, value)| HeaderEntry::new(name, value)),
    );
    let mut proceed = ContinueRequestParams::new(event.request_id.clone());
    proceed.headers = Some(headers);
    proceed
}

/// Whether the tab may make a request: http(s) only; never images, media, fonts or icons, nor
/// beacons and prefetches; frames only from the page's own host; the rest from any host.
fn admits(target: &Url, kind: &ResourceType, main: bool, own_host: Option<&str>) -> bool {
    if !matches!(target.scheme(), "http" | "https") {
        return false;
    }
    match kind {
        ResourceType::Image
        | ResourceType::Media
        | ResourceType::Font
        | ResourceType::Ping
        | ResourceType::CspViolationReport
        | ResourceType::Prefetch
        | ResourceType::Manifest
        | ResourceType::SignedExchange => false,
        // A page's icon is of no use to a feed.
        ResourceType::Other => !target.path().ends_with("/favicon.ico"),
        ResourceType::Document if !main => {
            let bare = |h: &str| h.trim_start_matches("www.").to_ascii_lowercase();
            target.host_str().map(bare) == own_host.map(bare)
        }
        _ => true,
    }
}

/// Loads the page, waits as asked, and reads back the DOM.
async fn load(
    page: &Page,
    url: &Url,
    request: &RenderRequest<'_>,
    traffic: &Mutex<Traffic>,
) -> Result<Response, BrowserError> {
    let deadline = Instant::now() + request.timeout;
    let seconds = request.timeout.as_secs();
    let timeout = |what: &str| BrowserError::Timeout {
        url: url.clone(),
        what: what.to_string(),
        seconds,
    };
    let page_error = |e: chromiumoxide::error::CdpError| BrowserError::Page {
        url: url.clone(),
        // A dropped answer channel means the DevTools connection is gone.
        detail: match e {
            chromiumoxide::error::CdpError::ChannelSendError(_) => {
                "Chromium stopped while the page loaded".into()
            }
            other => other.to_string(),
        },
    };
    match tokio::time::timeout_at(deadline, page.goto(url.as_str())).await {
        Err(_) => return Err(timeout("the page did not finish loading")),
        Ok(Err(e)) => return Err(page_error(e)),
        Ok(Ok(_)) => {}
    }
    let answer = traffic.lock().expect("never poisoned").answer.clone();
    if let Some((status, _)) = &answer
        && !(200..300).contains(status)
    {
        return Err(FetchError::new(url, FetchErrorKind::Status(*status)).into());
    }
    match request.wait_for {
        Some(selector) => {
            let test = format!(
                "document.querySelector({}) !== null",
                serde_json::to_string(selector).expect("a string serialises")
            );
            loop {
                let matched =
                    tokio::time::timeout_at(deadline, page.evaluate_expression(test.as_str()))
                        .await
                        .map_err(|_| timeout(&format!("wait_for {selector:?} matched nothing")))?
                        .map_err(page_error)?
                        .into_value::<bool>()
                        .unwrap_or(false);
                if matched {
                    break;
                }
                if Instant::now() + POLL > deadline {
                    return Err(timeout(&format!("wait_for {selector:?} matched nothing")));
                }
                tokio::time::sleep(POLL).await;
            }
        }
        None => {
            let until = deadline.min(Instant::now() + QUIET_AT_MOST);
            while Instant::now() < until {
                let quiet = {
                    let t = traffic.lock().expect("never poisoned");
                    t.under_way.is_empty() && t.last_change.is_none_or(|at| at.elapsed() >= QUIET)
                };
                if quiet {
                    break;
                }
                tokio::time::sleep(POLL).await;
            }
        }
    }
    let html = tokio::time::timeout_at(deadline, page.content())
        .await
        .map_err(|_| timeout("the page could not be read"))?
        .map_err(page_error)?;
    let final_url = page
        .url()
        .await
        .ok()
        .flatten()
        .and_then(|u| Url::parse(&u).ok())
        .unwrap_or_else(|| url.clone());
    // The DOM is text now; an answer that was not a page keeps its type, so that it is refused.
    let content_type = match answer.and_then(|(_, t)| t) {
        Some(t) if !t.to_ascii_lowercase().contains("html") => t,
        _ => "text/html; charset=utf-8".to_string(),
    };
    Ok(Response {
        url: final_url,
        content_type: Some(content_type),
        validators: Validators::default(),
        body: html.into_bytes(),
    })
}
