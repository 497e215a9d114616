//! Enumerations of the interchange format: each value has an English code (canonical in files
//! and in the database) and the Chinese label people read. Both are accepted on input.

/// The runtime description of one enumeration, used by the generic bundle reader and writer.
#[derive(Debug)]
pub struct EnumSpec {
    pub name: &'static str,
    /// (English code, Chinese label), in the documented order.
    pub values: &'static [(&'static str, &'static str)],
}

impl EnumSpec {
    /// Finds a value by English code (case-insensitive) or Chinese label; returns the code.
    pub fn parse(&self, input: &str) -> Option<&'static str> {
        let s = input.trim();
        self.values
            .iter()
            .find(|(code, zh)| code.eq_ignore_ascii_case(s) || *zh == s)
            .map(|(code, _)| *code)
    }

    pub fn label_zh(&self, code: &str) -> Option<&'static str> {
        self.values
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, zh)| *zh)
    }
}

/// Enumerations are static and unique by name, so comparing names is comparing identities.
impl PartialEq for EnumSpec {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for EnumSpec {}

impl EnumSpec {
    /// "poor 贫困、exited 已脱贫、…" for error messages.
    pub fn describe(&self) -> String {
        self.values
            .iter()
            .map(|(c, z)| format!("{c} {z}"))
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// Declares a Rust enum together with its [`EnumSpec`], so the typed value and the file label can
/// never drift apart.
#[macro_export]
macro_rules! labelled_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($variant:ident = ($code:literal, $zh:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const SPEC: $crate::labels::EnumSpec = $crate::labels::EnumSpec {
                name: stringify!($name),
                values: &[$(($code, $zh)),+],
            };

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            /// English code (any case) or Chinese label.
            pub fn parse(input: &str) -> Option<$name> {
                let code = Self::SPEC.parse(input)?;
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    labelled_enum! {
        enum Colour { Red = ("red", "红"), Blue = ("blue", "蓝") }
    }

    #[test]
    fn codes_and_labels_both_parse() {
        assert_eq!(Colour::parse("RED"), Some(Colour::Red));
        assert_eq!(Colour::parse(" 蓝 "), Some(Colour::Blue));
        assert_eq!(Colour::parse("green"), None);
        assert_eq!(Colour::SPEC.describe(), "red 红、blue 蓝");
        assert_eq!(Colour::Blue.label_zh(), "蓝");
    }
}
