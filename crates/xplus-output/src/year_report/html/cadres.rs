//! The printable report's table of village cadres and future leaders (村干部与村级带头人后备力量),
//! on Dec 31 of the year.

use super::{figures, Figures, Language};
use xplus_store::records::YearReport;

/// The poor villages whose secretary was trained in the year (of those left at its end), the
/// village cadres in office and in a degree course, the pool and its members who became
/// secretaries.
pub(super) fn cadre_figures(r: &YearReport, lang: Language) -> Figures {
    let c = &r.village_cadres;
    figures(
        lang,
        &[
            (
                "贫困村党组织书记年内培训",
                "Poor villages whose secretary was trained in the year",
                format!("{}/{}", c.secretaries_trained, c.poor_villages),
            ),
            (
                "村干部（在任）",
                "Village cadres in office",
                c.in_office.to_string(),
            ),
            (
                "村干部参加大专以上学历教育",
                "Village cadres in a degree course",
                c.degree.to_string(),
            ),
            (
                "村级带头人后备力量",
                "Future leaders in the pool",
                c.pool.to_string(),
            ),
            (
                "后备力量已任村书记",
                "Pool members who became secretaries",
                c.promoted.to_string(),
            ),
        ],
    )
}
