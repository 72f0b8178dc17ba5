//! Inputs the fuzzers found (`fuzz/regressions/<target>/`), replayed on the
//! stable toolchain in every test run: each must come back as diagnostics,
//! never a panic or a hang.

use std::path::PathBuf;

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = crate::support::repo().join("fuzz/regressions").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

#[test]
fn open_workbook_regressions_are_refused_cleanly() {
    qbr::read::install_quiet_reader_panics();
    let files = inputs("open_workbook");
    assert!(!files.is_empty());
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        for name in ["f.xlsx", "f.xls", "f.xlsb", "f.ods"] {
            let (_, diags) = qbr::read_workbook_bytes(name, bytes.clone());
            assert!(
                diags
                    .items()
                    .iter()
                    .any(|d| d.code.to_string() == "workbook.unreadable"),
                "{} as {name}: {:?}",
                path.display(),
                diags.items()
            );
        }
    }
}
