//! The long lists are paged on the server (issue 19): a page of 50 with the total, page 2 not
//! page 1, page numbers out of range answered with the first or the last page and text with a
//! message (never a 500), htmx given only the list, and the visits' default year the latest
//! with visits.

mod common;

use common::App;

/// The rows of a page's table body (`<tr>` inside `<tbody>`).
fn body_rows(html: &str) -> usize {
    html.split("<tbody>")
        .nth(1)
        .and_then(|b| b.split("</tbody>").next())
        .map_or(0, |b| b.matches("<tr").count())
}

/// The total the pager shows.
fn total(html: &str) -> String {
    html.split("class=\"pager-total\">")
        .nth(1)
        .and_then(|t| t.split('<').next())
        .unwrap_or("")
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn visits_and_units_are_paged_by_the_server() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let post = |path: &str, body: serde_json::Value| {
        app.http
            .post(format!("{}{path}", app.base))
            .header("cookie", &admin.cookie)
            .header("x-csrf-token", &admin.csrf)
            .json(&body)
            .send()
    };
    // 120 cadres with one visit each in 2016 and C100 with a second: 121 visits, 120 rows.
    let cadres: Vec<_> = (100..220)
        .map(|i| serde_json::json!({"cadre_id": format!("C{i}"), "name": format!("干部{i}"), "unit_id": "U1", "role": "helper"}))
        .collect();
    let r = post(
        "/api/v1/records/cadres",
        serde_json::json!({ "rows": cadres }),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
    let mut visits: Vec<_> = (100..220)
        .map(|i| serde_json::json!({"cadre_id": format!("C{i}"), "household_id": "H001", "date": "2016-03-05", "activity": "走访"}))
        .collect();
    visits.push(serde_json::json!({"cadre_id": "C100", "household_id": "H001", "date": "2016-12-31", "activity": "走访"}));
    let r = post(
        "/api/v1/records/visits",
        serde_json::json!({ "rows": visits }),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());

    // No year asked: the latest year with visits, not this year.
    let first = app.page_text(&admin, "/visits").await;
    assert!(
        first.contains("<span class=\"muted\">2016</span>"),
        "{first}"
    );
    assert_eq!(total(&first), "120");
    assert_eq!(body_rows(&first), 50);
    assert!(
        first.contains("<th id=\"visits-total\">121</th>"),
        "{first}"
    );
    // The busiest first, then by id; the months counted by the database.
    let c100 = first.split_once("C100").unwrap().1;
    assert!(c100.contains("<td class=\"total\">2</td>"), "{first}");
    assert!(first.contains("C149") && !first.contains("C150"), "{first}");
    let second = app.page_text(&admin, "/visits?year=2016&page=2").await;
    assert_eq!(body_rows(&second), 50);
    assert!(
        second.contains("C150") && !second.contains("C149"),
        "{second}"
    );
    assert_ne!(first, second);
    // Past the end (however far): the last page; zero or negative: the first.
    for asked in ["3", "4", "99999999999999999999999999999"] {
        let last = app
            .page_text(&admin, &format!("/visits?year=2016&page={asked}"))
            .await;
        assert_eq!(body_rows(&last), 20, "page {asked}");
        assert!(last.contains("C219") && last.contains("3 / 3"), "{last}");
    }
    for asked in ["0", "-5", ""] {
        let page = app
            .page_text(&admin, &format!("/visits?year=2016&page={asked}"))
            .await;
        assert!(
            page.contains("1 / 3") && page.contains("C100"),
            "page {asked}"
        );
    }
    for asked in ["x", "1.5", "%27%20OR%201=1"] {
        let r = app
            .get(&admin, &format!("/visits?year=2016&page={asked}"))
            .await;
        assert_eq!(r.status().as_u16(), 400, "page {asked}");
        assert!(r.text().await.unwrap().contains("页码"));
    }
    // htmx asks for the list only.
    let part = app.htmx_text(&admin, "/visits?year=2016&page=2").await;
    assert!(!part.contains("<html") && part.contains("C150"), "{part}");
    assert!(part.contains("hx-target=\"#list\""), "{part}");
    // A town official reaches H001's village: the same counts through the households.
    let town = app.sign_in("tianchangjd").await;
    let theirs = app.page_text(&town, "/visits?year=2016").await;
    assert_eq!(total(&theirs), "120");
    // Another county sees none, and no year with visits: this year, empty.
    let xijian = app.sign_in("xijian").await;
    let none = app.page_text(&xijian, "/visits").await;
    assert_eq!(total(&none), "0");
    assert!(none.contains("该年没有走访记录"), "{none}");

    // 60 units on 甲村: 60 pairings, 50 on the first page, 10 on the second.
    let units: Vec<_> = (100..160)
        .map(|i| serde_json::json!({"unit_id": format!("U{i}"), "name": format!("单位{i}"), "kind": "organ"}))
        .collect();
    let r = post(
        "/api/v1/records/units",
        serde_json::json!({ "rows": units }),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
    // Pairings are saved through the units page, under rules.md §7.
    for i in 100..160 {
        let unit = format!("U{i}");
        let form = [
            ("_csrf", admin.csrf.as_str()),
            ("unit_id", unit.as_str()),
            ("village_code", "341181100201"),
            ("start_date", "2016-01-01"),
        ];
        let r = app.post_form(&admin, "/units", &form).await;
        assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    }
    let first = app.page_text(&admin, "/units").await;
    assert_eq!(total(&first), "60");
    assert_eq!(body_rows(&first), 50);
    // Every one of them shares the village: X+1.
    assert!(first.contains(">X+1<"), "{first}");
    assert!(first.contains(">U100<"), "{first}");
    let second = app.page_text(&admin, "/units?page=2").await;
    assert_eq!(body_rows(&second), 10);
    assert!(
        second.contains(">U159<") && !second.contains(">U100<"),
        "{second}"
    );
    let huge = app
        .page_text(&admin, "/units?page=18446744073709551616")
        .await;
    assert_eq!(body_rows(&huge), 10);
    let r = app.get(&admin, "/units?page=two").await;
    assert_eq!(r.status().as_u16(), 400);
    app.cleanup().await;
}
