//! What the search box accepts and what it looks for: the words typed are cleaned the same way
//! for the page, the API and the store (spaces, control and invisible characters dropped,
//! full-width letters and digits made half-width, NFC), then read as a household number, a piece
//! of an identity number, a person's name or a region's name.

use crate::text::{is_bidi_control, is_fullwidth_ascii, is_invisible};
use unicode_normalization::UnicodeNormalization;

/// Fewest characters searched for: one character of a name matches too many people to list.
pub const MIN_CHARS: usize = 2;
/// Most characters searched for: the longest name or number anyone would type, with room.
pub const MAX_CHARS: usize = 40;
/// Fewest digits of an identity number searched for (the last six are what people quote; four
/// still narrows a village's list).
pub const MIN_ID_DIGITS: usize = 4;

/// Why a search was not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchTextProblem {
    /// Nothing left once spaces and invisible characters are dropped.
    Empty,
    /// Fewer than [`MIN_CHARS`] characters.
    TooShort,
    /// More than [`MAX_CHARS`] characters.
    TooLong { chars: usize },
}

impl std::fmt::Display for SearchTextProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SearchTextProblem::Empty => write!(
                f,
                "请输入要查找的户编号、身份证号、姓名或村镇名称 / type a household number, an identity number, a name or the name of a village or town"
            ),
            SearchTextProblem::TooShort => write!(
                f,
                "请至少输入{MIN_CHARS}个字，例如姓名中的两个字或身份证号后六位 / type at least {MIN_CHARS} characters, such as two characters of a name or the last six digits of an identity number"
            ),
            SearchTextProblem::TooLong { chars } => write!(
                f,
                "查找的文字有{chars}个字，最多{MAX_CHARS}个 / the search has {chars} characters, at most {MAX_CHARS}"
            ),
        }
    }
}

/// The words of a search, cleaned: at least [`MIN_CHARS`] and at most [`MAX_CHARS`] characters,
/// with no space, control or invisible character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    pub fn parse(raw: &str) -> Result<SearchText, SearchTextProblem> {
        // Long input is cut before it is cleaned: the cleaning must not cost more than a search.
        let head: String = raw.chars().take(MAX_CHARS * 4 + 1).collect();
        let text: String = head
            .nfc()
            .filter(|&c| !(c.is_whitespace() || c.is_control() || is_invisible(c)))
            .filter(|&c| !is_bidi_control(c))
            .map(half_width)
            .collect();
        let chars = text.chars().count();
        if chars == 0 {
            return Err(SearchTextProblem::Empty);
        }
        if chars < MIN_CHARS {
            return Err(SearchTextProblem::TooShort);
        }
        if raw.chars().nth(MAX_CHARS * 4 + 1).is_some() {
            let chars = raw.chars().count();
            return Err(SearchTextProblem::TooLong { chars });
        }
        if chars > MAX_CHARS {
            return Err(SearchTextProblem::TooLong { chars });
        }
        Ok(SearchText(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The words as part of an identity number, in its stored form (upper-case X): digits with
    /// at most a final X, at least [`MIN_ID_DIGITS`] characters.
    pub fn id_fragment(&self) -> Option<String> {
        let s = self.0.to_ascii_uppercase();
        let body = s.strip_suffix('X').unwrap_or(&s);
        let digits = body.bytes().all(|b| b.is_ascii_digit());
        (digits && s.len() >= MIN_ID_DIGITS && s.len() <= 18).then_some(s)
    }

    /// The words as the start of a household number: printable ASCII without the characters a
    /// key may not hold (text rules), so that nothing else is looked up by key.
    pub fn key_prefix(&self) -> Option<&str> {
        crate::text::check(crate::text::TextKind::Key, &self.0)
            .ok()
            .map(|_| self.0.as_str())
    }

    /// The words as (part of) a person's or a region's name: anything but a bare number, which
    /// names do not hold.
    pub fn name_part(&self) -> Option<&str> {
        let number =
            self.id_fragment().is_some() || self.0.bytes().all(|b| b.is_ascii_digit() || b == b'-');
        (!number).then_some(self.0.as_str())
    }
}

/// Full-width ASCII (what a Chinese input method types in its full-width mode) as ASCII. The
/// ideographic space is whitespace, dropped before this.
fn half_width(c: char) -> char {
    if is_fullwidth_ascii(c) {
        char::from_u32(c as u32 - 0xfee0).unwrap_or(c)
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_and_bounds_the_words() {
        assert_eq!(
            SearchText::parse(" 刘\u{200b}飞 ").unwrap().as_str(),
            "刘飞"
        );
        assert_eq!(SearchText::parse("刘\0飞").unwrap().as_str(), "刘飞");
        assert_eq!(
            SearchText::parse("１２３４５６").unwrap().as_str(),
            "123456"
        );
        assert_eq!(SearchText::parse("刘"), Err(SearchTextProblem::TooShort));
        assert_eq!(
            SearchText::parse(" \u{200b}\u{feff}\u{3000}\t"),
            Err(SearchTextProblem::Empty)
        );
        assert!(matches!(
            SearchText::parse(&"刘".repeat(41)),
            Err(SearchTextProblem::TooLong { chars: 41 })
        ));
        assert!(matches!(
            SearchText::parse(&"a".repeat(100_000)),
            Err(SearchTextProblem::TooLong { .. })
        ));
    }

    #[test]
    fn reads_the_words_as_numbers_or_names() {
        let t = |s: &str| SearchText::parse(s).unwrap();
        assert_eq!(t("12001x").id_fragment().as_deref(), Some("12001X"));
        assert_eq!(t("120").id_fragment(), None);
        assert_eq!(t("12X3").id_fragment(), None);
        assert_eq!(t("341103100201-00").key_prefix(), Some("341103100201-00"));
        assert_eq!(t("刘飞").key_prefix(), None);
        assert_eq!(t("50%").key_prefix(), None);
        assert_eq!(t("刘飞").name_part(), Some("刘飞"));
        assert_eq!(t("120012").name_part(), None);
    }
}
