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
use std::collections::{BTreeSet, HashMap};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LifecycleIssue {
    /// The Customer Type cell holds a value that is not new, returning or churned.
    UnknownType(String),
}

/// One distinct order line and the units it belongs to.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Index into [`Dataset::orders`].
    pub order: usize,
    pub period: Period,
    pub month: Month,
    pub customer: String,
    /// The product name's match key (product-dimension units may name products).
    pub product: String,
    pub lifecycle: Result<Lifecycle, LifecycleIssue>,
    /// Canonical product class key; `None` when neither the line nor the products master names one.
    pub product_class: Option<String>,
    pub person: Option<String>,
    pub group: Option<String>,
    pub region: Option<String>,
}

impl Entry {
    /// The unit key this line belongs to in a dimension, if any.
    pub fn unit(&self, dimension: &Dimension) -> Option<&str> {
        match dimension {
            Dimension::Total => Some("total"),
            Dimension::Customer => self.lifecycle.as_ref().ok().map(|l| l.key()),
            Dimension::Product => self.product_class.as_deref(),
            Dimension::Region => self.region.as_deref(),
            Dimension::Group => self.group.as_deref(),
            Dimension::Person => self.person.as_deref(),
            Dimension::Month => None,
            Dimension::Other(_) => None,
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
    pub entries: Vec<Entry>,
    pub duplicates: Vec<Duplicate>,
    /// The earliest order date in the inbox.
    pub history_start: Option<NaiveDate>,
}

impl Ledger {
    /// Entries dated inside a quarter.
    pub fn in_period(&self, period: Period) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |e| e.period == period)
    }
}

/// The identity two lines share when they are the same line.
#[derive(Debug, PartialEq, Eq, Hash)]
enum LineKey {
    ById(String, String),
    Whole(Box<WholeKey>),
}

type WholeKey = (
    Option<String>,
    NaiveDate,
    String,
    String,
    Decimal,
    Option<Decimal>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Decimal>,
);

fn line_key(o: &OrderLine) -> LineKey {
    match (&o.order_id, &o.line_id) {
        (Some(id), Some(line)) => LineKey::ById(match_key(id), match_key(line)),
        _ => LineKey::Whole(Box::new((
            o.order_id.clone(),
            o.date,
            o.customer.clone(),
            o.product.clone(),
            o.amount.normalize(),
            o.quantity.map(|q| q.normalize()),
            o.salesperson.clone(),
            o.customer_type.clone(),
            o.product_class.clone(),
            o.region.clone(),
            o.group.clone(),
            o.collected.map(|c| c.normalize()),
        ))),
    }
}

/// Builds the ledger: removes duplicates, then attributes every line.
pub fn build_ledger(ds: &Dataset, config: &Config) -> Ledger {
    let mut seen: HashMap<LineKey, usize> = HashMap::new();
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

    let products: HashMap<String, String> = ds
        .products
        .iter()
        .map(|p| (match_key(&p.product), product_class_key(&p.class)))
        .collect();
    let people: HashMap<String, (String, String)> = ds
        .people
        .iter()
        .map(|p| {
            (
                match_key(&p.name),
                (match_key(&p.group), match_key(&p.region)),
            )
        })
        .collect();
    let master_first: HashMap<String, NaiveDate> = ds
        .customers
        .iter()
        .filter_map(|c| c.first_order_date.map(|d| (match_key(&c.customer), d)))
        .collect();

    // Quarters in which each customer ordered, and the first order date seen.
    let mut quarters: HashMap<String, BTreeSet<Period>> = HashMap::new();
    let mut first_seen: HashMap<String, NaiveDate> = HashMap::new();
    for &i in &distinct {
        let o = &ds.orders[i];
        let k = match_key(&o.customer);
        quarters
            .entry(k.clone())
            .or_default()
            .insert(Period::of(o.date));
        let f = first_seen.entry(k).or_insert(o.date);
        if o.date < *f {
            *f = o.date;
        }
    }
    let history_start = distinct.iter().map(|&i| ds.orders[i].date).min();
    let churn = config.churn_quarters as i32;

    let entries = distinct
        .into_iter()
        .map(|i| {
            let o = &ds.orders[i];
            let customer = match_key(&o.customer);
            let period = Period::of(o.date);
            let lifecycle = match &o.customer_type {
                Some(t) => {
                    Lifecycle::parse(t).ok_or_else(|| LifecycleIssue::UnknownType(t.clone()))
                }
                None => Ok(derive_lifecycle(
                    period,
                    churn,
                    quarters.get(&customer),
                    first_seen.get(&customer).copied(),
                    master_first.get(&customer).copied(),
                    history_start,
                )),
            };
            let person = o.salesperson.as_deref().map(match_key);
            let master = person.as_ref().and_then(|p| people.get(p));
            Entry {
                order: i,
                period,
                month: Month::of(o.date),
                lifecycle,
                product_class: o
                    .product_class
                    .as_deref()
                    .map(product_class_key)
                    .or_else(|| products.get(&match_key(&o.product)).cloned()),
                group: o
                    .group
                    .as_deref()
                    .map(match_key)
                    .or_else(|| master.map(|m| m.0.clone())),
                region: o
                    .region
                    .as_deref()
                    .map(match_key)
                    .or_else(|| master.map(|m| m.1.clone())),
                person,
                product: match_key(&o.product),
                customer,
            }
        })
        .collect();
    Ledger {
        entries,
        duplicates,
        history_start,
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
    let before: Vec<Period> = quarters
        .map(|q| q.range(..period).copied().collect())
        .unwrap_or_default();
    if before.iter().any(|q| *q >= window_start) {
        return Lifecycle::Returning;
    }
    if !before.is_empty() {
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
