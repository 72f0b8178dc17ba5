//! Actual figures of target units in a quarter, from the ledger.
//!
//! The additive measures (sales, units, collections, new-customer count) are
//! exact sums or counts over the ledger's distinct lines; the review's trend
//! and `qbr check`'s growth rules are built on the same function. Many units
//! are answered in one pass over the quarter's lines, split across cores.

use crate::calendar::Period;
use crate::ledger::{Entry, Ledger, Lifecycle, Sym, UnitMatch};
use crate::money::ExactSum;
use crate::records::{Dataset, Dimension, Measure};
use rust_decimal::Decimal;
use rustc_hash::FxHashSet as HashSet;

/// One unit's figure to compute: a target unit of a dimension and a measure.
#[derive(Debug, Clone, Copy)]
pub struct UnitQuery<'a> {
    pub dimension: &'a Dimension,
    /// The unit's canonical key (see [`crate::ledger::unit_key`]).
    pub key: &'a str,
    pub measure: &'a Measure,
}

/// True for the measures [`additive_actuals`] computes.
pub fn is_additive(measure: &Measure) -> bool {
    matches!(
        measure,
        Measure::Sales | Measure::Units | Measure::Collections | Measure::NewCustomers
    )
}

/// The actual of a unit for an additive measure in a quarter; `None` for
/// measures this function does not compute (rates, leading indicators).
pub fn additive_actual(
    ledger: &Ledger,
    ds: &Dataset,
    period: Period,
    dimension: &Dimension,
    key: &str,
    measure: &Measure,
) -> Option<Decimal> {
    additive_actuals(
        ledger,
        ds,
        period,
        &[UnitQuery {
            dimension,
            key,
            measure,
        }],
    )
    .pop()
    .flatten()
}

/// [`additive_actual`] for many units at once, in the order asked: one pass
/// over the quarter's lines, in parallel chunks whose exact partial sums are
/// added (so the result does not depend on how the lines were split).
pub fn additive_actuals(
    ledger: &Ledger,
    ds: &Dataset,
    period: Period,
    queries: &[UnitQuery],
) -> Vec<Option<Decimal>> {
    use rayon::prelude::*;
    // Queries of other measures are left out of the index: they never hit.
    let index = UnitIndex::new(queries.iter().map(|q| {
        let m = if is_additive(q.measure) {
            ledger.resolve(q.dimension, q.key)
        } else {
            UnitMatch::Nothing
        };
        (q.dimension, m)
    }));
    let sums = if index.is_empty() {
        Partial::new(queries.len())
    } else {
        ledger
            .in_period(period)
            .par_chunks(1 << 14)
            .map(|chunk| {
                let mut p = Partial::new(queries.len());
                let mut hits = Vec::new();
                for e in chunk {
                    index.hits(e, &mut hits);
                    for &i in &hits {
                        p.add(e, ds, queries[i].measure, i);
                    }
                }
                p
            })
            .reduce(|| Partial::new(queries.len()), Partial::merge)
    };
    queries
        .iter()
        .enumerate()
        .map(|(i, q)| match q.measure {
            Measure::NewCustomers => Some(Decimal::from(sums.customers[i].len())),
            m if is_additive(m) => Some(sums.sums[i].total()),
            _ => None,
        })
        .collect()
}

/// Which symbol of a line a unit is matched by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Probe {
    ProductClass,
    Product,
    Region,
    Group,
    Person,
}

/// Units resolved against the ledger, found for a line by its symbols rather
/// than by trying every unit on every line: a line hits the same units as
/// [`Entry::matches`] says, each once. The review's dimensions and
/// [`additive_actuals`] both find a line's units through it.
pub(crate) struct UnitIndex<'q> {
    by_symbol: rustc_hash::FxHashMap<(Probe, Sym), Vec<usize>>,
    probes: Vec<Probe>,
    /// Units matched otherwise (the total, lifecycle, month, custom values).
    others: Vec<(usize, &'q Dimension, UnitMatch)>,
}

impl<'q> UnitIndex<'q> {
    /// Indexes units by their position; a unit matching [`UnitMatch::Nothing`] is left out.
    pub(crate) fn new(units: impl IntoIterator<Item = (&'q Dimension, UnitMatch)>) -> Self {
        let mut index = UnitIndex {
            by_symbol: Default::default(),
            probes: Vec::new(),
            others: Vec::new(),
        };
        for (i, (dimension, m)) in units.into_iter().enumerate() {
            if m == UnitMatch::Nothing {
                continue;
            }
            let probes: &[Probe] = match (dimension, m) {
                (Dimension::Product, UnitMatch::Sym(_)) => &[Probe::ProductClass, Probe::Product],
                (Dimension::Region, UnitMatch::Sym(_)) => &[Probe::Region],
                (Dimension::Group, UnitMatch::Sym(_)) => &[Probe::Group],
                (Dimension::Person, UnitMatch::Sym(_)) => &[Probe::Person],
                _ => &[],
            };
            match m {
                UnitMatch::Sym(s) if !probes.is_empty() => {
                    for &p in probes {
                        index.by_symbol.entry((p, s)).or_default().push(i);
                        if !index.probes.contains(&p) {
                            index.probes.push(p);
                        }
                    }
                }
                _ => index.others.push((i, dimension, m)),
            }
        }
        index
    }

    fn is_empty(&self) -> bool {
        self.by_symbol.is_empty() && self.others.is_empty()
    }

    /// The units a line belongs to, each once, in no particular order.
    pub(crate) fn hits(&self, e: &Entry, hits: &mut Vec<usize>) {
        hits.clear();
        for &p in &self.probes {
            let sym = match p {
                Probe::ProductClass => e.product_class,
                // A product named like its class is one unit, not two.
                Probe::Product if e.product_class == Some(e.product) => None,
                Probe::Product => Some(e.product),
                Probe::Region => e.region,
                Probe::Group => e.group,
                Probe::Person => e.person,
            };
            if let Some(found) = sym.and_then(|s| self.by_symbol.get(&(p, s))) {
                hits.extend_from_slice(found);
            }
        }
        hits.extend(
            self.others
                .iter()
                .filter(|(_, d, m)| e.matches(d, *m))
                .map(|(i, ..)| *i),
        );
    }
}

/// Sums and new-customer sets of a share of a quarter's lines, per query.
struct Partial {
    sums: Vec<ExactSum>,
    customers: Vec<HashSet<Sym>>,
}

impl Partial {
    fn new(n: usize) -> Partial {
        Partial {
            sums: vec![ExactSum::default(); n],
            customers: vec![HashSet::default(); n],
        }
    }

    /// Adds a line to query `i`'s figure.
    fn add(&mut self, e: &Entry, ds: &Dataset, measure: &Measure, i: usize) {
        let value = match measure {
            Measure::Sales => Some(e.amount),
            Measure::Units => ds.orders[e.order].quantity,
            Measure::Collections => ds.orders[e.order].collected,
            Measure::NewCustomers => {
                if e.lifecycle == Ok(Lifecycle::New) {
                    self.customers[i].insert(e.customer);
                }
                None
            }
            _ => None,
        };
        if let Some(v) = value {
            self.sums[i].add(v);
        }
    }

    fn merge(mut self, other: Partial) -> Partial {
        for (a, b) in self.sums.iter_mut().zip(other.sums) {
            a.merge(b);
        }
        for (a, b) in self.customers.iter_mut().zip(other.customers) {
            a.extend(b);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::records::OrderLine;
    use chrono::NaiveDate;

    /// 40,000 lines (more than two of the parallel chunks): line `i` sells
    /// `i % 100 + 1` cents to customer `i % 1000` in July 2026.
    fn many_lines() -> Dataset {
        let mut ds = Dataset::default();
        let customers: Vec<_> = (0..1000).map(|c| ds.push_text(&format!("C{c}"))).collect();
        for i in 0..40_000u32 {
            let order_id = ds.push_text(&format!("SO{i}"));
            ds.orders.push(OrderLine {
                order_id: Some(order_id),
                date: NaiveDate::from_ymd_opt(2026, 7, 1 + i % 31).unwrap(),
                customer: customers[i as usize % 1000],
                amount: Decimal::new(i64::from(i % 100 + 1), 2),
                quantity: Some(Decimal::TWO),
                collected: (i % 2 == 0).then_some(Decimal::ONE),
                ..OrderLine::sample(i + 1)
            });
        }
        ds
    }

    #[test]
    fn many_units_in_one_pass_add_up_exactly_across_chunks() {
        let ds = many_lines();
        let ledger = crate::ledger::build_ledger(&ds, &Config::default());
        let q3 = crate::calendar::parse_period("2026Q3").unwrap();
        let ask = |dimension, key, measure| UnitQuery {
            dimension,
            key,
            measure,
        };
        let got = additive_actuals(
            &ledger,
            &ds,
            q3,
            &[
                ask(&Dimension::Total, "", &Measure::Sales),
                ask(&Dimension::Total, "", &Measure::Units),
                ask(&Dimension::Total, "", &Measure::Collections),
                ask(&Dimension::Total, "", &Measure::NewCustomers),
                ask(&Dimension::Customer, "new", &Measure::Sales),
                ask(&Dimension::Region, "东", &Measure::Sales),
                ask(&Dimension::Product, "门锁", &Measure::Units),
                ask(&Dimension::Total, "", &Measure::Aov),
            ],
        );
        // 400 rounds of 1 + 2 + … + 100 cents.
        let expected = [
            Some(Decimal::new(2_020_000, 2)),
            Some(Decimal::from(80_000)),
            Some(Decimal::from(20_000)),
            Some(Decimal::from(1_000)),
            Some(Decimal::new(2_020_000, 2)),
            Some(Decimal::ZERO),
            Some(Decimal::from(80_000)),
            None,
        ];
        assert_eq!(got, expected);
        // The one-unit form agrees, and an empty quarter is zero.
        let sales = additive_actual(&ledger, &ds, q3, &Dimension::Total, "", &Measure::Sales);
        assert_eq!(sales, expected[0]);
        let q2 = q3.offset(-1);
        let none = additive_actual(&ledger, &ds, q2, &Dimension::Total, "", &Measure::Sales);
        assert_eq!(none, Some(Decimal::ZERO));
    }

    mod index {
        use super::super::UnitIndex;
        use crate::calendar::Month;
        use crate::ledger::{Entry, Lifecycle, Sym, UnitMatch};
        use crate::records::Dimension;
        use proptest::prelude::*;

        /// Every built-in dimension.
        const DIMENSIONS: &[Dimension] = crate::analyze::DIMENSION_ORDER;

        /// A unit: any dimension, any kind of match, over a few symbols so that they collide.
        fn unit() -> impl Strategy<Value = (usize, UnitMatch)> {
            let m = prop_oneof![
                Just(UnitMatch::All),
                Just(UnitMatch::Nothing),
                Just(UnitMatch::Lifecycle(Lifecycle::New)),
                Just(UnitMatch::Lifecycle(Lifecycle::Returning)),
                (7u8..=9).prop_map(|month| UnitMatch::Month(Month { year: 2026, month })),
                (0u32..4).prop_map(UnitMatch::Sym),
                (0usize..2, 0u32..4).prop_map(|(d, s)| UnitMatch::Custom(d, s)),
            ];
            (0..DIMENSIONS.len(), m)
        }

        fn sym() -> impl Strategy<Value = Option<Sym>> {
            proptest::option::of(0u32..4)
        }

        prop_compose! {
            fn entry()(product in 0u32..4, class in sym(), region in sym(), group in sym(),
                       person in sym(), month in 7u8..=9, new in any::<bool>(),
                       custom in proptest::collection::vec(sym(), 0..3)) -> Entry {
                Entry {
                    order: 0,
                    amount: rust_decimal::Decimal::ONE,
                    period: crate::calendar::parse_period("2026Q3").unwrap(),
                    month: Month { year: 2026, month },
                    customer: 0,
                    product,
                    lifecycle: Ok(if new { Lifecycle::New } else { Lifecycle::Returning }),
                    product_class: class,
                    person,
                    group,
                    region,
                    custom: custom.into_boxed_slice(),
                }
            }
        }

        proptest! {
            /// The index finds, each once, exactly the units `Entry::matches` accepts.
            #[test]
            fn hits_are_the_units_a_line_matches(
                units in proptest::collection::vec(unit(), 0..12),
                entries in proptest::collection::vec(entry(), 1..8),
            ) {
                let index = UnitIndex::new(units.iter().map(|&(d, m)| (&DIMENSIONS[d], m)));
                let mut hits = Vec::new();
                for e in &entries {
                    index.hits(e, &mut hits);
                    hits.sort_unstable();
                    let expected: Vec<usize> = (0..units.len())
                        .filter(|&i| e.matches(&DIMENSIONS[units[i].0], units[i].1))
                        .collect();
                    prop_assert_eq!(&hits, &expected);
                }
            }
        }
    }
}
