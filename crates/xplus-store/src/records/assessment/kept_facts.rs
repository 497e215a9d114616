//! What the assessment reads of each county, kept in memory between a web server's what-ifs.
//!
//! A what-if judges the same households again under other settings, and for a province the
//! reading is most of the time (seconds) while judging is a fraction of it. An official tries
//! one line, then another: the server keeps each county's [`CountyFacts`] of a year with the
//! stamp the county's last refresh left, read before its records, as the overdue visits are
//! kept (`backbone::visits_kept`). Every write marks its county and the county's refresh moves
//! its stamp, so while a county is not marked and its stamp is the one kept, its records have
//! not changed since and the kept facts are what they still say; a county written to is read
//! again, alone. The settings are never kept: each what-if reads the rule book.

use super::facts::CountyFacts;
use crate::records::stamped::{Stamped, Weighed};
use std::sync::{Arc, Mutex};

/// Households kept in all (a province of the demo is 1.6 million): past it, the least recently
/// used counties are dropped, the older half of them. A household with its members, income and
/// outcome is a few hundred bytes (a province's 1.6 million about 1 GB, docs/performance.md).
pub(in crate::records) const KEPT_HOUSEHOLDS: usize = 2_500_000;

/// (county, year).
type Key = (u64, i32);

impl Weighed for CountyFacts {
    fn weight(&self) -> usize {
        self.facts.len()
    }
}

/// Counties' facts kept between what-ifs (see the module's note); one per server.
#[derive(Default)]
pub struct KeptFacts {
    counties: Mutex<Stamped<Key, CountyFacts, KEPT_HOUSEHOLDS>>,
    /// One what-if or reading ahead at a time: a what-if asked while its counties are being
    /// read ahead waits for them instead of reading them again beside it.
    pub(in crate::records) busy: tokio::sync::Mutex<()>,
}

impl KeptFacts {
    /// The facts of `key` kept under `stamp`, if any.
    pub(in crate::records) fn get(&self, key: Key, stamp: i64) -> Option<Arc<CountyFacts>> {
        self.counties.lock().expect("kept facts").get(&key, stamp)
    }

    /// Keeps `facts` of `key`, read under `stamp`, in place of older ones.
    pub(in crate::records) fn keep(&self, key: Key, stamp: i64, facts: Arc<CountyFacts>) {
        let mut kept = self.counties.lock().expect("kept facts");
        kept.keep(key, stamp, facts, |_| false);
    }

    /// Counties and households kept now.
    pub fn size(&self) -> (usize, usize) {
        self.counties.lock().expect("kept facts").size()
    }
}
