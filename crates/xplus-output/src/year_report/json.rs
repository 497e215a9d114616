//! The yearly report as JSON (interchange.md): counts as integers, yuan with two decimals.

use serde_json::json;
use xplus_core::Fen;
use xplus_store::records::YearReport;

/// Yuan with two decimals as a JSON number (fen are exact; the figure is shown, not summed).
fn yuan(f: Fen) -> serde_json::Value {
    serde_json::Number::from_f64(f.0 as f64 / 100.0)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

pub fn year_report_json(r: &YearReport) -> serde_json::Value {
    let (h, p, v, c) = (&r.households, &r.persons, &r.villages, &r.coverage);
    let k = &r.collective;
    let mut out = json!({
        "year": r.year,
        "region": r.region.map(|c| c.to_string()),
        "households": {
            "poor": h.poor,
            "exited_in_year": h.exited_in_year,
            "monitored": h.monitored,
            "returned": h.returned,
        },
        "persons": { "poor": p.poor, "exited_in_year": p.exited_in_year },
        "villages": {
            "poor": v.poor,
            "exited_in_year": v.exited_in_year,
            "remaining": v.remaining,
        },
        "coverage": {
            "poor_at_start": c.poor_at_start,
            "trained_in_year": c.trained_in_year,
            "paired_cadre": c.paired_cadre,
            "paired_unit_village": c.paired_unit_village,
            "holding_shares": c.holding_shares,
            "in_industry": c.in_industry,
            "full_chain": c.full_chain,
            "full_chain_applicable": c.full_chain_applicable,
        },
        "backbone": {
            "poor_villages": r.backbone.poor_villages,
            "covered": r.backbone.covered,
            "cadres_posted": r.backbone.cadres_posted,
        },
        "village_cadres": {
            "in_office": r.village_cadres.in_office,
            "degree": r.village_cadres.degree,
            "poor_villages": r.village_cadres.poor_villages,
            "secretaries_trained": r.village_cadres.secretaries_trained,
            "pool": r.village_cadres.pool,
            "promoted": r.village_cadres.promoted,
        },
        "startups": {
            "startups": r.startups.startups,
            "funding": yuan(r.startups.funding),
            "bases": r.startups.bases,
            "households": r.startups.households,
        },
        "collective": {
            "villages_reported": k.villages_reported,
            "empty_shell_villages": k.empty_shell_villages,
            "villages_over_100k": k.villages_over_100k,
            "strong_income": yuan(k.strong_income),
            "dividends_paid": yuan(k.dividends_paid),
            "dividend_households": k.dividend_households,
            "social_capital": yuan(k.social_capital),
            "projects_with_investors": k.projects_with_investors,
        },
        "industry": {
            "organisations": r.industry.organisations,
            "projects": r.industry.projects,
            "placements": r.industry.placements,
            "placed_persons": r.industry.placed_persons,
            "targets": r.industry.targets,
            "target_persons": r.industry.target_persons,
            "with_worker": r.industry.with_worker,
            "without_worker": r.industry.without_worker,
        },
        "training": {
            "sessions": r.training.sessions,
            "attendance": r.training.attendance,
            "lectures": lectures(&r.training.lectures),
        },
        "rural_income": r.rural_income.iter().map(|i| json!({
            "region_code": i.region.to_string(),
            "name": i.name,
            "per_capita": i.per_capita.map(yuan),
            "previous": i.previous.map(yuan),
            "growth": i.growth.map(|g| g.to_string()),
        })).collect::<Vec<_>>(),
    });
    out["funds"] = funds(r);
    out["case_figures"] = case_figures(r);
    let pb = &r.party_building;
    out["party_building"] = json!({
        "weak_organisations": pb.weak,
        "rectified": pb.rectified,
        "open": pb.open(),
        "villages_checked": pb.checked,
        "villages_meeting": pb.meeting,
        "poor_checked": pb.poor_checked,
        "poor_meeting": pb.poor_meeting,
    });
    // Only a report as of a day says so: the report of a year keeps its shape.
    if let Some(day) = r.as_of {
        out["as_of"] = day.to_string().into();
    }
    corrections(r, &mut out);
    out
}

/// 多元投入 (funds.csv): the year's total, by source, by link and by region (yuan).
fn funds(r: &YearReport) -> serde_json::Value {
    let f = &r.funds;
    json!({
        "total": yuan(f.total.amount),
        "funds": f.total.funds,
        "by_source": f.by_source.iter().map(|(s, t)| json!({
            "source": s.code(),
            "label": s.label_zh(),
            "amount": yuan(t.amount),
            "funds": t.funds,
        })).collect::<Vec<_>>(),
        "by_link": f.by_link.iter().map(|(l, t)| json!({
            "link": l.code(),
            "label": l.label_zh(),
            "amount": yuan(t.amount),
            "funds": t.funds,
        })).collect::<Vec<_>>(),
        "regions": f.regions.iter().map(|g| json!({
            "region_code": g.code.to_string(),
            "name": g.name,
            "own": g.own,
            "amount": yuan(g.total.amount),
            "funds": g.total.funds,
        })).collect::<Vec<_>>(),
    })
}

/// The case report's headline figures: each counted value (yuan for money), and in the case
/// report's year the number it printed and whether the count is that number within its rounding.
fn case_figures(r: &YearReport) -> serde_json::Value {
    let quoted = r.year == xplus_core::case_figures::CASE_YEAR;
    let mut out = serde_json::Map::new();
    for (figure, value) in &r.case.values {
        let d = figure.definition();
        let counted = if d.money {
            yuan(Fen(*value))
        } else {
            (*value).into()
        };
        let mut entry = json!({ "counted": counted });
        if quoted {
            entry["quoted"] = d.quote.zh.into();
            entry["within_rounding"] = d.quote.holds(*value).into();
        }
        out.insert(d.key.to_string(), entry);
    }
    out.into()
}

/// The corrections the report includes, each list only when it has any: of the year's
/// outcomes, of its stored incomes, and its membership changes recorded after it (补录). The
/// figures above are the corrected ones.
fn corrections(r: &YearReport, out: &mut serde_json::Value) {
    // Corrections of the year's outcomes: the figures above are the corrected ones.
    if !r.corrections.is_empty() {
        let standing = |s: &xplus_core::registry::Standing| json!({"status": s.status.code(), "exit_year": s.exit_year});
        out["corrections"] = r
            .corrections
            .iter()
            .map(|n| {
                json!({
                    "household_id": n.household_id,
                    "year": n.year,
                    "seq": n.seq,
                    "recorded": standing(&n.recorded),
                    "corrected": standing(&n.corrected),
                    "reason": n.reason,
                    "corrected_by": n.corrected_by,
                    "corrected_on": n.corrected_on.to_string(),
                })
            })
            .collect::<Vec<_>>()
            .into();
    }
    // Stored incomes of the year changed after it: the income figures are the corrected ones.
    if !r.income_corrections.is_empty() {
        out["income_corrections"] = r
            .income_corrections
            .iter()
            .map(|c| {
                json!({
                    "household_id": c.household_id,
                    "year": c.year,
                    "seq": c.seq,
                    "recorded_net": yuan(c.recorded_net),
                    "net": yuan(c.net),
                    "reason": c.reason,
                    "corrected_by": c.corrected_by,
                    "corrected_on": c.corrected_on.to_string(),
                })
            })
            .collect::<Vec<_>>()
            .into();
    }
    // Membership changes of the year recorded after it (补录): the persons count them.
    if !r.member_corrections.is_empty() {
        out["member_corrections"] = r
            .member_corrections
            .iter()
            .map(|c| {
                json!({
                    "household_id": c.household_id,
                    "seq": c.seq,
                    "change": c.change.code(),
                    "changed_on": c.changed_on.to_string(),
                    "reason": c.reason.code(),
                    "name": c.member.name,
                    "note": c.note,
                    "recorded_by": c.recorded_by,
                    "recorded_on": c.recorded_on.to_string(),
                })
            })
            .collect::<Vec<_>>()
            .into();
    }
}

/// 讲学授课 by lecturer kind (training_sessions.csv `lecturer_kind`): sessions held at the
/// stations within reach and their attendances, with the totals.
fn lectures(l: &xplus_core::education::lectures::Lectures) -> serde_json::Value {
    use xplus_core::education::LecturerKind;
    json!({
        "sessions": l.total_sessions(),
        "person_times": l.total_person_times(),
        "by_lecturer_kind": LecturerKind::ALL.iter().map(|&k| json!({
            "lecturer_kind": k.code(),
            "sessions": l.sessions_of(k),
            "person_times": l.person_times_of(k),
        })).collect::<Vec<_>>(),
    })
}
