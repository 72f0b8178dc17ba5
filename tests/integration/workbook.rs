//! The review workbook: its figures equal summary.json when read back with
//! calamine; a `Sheet!A1 = value` dump is a snapshot; two runs give the same
//! bytes; text from inputs never becomes a formula; LibreOffice opens it.

use crate::support::{check_inbox, sample_data, write_review};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use serde_json::Value;
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// Reviews an inbox; returns (summary.json, workbook bytes).
fn review(dir: &Path, opts: &qbr::ReviewOptions) -> (Value, Vec<u8>) {
    let checked = check_inbox(dir, None);
    let (_out, review, written) = write_review(&checked, opts);
    let summary =
        serde_json::from_str(&std::fs::read_to_string(written.join("summary.json")).unwrap())
            .unwrap();
    let bytes = std::fs::read(written.join(format!("review-{}.xlsx", review.period))).unwrap();
    (summary, bytes)
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<&[u8]>> {
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

/// Every non-empty cell as `Sheet!A1 = value`.
fn dump(bytes: &[u8]) -> String {
    let mut wb = open(bytes);
    let mut out = String::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for (r, c, v) in range.used_cells() {
            let (r, c) = (
                r as u32 + range.start().unwrap().0,
                c as u32 + range.start().unwrap().1,
            );
            let cell = format!("{}{}", qbr::diag::column_name(c as u16), r + 1);
            let value = match v {
                Data::Float(f) => format!("{f}"),
                Data::Int(i) => i.to_string(),
                Data::String(s) => format!("{s:?}"),
                other => format!("{other:?}"),
            };
            out.push_str(&format!("{name}!{cell} = {value}\n"));
        }
    }
    out
}

/// A dimension sheet's row: (unit, measure, target, actual, completion).
type UnitRow = (String, String, f64, Option<f64>, Option<f64>);

/// The rows of a dimension sheet.
fn rows(bytes: &[u8], sheet: &str) -> Vec<UnitRow> {
    let mut wb = open(bytes);
    let range = wb.worksheet_range(sheet).unwrap();
    range
        .rows()
        .skip(1)
        .map(|r| {
            let s = |i: usize| r.get(i).map(|d| d.to_string()).unwrap_or_default();
            let n = |i: usize| match r.get(i) {
                Some(Data::Float(f)) => Some(*f),
                _ => None,
            };
            (s(1), s(3), n(4).unwrap(), n(5), n(6))
        })
        .collect()
}

fn num(v: &Value) -> f64 {
    v.as_str().unwrap().parse().unwrap()
}

#[test]
fn sample_workbook_figures_equal_summary_json() {
    let (summary, bytes) = review(&sample_data(), &Default::default());
    let mut wb = open(&bytes);
    assert_eq!(
        wb.sheet_names(),
        [
            "概览",
            "客户",
            "产品",
            "月份",
            "团队",
            "短板",
            "团队排名",
            "建议",
            "资源",
            "月度趋势",
            "数据问题"
        ]
    );
    // Overview: total target, actual, completion as numbers.
    let ov = wb.worksheet_range("概览").unwrap();
    assert_eq!(ov.get_value((5, 0)), Some(&Data::Float(12_000_000.0)));
    assert_eq!(
        ov.get_value((5, 1)),
        Some(&Data::Float(num(&summary["total"]["actual"])))
    );
    assert_eq!(
        ov.get_value((5, 2)),
        Some(&Data::Float(num(&summary["total"]["completion"])))
    );
    // Every unit of every dimension sheet equals summary.json.
    let dims = summary["dimensions"].as_array().unwrap();
    let mut checked = 0;
    for (sheet, keys) in [
        ("客户", &["customer"][..]),
        ("产品", &["product"]),
        ("月份", &["month"]),
        ("团队", &["region", "group", "person"]),
    ] {
        for (unit, measure, target, actual, completion) in rows(&bytes, sheet) {
            let u = dims
                .iter()
                .filter(|d| keys.contains(&d["dimension"].as_str().unwrap()))
                .filter(|d| {
                    qbr::i18n::Lang::Zh.measure(&qbr::records::Measure::parse(
                        d["measure"].as_str().unwrap(),
                    )) == measure
                })
                .flat_map(|d| d["units"].as_array().unwrap())
                .find(|u| u["unit"] == unit.as_str())
                .unwrap_or_else(|| panic!("{sheet}: {unit} / {measure} not in summary.json"));
            assert_eq!(target, num(&u["target"]), "{unit} target");
            assert_eq!(
                actual,
                u["actual"].as_str().map(|s| s.parse().unwrap()),
                "{unit} actual"
            );
            assert_eq!(
                completion,
                u["completion"].as_str().map(|s| s.parse().unwrap()),
                "{unit} completion"
            );
            checked += 1;
        }
    }
    // The 53 target rows: 47 on the dimension sheets, the company's sales in the
    // headline and its five other targets in the overview's company table.
    assert_eq!(checked, 47, "every dimension target row appears once");
    let company: Vec<String> = ov
        .rows()
        .skip(8)
        .take(6)
        .map(|r| r[0].to_string())
        .collect();
    assert_eq!(
        company,
        ["指标", "回款额", "拜访量", "线索量", "商机数", "方案演示"]
    );
}

#[test]
fn two_runs_give_identical_bytes() {
    let (_, a) = review(&sample_data(), &Default::default());
    let (_, b) = review(&sample_data(), &Default::default());
    assert!(a == b, "the workbook differs between two runs");
}

#[test]
fn small_workbook_dump_snapshot() {
    let dir = crate::support::two_region_inbox(["华东", "华南"]);
    let (_, zh) = review(dir.path(), &Default::default());
    insta::assert_snapshot!("small_workbook_zh", dump(&zh));
    let en = qbr::ReviewOptions {
        lang: Some(qbr::i18n::Lang::En),
        money_unit: qbr::render::xlsx::MoneyUnit::TenThousand,
        ..Default::default()
    };
    let (_, en) = review(dir.path(), &en);
    insta::assert_snapshot!("small_workbook_en", dump(&en));
}

#[test]
fn input_text_never_becomes_a_formula() {
    let hostile = [
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "+cmd|' /C calc'!A0",
    ];
    let dir = crate::support::two_region_inbox(hostile);
    let (_, bytes) = review(dir.path(), &Default::default());
    let mut wb = open(&bytes);
    for name in wb.sheet_names() {
        let formulas = wb.worksheet_formula(&name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{name} has a formula"
        );
    }
    let team = wb.worksheet_range("团队").unwrap();
    let texts: Vec<String> = team.rows().map(|r| r[1].to_string()).collect();
    assert!(texts.contains(&hostile[0].to_string()), "{texts:?}");
    assert!(texts.contains(&hostile[1].to_string()), "{texts:?}");
}

fn soffice() -> Option<PathBuf> {
    ["/usr/bin/soffice", "/usr/bin/libreoffice"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

#[test]
fn libreoffice_converts_the_workbook() {
    let Some(soffice) = soffice() else {
        eprintln!("skipped: LibreOffice not installed (Debian package libreoffice-calc-nogui)");
        return;
    };
    let (_, bytes) = review(&sample_data(), &Default::default());
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("review.xlsx");
    std::fs::write(&xlsx, &bytes).unwrap();
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        dir.path().display()
    );
    let out = std::process::Command::new(soffice)
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&xlsx)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = std::fs::read(dir.path().join("review.pdf")).unwrap();
    assert!(
        pdf.starts_with(b"%PDF") && pdf.len() > 10_000,
        "{} bytes",
        pdf.len()
    );
}

/// The data-issues sheet and the HTML report speak the report's language:
/// with `--as-of 2026-08-15`, sample-data's September lines are named in
/// Chinese (severity, message and what to do) in the Chinese reports, and in
/// English with `--lang en`.
#[test]
fn data_issues_speak_the_report_language() {
    let checked = qbr::check(&qbr::LoadOptions {
        inbox: sample_data(),
        as_of: Some("2026-08-15".parse().unwrap()),
        ..Default::default()
    })
    .unwrap();
    let first_issue = |lang: Option<qbr::i18n::Lang>| {
        let opts = qbr::ReviewOptions {
            lang,
            ..Default::default()
        };
        let (_out, review, written) = write_review(&checked, &opts);
        let bytes = std::fs::read(written.join(format!("review-{}.xlsx", review.period))).unwrap();
        let mut wb = open(&bytes);
        let sheet = wb.sheet_names().last().unwrap().clone();
        let range = wb.worksheet_range(&sheet).unwrap();
        let row: Vec<String> = range.rows().find(|r| r[1] == "order.after_as_of").unwrap()[..5]
            .iter()
            .map(|c| c.to_string())
            .collect();
        let html = std::fs::read_to_string(written.join(format!("review-{}.html", review.period)))
            .unwrap();
        let mut escaped = Vec::new();
        tera::escape_html(&row[3], &mut escaped).unwrap();
        let message = String::from_utf8(escaped).unwrap();
        assert!(html.contains(&message), "the HTML report names {message:?}");
        assert!(html.contains(&row[4]), "and says what to do: {:?}", row[4]);
        (sheet, row)
    };
    let (sheet, zh) = first_issue(None);
    assert_eq!(sheet, "数据问题");
    assert_eq!(
        zh,
        [
            "警告",
            "order.after_as_of",
            "订单/2026Q3/一线城市-2026-08.xlsx!订单明细!C272",
            "311 行（724,955.06）的日期晚于 --as-of 2026-08-15；它们计入 2026Q3 的实际，而进度只按截至 2026-08-15 应完成的部分计算",
            "去掉 --as-of，按最新订单日期复盘",
        ]
    );
    let (sheet, en) = first_issue(Some(qbr::i18n::Lang::En));
    assert_eq!(sheet, "Data issues");
    assert_eq!(
        en,
        [
            "warning",
            "order.after_as_of",
            "订单/2026Q3/一线城市-2026-08.xlsx!订单明细!C272",
            "311 lines, 724,955.06, are dated after --as-of 2026-08-15; they are counted in 2026Q3's actuals, while pace expects only what was due by 2026-08-15",
            "leave out --as-of to review as of the latest order date",
        ]
    );
}
