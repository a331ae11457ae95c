//! Work done at most once per process and key: the tests of one chapter run in parallel threads
//! and must not each start a compiler for the same chapter. Across processes, [`crate::Kept`]
//! keeps the result; within one, this shares the computation (and its parsed value, which is
//! never written anywhere).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock};

pub struct Memo<K, V> {
    slots: Mutex<HashMap<K, Arc<OnceLock<V>>>>,
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    pub fn new() -> Self {
        Memo { slots: Mutex::new(HashMap::new()) }
    }

    /// The value for `key`, computed by the first caller; the others wait for it.
    pub fn get(&self, key: K, compute: impl FnOnce() -> V) -> V {
        let slot = self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).entry(key).or_default().clone();
        slot.get_or_init(compute).clone()
    }
}

impl<K: Eq + Hash, V: Clone> Default for Memo<K, V> {
    fn default() -> Self {
        Memo::new()
    }
}
