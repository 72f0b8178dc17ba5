//! Canonical keys of an order table's texts, folded when the table is read.
//!
//! The ledger matches lines to target units by canonical key (the text
//! folded by [`crate::text::match_key`], or a product class's key). Folding
//! is per distinct text, so it belongs with the table's texts: done when
//! the workbook is read, in parallel with the other workbooks. The parse
//! cache keeps which texts each table folds, in which form, and the keys
//! ([`StoredKeys`]), so that reading an entry neither passes over every
//! line to find them nor folds them again.

use super::{OrderLine, TableTexts, TextId};
use crate::text::{PackedTexts, StoredTexts};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// Which canonical form a text takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Canon {
    /// A name: customer, product, person, group, region, custom value.
    Name,
    /// A product class: `core`, `new`, `long_tail` or the name folded.
    Class,
}

impl Canon {
    /// Appends the canonical form of `s` to `out`.
    pub fn push(self, s: &str, out: &mut String) {
        match self {
            Canon::Name => crate::text::push_match_key(s, out),
            Canon::Class => out.push_str(&crate::ledger::product_class_key(s)),
        }
    }
}

/// The hash keys are numbered by, the same on every run.
pub fn hash_of(key: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(key)
}

/// Canonical keys stored end to end in one buffer (keys are many and
/// short), each with its hash, computed once when the key is added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keys {
    texts: PackedTexts,
    /// The hash of each key, by number.
    pub hashes: Vec<u64>,
}

impl Keys {
    /// Room for `n` keys.
    pub fn with_room(n: usize) -> Keys {
        Keys {
            texts: PackedTexts::default(),
            hashes: Vec::with_capacity(n),
        }
    }

    /// Adds a key; returns its number.
    pub fn push(&mut self, key: &str) -> u32 {
        self.push_with(|text| text.push_str(key))
    }

    /// Adds a key whose hash is known.
    pub fn push_hashed(&mut self, key: &str, hash: u64) {
        self.texts.push(key);
        self.hashes.push(hash);
    }

    /// Adds the key `write` appends to the buffer; returns its number.
    pub fn push_with(&mut self, write: impl FnOnce(&mut String)) -> u32 {
        let i = self.texts.push_with(write);
        self.hashes.push(hash_of(self.texts.get(i)));
        u32::try_from(i).expect("fewer than 2^32 keys")
    }

    /// Removes the last key.
    pub fn pop(&mut self) {
        if self.hashes.pop().is_some() {
            self.texts.pop();
        }
    }

    /// Adds every key of `other`, in order.
    pub fn append(&mut self, other: &Keys) {
        self.texts.append(&other.texts);
        self.hashes.extend_from_slice(&other.hashes);
    }

    /// The keys as the parse cache stores texts, in order.
    pub(crate) fn stored(&self) -> StoredTexts<'static> {
        let mut stored = StoredTexts::default();
        for i in 0..self.len() {
            stored.push(self.get(i));
        }
        stored
    }

    /// Key number `i`.
    pub fn get(&self, i: usize) -> &str {
        self.texts.get(i)
    }

    /// How many keys there are.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}

/// No key: the text is not used in that canonical form.
pub const UNFOLDED: u32 = u32::MAX;

/// One order table's texts as its lines use them, folded: each text id used
/// in a canonical form has the number of its key there. Equal keys of two
/// texts are stored twice (numbering over all tables makes them one symbol).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableKeys {
    /// Key numbers by canonical form and text index ([`UNFOLDED`] if unused);
    /// a form no line uses has an empty vector.
    local: [Vec<u32>; 2],
    keys: Keys,
}

impl TableKeys {
    /// The keys of every text that `lines`, all of one table with texts
    /// `texts`, use in a field the ledger matches by.
    pub fn of<'l>(texts: &TableTexts, lines: impl IntoIterator<Item = &'l OrderLine>) -> Self {
        let mut keys = TableKeys {
            local: [vec![UNFOLDED; texts.len()], Vec::new()],
            keys: Keys::default(),
        };
        for o in lines {
            keys.add_line(texts, o);
        }
        keys
    }

    fn add(&mut self, texts: &TableTexts, id: TextId, c: Canon) {
        let local = &mut self.local[c as usize];
        if local.is_empty() {
            local.resize(texts.len(), UNFOLDED);
        }
        let slot = &mut local[id.index()];
        if *slot == UNFOLDED {
            let t = texts.get(id);
            *slot = self.keys.push_with(|text| c.push(t, text));
        }
    }

    /// Every text of `o` that the ledger matches by.
    fn add_line(&mut self, texts: &TableTexts, o: &OrderLine) {
        for (t, c) in matched_texts(o) {
            self.add(texts, t, c);
        }
    }

    /// True when every text of `o` that the ledger matches by has its key
    /// (a parse cache entry whose keys do not cover its lines is not used).
    pub fn covers(&self, o: &OrderLine) -> bool {
        matched_texts(o).all(|(id, c)| {
            self.local[c as usize]
                .get(id.index())
                .is_some_and(|&k| k != UNFOLDED)
        })
    }

    /// The table's keys, numbered in the order first met.
    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    /// For each canonical form, each text's key number ([`UNFOLDED`] if
    /// unused; an empty vector if the form is unused).
    pub fn local(&self) -> &[Vec<u32>; 2] {
        &self.local
    }
}

/// The texts of `o` that the ledger matches units by, each in its canonical
/// form, in the order their keys are numbered: custom values, customer,
/// product, salesperson, group, region, product class.
fn matched_texts(o: &OrderLine) -> impl Iterator<Item = (TextId, Canon)> + '_ {
    let names = [
        Some(o.customer),
        Some(o.product),
        o.salesperson,
        o.group,
        o.region,
    ];
    (o.custom.iter().copied())
        .chain(names)
        .flatten()
        .map(|t| (t, Canon::Name))
        .chain(o.product_class.map(|c| (c, Canon::Class)))
}

/// [`TableKeys`] as the parse cache stores them: for each key, the text it
/// folds, as a four-byte number (the text's index plus one, the top bit set
/// for a product class), and the key itself. Storing the keys adds a fifth
/// to the cache; reading them instead of folding 700,000 texts again made a
/// re-run at a million lines 0.98× (docs/performance.md, ninth session).
/// The cache's fingerprint includes how probe names and product classes
/// fold, so a build that folds differently does not read them.
#[derive(Default, Serialize, Deserialize)]
pub struct StoredKeys<'a> {
    #[serde(borrow, with = "serde_bytes")]
    texts: Cow<'a, [u8]>,
    /// The keys, in the same order.
    #[serde(borrow)]
    keys: StoredTexts<'a>,
}

/// In a stored key's text number: the key is a product class's.
const CLASS: u32 = 1 << 31;

impl TableKeys {
    /// The keys as the parse cache stores them.
    pub fn stored(&self) -> StoredKeys<'static> {
        let mut numbers = vec![0u32; self.keys.len()];
        for (c, local) in self.local.iter().enumerate() {
            for (index, &k) in local.iter().enumerate() {
                if k != UNFOLDED {
                    let n = u32::try_from(index + 1).ok().filter(|&n| n < CLASS);
                    let n = n.expect("fewer than 2^31 texts in a table");
                    numbers[k as usize] = if c == Canon::Class as usize {
                        n | CLASS
                    } else {
                        n
                    };
                }
            }
        }
        StoredKeys {
            texts: numbers.iter().flat_map(|n| n.to_le_bytes()).collect(),
            keys: self.keys.stored(),
        }
    }

    /// The keys of the table with `texts` again, from their stored form;
    /// `None` when they do not hold together (no text, a text past the
    /// table's, a text folded twice in one form).
    pub fn restore(stored: &StoredKeys, texts: &TableTexts) -> Option<TableKeys> {
        let n = texts.len();
        let numbers = stored.texts.chunks_exact(4);
        if !numbers.remainder().is_empty() {
            return None;
        }
        if stored.keys.len() != Some(numbers.len()) {
            return None;
        }
        let mut keys = TableKeys {
            local: [vec![UNFOLDED; n], Vec::new()],
            keys: Keys::with_room(numbers.len()),
        };
        for (number, key) in numbers.zip(stored.keys.each()) {
            let number = u32::from_le_bytes(number.try_into().ok()?);
            let c = if number & CLASS != 0 {
                Canon::Class
            } else {
                Canon::Name
            };
            let index = ((number & !CLASS) as usize)
                .checked_sub(1)
                .filter(|&i| i < n)?;
            let local = &mut keys.local[c as usize];
            if local.is_empty() {
                local.resize(n, UNFOLDED);
            }
            if local[index] != UNFOLDED {
                return None;
            }
            local[index] = keys.keys.push(key?);
        }
        Some(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (TableTexts, Vec<OrderLine>) {
        let mut texts = TableTexts::default();
        let product = texts.push("门锁");
        let customer = texts.push("甲公司 ");
        let class = texts.push("核心产品");
        let order = texts.push("SO-1");
        let person = texts.push("Zhang San");
        let mut a = OrderLine::sample(1);
        (a.product, a.customer, a.order_id) = (product, customer, Some(order));
        let mut b = a.clone();
        (b.product_class, b.salesperson) = (Some(class), Some(person));
        // The class text also names a product on a third line: two forms, two keys.
        let mut c = a.clone();
        c.product = class;
        (texts, vec![a, b, c])
    }

    #[test]
    fn each_used_text_is_folded_once_per_form_and_order_ids_are_not() {
        let (texts, lines) = sample();
        let keys = TableKeys::of(&texts, &lines);
        let all: Vec<&str> = (0..keys.keys().len()).map(|i| keys.keys().get(i)).collect();
        assert_eq!(all, ["甲公司", "门锁", "zhangsan", "core", "核心产品"]);
        assert_eq!(keys.local()[0], [1, 0, 4, UNFOLDED, 2]);
        assert_eq!(keys.local()[1], [UNFOLDED, UNFOLDED, 3, UNFOLDED, UNFOLDED]);
        assert_eq!(keys.keys().hashes[3], hash_of("core"));
        assert!(lines.iter().all(|o| keys.covers(o)));
    }

    #[test]
    fn keys_that_miss_a_line_do_not_cover_it() {
        let (texts, lines) = sample();
        let first_only = TableKeys::of(&texts, &lines[..1]);
        assert!(first_only.covers(&lines[0]));
        assert!(
            !first_only.covers(&lines[1]),
            "its salesperson and class are not folded"
        );
        assert!(!first_only.covers(&lines[2]), "its product is not folded");
    }

    #[test]
    fn stored_keys_read_back_equal() {
        let (texts, lines) = sample();
        let keys = TableKeys::of(&texts, &lines);
        let bytes = postcard::to_allocvec(&keys.stored()).unwrap();
        let back = postcard::from_bytes::<StoredKeys>(&bytes).unwrap();
        assert_eq!(back.texts.len(), 4 * 5, "four bytes a key");
        assert_eq!(back.keys.len(), Some(5), "and the key");
        assert_eq!(TableKeys::restore(&back, &texts), Some(keys));
        let none = TableTexts::default();
        let empty = TableKeys::of(&none, []);
        assert_eq!(TableKeys::restore(&empty.stored(), &none), Some(empty));
    }

    #[test]
    fn stored_keys_that_do_not_hold_together_are_refused() {
        let (texts, lines) = sample();
        let stored = |numbers: &[u32]| {
            let mut keys = StoredTexts::default();
            numbers.iter().for_each(|_| keys.push("k"));
            StoredKeys {
                texts: numbers.iter().flat_map(|n| n.to_le_bytes()).collect(),
                keys,
            }
        };
        let restore = |numbers: &[u32]| TableKeys::restore(&stored(numbers), &texts);
        assert!(restore(&[2, 1]).is_some(), "甲公司 and 门锁");
        assert!(restore(&[3, 3 | CLASS]).is_some(), "one text in both forms");
        assert!(restore(&[6]).is_none(), "a text past the table's five");
        assert!(restore(&[0]).is_none(), "no text");
        assert!(restore(&[2, 2]).is_none(), "one text folded twice");
        assert!(
            restore(&[3 | CLASS, 3 | CLASS]).is_none(),
            "one class folded twice"
        );
        let cut = StoredKeys {
            texts: Cow::Owned(vec![1, 0, 0]),
            ..Default::default()
        };
        assert!(
            TableKeys::restore(&cut, &texts).is_none(),
            "a number cut short"
        );
        let mut one_key_short = stored(&[2, 1]);
        one_key_short.keys = StoredTexts::default();
        one_key_short.keys.push("甲公司");
        assert!(
            TableKeys::restore(&one_key_short, &texts).is_none(),
            "two numbers, one key"
        );
        // The keys are taken as stored, not folded again.
        let restored = restore(&[2, 3 | CLASS]).unwrap();
        assert_eq!((restored.keys().get(0), restored.keys().get(1)), ("k", "k"));
        assert_eq!(restored.keys().hashes[1], hash_of("k"));
        // Keys restored against other texts are refused when a text is past them.
        let keys = TableKeys::of(&texts, &lines).stored();
        assert!(TableKeys::restore(&keys, &TableTexts::default()).is_none());
    }
}
