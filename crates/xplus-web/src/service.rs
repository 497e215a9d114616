//! Serving like a service: every request gets an id (`x-request-id`, taken from a proxy or made
//! here, and sent back) that every log line of the request carries; a request that runs too long
//! is answered, not left hanging; and a stop (SIGTERM, Ctrl-C) finishes the requests in flight and
//! the roll-up refresh running in the background before the process ends.

use crate::error::WebError;
use crate::state::AppState;
use axum::extract::Request;
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

/// The request id, tracing and timeout layers around the application.
pub fn layers(app: Router) -> Router {
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
    app.layer(axum::middleware::from_fn(timeout))
        .layer(trace)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// Answers 503 with a message when a request runs past its time (the work it started in the
/// database is rolled back with its dropped transaction).
async fn timeout(request: Request, next: Next) -> Response {
    let limit = if request.uri().path().starts_with("/imports") {
        IMPORT_TIMEOUT
    } else {
        PAGE_TIMEOUT
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(seconds = limit.as_secs(), "request timed out");
            WebError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "请求处理超时，未完成；请稍后重试或缩小范围 / the request took too long and was not completed; try again later or narrow it",
            )
            .into_response()
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
