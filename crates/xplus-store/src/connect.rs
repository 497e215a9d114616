//! Opening a store by its URL: the one place that knows every backend, above them all.

use crate::error::StoreError;
use crate::store::Store;

/// Opens the database named by `url`: `sqlite://FILE` (created if missing), `sqlite::memory:`,
/// or `postgres://…` / `postgresql://…`. The schema is not migrated here; call
/// [`Store::migrate`].
pub async fn open(url: &str) -> Result<Box<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Box::new(crate::sqlite::SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Box::new(crate::postgres::PgStore::connect(url).await?))
    } else {
        Err(StoreError::BadUrl(url.to_string()))
    }
}
