//! Attachments of the exit procedure (book of record): a PNG of the 公示 board is kept with the
//! village's batch, listed, and sent back byte for byte as a file to save; a file that is not a
//! PDF, JPEG or PNG by its content, one over 5 MB, and accounts that may not add one are refused
//! with nothing written; a backup carries the content into a restored database.

mod common;

use common::App;
use xplus_core::accounts::{Access, Role};
use xplus_core::registry::RegionCode;
use xplus_store::records::{self, ExitAct};

fn body(csrf: &str, step: &str, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "xplus-attachment-boundary-51d0";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"step\"\r\n\r\n{step}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &App, s: &common::Session, name: &str, bytes: &[u8]) -> reqwest::Response {
    let (kind, body) = body(&s.csrf, "notice", name, bytes);
    app.http
        .post(format!("{}/exits/341181100201/2016/attachments", app.base))
        .header("cookie", &s.cookie)
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_notice_photo_is_kept_listed_sent_back_and_backed_up() {
    let app = App::start().await;
    let village = RegionCode::parse("341181100201").unwrap();
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let today = chrono::Local::now().date_naive();
    let propose = ExitAct::Propose {
        date: "2016-10-08".parse().unwrap(),
        households: None,
    };
    records::take_exit_step(app.store.as_ref(), &admin, village, 2016, propose, today)
        .await
        .unwrap();
    let secretary = app.sign_in("jiacun").await;
    let page = app.page_text(&secretary, "/exits/341181100201/2016").await;
    assert!(page.contains("attach-form"), "{page}");

    // A real PNG signature with a body; its name in Chinese.
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    png.extend((0..3000u32).map(|i| (i % 251) as u8));
    let done = upload(&app, &secretary, "甲村公示照片.png", &png).await;
    assert_eq!(done.status(), 303);
    let page = app
        .page_text(&secretary, "/exits/341181100201/2016?attached=1")
        .await;
    assert!(page.contains("甲村公示照片.png"), "{page}");
    let sent = app
        .get(&secretary, "/exits/341181100201/2016/attachments/1")
        .await;
    assert_eq!(sent.status(), 200);
    assert_eq!(sent.headers()["content-type"], "image/png");
    let disposition = sent.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(sent.bytes().await.unwrap().to_vec(), png);

    // Refused, nothing written: a script named .png; over 5 MB; an auditor; another county.
    let fake = upload(&app, &secretary, "公示.png", b"<script>alert(1)</script>").await;
    assert_eq!(fake.status(), 422);
    assert!(fake.text().await.unwrap().contains("PDF、JPEG 或 PNG"));
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(5 * 1024 * 1024 + 10, b'x');
    assert_eq!(
        upload(&app, &secretary, "big.pdf", &big).await.status(),
        422
    );
    let auditor = app.sign_in("auditor").await;
    assert_eq!(upload(&app, &auditor, "a.png", &png).await.status(), 403);
    let xijian = app.sign_in("xijian").await;
    assert_eq!(upload(&app, &xijian, "a.png", &png).await.status(), 404);
    assert_eq!(
        app.get(&xijian, "/exits/341181100201/2016/attachments/1")
            .await
            .status(),
        404
    );
    let kept = records::exit_attachments(app.store.as_ref(), &admin, village, 2016)
        .await
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].uploaded_by, "jiacun");

    // A backup carries the content: restored into an empty SQLite, the same bytes come back.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.xbk");
    xplus_store::backup::backup(app.store.as_ref(), &file)
        .await
        .unwrap();
    let copy = xplus_store::open(&format!("sqlite://{}", dir.path().join("r.db").display()))
        .await
        .unwrap();
    copy.migrate().await.unwrap();
    xplus_store::backup::restore(copy.as_ref(), &file)
        .await
        .unwrap();
    let (meta, bytes) = records::exit_attachment(copy.as_ref(), &admin, village, 2016, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(meta.file_name, "甲村公示照片.png");
    assert_eq!(bytes, Some(png));
    app.cleanup().await;
}
