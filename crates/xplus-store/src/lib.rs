//! xplus persistence: the storage trait in domain terms with its SQLite and PostgreSQL
//! implementations, bundle import and export (CSV folders and `.xlsx` workbooks), and the
//! synthetic demo data.

pub mod accounts;
pub mod audit;
mod audit_queries;
mod audit_verify;
pub mod backup;
pub mod bundle;
mod connect;
pub mod demo;
pub mod error;
mod param;
pub mod postgres;
mod postgres_copy;
mod postgres_dump;
mod postgres_exec;
mod postgres_partition;
mod postgres_rows;
mod postgres_session;
mod postgres_shard;
pub mod records;
pub mod routed;
pub mod session;
mod sql;
pub mod sqlite;
mod sqlite_bulk;
mod sqlite_dump;
mod sqlite_session;
pub mod store;

pub use accounts::{sessions, users};
pub use audit::NewAudit;
pub use audit_verify::verify_audit;
pub use connect::open;
pub use error::{Refusal, StoreError};
pub use postgres_partition::PartitionedTable;
pub use postgres_shard::ShardedTable;
pub use routed::{reading_primary, reading_replica, reads_replica, Routed};
pub use store::{Backend, ImportTx, Row, Store};

pub use bundle::export::{export_bundle, ExportOptions, ExportProgress};
pub use bundle::import::{
    import_bundle, write_issues, FileRead, ImportOptions, ImportProgress, ImportReport,
    ImportStage, Issue,
};
