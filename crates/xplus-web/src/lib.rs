//! The xplus web application: pages for the people who keep the registry (town staff, village
//! secretaries, helper cadres, inspectors), a JSON API for other systems with its OpenAPI
//! document, sign-in with server-side sessions, and every change audited.
//!
//! Handlers only translate between HTTP and the storage calls of `xplus_store::records`, which
//! take the signed-in account's [`Access`](xplus_core::accounts::Access): the scope of a role
//! is enforced where records are read and written, not by hiding links.

mod api;
mod assets;
mod audit_text;
mod auth;
mod error;
mod forms;
mod i18n;
#[cfg(test)]
mod i18n_convention;
mod pages;
mod replica;
mod service;
mod state;
mod throttle;

pub use state::AppState;

use axum::http::{header, HeaderValue};
use axum::Router;
use std::sync::Arc;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use xplus_store::Store;

/// Uploaded bundles may be a city's workbook.
pub(crate) const MAX_BODY_BYTES: usize = 512 * 1024 * 1024;

/// The whole application, for a server or a test.
pub async fn router(store: Arc<dyn Store>) -> Result<Router, xplus_store::StoreError> {
    let state = AppState::new(store).await?;
    Ok(routes(state))
}

fn routes(state: AppState) -> Router {
    let replica = state.store.has_replica();
    // No inline script or style anywhere: the policy can forbid them outright.
    let csp =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
               object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    let mut app = pages::routes()
        .merge(api::routes())
        .merge(assets::routes())
        .with_state(state);
    if replica {
        app = app.layer(axum::middleware::from_fn(replica::route_reads));
    }
    let app = app
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ));
    // Outermost, so that an error page made anywhere inside (a time-out too) knows the language.
    service::layers(app, service::Timeouts::default())
        .layer(axum::middleware::from_fn(i18n::page_language))
}

/// Serves until the process is asked to stop (SIGTERM, Ctrl-C); then finishes the requests in
/// flight and a roll-up refresh under way before returning.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Arc<dyn Store>,
) -> Result<(), xplus_store::StoreError> {
    let state = AppState::new(store).await?;
    // Counties marked before the server started (an upgraded database, a command that stopped
    // before its refresh) are summed while the server already answers.
    state.prepare_in_background(chrono::Local::now().date_naive());
    let app = routes(state.clone());
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(service::stop_signal())
    .await
    .map_err(|e| xplus_store::StoreError::Interrupted(e.to_string()))?;
    service::finish_background(&state).await;
    tracing::info!("stopped");
    Ok(())
}
