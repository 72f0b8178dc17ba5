//! Actual figures of target units in a quarter, from the ledger.
//!
//! The additive measures (sales, units, collections, new-customer count) are
//! exact sums or counts over the ledger's distinct lines; the review's trend
//! and `qbr check`'s growth rules are built on the same function. Many units
//! are answered in one pass over the quarter's lines, split across cores.

use crate::calendar::Period;
use crate::ledger::{Entry, Ledger, Lifecycle, Sym, UnitMatch};
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
    let matches: Vec<UnitMatch> = queries
        .iter()
        .map(|q| ledger.resolve(q.dimension, q.key))
        .collect();
    let wanted: Vec<usize> = (0..queries.len())
        .filter(|&i| is_additive(queries[i].measure) && matches[i] != UnitMatch::Nothing)
        .collect();
    let sums = if wanted.is_empty() {
        Partial::new(queries.len())
    } else {
        ledger
            .in_period(period)
            .par_chunks(1 << 14)
            .map(|chunk| {
                let mut p = Partial::new(queries.len());
                for e in chunk {
                    p.add(e, ds, queries, &matches, &wanted);
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
            m if is_additive(m) => Some(sums.sums[i]),
            _ => None,
        })
        .collect()
}

/// Sums and new-customer sets of a share of a quarter's lines, per query.
struct Partial {
    sums: Vec<Decimal>,
    customers: Vec<HashSet<Sym>>,
}

impl Partial {
    fn new(n: usize) -> Partial {
        Partial {
            sums: vec![Decimal::ZERO; n],
            customers: vec![HashSet::default(); n],
        }
    }

    fn add(
        &mut self,
        e: &Entry,
        ds: &Dataset,
        queries: &[UnitQuery],
        matches: &[UnitMatch],
        wanted: &[usize],
    ) {
        for &i in wanted {
            if !e.matches(queries[i].dimension, matches[i]) {
                continue;
            }
            let o = &ds.orders[e.order];
            let value = match queries[i].measure {
                Measure::Sales => Some(o.amount),
                Measure::Units => o.quantity,
                Measure::Collections => o.collected,
                Measure::NewCustomers => {
                    if e.lifecycle == Ok(Lifecycle::New) {
                        self.customers[i].insert(e.customer);
                    }
                    None
                }
                _ => None,
            };
            if let Some(v) = value {
                self.sums[i] += v;
            }
        }
    }

    fn merge(mut self, other: Partial) -> Partial {
        for (a, b) in self.sums.iter_mut().zip(other.sums) {
            *a += b;
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
    use crate::diag::{FileId, SheetId};
    use crate::records::{OrderLine, RowRef, TableId};
    use chrono::NaiveDate;

    /// 40,000 lines (more than two of the parallel chunks): line `i` sells
    /// `i % 100 + 1` cents to customer `i % 1000` in July 2026.
    fn many_lines() -> Dataset {
        let mut ds = Dataset::default();
        for i in 0..40_000u32 {
            ds.orders.push(OrderLine {
                origin: RowRef {
                    table: TableId(0),
                    file: FileId(0),
                    sheet: SheetId(0),
                    row: i + 1,
                },
                order_id: Some(format!("SO{i}").into()),
                line_id: None,
                date: NaiveDate::from_ymd_opt(2026, 7, 1 + i % 31).unwrap(),
                customer: format!("C{}", i % 1000).into(),
                product: "门锁".into(),
                amount: Decimal::new(i64::from(i % 100 + 1), 2),
                quantity: Some(Decimal::TWO),
                salesperson: None,
                customer_type: None,
                product_class: None,
                region: None,
                group: None,
                collected: (i % 2 == 0).then_some(Decimal::ONE),
                custom: Box::default(),
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
}
