//! Shared by the fuzz harnesses (crates/xplus-cli/tests/fuzz_import.rs and
//! crates/xplus-web/tests/fuzz_api.rs): the dictionary of hostile values, the time budget and
//! the seeded random source, so that a failure is reproduced with the seed it prints.

#![allow(dead_code)]

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The repository's `fuzz/` folder.
pub fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The values of `fuzz/dictionary.txt`, unescaped.
pub fn dictionary() -> Vec<String> {
    let text = std::fs::read_to_string(folder().join("dictionary.txt")).expect("the dictionary");
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            if l == "<empty>" {
                String::new()
            } else {
                unescape(l)
            }
        })
        .collect()
}

fn unescape(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('0') => out.push('\0'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            Some('u') => {
                let hex: String = chars
                    .by_ref()
                    .skip_while(|&c| c == '{')
                    .take_while(|&c| c != '}')
                    .collect();
                let code = u32::from_str_radix(&hex, 16).expect("a hex escape");
                out.push(char::from_u32(code).expect("a character"));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// How long to fuzz (`XPLUS_FUZZ_SECONDS`, `default` otherwise) and from which seed
/// (`XPLUS_FUZZ_SEED`, the clock otherwise); both are printed.
pub fn budget(name: &str, default: u64) -> (Instant, ChaCha8Rng, u64) {
    let seconds = std::env::var("XPLUS_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default);
    let seed = std::env::var("XPLUS_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(7)
        });
    println!("{name}: {seconds} s from seed {seed} (XPLUS_FUZZ_SEED={seed} repeats it)");
    (
        Instant::now() + Duration::from_secs(seconds),
        ChaCha8Rng::seed_from_u64(seed),
        seed,
    )
}
