//! The order book: distinct order lines, each attributed to a unit of every
//! dimension.
//!
//! In: the [`Dataset`] and the [`Config`]. Out: a [`Ledger`] whose entries say,
//! for every distinct order line, its quarter and month, its customer's
//! lifecycle in that quarter (new, returning, churned-and-recalled; contract
//! §3), its product class and its salesperson, group and region, as canonical
//! keys that target units are matched by. Duplicates are set aside with both
//! locations: with a Line ID column, the same order ID and line ID; without
//! one, equal in every recognised column.

use crate::actuals::Cube;
use crate::calendar::{Month, Period, parse_month};
use crate::config::Config;
use crate::recognize::Role;
use crate::records::keys::{Canon, Keys, TableKeys, UNFOLDED, hash_of};
use crate::records::{Dataset, Dimension, OrderLine, TableTexts, TextId};
use crate::text::match_key;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use thin_vec::ThinVec;

mod symset;
pub use symset::SymSet;

/// A customer's place in its lifecycle in one quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lifecycle {
    /// First order ever falls in the quarter (新客户).
    New,
    /// Ordered before, within the last `churn_quarters` quarters (老客户).
    Returning,
    /// Ordered before, but not within those quarters, and again now (流失客户, recalled).
    Churned,
}

impl Lifecycle {
    /// The canonical unit key: `new`, `returning`, `churned`.
    pub fn key(self) -> &'static str {
        match self {
            Lifecycle::New => "new",
            Lifecycle::Returning => "returning",
            Lifecycle::Churned => "churned",
        }
    }

    /// Reads a customer type or a customer-dimension unit name.
    ///
    /// ```
    /// use qbr::ledger::Lifecycle;
    /// assert_eq!(Lifecycle::parse("新客户"), Some(Lifecycle::New));
    /// assert_eq!(Lifecycle::parse("Returning"), Some(Lifecycle::Returning));
    /// assert_eq!(Lifecycle::parse("召回客户"), Some(Lifecycle::Churned));
    /// assert_eq!(Lifecycle::parse("VIP"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Lifecycle> {
        match match_key(text).as_str() {
            "new" | "新客户" | "新客" | "新" | "newcustomer" | "newcustomers" => {
                Some(Lifecycle::New)
            }
            "returning" | "老客户" | "老客" | "老" | "existing" | "returningcustomer"
            | "returningcustomers" | "复购客户" => Some(Lifecycle::Returning),
            "churned" | "流失客户" | "流失" | "召回客户" | "召回" | "recalled" | "recall"
            | "churnedcustomer" | "churnedcustomers" => Some(Lifecycle::Churned),
            _ => None,
        }
    }
}

/// The key a product class is matched by: `core`, `new`, `long_tail`, or the
/// class name folded.
///
/// ```
/// use qbr::ledger::product_class_key;
/// assert_eq!(product_class_key("核心产品"), "core");
/// assert_eq!(product_class_key("Long Tail"), "long_tail");
/// assert_eq!(product_class_key("配件"), "配件");
/// ```
pub fn product_class_key(text: &str) -> String {
    let k = match_key(text);
    match k.as_str() {
        "core" | "核心产品" | "核心" | "coreproducts" | "coreproduct" => "core".into(),
        "new" | "新品" | "新产品" | "newproducts" | "newproduct" => "new".into(),
        "longtail" | "长尾产品" | "长尾" | "longtailproducts" => "long_tail".into(),
        _ => k,
    }
}

/// The key a target unit of a dimension is matched by against order lines.
pub fn unit_key(dimension: &Dimension, unit: &str) -> String {
    match dimension {
        Dimension::Customer => Lifecycle::parse(unit)
            .map(|l| l.key().to_string())
            .unwrap_or_else(|| match_key(unit)),
        Dimension::Product => product_class_key(unit),
        Dimension::Month => parse_month(unit)
            .map(|m| m.to_string())
            .unwrap_or_else(|| match_key(unit)),
        _ => match_key(unit),
    }
}

/// Why a line's customer has no lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LifecycleIssue {
    /// The Customer Type cell holds a value that is not new, returning or churned.
    UnknownType,
}

/// A symbol: the id of a canonical key (customer, product, person, group,
/// region or product class) in [`Symbols`].
pub type Sym = u32;

/// Canonical keys stored once; entries refer to them by [`Sym`].
#[derive(Debug, Clone, Default)]
pub struct Symbols {
    /// Every symbol by its key's hash, sorted: a key is found by searching
    /// its hash, then comparing names (lookups are few: one per target unit).
    by_hash: Vec<(u64, Sym)>,
    /// The keys end to end, by symbol.
    names: Keys,
}

/// How many shards the keys are numbered in, in parallel.
const SHARDS: usize = 16;

fn shard_of(hash: u64) -> usize {
    (hash >> 32) as usize % SHARDS
}

/// No further key with the same hash.
const END: u32 = u32::MAX;

#[cfg(test)]
thread_local! {
    /// Set by a test on its thread: symbols are numbered in reverse
    /// first-seen order, to show that no output depends on the numbering.
    static REVERSED_NUMBERING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Symbols {
    /// The symbol of a canonical key, when any line uses it.
    pub fn get(&self, key: &str) -> Option<Sym> {
        let h = hash_of(key);
        let from = self.by_hash.partition_point(|&(x, _)| x < h);
        self.by_hash[from..]
            .iter()
            .take_while(|&&(x, _)| x == h)
            .map(|&(_, s)| s)
            .find(|&s| self.name(s) == key)
    }

    /// The canonical key of a symbol.
    pub fn name(&self, s: Sym) -> &str {
        self.names.get(s as usize)
    }

    /// How many symbols there are.
    fn len(&self) -> usize {
        self.names.len()
    }

    /// Numbers the keys of every part as one pass over the parts in order
    /// would: a key's symbol is the number of distinct keys first met before
    /// it. Keys are split into shards by hash, each shard finds its distinct
    /// keys and where each was first met, in parallel; the first meetings,
    /// sorted by place, give the numbers. Returns each part's symbols by key.
    fn number(parts: &[&Keys]) -> (Symbols, Vec<Vec<Sym>>) {
        use rayon::prelude::*;
        // Per part, per shard: the numbers of the part's keys in that shard.
        let buckets: Vec<Vec<Vec<u32>>> = parts
            .par_iter()
            .map(|keys| {
                let mut b = vec![Vec::new(); SHARDS];
                for (i, &h) in keys.hashes.iter().enumerate() {
                    b[shard_of(h)].push(i as u32);
                }
                b
            })
            .collect();
        struct Shard<'k> {
            /// Distinct keys with the place (part, key number) first met,
            /// and their hashes.
            firsts: Vec<((u32, u32), &'k str, u64)>,
            /// Per part, the shard's number of each key in its bucket.
            locals: Vec<Vec<u32>>,
        }
        let shards: Vec<Shard> = (0..SHARDS)
            .into_par_iter()
            .map(|shard| {
                // Distinct keys found by their hash (computed once, when the
                // key was folded), then compared; keys with one hash are
                // chained through `same_hash`.
                // Room for the largest part's share up front, instead of
                // growing the map a dozen times: the masters, or the table
                // with the most keys, give most of the distinct ones.
                let room = parts.iter().map(|k| k.len()).max().unwrap_or(0) / SHARDS;
                let mut seen: HashMap<u64, u32> = HashMap::default();
                seen.reserve(room);
                let mut same_hash: Vec<u32> = Vec::with_capacity(room);
                let mut firsts: Vec<((u32, u32), &str, u64)> = Vec::with_capacity(room);
                let locals = parts
                    .iter()
                    .zip(&buckets)
                    .enumerate()
                    .map(|(p, (keys, b))| {
                        b[shard]
                            .iter()
                            .map(|&i| {
                                let (k, h) = (keys.get(i as usize), keys.hashes[i as usize]);
                                let mut at = seen.get(&h).copied().unwrap_or(END);
                                while at != END && firsts[at as usize].1 != k {
                                    at = same_hash[at as usize];
                                }
                                if at == END {
                                    at = firsts.len() as u32;
                                    same_hash.push(seen.insert(h, at).unwrap_or(END));
                                    firsts.push(((p as u32, i), k, h));
                                }
                                at
                            })
                            .collect()
                    })
                    .collect();
                Shard { firsts, locals }
            })
            .collect();
        let mut met: Vec<((u32, u32), u32, u32)> = shards
            .iter()
            .enumerate()
            .flat_map(|(s, sh)| {
                let firsts = sh.firsts.iter().enumerate();
                firsts.map(move |(l, &(place, ..))| (place, s as u32, l as u32))
            })
            .collect();
        met.par_sort_unstable();
        #[cfg(test)]
        if REVERSED_NUMBERING.get() {
            met.reverse();
        }
        let mut global: Vec<Vec<Sym>> = shards.iter().map(|s| vec![0; s.firsts.len()]).collect();
        for (n, &(_, s, l)) in met.iter().enumerate() {
            global[s as usize][l as usize] = n as Sym;
        }
        let first = |&(_, s, l): &((u32, u32), u32, u32)| shards[s as usize].firsts[l as usize];
        // The keys in symbol order, stored while their hashes are sorted for lookups.
        let (names, by_hash) = rayon::join(
            || {
                let mut names = Keys::default();
                for m in &met {
                    let (_, key, hash) = first(m);
                    names.push_hashed(key, hash);
                }
                names
            },
            || {
                let mut by_hash: Vec<(u64, Sym)> = met
                    .par_iter()
                    .enumerate()
                    .map(|(n, m)| (first(m).2, n as Sym))
                    .collect();
                by_hash.par_sort_unstable();
                by_hash
            },
        );
        let syms = (0..parts.len())
            .into_par_iter()
            .map(|p| {
                let mut syms = vec![0; parts[p].len()];
                for (shard, sh) in shards.iter().enumerate() {
                    for (&i, &l) in buckets[p][shard].iter().zip(&sh.locals[p]) {
                        syms[i as usize] = global[shard][l as usize];
                    }
                }
                syms
            })
            .collect();
        (Symbols { by_hash, names }, syms)
    }
}

/// One distinct order line and the units it belongs to: 64 bytes (a
/// million of them are read by every pass of the review).
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Index into [`Dataset::orders`] (see [`Entry::index`]).
    pub order: u32,
    /// The line's amount, beside its units so that passes summing over
    /// entries read one vector in order instead of every order line.
    pub amount: Decimal,
    /// The line's month (its quarter is [`Entry::period`]).
    pub month: Month,
    pub customer: Sym,
    /// The product name's key (product-dimension units may name products).
    pub product: Sym,
    pub lifecycle: Result<Lifecycle, LifecycleIssue>,
    /// Canonical product class; none when neither the line nor the products master names one.
    pub product_class: OptSym,
    pub person: OptSym,
    pub group: OptSym,
    pub region: OptSym,
    /// The line's value of each custom dimension (index into
    /// `Config::custom_dimensions`): one pointer, no allocation when empty.
    pub custom: ThinVec<Option<Sym>>,
}

/// An optional symbol in four bytes (`Option<Sym>` takes eight).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OptSym(Sym);

impl OptSym {
    /// No symbol.
    pub const NONE: OptSym = OptSym(Sym::MAX);

    /// The symbol, if any.
    pub fn get(self) -> Option<Sym> {
        (self != OptSym::NONE).then_some(self.0)
    }
}

impl From<Option<Sym>> for OptSym {
    fn from(s: Option<Sym>) -> OptSym {
        // Symbols are numbered from 0 and never reach u32::MAX (the lines would not fit in memory).
        s.map_or(OptSym::NONE, OptSym)
    }
}

/// A target unit resolved against the ledger: what a line must have to belong to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitMatch {
    /// The total: every line.
    All,
    Lifecycle(Lifecycle),
    Month(Month),
    /// A product class or product, a region, group or person.
    Sym(Sym),
    /// A value of the custom dimension with this index.
    Custom(usize, Sym),
    /// No line can belong (a name no line carries, a custom dimension).
    Nothing,
}

impl Entry {
    /// The line's index into [`Dataset::orders`].
    pub fn index(&self) -> usize {
        self.order as usize
    }

    /// The order line.
    pub fn line<'d>(&self, ds: &'d Dataset) -> &'d OrderLine {
        &ds.orders[self.index()]
    }

    /// The line's quarter.
    pub fn period(&self) -> Period {
        self.month.period()
    }

    /// True when the line belongs to the unit. A field read here must be
    /// one that lines of one [`crate::actuals::Cube`] cell share.
    pub fn matches(&self, dimension: &Dimension, m: UnitMatch) -> bool {
        match m {
            UnitMatch::All => true,
            UnitMatch::Nothing => false,
            UnitMatch::Lifecycle(l) => self.lifecycle == Ok(l),
            UnitMatch::Month(mo) => self.month == mo,
            UnitMatch::Custom(d, s) => self.custom.get(d) == Some(&Some(s)),
            UnitMatch::Sym(s) => match dimension {
                Dimension::Product => self.product_class.get() == Some(s) || self.product == s,
                Dimension::Region => self.region.get() == Some(s),
                Dimension::Group => self.group.get() == Some(s),
                Dimension::Person => self.person.get() == Some(s),
                _ => false,
            },
        }
    }
}

/// A line counted once because another line is the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The line that is counted (index into [`Dataset::orders`]).
    pub kept: usize,
    /// The line that is not.
    pub dropped: usize,
    /// Matched by order ID and line ID (otherwise by every recognised column).
    pub by_line_id: bool,
}

/// Distinct order lines with their units, and the duplicates set aside.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// Sorted by quarter, then by input order.
    pub entries: Vec<Entry>,
    pub duplicates: Vec<Duplicate>,
    /// The earliest order date in the inbox.
    pub history_start: Option<NaiveDate>,
    pub symbols: Symbols,
    by_period: BTreeMap<Period, (usize, usize)>,
    /// Each quarter's lines summed per cell, made when first asked for.
    cubes: BTreeMap<Period, std::sync::OnceLock<Cube>>,
    /// The keys of the custom dimensions, by index.
    pub custom_keys: Vec<String>,
    /// By symbol, the quarters a customer ordered in (bit `i`: the `i`-th
    /// quarter from `quarter_base`; earlier quarters share bit 0).
    customer_quarters: Vec<QuarterBits>,
    quarter_base: Option<Period>,
}

impl Ledger {
    /// The customers who ordered in a quarter from `from` (`None`: from the
    /// first) up to `to`, not included, read from each customer's quarters
    /// instead of the lines; `None` when those quarters reach back past the
    /// ones the ledger tells apart (more than 127 before the latest).
    pub fn customers_ordering(&self, from: Option<Period>, to: Period) -> Option<SymSet> {
        let base = self.quarter_base?;
        let bit = |p: Period| quarter_index(p) - quarter_index(base);
        let (lo, hi) = (from.map_or(0, bit), bit(to));
        if from.is_some() && lo < 1 || hi < 1 {
            return None;
        }
        let mask = bits_below(hi) & !bits_below(lo);
        let mut set = SymSet::with_room(self.customer_quarters.len());
        for (c, &q) in self.customer_quarters.iter().enumerate() {
            if q & mask != 0 {
                set.insert(c as Sym);
            }
        }
        Some(set)
    }

    /// A quarter's [`Cube`] (`ds` is the dataset the ledger was built
    /// from); made once, on the first call for the quarter.
    pub fn cube(&self, ds: &Dataset, period: Period) -> &Cube {
        static EMPTY: Cube = Cube { cells: Vec::new() };
        match self.cubes.get(&period) {
            Some(cube) => cube.get_or_init(|| Cube::of(self.in_period(period), ds)),
            None => &EMPTY,
        }
    }

    /// Entries dated in the quarters from `from` (`None`: from the first) up
    /// to `to`, not included.
    pub fn between(&self, from: Option<Period>, to: Period) -> &[Entry] {
        let start = from.map_or(0, |f| self.entries.partition_point(|e| e.period() < f));
        let end = self.entries.partition_point(|e| e.period() < to);
        &self.entries[start..end.max(start)]
    }

    /// Entries dated inside a quarter.
    pub fn in_period(&self, period: Period) -> &[Entry] {
        match self.by_period.get(&period) {
            Some(&(a, b)) => &self.entries[a..b],
            None => &[],
        }
    }

    /// Entries dated before a quarter (history).
    pub fn before(&self, period: Period) -> &[Entry] {
        self.between(None, period)
    }

    /// The quarters that have lines, oldest first.
    pub fn periods(&self) -> impl Iterator<Item = Period> + '_ {
        self.by_period.keys().copied()
    }

    /// Resolves a target unit of a dimension against the lines' keys.
    pub fn resolve(&self, dimension: &Dimension, unit_key: &str) -> UnitMatch {
        match dimension {
            Dimension::Total => UnitMatch::All,
            Dimension::Customer => match unit_key {
                "new" => UnitMatch::Lifecycle(Lifecycle::New),
                "returning" => UnitMatch::Lifecycle(Lifecycle::Returning),
                "churned" => UnitMatch::Lifecycle(Lifecycle::Churned),
                _ => UnitMatch::Nothing,
            },
            Dimension::Month => parse_month(unit_key)
                .map(UnitMatch::Month)
                .unwrap_or(UnitMatch::Nothing),
            Dimension::Custom(c) => {
                match (
                    self.custom_keys.iter().position(|k| *k == c.key),
                    self.symbols.get(unit_key),
                ) {
                    (Some(d), Some(s)) => UnitMatch::Custom(d, s),
                    _ => UnitMatch::Nothing,
                }
            }
            Dimension::Other(_) => UnitMatch::Nothing,
            _ => self
                .symbols
                .get(unit_key)
                .map(UnitMatch::Sym)
                .unwrap_or(UnitMatch::Nothing),
        }
    }
}

/// The identity two lines share when they are the same line.
#[derive(Debug, PartialEq, Eq, Hash)]
enum LineKey<'a> {
    ById(&'a str, &'a str),
    Whole(Box<WholeKey<'a>>),
}

type WholeKey<'a> = (
    Option<&'a str>,
    NaiveDate,
    &'a str,
    &'a str,
    Decimal,
    Option<Decimal>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<Decimal>,
);

/// The identity of line `o`, whose table's texts are `texts`.
fn line_key<'a>(texts: &'a TableTexts, o: &OrderLine) -> LineKey<'a> {
    let text = |id: Option<TextId>| id.map(|id| texts.get(id));
    match (o.order_id, o.line_id) {
        (Some(id), Some(line)) => LineKey::ById(texts.get(id), texts.get(line)),
        _ => LineKey::Whole(Box::new((
            text(o.order_id),
            o.date,
            texts.get(o.customer),
            texts.get(o.product),
            o.amount.normalize(),
            o.quantity.get().map(|q| q.normalize()),
            text(o.salesperson),
            text(o.customer_type),
            text(o.product_class),
            text(o.region),
            text(o.group),
            o.collected.get().map(|c| c.normalize()),
        ))),
    }
}

/// A 64-bit hash of the identity of line `o`, whose table's texts are
/// `texts`: the same on every run, so that it is computed when the table is
/// read and kept in the parse cache.
pub fn line_hash(texts: &TableTexts, o: &OrderLine) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    line_key(texts, o).hash(&mut h);
    h.finish()
}

/// Finds duplicates among lines with equal identity hashes, compared in
/// full, so a hash collision never merges lines. Returns the distinct
/// lines' indexes (32 bits, as [`Entry::order`]) and the duplicates.
fn find_duplicates(ds: &Dataset) -> (Vec<u32>, Vec<Duplicate>) {
    let line_key = |i: usize| {
        let o = &ds.orders[i];
        line_key(&ds.order_texts[o.origin.table.0 as usize], o)
    };
    let hashed = may_repeat(&ds.line_hashes());
    let mut duplicates = Vec::new();
    for run in hashed
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
    {
        // Within one hash, each line is a duplicate of the first equal line before it.
        for (k, &(_, i)) in run.iter().enumerate() {
            let key = line_key(i);
            if let Some(&(_, kept)) = run[..k].iter().find(|&&(_, j)| line_key(j) == key) {
                duplicates.push(Duplicate {
                    kept,
                    dropped: i,
                    by_line_id: matches!(key, LineKey::ById(..)),
                });
            }
        }
    }
    duplicates.sort_by_key(|d| d.dropped);
    let mut dropped = duplicates.iter().map(|d| d.dropped).peekable();
    // 4 billion lines would take 480 GB as order lines: never reached.
    let n = u32::try_from(ds.orders.len()).expect("fewer than 2^32 order lines");
    let distinct = (0..n)
        .filter(|&i| dropped.next_if_eq(&(i as usize)).is_none())
        .collect();
    (distinct, duplicates)
}

/// The (hash, line) pairs whose hash may occur more than once, sorted:
/// every pair whose hash does is among them. One pass marks each hash's
/// slot in a bitmap (16 slots a line), noting the slots met twice; only the
/// lines in those slots (a few in a hundred, and every repeated hash) are
/// sorted, not all of them.
fn may_repeat(hashes: &[u64]) -> Vec<(u64, usize)> {
    let slots = (hashes.len() * 16).next_power_of_two().max(64);
    let shift = 64 - slots.trailing_zeros();
    let slot = |h: u64| ((h >> shift) as usize / 64, 1u64 << (h >> shift & 63));
    let (mut seen, mut twice) = (vec![0u64; slots / 64], vec![0u64; slots / 64]);
    for &h in hashes {
        let (word, bit) = slot(h);
        twice[word] |= seen[word] & bit;
        seen[word] |= bit;
    }
    let mut pairs: Vec<(u64, usize)> = (hashes.iter().enumerate())
        .filter(|&(_, &h)| {
            let (word, bit) = slot(h);
            twice[word] & bit != 0
        })
        .map(|(i, &h)| (h, i))
        .collect();
    pairs.sort_unstable();
    pairs
}

/// Symbols for every distinct text, looked up per part of the dataset: the
/// masters are one part, found by the texts' addresses, and each order
/// table another, found by text id. Within a part, canonical keys are
/// computed once per distinct text (an order table's when it is read, see
/// [`TableKeys`]); symbols are then numbered in first-seen order over the
/// parts, the same numbering a single pass would give.
struct SymbolMap<'a> {
    masters: Part<'a>,
    /// The symbols of each order table's texts, by table id.
    tables: Vec<TableSyms>,
}

/// A part's texts by their local number: each allocation is found by its
/// address; the empty text, which has no allocation of its own, by its
/// canonical form.
#[derive(Default)]
struct Locals<'a> {
    by_address: HashMap<(usize, Canon), u32>,
    empty: [Option<u32>; 2],
    /// The texts are found by address: they must outlive the map.
    texts: std::marker::PhantomData<&'a str>,
}

impl<'a> Locals<'a> {
    /// The local number of a text, given the next one if it is new.
    fn get_or_add(&mut self, t: &'a str, c: Canon, add: impl FnOnce() -> u32) -> u32 {
        if t.is_empty() {
            *self.empty[c as usize].get_or_insert_with(add)
        } else {
            *self
                .by_address
                .entry((t.as_ptr() as usize, c))
                .or_insert_with(add)
        }
    }

    fn get(&self, t: &str, c: Canon) -> Option<u32> {
        if t.is_empty() {
            self.empty[c as usize]
        } else {
            self.by_address.get(&(t.as_ptr() as usize, c)).copied()
        }
    }
}

/// The symbols of one part's texts: `syms` gives the symbol of each local number.
struct Part<'a> {
    locals: Locals<'a>,
    /// The local number of the customers master's first name; the names
    /// follow in the master's order (found by place, not by address).
    customers: u32,
    syms: Vec<Sym>,
}

impl<'a> Part<'a> {
    fn get(&self, t: &str, c: Canon) -> Sym {
        let local = self.locals.get(t, c);
        self.syms[local.expect("every text looked up was folded") as usize]
    }

    /// The symbol of the name of the customers master's row `i`.
    fn customer(&self, i: usize) -> Sym {
        self.syms[self.customers as usize + i]
    }
}

/// The symbols of one order table's texts, by text id and canonical form.
#[derive(Default)]
struct TableSyms {
    by_id: [Vec<Sym>; 2],
}

impl TableSyms {
    /// The symbols of a table's texts, given those of its keys.
    fn of(keys: &TableKeys, syms: &[Sym]) -> TableSyms {
        let by_local = |local: &[u32]| -> Vec<Sym> {
            let sym = |&l: &u32| {
                if l == UNFOLDED {
                    Sym::MAX
                } else {
                    syms[l as usize]
                }
            };
            local.iter().map(sym).collect()
        };
        let [name, class] = keys.local();
        TableSyms {
            by_id: [by_local(name), by_local(class)],
        }
    }

    fn get(&self, id: TextId, c: Canon) -> Sym {
        let s = self.by_id[c as usize][id.index()];
        assert_ne!(s, Sym::MAX, "every text looked up was folded");
        s
    }
}

impl<'a> SymbolMap<'a> {
    /// Numbers the keys of the masters, then of each order table, in that
    /// order (`tables` by table id).
    fn build(masters: PartBuilder<'a>, tables: &[TableKeys]) -> (Self, Symbols) {
        use rayon::prelude::*;
        let (mut masters, master_keys) = masters.finish();
        let keys: Vec<&Keys> = std::iter::once(&master_keys)
            .chain(tables.iter().map(TableKeys::keys))
            .collect();
        let (symbols, mut syms) = Symbols::number(&keys);
        let table_syms: Vec<Vec<Sym>> = syms.split_off(1);
        masters.syms = syms.pop().expect("the masters' symbols");
        let tables = (tables.par_iter().zip(&table_syms))
            .map(|(keys, syms)| TableSyms::of(keys, syms))
            .collect();
        (SymbolMap { masters, tables }, symbols)
    }

    /// The masters' symbols.
    fn masters(&self) -> &Part<'a> {
        &self.masters
    }

    /// The symbols of an order line's table.
    fn of_line(&self, o: &OrderLine) -> &TableSyms {
        &self.tables[o.origin.table.0 as usize]
    }
}

/// A part's texts as they are met: a text not met before gets a local number
/// and its canonical key. Equal texts in two allocations get two numbers with
/// one key, hence one symbol.
#[derive(Default)]
struct PartBuilder<'a> {
    locals: Locals<'a>,
    keys: Keys,
    /// See [`Part::customers`].
    customers: u32,
}

impl<'a> PartBuilder<'a> {
    /// A builder with room for `n` texts.
    fn with_room(n: usize) -> Self {
        let mut b = PartBuilder::default();
        b.locals.by_address.reserve(n);
        b.keys.hashes.reserve(n);
        b
    }

    fn add(&mut self, t: &'a str, c: Canon) {
        let keys = &mut self.keys;
        self.locals
            .get_or_add(t, c, || keys.push_with(|text| c.push(t, text)));
    }

    /// Adds the customers master's names, one key each, in its order (they
    /// were folded when the master was read).
    fn add_customers(&mut self, names: &Keys) {
        self.customers = u32::try_from(self.keys.len()).expect("fewer than 2^32 keys");
        self.keys.append(names);
    }

    fn finish(self) -> (Part<'a>, Keys) {
        let part = Part {
            locals: self.locals,
            customers: self.customers,
            syms: Vec::new(),
        };
        (part, self.keys)
    }
}

/// Bit `i` set: the customer ordered in the `i`-th quarter from the first one.
type QuarterBits = u128;

/// The texts of the master data: products, people, customers, then the
/// masters' custom dimension values.
fn master_texts(ds: &Dataset) -> PartBuilder<'_> {
    let n = 2 * ds.products.len() + 3 * ds.people.len();
    let mut texts = PartBuilder::with_room(n);
    for p in &ds.products {
        texts.add(&p.product, Canon::Name);
        texts.add(&p.class, Canon::Class);
    }
    for p in &ds.people {
        texts.add(&p.name, Canon::Name);
        texts.add(&p.group, Canon::Name);
        texts.add(&p.region, Canon::Name);
    }
    texts.add_customers(&ds.customer_keys);
    let master_custom = ds
        .customers
        .iter()
        .map(|c| &c.custom)
        .chain(ds.products.iter().map(|p| &p.custom))
        .chain(ds.people.iter().map(|p| &p.custom));
    for values in master_custom {
        for t in values.iter().flatten() {
            texts.add(t, Canon::Name);
        }
    }
    texts
}

/// What the masters say of each symbol.
struct MasterFacts<'c> {
    /// A product's class.
    product_class: Vec<Option<Sym>>,
    /// A person's group and region.
    team: Vec<Option<(Sym, Sym)>>,
    custom: CustomValues<'c>,
    /// A customer's first order date.
    first_order: Vec<Option<NaiveDate>>,
}

impl<'c> MasterFacts<'c> {
    /// Reads the masters; `n` is the number of symbols.
    fn build(ds: &Dataset, config: &'c Config, masters: &Part, n: usize) -> Self {
        let mut product_class: Vec<Option<Sym>> = vec![None; n];
        for p in &ds.products {
            product_class[masters.get(&p.product, Canon::Name) as usize] =
                Some(masters.get(&p.class, Canon::Class));
        }
        let mut team: Vec<Option<(Sym, Sym)>> = vec![None; n];
        for p in &ds.people {
            team[masters.get(&p.name, Canon::Name) as usize] = Some((
                masters.get(&p.group, Canon::Name),
                masters.get(&p.region, Canon::Name),
            ));
        }
        let mut first_order: Vec<Option<NaiveDate>> = vec![None; n];
        for (i, c) in ds.customers.iter().enumerate() {
            if let Some(d) = c.first_order_date {
                first_order[masters.customer(i) as usize] = Some(d);
            }
        }
        MasterFacts {
            product_class,
            team,
            custom: CustomValues::build(ds, config, masters, n),
            first_order,
        }
    }
}

/// Each customer's history, read from the distinct lines once.
struct CustomerHistory {
    /// Each distinct line's customer and date, in the order of `distinct`.
    customers: Vec<Sym>,
    dates: Vec<NaiveDate>,
    /// The first order date of all.
    start: Option<NaiveDate>,
    /// The quarter of bit 0; older quarters share it (they are "before"
    /// any window qbr asks about).
    base: Option<Period>,
    /// By customer: the quarters they ordered in.
    quarters: Vec<QuarterBits>,
    /// By customer: the first order date seen in the lines.
    first_seen: Vec<Option<NaiveDate>>,
}

impl CustomerHistory {
    /// Reads the history of `n` symbols from the distinct lines.
    fn of(ds: &Dataset, map: &SymbolMap, distinct: &[u32], n: usize) -> Self {
        use rayon::prelude::*;
        let (customers, dates): (Vec<Sym>, Vec<NaiveDate>) = distinct
            .par_iter()
            .map(|&i| {
                let o = &ds.orders[i as usize];
                (map.of_line(o).get(o.customer, Canon::Name), o.date)
            })
            .unzip();
        let (start, latest) = (dates.par_iter().min().copied())
            .zip(dates.par_iter().max().copied().map(Period::of))
            .unzip();
        let mut history = CustomerHistory {
            customers,
            dates,
            start,
            base: latest.map(|l| l.offset(-(QuarterBits::BITS as i32 - 1))),
            quarters: Vec::new(),
            first_seen: Vec::new(),
        };
        // Each half of the lines in parallel, then merged: the same bits and minimum.
        let half = distinct.len().div_ceil(2).max(1);
        let (quarters, first_seen) = history
            .dates
            .par_chunks(half)
            .zip(history.customers.par_chunks(half))
            .map(|(dates, custs)| {
                let mut quarters: Vec<QuarterBits> = vec![0; n];
                let mut first_seen: Vec<Option<NaiveDate>> = vec![None; n];
                for (&date, &c) in dates.iter().zip(custs) {
                    quarters[c as usize] |= 1 << history.bit(Period::of(date));
                    let f = &mut first_seen[c as usize];
                    if f.is_none_or(|f| date < f) {
                        *f = Some(date);
                    }
                }
                (quarters, first_seen)
            })
            .reduce_with(|(mut qa, mut fa), (qb, fb)| {
                for (a, b) in qa.iter_mut().zip(qb) {
                    *a |= b;
                }
                for (a, b) in fa.iter_mut().zip(fb) {
                    if let Some(b) = b
                        && a.is_none_or(|a| b < a)
                    {
                        *a = Some(b);
                    }
                }
                (qa, fa)
            })
            .unwrap_or_else(|| (vec![0; n], vec![None; n]));
        (history.quarters, history.first_seen) = (quarters, first_seen);
        history
    }

    /// The bit of a quarter in [`CustomerHistory::quarters`].
    fn bit(&self, p: Period) -> u32 {
        self.base
            .map(|b| (quarter_index(p) - quarter_index(b)).max(0) as u32)
            .unwrap_or(0)
    }

    /// The bits of the quarters from `from` (`None`: from the first) up to
    /// `to`, not included.
    fn between(&self, from: Option<Period>, to: Period) -> QuarterBits {
        let lo = from.map_or(0, |f| self.bit(f) as i32);
        bits_below(self.bit(to) as i32) & !bits_below(lo)
    }
}

/// The bits of the quarters below bit `b`: none from 0 down, all from 128.
fn bits_below(b: i32) -> QuarterBits {
    match b {
        ..=0 => 0,
        128.. => QuarterBits::MAX,
        b => (1 << b) - 1,
    }
}

/// Builds the ledger: removes duplicates, then attributes every line.
pub fn build_ledger(ds: &Dataset, config: &Config) -> Ledger {
    use rayon::prelude::*;
    // The masters' texts are folded, once per allocation, while duplicates
    // are found; the order tables' texts and the customers master's names
    // were folded when they were read.
    let ((distinct, duplicates), masters) =
        rayon::join(|| find_duplicates(ds), || master_texts(ds));
    let (map, symbols) = SymbolMap::build(masters, &ds.table_keys());
    let n = symbols.len();

    // What the masters say of each symbol, while each customer's history is read from the lines.
    let (facts, history) = rayon::join(
        || MasterFacts::build(ds, config, map.masters(), n),
        || CustomerHistory::of(ds, &map, &distinct, n),
    );
    let churn = config.churn_quarters as i32;
    // The lines in quarter order, stable (line order within a quarter); the
    // entries are built in that order.
    let in_order = in_quarter_order(&history.dates);
    let entries: Vec<Entry> = in_order
        .par_iter()
        .map(|&k| {
            let (order, customer) = (distinct[k as usize], history.customers[k as usize]);
            let period = Period::of(history.dates[k as usize]);
            let o = &ds.orders[order as usize];
            let syms = map.of_line(o);
            let lifecycle = match ds.opt_text(o, o.customer_type) {
                Some(t) => Lifecycle::parse(t).ok_or(LifecycleIssue::UnknownType),
                None => {
                    let c = customer as usize;
                    let q = history.quarters[c];
                    let window = history.between(Some(period.offset(-churn)), period);
                    Ok(derive_lifecycle(
                        period,
                        churn,
                        q & window != 0,
                        q & history.between(None, period) != 0,
                        history.first_seen[c],
                        facts.first_order[c],
                        history.start,
                    ))
                }
            };
            let product = syms.get(o.product, Canon::Name);
            let person = o.salesperson.map(|p| syms.get(p, Canon::Name));
            let master = person.and_then(|p| facts.team[p as usize]);
            Entry {
                order,
                amount: o.amount,
                month: Month::of(o.date),
                customer,
                product,
                lifecycle,
                product_class: o
                    .product_class
                    .map(|c| syms.get(c, Canon::Class))
                    .or(facts.product_class[product as usize])
                    .into(),
                group: o
                    .group
                    .map(|g| syms.get(g, Canon::Name))
                    .or(master.map(|m| m.0))
                    .into(),
                region: o
                    .region
                    .map(|r| syms.get(r, Canon::Name))
                    .or(master.map(|m| m.1))
                    .into(),
                custom: facts.custom.of_line(o, customer, product, person, syms),
                person: person.into(),
            }
        })
        .collect();
    // The entries are in quarter order: each quarter's run ends where the next begins.
    let mut by_period: BTreeMap<Period, (usize, usize)> = BTreeMap::new();
    let mut start = 0;
    while let Some(e) = entries.get(start) {
        let period = e.period();
        let end = start + entries[start..].partition_point(|e| e.period() == period);
        by_period.insert(period, (start, end));
        start = end;
    }
    Ledger {
        entries,
        duplicates,
        history_start: history.start,
        symbols,
        cubes: by_period.keys().map(|&p| (p, Default::default())).collect(),
        by_period,
        custom_keys: config
            .custom_dimensions
            .iter()
            .map(|c| c.dimension.key.clone())
            .collect(),
        quarter_base: history.base,
        customer_quarters: history.quarters,
    }
}

/// Where each custom dimension's value comes from, resolved to symbols.
struct CustomValues<'c> {
    dimensions: &'c [crate::config::CustomDimensionConfig],
    /// Per dimension sourced from a master: the value by customer, product or person symbol.
    by_master: Vec<Vec<Option<Sym>>>,
}

impl<'c> CustomValues<'c> {
    fn build(ds: &Dataset, config: &'c Config, masters: &Part, n: usize) -> Self {
        let dimensions = &config.custom_dimensions[..];
        let mut by_master: Vec<Vec<Option<Sym>>> = dimensions
            .iter()
            .map(|c| match c.source {
                Role::Orders => Vec::new(),
                _ => vec![None; n],
            })
            .collect();
        let name = |t: &str| masters.get(t, Canon::Name);
        let records = (ds.customers.iter().enumerate())
            .map(|(i, c)| (Role::Customers, masters.customer(i), &c.custom))
            .chain((ds.products.iter()).map(|p| (Role::Products, name(&p.product), &p.custom)))
            .chain(
                ds.people
                    .iter()
                    .map(|p| (Role::People, name(&p.name), &p.custom)),
            );
        for (role, key, values) in records {
            let key = key as usize;
            for (d, v) in values.iter().enumerate() {
                if let Some(v) = v
                    && dimensions.get(d).is_some_and(|c| c.source == role)
                {
                    by_master[d][key] = Some(masters.get(v, Canon::Name));
                }
            }
        }
        CustomValues {
            dimensions,
            by_master,
        }
    }

    /// A line's value of every custom dimension; `None` where it has none
    /// (an empty cell, a customer the master does not list).
    fn of_line(
        &self,
        o: &OrderLine,
        customer: Sym,
        product: Sym,
        person: Option<Sym>,
        syms: &TableSyms,
    ) -> ThinVec<Option<Sym>> {
        self.dimensions
            .iter()
            .enumerate()
            .map(|(d, c)| match c.source {
                Role::Customers => self.by_master[d][customer as usize],
                Role::Products => self.by_master[d][product as usize],
                Role::People => person.and_then(|p| self.by_master[d][p as usize]),
                _ => o
                    .custom
                    .get(d)
                    .copied()
                    .flatten()
                    .map(|v| syms.get(v, Canon::Name)),
            })
            .collect()
    }
}

fn quarter_index(p: Period) -> i32 {
    p.year * 4 + i32::from(p.quarter) - 1
}

/// The positions of `dates` grouped by quarter, quarters in order and each
/// quarter's positions in their own order: a counting sort (a quarter is
/// one of a few dozen), one pass to count and one to place.
fn in_quarter_order(dates: &[NaiveDate]) -> Vec<u32> {
    use rayon::prelude::*;
    let quarters: Vec<i32> = dates
        .par_iter()
        .map(|&d| quarter_index(Period::of(d)))
        .collect();
    let (Some(&lo), Some(&hi)) = (quarters.par_iter().min(), quarters.par_iter().max()) else {
        return Vec::new();
    };
    // `starts[q]`: where quarter `lo + q`'s positions begin, then the next free place.
    let mut starts = vec![0usize; (hi - lo) as usize + 2];
    for &q in &quarters {
        starts[(q - lo) as usize + 1] += 1;
    }
    for q in 1..starts.len() {
        starts[q] += starts[q - 1];
    }
    let mut out = vec![0u32; quarters.len()];
    for (k, &q) in quarters.iter().enumerate() {
        let at = &mut starts[(q - lo) as usize];
        out[*at] = k as u32;
        *at += 1;
    }
    out
}

/// Contract §3. A customer is new in `period` when its first order ever falls in
/// it; returning when it ordered before and within the previous `churn`
/// quarters; churned (recalled) when it ordered before but not within them.
/// When only the customers master knows of earlier orders, its first order date
/// decides: inside the window, returning; before it, churned if the inbox's
/// order history covers the window, otherwise returning (qbr cannot tell).
fn derive_lifecycle(
    period: Period,
    churn: i32,
    ordered_in_window: bool,
    ordered_before: bool,
    first_seen: Option<NaiveDate>,
    master_first: Option<NaiveDate>,
    history_start: Option<NaiveDate>,
) -> Lifecycle {
    let first = match (first_seen, master_first) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let start = period.first_day();
    if first.is_none_or(|f| f >= start) {
        return Lifecycle::New;
    }
    let window_start = period.offset(-churn);
    if ordered_in_window {
        return Lifecycle::Returning;
    }
    if ordered_before {
        return Lifecycle::Churned;
    }
    // Known earlier only from the master's first order date.
    let mf = master_first.unwrap_or(start);
    if mf >= window_start.first_day() {
        Lifecycle::Returning
    } else if history_start.is_some_and(|h| h <= window_start.first_day()) {
        Lifecycle::Churned
    } else {
        Lifecycle::Returning
    }
}

#[cfg(test)]
mod tests;
