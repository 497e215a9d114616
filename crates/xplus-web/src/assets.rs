//! Static files, embedded in the binary: htmx (npm package htmx.org) and Apache ECharts (npm
//! package echarts; versions in docs/web.md), the style sheets and the page scripts, and what
//! makes the application installable on a phone: its manifest, icons and service worker.

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
const OFFLINE_JS: &[u8] = include_bytes!("../assets/offline.js");
const OFFLINE_PAGE_JS: &[u8] = include_bytes!("../assets/offline-page.js");
const SERVICE_WORKER: &[u8] = include_bytes!("../assets/sw.js");
const MANIFEST: &[u8] = include_bytes!("../assets/manifest.webmanifest");
const ICON_192: &[u8] = include_bytes!("../assets/icon-192.png");
const ICON_512: &[u8] = include_bytes!("../assets/icon-512.png");

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
        .route(
            "/assets/offline.js",
            get(|| async { asset("text/javascript; charset=utf-8", OFFLINE_JS) }),
        )
        .route(
            "/assets/offline-page.js",
            get(|| async { asset("text/javascript; charset=utf-8", OFFLINE_PAGE_JS) }),
        )
        .route(
            "/assets/icon-192.png",
            get(|| async { asset("image/png", ICON_192) }),
        )
        .route(
            "/assets/icon-512.png",
            get(|| async { asset("image/png", ICON_512) }),
        )
        .route(
            "/manifest.webmanifest",
            get(|| async { asset("application/manifest+json", MANIFEST) }),
        )
        // At the root, so that its scope is the whole application; never kept by the browser's
        // cache, so that a new version is found at the next visit.
        .route(
            "/sw.js",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                        (header::CACHE_CONTROL, "no-cache"),
                    ],
                    SERVICE_WORKER,
                )
            }),
        )
}
