//! The storage layer's one error type.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库地址无法识别：{0}（应为 sqlite://文件 或 postgres://…）/ unrecognised database URL: {0} (expected sqlite://FILE or postgres://…)")]
    BadUrl(String),
    /// `context` says what was being done, "中文 / English"; the cause follows in the chain.
    #[error("{context}")]
    Database {
        context: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("数据库迁移失败 / database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("数据库中 {table} 表的值无法读取 / a value in table {table} cannot be read: {detail}")]
    Corrupt { table: &'static str, detail: String },
    #[error("无法读取或写入 {path} / cannot read or write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Source(#[from] crate::bundle::source::SourceError),
    #[error(transparent)]
    Sink(#[from] crate::bundle::sink::SinkError),
    #[error("不支持内存数据库，请使用数据库文件（sqlite://文件名）/ in-memory databases are not supported; use a database file (sqlite://FILE)")]
    InMemory,
    #[error("{context}")]
    Sqlite {
        context: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("导入被中断 / the import was interrupted: {0}")]
    Interrupted(String),
    /// The request was refused and nothing was written: bad input or a rule, not a failure of
    /// xplus. The web answers it with a 4xx status and the CLI with exit status 2 or 1.
    #[error(transparent)]
    Refused(#[from] Refusal),
}

/// Why a request was refused (as opposed to the infrastructure failures above): what the web
/// and the CLI tell the user, each in one place.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The request does not fit what is stored (a name taken, a region or cadre that does not
    /// exist): bad input, said in plain words.
    #[error("{0}")]
    Invalid(String),
    /// The record does not exist, or is outside the account's reach (the same answer, so that
    /// nobody learns which numbers exist elsewhere).
    #[error("{0}")]
    NotFound(String),
    /// The account may not make this change.
    #[error("{0}")]
    Forbidden(String),
    /// The record changed since the editor loaded it; nothing was written.
    #[error("{0}")]
    Conflict(String),
    /// The registry rules refuse the values, field by field; nothing was written.
    #[error("{}", .0.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; "))]
    Rejected(Vec<FieldProblem>),
}

impl StoreError {
    /// Whether the database gave up waiting for a lock another writer or an import held
    /// (PostgreSQL's lock timeout, SQLite's busy timeout): nothing was written, and the same
    /// request can succeed a moment later.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Database {
                source: sqlx::Error::Database(d),
                ..
            } => d.code().as_deref() == Some("55P03"),
            StoreError::Database {
                source: sqlx::Error::PoolTimedOut,
                ..
            } => true,
            StoreError::Sqlite {
                source: rusqlite::Error::SqliteFailure(e, _),
                ..
            } => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ),
            _ => false,
        }
    }

    /// Whether the database refused a row because its key is taken (a UNIQUE or PRIMARY KEY
    /// constraint): two sessions racing for the same name, say.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Database {
                source: sqlx::Error::Database(d),
                ..
            } => d.is_unique_violation(),
            StoreError::Sqlite {
                source: rusqlite::Error::SqliteFailure(e, _),
                ..
            } => {
                e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            }
            _ => false,
        }
    }
}

/// Adds what was being done to a database error.
pub(crate) trait DbContext<T> {
    fn context(self, what: impl Into<String>) -> Result<T, StoreError>;
}

impl<T> DbContext<T> for Result<T, sqlx::Error> {
    fn context(self, what: impl Into<String>) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Database {
            context: what.into(),
            source,
        })
    }
}

/// A field the rules refused, by its column name in the bundle format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

impl FieldProblem {
    pub(crate) fn new(field: &str, message: impl Into<String>) -> FieldProblem {
        FieldProblem {
            field: field.to_string(),
            message: message.into(),
        }
    }
}
