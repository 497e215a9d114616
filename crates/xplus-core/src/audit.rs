//! The audit log's hash chain: every entry carries the hash of the one before it, so an entry
//! that is altered or removed afterwards breaks the chain at that point and can be named.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry as stored: who did what to which record, with the values before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// 1, 2, 3 … without gaps.
    pub seq: i64,
    /// UTC time, RFC 3339.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub record_key: String,
    /// JSON, or None (nothing before an insert, nothing after a delete).
    pub old_values: Option<String>,
    pub new_values: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// SHA-256 (hex) of the previous hash and every field of the entry, each length-prefixed so
/// that no two different entries encode alike.
pub fn chain_hash(prev_hash: &str, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    let seq = e.seq.to_string();
    let fields: [Option<&str>; 9] = [
        Some(prev_hash),
        Some(&seq),
        Some(&e.at),
        Some(&e.actor),
        Some(&e.action),
        Some(&e.entity),
        Some(&e.record_key),
        e.old_values.as_deref(),
        e.new_values.as_deref(),
    ];
    for field in fields {
        match field {
            Some(text) => h.update(format!("{}:", text.len()).as_bytes()),
            None => h.update(b"-:"),
        }
        h.update(field.unwrap_or("").as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Where a chain stops holding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// The entry's content or hash no longer matches.
    Altered { seq: i64 },
    /// Entries are missing before this one (`expected` was the next number).
    Removed { expected: i64 },
    /// The last entries are missing: the chain ends before the recorded head.
    Truncated { last: i64, head: i64 },
    /// The recorded head does not name the chain's last entry (reset, or entries appended
    /// behind the application's back).
    HeadMismatch { head: i64, last: i64 },
}

impl ChainBreak {
    pub fn describe(&self) -> String {
        match self {
            ChainBreak::Altered { seq } => {
                format!("第{seq}条审计记录被改动 / audit entry {seq} was altered")
            }
            ChainBreak::Removed { expected } => {
                format!("第{expected}条审计记录被删除 / audit entry {expected} was removed")
            }
            ChainBreak::Truncated { last, head } => format!(
                "第{}至{head}条审计记录被删除 / audit entries {} to {head} were removed",
                last + 1,
                last + 1
            ),
            ChainBreak::HeadMismatch { head, last } => format!(
                "审计日志的末条记录（第{head}条）与日志内容（共{last}条）不符 / the recorded head (entry {head}) does not match the log ({last} entries)"
            ),
        }
    }
}

/// Checks entries in `seq` order, carrying the chain along; `head` is the recorded last
/// (seq, hash), if any. Returns the number of entries checked.
pub struct ChainCheck {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainCheck {
    fn default() -> Self {
        ChainCheck {
            expected_seq: 1,
            prev_hash: GENESIS.to_string(),
        }
    }
}

impl ChainCheck {
    pub fn next(&mut self, e: &AuditEntry) -> Result<(), ChainBreak> {
        if e.seq != self.expected_seq {
            return Err(ChainBreak::Removed {
                expected: self.expected_seq,
            });
        }
        if e.prev_hash != self.prev_hash || chain_hash(&self.prev_hash, e) != e.hash {
            return Err(ChainBreak::Altered { seq: e.seq });
        }
        self.expected_seq += 1;
        self.prev_hash = e.hash.clone();
        Ok(())
    }

    /// After the last entry: the recorded head must be where the chain ended.
    pub fn finish(&self, head: Option<(i64, &str)>) -> Result<i64, ChainBreak> {
        let last = self.expected_seq - 1;
        let (seq, hash) = head.unwrap_or((0, GENESIS));
        if seq > last {
            Err(ChainBreak::Truncated { last, head: seq })
        } else if seq != last || hash != self.prev_hash {
            Err(ChainBreak::HeadMismatch { head: seq, last })
        } else {
            Ok(last)
        }
    }

    /// The hash of the last entry checked: kept outside the database, it lets a later check
    /// show that nobody recomputed the whole chain.
    pub fn head_hash(&self) -> &str {
        &self.prev_hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: i64, prev: &str) -> AuditEntry {
        let mut e = AuditEntry {
            seq,
            at: "2026-11-29T08:00:00Z".into(),
            actor: "cli:root".into(),
            action: "update".into(),
            entity: "households".into(),
            record_key: format!("H{seq}"),
            old_values: Some(r#"{"status":"poor"}"#.into()),
            new_values: Some(r#"{"status":"exited"}"#.into()),
            prev_hash: prev.into(),
            hash: String::new(),
        };
        e.hash = chain_hash(prev, &e);
        e
    }

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for seq in 1..=n {
            let prev = out.last().map(|e| e.hash.clone()).unwrap_or(GENESIS.into());
            out.push(entry(seq, &prev));
        }
        out
    }

    fn verify(entries: &[AuditEntry], head: Option<(i64, &str)>) -> Result<i64, ChainBreak> {
        let mut check = ChainCheck::default();
        for e in entries {
            check.next(e)?;
        }
        check.finish(head)
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify(&c, Some((5, &c[4].hash))), Ok(5));
        assert_eq!(verify(&[], None), Ok(0));
        assert_eq!(verify(&[], Some((0, GENESIS))), Ok(0));
    }

    #[test]
    fn alterations_and_removals_are_named() {
        let mut c = chain(5);
        c[2].new_values = Some(r#"{"status":"poor"}"#.into());
        let head = c[4].hash.clone();
        assert_eq!(
            verify(&c, Some((5, &head))),
            Err(ChainBreak::Altered { seq: 3 })
        );

        let mut c = chain(5);
        c.remove(1);
        let head = c[3].hash.clone();
        assert_eq!(
            verify(&c, Some((5, &head))),
            Err(ChainBreak::Removed { expected: 2 })
        );

        let c = chain(5);
        let head = c[4].hash.clone();
        assert_eq!(
            verify(&c[..3], Some((5, &head))),
            Err(ChainBreak::Truncated { last: 3, head: 5 })
        );
        // A head reset over a non-empty log, or pointing at an older entry.
        let c = chain(3);
        assert_eq!(
            verify(&c, Some((0, GENESIS))),
            Err(ChainBreak::HeadMismatch { head: 0, last: 3 })
        );
        assert_eq!(
            verify(&c, Some((2, &c[1].hash))),
            Err(ChainBreak::HeadMismatch { head: 2, last: 3 })
        );
        // A None field and an empty one hash differently.
        let mut a = entry(1, GENESIS);
        a.old_values = None;
        let mut b = a.clone();
        b.old_values = Some(String::new());
        assert_ne!(chain_hash(GENESIS, &a), chain_hash(GENESIS, &b));
    }
}
