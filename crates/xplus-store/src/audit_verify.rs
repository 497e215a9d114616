//! Checking the audit chain end to end through a store (above the backends, which only read it).

use crate::error::StoreError;
use crate::store::Store;
use xplus_core::audit::{ChainBreak, ChainCheck};

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainStatus {
    pub entries: i64,
    /// The newest entry's hash, to be noted outside the database.
    pub head_hash: String,
}

/// Recomputes the whole chain: its length and head, or the first place it breaks.
pub async fn verify_audit(
    store: &dyn Store,
) -> Result<Result<ChainStatus, ChainBreak>, StoreError> {
    let mut check = ChainCheck::default();
    let mut broken: Option<ChainBreak> = None;
    let head = store
        .read_audit(&mut |entry| {
            if broken.is_none() {
                broken = check.next(&entry).err();
            }
            Ok(())
        })
        .await?;
    Ok(match broken {
        Some(b) => Err(b),
        None => check
            .finish(Some((head.0, &head.1)))
            .map(|entries| ChainStatus {
                entries,
                head_hash: check.head_hash().to_string(),
            }),
    })
}
