//! The text rules of the interchange format (interchange.md, "Text" and "Spreadsheet formulas"),
//! in one place for the importer, the forms, the API and the command line:
//!
//! - text is stored in Unicode NFC, so that two spellings of one name are one name;
//! - ids and codes are printable ASCII without spaces: a zero-width space, a full-width digit or
//!   a right-to-left override would make a second key that looks like the first;
//! - names refuse control characters and invisible format characters (a name made of U+200B
//!   looks empty but is not);
//! - free text keeps tab and line breaks but refuses the other control characters (U+0000 among
//!   them, which PostgreSQL cannot store) and the characters that reorder or hide text;
//! - a text cell written to a CSV file that Excel would run as a formula gets a leading
//!   apostrophe, and reading removes it again.

use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// What a piece of text is, which decides the characters it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// An id or code (户编号, 干部编号, …): printable ASCII, no spaces, none of the characters
    /// that end or escape a path or a query in a link (`/ \ ? # %`) or quote in a page or a
    /// spreadsheet (`" ' < > \``).
    Key,
    /// A name or short label on one line (姓名, 单位名称, 电话, …).
    Name,
    /// Free text (备注, 内容, …): tabs and line breaks allowed.
    Free,
}

/// Longest key accepted, in characters.
pub const MAX_KEY_CHARS: usize = 64;

/// Why a piece of text was refused: the character and where it is (1-based, in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextProblem {
    /// A character the kind of text may not hold.
    Character {
        kind: TextKind,
        position: usize,
        ch: char,
    },
    /// A key longer than [`MAX_KEY_CHARS`].
    KeyTooLong { chars: usize },
}

impl std::fmt::Display for TextProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            TextProblem::KeyTooLong { chars } => write!(
                f,
                "编号有{chars}个字符，最多{MAX_KEY_CHARS}个 / the id has {chars} characters, at most {MAX_KEY_CHARS}"
            ),
            TextProblem::Character { kind, position, ch } => {
                let what = describe(ch);
                let code = format!("U+{:04X}", ch as u32);
                match kind {
                    TextKind::Key if is_fullwidth_ascii(ch) => write!(
                        f,
                        "编号第{position}个字符“{ch}”是全角字符，请改用半角（英文）字母或数字 / character {position} of the id is a full-width {code}; use the ASCII letter or digit"
                    ),
                    TextKind::Key => write!(
                        f,
                        "编号只能由英文字母、数字和 - _ . 等英文符号组成（不能有斜杠、问号、井号、百分号和引号），第{position}个字符是{what}（{code}） / an id holds only ASCII letters, digits and symbols such as - _ . (no slash, question mark, hash, percent sign or quote); character {position} is {code}"
                    ),
                    TextKind::Name | TextKind::Free => write!(
                        f,
                        "第{position}个字符是{what}（{code}），不允许出现在文字中 / character {position} is {code}, which text may not hold"
                    ),
                }
            }
        }
    }
}

/// Checks `raw` (already trimmed by the caller where trimming applies) as text of `kind` and
/// returns it in NFC. Nothing is replaced or dropped: a character that is not allowed is an
/// error, so what is stored is what the user typed.
pub fn check(kind: TextKind, raw: &str) -> Result<String, TextProblem> {
    let text: Cow<str> = match is_nfc_quick(raw.chars()) {
        IsNormalized::Yes => Cow::Borrowed(raw),
        _ => Cow::Owned(raw.nfc().collect()),
    };
    for (i, ch) in text.chars().enumerate() {
        if !allowed(kind, ch) {
            return Err(TextProblem::Character {
                kind,
                position: i + 1,
                ch,
            });
        }
    }
    if kind == TextKind::Key {
        let chars = text.chars().count();
        if chars > MAX_KEY_CHARS {
            return Err(TextProblem::KeyTooLong { chars });
        }
    }
    Ok(text.into_owned())
}

/// Longest text accepted in a text cell or field, in characters.
pub const MAX_TEXT_CHARS: usize = 500;

/// A text cell or form field as stored: trimmed, at most [`MAX_TEXT_CHARS`] characters, checked
/// as `kind` and in NFC; the reason in plain words otherwise. Every path that writes text (the
/// importer's cells, the forms, the API, the command line) goes through this.
pub fn field(kind: TextKind, raw: &str) -> Result<String, String> {
    let s = raw.trim();
    if s.chars().count() > MAX_TEXT_CHARS {
        return Err(format!(
            "文字超过{MAX_TEXT_CHARS}字 / text longer than {MAX_TEXT_CHARS} characters"
        ));
    }
    check(kind, s).map_err(|e| e.to_string())
}

fn allowed(kind: TextKind, ch: char) -> bool {
    match kind {
        TextKind::Key => ch.is_ascii_graphic() && !KEY_FORBIDDEN.contains(ch),
        TextKind::Name => !ch.is_control() && !is_invisible(ch) && !is_bidi_control(ch),
        TextKind::Free => {
            matches!(ch, '\t' | '\n' | '\r')
                || (!ch.is_control() && !is_bidi_control(ch) && ch != '\u{feff}')
        }
    }
}

/// Printable ASCII that keys may not hold: a household "A/1" could not be reached by its link.
const KEY_FORBIDDEN: &str = "/\\?#%\"'<>`";

/// Characters that change the order in which text is shown (a right-to-left override can make
/// "H001" display as another key).
pub(crate) fn is_bidi_control(ch: char) -> bool {
    matches!(ch, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Format characters and fillers that show nothing (Unicode category Cf and the Hangul fillers,
/// which render as blanks).
pub(crate) fn is_invisible(ch: char) -> bool {
    matches!(
        ch,
        '\u{00ad}'
            | '\u{034f}'
            | '\u{0600}'..='\u{0605}'
            | '\u{06dd}'
            | '\u{070f}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}'
    )
}

pub(crate) fn is_fullwidth_ascii(ch: char) -> bool {
    ('\u{ff01}'..='\u{ff5e}').contains(&ch) || ch == '\u{3000}'
}

/// A name for the kinds of characters users meet, for messages.
fn describe(ch: char) -> &'static str {
    match ch {
        '\0' => "空字符",
        '\t' => "制表符",
        '\n' | '\r' => "换行符",
        '\u{200b}' => "零宽空格",
        '\u{200c}' | '\u{200d}' => "零宽连接符",
        '\u{2060}' => "零宽不换行符",
        '\u{feff}' => "字节顺序标记（BOM）",
        c if is_bidi_control(c) => "文字方向控制符",
        c if c.is_control() => "控制字符",
        c if is_invisible(c) => "不可见字符",
        c if c.is_whitespace() => "空格",
        c if is_fullwidth_ascii(c) => "全角字符",
        c if !c.is_ascii() => "非英文字符",
        _ => "不允许的字符",
    }
}

/// The characters that make Excel (and LibreOffice, WPS) treat a typed cell as a formula.
fn starts_formula(s: &str) -> bool {
    matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// A text cell as written to a CSV file: one more leading apostrophe when it would otherwise be
/// run as a formula, counting apostrophes already there so that [`unguard_formula`] gives back
/// exactly the original (`'=x` is written `''=x`).
pub fn guard_formula(s: &str) -> Cow<'_, str> {
    if starts_formula(s.trim_start_matches('\'')) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// A cell as read from a bundle: the apostrophe [`guard_formula`] added is removed.
pub fn unguard_formula(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if starts_formula(rest.trim_start_matches('\'')) => rest,
        _ => s,
    }
}

/// At most `max` characters of `s`, for quoting a value in a message: a 10 MB cell must not be
/// echoed back whole.
pub fn excerpt(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        // The length in figures only: the excerpt stands in messages of either language.
        Some((cut, _)) => Cow::Owned(format!("{}…（{}）", &s[..cut], s.chars().count())),
    }
}

/// How many characters of a value messages quote.
pub const EXCERPT_CHARS: usize = 60;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_printable_ascii() {
        assert_eq!(
            check(TextKind::Key, "H-0001_a.b:c").unwrap(),
            "H-0001_a.b:c"
        );
        for bad in ["A/1", "A?1", "A#1", "A%1", "A\\1", "A\"1", "A'1", "A<1"] {
            assert!(check(TextKind::Key, bad).is_err(), "{bad:?}");
        }
        for bad in [
            "H0\u{200b}01",
            "H\u{2060}1",
            "ＨＯＯ１",
            "H 1",
            "\u{202e}1000H",
            "H\u{feff}1",
            "户1",
        ] {
            assert!(check(TextKind::Key, bad).is_err(), "{bad:?}");
        }
        let e = check(TextKind::Key, "H００1").unwrap_err().to_string();
        assert!(e.contains("全角") && e.contains("第2个"), "{e}");
        let e = check(TextKind::Key, "H0\u{200b}1").unwrap_err().to_string();
        assert!(e.contains("零宽空格") && e.contains("U+200B"), "{e}");
        assert!(check(TextKind::Key, &"A".repeat(65)).is_err());
    }

    #[test]
    fn messages_have_one_chinese_and_one_english_part() {
        // Faces show the part before " / " in Chinese, the part after in English.
        for (kind, bad) in [
            (TextKind::Key, "H\u{200b}"),
            (TextKind::Key, "Ｈ"),
            (TextKind::Key, &"A".repeat(65)),
            (TextKind::Name, "王\0"),
            (TextKind::Free, "\u{202e}"),
        ] {
            let m = check(kind, bad).unwrap_err().to_string();
            assert_eq!(m.matches(" / ").count(), 1, "{m}");
        }
    }

    #[test]
    fn names_refuse_invisible_and_control_characters() {
        assert_eq!(check(TextKind::Name, "王 小明").unwrap(), "王 小明");
        for bad in [
            "\u{200b}\u{200b}",
            "王\0明",
            "王\n明",
            "王\u{202e}明",
            "\u{3164}",
            "王\u{7f}",
        ] {
            assert!(check(TextKind::Name, bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn free_text_keeps_tabs_and_line_breaks_but_not_nul() {
        assert_eq!(
            check(TextKind::Free, "一\t二\r\n三").unwrap(),
            "一\t二\r\n三"
        );
        assert!(check(TextKind::Free, "a\0b").is_err());
        assert!(check(TextKind::Free, "a\u{1b}[31m").is_err());
        assert!(check(TextKind::Free, "a\u{202e}b").is_err());
        // Joiners are part of emoji and some scripts; free text keeps them.
        assert!(check(TextKind::Free, "a\u{200d}b").is_ok());
    }

    #[test]
    fn text_is_stored_in_nfc() {
        // "é" as e + combining acute becomes one character.
        assert_eq!(check(TextKind::Name, "Jose\u{301}").unwrap(), "Jos\u{e9}");
    }

    #[test]
    fn formula_guard_round_trips() {
        for s in [
            "=HYPERLINK(\"http://x\",\"详情\")",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "'=x",
            "''-1",
            "'abc",
            "abc",
            "",
            "'",
        ] {
            let guarded = guard_formula(s);
            assert!(!starts_formula(&guarded), "{s:?} → {guarded:?}");
            assert_eq!(unguard_formula(&guarded), s, "{s:?}");
        }
        assert_eq!(guard_formula("=1+1"), "'=1+1");
        assert_eq!(guard_formula("王"), "王");
    }

    #[test]
    fn excerpts_are_short() {
        let long = "字".repeat(10_000);
        let e = excerpt(&long, 5);
        assert_eq!(e, "字字字字字…（10000）");
        assert_eq!(excerpt("abc", 5), "abc");
    }
}
