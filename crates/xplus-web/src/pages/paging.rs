//! Server-side pages of a list: the /households pattern (a total, page links that htmx follows
//! into the list's element, the whole page without htmx) made generic for the other lists. The
//! store reads only the rows of the page (`LIMIT`/`OFFSET`); this file decides which page that
//! is and writes its links.

use crate::error::WebError;
use crate::forms::url_encode;
use xplus_store::records::Page;

/// Rows per page of the long lists.
pub const PAGE_SIZE: u64 = 50;

/// The page of a list being shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    /// From 1; never past the last page.
    pub page: u64,
    /// At least 1 (an empty list has one empty page).
    pub pages: u64,
    pub total: u64,
    /// The id of the element htmx swaps with the list.
    pub target: &'static str,
    /// The list's address with its other parameters, to which `page=N` is appended.
    base: String,
}

/// The page asked for in a query string: empty means the first; zero or a negative number the
/// first; a number past the end (however large) the last, which `Pager::new` clamps to; text
/// that is not a number is refused with a message.
pub fn asked_page(text: Option<&str>) -> Result<u64, WebError> {
    let text = text.map(str::trim).unwrap_or("");
    if text.is_empty() {
        return Ok(1);
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WebError::bad_request(format!(
            "页码 {text} 无效，请填写正整数 / invalid page number {text}"
        )));
    }
    if negative {
        return Ok(1);
    }
    // More digits than a u64 holds is still "past the end".
    Ok(digits.parse::<u64>().unwrap_or(u64::MAX).max(1))
}

impl Pager {
    /// The page `asked` of a list of `total` rows at `path?query` (the query without `page`,
    /// already encoded; may be empty), swapped into the element `target`.
    pub fn new(total: u64, asked: u64, path: &str, query: &str, target: &'static str) -> Pager {
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let base = if query.is_empty() {
            format!("{path}?")
        } else {
            format!("{path}?{query}&")
        };
        Pager {
            page: asked.clamp(1, pages),
            pages,
            total,
            target,
            base,
        }
    }

    /// The rows of this page, for the store.
    pub fn window(&self) -> Page {
        Page {
            limit: PAGE_SIZE,
            offset: (self.page - 1) * PAGE_SIZE,
        }
    }

    /// The address of page `page` of the same list.
    pub fn link(&self, page: u64) -> String {
        format!("{}page={page}", self.base)
    }

    /// The address of the last page.
    pub fn last_link(&self) -> String {
        self.link(self.pages)
    }

    /// The number (from 1) of the first row shown, 0 for an empty list.
    pub fn first_row(&self) -> u64 {
        if self.total == 0 {
            0
        } else {
            self.window().offset + 1
        }
    }

    /// The number of the last row shown.
    pub fn last_row(&self) -> u64 {
        (self.window().offset + PAGE_SIZE).min(self.total)
    }
}

/// `name=value` pairs as a query string (values encoded, empty values left out).
pub fn query_of(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The year asked for, None when not asked (or asked empty).
pub fn latest_asked(asked: Option<&str>) -> Option<&str> {
    asked.map(str::trim).filter(|y| !y.is_empty())
}

/// The year a list page shows: the one asked for, else the latest year the roll-ups have
/// figures of `measure` for within reach (the dashboard's default), else this year.
pub async fn year_or_latest(
    state: &crate::state::AppState,
    access: &xplus_core::accounts::Access,
    asked: Option<&str>,
    measure: xplus_core::rollup::Measure,
) -> Result<i32, WebError> {
    if asked.is_some_and(|y| !y.trim().is_empty()) {
        return super::year_of(asked);
    }
    match xplus_store::records::latest_year_of(state.store.as_ref(), access, measure).await? {
        Some(y) => Ok(y),
        None => super::year_of(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_read_leniently_but_not_blindly() {
        assert_eq!(asked_page(None).unwrap(), 1);
        assert_eq!(asked_page(Some(" ")).unwrap(), 1);
        assert_eq!(asked_page(Some("0")).unwrap(), 1);
        assert_eq!(asked_page(Some("-3")).unwrap(), 1);
        assert_eq!(asked_page(Some("7")).unwrap(), 7);
        assert_eq!(
            asked_page(Some("99999999999999999999999999")).unwrap(),
            u64::MAX
        );
        assert!(asked_page(Some("x")).is_err());
        assert!(asked_page(Some("1e3")).is_err());
        assert!(asked_page(Some("-")).is_err());
    }

    #[test]
    fn a_page_past_the_end_is_the_last() {
        let p = Pager::new(101, u64::MAX, "/visits", "year=2016", "list");
        assert_eq!((p.page, p.pages), (3, 3));
        assert_eq!(p.window().offset, 100);
        assert_eq!((p.first_row(), p.last_row()), (101, 101));
        assert_eq!(p.link(2), "/visits?year=2016&page=2");
        let empty = Pager::new(0, 5, "/units", "", "list");
        assert_eq!((empty.page, empty.pages, empty.first_row()), (1, 1, 0));
        assert_eq!(empty.link(1), "/units?page=1");
    }
}
