//! Actual figures of a target unit in a quarter, from the ledger.
//!
//! The additive measures (sales, units, collections, new-customer count) are
//! exact sums or counts over the ledger's distinct lines; the review builds its
//! completion figures on the same functions.

use crate::calendar::Period;
use crate::ledger::{Entry, Ledger, Lifecycle};
use crate::records::{Dataset, Dimension, Measure};
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// True when the line belongs to the unit `key` of `dimension`.
pub fn belongs(entry: &Entry, dimension: &Dimension, key: &str) -> bool {
    match dimension {
        Dimension::Total => true,
        Dimension::Month => entry.month.to_string() == key,
        d => entry.unit(d) == Some(key),
    }
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
    let lines = ledger
        .in_period(period)
        .filter(|e| belongs(e, dimension, key));
    match measure {
        Measure::Sales => Some(lines.map(|e| ds.orders[e.order].amount).sum()),
        Measure::Units => Some(lines.filter_map(|e| ds.orders[e.order].quantity).sum()),
        Measure::Collections => Some(lines.filter_map(|e| ds.orders[e.order].collected).sum()),
        Measure::NewCustomers => {
            let customers: BTreeSet<&str> = lines
                .filter(|e| e.lifecycle == Ok(Lifecycle::New))
                .map(|e| e.customer.as_str())
                .collect();
            Some(Decimal::from(customers.len()))
        }
        _ => None,
    }
}
