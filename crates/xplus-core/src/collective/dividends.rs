//! rules.md §8 dividends: a project's distributable income D (fen) for a year is split among the
//! households holding shares on Dec 31, pro rata, by the largest remainder: each gets
//! ⌊D × s / S⌋, and the fen left over go one each to the largest remainders (D × s mod S), ties
//! to the smaller household id. The total paid is D exactly.

use crate::money::Fen;

/// A holder of a project's shares on Dec 31 of the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding<K> {
    /// The household id (the tie-break orders by it).
    pub household: K,
    pub shares: i64,
}

/// What one household is paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment<K> {
    pub household: K,
    pub shares: i64,
    pub amount: Fen,
}

/// Splits `distributable` among `holders` (households with no shares, or negative ones, are
/// left out). Returns the payments in household order; empty when nobody holds shares (the
/// income then stays undistributed — the caller says so).
pub fn split<K: Ord + Clone>(distributable: Fen, holders: &[Holding<K>]) -> Vec<Payment<K>> {
    let mut holders: Vec<&Holding<K>> = holders.iter().filter(|h| h.shares > 0).collect();
    holders.sort_by(|a, b| a.household.cmp(&b.household));
    let total: i128 = holders.iter().map(|h| i128::from(h.shares)).sum();
    if total == 0 || distributable.0 <= 0 {
        return holders
            .into_iter()
            .map(|h| Payment {
                household: h.household.clone(),
                shares: h.shares,
                amount: Fen(0),
            })
            .collect();
    }
    let d = i128::from(distributable.0);
    let mut paid: i128 = 0;
    let mut payments: Vec<(Payment<K>, i128)> = holders
        .into_iter()
        .map(|h| {
            let exact = d * i128::from(h.shares);
            let amount = exact / total;
            paid += amount;
            (
                Payment {
                    household: h.household.clone(),
                    shares: h.shares,
                    amount: Fen(amount as i64),
                },
                exact % total,
            )
        })
        .collect();
    // Fewer fen are left than there are holders (each remainder is below one fen).
    let left = (d - paid) as usize;
    let mut order: Vec<usize> = (0..payments.len()).collect();
    // Payments are in household order, so a stable sort on the remainder keeps the smaller id
    // first among equal remainders.
    order.sort_by(|&a, &b| payments[b].1.cmp(&payments[a].1));
    for &i in order.iter().take(left) {
        payments[i].0.amount = Fen(payments[i].0.amount.0 + 1);
    }
    payments.into_iter().map(|(p, _)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn h(id: &str, shares: i64) -> Holding<String> {
        Holding {
            household: id.to_string(),
            shares,
        }
    }

    fn amounts(p: &[Payment<String>]) -> Vec<(String, i64)> {
        p.iter()
            .map(|p| (p.household.clone(), p.amount.0))
            .collect()
    }

    #[test]
    fn leftover_fen_go_to_the_largest_remainders_ties_to_the_smaller_id() {
        // 100 fen over 3 equal holders: 33 each, one left, to the smallest id.
        let p = split(Fen(100), &[h("H3", 5), h("H1", 5), h("H2", 5)]);
        assert_eq!(
            amounts(&p),
            vec![("H1".into(), 34), ("H2".into(), 33), ("H3".into(), 33)]
        );
        // 10 fen over 1 and 2 shares: exact 3.33 and 6.67; the larger remainder (H2) gets it.
        let p = split(Fen(10), &[h("H1", 1), h("H2", 2)]);
        assert_eq!(amounts(&p), vec![("H1".into(), 3), ("H2".into(), 7)]);
    }

    #[test]
    fn nothing_to_split_or_nobody_to_pay() {
        assert!(split(Fen(1_000), &[h("H1", 0)]).is_empty());
        let p = split(Fen(0), &[h("H1", 5)]);
        assert_eq!(amounts(&p), vec![("H1".into(), 0)]);
        // One fen among two equal holders: the smaller id.
        let p = split(Fen(1), &[h("H2", 5), h("H1", 5)]);
        assert_eq!(amounts(&p), vec![("H1".into(), 1), ("H2".into(), 0)]);
    }

    proptest! {
        #[test]
        fn pays_exactly_d_and_no_one_more_than_a_fen_above_the_exact_share(
            d in 0i64..10_000_000_000,
            shares in proptest::collection::vec(0i64..1_000_000, 1..40),
        ) {
            let holders: Vec<Holding<u32>> = shares
                .iter()
                .enumerate()
                .map(|(i, &s)| Holding { household: i as u32, shares: s })
                .collect();
            let total: i128 = shares.iter().map(|&s| i128::from(s)).sum();
            let p = split(Fen(d), &holders);
            let paid: i128 = p.iter().map(|p| i128::from(p.amount.0)).sum();
            if total > 0 {
                prop_assert_eq!(paid, i128::from(d));
            } else {
                prop_assert_eq!(paid, 0);
            }
            for p in &p {
                let exact = i128::from(d) * i128::from(p.shares);
                let floor = exact / total;
                let a = i128::from(p.amount.0);
                prop_assert!(a == floor || a == floor + 1, "{} vs {}", a, floor);
            }
            // Equal holdings never differ by more than one fen, and the larger gets no less.
            for a in &p {
                for b in &p {
                    if a.shares > b.shares {
                        prop_assert!(a.amount.0 >= b.amount.0);
                    }
                }
            }
        }
    }
}
