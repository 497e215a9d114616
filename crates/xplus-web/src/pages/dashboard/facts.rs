//! The dashboard's headline figures of a region and year, each a link to the list behind it.

use super::{fmt_incidence, fmt_percent, q, Fact};
use crate::i18n::Lang;
use xplus_core::rollup::{incidence_per_10k, Measure};
use xplus_store::records::Dashboard;

pub(super) fn facts(l: Lang, d: &Dashboard, region: &str, year: i32) -> Vec<Fact> {
    let f = &d.region;
    let r = q(region);
    let list = |extra: &str| format!("/households?region={r}{extra}");
    let (poor_villages, remaining) = f.poor_villages(year);
    let exited_villages = f.get(Measure::ExitedVillages, year, "");
    let population = f.get(Measure::Population, 0, "");
    // As the households stood at the end of the year: recording a later year does not move it.
    let at = f.at_end(year);
    let poor_persons = at.poor_persons;
    // The lists behind the figures: as at the end of the year, unless today's answer it.
    let at_end = |extra: &str| {
        if at.as_recorded_now {
            list(extra)
        } else {
            list(&format!("{extra}&at_end={year}"))
        }
    };
    let end = |zh: &'static str, en: &'static str| format!("{year}{}", l.t(zh, en));
    let chain_poor = f.get(Measure::ChainPoor, year, "");
    let chain = format!("/chain?year={year}&region={r}");
    vec![
        Fact {
            id: "poor-households",
            label: end(
                "年末贫困户（贫困或返贫）",
                " year-end poor households (poor or returned)",
            ),
            value: at.poor.to_string(),
            href: at_end("&poor=1"),
        },
        Fact {
            id: "poor-persons",
            label: end("年末贫困人口", " year-end poor persons"),
            value: poor_persons.to_string(),
            href: at_end("&poor=1"),
        },
        Fact {
            id: "incidence",
            label: end("年末贫困发生率", " year-end incidence"),
            value: incidence_per_10k(poor_persons, population)
                .map(fmt_incidence)
                .unwrap_or_else(|| "—".into()),
            href: at_end("&poor=1"),
        },
        Fact {
            id: "exited-households",
            label: format!("{year}{}", l.t("年脱贫户", " exited households")),
            value: f.get(Measure::ExitedHouseholds, year, "").to_string(),
            href: list(&format!("&exit_year={year}")),
        },
        Fact {
            id: "exited-persons",
            label: format!("{year}{}", l.t("年脱贫人口", " exited persons")),
            value: f.get(Measure::ExitedPersons, year, "").to_string(),
            href: list(&format!("&exit_year={year}")),
        },
        Fact {
            id: "monitored",
            label: end("年末监测户", " year-end monitored households"),
            value: at.monitored.to_string(),
            href: at_end("&status=monitored"),
        },
        Fact {
            id: "returned",
            label: end("年末返贫户", " year-end returned households"),
            value: at.returned.to_string(),
            href: at_end("&status=returned"),
        },
        Fact {
            id: "villages",
            label: format!(
                "{year}{}",
                l.t(
                    "年贫困村：年初／出列／未出列",
                    ": poor villages at start / exited / remaining"
                )
            ),
            value: format!("{poor_villages} / {exited_villages} / {remaining}"),
            href: if region.is_empty() {
                "/regions".into()
            } else {
                format!("/regions/{region}")
            },
        },
        Fact {
            id: "full-chain",
            // The case report's chain (every link that applies) first, the strict one after.
            label: format!("{year}{}", l.t("年全链条覆盖", " full chain")),
            value: format!(
                "{} / {chain_poor}（{}）；{} {}",
                f.get(Measure::ChainFullApplicable, year, ""),
                fmt_percent(f.get(Measure::ChainFullApplicable, year, ""), chain_poor),
                l.t("五环全有", "all five"),
                f.get(Measure::ChainFull, year, ""),
            ),
            href: chain,
        },
        Fact {
            id: "dividends",
            label: format!(
                "{year}{}",
                l.t("年分红（元／户）", " dividends (yuan / households)")
            ),
            value: format!(
                "{} / {}",
                xplus_core::Fen(f.get(Measure::DividendsPaid, year, "")),
                f.get(Measure::DividendHouseholds, year, "")
            ),
            href: format!("/collective?year={year}"),
        },
    ]
}
