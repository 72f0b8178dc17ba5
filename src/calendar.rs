//! Quarters, months and dates as they appear in sales workbooks.
//!
//! Accepts `2026Q3`, `2026-Q3`, `2026年第3季度`, `Q3 2026` for quarters; ISO
//! dates, `2026/7/1`, `2026.7.1`, `2026年7月1日` and Excel serial numbers (1900
//! and 1904 systems) for dates; `2026-07`, `2026/7`, `2026年7月` for months.

use crate::text::{clean, fold_width};
use calamine::{ExcelDateTime, ExcelDateTimeType};
use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};
use std::fmt;

/// A calendar quarter, e.g. 2026Q3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    /// 1 to 4.
    pub quarter: u8,
}

impl Period {
    /// The quarter a date falls in.
    pub fn of(date: NaiveDate) -> Period {
        Period {
            year: date.year(),
            quarter: ((date.month() - 1) / 3 + 1) as u8,
        }
    }

    /// The first day of the quarter.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.quarter) * 3 - 2, 1)
            .expect("a quarter's first day exists")
    }

    /// The last day of the quarter.
    pub fn last_day(self) -> NaiveDate {
        self.next()
            .first_day()
            .pred_opt()
            .expect("a quarter's last day exists")
    }

    /// True when the date lies inside the quarter.
    pub fn contains(self, date: NaiveDate) -> bool {
        Period::of(date) == self
    }

    /// The following quarter.
    pub fn next(self) -> Period {
        self.offset(1)
    }

    /// The quarter `n` quarters later (negative: earlier).
    ///
    /// ```
    /// use qbr::calendar::parse_period;
    /// let q = parse_period("2026Q1").unwrap();
    /// assert_eq!(q.offset(-1).to_string(), "2025Q4");
    /// assert_eq!(q.offset(5).to_string(), "2027Q2");
    /// ```
    pub fn offset(self, n: i32) -> Period {
        let idx = self.year * 4 + i32::from(self.quarter) - 1 + n;
        Period {
            year: idx.div_euclid(4),
            quarter: (idx.rem_euclid(4) + 1) as u8,
        }
    }

    /// The three months of the quarter.
    pub fn months(self) -> [Month; 3] {
        let first = u32::from(self.quarter) * 3 - 2;
        [0, 1, 2].map(|i| Month {
            year: self.year,
            month: (first + i) as u8,
        })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.quarter)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_period(&s).ok_or_else(|| serde::de::Error::custom(format!("not a quarter: `{s}`")))
    }
}

/// A calendar month, e.g. 2026-07.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
}

impl Month {
    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month() as u8,
        }
    }

    /// The quarter the month belongs to.
    pub fn period(self) -> Period {
        Period {
            year: self.year,
            quarter: (self.month - 1) / 3 + 1,
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Parses a quarter: `2026Q3`, `2026-Q3`, `2026 q3`, `2026年第3季度`, `2026年3季度`,
/// `Q3 2026`, `Q3-2026`.
///
/// ```
/// use qbr::calendar::parse_period;
/// for s in ["2026Q3", "2026-Q3", "2026年第3季度", "Q3 2026", "２０２６Ｑ３"] {
///     assert_eq!(parse_period(s).unwrap().to_string(), "2026Q3");
/// }
/// assert!(parse_period("2026Q5").is_none());
/// ```
pub fn parse_period(text: &str) -> Option<Period> {
    let s: String = fold_width(clean(text))
        .to_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (year, quarter) = if let Some(rest) = s.strip_prefix('Q') {
        // Q3 2026, Q3-2026, Q3/2026
        let q = rest.get(..1)?;
        let y = rest.get(1..)?.trim_start_matches(['-', '/', '_']);
        (y, q)
    } else if let Some((y, rest)) = s.split_once('年') {
        // 2026年第3季度, 2026年3季度, 2026年Q3
        let q = rest
            .trim_start_matches('第')
            .trim_start_matches('Q')
            .trim_end_matches("季度")
            .trim_end_matches('季');
        (y, q)
    } else {
        // 2026Q3, 2026-Q3
        let (y, q) = s.split_once('Q')?;
        (y.trim_end_matches(['-', '/', '_']), q)
    };
    let year: i32 = year.parse().ok().filter(|y| (1900..=9999).contains(y))?;
    let quarter = match quarter {
        "1" | "一" => 1,
        "2" | "二" => 2,
        "3" | "三" => 3,
        "4" | "四" => 4,
        _ => return None,
    };
    Some(Period { year, quarter })
}

/// Parses a date typed as text: `2026-07-01`, `2026-07-01T10:00:00`,
/// `2026-07-01 10:00`, `2026/7/1`, `2026.7.1`, `2026年7月1日`, `20260701`.
///
/// ```
/// use qbr::calendar::parse_date;
/// use chrono::NaiveDate;
/// let d = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
/// for s in ["2026-07-01", "2026/7/1", "2026年7月1日", "2026-07-01T09:30:00", "20260701"] {
///     assert_eq!(parse_date(s), Some(d), "{s}");
/// }
/// assert_eq!(parse_date("2026-02-30"), None);
/// ```
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let s = fold_width(clean(text));
    // Drop a time part.
    let date_part = s
        .split(['T', ' '])
        .next()
        .unwrap_or("")
        .trim_end_matches('日')
        .trim_end_matches('号');
    if date_part.len() == 8 && date_part.chars().all(|c| c.is_ascii_digit()) {
        let (y, rest) = date_part.split_at(4);
        let (m, d) = rest.split_at(2);
        return ymd(y, m, d);
    }
    let parts: Vec<&str> = date_part.split(['-', '/', '.', '年', '月']).collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => ymd(y, m, d),
        _ => None,
    }
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// Parses a month: `2026-07`, `2026/7`, `2026年7月`, `2026.07`, or a full date
/// (its month).
///
/// ```
/// use qbr::calendar::parse_month;
/// assert_eq!(parse_month("2026年7月").unwrap().to_string(), "2026-07");
/// assert_eq!(parse_month("2026/7").unwrap().to_string(), "2026-07");
/// assert!(parse_month("2026-13").is_none());
/// ```
pub fn parse_month(text: &str) -> Option<Month> {
    let s = fold_width(clean(text));
    if let Some(d) = parse_date(&s) {
        return Some(Month::of(d));
    }
    let t = s.trim_end_matches("份").trim_end_matches('月');
    let parts: Vec<&str> = t.split(['-', '/', '.', '年']).collect();
    match parts.as_slice() {
        [y, m] if y.len() == 4 => {
            let year: i32 = y.parse().ok()?;
            let month: u8 = m.parse().ok()?;
            (1..=12).contains(&month).then_some(Month { year, month })
        }
        _ => None,
    }
}

/// Converts an Excel serial date to a calendar date, in the 1900 or the 1904
/// date system. The time of day is dropped.
///
/// Serial 60 is Excel's fictitious 1900-02-29; like Excel's own readers it is
/// taken as 1900-02-28's successor, 1900-03-01 (no sales data lives there).
///
/// ```
/// use qbr::calendar::date_from_serial;
/// use chrono::NaiveDate;
/// assert_eq!(date_from_serial(46204.0, false), NaiveDate::from_ymd_opt(2026, 7, 1));
/// assert_eq!(date_from_serial(44742.0, true), NaiveDate::from_ymd_opt(2026, 7, 1));
/// assert_eq!(date_from_serial(-1.0, false), None);
/// ```
pub fn date_from_serial(serial: f64, is_1904: bool) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let (epoch, days) = if is_1904 {
        (NaiveDate::from_ymd_opt(1904, 1, 1)?, days)
    } else if days < 60 {
        (NaiveDate::from_ymd_opt(1899, 12, 31)?, days)
    } else {
        (NaiveDate::from_ymd_opt(1899, 12, 30)?, days)
    };
    epoch.checked_add_signed(chrono::Duration::days(days))
}

/// The calendar day of a date-formatted Excel cell, exactly as calamine's
/// `ExcelDateTime::to_ymd_hms_milli` gives it, the time of day dropped.
///
/// Serials from 1901 to 9999 in the 1900 system (every date a sales export
/// holds) are 1899-12-30 plus their whole days, found without calamine's
/// year-block arithmetic and time of day; anything else (the 1904 system, a
/// duration, Excel's fictitious 1900-02-29) goes through calamine.
pub fn date_of_excel(dt: &ExcelDateTime) -> Option<NaiveDate> {
    const EPOCH_1900: NaiveDate = match NaiveDate::from_ymd_opt(1899, 12, 30) {
        Some(d) => d,
        None => panic!("1899-12-30 is a date"),
    };
    let serial = dt.as_f64();
    if (366.0..2_958_466.0).contains(&serial)
        && *dt == ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false)
    {
        // In range, so the cast takes the whole days (the floor).
        return EPOCH_1900.checked_add_days(chrono::Days::new(serial as u64));
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
}

/// Whether a date-formatted Excel cell counts from 1904. calamine keeps the
/// flag private; a cell equals one rebuilt from its value and kind only when
/// the flags match too.
pub fn excel_is_1904(dt: &ExcelDateTime) -> bool {
    let serial = dt.as_f64();
    [ExcelDateTimeType::DateTime, ExcelDateTimeType::TimeDelta]
        .into_iter()
        .any(|kind| *dt == ExcelDateTime::new(serial, kind, true))
}

/// Parses an ISO week `2026-W27` (or `2026W27`, `2026年第27周`) to its Monday.
///
/// ```
/// use qbr::calendar::parse_week;
/// assert_eq!(parse_week("2026-W27").unwrap().to_string(), "2026-06-29");
/// ```
pub fn parse_week(text: &str) -> Option<NaiveDate> {
    let s: String = fold_width(clean(text))
        .to_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (y, w) = if let Some((y, w)) = s.split_once('W') {
        (y.trim_end_matches('-'), w)
    } else {
        let (y, rest) = s.split_once('年')?;
        (y, rest.trim_start_matches('第').trim_end_matches('周'))
    };
    NaiveDate::from_isoywd_opt(y.parse().ok()?, w.parse().ok()?, chrono::Weekday::Mon)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    /// The day calamine's own conversion gives, which `date_of_excel` must match.
    fn calamine_day(dt: &ExcelDateTime) -> Option<NaiveDate> {
        let (y, m, d, ..) = dt.to_ymd_hms_milli();
        NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
    }

    #[test]
    fn excel_days_match_calamine_on_every_day_of_the_fast_range() {
        // Every whole day of 1901-01-01..=9999-12-31, at midnight and just before the next.
        for day in 366..2_958_466u32 {
            for serial in [f64::from(day), f64::from(day) + 0.999_999] {
                let dt = ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false);
                assert_eq!(date_of_excel(&dt), calamine_day(&dt), "serial {serial}");
            }
        }
        let first = ExcelDateTime::new(366.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(date_of_excel(&first), NaiveDate::from_ymd_opt(1900, 12, 31));
    }

    #[rstest]
    #[case(46204.25, false, Some((2026, 7, 1)))]
    #[case(44742.0, true, Some((2026, 7, 1)))]
    #[case(60.0, false, None)] // Excel's 1900-02-29
    #[case(61.0, false, Some((1900, 3, 1)))]
    fn excel_days_outside_the_fast_path(
        #[case] serial: f64,
        #[case] is_1904: bool,
        #[case] want: Option<(i32, u32, u32)>,
    ) {
        let dt = ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, is_1904);
        let want = want.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
        assert_eq!(date_of_excel(&dt), want);
        assert_eq!(calamine_day(&dt), want);
    }

    #[rstest]
    #[case(46204.0, false)]
    #[case(44742.5, true)]
    #[case(0.25, true)]
    fn excel_epoch_flag_is_read_back(#[case] serial: f64, #[case] is_1904: bool) {
        for kind in [ExcelDateTimeType::DateTime, ExcelDateTimeType::TimeDelta] {
            let dt = ExcelDateTime::new(serial, kind, is_1904);
            assert_eq!(excel_is_1904(&dt), is_1904);
        }
    }

    proptest::proptest! {
        #[test]
        fn excel_days_match_calamine_for_any_serial(
            serial in proptest::num::f64::ANY,
            near in -1.0e3..3.0e6f64,
            is_1904: bool,
            duration: bool,
        ) {
            let kind = if duration { ExcelDateTimeType::TimeDelta } else { ExcelDateTimeType::DateTime };
            for v in [serial, near] {
                let dt = ExcelDateTime::new(v, kind, is_1904);
                proptest::prop_assert_eq!(date_of_excel(&dt), calamine_day(&dt));
            }
        }
    }

    #[rstest]
    #[case("2026Q3", 2026, 3)]
    #[case("2026-Q3", 2026, 3)]
    #[case("2026 Q3", 2026, 3)]
    #[case("2026q3", 2026, 3)]
    #[case("2026年第3季度", 2026, 3)]
    #[case("2026年3季度", 2026, 3)]
    #[case("2026年第三季度", 2026, 3)]
    #[case("Q3 2026", 2026, 3)]
    #[case("Q1-2027", 2027, 1)]
    #[case("２０２６Ｑ４", 2026, 4)]
    fn parses_periods(#[case] s: &str, #[case] year: i32, #[case] quarter: u8) {
        assert_eq!(parse_period(s), Some(Period { year, quarter }), "{s}");
    }

    #[rstest]
    #[case("2026Q0")]
    #[case("2026Q5")]
    #[case("Q3")]
    #[case("2026")]
    #[case("三季度")]
    #[case("")]
    fn rejects_bad_periods(#[case] s: &str) {
        assert_eq!(parse_period(s), None, "{s}");
    }

    #[test]
    fn period_bounds() {
        let q = Period {
            year: 2026,
            quarter: 3,
        };
        assert_eq!(q.first_day(), NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        assert_eq!(q.last_day(), NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
        assert_eq!(q.next().to_string(), "2026Q4");
        assert_eq!(q.offset(-3).to_string(), "2025Q4");
        assert_eq!(
            q.months().map(|m| m.to_string()),
            ["2026-07", "2026-08", "2026-09"]
        );
        let q4 = Period {
            year: 2026,
            quarter: 4,
        };
        assert_eq!(
            q4.last_day(),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
    }

    #[rstest]
    #[case("2026-07-01", Some((2026, 7, 1)))]
    #[case("2026/7/1", Some((2026, 7, 1)))]
    #[case("2026.7.1", Some((2026, 7, 1)))]
    #[case("2026年7月1日", Some((2026, 7, 1)))]
    #[case("2026年7月1号", Some((2026, 7, 1)))]
    #[case("2026-07-01 13:45:00", Some((2026, 7, 1)))]
    #[case("20260930", Some((2026, 9, 30)))]
    #[case("２０２６／７／１", Some((2026, 7, 1)))]
    #[case("2026-02-29", None)]
    #[case("7/1/2026", None)]
    #[case("yesterday", None)]
    #[case("", None)]
    fn parses_dates(#[case] s: &str, #[case] expected: Option<(i32, u32, u32)>) {
        let expected = expected.map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap());
        assert_eq!(parse_date(s), expected, "{s}");
    }

    #[rstest]
    #[case(1.0, false, (1900, 1, 1))]
    #[case(59.0, false, (1900, 2, 28))]
    #[case(61.0, false, (1900, 3, 1))]
    #[case(45658.0, false, (2025, 1, 1))]
    #[case(46204.75, false, (2026, 7, 1))]
    #[case(0.0 + 1.0, true, (1904, 1, 2))]
    #[case(44742.0, true, (2026, 7, 1))]
    fn serial_dates(#[case] serial: f64, #[case] is_1904: bool, #[case] ymd: (i32, u32, u32)) {
        assert_eq!(
            date_from_serial(serial, is_1904),
            NaiveDate::from_ymd_opt(ymd.0, ymd.1, ymd.2)
        );
    }

    #[test]
    fn weeks() {
        assert_eq!(
            parse_week("2026年第27周"),
            NaiveDate::from_ymd_opt(2026, 6, 29)
        );
        assert_eq!(
            parse_week("2026W53"),
            Some(NaiveDate::from_ymd_opt(2026, 12, 28).unwrap())
        );
        assert_eq!(parse_week("2025-W53"), None);
    }
}
