//! Actual figures of a target unit in a quarter, from the ledger.
//!
//! The additive measures (sales, units, collections, new-customer count) are
//! exact sums or counts over the ledger's distinct lines; the review's trend
//! and `qbr check`'s growth rules are built on the same function.

use crate::calendar::Period;
use crate::ledger::{Ledger, Lifecycle, Sym};
use crate::records::{Dataset, Dimension, Measure};
use rust_decimal::Decimal;
use rustc_hash::FxHashSet as HashSet;

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
    let m = ledger.resolve(dimension, key);
    let lines = ledger
        .in_period(period)
        .iter()
        .filter(|e| e.matches(dimension, m));
    match measure {
        Measure::Sales => Some(lines.map(|e| ds.orders[e.order].amount).sum()),
        Measure::Units => Some(lines.filter_map(|e| ds.orders[e.order].quantity).sum()),
        Measure::Collections => Some(lines.filter_map(|e| ds.orders[e.order].collected).sum()),
        Measure::NewCustomers => {
            let customers: HashSet<Sym> = lines
                .filter(|e| e.lifecycle == Ok(Lifecycle::New))
                .map(|e| e.customer)
                .collect();
            Some(Decimal::from(customers.len()))
        }
        _ => None,
    }
}
