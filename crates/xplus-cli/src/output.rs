//! Messages in the user's language, and progress bars only when a person is watching.

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Zh,
    En,
}

pub struct Output {
    pub lang: Lang,
    terminal: bool,
}

impl Output {
    pub fn new(lang: Lang) -> Output {
        Output {
            lang,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Messages of the library crates are written "中文 / English" (the Chinese side may end in
    /// full-width punctuation right before the slash); this picks one side.
    pub fn pick(&self, message: &str) -> String {
        let (zh, en) = halves(message);
        match self.lang {
            Lang::Zh => zh.to_string(),
            Lang::En => en.to_string(),
        }
    }

    /// A line for the user, given in both languages.
    pub fn say(&self, zh: &str, en: &str) {
        use std::io::Write;
        // A reader that went away (`xplus … | head`) is no failure of the command, whose work is
        // in the database and the files it writes; println! would panic on the closed pipe.
        let line = if self.lang == Lang::Zh { zh } else { en };
        let _ = writeln!(std::io::stdout(), "{line}");
    }

    /// An error and its causes, each in the user's language.
    pub fn failure(&self, parts: &[String]) {
        let prefix = if self.lang == Lang::Zh {
            "错误"
        } else {
            "error"
        };
        let text: Vec<String> = parts.iter().map(|p| self.pick(p)).collect();
        eprintln!("{prefix}: {}", text.join(": "));
    }

    /// A spinner with a row counter on a terminal; a hidden one when output is piped.
    pub fn spinner(&self) -> ProgressBar {
        if !self.terminal {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix} {msg} [{elapsed}]")
                .expect("valid template"),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    /// A bar with a known total on a terminal; hidden when piped.
    pub fn bar(&self, total: u64) -> ProgressBar {
        if !self.terminal {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix} [{bar:40}] {pos}/{len} {msg} [{elapsed} / ~{eta}]",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar
    }
}

/// The Chinese and English sides of a "中文 / English" message (the whole message on both sides
/// when it has no slash).
pub fn halves(message: &str) -> (&str, &str) {
    match message.find("/ ") {
        Some(i) => (message[..i].trim_end(), &message[i + 2..]),
        None => (message, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_one_language() {
        let zh = Output {
            lang: Lang::Zh,
            terminal: false,
        };
        let en = Output {
            lang: Lang::En,
            terminal: false,
        };
        let m = "户主与配偶性别相同（疑点，请核实）/ head and spouse of the same sex";
        assert_eq!(zh.pick(m), "户主与配偶性别相同（疑点，请核实）");
        assert_eq!(en.pick(m), "head and spouse of the same sex");
        let m = "无法读取文件 /tmp/a.csv / cannot read file /tmp/a.csv";
        assert_eq!(zh.pick(m), "无法读取文件 /tmp/a.csv");
        assert_eq!(en.pick(m), "cannot read file /tmp/a.csv");
        assert_eq!(zh.pick("plain"), "plain");
    }
}
