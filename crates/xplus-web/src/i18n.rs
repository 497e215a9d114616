//! Chinese first, English on request: `?lang=en` (or `zh`) for one page, `/lang/en` (the switch
//! in the top bar) for every page after (a cookie).
//!
//! The lower layers write their messages as "中文 / English" (a test below holds them to it);
//! a page shows only the half of its language. Forms pick with [`Lang::pick`]; an error page is
//! rendered where the request's language is not at hand, so [`page_language`] keeps it for
//! the whole request and [`current`] reads it there. The API answers the whole message.

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Uri};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;

pub const LANG_COOKIE: &str = "xplus_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    pub fn is_en(&self) -> bool {
        *self == Lang::En
    }

    /// The Chinese or English half of a "中文 / English" message from the lower layers.
    pub fn pick(&self, message: &str) -> String {
        match halves(message) {
            (zh, Some(en)) => self.t(zh, en).trim().to_string(),
            (whole, None) => whole.to_string(),
        }
    }

    /// Labels of enumerations: the Chinese label, or the English code made readable.
    pub fn label(&self, code: &str, zh: &str) -> String {
        match self {
            Lang::Zh => zh.to_string(),
            Lang::En => code.replace('_', " "),
        }
    }
}

/// The two halves of a "中文 / English" message. The Chinese half may end in full-width
/// punctuation right before the slash ("（…）/ …"), as the command line also reads them.
pub fn halves(message: &str) -> (&str, Option<&str>) {
    match message.find("/ ") {
        Some(i) => (message[..i].trim_end(), Some(message[i + 2..].trim_start())),
        None => (message, None),
    }
}

/// The language a request asks for: `?lang=` first, then the switch's cookie, else Chinese.
fn asked(uri: &Uri, headers: &HeaderMap) -> Lang {
    let query = uri.query().unwrap_or("");
    for pair in query.split('&') {
        match pair {
            "lang=en" => return Lang::En,
            "lang=zh" => return Lang::Zh,
            _ => {}
        }
    }
    match CookieJar::from_headers(headers)
        .get(LANG_COOKIE)
        .map(|c| c.value())
    {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Lang, Self::Rejection> {
        Ok(asked(&parts.uri, &parts.headers))
    }
}

tokio::task_local! {
    static REQUEST_LANG: Lang;
}

/// Keeps the request's language while it is answered, for the messages rendered outside a
/// handler's reach (an error turned into a page, a time-out).
pub async fn page_language(request: Request, next: Next) -> Response {
    let lang = asked(request.uri(), request.headers());
    REQUEST_LANG.scope(lang, next.run(request)).await
}

/// The language of the request being answered (Chinese outside one).
pub fn current() -> Lang {
    REQUEST_LANG.try_with(|l| *l).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_either_half() {
        let m = "此人已是另一户的成员（一人只能属于一户）/ this person is already a member";
        assert_eq!(Lang::Zh.pick(m), "此人已是另一户的成员（一人只能属于一户）");
        assert_eq!(Lang::En.pick(m), "this person is already a member");
        let m = "无法读取文件 /tmp/a.csv / cannot read file /tmp/a.csv";
        assert_eq!(Lang::Zh.pick(m), "无法读取文件 /tmp/a.csv");
        assert_eq!(Lang::En.pick(m), "cannot read file /tmp/a.csv");
        assert_eq!(Lang::Zh.pick("只有中文"), "只有中文");
    }
}
