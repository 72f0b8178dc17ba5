//! `qbr init`: the templates are recognised, their examples never read, and
//! once filled in `qbr check` accepts them.

use crate::support::check_inbox;
use qbr::i18n::Lang;
use qbr::sample::sheet::{Cell, write_workbook};

fn filled(lang: Lang) -> tempfile::TempDir {
    let zh = lang == Lang::Zh;
    let t = |a: &'static str, b: &'static str| Cell::Text(if zh { a } else { b }.to_string());
    let dir = tempfile::tempdir().unwrap();
    for (rel, mut sheets) in qbr::init::templates(lang) {
        for s in &mut sheets {
            // Fill the rows below each header, as a user would.
            let h = s.headers.clone();
            let rows: Vec<Vec<Cell>> = match h.first().map(String::as_str) {
                Some("期间" | "Period") => {
                    let dim = |d: &qbr::records::Dimension| {
                        Cell::Text(qbr::render::targets::dimension_cell(d, lang))
                    };
                    let sales = Cell::Text(qbr::render::targets::measure_cell(
                        &qbr::records::Measure::Sales,
                        lang,
                    ));
                    use qbr::records::Dimension as D;
                    let row = |d: D, unit: Cell, parent: Cell, v: i64, owner: Cell| {
                        vec![
                            "2026Q4".into(),
                            dim(&d),
                            unit,
                            parent,
                            sales.clone(),
                            v.into(),
                            Cell::Empty,
                            Cell::Empty,
                            Cell::Empty,
                            owner,
                            Cell::Empty,
                        ]
                    };
                    vec![
                        row(
                            D::Total,
                            t("公司", "Company"),
                            Cell::Empty,
                            1000,
                            t("王总", "CEO"),
                        ),
                        row(
                            D::Region,
                            t("华东", "East"),
                            Cell::Empty,
                            1000,
                            t("李经理", "Lee"),
                        ),
                        row(
                            D::Group,
                            t("一组", "Team 1"),
                            t("华东", "East"),
                            1000,
                            t("张三", "Alice"),
                        ),
                        row(
                            D::Person,
                            t("张三", "Alice"),
                            t("一组", "Team 1"),
                            1000,
                            t("张三", "Alice"),
                        ),
                    ]
                }
                Some("订单号" | "Order ID") => vec![vec![
                    "SO-1".into(),
                    1.into(),
                    Cell::Date(chrono::NaiveDate::from_ymd_opt(2026, 10, 9).unwrap()),
                    "C1".into(),
                    t("智能门锁", "Smart lock"),
                    900.into(),
                    1.into(),
                    t("张三", "Alice"),
                    Cell::Empty,
                ]],
                Some("产品" | "Product") => {
                    vec![vec![t("智能门锁", "Smart lock"), t("核心产品", "core")]]
                }
                Some("销售员" | "Salesperson") if h.len() == 6 => vec![vec![
                    t("张三", "Alice"),
                    t("一组", "Team 1"),
                    t("华东", "East"),
                    "top".into(),
                    20000.into(),
                    "alice@example.com".into(),
                ]],
                _ => vec![],
            };
            s.rows = rows;
        }
        write_workbook(&dir.path().join(&rel), &sheets, &rel).unwrap();
    }
    dir
}

#[test]
fn filled_templates_pass_check_and_examples_are_never_read() {
    for lang in [Lang::Zh, Lang::En] {
        let dir = filled(lang);
        let checked = check_inbox(dir.path(), None);
        let text = qbr::check_report_text(&checked, false, qbr::i18n::Lang::En);
        assert_eq!(
            checked.loaded.diagnostics.count(qbr::diag::Severity::Error),
            0,
            "{text}"
        );
        assert_eq!(
            checked
                .loaded
                .diagnostics
                .count(qbr::diag::Severity::Warning),
            0,
            "{text}"
        );
        let ds = &checked.loaded.dataset;
        // Only the filled rows: the examples above the headers are not data.
        assert_eq!(ds.targets.len(), 4, "{lang:?}");
        assert_eq!(ds.orders.len(), 1);
        assert_eq!(ds.products.len(), 1);
        assert_eq!(ds.people.len(), 1);
        assert_eq!(ds.customers.len(), 0);
        assert_eq!(ds.activities.len(), 0);
        assert_eq!(checked.period.unwrap().to_string(), "2026Q4");
    }
}

#[test]
fn init_writes_templates_into_an_empty_folder_only() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("inbox");
    let run = |lang: &str| {
        crate::support::qbr_command()
            .args(["init", dir.to_str().unwrap(), "--lang", lang])
            .output()
            .unwrap()
    };
    let o = run("en");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in [
        "targets/targets.xlsx",
        "orders/orders.xlsx",
        "masters/masters.xlsx",
        "activities/activities.xlsx",
        "qbr.toml",
    ] {
        assert!(dir.join(f).exists(), "{f}");
    }
    // The blank folder already passes check (nothing to check yet), and every
    // data sheet is recognised.
    let loaded = crate::support::load(&dir);
    assert_eq!(loaded.dataset.tables.len(), 7);
    assert!(qbr::config::Config::load(Some(&dir.join("qbr.toml"))).is_ok());
    // A second run refuses to overwrite.
    let o = run("en");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not empty"));
}
