//! Canonical keys of an order table's texts, folded when the table is read.
//!
//! The ledger matches lines to target units by canonical key (the text
//! folded by [`crate::text::match_key`], or a product class's key). Folding
//! is per distinct text, so it belongs with the table's texts: done once
//! when the workbook is read, in parallel with the other workbooks, and kept
//! in the parse cache with them, so that a re-run folds only the workbooks
//! that changed.

use super::{OrderLine, TableTexts, TextId};
use crate::text::PackedTexts;
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
        for &t in o.custom.iter().flatten() {
            self.add(texts, t, Canon::Name);
        }
        self.add(texts, o.customer, Canon::Name);
        self.add(texts, o.product, Canon::Name);
        for t in [o.salesperson, o.group, o.region].into_iter().flatten() {
            self.add(texts, t, Canon::Name);
        }
        if let Some(c) = o.product_class {
            self.add(texts, c, Canon::Class);
        }
    }

    /// True when every text of `o` that the ledger matches by has its key
    /// (a parse cache entry whose keys do not cover its lines is not used).
    pub fn covers(&self, o: &OrderLine) -> bool {
        let has = |id: TextId, c: Canon| {
            self.local[c as usize]
                .get(id.index())
                .is_some_and(|&k| k != UNFOLDED)
        };
        let names = [
            Some(o.customer),
            Some(o.product),
            o.salesperson,
            o.group,
            o.region,
        ];
        names
            .into_iter()
            .chain(o.custom.iter().copied())
            .flatten()
            .all(|t| has(t, Canon::Name))
            && o.product_class.is_none_or(|c| has(c, Canon::Class))
    }

    /// True when these are the keys of a table with `texts`.
    pub fn fits(&self, texts: &TableTexts) -> bool {
        let [name, class] = &self.local;
        name.len() == texts.len() && (class.is_empty() || class.len() == texts.len())
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

/// [`TableKeys`] as the parse cache stores them: the keys, and for each key
/// the text it folds (its index plus one, negated for a product class), as
/// four-byte numbers; the dense map is rebuilt on reading.
#[derive(Serialize, Deserialize)]
struct StoredKeys<'a> {
    #[serde(borrow)]
    keys: crate::text::StoredTexts<'a>,
    #[serde(borrow, with = "serde_bytes")]
    texts: Cow<'a, [u8]>,
    /// How many texts the table has.
    table_texts: u32,
}

impl Serialize for TableKeys {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut texts = vec![0i32; self.keys.len()];
        for (c, local) in self.local.iter().enumerate() {
            for (index, &k) in local.iter().enumerate() {
                if k != UNFOLDED {
                    let n = i32::try_from(index + 1).expect("fewer than 2^31 texts in a table");
                    texts[k as usize] = if c == Canon::Class as usize { -n } else { n };
                }
            }
        }
        let mut keys = crate::text::StoredTexts::default();
        for i in 0..self.keys.len() {
            keys.push(self.keys.get(i));
        }
        StoredKeys {
            keys,
            texts: texts.iter().flat_map(|t| t.to_le_bytes()).collect(),
            table_texts: self.local[0].len().max(self.local[1].len()) as u32,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for TableKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let bad = |what: &str| D::Error::custom(format!("table keys: {what}"));
        let stored = StoredKeys::deserialize(d)?;
        let n = stored.table_texts as usize;
        let mut local = [vec![UNFOLDED; n], Vec::new()];
        let mut keys = Keys::with_room(stored.texts.len() / 4);
        let texts = stored.texts.chunks_exact(4);
        if !texts.remainder().is_empty() || stored.keys.len() != Some(texts.len()) {
            return Err(bad("keys and texts disagree"));
        }
        for (k, (key, text)) in stored.keys.each().zip(texts).enumerate() {
            let key = key.ok_or_else(|| bad("a key is not UTF-8"))?;
            let text = i32::from_le_bytes([text[0], text[1], text[2], text[3]]);
            let c = if text < 0 { Canon::Class } else { Canon::Name };
            let index = (text.unsigned_abs() as usize)
                .checked_sub(1)
                .filter(|&i| i < n)
                .ok_or_else(|| bad("a text past the table's"))?;
            let map = &mut local[c as usize];
            if map.is_empty() {
                map.resize(n, UNFOLDED);
            }
            if map[index] != UNFOLDED {
                return Err(bad("a text folded twice"));
            }
            map[index] = k as u32;
            keys.push_hashed(key, hash_of(key));
        }
        Ok(TableKeys { local, keys })
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
    fn stored_keys_read_back_equal_and_broken_ones_are_refused() {
        let (texts, lines) = sample();
        let keys = TableKeys::of(&texts, &lines);
        let bytes = postcard::to_allocvec(&keys).unwrap();
        assert_eq!(postcard::from_bytes::<TableKeys>(&bytes).unwrap(), keys);
        let empty = TableKeys::default();
        let bytes = postcard::to_allocvec(&empty).unwrap();
        assert_eq!(postcard::from_bytes::<TableKeys>(&bytes).unwrap(), empty);
        // A text number past the table's five texts.
        let mut past = StoredKeys {
            keys: Default::default(),
            texts: Cow::Owned(6i32.to_le_bytes().to_vec()),
            table_texts: 5,
        };
        past.keys.push("x");
        let bytes = postcard::to_allocvec(&past).unwrap();
        assert!(postcard::from_bytes::<TableKeys>(&bytes).is_err());
        // One text folded twice in one form.
        past.keys.push("y");
        past.texts = Cow::Owned([2i32, 2].iter().flat_map(|t| t.to_le_bytes()).collect());
        let bytes = postcard::to_allocvec(&past).unwrap();
        assert!(postcard::from_bytes::<TableKeys>(&bytes).is_err());
    }
}
