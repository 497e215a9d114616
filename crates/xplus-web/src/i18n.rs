//! Chinese first, English on request: `?lang=en` (or `zh`) for one page, `/lang/en` (the switch
//! in the top bar) for every page after (a cookie).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
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
        match message.split_once(" / ") {
            Some((zh, en)) => self.t(zh, en).trim().to_string(),
            None => message.to_string(),
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

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Lang, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        for pair in query.split('&') {
            match pair {
                "lang=en" => return Ok(Lang::En),
                "lang=zh" => return Ok(Lang::Zh),
                _ => {}
            }
        }
        let jar = CookieJar::from_request_parts(parts, state).await?;
        Ok(match jar.get(LANG_COOKIE).map(|c| c.value()) {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        })
    }
}
