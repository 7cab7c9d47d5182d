//! The state root: a Merkle crit-bit tree over the hashes of every state entry.
//!
//! Each entry `(key, value)` of the state becomes a leaf keyed by `H(key)` with hash
//! `H(0x00 ‖ H(key) ‖ H(value))`; an inner node is `H(0x01 ‖ left ‖ right)`. A crit-bit tree's
//! shape depends only on the set of keys, never on insertion order, so two states with the same
//! entries have the same root and, by collision resistance, two states with the same root have
//! the same entries. Keys are hashes, so the tree stays balanced (depth ≈ log₂ entries) whatever
//! keys a stranger chooses.
//!
//! Updates only mark the path they touch; [`Trie::root`] rehashes just the marked nodes, so a
//! block costs a few hashes per written entry however large the state is.

use plexus_primitives::{blake2_256_parts, H256};

#[derive(Clone)]
enum Node {
    Leaf {
        key: H256,
        hash: H256,
    },
    Branch {
        /// Index of the first bit (from the most significant) in which the two sides differ.
        bit: u16,
        children: Box<[Node; 2]>,
        /// `None` when something below changed since the last [`Trie::root`].
        hash: Option<H256>,
    },
}

/// The authenticated index of the state: leaf key hash → leaf hash.
#[derive(Default, Clone)]
pub(crate) struct Trie {
    root: Option<Node>,
    len: usize,
}

fn bit_at(key: &H256, bit: u16) -> usize {
    let byte = key.0[usize::from(bit / 8)];
    usize::from((byte >> (7 - bit % 8)) & 1)
}

fn first_difference(a: &H256, b: &H256) -> Option<u16> {
    a.0.iter()
        .zip(&b.0)
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .map(|(i, (x, y))| (i as u16) * 8 + (x ^ y).leading_zeros() as u16)
}

fn leaf_hash(key: &H256, value: &H256) -> H256 {
    blake2_256_parts(&[&[0u8], &key.0, &value.0])
}

const PLACEHOLDER: Node = Node::Leaf {
    key: H256::ZERO,
    hash: H256::ZERO,
};

impl Trie {
    /// Number of entries.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Sets the entry `key` to a value whose hash is `value`.
    pub(crate) fn insert(&mut self, key: H256, value: H256) {
        let hash = leaf_hash(&key, &value);
        let Some(root) = &mut self.root else {
            self.root = Some(Node::Leaf { key, hash });
            self.len = 1;
            return;
        };
        // The nearest existing leaf decides where the new key splits off.
        let mut node = &*root;
        let nearest = loop {
            match node {
                Node::Leaf { key, .. } => break *key,
                Node::Branch { bit, children, .. } => node = &children[bit_at(&key, *bit)],
            }
        };
        let Some(split) = first_difference(&key, &nearest) else {
            Self::replace_leaf(root, &key, hash);
            return;
        };
        Self::insert_split(root, key, hash, split);
        self.len += 1;
    }

    /// Descends to where the tree's branches stop testing bits before `split` and hangs the new
    /// leaf there.
    fn insert_split(node: &mut Node, key: H256, hash: H256, split: u16) {
        if let Node::Branch {
            bit,
            children,
            hash: cached,
        } = node
        {
            if *bit < split {
                *cached = None;
                let side = bit_at(&key, *bit);
                Self::insert_split(&mut children[side], key, hash, split);
                return;
            }
        }
        let old = std::mem::replace(node, PLACEHOLDER);
        let leaf = Node::Leaf { key, hash };
        let children = if bit_at(&key, split) == 0 {
            [leaf, old]
        } else {
            [old, leaf]
        };
        *node = Node::Branch {
            bit: split,
            children: Box::new(children),
            hash: None,
        };
    }

    fn replace_leaf(mut node: &mut Node, key: &H256, new_hash: H256) {
        loop {
            match node {
                Node::Leaf { hash, .. } => {
                    *hash = new_hash;
                    return;
                }
                Node::Branch {
                    bit,
                    children,
                    hash,
                } => {
                    *hash = None;
                    node = &mut children[bit_at(key, *bit)];
                }
            }
        }
    }

    /// Removes the entry `key`, if present.
    pub(crate) fn remove(&mut self, key: &H256) {
        let Some(root) = &mut self.root else { return };
        match root {
            Node::Leaf { key: k, .. } => {
                if k == key {
                    self.root = None;
                    self.len = 0;
                }
            }
            Node::Branch { .. } => {
                if Self::remove_below(root, key) {
                    self.len -= 1;
                }
            }
        }
    }

    /// Removes `key` from under the branch `node`; true if it was there.
    fn remove_below(node: &mut Node, key: &H256) -> bool {
        let Node::Branch {
            bit,
            children,
            hash,
        } = node
        else {
            return false;
        };
        let side = bit_at(key, *bit);
        let found = match &children[side] {
            Node::Leaf { key: k, .. } => {
                if k != key {
                    return false;
                }
                true
            }
            Node::Branch { .. } => false,
        };
        if found {
            // The sibling takes this branch's place.
            let sibling = std::mem::replace(&mut children[1 - side], PLACEHOLDER);
            *node = sibling;
            return true;
        }
        let removed = Self::remove_below(&mut children[side], key);
        if removed {
            *hash = None;
        }
        removed
    }

    /// The root hash; [`H256::ZERO`] for an empty state.
    pub(crate) fn root(&mut self) -> H256 {
        match &mut self.root {
            None => H256::ZERO,
            Some(node) => Self::hash(node),
        }
    }

    fn hash(node: &mut Node) -> H256 {
        match node {
            Node::Leaf { hash, .. } => *hash,
            Node::Branch { children, hash, .. } => {
                if let Some(h) = hash {
                    return *h;
                }
                let [left, right] = &mut **children;
                let h = blake2_256_parts(&[&[1u8], &Self::hash(left).0, &Self::hash(right).0]);
                *hash = Some(h);
                h
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plexus_primitives::blake2_256;
    use std::collections::BTreeMap;

    /// The root of a set, computed from scratch with no caching: the tree the set defines.
    fn reference_root(entries: &BTreeMap<H256, H256>) -> H256 {
        fn build(items: &[(H256, H256)], depth: u16) -> H256 {
            if let [(k, v)] = items {
                return leaf_hash(k, v);
            }
            // Skip bits on which all keys agree; split on the first one that differs.
            let mut bit = depth;
            loop {
                let ones = items.iter().filter(|(k, _)| bit_at(k, bit) == 1).count();
                if ones != 0 && ones != items.len() {
                    let split = items.len() - ones;
                    let left = build(&items[..split], bit + 1);
                    let right = build(&items[split..], bit + 1);
                    return blake2_256_parts(&[&[1u8], &left.0, &right.0]);
                }
                bit += 1;
            }
        }
        let items: Vec<_> = entries.iter().map(|(k, v)| (*k, *v)).collect();
        if items.is_empty() {
            H256::ZERO
        } else {
            build(&items, 0)
        }
    }

    fn h(i: u64) -> H256 {
        blake2_256(&i.to_le_bytes())
    }

    #[test]
    fn test_root_matches_reference_under_random_updates() {
        let mut trie = Trie::default();
        let mut model = BTreeMap::new();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for step in 0..3000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let key = h(x % 300);
            if x.is_multiple_of(3) {
                trie.remove(&key);
                model.remove(&key);
            } else {
                trie.insert(key, h(step));
                model.insert(key, h(step));
            }
            if step.is_multiple_of(97) {
                assert_eq!(trie.root(), reference_root(&model), "step {step}");
            }
            assert_eq!(trie.len(), model.len());
        }
        assert_eq!(trie.root(), reference_root(&model));
    }

    #[test]
    fn test_root_is_independent_of_history() {
        let mut a = Trie::default();
        let mut b = Trie::default();
        for i in 0..100 {
            a.insert(h(i), h(i + 1000));
        }
        for i in (0..150).rev() {
            b.insert(h(i), h(0));
        }
        for i in 100..150 {
            b.remove(&h(i));
        }
        assert_ne!(a.root(), b.root());
        for i in 0..100 {
            b.insert(h(i), h(i + 1000));
        }
        assert_eq!(a.root(), b.root());
        for i in 0..100 {
            a.remove(&h(i));
        }
        assert_eq!(a.root(), H256::ZERO);
        assert_eq!(a.len(), 0);
    }

    #[test]
    fn test_value_change_changes_root() {
        let mut t = Trie::default();
        t.insert(h(1), h(1));
        t.insert(h(2), h(2));
        let before = t.root();
        t.insert(h(2), h(3));
        assert_ne!(t.root(), before);
        t.insert(h(2), h(2));
        assert_eq!(t.root(), before);
    }
}
