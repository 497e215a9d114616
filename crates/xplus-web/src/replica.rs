//! Which requests read from the replica when `xplus serve --read-db` gives one (issue 22): a
//! GET or HEAD — pages, lists, dashboards, exports — unless the same browser wrote in the last
//! `FRESH_SECONDS` (a cookie set on every request that may write) or an API client asks for the
//! primary (`X-Xplus-Primary: 1`): a reader sees their own writes, whatever the replica's lag.
//! Every write goes to the primary whatever this says (the store's `Routed`).

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;

/// The cookie that sends a browser's reads to the primary for a while after it wrote.
pub const WROTE_COOKIE: &str = "xplus_wrote";

/// How long after a write a browser reads from the primary: well above a streaming replica's
/// usual lag of well under a second.
const FRESH_SECONDS: u32 = 30;

/// The header with which an API client reads from the primary.
pub const PRIMARY_HEADER: &str = "x-xplus-primary";

fn wrote_recently(headers: &HeaderMap) -> bool {
    let cookie = (headers.get_all(header::COOKIE).iter())
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| {
            c.trim()
                .split_once('=')
                .is_some_and(|(k, _)| k == WROTE_COOKIE)
        });
    let asked = headers.get(PRIMARY_HEADER).is_some_and(|v| v == "1");
    cookie || asked
}

pub async fn route_reads(request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD);
    if safe && !wrote_recently(request.headers()) {
        return xplus_store::reading_replica(next.run(request)).await;
    }
    let mut response = next.run(request).await;
    if !safe {
        let cookie =
            format!("{WROTE_COOKIE}=1; Max-Age={FRESH_SECONDS}; Path=/; HttpOnly; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_or_the_header_sends_reads_to_the_primary() {
        let mut h = HeaderMap::new();
        assert!(!wrote_recently(&h));
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; xplus_wrote=1"),
        );
        assert!(wrote_recently(&h));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("xplus_wrote_not=1"),
        );
        assert!(!wrote_recently(&h));
        h.insert(PRIMARY_HEADER, HeaderValue::from_static("1"));
        assert!(wrote_recently(&h));
    }
}
