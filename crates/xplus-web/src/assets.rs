//! Static files, embedded in the binary: htmx (npm package htmx.org) and Apache ECharts (npm
//! package echarts; versions in docs/web.md), the style sheets and the page scripts.

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

const HTMX: &[u8] = include_bytes!("../assets/htmx.min.js");
const CSS: &[u8] = include_bytes!("../assets/app.css");
const JS: &[u8] = include_bytes!("../assets/app.js");
const CARD_CSS: &[u8] = include_bytes!("../assets/card.css");
const ECHARTS: &[u8] = include_bytes!("../assets/echarts.min.js");
const DASHBOARD_JS: &[u8] = include_bytes!("../assets/dashboard.js");
const IMPORT_JS: &[u8] = include_bytes!("../assets/import.js");

fn asset(kind: &'static str, body: &'static [u8]) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
}

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/assets/htmx.min.js",
            get(|| async { asset("text/javascript; charset=utf-8", HTMX) }),
        )
        .route(
            "/assets/app.css",
            get(|| async { asset("text/css; charset=utf-8", CSS) }),
        )
        .route(
            "/assets/card.css",
            get(|| async { asset("text/css; charset=utf-8", CARD_CSS) }),
        )
        .route(
            "/assets/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", JS) }),
        )
        .route(
            "/assets/echarts.min.js",
            get(|| async { asset("text/javascript; charset=utf-8", ECHARTS) }),
        )
        .route(
            "/assets/dashboard.js",
            get(|| async { asset("text/javascript; charset=utf-8", DASHBOARD_JS) }),
        )
        .route(
            "/assets/import.js",
            get(|| async { asset("text/javascript; charset=utf-8", IMPORT_JS) }),
        )
}
