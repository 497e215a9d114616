//! Serving like a service: every request gets an id (`x-request-id`, taken from a proxy or made
//! here, and sent back) that every log line of the request carries; a request that runs too long
//! is answered, not left hanging; and a stop (SIGTERM, Ctrl-C) finishes the requests in flight and
//! the roll-up refresh running in the background before the process ends.

use crate::error::WebError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::time::Duration;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Most requests answer in well under a second; a city's list page or workbook in seconds.
const PAGE_TIMEOUT: Duration = Duration::from_secs(120);

/// Checking or importing an uploaded bundle reads every row of it (a city's in about half a
/// minute, a province's in many).
const IMPORT_TIMEOUT: Duration = Duration::from_secs(60 * 60);

/// How long a request may run before it is answered 503. The server always runs with the
/// default; the limits are a value so that a test can show them at work in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Every path but the imports'.
    pub normal: Duration,
    /// Paths under `/imports` (checking and importing an uploaded bundle).
    pub imports: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            normal: PAGE_TIMEOUT,
            imports: IMPORT_TIMEOUT,
        }
    }
}

/// The request id, tracing and timeout layers around the application.
pub fn layers(app: Router, timeouts: Timeouts) -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request| {
            let id = request
                .headers()
                .get(&REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            tracing::info_span!("request", id, method = %request.method(), path = request.uri().path())
        })
        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO));
    // Layers run outside in: the id is set first, so the span and the answer both carry it.
    app.layer(axum::middleware::from_fn_with_state(timeouts, timeout))
        .layer(trace)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// Answers 503 with a message when a request runs past its time (the work it started in the
/// database is rolled back with its dropped transaction).
async fn timeout(State(limits): State<Timeouts>, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let limit = if request.uri().path().starts_with("/imports") {
        limits.imports
    } else {
        limits.normal
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(seconds = limit.as_secs(), "request timed out");
            let e = WebError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "请求处理超时，未完成；请稍后重试或缩小范围 / the request took too long and was not completed; try again later or narrow it",
            );
            // An API client is answered in the API's own form (problem+json), like any error.
            if api {
                crate::api::ApiError(e).into_response()
            } else {
                e.into_response()
            }
        }
    }
}

/// Resolves when the process is asked to stop (Ctrl-C, or SIGTERM from a service manager).
pub async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("stopping: finishing the requests in flight");
}

/// Waits for a roll-up refresh running in the background to finish (it holds the lock).
pub async fn finish_background(state: &AppState) {
    let _done = state.refreshing.lock().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;

    const NORMAL: Duration = Duration::from_millis(100);
    const IMPORTS: Duration = Duration::from_secs(60);

    /// Longer than `NORMAL` by far, shorter than `IMPORTS` by far: no scheduling delay on a
    /// loaded machine turns one answer into the other.
    const WORK: Duration = Duration::from_secs(2);

    async fn work() -> &'static str {
        tokio::time::sleep(WORK).await;
        "done"
    }

    /// A tiny application behind the real layers with short limits, served on a free port.
    async fn serve() -> String {
        let app = Router::new()
            .route("/quick", get(|| async { "done" }))
            .route("/never", get(std::future::pending::<&'static str>))
            .route("/api/v1/never", get(std::future::pending::<&'static str>))
            .route("/work", get(work))
            .route("/imports", get(work))
            .route("/imports/{token}/confirm", get(work));
        let app = layers(
            app,
            Timeouts {
                normal: NORMAL,
                imports: IMPORTS,
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        base
    }

    /// A request answered by the layers or after `WORK`; none is left waiting for `IMPORTS`.
    async fn get_text(url: String) -> (u16, String, String) {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let response = client.get(url).send().await.unwrap();
        let status = response.status().as_u16();
        let kind = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(response.headers().contains_key("x-request-id"));
        (status, kind, response.text().await.unwrap())
    }

    #[test]
    fn the_server_keeps_two_minutes_and_an_hour_for_imports() {
        let t = Timeouts::default();
        assert_eq!(t.normal, Duration::from_secs(120));
        assert_eq!(t.imports, Duration::from_secs(3600));
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_request_past_its_limit_is_answered_503_and_a_quick_one_is_not() {
        let base = serve().await;
        let (status, _, body) = get_text(format!("{base}/quick")).await;
        assert_eq!((status, body.as_str()), (200, "done"));

        let started = std::time::Instant::now();
        let (status, kind, body) = get_text(format!("{base}/never")).await;
        assert_eq!(status, 503);
        assert!(started.elapsed() >= NORMAL);
        // A page's answer is the error page; an API client's is problem+json.
        assert!(kind.starts_with("text/html"), "{kind}");
        // In the page's language: Chinese unless asked otherwise.
        assert!(body.contains("请求处理超时"), "{body}");
        assert!(!body.contains("took too long"), "{body}");
        let (status, kind, body) = get_text(format!("{base}/api/v1/never")).await;
        assert_eq!(status, 503);
        assert_eq!(kind, "application/problem+json");
        assert!(body.contains("/api/problems/timeout"), "{body}");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn imports_get_the_longer_limit() {
        let base = serve().await;
        let (upload, confirm, elsewhere) = tokio::join!(
            get_text(format!("{base}/imports")),
            get_text(format!("{base}/imports/t/confirm")),
            get_text(format!("{base}/work")),
        );
        assert_eq!((upload.0, upload.2.as_str()), (200, "done"));
        assert_eq!((confirm.0, confirm.2.as_str()), (200, "done"));
        // The same work under any other path runs past the normal limit.
        assert_eq!(elsewhere.0, 503);
    }
}
