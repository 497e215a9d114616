//! `xplus init`: creates or migrates the database, and on PostgreSQL splits its large tables by
//! province when asked, and moves a province to another server (`xplus shard`; docs/cli.md).

use crate::commands::{open, Failure};
use crate::output::Output;
use crate::PartitionArg;
use std::process::ExitCode;

/// `xplus init`: opens the database, creating and migrating its tables; with `--partition
/// province` it then splits the large tables by province (docs/cli.md).
pub(crate) async fn init(
    db: &str,
    partition: Option<PartitionArg>,
    out: &Output,
) -> Result<ExitCode, Failure> {
    let store = open(db).await?;
    if partition == Some(PartitionArg::Province) {
        for t in store.partition_by_province().await? {
            say_partitioned(out, &t);
        }
    }
    out.say(
        &format!("数据库已就绪：{db}"),
        &format!("database ready: {db}"),
    );
    Ok(ExitCode::SUCCESS)
}

/// One table's line of `xplus init --partition province`.
fn say_partitioned(out: &Output, t: &xplus_store::PartitionedTable) {
    let provinces: Vec<String> = t.provinces_added.iter().map(u8::to_string).collect();
    let state = match (t.converted, provinces.is_empty()) {
        (true, _) => ("已按省分区", "partitioned by province"),
        (false, false) => ("原已分区，新增省份", "already partitioned, provinces added"),
        (false, true) => (
            "原已分区，没有新的省份",
            "already partitioned, no new province",
        ),
    };
    let (zh_added, en_added) = if provinces.is_empty() {
        (String::new(), String::new())
    } else {
        (
            format!("，省级代码 {}", provinces.join("、")),
            format!(" (provinces {})", provinces.join(", ")),
        )
    };
    out.say(
        &format!("{}：{}{zh_added}，移入 {} 行", t.zh, state.0, t.rows_moved),
        &format!(
            "{}: {}{en_added}, {} rows moved",
            t.table, state.1, t.rows_moved
        ),
    );
}

/// `xplus shard --province P --server URL`: moves province P's partitions to the database at
/// URL and reads them from there (docs/cli.md).
pub(crate) async fn shard(
    db: &str,
    province: u8,
    server: &str,
    out: &Output,
) -> Result<ExitCode, Failure> {
    let store = open(db).await?;
    for t in store.shard_province(province, server).await? {
        if t.already {
            out.say(
                &format!("{}：第 {province} 省原已在分片服务器上", t.zh),
                &format!("{}: province {province} already on the shard", t.table),
            );
        } else {
            out.say(
                &format!(
                    "{}：第 {province} 省已移到分片服务器，{} 行",
                    t.zh, t.rows_moved
                ),
                &format!(
                    "{}: province {province} moved to the shard, {} rows",
                    t.table, t.rows_moved
                ),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
