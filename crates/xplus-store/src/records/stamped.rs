//! Values a web server keeps per county between requests (the overdue visits of a day, the
//! households a what-if judges), each under the stamp the county's last refresh left
//! (`reporting::rollup::county_stamps`, read before the county's records). Every write marks its
//! county and its refresh moves the stamp, so a value kept under the county's current stamp,
//! while the county is not marked, is what its records still say. Past `LIMIT` of their weight
//! (rows, households), the least recently used half is dropped.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

/// What a kept value counts against the limit.
pub(in crate::records) trait Weighed {
    fn weight(&self) -> usize;
}

/// A value with the stamp it was made under and when it was last used.
struct Held<V> {
    stamp: i64,
    used: u64,
    value: Arc<V>,
}

pub(in crate::records) struct Stamped<K, V, const LIMIT: usize> {
    held: HashMap<K, Held<V>>,
    weight: usize,
    clock: u64,
}

impl<K, V, const LIMIT: usize> Default for Stamped<K, V, LIMIT> {
    fn default() -> Self {
        Stamped {
            held: HashMap::new(),
            weight: 0,
            clock: 0,
        }
    }
}

impl<K: Eq + Hash, V: Weighed, const LIMIT: usize> Stamped<K, V, LIMIT> {
    /// The value of `key` kept under `stamp`, if any.
    pub fn get(&mut self, key: &K, stamp: i64) -> Option<Arc<V>> {
        self.clock += 1;
        let now = self.clock;
        let held = self.held.get_mut(key).filter(|h| h.stamp == stamp)?;
        held.used = now;
        Some(held.value.clone())
    }

    /// Keeps `value` of `key`, made under `stamp`, in place of the one kept and of every kept
    /// key that `replaces` (values it makes useless, e.g. a county's count of an earlier day).
    pub fn keep(&mut self, key: K, stamp: i64, value: Arc<V>, replaces: impl Fn(&K) -> bool) {
        // A request that read the stamp before a refresh may finish after one that read it
        // after: the newer stays.
        if self.held.get(&key).is_some_and(|h| h.stamp > stamp) {
            return;
        }
        let mut freed = 0;
        self.held.retain(|k, h| {
            let drop = replaces(k) || *k == key;
            if drop {
                freed += h.value.weight();
            }
            !drop
        });
        self.weight -= freed;
        self.clock += 1;
        self.weight += value.weight();
        let used = self.clock;
        self.held.insert(key, Held { stamp, used, value });
        if self.weight > LIMIT {
            let mut uses: Vec<u64> = self.held.values().map(|h| h.used).collect();
            uses.sort_unstable();
            let median = uses[uses.len() / 2];
            self.held.retain(|_, h| h.used >= median);
            self.weight = self.held.values().map(|h| h.value.weight()).sum();
        }
    }

    /// Values kept and their weight.
    pub fn size(&self) -> (usize, usize) {
        (self.held.len(), self.weight)
    }
}
