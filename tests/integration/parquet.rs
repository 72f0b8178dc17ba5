//! Parquet exports read with polars: the same summary as the xlsx path to the
//! cent (amounts as exact decimals or as floats, dates as dates or
//! timestamps), and `file!row:column` locations.

use crate::support::inbox;
use polars::prelude::*;
use qbr::sample::sheet::{Cell, SheetSpec};
use serde_json::Value;

use crate::csv::{HEADERS, ROWS, targets};

fn summary(dir: &std::path::Path) -> Value {
    let mut v = crate::support::review_inbox(dir, None).summary;
    v["diagnostics"] = Value::Null;
    v
}

/// The orders as a Parquet file; `exact` writes amounts as Decimal(12, 4) and
/// dates as dates, otherwise as Float64 and millisecond timestamps.
fn parquet(exact: bool, amount_override: Option<(usize, &str)>) -> Vec<u8> {
    let col = |i: usize| -> Vec<String> { ROWS.iter().map(|r| r[i].to_string()).collect() };
    let mut amounts = col(4);
    if let Some((row, v)) = amount_override {
        amounts[row] = v.to_string();
    }
    let dates: Vec<i32> = col(1)
        .iter()
        .map(|d| {
            let d = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
            (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days() as i32
        })
        .collect();
    let date = if exact {
        Series::new("日期".into(), dates)
            .cast(&DataType::Date)
            .unwrap()
    } else {
        let ms: Vec<i64> = dates.iter().map(|d| i64::from(*d) * 86_400_000).collect();
        Series::new("日期".into(), ms)
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            .unwrap()
    };
    let amount = if exact {
        Series::new("金额".into(), amounts)
            .cast(&DataType::Decimal(12, 4))
            .unwrap()
    } else {
        let f: Vec<f64> = amounts.iter().map(|a| a.parse().unwrap()).collect();
        Series::new("金额".into(), f)
    };
    let mut df = DataFrame::new_infer_height(vec![
        Series::new("订单号".into(), col(0)).into(),
        date.into(),
        Series::new("客户".into(), col(2)).into(),
        Series::new("产品".into(), col(3)).into(),
        amount.into(),
        Series::new("销售员".into(), col(5)).into(),
    ])
    .unwrap();
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
    bytes
}

#[test]
fn parquet_with_decimals_or_floats_gives_the_xlsx_summary() {
    let mut o = SheetSpec::new("明细", &HEADERS);
    for r in ROWS {
        o.row(
            r.iter()
                .enumerate()
                .map(|(i, v)| match i {
                    4 => Cell::Number(v.parse().unwrap()),
                    _ => Cell::Text(v.to_string()),
                })
                .collect(),
        );
    }
    let xlsx = summary(inbox(&[("目标.xlsx", targets()), ("订单.xlsx", vec![o])]).path());
    assert_eq!(xlsx["inputs"]["order_amount"], "11000.00");
    for exact in [true, false] {
        let dir = inbox(&[("目标.xlsx", targets())]);
        std::fs::write(dir.path().join("订单.parquet"), parquet(exact, None)).unwrap();
        crate::csv::assert_same_figures(&summary(dir.path()), &xlsx, &format!("exact = {exact}"));
    }
}

#[test]
fn a_bad_parquet_cell_is_located_by_row_and_column_and_a_broken_file_is_named() {
    let dir = inbox(&[("目标.xlsx", targets())]);
    // A text amount column with one value that is not a number.
    let mut bytes = parquet(true, None);
    {
        let mut df = ParquetReader::new(std::io::Cursor::new(&bytes))
            .finish()
            .unwrap();
        let amounts: Vec<String> = ["957.5775", "1200.5", "33.6", "88o8.32"]
            .map(String::from)
            .to_vec();
        df.with_column(Series::new("金额".into(), amounts).into())
            .unwrap();
        bytes.clear();
        ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
    }
    std::fs::write(dir.path().join("订单.parquet"), &bytes).unwrap();
    let loaded = crate::support::load(dir.path());
    let located = crate::support::located(&loaded, "row.number_invalid");
    assert_eq!(located, ["订单.parquet!5:E"]);
    // Truncated: refused with a clear message, never a panic.
    std::fs::write(dir.path().join("订单.parquet"), &bytes[..bytes.len() / 2]).unwrap();
    let loaded = crate::support::load(dir.path());
    assert!(
        loaded
            .diagnostics
            .items()
            .iter()
            .any(|d| d.code.to_string() == "workbook.unreadable"),
        "{:?}",
        loaded.diagnostics.items()
    );
}
