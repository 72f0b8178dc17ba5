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

use crate::calendar::{Month, Period, parse_month};
use crate::config::Config;
use crate::records::{Dataset, Dimension, OrderLine};
use crate::text::match_key;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    ids: HashMap<String, Sym>,
    names: Vec<String>,
}

impl Symbols {
    /// The symbol of a canonical key, adding it when new.
    pub fn intern(&mut self, key: String) -> Sym {
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let id = self.names.len() as Sym;
        self.names.push(key.clone());
        self.ids.insert(key, id);
        id
    }

    /// The symbol of a canonical key, when any line uses it.
    pub fn get(&self, key: &str) -> Option<Sym> {
        self.ids.get(key).copied()
    }

    /// The canonical key of a symbol.
    pub fn name(&self, s: Sym) -> &str {
        &self.names[s as usize]
    }
}

/// One distinct order line and the units it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Index into [`Dataset::orders`].
    pub order: usize,
    pub period: Period,
    pub month: Month,
    pub customer: Sym,
    /// The product name's key (product-dimension units may name products).
    pub product: Sym,
    pub lifecycle: Result<Lifecycle, LifecycleIssue>,
    /// Canonical product class; `None` when neither the line nor the products master names one.
    pub product_class: Option<Sym>,
    pub person: Option<Sym>,
    pub group: Option<Sym>,
    pub region: Option<Sym>,
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
    /// No line can belong (a name no line carries, a custom dimension).
    Nothing,
}

impl Entry {
    /// True when the line belongs to the unit.
    pub fn matches(&self, dimension: &Dimension, m: UnitMatch) -> bool {
        match m {
            UnitMatch::All => true,
            UnitMatch::Nothing => false,
            UnitMatch::Lifecycle(l) => self.lifecycle == Ok(l),
            UnitMatch::Month(mo) => self.month == mo,
            UnitMatch::Sym(s) => match dimension {
                Dimension::Product => self.product_class == Some(s) || self.product == s,
                Dimension::Region => self.region == Some(s),
                Dimension::Group => self.group == Some(s),
                Dimension::Person => self.person == Some(s),
                _ => false,
            },
        }
    }

    /// True when the line reaches some unit of the dimension at all.
    pub fn has(&self, dimension: &Dimension) -> bool {
        match dimension {
            Dimension::Total | Dimension::Month => true,
            Dimension::Customer => self.lifecycle.is_ok(),
            Dimension::Product => self.product_class.is_some(),
            Dimension::Region => self.region.is_some(),
            Dimension::Group => self.group.is_some(),
            Dimension::Person => self.person.is_some(),
            Dimension::Other(_) => false,
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
}

impl Ledger {
    /// Entries dated inside a quarter.
    pub fn in_period(&self, period: Period) -> &[Entry] {
        match self.by_period.get(&period) {
            Some(&(a, b)) => &self.entries[a..b],
            None => &[],
        }
    }

    /// Entries dated before a quarter (history).
    pub fn before(&self, period: Period) -> &[Entry] {
        let end = self.entries.partition_point(|e| e.period < period);
        &self.entries[..end]
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

fn line_key(o: &OrderLine) -> LineKey<'_> {
    match (&o.order_id, &o.line_id) {
        (Some(id), Some(line)) => LineKey::ById(id, line),
        _ => LineKey::Whole(Box::new((
            o.order_id.as_deref(),
            o.date,
            &o.customer,
            &o.product,
            o.amount.normalize(),
            o.quantity.map(|q| q.normalize()),
            o.salesperson.as_deref(),
            o.customer_type.as_deref(),
            o.product_class.as_deref(),
            o.region.as_deref(),
            o.group.as_deref(),
            o.collected.map(|c| c.normalize()),
        ))),
    }
}

/// Interns raw texts through their canonical key, folding each distinct raw
/// text once. Order lines share one allocation per distinct text and table, so
/// the cache is first asked by address, which needs no look at the text.
struct KeyCache<'a> {
    by_address: HashMap<usize, Sym>,
    raw: HashMap<&'a str, Sym>,
}

impl<'a> KeyCache<'a> {
    fn new() -> Self {
        KeyCache {
            by_address: HashMap::default(),
            raw: HashMap::default(),
        }
    }

    fn sym(&mut self, symbols: &mut Symbols, raw: &'a str, canon: fn(&str) -> String) -> Sym {
        let address = raw.as_ptr() as usize;
        if let Some(&s) = self.by_address.get(&address) {
            return s;
        }
        let s = match self.raw.get(raw) {
            Some(&s) => s,
            None => {
                let s = symbols.intern(canon(raw));
                self.raw.insert(raw, s);
                s
            }
        };
        // Only the lines' shared texts live as long as the cache; an empty text has no address of its own.
        if !raw.is_empty() {
            self.by_address.insert(address, s);
        }
        s
    }
}

/// Builds the ledger: removes duplicates, then attributes every line.
pub fn build_ledger(ds: &Dataset, config: &Config) -> Ledger {
    let mut seen: HashMap<LineKey, usize> =
        HashMap::with_capacity_and_hasher(ds.orders.len(), Default::default());
    let mut distinct = Vec::with_capacity(ds.orders.len());
    let mut duplicates = Vec::new();
    for (i, o) in ds.orders.iter().enumerate() {
        let key = line_key(o);
        let by_line_id = matches!(key, LineKey::ById(..));
        match seen.get(&key) {
            Some(&kept) => duplicates.push(Duplicate {
                kept,
                dropped: i,
                by_line_id,
            }),
            None => {
                seen.insert(key, i);
                distinct.push(i);
            }
        }
    }
    drop(seen);

    let mut symbols = Symbols::default();
    let mut names = KeyCache::new();
    let mut classes = KeyCache::new();
    let products: HashMap<Sym, Sym> = ds
        .products
        .iter()
        .map(|p| {
            (
                names.sym(&mut symbols, &p.product, match_key),
                classes.sym(&mut symbols, &p.class, product_class_key),
            )
        })
        .collect();
    let people: HashMap<Sym, (Sym, Sym)> = ds
        .people
        .iter()
        .map(|p| {
            (
                names.sym(&mut symbols, &p.name, match_key),
                (
                    names.sym(&mut symbols, &p.group, match_key),
                    names.sym(&mut symbols, &p.region, match_key),
                ),
            )
        })
        .collect();
    let master_first: HashMap<Sym, NaiveDate> = ds
        .customers
        .iter()
        .filter_map(|c| {
            c.first_order_date
                .map(|d| (names.sym(&mut symbols, &c.customer, match_key), d))
        })
        .collect();

    // Quarters in which each customer ordered, and the first order date seen.
    let mut quarters: HashMap<Sym, BTreeSet<Period>> = HashMap::default();
    let mut first_seen: HashMap<Sym, NaiveDate> = HashMap::default();
    let customer_syms: Vec<Sym> = distinct
        .iter()
        .map(|&i| names.sym(&mut symbols, &ds.orders[i].customer, match_key))
        .collect();
    for (&i, &c) in distinct.iter().zip(&customer_syms) {
        let o = &ds.orders[i];
        quarters.entry(c).or_default().insert(Period::of(o.date));
        let f = first_seen.entry(c).or_insert(o.date);
        if o.date < *f {
            *f = o.date;
        }
    }
    let history_start = distinct.iter().map(|&i| ds.orders[i].date).min();
    let churn = config.churn_quarters as i32;

    // A customer has one lifecycle per quarter: derive it once.
    let mut lifecycles: HashMap<(Sym, Period), Lifecycle> = HashMap::default();
    let mut entries: Vec<Entry> = distinct
        .into_iter()
        .zip(customer_syms)
        .map(|(i, customer)| {
            let o = &ds.orders[i];
            let period = Period::of(o.date);
            let lifecycle = match &o.customer_type {
                Some(t) => Lifecycle::parse(t).ok_or(LifecycleIssue::UnknownType),
                None => Ok(*lifecycles.entry((customer, period)).or_insert_with(|| {
                    derive_lifecycle(
                        period,
                        churn,
                        quarters.get(&customer),
                        first_seen.get(&customer).copied(),
                        master_first.get(&customer).copied(),
                        history_start,
                    )
                })),
            };
            let product = names.sym(&mut symbols, &o.product, match_key);
            let person = o
                .salesperson
                .as_deref()
                .map(|p| names.sym(&mut symbols, p, match_key));
            let master = person.and_then(|p| people.get(&p));
            Entry {
                order: i,
                period,
                month: Month::of(o.date),
                customer,
                product,
                lifecycle,
                product_class: o
                    .product_class
                    .as_deref()
                    .map(|c| classes.sym(&mut symbols, c, product_class_key))
                    .or_else(|| products.get(&product).copied()),
                group: o
                    .group
                    .as_deref()
                    .map(|g| names.sym(&mut symbols, g, match_key))
                    .or_else(|| master.map(|m| m.0)),
                region: o
                    .region
                    .as_deref()
                    .map(|r| names.sym(&mut symbols, r, match_key))
                    .or_else(|| master.map(|m| m.1)),
                person,
            }
        })
        .collect();
    entries.sort_by_key(|e| (e.period, e.order));
    let mut by_period: BTreeMap<Period, (usize, usize)> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_period.entry(e.period).or_insert((i, i)).1 = i + 1;
    }
    Ledger {
        entries,
        duplicates,
        history_start,
        symbols,
        by_period,
    }
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
    quarters: Option<&BTreeSet<Period>>,
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
    if let Some(q) = quarters {
        if q.range(window_start..period).next().is_some() {
            return Lifecycle::Returning;
        }
        if q.range(..period).next().is_some() {
            return Lifecycle::Churned;
        }
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
