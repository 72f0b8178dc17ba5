//! Custom dimensions declared in qbr.toml: an industry from the customers
//! master (with a sub-split and a customer the master does not list) and a
//! channel column of the orders. Hand-computed expectations.

use crate::support::{inbox, review_inbox, sheet};
use calamine::{Reader, Xlsx, open_workbook};

const CONFIG: &str = r#"
[dimensions.industry]
column = "行业"
master = "customers"
zh = "行业"
en = "Industry"

[dimensions.channel]
column = ["渠道", "Channel"]
"#;

fn industry_inbox() -> tempfile::TempDir {
    let targets = sheet(
        "目标",
        &["期间", "维度", "单元", "上级", "目标"],
        &[
            &["2026Q3", "总计", "公司", "", "1000"],
            &["2026Q3", "行业", "制造业", "", "600"],
            &["2026Q3", "行业", "汽车零部件", "制造业", "300"],
            &["2026Q3", "行业", "家电", "制造业", "300"],
            &["2026Q3", "行业", "零售", "", "400"],
            &["2026Q3", "channel", "线上", "", "500"],
            &["2026Q3", "channel", "线下", "", "500"],
        ],
    );
    let customers = sheet(
        "客户",
        &["客户", "行业"],
        &[&["A", "汽车零部件"], &["B", "家电"], &["C", "零售"]],
    );
    let orders = sheet(
        "明细",
        &["订单号", "日期", "客户", "产品", "金额", "渠道"],
        &[
            &["S1", "2026-07-01", "A", "门锁", "240", "线上"],
            &["S2", "2026-07-02", "B", "门锁", "300", "线下"],
            &["S3", "2026-08-01", "C", "门锁", "380", "线上"],
            &["S4", "2026-08-02", "D", "门锁", "80", ""],
        ],
    );
    inbox(&[
        ("目标.xlsx", vec![targets, customers]),
        ("订单.xlsx", vec![orders]),
    ])
}

#[test]
fn an_industry_from_the_customers_master_is_reviewed_like_a_built_in_dimension() {
    let dir = industry_inbox();
    let r = review_inbox(dir.path(), Some(CONFIG));
    let unit = |u: &str| r.unit("industry", "sales", u);
    // 汽车零部件 240 of 300, 家电 300 of 300, 制造业 = both, 零售 380 of 400.
    assert_eq!(unit("汽车零部件")["actual"], "240.00");
    assert_eq!(unit("汽车零部件")["completion"], "0.8000");
    assert_eq!(unit("汽车零部件")["status"], "short_board");
    assert_eq!(unit("家电")["completion"], "1.0000");
    assert_eq!(unit("制造业")["actual"], "540.00");
    assert_eq!(unit("制造业")["completion"], "0.9000");
    assert_eq!(unit("制造业")["leaf"], false);
    assert_eq!(unit("零售")["completion"], "0.9500");
    // Customer D is not in the master: 80 unassigned, and the invariant holds.
    let d = r.dimension("industry", "sales");
    assert_eq!(d["unassigned"]["lines"], 1);
    assert_eq!(d["unassigned"]["amount"], "80.00");
    assert_eq!(r.summary["inputs"]["order_amount"], "1000.00");
    let boards: Vec<(&str, &str)> = r.summary["short_boards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["dimension"].as_str().unwrap(),
                b["unit"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(boards.contains(&("industry", "汽车零部件")), "{boards:?}");
    // The diagnostic names the customer's cell and the money.
    let unmapped: Vec<(&str, &str)> = r.summary["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "order.dimension_unmapped")
        .map(|d| {
            (
                d["location"].as_str().unwrap(),
                d["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(unmapped.len(), 2, "{unmapped:?}");
    assert_eq!(unmapped[0].0, "订单.xlsx!明细!C5");
    assert!(
        unmapped[0]
            .1
            .starts_with("customer `D` has no 行业 / Industry in the customers master: 1 line of 2026Q3, 80.00, is unassigned in the 行业 / Industry dimension"),
        "{}",
        unmapped[0].1
    );
    assert_eq!(unmapped[1].0, "订单.xlsx!明细!F5");
    // Nothing about unknown dimensions.
    assert!(
        !r.read("summary.json").contains("target.dimension_unknown"),
        "declared dimensions are known"
    );
}

#[test]
fn a_channel_column_of_the_orders_is_a_dimension_with_its_own_unassigned() {
    let dir = industry_inbox();
    let r = review_inbox(dir.path(), Some(CONFIG));
    let unit = |u: &str| r.unit("channel", "sales", u);
    assert_eq!(unit("线上")["actual"], "620.00");
    assert_eq!(unit("线上")["completion"], "1.2400");
    assert_eq!(unit("线上")["status"], "excellent");
    assert_eq!(unit("线下")["completion"], "0.6000");
    let d = r.dimension("channel", "sales");
    assert_eq!(d["unassigned"]["amount"], "80.00");
}

#[test]
fn custom_dimensions_get_a_workbook_sheet_an_html_section_and_next_quarter_rows() {
    let dir = industry_inbox();
    let r = review_inbox(dir.path(), Some(CONFIG));
    let wb: Xlsx<_> = open_workbook(r.dir.join("review-2026Q3.xlsx")).unwrap();
    let names = wb.sheet_names();
    assert!(names.iter().any(|n| n == "行业"), "{names:?}");
    assert!(names.iter().any(|n| n == "channel"), "{names:?}");
    let html = r.read("review-2026Q3.html");
    assert!(
        html.contains("<h2>行业</h2>") || html.contains(">行业<"),
        "a section named 行业"
    );
    assert!(html.contains("汽车零部件"));
    // Next quarter's targets carry the industry units and read back as that dimension.
    let next = r.dir.join("targets-2026Q4.xlsx");
    let again = inbox(&[]);
    std::fs::copy(&next, again.path().join("targets-2026Q4.xlsx")).unwrap();
    std::fs::write(again.path().join("qbr.toml"), CONFIG).unwrap();
    let loaded = crate::support::load(again.path());
    let industries: Vec<&str> = loaded
        .dataset
        .targets
        .iter()
        .filter(|t| t.dimension.key() == "industry")
        .map(|t| t.unit.as_str())
        .collect();
    assert_eq!(industries.len(), 4, "{industries:?}");
    assert!(industries.contains(&"汽车零部件"));
}

#[test]
fn a_missing_column_is_named_and_every_line_is_unassigned() {
    let dir = industry_inbox();
    let config = CONFIG.replace("column = \"行业\"", "column = \"所属行业\"");
    let r = review_inbox(dir.path(), Some(&config));
    let d = r.dimension("industry", "sales");
    assert_eq!(d["unassigned"]["amount"], "1000.00");
    assert_eq!(d["unassigned"]["lines"], 4);
    let msg = r.summary["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "config.dimension_column_missing")
        .expect("the missing column is reported");
    assert!(
        msg["message"]
            .as_str()
            .unwrap()
            .contains("no 客户主数据 / Customers sheet has a `所属行业` column"),
        "{msg}"
    );
}

#[test]
fn declarations_that_cannot_work_are_refused_with_the_reason() {
    let cases = [
        (
            "[dimensions.region]\ncolumn = \"大区\"\n",
            "is a built-in dimension and cannot be mapped to a column",
        ),
        (
            "[dimensions.industry]\nokr = true\n",
            "names no built-in dimension; declare its column",
        ),
        (
            "[dimensions.industry]\ncolumn = \"行业\"\nmaster = \"suppliers\"\n",
            "expected orders, customers, products or people",
        ),
        (
            "[dimensions.industry]\ncolumn = \"行业\"\n[dimensions.sector]\ncolumn = \"行业\"\n",
            "shares a name with [dimensions.industry]",
        ),
    ];
    for (toml, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("qbr.toml");
        std::fs::write(&path, toml).unwrap();
        let err = qbr::config::Config::load(Some(&path))
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{toml}: {err}");
    }
}
