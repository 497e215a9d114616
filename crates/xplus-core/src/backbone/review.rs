//! 抓基层党建述职评议考核: the yearly review of village party secretaries. Each secretary is
//! scored 0–100 on each criterion; the total is the weighted mean of the scores, and the
//! secretaries of a county are ranked by it. The criteria and weights are configuration; the
//! default is the case report's "four roles" (四个作用), weighted equally.

use std::collections::BTreeMap;

/// One criterion of the review with its weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub code: String,
    pub name: String,
    pub weight: u32,
}

/// Where the default criteria come from.
pub const DEFAULT_SOURCE: &str =
    "“四个作用”发挥情况，抓基层党建述职评议考核 / the case report's four roles";

/// The four roles (四个作用) of the case report, 25 each.
pub fn default_criteria() -> Vec<Criterion> {
    [
        ("leadership", "县乡党委领导核心作用"),
        ("backbone", "领导干部骨干带头作用"),
        ("fortress", "基层党组织战斗堡垒作用"),
        ("vanguard", "广大党员先锋模范作用"),
    ]
    .into_iter()
    .map(|(code, name)| Criterion {
        code: code.into(),
        name: name.into(),
        weight: 25,
    })
    .collect()
}

/// A weighted total (hundredths of a point) as the review shows it: "85.25".
pub fn show_total(total: u32) -> String {
    format!("{}.{:02}", total / 100, total % 100)
}

/// The highest score of one criterion.
pub const MAX_SCORE: u32 = 100;

/// The weighted mean of `scores` (criterion code → 0–100) in hundredths of a point, rounded
/// half up; Err with the criteria not scored yet (a total needs every one).
pub fn weighted_total(
    scores: &BTreeMap<String, u32>,
    criteria: &[Criterion],
) -> Result<u32, Vec<String>> {
    let missing: Vec<String> = criteria
        .iter()
        .filter(|c| c.weight > 0 && !scores.contains_key(&c.code))
        .map(|c| c.code.clone())
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let weights: u64 = criteria.iter().map(|c| u64::from(c.weight)).sum();
    if weights == 0 {
        return Err(Vec::new());
    }
    let sum: u64 = criteria
        .iter()
        .map(|c| u64::from(c.weight) * u64::from(scores.get(&c.code).copied().unwrap_or(0)))
        .sum();
    // sum / weights in hundredths, half up: (200·sum + weights) / (2·weights).
    Ok(((200 * sum + weights) / (2 * weights)) as u32)
}

/// Ranks totals (hundredths) highest first; equal totals share a rank and the next rank skips
/// (1, 1, 3). Ties are listed by key.
pub fn rank<K: Ord + Clone>(totals: &[(K, u32)]) -> Vec<(u32, K, u32)> {
    let mut sorted: Vec<(K, u32)> = totals.to_vec();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut out = Vec::with_capacity(sorted.len());
    for (i, (key, total)) in sorted.into_iter().enumerate() {
        let place = match out.last() {
            Some((place, _, last)) if *last == total => *place,
            _ => i as u32 + 1,
        };
        out.push((place, key, total));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
        pairs.iter().map(|(c, s)| (c.to_string(), *s)).collect()
    }

    /// Criteria named by their codes (upper-cased) with the weights given.
    fn weights(list: &[(&str, u32)]) -> Vec<Criterion> {
        list.iter()
            .map(|(code, weight)| Criterion {
                code: code.to_string(),
                name: code.to_uppercase(),
                weight: *weight,
            })
            .collect()
    }

    #[test]
    fn weighted_mean_in_hundredths_rounded_half_up() {
        let equal = default_criteria();
        let s = scores(&[
            ("leadership", 90),
            ("backbone", 80),
            ("fortress", 85),
            ("vanguard", 86),
        ]);
        assert_eq!(weighted_total(&s, &equal), Ok(8525));
        let weighted = weights(&[("a", 2), ("b", 1)]);
        // (2·90 + 1·85) / 3 = 88.333… → 88.33; (2·90 + 1·86) / 3 = 88.666… → 88.67.
        assert_eq!(
            weighted_total(&scores(&[("a", 90), ("b", 85)]), &weighted),
            Ok(8833)
        );
        assert_eq!(
            weighted_total(&scores(&[("a", 90), ("b", 86)]), &weighted),
            Ok(8867)
        );
        // Exactly half a hundredth rounds up: (1·1 + 7·0) / 8 = 0.125 → 0.13.
        let eighths = weights(&[("a", 1), ("b", 7)]);
        assert_eq!(
            weighted_total(&scores(&[("a", 1), ("b", 0)]), &eighths),
            Ok(13)
        );
        // A criterion of weight 0 counts for nothing and need not be scored.
        let zero = weights(&[("a", 1), ("b", 0)]);
        assert_eq!(weighted_total(&scores(&[("a", 100)]), &zero), Ok(10000));
        assert_eq!(
            weighted_total(&scores(&[("leadership", 90)]), &equal),
            Err(vec![
                "backbone".into(),
                "fortress".into(),
                "vanguard".into()
            ])
        );
        assert_eq!(weighted_total(&scores(&[]), &[]), Err(Vec::new()));
    }

    #[test]
    fn ties_share_a_rank() {
        let ranked = rank(&[("S3", 8000), ("S1", 9000), ("S2", 9000), ("S4", 7000)]);
        assert_eq!(
            ranked,
            [
                (1, "S1", 9000),
                (1, "S2", 9000),
                (3, "S3", 8000),
                (4, "S4", 7000)
            ]
        );
        assert!(rank::<&str>(&[]).is_empty());
    }
}
