//! Sorted maps and sets kept in a `Vec`, for the engine's many small maps.
//!
//! Each `BTreeMap<K, V>` type instantiates the whole B-tree (insertion with node splits,
//! removal with rebalancing, iteration, drop) again; across the engine that was most of the
//! ~70 KB the B-trees took in the WebAssembly build. A [`VecMap`] is a `Vec` of entries
//! sorted by key: lookups are a binary search (one shared, non-generic instantiation), an
//! insertion shifts the entries after it. That suits maps of up to a few thousand entries,
//! which is what the engine keeps in them. Iteration is in key order, exactly as a
//! `BTreeMap`'s, and a key inserted again keeps its place and takes the new value.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;

/// A map sorted by key, on a `Vec` (see the module documentation).
#[derive(Clone, PartialEq, Eq)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> VecMap<K, V> {
    #[must_use]
    pub const fn new() -> Self {
        VecMap { entries: Vec::new() }
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order.
    #[must_use]
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    #[must_use]
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    #[must_use]
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The entries in key order, as a slice.
    #[must_use]
    pub fn as_slice(&self) -> &[(K, V)] {
        &self.entries
    }

    /// The entries in key order.
    #[must_use]
    pub fn into_vec(self) -> Vec<(K, V)> {
        self.entries
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Keeps the entries for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// `Ok(index)` of `key`'s entry, or `Err(index)` where it would go.
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        search(self.entries.len(), &mut |i| self.entries[i].0.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaces (the key keeps its place).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.slot(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// The value of `key`, inserting `make()` first if there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.slot(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        &mut self.entries[i].1
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// Like [`Self::find`], with a fast path for keys that come in order.
    fn slot(&self, key: &K) -> Result<usize, usize> {
        match self.entries.last() {
            None => Err(0),
            Some((last, _)) if *last < *key => Err(self.entries.len()),
            Some(_) => self.find(key),
        }
    }
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for VecMap<K, V> {
    type Output = V;

    /// The value of `key`, which must be there (as `BTreeMap`'s indexing).
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    /// Like collecting into a `BTreeMap`: for a key given more than once, the last value wins.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut entries: Vec<(K, V)> = iter.into_iter().collect();
        crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
        let mut out: Vec<(K, V)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match out.last_mut() {
                Some(last) if last.0 == entry.0 => last.1 = entry.1,
                _ => out.push(entry),
            }
        }
        VecMap { entries: out }
    }
}

impl<K: Ord, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

/// A set sorted by value, on a `Vec` (see the module documentation).
#[derive(Clone, PartialEq, Eq)]
pub struct VecSet<T> {
    items: Vec<T>,
}

impl<T> VecSet<T> {
    #[must_use]
    pub const fn new() -> Self {
        VecSet { items: Vec::new() }
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The values in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The values in order, as a slice.
    #[must_use]
    pub fn as_slice(&self) -> &[T] {
        &self.items
    }

    /// The values in order.
    #[must_use]
    pub fn into_vec(self) -> Vec<T> {
        self.items
    }

    /// Drops spare capacity (for sets kept in a long-lived cache).
    pub fn shrink_to_fit(&mut self) {
        self.items.shrink_to_fit();
    }
}

impl<T: Ord> VecSet<T> {
    fn find<Q: Ord + ?Sized>(&self, value: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        search(self.items.len(), &mut |i| self.items[i].borrow().cmp(value))
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).is_ok()
    }

    /// Adds `value`; returns whether it was new (an equal value already there stays).
    pub fn insert(&mut self, value: T) -> bool {
        let slot = match self.items.last() {
            None => Err(0),
            Some(last) if *last < value => Err(self.items.len()),
            Some(_) => self.find(&value),
        };
        match slot {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, value);
                true
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).ok().map(|i| self.items.remove(i)).is_some()
    }
}

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        VecSet::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut items: Vec<T> = iter.into_iter().collect();
        crate::sort::sort(&mut items);
        items.dedup();
        VecSet { items }
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for value in iter {
            self.insert(value);
        }
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// Binary search of `0..len` by `compare(index)` (how the entry at `index` compares with the
/// key sought): the one instantiation behind every map and set here.
fn search(len: usize, compare: &mut dyn FnMut(usize) -> Ordering) -> Result<usize, usize> {
    let (mut low, mut high) = (0, len);
    while low < high {
        let mid = low + (high - low) / 2;
        match compare(mid) {
            Ordering::Less => low = mid + 1,
            Ordering::Greater => high = mid,
            Ordering::Equal => return Ok(mid),
        }
    }
    Err(low)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    /// A small deterministic generator of keys with many repeats.
    fn keys(seed: &mut u64, n: usize) -> Vec<u8> {
        (0..n)
            .map(|_| {
                *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                (*seed >> 59) as u8
            })
            .collect()
    }

    #[test]
    fn behaves_like_btree_map() {
        let mut seed = 3;
        for n in 0..80 {
            let ks = keys(&mut seed, n);
            let mut ours = VecMap::new();
            let mut std = BTreeMap::new();
            for (i, &k) in ks.iter().enumerate() {
                assert_eq!(ours.insert(k, i), std.insert(k, i));
                if i % 7 == 3 {
                    assert_eq!(ours.remove(&ks[i / 2]), std.remove(&ks[i / 2]));
                }
                *ours.get_or_insert_with(k / 2, || 100) += 1;
                *std.entry(k / 2).or_insert(100) += 1;
            }
            assert!(ours.iter().eq(std.iter()));
            for k in 0..40 {
                assert_eq!(ours.get(&k), std.get(&k));
                assert_eq!(ours.contains_key(&k), std.contains_key(&k));
            }
            let pairs: Vec<(u8, usize)> = ks.iter().copied().zip(0..).collect();
            let ours: VecMap<u8, usize> = pairs.iter().copied().collect();
            let std: BTreeMap<u8, usize> = pairs.iter().copied().collect();
            assert!(ours.into_iter().eq(std));
        }
    }

    #[test]
    fn behaves_like_btree_set() {
        let mut seed = 11;
        for n in 0..80 {
            let ks = keys(&mut seed, n);
            let mut ours = VecSet::new();
            let mut std = BTreeSet::new();
            for (i, &k) in ks.iter().enumerate() {
                assert_eq!(ours.insert(k), std.insert(k));
                if i % 5 == 2 {
                    assert_eq!(ours.remove(&ks[i / 3]), std.remove(&ks[i / 3]));
                }
            }
            assert!(ours.iter().eq(std.iter()));
            let ours: VecSet<u8> = ks.iter().copied().collect();
            let std: BTreeSet<u8> = ks.iter().copied().collect();
            assert!(ours.into_iter().eq(std));
        }
    }
}
