//! Helpers shared by the integration tests.

use qbr::sample::sheet::{SheetSpec, write_workbook};
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The committed sample inbox.
/// The built `qbr`, run under the C locale, so its messages are in English
/// whatever the machine's locale (tests that want Chinese set `LC_ALL`).
pub fn qbr_command() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_qbr"));
    c.env_remove("LANGUAGE").env("LC_ALL", "C");
    c
}

pub fn sample_data() -> PathBuf {
    repo().join("sample-data")
}

/// `../shared/corpus/<sub>` beside the checkout, or `$QBR_CORPUS/<sub>`; `None`
/// (with a loud line on stderr) when it is absent.
pub fn corpus(sub: &str) -> Option<PathBuf> {
    let base = std::env::var_os("QBR_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/corpus"));
    let dir = base.join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: corpus folder {} not found (set QBR_CORPUS)",
            dir.display()
        );
        None
    }
}

/// Writes workbooks into a fresh temporary inbox: `(relative path, sheets)`.
pub fn inbox(files: &[(&str, Vec<SheetSpec>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, sheets) in files {
        write_workbook(&dir.path().join(rel), sheets, rel).expect("fixture workbook");
    }
    dir
}

/// Loads an inbox with default options.
pub fn load(dir: &Path) -> qbr::Loaded {
    let loaded = qbr::load(&qbr::LoadOptions {
        inbox: dir.to_path_buf(),
        ..Default::default()
    })
    .expect("inbox loads");
    assert_bilingual(&loaded.diagnostics);
    loaded
}

/// Every finding reads in Chinese too (for the Chinese reports), with its
/// help in both languages or in neither.
pub fn assert_bilingual(diags: &qbr::diag::Diagnostics) {
    for d in diags.items() {
        let zh = d.zh.as_ref().unwrap_or_else(|| panic!("no Chinese: {d:?}"));
        assert!(
            zh.message
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "not Chinese: {d:?}"
        );
        assert_eq!(
            zh.help.is_some(),
            d.help.is_some(),
            "help in one language: {d:?}"
        );
    }
}

/// Where the findings of a code (`row.number_invalid`) are, as
/// `file!sheet!cell` (`file!row:column` for CSV and Parquet).
pub fn located(loaded: &qbr::Loaded, code: &str) -> Vec<String> {
    loaded
        .diagnostics
        .items()
        .iter()
        .filter(|d| d.code.as_str() == code)
        .map(|d| loaded.sources.locate(d.location.expect("a location")))
        .collect()
}

/// Every file below `dir` with its bytes, sorted by relative path.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .to_string();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// A small inbox: a company total, two regions (named as given, targets 600
/// and 400), one salesperson in each, two order lines (480.50 and 420).
pub fn two_region_inbox(unit_names: [&str; 2]) -> tempfile::TempDir {
    use qbr::sample::sheet::Cell;
    let mut t = SheetSpec::new("目标", &["期间", "维度", "单元", "目标", "负责人"]);
    t.row(vec![
        "2026Q3".into(),
        "总计".into(),
        "公司".into(),
        1000.into(),
        "王总".into(),
    ]);
    for (name, target) in unit_names.iter().zip([600, 400]) {
        t.row(vec![
            "2026Q3".into(),
            "区域".into(),
            (*name).into(),
            target.into(),
            "x".into(),
        ]);
    }
    let mut p = SheetSpec::new("人员", &["销售员", "小组", "区域"]);
    p.row(vec!["甲".into(), "一组".into(), unit_names[0].into()]);
    p.row(vec!["乙".into(), "二组".into(), unit_names[1].into()]);
    let mut o = SheetSpec::new(
        "明细",
        &["订单号", "日期", "客户", "产品", "金额", "销售员"],
    );
    o.row(vec![
        "S1".into(),
        "2026-07-01".into(),
        "客户A".into(),
        "门锁".into(),
        Cell::Number("480.5".parse().unwrap()),
        "甲".into(),
    ]);
    o.row(vec![
        "S2".into(),
        "2026-08-01".into(),
        "客户B".into(),
        "门锁".into(),
        420.into(),
        "乙".into(),
    ]);
    inbox(&[("目标.xlsx", vec![t, p]), ("订单.xlsx", vec![o])])
}

/// A sheet from string rows: cells that read as plain decimals are written as
/// numbers, empty strings as empty cells, everything else as text.
pub fn sheet(name: &str, headers: &[&str], rows: &[&[&str]]) -> SheetSpec {
    use qbr::sample::sheet::Cell;
    let mut s = SheetSpec::new(name, headers);
    for r in rows {
        s.row(
            r.iter()
                .map(|c| match c.parse::<rust_decimal::Decimal>() {
                    _ if c.is_empty() => Cell::Empty,
                    Ok(d) => Cell::Number(d),
                    Err(_) => Cell::Text(c.to_string()),
                })
                .collect(),
        );
    }
    s
}

/// A written review: summary.json parsed, and the folder with every output.
pub struct Reviewed {
    pub summary: serde_json::Value,
    pub dir: PathBuf,
    /// Keeps the output folder alive while the test reads it.
    _out: tempfile::TempDir,
}

impl Reviewed {
    /// An output file's text.
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).expect("output file")
    }

    /// One unit of a dimension and measure in summary.json.
    pub fn unit(&self, dimension: &str, measure: &str, unit: &str) -> &serde_json::Value {
        self.dimension(dimension, measure)["units"]
            .as_array()
            .expect("units")
            .iter()
            .find(|u| u["unit"] == unit)
            .unwrap_or_else(|| panic!("no {dimension}/{measure} unit {unit}"))
    }

    /// One dimension and measure in summary.json.
    pub fn dimension(&self, dimension: &str, measure: &str) -> &serde_json::Value {
        self.summary["dimensions"]
            .as_array()
            .expect("dimensions")
            .iter()
            .find(|d| d["dimension"] == dimension && d["measure"] == measure)
            .unwrap_or_else(|| panic!("no dimension {dimension}/{measure}"))
    }
}

/// Loads and checks an inbox for a quarter (`Some("2026Q3")`), or for the
/// one the inbox decides (`None`).
pub fn check_inbox(dir: &Path, period: Option<&str>) -> qbr::Checked {
    let checked = qbr::check(&qbr::LoadOptions {
        inbox: dir.to_path_buf(),
        period: period.map(|p| qbr::calendar::parse_period(p).expect("a quarter")),
        ..Default::default()
    })
    .expect("inbox checks");
    assert_bilingual(&checked.loaded.diagnostics);
    checked
}

/// [`check_inbox`], asserting that the inbox holds no errors (the check
/// report is the failure's message).
pub fn check_clean(dir: &Path, period: Option<&str>) -> qbr::Checked {
    let checked = check_inbox(dir, period);
    assert_eq!(
        checked.loaded.diagnostics.count(qbr::diag::Severity::Error),
        0,
        "{}",
        qbr::check_report_text(&checked, false, qbr::i18n::Lang::En)
    );
    checked
}

/// Writes the review of a checked inbox into a temporary folder, which
/// lives as long as the first value.
pub fn write_review(
    checked: &qbr::Checked,
    opts: &qbr::ReviewOptions,
) -> (tempfile::TempDir, qbr::analyze::Review, qbr::Written) {
    let out = tempfile::tempdir().expect("temp dir");
    let (review, written) = qbr::write_review(checked, out.path(), opts).expect("review written");
    (out, review, written)
}

/// Checks an inbox (with `qbr.toml` text when given) and writes its review
/// into a temporary folder.
pub fn review_inbox(dir: &Path, config: Option<&str>) -> Reviewed {
    if let Some(c) = config {
        std::fs::write(dir.join("qbr.toml"), c).expect("qbr.toml");
    }
    let checked = check_inbox(dir, None);
    let (out, _, written) = write_review(&checked, &Default::default());
    let summary = serde_json::from_str(
        &std::fs::read_to_string(written.join("summary.json")).expect("summary.json"),
    )
    .expect("summary.json parses");
    Reviewed {
        summary,
        dir: written.dir,
        _out: out,
    }
}
