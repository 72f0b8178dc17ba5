//! Exact numbers: money, rates and the parsing of what people type into cells.
//!
//! calamine hands numeric cells over as `f64`; [`decimal_from_f64`] converts them
//! once, to the shortest decimal that round-trips the double. From then on every
//! sum is a `rust_decimal::Decimal` sum. Rounding happens only when formatting
//! output ([`round_money`], [`round_rate`]), half-up.

use crate::text::{clean, fold_width};
use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

/// An exact running total of decimals, for sums over many order lines.
///
/// `Decimal + Decimal` realigns the two scales on every addition; this keeps
/// one 128-bit integer at the largest scale seen, so adding a line is an
/// integer addition. [`ExactSum::total`] equals the `Decimal` sum of the same
/// values, value and scale, in any order: exact wherever that sum fits a
/// `Decimal`. Past 128 bits (numbers no order book reaches) it carries on as a
/// `Decimal` sum.
///
/// ```
/// use qbr::money::ExactSum;
/// use rust_decimal::Decimal;
/// let mut sum = ExactSum::default();
/// for v in ["1200.50", "0.125", "-3"] {
///     sum.add(v.parse().unwrap());
/// }
/// assert_eq!(sum.total().to_string(), "1197.625");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExactSum {
    units: i128,
    scale: u32,
    /// The sum as a `Decimal`, once `units` would overflow.
    spilled: Option<Decimal>,
}

/// 10⁰ ..= 10²⁸: the factors between two `Decimal` scales.
const POW10: [i128; 29] = {
    let mut t = [1i128; 29];
    let mut i = 1;
    while i < 29 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

impl ExactSum {
    /// Adds one value.
    #[inline]
    pub fn add(&mut self, value: Decimal) {
        if let Some(s) = &mut self.spilled {
            *s += value;
            return;
        }
        if !self.add_exact(value.mantissa(), value.scale()) {
            self.spilled = Some(self.total() + value);
        }
    }

    /// Adds `units` × 10^-`scale` to the integer when it fits; false (and
    /// nothing added) when it would overflow.
    #[inline]
    fn add_exact(&mut self, units: i128, scale: u32) -> bool {
        // Decimal scales run 0..=28, so the factor is a table lookup.
        let added = if scale == self.scale {
            self.units.checked_add(units)
        } else if scale > self.scale {
            self.units
                .checked_mul(POW10[(scale - self.scale) as usize])
                .and_then(|u| u.checked_add(units))
        } else {
            units
                .checked_mul(POW10[(self.scale - scale) as usize])
                .and_then(|m| self.units.checked_add(m))
        };
        match added {
            Some(units) => {
                self.units = units;
                self.scale = self.scale.max(scale);
                true
            }
            None => false,
        }
    }

    /// Adds another partial sum (of another share of the lines).
    pub fn merge(&mut self, other: ExactSum) {
        match other.spilled {
            Some(s) => self.add(s),
            // Other's integer at its scale, without a round trip through Decimal.
            None if self.spilled.is_none() && self.add_exact(other.units, other.scale) => {}
            None => self.add_units(other.units, other.scale),
        }
    }

    fn add_units(&mut self, units: i128, scale: u32) {
        match Decimal::try_from_i128_with_scale(units, scale) {
            Ok(d) => self.add(d),
            Err(_) => {
                // Too wide for one Decimal: add it in two halves that fit.
                let half = units / 2;
                self.add_units(half, scale);
                self.add_units(units - half, scale);
            }
        }
    }

    /// The total as a `Decimal`.
    ///
    /// # Panics
    /// Past `Decimal::MAX` (about 7.9 × 10²⁸), as `Decimal` addition does.
    pub fn total(&self) -> Decimal {
        if let Some(s) = self.spilled {
            return s;
        }
        let (mut units, mut scale) = (self.units, self.scale);
        loop {
            if let Ok(d) = Decimal::try_from_i128_with_scale(units, scale) {
                return d;
            }
            // As Decimal addition does: fewer decimal places, rounded half to even.
            assert!(scale > 0, "a sum beyond the largest Decimal");
            let (q, r) = (units / 10, units % 10);
            let round_up = r.abs() > 5 || (r.abs() == 5 && q % 2 != 0);
            units = if round_up { q + r.signum() } else { q };
            scale -= 1;
        }
    }
}

impl std::iter::Sum<Decimal> for ExactSum {
    fn sum<I: Iterator<Item = Decimal>>(iter: I) -> Self {
        let mut s = ExactSum::default();
        iter.for_each(|v| s.add(v));
        s
    }
}

/// An optional exact number in the 16 bytes of a [`Decimal`] (an
/// `Option<Decimal>` takes 20): a million order lines hold two of them.
///
/// ```
/// use qbr::money::OptDecimal;
/// use rust_decimal::Decimal;
/// let q = OptDecimal::from(Some(Decimal::new(-1234, 2)));
/// assert_eq!(q.get(), Some(Decimal::new(-1234, 2)));
/// assert_eq!(OptDecimal::NONE.get(), None);
/// assert_eq!(std::mem::size_of::<OptDecimal>(), 16);
/// ```
#[derive(Clone, Copy)]
pub struct OptDecimal([u8; 16]);

impl OptDecimal {
    /// No number. A decimal's flags never set their lowest bit (only the
    /// scale, in bits 16 to 23, and the sign, bit 31, are used).
    pub const NONE: OptDecimal = OptDecimal([1; 16]);

    /// The number, if any.
    pub fn get(self) -> Option<Decimal> {
        (self.0[0] & 1 == 0).then(|| Decimal::deserialize(self.0))
    }
}

impl From<Option<Decimal>> for OptDecimal {
    fn from(v: Option<Decimal>) -> OptDecimal {
        v.map_or(OptDecimal::NONE, |d| OptDecimal(d.serialize()))
    }
}

/// Equal as numbers, as `Option<Decimal>` compares (1.0 equals 1.00).
impl PartialEq for OptDecimal {
    fn eq(&self, other: &OptDecimal) -> bool {
        self.get() == other.get()
    }
}

impl Eq for OptDecimal {}

impl std::fmt::Debug for OptDecimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}

/// Why a text could not be read as a number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("the cell is empty")]
    Empty,
    #[error("`{0}` is not a number")]
    NotANumber(String),
    #[error("`{0}` is too large")]
    TooLarge(String),
}

/// Converts a double from a numeric cell to the shortest decimal that reads back
/// as the same double: `33.6`, never `33.600000000000001`.
///
/// # Errors
/// NaN, infinities and magnitudes beyond `Decimal`'s 28 digits.
///
/// ```
/// use qbr::money::decimal_from_f64;
/// assert_eq!(decimal_from_f64(33.6).unwrap().to_string(), "33.6");
/// assert_eq!(decimal_from_f64(0.1 + 0.2).unwrap().to_string(), "0.30000000000000004");
/// assert_eq!(decimal_from_f64(957.5775).unwrap().to_string(), "957.5775");
/// ```
pub fn decimal_from_f64(v: f64) -> Result<Decimal, NumberError> {
    if !v.is_finite() {
        return Err(NumberError::NotANumber(v.to_string()));
    }
    // Whole numbers (quantities, most amounts) are their integer.
    if v.abs() < 1e15 && v == v.trunc() {
        return Ok(Decimal::from(v as i64));
    }
    // Fast path for the usual money cell (at most 4 decimals): the decimal
    // n / 10^4 is the answer when dividing n by 10^4 gives back exactly `v`,
    // since below 10^11 no two 4-decimal numbers share a double.
    if v.abs() < 1e11 {
        let scaled = (v * 1e4).round();
        if scaled / 1e4 == v {
            // Without trailing zeros, as `normalize` would give.
            let (mut units, mut places) = (scaled as i64, 4);
            while places > 0 && units % 10 == 0 {
                units /= 10;
                places -= 1;
            }
            return Ok(Decimal::new(units, places));
        }
    }
    // Rust's `Display` for f64 prints the shortest string that round-trips.
    let s = format!("{v}");
    Decimal::from_str(&s)
        .or_else(|_| Decimal::from_scientific(&format!("{v:e}")))
        .map(|d| d.normalize())
        .map_err(|_| NumberError::TooLarge(s))
}

/// Multipliers recognised after a number or in a header's brackets.
///
/// ```
/// use qbr::money::unit_scale;
/// use rust_decimal::Decimal;
/// assert_eq!(unit_scale("万元"), Some(Decimal::from(10_000)));
/// assert_eq!(unit_scale("K"), Some(Decimal::from(1_000)));
/// assert_eq!(unit_scale("CNY"), Some(Decimal::ONE));
/// assert_eq!(unit_scale("pcs"), None);
/// ```
pub fn unit_scale(unit: &str) -> Option<Decimal> {
    let u = fold_width(unit).trim().to_lowercase();
    let scale: i64 = match u.as_str() {
        "亿" | "亿元" => 100_000_000,
        "万" | "万元" | "w" => 10_000,
        "千" | "千元" | "k" | "kcny" | "k元" => 1_000,
        "元" | "cny" | "rmb" | "¥" | "yuan" => 1,
        _ => return None,
    };
    Some(Decimal::from(scale))
}

/// Parses an amount as people type it: `1,200`, `¥1,200.50`, `1200万`,
/// `(1,200)` (negative), `-3.5`, `12.5%` (0.125), full-width digits.
///
/// # Errors
/// [`NumberError::Empty`] for blank text, [`NumberError::NotANumber`] otherwise.
///
/// ```
/// use qbr::money::parse_amount;
/// assert_eq!(parse_amount("¥1,200.50").unwrap().to_string(), "1200.50");
/// assert_eq!(parse_amount("1200万").unwrap().to_string(), "12000000");
/// assert_eq!(parse_amount("(1,200)").unwrap().to_string(), "-1200");
/// assert_eq!(parse_amount("12.5%").unwrap().to_string(), "0.125");
/// assert!(parse_amount("abc").is_err());
/// ```
pub fn parse_amount(text: &str) -> Result<Decimal, NumberError> {
    parse_amount_parts(text).map(|(v, _)| v)
}

/// Like [`parse_amount`], and also says whether the text carried its own unit
/// (`万`, `元`, `%`), which then takes precedence over a column header's unit.
///
/// # Errors
/// As [`parse_amount`].
///
/// ```
/// use qbr::money::parse_amount_parts;
/// assert_eq!(parse_amount_parts("12万").unwrap().1, true);
/// assert_eq!(parse_amount_parts("1,200").unwrap().1, false);
/// ```
pub fn parse_amount_parts(text: &str) -> Result<(Decimal, bool), NumberError> {
    let folded = fold_width(clean(text));
    let mut s = folded.trim();
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    let bad = || NumberError::NotANumber(text.trim().to_string());
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        s = inner.trim();
    }
    if let Some(rest) = s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
        negative = !negative;
        s = rest.trim();
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest.trim();
    }
    // Currency markers before the number.
    let mut had_currency = false;
    for prefix in ["¥", "￥", "RMB", "CNY", "$", "US$"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim();
            had_currency = true;
            break;
        }
    }
    // A minus after the currency sign: `¥-1,200`.
    if had_currency && let Some(rest) = s.strip_prefix('-') {
        negative = !negative;
        s = rest.trim();
    }
    let mut scale = Decimal::ONE;
    let mut explicit_unit = false;
    if let Some(rest) = s.strip_suffix('%') {
        scale = Decimal::new(1, 2);
        explicit_unit = true;
        s = rest.trim();
    } else {
        // Unit words after the number: `1200万`, `3.5亿元`, `1,200元`, `12K`.
        let split = s
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == ','))
            .map(|(i, _)| i);
        if let Some(i) = split {
            let (num, unit) = s.split_at(i);
            if num.is_empty() {
                return Err(bad());
            }
            scale = unit_scale(unit).ok_or_else(bad)?;
            explicit_unit = true;
            s = num.trim();
        }
    }
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(bad());
    }
    if !valid_grouping(s) {
        return Err(bad());
    }
    let digits: String = s.chars().filter(|c| *c != ',').collect();
    if digits.starts_with('.') && digits.len() == 1 {
        return Err(bad());
    }
    let value = Decimal::from_str(&digits).map_err(|_| bad())?;
    let value = value.checked_mul(scale).ok_or_else(bad)?;
    Ok((if negative { -value } else { value }, explicit_unit))
}

/// Thousands separators must group the integer part by three: `1,200` and
/// `12,345,678.5` are fine, `1,20` and `1,2,3` are typing mistakes.
fn valid_grouping(s: &str) -> bool {
    let int_part = s.split('.').next().unwrap_or("");
    if s.matches('.').count() > 1 || s.split('.').nth(1).is_some_and(|f| f.contains(',')) {
        return false;
    }
    if !int_part.contains(',') {
        return true;
    }
    let groups: Vec<&str> = int_part.split(',').collect();
    let first = groups[0];
    !first.is_empty() && first.len() <= 3 && groups[1..].iter().all(|g| g.len() == 3)
}

/// Rounds money half-up (away from zero at the midpoint) to 2 decimals, for output only.
///
/// ```
/// use qbr::money::round_money;
/// use rust_decimal::Decimal;
/// use std::str::FromStr;
/// assert_eq!(round_money(Decimal::from_str("957.575").unwrap()).to_string(), "957.58");
/// assert_eq!(round_money(Decimal::from_str("-0.005").unwrap()).to_string(), "-0.01");
/// assert_eq!(round_money(Decimal::from(3)).to_string(), "3.00");
/// ```
pub fn round_money(v: Decimal) -> Decimal {
    let mut r = v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

/// Rounds a rate (completion, share) half-up to 4 decimals, for output only.
///
/// ```
/// use qbr::money::round_rate;
/// use rust_decimal::Decimal;
/// assert_eq!(round_rate(Decimal::from(11) / Decimal::from(12)).to_string(), "0.9167");
/// ```
pub fn round_rate(v: Decimal) -> Decimal {
    let mut r = v.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(4);
    r
}

/// Formats a rate as a percentage with 2 decimals, half-up: `91.84%`.
///
/// ```
/// use qbr::money::format_percent;
/// use rust_decimal::Decimal;
/// assert_eq!(format_percent(Decimal::new(918441, 6)), "91.84%");
/// assert_eq!(format_percent(Decimal::ONE), "100.00%");
/// ```
pub fn format_percent(v: Decimal) -> String {
    format!("{:.2}%", round_rate(v) * Decimal::from(100))
}

/// Formats money for people: thousands separators and 2 decimals, `1,234,567.80`.
///
/// ```
/// use qbr::money::format_money;
/// use rust_decimal::Decimal;
/// assert_eq!(format_money(Decimal::new(-123456780, 2)), "-1,234,567.80");
/// ```
pub fn format_money(v: Decimal) -> String {
    let r = round_money(v);
    let s = r.abs().to_string();
    let (int_part, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let mut grouped = String::with_capacity(int_part.len() + int_part.len() / 3);
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if r.is_sign_negative() && !r.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}.{frac}")
}

/// Splits `total` in proportion to `weights` into amounts with `dp` decimals
/// that add up to `total` exactly (largest-remainder method; ties go to the
/// earlier weight).
///
/// Returns all zeros when the weights add up to zero, and `None` when `total`
/// has more than `dp` decimals.
///
/// ```
/// use qbr::money::allocate;
/// use rust_decimal::Decimal;
/// let parts = allocate(Decimal::from(100), &[Decimal::ONE; 3], 0).unwrap();
/// assert_eq!(parts, [Decimal::from(34), Decimal::from(33), Decimal::from(33)]);
/// ```
pub fn allocate(total: Decimal, weights: &[Decimal], dp: u32) -> Option<Vec<Decimal>> {
    let step = Decimal::new(1, dp);
    if total.round_dp(dp) != total {
        return None;
    }
    let sum: Decimal = weights.iter().sum();
    if sum.is_zero() || weights.is_empty() {
        return Some(vec![Decimal::ZERO; weights.len()]);
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = total * *w / sum;
        let floor = exact.round_dp_with_strategy(dp, RoundingStrategy::ToNegativeInfinity);
        remainders.push((exact - floor, i));
        parts.push(floor);
    }
    let allocated: Decimal = parts.iter().sum();
    let mut left = ((total - allocated) / step)
        .round()
        .to_string()
        .parse::<i64>()
        .ok()?;
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut k = 0;
    while left > 0 && !remainders.is_empty() {
        parts[remainders[k % remainders.len()].1] += step;
        left -= 1;
        k += 1;
    }
    Some(parts)
}

#[cfg(test)]
mod tests;
