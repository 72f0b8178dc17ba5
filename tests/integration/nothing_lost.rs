//! Nothing lost: every order row of an inbox, tallied by an independent
//! reader, is counted in the review, set aside as a duplicate, or rejected
//! with its location — line for line and cent for cent — and summary.json
//! carries the three.

use crate::support::{check_inbox, inbox, write_review};
use calamine::{Data, Reader};
use qbr::sample::sheet::{Cell, SheetSpec};
use rust_decimal::Decimal;
use serde_json::Value;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn orders(name: &str, rows: &[(&str, &str, &str, Cell)]) -> SheetSpec {
    let mut o = SheetSpec::new(name, &["订单号", "行号", "日期", "客户", "产品", "金额"]);
    for (id, line, date, amount) in rows {
        o.row(vec![
            (*id).into(),
            (*line).into(),
            (*date).into(),
            "客户A".into(),
            "门锁".into(),
            amount.clone(),
        ]);
    }
    o
}

/// (rows, amount of the rows whose amount is a number) of every order sheet,
/// read with calamine alone; rows whose first cell says 合计 are subtotals.
fn independent_tally(dir: &std::path::Path) -> (usize, Decimal, usize) {
    let (mut rows, mut amount, mut subtotals) = (0, Decimal::ZERO, 0);
    for e in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.path().extension().is_none_or(|x| x != "xlsx") {
            continue;
        }
        let mut wb = calamine::open_workbook_auto(e.path()).unwrap();
        for s in wb.sheet_names() {
            let range = wb.worksheet_range(&s).unwrap();
            let mut it = range.rows();
            let Some(header) = it.next() else { continue };
            if !header.iter().any(|c| *c == Data::String("订单号".into())) {
                continue;
            }
            for r in it {
                if r.iter().all(|c| *c == Data::Empty) {
                    continue;
                }
                if r[0] == Data::String("合计".into()) {
                    subtotals += 1;
                    continue;
                }
                rows += 1;
                if let Data::Float(v) = r[5] {
                    amount += Decimal::from_f64_retain(v).unwrap().round_dp(2);
                }
            }
        }
    }
    (rows, amount, subtotals)
}

#[test]
fn every_order_row_is_counted_set_aside_or_rejected_with_its_location() {
    let mut t = SheetSpec::new("目标", &["期间", "维度", "单元", "目标", "负责人"]);
    t.row(vec![
        "2026Q3".into(),
        "总计".into(),
        "公司".into(),
        1000.into(),
        "王总".into(),
    ]);
    let n = |s: &str| Cell::Number(d(s));
    let a = orders(
        "明细",
        &[
            ("S1", "1", "2026-07-01", n("100.10")),
            ("S2", "1", "2026-08-01", n("200.20")),
            ("S3", "1", "2026-09-01", n("300.30")),
            ("H1", "1", "2026-05-01", n("50.05")),
            ("F1", "1", "2026-10-02", n("70.07")),
            ("R1", "1", "not a date", n("40.04")),
            ("R2", "1", "2026-07-03", Cell::Text("abc".into())),
            ("合计", "", "", n("600.60")),
        ],
    );
    let b = orders("明细", &[("S1", "1", "2026-07-01", n("100.10"))]);
    let dir = inbox(&[
        ("目标.xlsx", vec![t]),
        ("订单A.xlsx", vec![a]),
        ("订单B.xlsx", vec![b]),
    ]);
    let (rows, amount, subtotals) = independent_tally(dir.path());
    assert_eq!((rows, amount, subtotals), (8, d("860.86"), 1));

    let checked = check_inbox(dir.path(), None);
    let (_out, _, written) = write_review(&checked, &Default::default());
    let s: Value =
        serde_json::from_str(&std::fs::read_to_string(written.join("summary.json")).unwrap())
            .unwrap();
    let acc = &s["inputs"]["accounting"];
    let tally = |k: &str| {
        (
            acc[k]["lines"].as_u64().unwrap() as usize,
            d(acc[k]["amount"].as_str().unwrap()),
        )
    };
    // Read: 6 lines; rejected: 2 (one with a readable amount, 40.04).
    assert_eq!(tally("read"), (6, d("820.82")));
    assert_eq!(tally("rejected"), (2, d("40.04")));
    assert_eq!(acc["rejected_without_amount"], 1);
    assert_eq!(acc["summary_rows"], 1);
    // The independent tally equals read + rejected, line for line and cent for cent.
    assert_eq!(tally("read").0 + tally("rejected").0, rows);
    assert_eq!(tally("read").1 + tally("rejected").1, amount);
    // Read = counted in the period + history + after the period + duplicates.
    assert_eq!(tally("in_period"), (3, d("600.60")));
    assert_eq!(tally("history"), (1, d("50.05")));
    assert_eq!(tally("after_period"), (1, d("70.07")));
    assert_eq!(tally("duplicates"), (1, d("100.10")));
    assert_eq!(s["inputs"]["order_amount"], "600.60");
    // Each rejected row with its location.
    let at: Vec<&str> = acc["rejected_at"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(at, ["订单A.xlsx!明细!7", "订单A.xlsx!明细!8"]);
    let diags = s["diagnostics"].as_array().unwrap();
    for row in [7, 8] {
        assert!(
            diags.iter().any(|x| x["location"]
                .as_str()
                .unwrap_or("")
                .starts_with("订单A.xlsx!明细!")
                && x["location"].as_str().unwrap().ends_with(&row.to_string())),
            "row {row} has a diagnostic with its cell: {diags:#?}"
        );
    }
}

#[test]
fn sample_data_accounting_adds_up() {
    let checked = check_inbox(&crate::support::sample_data(), None);
    let (_out, review, _) = write_review(&checked, &Default::default());
    let a = &review.inputs.accounting;
    assert_eq!(a.read.lines, 19_861);
    assert_eq!(a.read.amount, d("46923635.958"));
    assert_eq!(
        (
            a.in_period.lines,
            a.history.lines,
            a.after_period.lines,
            a.duplicates.lines
        ),
        (4756, 15_105, 0, 0)
    );
    assert_eq!((a.rejected.lines, a.summary_rows), (0, 0));
}
