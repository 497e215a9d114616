//! The lower layers' messages follow the "中文 / English" convention that [`Lang::pick`]
//! splits: every string literal of the workspace's sources that holds Chinese and the
//! separator has a Chinese half without English sentences and an English half without Chinese.

use crate::i18n::halves;
use std::path::{Path, PathBuf};

/// The string literals of Rust source text (plain and raw), without comments.
fn literals(src: &str) -> Vec<String> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '/' if c.get(i + 1) == Some(&'/') => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '/' if c.get(i + 1) == Some(&'*') => {
                while i + 1 < c.len() && !(c[i] == '*' && c[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            // A char literal ('"', '\'') or a lifetime ('a).
            '\'' if c.get(i + 1) == Some(&'\\') => {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '\'' if c.get(i + 2) == Some(&'\'') => i += 3,
            'r' if (i == 0 || !c[i - 1].is_alphanumeric() && c[i - 1] != '_')
                && matches!(c.get(i + 1), Some('"' | '#')) =>
            {
                let mut j = i + 1;
                while c.get(j) == Some(&'#') {
                    j += 1;
                }
                if c.get(j) != Some(&'"') {
                    i += 1;
                    continue;
                }
                let hashes = j - i - 1;
                let start = j + 1;
                let mut k = start;
                while k < c.len()
                    && !(c[k] == '"' && (1..=hashes).all(|h| c.get(k + h) == Some(&'#')))
                {
                    k += 1;
                }
                out.push(c[start..k.min(c.len())].iter().collect());
                i = k + 1 + hashes;
            }
            '"' => {
                let mut text = String::new();
                i += 1;
                while i < c.len() && c[i] != '"' {
                    if c[i] == '\\' {
                        // A line continuation joins the lines without their indentation.
                        if c.get(i + 1) == Some(&'\n') {
                            i += 2;
                            while i < c.len() && c[i].is_whitespace() {
                                i += 1;
                            }
                            continue;
                        }
                        text.push(c[i]);
                        i += 1;
                    }
                    text.push(c[i]);
                    i += 1;
                }
                out.push(text);
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

fn is_chinese(ch: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&ch)
}

/// Runs of two or more English words ("not found"), the sign of an English sentence.
fn english_run(text: &str) -> Option<String> {
    let mut run: Vec<&str> = Vec::new();
    for token in text.split(|ch: char| is_chinese(ch) || "，。：；、（）“”《》".contains(ch))
    {
        for word in token.split_whitespace() {
            let plain = word.trim_matches(|ch: char| ",.;:!?()'\"".contains(ch));
            let is_word = plain.len() > 1
                && plain.chars().all(|ch| ch.is_ascii_lowercase())
                && !plain.starts_with('{');
            if is_word {
                run.push(plain);
                if run.len() >= 2 {
                    return Some(run.join(" "));
                }
            } else {
                run.clear();
            }
        }
        run.clear();
    }
    None
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            // This file's own examples are not messages.
            && !path.ends_with("i18n_convention.rs")
        {
            out.push(path);
        }
    }
}

#[test]
fn every_bilingual_message_splits_into_its_languages() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for name in ["xplus-core", "xplus-store", "xplus-web", "xplus-output"] {
        sources(&crates.join(name).join("src"), &mut files);
    }
    let mut checked = 0;
    let mut wrong = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for literal in literals(&text) {
            if !literal.chars().any(is_chinese) || !literal.contains("/ ") {
                continue;
            }
            checked += 1;
            let (zh, en) = halves(&literal);
            let en = en.unwrap_or("");
            let problem = if !zh.chars().any(is_chinese) {
                Some("no Chinese before the separator".to_string())
            } else if en.trim().is_empty() {
                Some("nothing after the separator".to_string())
            } else if en.chars().any(is_chinese) {
                Some("Chinese in the English half".to_string())
            } else if zh.contains(".md") || zh.contains(".rs") {
                Some("a source file named in the Chinese half".to_string())
            } else {
                english_run(zh).map(|run| format!("English in the Chinese half: {run}"))
            };
            if let Some(p) = problem {
                wrong.push(format!("{}: {p}: {literal}", file.display()));
            }
        }
    }
    assert!(
        checked > 300,
        "only {checked} messages found: is the scan broken?"
    );
    assert!(
        wrong.is_empty(),
        "{} messages:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn literals_are_read_like_the_compiler() {
    let src = r##"let a = "甲 / a"; // "注释 / comment"
        let b = '"'; let c = r#"乙 / "b""#; fn f<'a>(x: &'a str) {} let d = "丙 \
            / c";"##;
    assert_eq!(literals(src), vec!["甲 / a", "乙 / \"b\"", "丙 / c"]);
    assert_eq!(english_run("记录 {id} 不存在"), None);
    assert_eq!(
        english_run("请运行 xplus assess"),
        Some("xplus assess".into())
    );
}
