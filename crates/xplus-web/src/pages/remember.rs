//! The year chosen on one report page opens the others (book of record: an inspector looking at
//! 2015 stays in 2015 from the dashboard to the chain, the cards and the monitoring list). A
//! page asked with `?year=Y` keeps Y in a cookie; a page of the same kind asked without a year
//! is served as if it had asked for the kept one. Only these pages: a household's card keeps its
//! own default (its exit year), and forms are never rewritten.

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::Response;

/// The cookie that keeps the year.
pub const YEAR_COOKIE: &str = "xplus_year";

/// Pages with a year selector (exact paths), and their spreadsheets.
const YEAR_PAGES: &[&str] = &[
    "/dashboard",
    "/chain",
    "/chain.xlsx",
    "/coverage",
    "/coverage.xlsx",
    "/monitoring",
    "/monitoring.xlsx",
    "/secretaries",
    "/secretaries/review",
    "/visits",
    "/collective",
    "/industry",
    "/industry.xlsx",
    "/exits",
    "/report",
    "/report/print",
    "/report.xlsx",
];

/// The responsibility lists of villages (`/responsibility/{village}` and its spreadsheet).
const YEAR_PREFIX: &str = "/responsibility/";

fn is_year_page(path: &str) -> bool {
    YEAR_PAGES.contains(&path) || path.starts_with(YEAR_PREFIX)
}

/// A year as the pages take it: four digits.
fn year_in(text: &str) -> Option<&str> {
    (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit())).then_some(text)
}

/// The `year` of a query string: Some("") when asked empty, None when not asked.
fn asked_year(query: &str) -> Option<&str> {
    query.split('&').find_map(|pair| pair.strip_prefix("year="))
}

/// The kept year of the request's cookies.
fn kept_year(req: &Request) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(YEAR_COOKIE)?.strip_prefix('='))
        .find_map(year_in)
        .map(str::to_string)
}

pub async fn year(mut req: Request, next: Next) -> Response {
    if req.method() != Method::GET || !is_year_page(req.uri().path()) {
        return next.run(req).await;
    }
    let query = req.uri().query().unwrap_or("").to_string();
    match asked_year(&query).filter(|y| !y.is_empty()) {
        Some(asked) => {
            let keep = year_in(asked).map(str::to_string);
            let mut response = next.run(req).await;
            // Kept only once the page answered it: an invalid year is not remembered.
            if let (Some(y), true) = (keep, response.status().is_success()) {
                let cookie = format!("{YEAR_COOKIE}={y}; Path=/; SameSite=Lax; HttpOnly");
                if let Ok(v) = HeaderValue::from_str(&cookie) {
                    response.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            response
        }
        None => {
            if let Some(y) = kept_year(&req) {
                let rest: Vec<&str> = query
                    .split('&')
                    .filter(|p| !p.is_empty() && *p != "year=")
                    .collect();
                let mut q = rest.join("&");
                if !q.is_empty() {
                    q.push('&');
                }
                q.push_str(&format!("year={y}"));
                let with_year = format!("{}?{q}", req.uri().path());
                if let Ok(uri) = with_year.parse::<Uri>() {
                    *req.uri_mut() = uri;
                }
            }
            next.run(req).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_pages() {
        assert_eq!(asked_year("region=1&year=2015"), Some("2015"));
        assert_eq!(asked_year("year="), Some(""));
        assert_eq!(asked_year("exit_year=2015"), None);
        assert_eq!(year_in("2015"), Some("2015"));
        assert_eq!(year_in("20155"), None);
        assert_eq!(year_in("２０１５"), None);
        assert!(is_year_page("/responsibility/341181100201"));
        assert!(!is_year_page("/households/H001/card"));
    }
}
