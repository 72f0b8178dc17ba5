//! CSV exports (UTF-8 with or without BOM, GBK, UTF-16) read like workbooks:
//! the same summary as the xlsx path to the cent, with `file!row:column`
//! locations.

use crate::support::{check_clean, inbox, write_review};
use qbr::sample::sheet::{Cell, SheetSpec};
use serde_json::Value;

pub(crate) const HEADERS: [&str; 6] = ["订单号", "日期", "客户", "产品", "金额", "销售员"];
pub(crate) const ROWS: [[&str; 6]; 4] = [
    [
        "S-001",
        "2026-07-01",
        "上海甲公司",
        "门锁",
        "957.5775",
        "张三",
    ],
    [
        "S-002",
        "2026-07-15",
        "北京乙公司",
        "门锁",
        "1200.5",
        "李四",
    ],
    [
        "S-003",
        "2026-08-02",
        "上海甲公司",
        "摄像头",
        "33.6",
        "张三",
    ],
    [
        "S-004",
        "2026-09-30",
        "广州丙公司",
        "摄像头",
        "8808.32",
        "李四",
    ],
];

pub(crate) fn targets() -> Vec<SheetSpec> {
    let mut t = SheetSpec::new("目标", &["期间", "维度", "单元", "上级", "目标", "负责人"]);
    for (d, u, p, v) in [
        ("总计", "公司", "", 12000),
        ("区域", "华东", "", 7000),
        ("区域", "华北", "", 5000),
    ] {
        t.row(vec![
            "2026Q3".into(),
            d.into(),
            u.into(),
            p.into(),
            v.into(),
            "王总".into(),
        ]);
    }
    let mut people = SheetSpec::new("人员", &["销售员", "小组", "区域"]);
    people.row(vec!["张三".into(), "一组".into(), "华东".into()]);
    people.row(vec!["李四".into(), "二组".into(), "华北".into()]);
    vec![t, people]
}

fn summary(dir: &std::path::Path) -> Value {
    let checked = check_clean(dir, None);
    let (_out, _, w) = write_review(&checked, &Default::default());
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(w.join("summary.json")).unwrap()).unwrap();
    v["diagnostics"] = Value::Null;
    v
}

fn csv_text(sep: &str) -> String {
    let mut s = HEADERS.join(sep) + "\r\n";
    for r in ROWS {
        s += &(r.join(sep) + "\r\n");
    }
    s
}

#[test]
fn csv_in_every_encoding_gives_the_xlsx_summary() {
    let mut o = SheetSpec::new("明细", &HEADERS);
    for r in ROWS {
        o.row(
            r.iter()
                .enumerate()
                .map(|(i, v)| {
                    if i == 4 {
                        Cell::Number(v.parse().unwrap())
                    } else {
                        Cell::Text(v.to_string())
                    }
                })
                .collect(),
        );
    }
    let xlsx = summary(inbox(&[("目标.xlsx", targets()), ("订单.xlsx", vec![o])]).path());
    assert_eq!(xlsx["inputs"]["order_amount"], "11000.00");
    let text = csv_text(",");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(csv_text("\t").encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    for (label, bytes) in [
        ("UTF-8", text.as_bytes().to_vec()),
        (
            "UTF-8 with BOM",
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        ),
        ("GBK", gbk.into_owned()),
        ("UTF-16 tab-separated", utf16),
        ("semicolons", csv_text(";").into_bytes()),
    ] {
        let dir = inbox(&[("目标.xlsx", targets())]);
        std::fs::write(dir.path().join("订单.csv"), &bytes).unwrap();
        assert_same_figures(&summary(dir.path()), &xlsx, label);
    }
}

/// Two summaries agree to the cent: every dimension, the order amount and the accounting.
pub(crate) fn assert_same_figures(v: &Value, xlsx: &Value, label: &str) {
    assert_eq!(v["dimensions"], xlsx["dimensions"], "{label}");
    assert_eq!(
        v["inputs"]["order_amount"], xlsx["inputs"]["order_amount"],
        "{label}"
    );
    assert_eq!(
        v["inputs"]["accounting"], xlsx["inputs"]["accounting"],
        "{label}"
    );
}

#[test]
fn a_bad_csv_cell_is_located_by_row_and_column() {
    let dir = inbox(&[("目标.xlsx", targets())]);
    let text = csv_text(",").replace("8808.32", "88o8.32");
    std::fs::write(dir.path().join("订单.csv"), text).unwrap();
    let loaded = crate::support::load(dir.path());
    let located = crate::support::located(&loaded, "row.number_invalid");
    assert_eq!(located, ["订单.csv!5:E"]);
    // Not text at all: refused with a clear message.
    std::fs::write(
        dir.path().join("订单.csv"),
        [0xFFu8, 0x00, 0xD8, 0x00, 0x80, 0x81],
    )
    .unwrap();
    let loaded = crate::support::load(dir.path());
    assert!(
        loaded
            .diagnostics
            .items()
            .iter()
            .any(|d| d.code.to_string() == "workbook.unreadable"
                && d.message.contains("neither UTF-8, UTF-16 nor GBK")),
        "{:?}",
        loaded.diagnostics.items()
    );
}

/// The sample generator's CSV exports (title lines above the header, a
/// byte-order mark, one file per month) and Parquet exports (typed columns)
/// give the committed sample's figures to the cent.
#[test]
fn generated_csv_and_parquet_inboxes_give_the_sample_figures() {
    use qbr::sample::{ExportFormat, SampleOptions, write_sample};
    let xlsx = crate::support::review_inbox(&crate::support::sample_data(), None);
    for orders in [ExportFormat::Csv, ExportFormat::Parquet] {
        let dir = tempfile::tempdir().unwrap();
        let inbox = dir.path().join("inbox");
        let opts = SampleOptions {
            orders,
            ..Default::default()
        };
        let summary = write_sample(&inbox, &opts).unwrap();
        // 12 review exports, 12 history months (a file per sheet), 4 other workbooks.
        assert_eq!(summary.files, 24 + 4, "{orders:?}");
        let reviewed = crate::support::review_inbox(&inbox, None);
        assert_same_figures(&reviewed.summary, &xlsx.summary, &format!("{orders:?}"));
        assert_eq!(reviewed.summary["inputs"]["order_lines"], 4756);
    }
}
