//! A journaled ordered map: the unit of chain state.
//!
//! Every write records the previous value, so a failed transaction or a rejected block rolls
//! back exactly what it changed, and the end of a block knows exactly which entries to rehash
//! into the state root. Iteration is always in key order.

use parity_scale_codec::{Decode, DecodeAll, Encode};
use std::collections::BTreeMap;
use std::ops::RangeBounds;

/// An ordered map whose writes can be rolled back to any earlier [`Map::mark`].
#[derive(Clone)]
pub(crate) struct Map<K, V> {
    entries: BTreeMap<K, V>,
    /// `(key, value before the write)`, oldest first, since the last [`Map::forget`].
    undo: Vec<(K, Option<V>)>,
    /// Keys whose writes were rolled back since the last [`Map::forget`]: the root may have
    /// seen the undone value, so they are rehashed too.
    reverted: Vec<K>,
}

impl<K, V> Default for Map<K, V> {
    fn default() -> Self {
        Self {
            entries: BTreeMap::new(),
            undo: Vec::new(),
            reverted: Vec::new(),
        }
    }
}

impl<K: Ord + Clone + Encode, V: Clone + Encode> Map<K, V> {
    /// The value at `key`.
    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        self.entries.get(key)
    }

    /// Whether `key` has a value.
    pub(crate) fn contains(&self, key: &K) -> bool {
        self.entries.contains_key(key)
    }

    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// All entries in key order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        self.entries.iter()
    }

    /// The entries whose keys fall in `range`, in key order.
    pub(crate) fn range<R: RangeBounds<K>>(
        &self,
        range: R,
    ) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        self.entries.range(range)
    }

    /// Sets `key` to `value`.
    pub(crate) fn insert(&mut self, key: K, value: V) {
        let old = self.entries.insert(key.clone(), value);
        self.undo.push((key, old));
    }

    /// Removes `key`, returning its value.
    pub(crate) fn remove(&mut self, key: &K) -> Option<V> {
        let old = self.entries.remove(key)?;
        self.undo.push((key.clone(), Some(old.clone())));
        Some(old)
    }

    /// Changes the value at `key` in place, if there is one.
    pub(crate) fn mutate<R>(&mut self, key: &K, change: impl FnOnce(&mut V) -> R) -> Option<R> {
        let value = self.entries.get_mut(key)?;
        self.undo.push((key.clone(), Some(value.clone())));
        Some(change(value))
    }

    /// A point to roll back to.
    pub(crate) fn mark(&self) -> usize {
        self.undo.len()
    }

    /// Undoes every write made after `mark`.
    pub(crate) fn rollback(&mut self, mark: usize) {
        while self.undo.len() > mark {
            let Some((key, old)) = self.undo.pop() else {
                break;
            };
            match old {
                Some(value) => self.entries.insert(key.clone(), value),
                None => self.entries.remove(&key),
            };
            self.reverted.push(key);
        }
    }

    /// The keys written since the last [`Map::forget`] (each once, in order) with their current
    /// encoded values (`None` if removed).
    pub(crate) fn touched(&self) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
        let mut keys: Vec<&K> = self
            .undo
            .iter()
            .map(|(k, _)| k)
            .chain(&self.reverted)
            .collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .map(|k| {
                let value = self.entries.get(k).map(Encode::encode);
                (k.encode(), value)
            })
            .collect()
    }

    /// Drops the journal: the writes so far can no longer be rolled back.
    pub(crate) fn forget(&mut self) {
        self.undo.clear();
        self.reverted.clear();
    }

    /// Every entry encoded, for building the root from nothing.
    pub(crate) fn encoded_entries(&self) -> impl Iterator<Item = (Vec<u8>, Vec<u8>)> + '_ {
        self.entries.iter().map(|(k, v)| (k.encode(), v.encode()))
    }
}

impl<K: Ord + Clone + Encode + Decode, V: Clone + Encode + Decode> Map<K, V> {
    /// Adds an entry from its encoding (a state read back from storage).
    pub(crate) fn insert_encoded(
        &mut self,
        key: &[u8],
        value: &[u8],
    ) -> Result<(), parity_scale_codec::Error> {
        let key = K::decode_all(&mut &key[..])?;
        let value = V::decode_all(&mut &value[..])?;
        self.insert(key, value);
        Ok(())
    }
}

/// A single journaled value, for chain-wide items.
#[derive(Clone)]
pub(crate) struct Value<T>(Map<(), T>);

impl<T> Default for Value<T> {
    fn default() -> Self {
        Self(Map::default())
    }
}

impl<T: Clone + Encode + Default> Value<T> {
    /// The value (the default until first set).
    pub(crate) fn get(&self) -> T {
        self.0.get(&()).cloned().unwrap_or_default()
    }

    /// A reference to the value, if it was ever set.
    pub(crate) fn get_ref(&self) -> Option<&T> {
        self.0.get(&())
    }

    /// Replaces the value.
    pub(crate) fn set(&mut self, value: T) {
        self.0.insert((), value);
    }

    /// Changes the value in place.
    pub(crate) fn mutate<R>(&mut self, change: impl FnOnce(&mut T) -> R) -> R {
        let mut value = self.get();
        let out = change(&mut value);
        self.set(value);
        out
    }

    pub(crate) fn mark(&self) -> usize {
        self.0.mark()
    }

    pub(crate) fn rollback(&mut self, mark: usize) {
        self.0.rollback(mark)
    }

    pub(crate) fn touched(&self) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
        self.0.touched()
    }

    pub(crate) fn forget(&mut self) {
        self.0.forget()
    }

    pub(crate) fn encoded_entries(&self) -> impl Iterator<Item = (Vec<u8>, Vec<u8>)> + '_ {
        self.0.encoded_entries()
    }
}

impl<T: Clone + Encode + Decode + Default> Value<T> {
    pub(crate) fn insert_encoded(
        &mut self,
        key: &[u8],
        value: &[u8],
    ) -> Result<(), parity_scale_codec::Error> {
        self.0.insert_encoded(key, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_rollback_restores_every_write() {
        let mut m: Map<u32, String> = Map::default();
        m.insert(1, "a".into());
        m.insert(2, "b".into());
        let mark = m.mark();
        m.insert(1, "x".into());
        m.remove(&2);
        m.insert(3, "c".into());
        m.mutate(&1, |v| v.push('y'));
        assert_eq!(m.get(&1).map(String::as_str), Some("xy"));
        m.rollback(mark);
        assert_eq!(m.get(&1).map(String::as_str), Some("a"));
        assert_eq!(m.get(&2).map(String::as_str), Some("b"));
        assert!(!m.contains(&3));
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn test_touched_reports_final_values_once() {
        let mut m: Map<u32, u64> = Map::default();
        m.insert(5, 1);
        m.insert(5, 2);
        m.insert(7, 3);
        m.remove(&7);
        assert_eq!(
            m.touched(),
            vec![(5u32.encode(), Some(2u64.encode())), (7u32.encode(), None)]
        );
        m.forget();
        assert!(m.touched().is_empty());
        // Removing an absent key is not a write.
        assert_eq!(m.remove(&9), None);
        assert!(m.touched().is_empty());
    }
}
