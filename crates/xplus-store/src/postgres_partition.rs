//! Partitions by province on PostgreSQL (issue 22): the large per-household tables become
//! declarative range partitions on `county_code`, one per province the database knows (from its
//! regions and its rows) and a default for the rest, so that a query filtered by county reads
//! one province's partition and the provinces can later be spread over servers (postgres_fdw
//! foreign partitions, or a distributed PostgreSQL keyed by the same column).
//!
//! Only the provinces present get a partition: every partition and its indexes is a lock each
//! statement takes when it cannot prune, and 34 empty ones per table held about 9,000 locks in
//! one conversion (more than a default server's lock table holds for three at once) for a
//! database that serves one province.
//!
//! `xplus init --partition province` converts a database in place, empty or full, one table per
//! transaction (each holds the write lock): the table is renamed, a partitioned table of the same
//! columns and checks takes its name, the rows move over, the old table goes, and its key,
//! indexes, foreign keys and triggers are put back on the new one as the catalogue wrote them.
//! An import gives a province that has none its partition before it writes the province's first
//! rows ([`Partitions`]). Run again, the conversion converts what is left and gives every
//! province the database knows a partition of its own (moving any rows of it out of the
//! default partition).
//!
//! What partitioning changes, and how the rest of the store copes:
//! - A partitioned table's primary key must hold the partition column, so each key gains
//!   `county_code`. Uniqueness of the file's own key across provinces is then kept by the writers:
//!   every write holds the write lock, and the writes to these tables are `MERGE`s matched on the
//!   file's key alone ([`crate::sql::merge`]), which update a stored row wherever it lies — in
//!   another province's partition too, moving it — instead of adding a second one. The importer
//!   refuses a key twice in a bundle before anything is written. Once a province lives on another
//!   server (`xplus shard`) the same matching is done by a delete, an update and an
//!   insert ([`crate::sql::sharded_upsert`]), as `MERGE` is refused on foreign partitions.
//! - Nothing may reference these tables by a foreign key (a reference needs a unique key without
//!   the partition column); the conversion refuses one rather than dropping it.
//! - A row whose county changes province moves partition, which PostgreSQL performs as a delete
//!   and an insert: an `AFTER UPDATE` trigger does not see it. A table whose county change marks
//!   the old county's roll-ups (members, since 0012) gets the same trigger on delete as well.

use crate::error::{DbContext, Refusal, StoreError};
use crate::postgres_exec::{self, take_write_lock};
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;
use xplus_core::interchange::schema::find_file;
use xplus_core::registry::region::{province_span, PROVINCE_PREFIXES};

/// The tables split by province: the registry's people and incomes, the yearly outcomes, and
/// every record that follows a household's county (0026's `records_following_county`). Each has
/// `county_code`, none is referenced by a foreign key, and each can hold a row per household.
pub(crate) const BY_PROVINCE: &[&str] = &[
    "members",
    "incomes",
    "assessment_outcomes",
    "attendance",
    "attendance_members",
    "cadre_household_pairings",
    "share_events",
    "placements",
    "household_industries",
    "ovop_households",
    "org_households",
    "course_attendance",
    "dividend_payments",
    "member_changes",
];

/// Whether writes to `table` go through `MERGE` (see the module's notes): the same statement on
/// a partitioned and an unpartitioned database — or, with a province on a shard, through
/// [`crate::sql::sharded_upsert`].
pub(crate) fn merges(table: &str) -> bool {
    BY_PROVINCE.contains(&table)
}

/// One table the conversion looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionedTable {
    pub table: &'static str,
    /// What the table holds, in Chinese (the bundle file's name, 家庭成员 for members).
    pub zh: &'static str,
    /// Whether this run turned it from a plain table into a partitioned one.
    pub converted: bool,
    /// The provinces (two leading digits) that got a partition in this run.
    pub provinces_added: Vec<u8>,
    /// Rows moved: the whole table when converted, else those taken out of the default partition.
    pub rows_moved: u64,
}

/// What a table carries that the partitioned table must get back, read before it is renamed.
struct Carried {
    key_name: String,
    key_columns: String,
    /// `CREATE INDEX …`, `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY …`, `CREATE TRIGGER …`.
    put_back: Vec<String>,
    /// Whether a change of county marks the old county's roll-ups (a trigger on
    /// `households_leave_county`).
    leaves_county: bool,
}

/// Converts every table of [`BY_PROVINCE`] that is not partitioned yet and splits out the
/// provinces that have none, each table in its own transaction holding the write lock (no
/// import or edit runs meanwhile; a server's readers of that table wait for as long as it takes).
/// A failure leaves the tables done so far done; running again continues.
pub(crate) async fn partition_by_province(
    pool: &PgPool,
) -> Result<Vec<PartitionedTable>, StoreError> {
    let mut done = Vec::with_capacity(BY_PROVINCE.len());
    for &table in BY_PROVINCE {
        let context = || format!("将 {table} 按省分区 / partitioning {table} by province");
        let mut tx = pool.begin().await.context(context())?;
        take_write_lock(&mut tx, &context()).await?;
        let partitioned = is_partitioned(&mut tx, table).await?;
        let present = provinces_present(&mut tx, table).await?;
        let mut report = PartitionedTable {
            table,
            zh: find_file(table).map_or(table, |f| f.zh),
            converted: !partitioned,
            provinces_added: Vec::new(),
            rows_moved: 0,
        };
        if partitioned {
            let existing = partitions_of(&mut tx, table).await?;
            for prefix in present.into_iter().filter(|p| !existing.contains(p)) {
                report.rows_moved += split_out(&mut tx, table, prefix).await?;
                report.provinces_added.push(prefix);
            }
        } else {
            report.rows_moved = convert(&mut tx, table, &present).await?;
            report.provinces_added = present;
        }
        tx.commit().await.context(context())?;
        done.push(report);
    }
    Ok(done)
}

/// Runs one statement of `table`'s conversion.
async fn run(conn: &mut PgConnection, statement: &str, table: &str) -> Result<u64, StoreError> {
    postgres_exec::run(conn, statement, || {
        format!("将 {table} 按省分区 / partitioning {table} by province")
    })
    .await
}

pub(crate) async fn is_partitioned(
    conn: &mut PgConnection,
    table: &'static str,
) -> Result<bool, StoreError> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = $1::regclass)",
    )
    .bind(table)
    .fetch_one(&mut *conn)
    .await
    .context(format!(
        "读取 {table} 的分区 / reading the partitions of {table}"
    ))
}

/// The provinces of GB/T 2260 the database knows: of its regions, and of `table`'s own rows.
async fn provinces_present(
    conn: &mut PgConnection,
    table: &'static str,
) -> Result<Vec<u8>, StoreError> {
    let found: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT code / 10000000000 FROM regions UNION SELECT county_code / 10000000000 FROM {table}"
    ))
    .fetch_all(&mut *conn)
    .await
    .context(format!(
        "读取 {table} 的省份 / reading the provinces of {table}"
    ))?;
    Ok(PROVINCE_PREFIXES
        .into_iter()
        .filter(|p| found.contains(&i64::from(*p)))
        .collect())
}

/// The partitions an import has looked at, per table: the provinces that have one, or None
/// for a table that is not partitioned. An import about to write rows of a province with no
/// partition of its own gives it one first, inside its transaction, so that a partitioned
/// database loaded province by province keeps each in its partition without another
/// `init --partition province`. (Creating a partition locks its table against readers until the
/// import commits, as the first load of a table does; it happens once per province.)
#[derive(Default)]
pub(crate) struct Partitions(HashMap<&'static str, Option<Vec<u8>>>);

impl Partitions {
    pub(crate) async fn make_room(
        &mut self,
        conn: &mut PgConnection,
        table: &'static str,
        counties: impl Iterator<Item = u64>,
    ) -> Result<(), StoreError> {
        if !merges(table) {
            return Ok(());
        }
        if !self.0.contains_key(table) {
            let partitioned = is_partitioned(conn, table).await?;
            let known = match partitioned {
                true => Some(partitions_of(conn, table).await?),
                false => None,
            };
            self.0.insert(table, known);
        }
        let Some(Some(known)) = self.0.get_mut(table) else {
            return Ok(());
        };
        let mut wanted: Vec<u8> = counties
            .filter_map(|c| u8::try_from(c / 10_000_000_000).ok())
            .filter(|p| PROVINCE_PREFIXES.contains(p) && !known.contains(p))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        for prefix in wanted {
            split_out(conn, table, prefix).await?;
            known.push(prefix);
        }
        Ok(())
    }
}

/// The provinces that have a partition of `table` (named `{table}_p{prefix}`), here or on a shard.
async fn partitions_of(
    conn: &mut PgConnection,
    table: &'static str,
) -> Result<Vec<u8>, StoreError> {
    let prefix = format!("{table}_p");
    Ok(partitions(conn, table)
        .await?
        .iter()
        .filter_map(|(name, _)| name.strip_prefix(&prefix)?.parse().ok())
        .collect())
}

/// Every partition of `table` by name, each with whether it is a foreign table (a province on
/// a shard) rather than a table of this database.
pub(crate) async fn partitions(
    conn: &mut PgConnection,
    table: &'static str,
) -> Result<Vec<(String, bool)>, StoreError> {
    sqlx::query_as(
        "SELECT c.relname::text, c.relkind = 'f' FROM pg_inherits i \
         JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .context(format!(
        "读取 {table} 的分区 / reading the partitions of {table}"
    ))
}

fn create_partition(table: &str, prefix: u8) -> String {
    let span = province_span(prefix);
    format!(
        "CREATE TABLE {table}_p{prefix} PARTITION OF {table} FOR VALUES FROM ({}) TO ({})",
        span.start, span.end
    )
}

/// Gives `prefix` a partition of `table` when its rows sit in the default one: the default is
/// detached (a new partition may not overlap rows it holds), the rows move, it is attached again.
/// On a table with a province on a shard the parent has no key, so the partition gets its own.
pub(crate) async fn split_out(
    conn: &mut PgConnection,
    table: &'static str,
    prefix: u8,
) -> Result<u64, StoreError> {
    let span = province_span(prefix);
    let other = format!("{table}_other");
    let within = format!(
        "county_code >= {} AND county_code < {}",
        span.start, span.end
    );
    run(
        conn,
        &format!("ALTER TABLE {table} DETACH PARTITION {other}"),
        table,
    )
    .await?;
    run(conn, &create_partition(table, prefix), table).await?;
    if postgres_exec::is_sharded(conn, table).await? {
        let key = partition_key(table, &format!("{table}_p{prefix}"));
        run(conn, &key, table).await?;
    }
    let moved = run(
        conn,
        &format!("INSERT INTO {table}_p{prefix} SELECT * FROM {other} WHERE {within}"),
        table,
    )
    .await?;
    run(conn, &format!("DELETE FROM {other} WHERE {within}"), table).await?;
    run(
        conn,
        &format!("ALTER TABLE {table} ATTACH PARTITION {other} DEFAULT"),
        table,
    )
    .await?;
    Ok(moved)
}

async fn convert(
    conn: &mut PgConnection,
    table: &'static str,
    provinces: &[u8],
) -> Result<u64, StoreError> {
    let carried = carried(conn, table).await?;
    let flat = format!("xplus_unpartitioned_{table}");
    run(
        conn,
        &format!("ALTER TABLE {table} RENAME TO {flat}"),
        table,
    )
    .await?;
    run(
        conn,
        &format!(
            "CREATE TABLE {table} (LIKE {flat} INCLUDING ALL EXCLUDING INDEXES) \
             PARTITION BY RANGE (county_code)"
        ),
        table,
    )
    .await?;
    for &prefix in provinces {
        run(conn, &create_partition(table, prefix), table).await?;
    }
    // Codes of the provinces not present yet have a place until a run gives them their own.
    run(
        conn,
        &format!("CREATE TABLE {table}_other PARTITION OF {table} DEFAULT"),
        table,
    )
    .await?;
    // Rows first, then the key and indexes: one sort per index instead of a search per row.
    let moved = run(
        conn,
        &format!("INSERT INTO {table} SELECT * FROM {flat}"),
        table,
    )
    .await?;
    run(conn, &format!("DROP TABLE {flat}"), table).await?;
    run(
        conn,
        &format!(
            "ALTER TABLE {table} ADD CONSTRAINT {} PRIMARY KEY ({}, county_code)",
            carried.key_name, carried.key_columns
        ),
        table,
    )
    .await?;
    for statement in &carried.put_back {
        run(conn, statement, table).await?;
    }
    if carried.leaves_county {
        run(
            conn,
            &format!(
                "CREATE TRIGGER {table}_leave_province AFTER DELETE ON {table} \
                 FOR EACH ROW EXECUTE FUNCTION households_leave_county()"
            ),
            table,
        )
        .await?;
    }
    run(conn, &format!("ANALYZE {table}"), table).await?;
    Ok(moved)
}

/// Reads what `table` carries besides its columns, refusing what a partitioned table cannot
/// keep: a reference to it, or a unique index other than its key.
async fn carried(conn: &mut PgConnection, table: &'static str) -> Result<Carried, StoreError> {
    let context = || format!("读取 {table} 的结构 / reading the structure of {table}");
    let blockers: Vec<String> = sqlx::query_scalar(
        "SELECT format('%s (%s)', conname, conrelid::regclass) FROM pg_constraint \
         WHERE confrelid = $1::regclass AND contype = 'f' \
         UNION ALL \
         SELECT c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE i.indrelid = $1::regclass AND i.indisunique AND NOT i.indisprimary",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .context(context())?;
    if !blockers.is_empty() {
        return Err(Refusal::Invalid(format!(
            "{table} 有引用它的外键或主键以外的唯一索引，不能分区：{} / {table} is referenced by a \
             foreign key or has a unique index besides its key, so it cannot be partitioned: {}",
            blockers.join(", "),
            blockers.join(", ")
        ))
        .into());
    }
    let (key_name, key_columns): (String, String) = sqlx::query_as(
        "SELECT c.conname::text, string_agg(quote_ident(a.attname), ', ' ORDER BY k.n) \
         FROM pg_constraint c CROSS JOIN unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) \
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
         WHERE c.conrelid = $1::regclass AND c.contype = 'p' GROUP BY c.conname",
    )
    .bind(table)
    .fetch_one(&mut *conn)
    .await
    .context(context())?;
    // As the catalogue writes them, naming the table as it is called now — the name the
    // partitioned table takes.
    let put_back: Vec<String> = sqlx::query_scalar(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i \
         WHERE i.indrelid = $1::regclass AND NOT i.indisprimary \
         UNION ALL \
         SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, \
                       pg_get_constraintdef(oid)) \
         FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f' \
         UNION ALL \
         SELECT pg_get_triggerdef(oid) FROM pg_trigger \
         WHERE tgrelid = $1::regclass AND NOT tgisinternal",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .context(context())?;
    let leaves_county: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid \
         WHERE t.tgrelid = $1::regclass AND p.proname = 'households_leave_county')",
    )
    .bind(table)
    .fetch_one(&mut *conn)
    .await
    .context(context())?;
    Ok(Carried {
        key_name,
        key_columns,
        put_back,
        leaves_county,
    })
}

/// The key a local partition of a sharded table carries itself: the file's key and the county,
/// as the parent's was.
pub(crate) fn partition_key(table: &str, part: &str) -> String {
    let key: Vec<&str> = find_file(table)
        .map(|f| f.key.iter().map(|&k| f.columns[k].en).collect())
        .unwrap_or_default();
    format!(
        "ALTER TABLE {part} ADD PRIMARY KEY ({}, county_code)",
        key.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use xplus_core::interchange::CountyFrom;

    /// Every table split by province is a file the writers know, with a county of its own to
    /// split on.
    #[test]
    fn every_table_split_by_province_is_a_file_with_a_county() {
        for table in BY_PROVINCE {
            let file = find_file(table).unwrap_or_else(|| panic!("{table} is no file"));
            assert!(
                !matches!(file.county, CountyFrom::None),
                "{table} has no county_code"
            );
        }
    }
}
