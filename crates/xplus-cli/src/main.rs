//! `xplus`: the command line. It parses arguments, shows progress and prints results in plain
//! words; the work itself is done by the library crates.

mod adjust;
mod assess;
mod backup;
mod commands;
mod correct;
mod coverage;
mod crosscheck;
mod dividends;
mod init;
mod output;
mod report;
mod serve;
mod users;
mod what_if;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

// Imports allocate and free millions of small values across threads; glibc's allocator spends
// more time on that than on the work itself.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "xplus",
    version,
    about = "“X+贫困户”全链条精准保障体系 / the X + poor household full-chain system"
)]
struct Cli {
    /// 数据库地址 / database URL: sqlite://FILE or postgres://…
    #[arg(
        long,
        global = true,
        env = "XPLUS_DB",
        default_value = "sqlite://xplus.db"
    )]
    db: String,
    /// 提示语言 / language of messages
    #[arg(long, global = true, env = "XPLUS_LANG", value_enum, default_value_t = output::Lang::Zh)]
    lang: output::Lang,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 创建或升级数据库 / create or migrate the database
    Init {
        /// 把按户保存的大表按省分区（仅 PostgreSQL，可对已有数据的库执行）/ split the large
        /// per-household tables by province (PostgreSQL only; also converts a database in use)
        #[arg(long, value_enum)]
        partition: Option<PartitionArg>,
    },
    /// 把一个省的分区移到另一台 PostgreSQL 服务器（postgres_fdw 分片，须先按省分区）/ move a
    /// province's partitions to another PostgreSQL server (postgres_fdw shards; partition first)
    Shard {
        /// 省级代码的前两位，如 34（安徽）/ the province's two-digit code, e.g. 34 (Anhui)
        #[arg(long)]
        province: u8,
        /// 分片数据库的地址 postgres://用户@主机:端口/数据库 / the shard's database URL
        #[arg(long)]
        server: String,
    },
    /// 导入数据包（CSV 文件夹或 .xlsx），全部成功或全部不写入 / import a bundle, all or nothing
    Import {
        /// 文件夹或 .xlsx 工作簿 / a folder of CSV files or one .xlsx workbook
        bundle: PathBuf,
        /// 把错误和疑点写入此 CSV 文件 / write errors (and warnings) to this CSV file
        #[arg(long)]
        errors: Option<PathBuf>,
        /// 忽略未知的列 / ignore columns the format does not know
        #[arg(long)]
        ignore_unknown_columns: bool,
        /// 文件编码（默认自动识别）/ file encoding (detected by default)
        #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
        encoding: EncodingArg,
    },
    /// 导出全部数据为数据包 / write everything as a bundle
    Export {
        /// 文件夹，或以 .xlsx 结尾的工作簿 / a folder, or a workbook ending in .xlsx
        bundle: PathBuf,
        /// 表头语言 / header language
        #[arg(long, value_enum, default_value_t = Headers::En)]
        headers: Headers,
        /// 只导出此区划内的户 / only households within this region code
        #[arg(long)]
        region: Option<String>,
    },
    /// 生成演示数据 / generate synthetic but realistic demo data
    Demo {
        #[arg(long, value_enum, default_value_t = ScaleArg::City)]
        scale: ScaleArg,
        #[arg(long, default_value_t = 2016)]
        seed: u64,
        /// 写到此文件夹而不导入 / write the bundle here instead of importing it
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// 账号 / accounts
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// 部门数据比对：死亡、财政供养、车辆、市场主体、不动产、医保、救助名单与成员比对 / cross-department checks (departments.md)
    Crosscheck(crosscheck::CrosscheckArgs),
    /// 远教年度培训覆盖情况和未参训户清单 / yearly training coverage and the gap list (rules.md §10)
    Coverage {
        #[arg(long)]
        year: i32,
        /// 工作簿 .xlsx / the workbook to write (.xlsx)
        #[arg(long)]
        out: PathBuf,
        /// 只统计此区划 / only this region code
        #[arg(long)]
        region: Option<String>,
        /// 下次培训从此日起算（默认今天）/ next sessions from this day (default today)
        #[arg(long)]
        from: Option<String>,
    },
    /// 年度报告：脱贫、出列、全链条覆盖、集体经济、产业就业、培训、农村居民收入 / the yearly report of headline figures
    Report {
        /// 年度（按该年年末的状态） / the year (as things stood at its end)
        #[arg(long, required_unless_present_any = ["verify", "as_of"])]
        year: Option<i32>,
        /// 截至某日 YYYY-MM-DD（该日所在年度，按当日已作出的决定） / as of a day (its year, as decided by that day)
        #[arg(long, conflicts_with_all = ["year", "verify"])]
        as_of: Option<chrono::NaiveDate>,
        /// json、xlsx 或 html（可打印，含图表）/ json, xlsx or html (printable, with charts)
        #[arg(long, value_enum, required_unless_present = "verify")]
        format: Option<ReportFormat>,
        #[arg(long, required_unless_present = "verify")]
        out: Option<PathBuf>,
        /// 只统计此区划 / only this region code
        #[arg(long)]
        region: Option<String>,
        /// 从记录重新计算全部汇总并与已存汇总比较；有差异时退出码 1 / recompute every roll-up from the records and compare with the stored ones; exit 1 on a difference
        #[arg(long, conflicts_with_all = ["year", "as_of", "format", "out", "region"])]
        verify: bool,
    },
    /// 集体收益分红：按年末持股以最大余额法分配 / split each project's income among share holders (rules.md §8)
    Dividends {
        #[arg(long)]
        year: i32,
        /// 分红清单 .csv 或 .xlsx / the payments to write (.csv or .xlsx)
        #[arg(long)]
        out: PathBuf,
        /// 记录本次分红发放 / record the payments
        #[arg(long)]
        apply: bool,
    },
    /// 年度评估：贫困户退出、贫困村出列、返贫监测 / the yearly assessment (rules.md §3–5)
    Assess {
        #[arg(long)]
        year: i32,
        /// 写入 households.csv 和 villages.csv 的文件夹 / folder to write households.csv and villages.csv to
        #[arg(long)]
        out: PathBuf,
        /// 记录脱贫、出列、返贫、监测和股权调整 / record the exits, returns, monitoring and the equity adjustment
        #[arg(long)]
        apply: bool,
        /// 决定人，记入审计日志（默认操作系统用户） / who decided, for the audit log (default: the operating-system user)
        #[arg(long, requires = "apply")]
        by: Option<String>,
        /// 决定日期 YYYY-MM-DD（默认今天，不得晚于今天） / the day it was decided (default today; not after today)
        #[arg(long, requires = "apply")]
        on: Option<chrono::NaiveDate>,
        /// 假设计算：仅本次改变规则参数（如 poverty_line=3500），不记录任何内容，另写 changes.csv / a what-if: change rule settings for this run only (e.g. poverty_line=3500); nothing is recorded, and changes.csv lists what differs
        #[arg(long = "set", value_name = "NAME=VALUE", num_args = 1..)]
        set: Vec<String>,
    },
    /// 更正往年已记录的评估结果（留下更正记录） / correct a past year's recorded outcome of a household (kept as a correction)
    Correct {
        /// 户编号 / the household
        #[arg(long)]
        household: String,
        /// 评估年度 / the year whose outcome is corrected
        #[arg(long)]
        year: i32,
        /// 更正后的状态：poor、exited、monitored、returned / the status it should have recorded
        #[arg(long)]
        status: String,
        /// 更正后的脱贫年度（当年脱贫时为该年度） / the exit year it should have recorded
        #[arg(long)]
        exit_year: Option<i32>,
        /// 更正原因（必填） / why (required)
        #[arg(long)]
        reason: String,
        /// 更正人（默认操作系统用户） / who corrects (default: the operating-system user)
        #[arg(long)]
        by: Option<String>,
    },
    /// 规则参数（按地区、年度设置） / the rules' numbers, set per region and year
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// 股权动态调整：脱贫收回、返贫和贫困户配股 / the equity adjustment of a year (rules.md §8)
    Adjust {
        #[arg(long)]
        year: i32,
        /// 配股收回记录 .csv（share_events 格式）/ the share events to write (share_events.csv format)
        #[arg(long)]
        out: PathBuf,
        /// 记录本次调整 / record the events
        #[arg(long)]
        apply: bool,
    },
    /// 启动网页应用和接口 / start the web application and its API
    Serve {
        /// 监听地址 / address to listen on
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// 数据库为空时载入演示数据并建立管理员账号 / on an empty database, load demo data and create an administrator
        #[arg(long)]
        demo: bool,
        /// 演示数据规模 / the demo's scale
        #[arg(long, value_enum, default_value_t = ScaleArg::City)]
        demo_scale: ScaleArg,
        /// 只读副本（流复制备库）地址：页面、列表、看板和导出从此读取，写入仍到 --db / a streaming replica that pages, lists, dashboards and exports read from; writes go to --db
        #[arg(long, value_name = "URL")]
        read_db: Option<String>,
    },
    /// 备份整个数据库（服务运行时也可进行）/ copy the whole database, consistently, while the server runs
    Backup {
        /// 备份文件 / the backup file to write
        file: PathBuf,
    },
    /// 从备份恢复到空数据库（SQLite 或 PostgreSQL）/ restore a backup into an empty database (SQLite or PostgreSQL)
    Restore {
        /// 备份文件 / the backup file to read
        file: PathBuf,
    },
    /// 审计日志 / the audit log
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
pub(crate) enum UserCommand {
    /// 新建账号；密码从标准输入读取，或生成后只显示一次（本人首次登录后须修改） / add an account; the password is read from standard input, or generated and printed once (then changed at the first sign-in)
    Add {
        /// 用户名 / user name
        name: String,
        /// 角色 / role: admin, official, secretary, helper, auditor
        #[arg(long)]
        role: String,
        /// 区划代码（区划干部、村书记）/ region code (official, secretary)
        #[arg(long)]
        region: Option<String>,
        /// 干部编号（帮扶干部）/ cadre id (helper)
        #[arg(long)]
        cadre: Option<String>,
    },
    /// 列出账号 / list the accounts
    List,
    /// 停用账号：其登录和接口令牌立即失效 / disable an account: its sessions and API tokens stop at once
    Disable {
        /// 用户名 / user name
        name: String,
    },
    /// 重新启用账号 / enable an account again
    Enable {
        /// 用户名 / user name
        name: String,
    },
    /// 重置密码（从标准输入读取，或生成后只显示一次）；本人下次登录后须修改 / reset the password (read from standard input, or generated and printed once); the user must change it at the next sign-in
    Password {
        /// 用户名 / user name
        name: String,
    },
    /// 为账号生成接口令牌（只显示这一次） / make an API token for an account (shown once)
    Token {
        /// 用户名 / user name
        name: String,
        /// 用途说明 / what the token is for
        #[arg(long, default_value = "api")]
        label: String,
        /// 有效天数（1–3650） / days the token lasts (1–3650)
        #[arg(long, default_value_t = xplus_core::accounts::DEFAULT_TOKEN_DAYS)]
        expires: u32,
    },
    /// 吊销账号的接口令牌（全部，或 --token 指定用途的） / revoke an account's API tokens (all, or those with the --token label)
    Revoke {
        /// 用户名 / user name
        name: String,
        /// 只吊销此用途说明的令牌 / only the tokens with this label
        #[arg(long)]
        token: Option<String>,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// 列出已设置的参数和默认值 / list the settings and the defaults
    List,
    /// 设置村书记述职评议考核的指标和权重（整组替换） / set the secretaries' review criteria and weights (the whole set)
    ReviewCriteria {
        /// 指标：代码:权重:名称，如 leadership:30:领导核心作用 / criteria as code:weight:name
        #[arg(required = true)]
        criteria: Vec<String>,
        /// 省、市或县的区划代码（默认全部地区） / a province, city or county code (default: everywhere)
        #[arg(long)]
        region: Option<String>,
        /// 适用年度（默认每年） / the year it applies to (default: every year)
        #[arg(long)]
        year: Option<i32>,
        /// 依据（文件、文号） / the source: document and number
        #[arg(long)]
        source: String,
    },
    /// 设置一个参数（记入审计日志） / set a parameter (recorded in the audit log)
    Set {
        /// poverty_line, monitoring_line_percent, village_incidence_bp, collective_income_min, collective_strong_income, helper_capacity, loan_value_multiple, loan_max_term_months, notice_days, visit_interval_days
        parameter: String,
        /// 金额以元计 / money in yuan
        value: String,
        /// 省、市或县的区划代码（默认全部地区） / a province, city or county code (default: everywhere)
        #[arg(long)]
        region: Option<String>,
        /// 适用年度（默认每年） / the year it applies to (default: every year)
        #[arg(long)]
        year: Option<i32>,
        /// 依据（文件、文号） / the source: document and number
        #[arg(long)]
        source: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// 校验审计日志的哈希链，指出第一条被改动或删除的记录 / check the hash chain; name the first altered or removed entry
    Verify,
}

#[derive(Clone, Copy, ValueEnum)]
enum EncodingArg {
    Auto,
    Utf8,
    Gb18030,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Headers {
    Zh,
    En,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    Json,
    Xlsx,
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PartitionArg {
    Province,
}

#[derive(Clone, Copy, ValueEnum)]
enum ScaleArg {
    County,
    City,
    Province,
    National,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A server logs each request (with its id) by default; a command only what went wrong.
    // sqlx reports long statements as warnings; a whole-table export is meant to be long.
    let default_filter = match cli.command {
        Command::Serve { .. } => "info,sqlx=warn,sqlx::query=error",
        _ => "warn,sqlx::query=error",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("XPLUS_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter)),
        )
        .with_writer(std::io::stderr)
        .init();
    let out = output::Output::new(cli.lang);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            out.failure(&[
                "无法启动运行时 / cannot start the runtime".to_string(),
                e.to_string(),
            ]);
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(commands::run(cli.command, &cli.db, &out));
    match result {
        Ok(code) => code,
        Err(failure) => {
            out.failure(&failure.parts);
            ExitCode::from(failure.code)
        }
    }
}
