//! The printable report's tables of the collective economy (集体) and of the funds by source
//! (多元投入).

use super::{figures, Figures, Language};
use xplus_core::Fen;
use xplus_store::records::YearReport;

/// The collective economy table.
pub(super) fn collective_figures(r: &YearReport, lang: Language) -> Figures {
    let k = &r.collective;
    let t = |zh: &str, en: &str| lang.t(zh, en);
    figures(
        lang,
        &[
            (
                "报送收入的村",
                "Villages reporting",
                k.villages_reported.to_string(),
            ),
            (
                "空壳村",
                "Empty-shell villages",
                k.empty_shell_villages.to_string(),
            ),
            (
                "强村（收入达标）",
                "Villages over the strong line",
                format!(
                    "{}{}",
                    k.villages_over_100k,
                    t(
                        &format!("（≥ {} 元）", k.strong_income),
                        &format!(" (≥ {} yuan)", k.strong_income)
                    )
                ),
            ),
            (
                "当年分红（元）",
                "Dividends paid (yuan)",
                k.dividends_paid.to_string(),
            ),
            (
                "获得分红户",
                "Households paid",
                k.dividend_households.to_string(),
            ),
            (
                "社会资本入股（元）",
                "Social capital invested (yuan)",
                k.social_capital.to_string(),
            ),
            (
                "有社会资本的项目",
                "Projects with social capital",
                k.projects_with_investors.to_string(),
            ),
        ],
    )
}

/// 多元投入 (funds.csv): the year's funds by source, the total, then by link; yuan with the
/// number of funds.
pub(super) fn funds_figures(r: &YearReport, lang: Language) -> Figures {
    let f = &r.funds;
    let shown =
        |amount: Fen, n: u64| lang.t(&format!("{amount}（{n}笔）"), &format!("{amount} ({n})"));
    let sources = f.by_source.iter().map(|(s, t)| {
        let label = lang.t(
            &format!("{}（元）", s.label_zh()),
            &format!("{} (yuan)", s.en()),
        );
        (label, shown(t.amount, t.funds))
    });
    let total = (
        lang.t("合计（元）", "Total (yuan)"),
        shown(f.total.amount, f.total.funds),
    );
    let links = f.by_link.iter().map(|(l, t)| {
        let label = lang.t(
            &format!("投入{}环节（元）", l.label_zh()),
            &format!("Into {} (yuan)", l.en().to_lowercase()),
        );
        (label, shown(t.amount, t.funds))
    });
    sources.chain([total]).chain(links).collect()
}
