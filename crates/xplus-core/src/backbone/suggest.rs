//! 谁来扶 (who should help whom): for poor households without a helper, suggest a cadre of the
//! units paired with the household's village who still has room under the §7 capacity, spreading
//! the load. A person confirms each suggestion; nothing is paired by this function.

use std::collections::BTreeMap;

/// A cadre who could help: the villages whose units they belong to come from the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub cadre_id: String,
    /// Households paired with the cadre today.
    pub load: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub household_id: String,
    /// None: no cadre of the village's units has room (the office must add one).
    pub cadre_id: Option<String>,
}

/// `households`: (household id, village key) in the order to serve them; `candidates`: per
/// village key, the cadres who may help there. Each household gets the least-loaded candidate
/// of its village (ties: the smaller cadre id) whose load is below `capacity`, and that cadre's
/// load grows by one for the households after it — also in other villages they serve.
pub fn suggest<V: Ord>(
    households: &[(String, V)],
    candidates: &BTreeMap<V, Vec<Candidate>>,
    capacity: u32,
) -> Vec<Suggestion> {
    let mut load: BTreeMap<&str, u32> = BTreeMap::new();
    for c in candidates.values().flatten() {
        load.insert(c.cadre_id.as_str(), c.load);
    }
    households
        .iter()
        .map(|(household, village)| {
            let chosen = candidates
                .get(village)
                .into_iter()
                .flatten()
                .map(|c| (load[c.cadre_id.as_str()], c.cadre_id.as_str()))
                .filter(|(l, _)| *l < capacity)
                .min();
            if let Some((_, cadre)) = chosen {
                *load.get_mut(cadre).expect("every candidate has a load") += 1;
            }
            Suggestion {
                household_id: household.clone(),
                cadre_id: chosen.map(|(_, c)| c.to_string()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, load: u32) -> Candidate {
        Candidate {
            cadre_id: id.into(),
            load,
        }
    }

    #[test]
    fn balances_and_stops_at_capacity() {
        let mut cands = BTreeMap::new();
        cands.insert("V1", vec![c("A", 3), c("B", 4)]);
        cands.insert("V2", vec![c("A", 3)]);
        let hs: Vec<(String, &str)> = [
            ("H1", "V1"),
            ("H2", "V1"),
            ("H3", "V2"),
            ("H4", "V1"),
            ("H5", "V3"),
        ]
        .iter()
        .map(|(h, v)| (h.to_string(), *v))
        .collect();
        let got: Vec<Option<String>> = suggest(&hs, &cands, 5)
            .into_iter()
            .map(|s| s.cadre_id)
            .collect();
        // H1 → A (3 < 4); H2: A and B both at 4, the smaller id; H3: A is full at 5 → none;
        // H4 → B; H5: no unit paired with V3.
        assert_eq!(
            got,
            vec![
                Some("A".into()),
                Some("A".into()),
                None,
                Some("B".into()),
                None
            ]
        );
    }

    #[test]
    fn a_cadre_at_capacity_gets_nobody() {
        let mut cands = BTreeMap::new();
        cands.insert(1, vec![c("A", 5)]);
        let s = suggest(&[("H".into(), 1)], &cands, 5);
        assert_eq!(s[0].cadre_id, None);
        let s = suggest(&[("H".into(), 1)], &cands, 6);
        assert_eq!(s[0].cadre_id.as_deref(), Some("A"));
    }
}
