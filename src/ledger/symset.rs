//! A set of symbols as bits: symbols are numbered densely from 0, so a set of
//! customers is a bit per customer, and adding one is setting a bit instead
//! of hashing it into a table that grows as it fills.

use super::Sym;

/// A set of [`Sym`]s, one bit each; it grows to the largest symbol added.
///
/// ```
/// use qbr::ledger::SymSet;
/// let mut s = SymSet::default();
/// assert!(s.insert(70) && s.insert(3) && !s.insert(70));
/// assert_eq!((s.len(), s.contains(3), s.contains(4)), (2, true, false));
/// assert_eq!(s.iter().collect::<Vec<_>>(), [3, 70]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct SymSet {
    words: Vec<u64>,
    len: usize,
}

impl SymSet {
    /// An empty set with room for the symbols below `n`.
    pub fn with_room(n: usize) -> SymSet {
        SymSet {
            words: vec![0; n.div_ceil(64)],
            len: 0,
        }
    }

    /// Adds `s`; true when it was not in the set.
    pub fn insert(&mut self, s: Sym) -> bool {
        let (w, bit) = (s as usize / 64, 1u64 << (s % 64));
        if w >= self.words.len() {
            self.words.resize(w + 1, 0);
        }
        let new = self.words[w] & bit == 0;
        self.words[w] |= bit;
        self.len += usize::from(new);
        new
    }

    /// True when `s` is in the set.
    pub fn contains(&self, s: Sym) -> bool {
        self.words
            .get(s as usize / 64)
            .is_some_and(|w| w & (1 << (s % 64)) != 0)
    }

    /// How many symbols the set holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the set holds none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The symbols, smallest first.
    pub fn iter(&self) -> impl Iterator<Item = Sym> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut rest = w;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let b = rest.trailing_zeros();
                    rest &= rest - 1;
                    (i * 64) as Sym + b
                })
            })
        })
    }

    /// Adds every symbol of `other`.
    pub fn union_with(&mut self, other: &SymSet) {
        if other.words.len() > self.words.len() {
            self.words.resize(other.words.len(), 0);
        }
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
        self.len = count(&self.words);
    }

    /// The symbols of this set that `other` does not hold.
    pub fn difference(&self, other: &SymSet) -> SymSet {
        let words: Vec<u64> = (self.words.iter().enumerate())
            .map(|(i, &a)| a & !other.words.get(i).copied().unwrap_or(0))
            .collect();
        SymSet {
            len: count(&words),
            words,
        }
    }
}

fn count(words: &[u64]) -> usize {
    words.iter().map(|w| w.count_ones() as usize).sum()
}

impl FromIterator<Sym> for SymSet {
    fn from_iter<I: IntoIterator<Item = Sym>>(iter: I) -> Self {
        let mut s = SymSet::default();
        for x in iter {
            s.insert(x);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    proptest::proptest! {
        /// The set holds what a `BTreeSet` holds, through inserts, unions and differences.
        #[test]
        fn behaves_like_a_set(
            a in proptest::collection::vec(0u32..5000, 0..200),
            b in proptest::collection::vec(0u32..5000, 0..200),
        ) {
            let (sa, sb): (SymSet, SymSet) = (a.iter().copied().collect(), b.iter().copied().collect());
            let (ta, tb): (BTreeSet<u32>, BTreeSet<u32>) = (a.iter().copied().collect(), b.iter().copied().collect());
            proptest::prop_assert_eq!(sa.iter().collect::<Vec<_>>(), ta.iter().copied().collect::<Vec<_>>());
            proptest::prop_assert_eq!(sa.len(), ta.len());
            let diff = sa.difference(&sb);
            proptest::prop_assert_eq!(diff.iter().collect::<Vec<_>>(), ta.difference(&tb).copied().collect::<Vec<_>>());
            proptest::prop_assert_eq!(diff.len(), ta.difference(&tb).count());
            let mut union = sa.clone();
            union.union_with(&sb);
            proptest::prop_assert_eq!(union.iter().collect::<Vec<_>>(), ta.union(&tb).copied().collect::<Vec<_>>());
            proptest::prop_assert_eq!(union.len(), ta.union(&tb).count());
            for x in 0..5000 {
                proptest::prop_assert_eq!(sa.contains(x), ta.contains(&x));
            }
        }
    }
}
