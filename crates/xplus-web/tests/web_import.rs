//! The bundle upload as one zip archive, checked and imported in the background with its
//! progress on the page; hostile archives refused with the entry named; every finding
//! downloadable as CSV and as a workbook.

mod common;

use common::{App, Session};
use std::io::Write;

const HEADER: &str = "household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe\n";

/// A zip archive of `(name, bytes)` entries, deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A multipart body of one file, as the upload form sends it.
fn multipart(csrf: &str, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "xplus-zip-boundary-51c0";
    let mut body = Vec::new();
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &App, s: &Session, name: &str, bytes: &[u8]) -> reqwest::Response {
    let (kind, body) = multipart(&s.csrf, name, bytes);
    app.http
        .post(format!("{}/imports", app.base))
        .header("cookie", &s.cookie)
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The upload's token, from the page it redirects to.
fn token_of(response: &reqwest::Response) -> String {
    let location = response.headers()["location"].to_str().unwrap();
    location.trim_start_matches("/imports/").to_string()
}

fn members_csv() -> String {
    format!(
        "household_id,id_number,name,relation,health,labour,schooling\nH003,{},陈红,head,healthy,ordinary,none\n",
        common::id(341181, "1985-04-12", 81)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_zip_of_a_bundle_in_a_folder_is_checked_then_imported_once() {
    let app = App::start().await;
    let s = app.sign_in("admin").await;
    let households = format!("{HEADER}H003,341181100201,2016,poor,,illness,1,1,1,1\n");
    let members = members_csv();
    let mut archive = zip_of(&[
        // Renamed below to 贫困户.csv in GBK, unmarked, as Chinese Windows writes it.
        ("数据包/abcdef.csv", households.as_bytes()),
        ("数据包/members.csv", members.as_bytes()),
        // What macOS and Finder add: skipped, not reported as unknown files.
        ("__MACOSX/数据包/._households.csv", b"\x00\x05\x16\x07"),
        ("数据包/.DS_Store", b"\x00\x00\x00\x01Bud1"),
    ]);
    let gbk = [198, 182, 192, 167, 187, 167, b'.', b'c', b's', b'v'];
    let mut at = 0;
    while let Some(i) = archive[at..].windows(10).position(|w| w == b"abcdef.csv") {
        archive[at + i..at + i + 10].copy_from_slice(&gbk);
        at += i + 10;
    }
    let response = upload(&app, &s, "滁州.zip", &archive).await;
    assert_eq!(response.status().as_u16(), 303);
    let token = token_of(&response);
    let page = app.finished_upload(&s, response).await;
    assert!(
        page.contains("检查通过") && page.contains("/confirm") && !page.contains("有错误"),
        "{page}"
    );
    assert!(page.contains("<td>贫困户.csv</td><td>1</td>"), "{page}");
    assert_eq!(app.get(&s, "/households/H003").await.status().as_u16(), 404);
    // The page is found again by its token (a reload), by its uploader only.
    assert_eq!(
        app.get(&s, &format!("/imports/{token}"))
            .await
            .status()
            .as_u16(),
        200
    );
    let official = app.sign_in("tianchang").await;
    assert_eq!(
        app.get(&official, &format!("/imports/{token}"))
            .await
            .status()
            .as_u16(),
        403
    );
    let confirm = format!("/imports/{token}/confirm");
    let form = [("_csrf", s.csrf.as_str())];
    let done = app.post_form(&s, &confirm, &form).await;
    assert_eq!(done.status().as_u16(), 303);
    // Pressed again while it runs or after: refused, nothing imported twice.
    let again = app.post_form(&s, &confirm, &form).await;
    assert_eq!(again.status().as_u16(), 409);
    let page = app.finished_upload(&s, done).await;
    assert!(page.contains("已导入"), "{page}");
    assert_eq!(app.get(&s, "/households/H003").await.status().as_u16(), 200);
    let again = app.post_form(&s, &confirm, &form).await;
    assert_eq!(again.status().as_u16(), 409);
    app.cleanup().await;
}

/// Sets the inflated size every central-directory entry of `archive` declares.
fn declare_size(archive: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 46 <= archive.len() {
        if archive[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
            archive[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            i += 46;
        } else {
            i += 1;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_archives_are_refused_naming_the_entry() {
    let app = App::start().await;
    let s = app.sign_in("admin").await;
    let households = format!("{HEADER}H003,341181100201,2016,poor,,illness,1,1,1,1\n");
    let rows = households.as_bytes();
    let inner = zip_of(&[("households.csv", rows)]);
    // Two entries that declare nearly 4 GiB each: refused before anything is inflated.
    let mut bomb = zip_of(&[("a/households.csv", rows), ("a/members.csv", rows)]);
    declare_size(&mut bomb, 0xFFFF_FFF0);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "traversal.zip",
            zip_of(&[("../../etc/households.csv", rows)]),
            "压缩包中的 ../../etc/households.csv 路径不安全",
        ),
        (
            "nested.zip",
            zip_of(&[("数据包/里面.zip", &inner)]),
            "压缩包中的 数据包/里面.zip 本身也是压缩包",
        ),
        ("bomb.zip", bomb, "解压后过大"),
        (
            "twice.zip",
            zip_of(&[("2016/households.csv", rows), ("2017/households.csv", rows)]),
            "2016/households.csv 和 2017/households.csv 是同名文件",
        ),
        (
            "mixed.zip",
            zip_of(&[("households.csv", rows), ("城市.xlsx", b"PK")]),
            "应只含一个 .xlsx 工作簿",
        ),
        (
            "empty.zip",
            zip_of(&[("__MACOSX/._a", b"x")]),
            "里面没有文件",
        ),
        (
            "fake.zip",
            b"households.csv is not an archive".to_vec(),
            "不是有效的 zip 压缩包",
        ),
    ];
    for (name, bytes, expected) in cases {
        let response = upload(&app, &s, name, &bytes).await;
        let page = app.finished_upload(&s, response).await;
        assert!(page.contains(expected), "{name}: {page}");
        // Nothing checked, no confirmation offered, no server folder shown, Chinese only.
        assert!(
            !page.contains("/confirm") && !page.contains("/tmp") && !page.contains("archive"),
            "{name}: {page}"
        );
    }
    // An archive inside the upload named as such is refused too.
    assert_eq!(app.get(&s, "/households/H003").await.status().as_u16(), 404);
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_error_can_be_downloaded_as_csv_and_as_a_workbook() {
    let app = App::start().await;
    let s = app.sign_in("admin").await;
    let mut households = String::from(HEADER);
    for i in 0..1_200 {
        households.push_str(&format!(
            "X{i:05},341181100201,2030,poor,,illness,1,1,1,1\n"
        ));
    }
    let archive = zip_of(&[("households.csv", households.as_bytes())]);
    let response = upload(&app, &s, "bad.zip", &archive).await;
    let token = token_of(&response);
    let page = app.finished_upload(&s, response).await;
    // Two errors a row (the year still to come, and one across files), counted on the page.
    let start =
        page.find("有错误，未写入任何数据（").expect("errors") + "有错误，未写入任何数据（".len();
    let total: usize = page[start..start + page[start..].find('）').unwrap()]
        .parse()
        .unwrap();
    assert_eq!(total, 2_400, "{page}");
    // The page lists the first findings and says how many more the download holds.
    assert!(page.contains("另有 2200 条错误见下载文件"), "{page}");
    let csv = app.get(&s, &format!("/imports/{token}/errors.csv")).await;
    assert_eq!(csv.status().as_u16(), 200);
    assert!(csv.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("errors.csv"));
    let bytes = csv.bytes().await.unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "a byte-order mark for Excel"
    );
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("文件,行,列,值,问题"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), total, "{text}");
    assert!(
        rows[0].starts_with("households.csv,2,identified_year,2030,") && !rows[0].contains(" / "),
        "{}",
        rows[0]
    );
    assert!(
        rows[1_199].starts_with("households.csv,1201,"),
        "{}",
        rows[1_199]
    );
    let xlsx = app.get(&s, &format!("/imports/{token}/errors.xlsx")).await;
    assert_eq!(xlsx.status().as_u16(), 200);
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut book, "错误").unwrap();
    assert_eq!(sheet.height(), total + 1);
    assert_eq!(sheet.get((0, 4)).unwrap().to_string(), "问题");
    assert_eq!(sheet.get((1, 0)).unwrap().to_string(), "households.csv");
    // Someone else's upload, or a file that is not offered, is not found.
    for path in [
        format!("/imports/{token}/passwords.csv"),
        format!("/imports/{token}/../errors.csv"),
        "/imports/nosuchtoken/errors.csv".to_string(),
    ] {
        let status = app.get(&s, &path).await.status().as_u16();
        assert_eq!(status, 404, "{path}");
    }
    let official = app.sign_in("tianchang").await;
    let status = app
        .get(&official, &format!("/imports/{token}/errors.csv"))
        .await
        .status()
        .as_u16();
    assert_eq!(status, 404);
    app.cleanup().await;
}
