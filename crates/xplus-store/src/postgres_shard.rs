//! Shards for the nation (issue 22): a province's partitions moved to another PostgreSQL server
//! and attached back as postgres_fdw foreign partitions, so that one database spreads its
//! largest tables over several servers while import, assessment, reports and pages run
//! unchanged against the first (the coordinator). Citus is not packaged here; the schema keeps
//! the same shape it would need (every large table carries `county_code`).
//!
//! `xplus shard --province 34 --server URL` moves, table by table ([`BY_PROVINCE`]), each in one
//! transaction on either side holding the write lock on the coordinator:
//! 1. the shard gets a table of the partition's name, columns and checks, its key (the file's
//!    key) and its plain indexes, and a check that every county lies in the province — so that a
//!    write that would leave a row there with another province's county fails instead of
//!    hiding the row;
//! 2. the partition's rows are copied over (`COPY … TO STDOUT` into `COPY … FROM STDIN`, binary)
//!    and counted on both sides; the shard commits;
//! 3. on the coordinator the local partition is replaced by a foreign table reading the shard's.
//!
//! What a foreign partition changes, and how the rest of the store copes:
//! - A partitioned table with a foreign partition may carry neither a unique index nor a foreign
//!   key, so the parent's key and references are dropped. Each local partition gets the key
//!   back as its own (and so does every partition an import or a re-run creates later); the
//!   shard's table has its own. References are kept by the writers, whose checker resolves
//!   every one before anything is written.
//! - `MERGE` is refused on foreign partitions, and an `UPDATE` of `county_code` is performed on
//!   the remote row where it lies: writes to a sharded table go through
//!   [`crate::sql::sharded_upsert`], and a household's records follow its county by a delete
//!   and an insert (migration 0027).
//! - The coordinator reaches the shard with the credentials of the URL (a user mapping for the
//!   role xplus connects as); the URL's host must be reachable from the coordinator's server.

use crate::error::{DbContext, Refusal, StoreError};
use crate::postgres_exec::{self, take_write_lock};
use crate::postgres_partition::{
    is_partitioned, partition_key, partitions, split_out, BY_PROVINCE,
};
use futures_util::StreamExt;
use sqlx::{Connection, PgConnection, PgPool};
use xplus_core::interchange::schema::find_file;
use xplus_core::registry::region::{province_span, PROVINCE_PREFIXES};

/// One table `xplus shard` looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardedTable {
    pub table: &'static str,
    /// What the table holds, in Chinese (the bundle file's name).
    pub zh: &'static str,
    /// Whether the province's partition was on the shard already (nothing moved in this run).
    pub already: bool,
    /// Rows copied to the shard in this run.
    pub rows_moved: u64,
}

/// Where the shard is, as postgres_fdw's server and user mapping options want it.
struct Target {
    host: String,
    port: u16,
    dbname: String,
    user: Option<String>,
    password: Option<String>,
}

impl Target {
    fn parse(server: &str) -> Result<Target, StoreError> {
        let refuse = |why: &str| -> StoreError {
            Refusal::Invalid(format!(
                "分片服务器地址无效（{why}）：应为 postgres://用户@主机:端口/数据库 / the shard's \
                 address is not valid ({why}): expected postgres://user@host:port/database"
            ))
            .into()
        };
        let url = url::Url::parse(server).map_err(|e| refuse(&e.to_string()))?;
        if !matches!(url.scheme(), "postgres" | "postgresql") {
            return Err(refuse(url.scheme()));
        }
        // Options after `?` would steer this command's own connection (sqlx reads host, port,
        // user… there) elsewhere than the server the coordinator is told to use.
        if url.query().is_some() {
            return Err(refuse("?"));
        }
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let dbname = decode(url.path().trim_start_matches('/'));
        if dbname.is_empty() || dbname.contains('/') {
            return Err(refuse("database"));
        }
        Ok(Target {
            host: url
                .host_str()
                .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
                .filter(|h| !h.is_empty())
                .ok_or_else(|| refuse("host"))?
                .to_string(),
            port: url.port().unwrap_or(5432),
            dbname,
            user: Some(decode(url.username())).filter(|u| !u.is_empty()),
            password: url.password().map(decode),
        })
    }
}

/// A string as an SQL literal (options of a server or user mapping take no parameters).
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Runs one statement of a shard's set-up; the statement itself is the error's context.
async fn run(conn: &mut PgConnection, text: String) -> Result<u64, StoreError> {
    postgres_exec::run(conn, &text, || {
        format!("设置分片 / setting up the shard: {text}")
    })
    .await
}

fn server_name(prefix: u8) -> String {
    format!("xplus_p{prefix}")
}

/// Moves province `prefix` of every table split by province to the database at `server`. The
/// coordinator must be partitioned already (`xplus init --partition province`). Run again, it
/// moves the tables not moved yet; a table whose move failed is left as it was.
pub(crate) async fn shard_province(
    pool: &PgPool,
    prefix: u8,
    server: &str,
) -> Result<Vec<ShardedTable>, StoreError> {
    if !PROVINCE_PREFIXES.contains(&prefix) {
        return Err(Refusal::Invalid(format!(
            "{prefix} 不是省级行政区划代码 / {prefix} is not the code of a province"
        ))
        .into());
    }
    let target = Target::parse(server)?;
    let mut shard = PgConnection::connect(server).await.context(format!(
        "连接分片服务器 {}:{} / connecting to the shard {}:{}",
        target.host, target.port, target.host, target.port
    ))?;
    refuse_same_database(pool, &mut shard).await?;
    // Refused before anything is defined, so that a refusal leaves nothing behind.
    let mut conn = pool
        .acquire()
        .await
        .context("检查分区 / checking the partitions")?;
    for &table in BY_PROVINCE {
        if !is_partitioned(&mut conn, table).await? {
            return Err(not_partitioned(table));
        }
    }
    drop(conn);
    define_server(pool, prefix, &target).await?;
    let mut done = Vec::with_capacity(BY_PROVINCE.len());
    for &table in BY_PROVINCE {
        done.push(move_table(pool, &mut shard, table, prefix).await?);
    }
    Ok(done)
}

fn not_partitioned(table: &str) -> StoreError {
    Refusal::Invalid(format!(
        "{table} 尚未按省分区，请先将数据库按省分区（见命令行说明）/ {table} is not partitioned by \
         province yet; run xplus init --partition province first"
    ))
    .into()
}

/// A shard that is the coordinator's own database would have the partition copied onto
/// itself and then dropped: refused. A backend is known by its process id and start time.
async fn refuse_same_database(pool: &PgPool, shard: &mut PgConnection) -> Result<(), StoreError> {
    let context = || "检查分片服务器 / checking the shard".to_string();
    let mut own = pool.acquire().await.context(context())?;
    // An advisory lock is the database's own, whatever the role: held here, it cannot be taken
    // through the shard's connection if that is this database too.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let key = (i64::from(std::process::id()) << 32) | i64::from(nanos);
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(key)
        .execute(&mut *own)
        .await
        .context(context())?;
    let free: Result<bool, _> = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(key)
        .fetch_one(&mut *shard)
        .await;
    let released = sqlx::query("SELECT pg_advisory_unlock_all()")
        .execute(&mut *own)
        .await;
    let free = free.context(context())?;
    released.context(context())?;
    if !free {
        return Err(Refusal::Invalid(
            "分片服务器就是本数据库，不能把一个省移到它自己上 / the shard is this very database; a \
             province cannot be moved onto itself"
                .to_string(),
        )
        .into());
    }
    sqlx::query("SELECT pg_advisory_unlock_all()")
        .execute(&mut *shard)
        .await
        .context(context())?;
    Ok(())
}

/// The foreign server `xplus_p{prefix}` and the user mapping of the role xplus connects as.
/// A server already defined for the province must point where `target` does.
async fn define_server(pool: &PgPool, prefix: u8, target: &Target) -> Result<(), StoreError> {
    let name = server_name(prefix);
    let context = || format!("登记分片服务器 {name} / defining the shard server {name}");
    let mut tx = pool.begin().await.context(context())?;
    take_write_lock(&mut tx, &context()).await?;
    run(
        &mut tx,
        "CREATE EXTENSION IF NOT EXISTS postgres_fdw".into(),
    )
    .await?;
    let wanted = [
        format!("host={}", target.host),
        format!("port={}", target.port),
        format!("dbname={}", target.dbname),
    ];
    let existing: Option<Vec<String>> =
        sqlx::query_scalar("SELECT srvoptions FROM pg_foreign_server WHERE srvname = $1")
            .bind(&name)
            .fetch_optional(&mut *tx)
            .await
            .context(context())?;
    match existing {
        Some(options) if wanted.iter().all(|w| options.contains(w)) => {}
        Some(options) => {
            return Err(Refusal::Invalid(format!(
                "第 {prefix} 省已放在另一台服务器上（{}）/ province {prefix} lives on another \
                 server already ({})",
                options.join(" "),
                options.join(" ")
            ))
            .into())
        }
        None => {
            // Rows travel in batches both ways: a remote scan fetches 10,000 at a time and an
            // insert routed to the shard sends 1,000 per statement (the defaults are 100 and 1).
            run(
                &mut tx,
                format!(
                    "CREATE SERVER {name} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host {}, \
                     port {}, dbname {}, fetch_size '10000', batch_size '1000')",
                    literal(&target.host),
                    literal(&target.port.to_string()),
                    literal(&target.dbname)
                ),
            )
            .await?;
        }
    }
    let mut credentials = Vec::new();
    if let Some(user) = &target.user {
        credentials.push(format!("user {}", literal(user)));
    }
    if let Some(password) = &target.password {
        credentials.push(format!("password {}", literal(password)));
    }
    run(
        &mut tx,
        format!("DROP USER MAPPING IF EXISTS FOR CURRENT_USER SERVER {name}"),
    )
    .await?;
    let options = match credentials.is_empty() {
        true => String::new(),
        false => format!(" OPTIONS ({})", credentials.join(", ")),
    };
    // Its own context: the statement holds the password, which no message may show.
    postgres_exec::run(
        &mut tx,
        &format!("CREATE USER MAPPING FOR CURRENT_USER SERVER {name}{options}"),
        || format!("登记分片服务器的用户 / defining the user of the shard server {name}"),
    )
    .await?;
    tx.commit().await.context(context())
}

/// Moves `table`'s partition of province `prefix` to the shard (see the module's notes).
async fn move_table(
    pool: &PgPool,
    shard: &mut PgConnection,
    table: &'static str,
    prefix: u8,
) -> Result<ShardedTable, StoreError> {
    let part = format!("{table}_p{prefix}");
    let context = || format!("把 {part} 移到分片服务器 / moving {part} to the shard");
    let mut report = ShardedTable {
        table,
        zh: find_file(table).map_or(table, |f| f.zh),
        already: false,
        rows_moved: 0,
    };
    let mut tx = pool.begin().await.context(context())?;
    take_write_lock(&mut tx, &context()).await?;
    // (Partitioned: `shard_province` refused otherwise, and a partitioning is never undone.)
    let foreign = partitions(&mut tx, table)
        .await?
        .into_iter()
        .find_map(|(name, foreign)| (name == part).then_some(foreign));
    match foreign {
        Some(true) => {
            report.already = true;
            tx.commit().await.context(context())?;
            return Ok(report);
        }
        Some(false) => {}
        // A province the database has no rows of yet gets its (empty) partition first.
        None => drop(split_out(&mut tx, table, prefix).await?),
    }
    let remote = remote_table(&mut tx, table, &part, prefix).await?;
    let mut stx = shard.begin().await.context(context())?;
    run(&mut stx, remote.create).await?;
    run(&mut stx, format!("TRUNCATE {part}")).await?;
    report.rows_moved = copy_rows(&mut tx, &mut stx, &part, &remote.columns).await?;
    let local: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {part}"))
        .fetch_one(&mut *tx)
        .await
        .context(context())?;
    if u64::try_from(local).ok() != Some(report.rows_moved) {
        return Err(StoreError::Interrupted(format!(
            "{part} 有 {local} 行，分片服务器只收到 {} 行，未作改动 / {part} holds {local} rows \
             but the shard received {}; nothing was changed",
            report.rows_moved, report.rows_moved
        )));
    }
    for statement in &remote.indexes {
        run(&mut stx, statement.clone()).await?;
    }
    run(&mut stx, format!("ANALYZE {part}")).await?;
    stx.commit().await.context(context())?;
    keyless_parent(&mut tx, table).await?;
    let span = province_span(prefix);
    run(
        &mut tx,
        format!("ALTER TABLE {table} DETACH PARTITION {part}"),
    )
    .await?;
    run(&mut tx, format!("DROP TABLE {part}")).await?;
    run(
        &mut tx,
        format!(
            "CREATE FOREIGN TABLE {part} PARTITION OF {table} FOR VALUES FROM ({}) TO ({}) \
             SERVER {} OPTIONS (table_name {})",
            span.start,
            span.end,
            server_name(prefix),
            literal(&part)
        ),
    )
    .await?;
    // Read back through the foreign table, as every query will: a server the coordinator cannot
    // reach, or another database than the one copied into, fails here and the local partition
    // stays (the transaction rolls back).
    let seen: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {part}"))
        .fetch_one(&mut *tx)
        .await
        .context(context())?;
    if seen != local {
        return Err(StoreError::Interrupted(format!(
            "本库经外部表读到 {part} 的 {seen} 行，应为 {local} 行，未作改动 / this database reads \
             {seen} rows of {part} through the foreign table instead of {local}; nothing was \
             changed"
        )));
    }
    tx.commit().await.context(context())?;
    Ok(report)
}

/// What the shard's table is made of, read from the coordinator's catalogue.
struct RemoteTable {
    /// `CREATE TABLE IF NOT EXISTS …` with its columns, checks and key.
    create: String,
    /// The local partition's plain indexes (columns only, B-tree), as the catalogue wrote them.
    indexes: Vec<String>,
    /// The columns in order, quoted, for both `COPY`s.
    columns: String,
}

async fn remote_table(
    conn: &mut PgConnection,
    table: &'static str,
    part: &str,
    prefix: u8,
) -> Result<RemoteTable, StoreError> {
    let context = || format!("读取 {table} 的结构 / reading the structure of {table}");
    let (columns, defined): (String, String) = sqlx::query_as(
        "SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum), \
                string_agg(format('%I %s%s', a.attname, format_type(a.atttypid, a.atttypmod), \
                    CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END), ', ' ORDER BY a.attnum) \
         FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 \
         AND NOT a.attisdropped",
    )
    .bind(table)
    .fetch_one(&mut *conn)
    .await
    .context(context())?;
    let checks: Vec<String> = sqlx::query_scalar(
        "SELECT format('CONSTRAINT %I %s', conname, pg_get_constraintdef(oid)) \
         FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c'",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .context(context())?;
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i \
         JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam \
         WHERE i.indrelid = $1::regclass AND NOT i.indisunique AND i.indexprs IS NULL \
         AND am.amname = 'btree'",
    )
    .bind(part)
    .fetch_all(&mut *conn)
    .await
    .context(context())?;
    let span = province_span(prefix);
    let file = find_file(table).ok_or_else(|| StoreError::Interrupted(context()))?;
    let key: Vec<&str> = file.key.iter().map(|&k| file.columns[k].en).collect();
    let mut parts = vec![defined];
    parts.extend(checks);
    parts.push(format!(
        "CONSTRAINT {part}_province CHECK (county_code >= {} AND county_code < {})",
        span.start, span.end
    ));
    parts.push(format!("PRIMARY KEY ({})", key.join(", ")));
    Ok(RemoteTable {
        create: format!("CREATE TABLE IF NOT EXISTS {part} ({})", parts.join(", ")),
        indexes: indexes
            .into_iter()
            .map(|i| i.replacen("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
            .collect(),
        columns,
    })
}

/// Streams the partition's rows from the coordinator into the shard's table, in PostgreSQL's
/// binary format; the number of rows the shard took.
async fn copy_rows(
    from: &mut PgConnection,
    to: &mut PgConnection,
    part: &str,
    columns: &str,
) -> Result<u64, StoreError> {
    let context = || format!("复制 {part} 到分片服务器 / copying {part} to the shard");
    let mut rows = from
        .copy_out_raw(&format!(
            "COPY {part} ({columns}) TO STDOUT (FORMAT binary)"
        ))
        .await
        .context(context())?;
    let mut sink = to
        .copy_in_raw(&format!(
            "COPY {part} ({columns}) FROM STDIN (FORMAT binary)"
        ))
        .await
        .context(context())?;
    while let Some(chunk) = rows.next().await {
        match chunk {
            Ok(bytes) => sink.send(bytes).await.context(context())?,
            Err(e) => {
                // The shard's copy is abandoned with its transaction; the error is the source's.
                let _ = sink.abort(e.to_string()).await;
                return Err(e).context(context());
            }
        };
    }
    sink.finish().await.context(context())
}

/// Drops the parent's key and references, which a foreign partition cannot carry, giving each
/// local partition the key back as its own. Nothing to do once a province is on a shard.
async fn keyless_parent(conn: &mut PgConnection, table: &'static str) -> Result<(), StoreError> {
    let context = || format!("调整 {table} 的主键 / reshaping the key of {table}");
    let dropped: Vec<String> = sqlx::query_scalar(
        "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname) \
         FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'f') \
         ORDER BY contype DESC",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .context(context())?;
    if dropped.is_empty() {
        return Ok(());
    }
    for statement in dropped {
        run(conn, statement).await?;
    }
    for (part, foreign) in partitions(conn, table).await? {
        if !foreign {
            run(conn, partition_key(table, &part)).await?;
        }
    }
    Ok(())
}
