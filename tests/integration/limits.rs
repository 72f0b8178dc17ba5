//! Size limits: a zip bomb is refused from its declared sizes before anything
//! is inflated, and an oversized sheet is refused, each with a clear error.

use crate::support::inbox;
use qbr::sample::sheet::SheetSpec;
use std::io::Write;

fn codes(dir: &std::path::Path) -> Vec<(String, String)> {
    let loaded = crate::support::load(dir);
    loaded
        .diagnostics
        .items()
        .iter()
        .map(|d| (d.code.to_string(), d.message.clone()))
        .collect()
}

#[test]
fn a_zip_bomb_is_refused_before_inflating() {
    let dir = tempfile::tempdir().unwrap();
    // 64 MB of zeros deflate to about 64 KB: declared 64 MB, limit 16 MB.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..64 {
        zip.write_all(&zeros).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 1024 * 1024, "{} bytes on disk", bytes.len());
    std::fs::write(dir.path().join("bomb.xlsx"), &bytes).unwrap();
    std::fs::write(dir.path().join("qbr.toml"), "max_unpacked_mb = 16\n").unwrap();
    let found = codes(dir.path());
    let (code, message) = found
        .iter()
        .find(|(c, _)| c == "workbook.too_large")
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(code, "workbook.too_large");
    assert!(
        message.contains("would unpack to 64 MB, more than the limit of 16 MB"),
        "{message}"
    );
}

#[test]
fn a_sheet_over_the_row_limit_is_refused() {
    let mut o = SheetSpec::new("明细", &["订单号", "日期", "客户", "产品", "金额"]);
    for i in 0..20 {
        o.row(vec![
            format!("S{i}").into(),
            "2026-07-01".into(),
            "A".into(),
            "B".into(),
            1.into(),
        ]);
    }
    let dir = inbox(&[("订单.xlsx", vec![o])]);
    std::fs::write(dir.path().join("qbr.toml"), "max_rows = 10\n").unwrap();
    let found = codes(dir.path());
    assert!(
        found
            .iter()
            .any(|(c, m)| c == "sheet.too_large" && m.contains("21 rows × 5 columns")),
        "{found:?}"
    );
    let loaded = crate::support::load(dir.path());
    assert!(loaded.dataset.orders.is_empty());
    assert_eq!(loaded.exit(), qbr::error::Exit::DataErrors);
}
