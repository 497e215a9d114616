//! The command-line contract of interchange.md, run against the real binary: exit codes
//! 0 / 2 / 1, plain-words messages in Chinese (or English with --lang en), and the demo →
//! import → export → import round trip.

mod common;

use common::*;
use std::process::Command;

#[test]
fn demo_import_export_import_gives_identical_exports() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("demo");
    let o = xplus(
        "sqlite::memory:",
        &[
            "demo",
            "--scale",
            "county",
            "--seed",
            "7",
            "--out",
            bundle.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("已生成演示数据"), "{}", text(&o));

    let db1 = sqlite(tmp.path(), "one.db");
    let o = xplus(&db1, &["init"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = xplus(&db1, &["import", bundle.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("已导入"), "{}", text(&o));
    let out1 = tmp.path().join("out1");
    let o = xplus(&db1, &["export", out1.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));

    let db2 = sqlite(tmp.path(), "two.db");
    let o = xplus(&db2, &["import", out1.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let out2 = tmp.path().join("out2");
    let o = xplus(&db2, &["export", out2.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(files(&out1), files(&out2));

    // The same data as GB18030 with Chinese headers, and as one workbook, import to the same.
    let zh = tmp.path().join("zh");
    assert!(
        xplus(&db1, &["export", zh.to_str().unwrap(), "--headers", "zh"])
            .status
            .success()
    );
    let gbk = tmp.path().join("gbk");
    std::fs::create_dir_all(&gbk).unwrap();
    for (name, bytes) in files(&zh) {
        let (encoded, _, bad) = encoding_rs::GB18030.encode(std::str::from_utf8(&bytes).unwrap());
        assert!(!bad);
        std::fs::write(gbk.join(name), encoded).unwrap();
    }
    let book = tmp.path().join("bundle.xlsx");
    assert!(
        xplus(&db1, &["export", book.to_str().unwrap(), "--headers", "zh"])
            .status
            .success()
    );
    for (name, source) in [("gbk.db", &gbk), ("xlsx.db", &book)] {
        let db = sqlite(tmp.path(), name);
        let o = xplus(&db, &["import", source.to_str().unwrap()]);
        assert!(o.status.success(), "{name}: {}", text(&o));
        let out = tmp.path().join(format!("{name}.out"));
        assert!(xplus(&db, &["export", out.to_str().unwrap()])
            .status
            .success());
        assert_eq!(files(&out), files(&out1), "{name}");
    }
}

#[test]
fn bad_input_exits_2_and_writes_the_errors_file() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("bad");
    std::fs::create_dir_all(&bundle).unwrap();
    std::fs::write(
        bundle.join("regions.csv"),
        "code,name,level,parent_code\n340000000000,安徽省,province,\n341100000000,滁州市,county,340000000000\n",
    )
    .unwrap();
    let db = sqlite(tmp.path(), "x.db");
    let errors = tmp.path().join("errors.csv");
    let o = xplus(
        &db,
        &[
            "import",
            bundle.to_str().unwrap(),
            "--errors",
            errors.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("regions.csv 第3行 level"), "{}", text(&o));
    assert!(text(&o).contains("数据库未作任何改动"), "{}", text(&o));
    let csv = std::fs::read_to_string(&errors).unwrap();
    assert!(csv.starts_with("file,row,column,value,reason\n"), "{csv}");
    assert!(csv.contains("regions.csv,3,level,county,"), "{csv}");

    // In English on request.
    let o = Command::new(env!("CARGO_BIN_EXE_xplus"))
        .args([
            "--db",
            &db,
            "--lang",
            "en",
            "import",
            bundle.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("regions.csv row 3 level"), "{}", text(&o));
    assert!(text(&o).contains("nothing imported"), "{}", text(&o));

    // A bundle that is not there is bad input too.
    let o = xplus(
        &db,
        &["import", tmp.path().join("missing").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn other_failures_exit_1_and_bad_urls_exit_2() {
    let o = xplus("postgres://nobody@127.0.0.1:1/none", &["init"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).starts_with("错误"), "{}", text(&o));
    let o = xplus("mysql://x", &["init"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn audit_verify_names_a_tampered_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = county_bundle(tmp.path());
    let db = sqlite(tmp.path(), "a.db");
    assert!(xplus(&db, &["import", bundle.to_str().unwrap()])
        .status
        .success());
    assert!(xplus(&db, &["import", bundle.to_str().unwrap()])
        .status
        .success());
    let o = xplus(&db, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("审计日志完整：2 条记录"), "{}", text(&o));

    // Someone with the file removes the trigger and rewrites the first import's actor.
    let conn = rusqlite::Connection::open(tmp.path().join("a.db")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'cli:nobody' WHERE seq = 1;",
    )
    .unwrap();
    drop(conn);
    let o = xplus(&db, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("第1条审计记录被改动"), "{}", text(&o));
}

#[test]
fn user_add_checks_role_and_scope_and_is_audited() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = county_bundle(tmp.path());
    let db = sqlite(tmp.path(), "u.db");
    assert!(xplus(&db, &["import", bundle.to_str().unwrap()])
        .status
        .success());

    // No password on standard input: one is generated and shown once.
    let o = xplus_with_input(&db, &["user", "add", "管理员", "--role", "admin"], "");
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("初始密码（只显示这一次）："),
        "{}",
        text(&o)
    );
    // A password piped in; an official of Tianchang.
    let o = xplus_with_input(
        &db,
        &[
            "user",
            "add",
            "天长干部",
            "--role",
            "official",
            "--region",
            "341181",
        ],
        "a-long-password\n",
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("初始密码"), "{}", text(&o));

    for (args, input, expected) in [
        (vec!["user", "add", "x", "--role", "boss"], "", "未知的角色"),
        (
            vec![
                "user",
                "add",
                "y",
                "--role",
                "secretary",
                "--region",
                "341181",
            ],
            "",
            "村书记账号的区划须是村",
        ),
        (
            vec!["user", "add", "z", "--role", "official"],
            "",
            "须指定 --region",
        ),
        (
            vec!["user", "add", "管理员", "--role", "auditor"],
            "",
            "已存在",
        ),
        (
            vec!["user", "add", "w", "--role", "helper", "--cadre", "NOPE"],
            "",
            "干部 NOPE 不存在",
        ),
        (
            vec!["user", "add", "v", "--role", "admin"],
            "short\n",
            "至少需要10个字符",
        ),
    ] {
        let o = xplus_with_input(&db, &args, input);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(expected), "{args:?}: {}", text(&o));
    }
    // An API token is shown once; an unknown account is bad input.
    let o = xplus(&db, &["user", "token", "天长干部", "--label", "县系统"]);
    assert!(o.status.success(), "{}", text(&o));
    let token = text(&o).rsplit('：').next().unwrap().trim().to_string();
    assert_eq!(token.len(), 64, "{}", text(&o));
    let o = xplus(&db, &["user", "token", "nobody"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // Import + two accounts + one token = four entries, and the chain holds.
    let o = xplus(&db, &["audit", "verify"]);
    assert!(text(&o).contains("审计日志完整：4 条记录"), "{}", text(&o));
}

#[test]
fn serve_listens_and_answers() {
    use std::io::{BufRead, BufReader, Read, Write};
    let tmp = tempfile::tempdir().unwrap();
    let db = sqlite(tmp.path(), "s.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_xplus"))
        .args(["--db", &db, "serve", "--addr", "127.0.0.1:0"])
        .env_remove("XPLUS_LANG")
        .env_remove("XPLUS_LOG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "GET /login HTTP/1.1\r\nHost: {addr}\r\nX-Request-Id: probe-4711\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("登录"), "{response}");
    // The request's id comes back, and its log line carries it.
    assert!(response.contains("x-request-id: probe-4711"), "{response}");
    // A service manager's stop: the server finishes and exits 0.
    let stopped = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut log = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(status.success(), "{status:?}\n{log}");
    assert!(log.contains("probe-4711"), "{log}");
    assert!(log.contains("stopped"), "{log}");
}

#[test]
fn a_bundle_ending_the_only_helper_of_a_poor_household_exits_2_naming_the_row() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = county_bundle(tmp.path());
    let db = sqlite(tmp.path(), "x.db");
    let o = xplus(&db, &["import", bundle.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // A poor household with exactly one pairing, still open.
    let households = std::fs::read_to_string(bundle.join("households.csv")).unwrap();
    let poor: std::collections::HashSet<&str> = households
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(3) == Some("poor"))
        .filter_map(|l| l.split(',').next())
        .collect();
    let pairings = std::fs::read_to_string(bundle.join("cadre_household_pairings.csv")).unwrap();
    let mut count: std::collections::HashMap<&str, usize> = Default::default();
    for l in pairings.lines().skip(1) {
        *count.entry(l.split(',').nth(1).unwrap()).or_default() += 1;
    }
    let only = pairings
        .lines()
        .skip(1)
        .find(|l| {
            let f: Vec<&str> = l.split(',').collect();
            poor.contains(f[1]) && count[f[1]] == 1 && f[3].is_empty()
        })
        .expect("the demo has poor households with one helper");
    let f: Vec<&str> = only.split(',').collect();
    let change = tmp.path().join("change");
    std::fs::create_dir_all(&change).unwrap();
    std::fs::write(
        change.join("cadre_household_pairings.csv"),
        format!(
            "cadre_id,household_id,start_date,end_date\n{},{},{},2016-11-30\n",
            f[0], f[1], f[2]
        ),
    )
    .unwrap();
    let o = xplus(&db, &["import", change.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("cadre_household_pairings.csv 第2行 end_date"),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("结对帮扶规定"), "{}", text(&o));

    // The coverage workbook of the same registry.
    let out = tmp.path().join("coverage.xlsx");
    let o = xplus(
        &db,
        &[
            "coverage",
            "--year",
            "2016",
            "--out",
            out.to_str().unwrap(),
            "--from",
            "2016-01-01",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("未参训"), "{}", text(&o));
    assert!(std::fs::metadata(&out).unwrap().len() > 1000);
    // It says what the coverage was measured against: the default 100% in force everywhere.
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let target = book.worksheet_range("目标").unwrap();
    let row: Vec<String> = target
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        (row[0].as_str(), row[1].as_str(), row[2].as_str()),
        ("远教培训覆盖率", "100.00%", "默认值")
    );
    let o = xplus(
        &db,
        &["coverage", "--year", "20x6", "--out", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}
