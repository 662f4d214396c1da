//! [`StrMap`]: a map from `String` keys to values, in key order, for the engine's large maps
//! (the files of a tree, the parse cache, the render cache).
//!
//! A `BTreeMap<String, V>` instantiates the whole B-tree (search, insertion with node splits,
//! removal with rebalancing, iteration, clone, drop) again for each `V`: about 10 KB of the
//! WebAssembly build per value type. Here the B-tree is always a `BTreeMap<String, usize>`
//! from key to slot, one instantiation shared by every `StrMap`, and the values sit in a
//! `Vec` of slots (a removed value's slot is reused), whose code per `V` is small. Lookups,
//! insertions and removals stay logarithmic, so maps of tens of thousands of files are fine
//! (small maps use [`crate::vecmap::VecMap`]); iteration is in key order, as a `BTreeMap`'s.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound;

/// A map from `String` keys to `V`, in key order (see the module documentation).
#[derive(Clone)]
pub struct StrMap<V> {
    index: BTreeMap<String, usize>,
    slots: Vec<Option<V>>,
    /// Slots of removed values, to reuse.
    free: Vec<usize>,
}

impl<V> Default for StrMap<V> {
    fn default() -> Self {
        StrMap::new()
    }
}

impl<V: fmt::Debug> fmt::Debug for StrMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// `map[key]`, as a `BTreeMap`'s: for a key known to be there (it panics otherwise).
impl<V> std::ops::Index<&str> for StrMap<V> {
    type Output = V;

    fn index(&self, key: &str) -> &V {
        match self.get(key) {
            Some(value) => value,
            None => panic!("StrMap: no entry for {key:?}"),
        }
    }
}

impl<V> StrMap<V> {
    #[must_use]
    pub const fn new() -> Self {
        StrMap { index: BTreeMap::new(), slots: Vec::new(), free: Vec::new() }
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.index.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.index.contains_key(key)
    }

    #[must_use]
    pub fn get(&self, key: &str) -> Option<&V> {
        let slot = *self.index.get(key)?;
        self.slots.get(slot)?.as_ref()
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        let slot = *self.index.get(key)?;
        self.slots.get_mut(slot)?.as_mut()
    }

    /// Sets `key`'s value; returns the value it replaces.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        if let Some(&slot) = self.index.get(key.as_str())
            && let Some(old) = self.slots.get_mut(slot)
        {
            return old.replace(value);
        }
        let slot = match self.free.pop() {
            Some(slot) if slot < self.slots.len() => {
                self.slots[slot] = Some(value);
                slot
            }
            _ => {
                self.slots.push(Some(value));
                self.slots.len() - 1
            }
        };
        self.index.insert(key, slot);
        None
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        let slot = self.index.remove(key)?;
        self.free.push(slot);
        self.slots.get_mut(slot)?.take()
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries(self.index.iter())
    }

    /// The entries whose key is at least `start`, in key order.
    pub fn range_from<'a>(
        &'a self,
        start: &str,
    ) -> impl Iterator<Item = (&'a str, &'a V)> + use<'a, V> {
        self.entries(self.index.range::<str, _>((Bound::Included(start), Bound::Unbounded)))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.index.keys().map(String::as_str)
    }

    /// The values in key order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.iter().map(|(_, v)| v)
    }

    /// Keeps the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &mut V) -> bool) {
        let mut gone: Vec<String> = Vec::new();
        for (key, &slot) in &self.index {
            if let Some(Some(value)) = self.slots.get_mut(slot)
                && !keep(key, value)
            {
                gone.push(key.clone());
            }
        }
        for key in gone {
            self.remove(&key);
        }
    }

    fn entries<'a>(
        &'a self,
        index: impl Iterator<Item = (&'a String, &'a usize)>,
    ) -> impl Iterator<Item = (&'a str, &'a V)> {
        index.filter_map(|(key, &slot)| Some((key.as_str(), self.slots.get(slot)?.as_ref()?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    #[test]
    fn behaves_as_a_btreemap() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut ours: StrMap<u64> = StrMap::new();
        let mut std: BTreeMap<String, u64> = BTreeMap::new();
        for step in 0..5_000u64 {
            let key = format!("k{}", rng.next() % 300);
            match rng.next() % 4 {
                0 | 1 => assert_eq!(ours.insert(key.clone(), step), std.insert(key.clone(), step)),
                2 => assert_eq!(ours.remove(&key), std.remove(&key)),
                _ => {
                    let odd = rng.next() % 2;
                    ours.retain(|_, v| *v % 2 != odd);
                    std.retain(|_, v| *v % 2 != odd);
                }
            }
            assert_eq!(ours.len(), std.len());
            assert_eq!(ours.get(&key), std.get(&key));
            assert_eq!(ours.contains_key(&key), std.contains_key(&key));
            if let Some(v) = ours.get_mut(&key) {
                *v += 1;
                *std.get_mut(&key).unwrap() += 1;
            }
            if step % 97 == 0 {
                let got: Vec<(&str, &u64)> = ours.iter().collect();
                let want: Vec<(&str, &u64)> = std.iter().map(|(k, v)| (k.as_str(), v)).collect();
                assert_eq!(got, want);
                let from: Vec<&str> = ours.range_from("k15").map(|(k, _)| k).collect();
                let want: Vec<&str> =
                    std.range("k15".to_string()..).map(|(k, _)| k.as_str()).collect();
                assert_eq!(from, want);
            }
        }
        // Removed slots are reused: the slots never outgrow the most keys alive at once.
        assert!(ours.slots.len() <= 300);
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            std.keys().map(String::as_str).collect::<Vec<_>>()
        );
        assert_eq!(format!("{ours:?}"), format!("{std:?}"));
        assert!(StrMap::<u8>::default().is_empty());
    }
}
