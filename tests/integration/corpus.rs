//! The shared corpus of spreadsheets nobody here wrote: every real-world file is
//! read or refused with a clear message within a time bound, never a panic or
//! hang; the Superstore sales data reads exactly.

use crate::support::{corpus, load};
use qbr::diag::{Code, Severity};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::mpsc;
use std::time::Duration;

/// Per-file bound; generous for an unoptimised test build on a loaded machine.
const PER_FILE: Duration = Duration::from_secs(60);

/// Loads one file as a one-file inbox on a worker thread, with a time bound.
fn load_one(file: &Path) -> Result<qbr::Loaded, String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(file, dir.path().join(file.file_name().unwrap())).unwrap();
    let (tx, rx) = mpsc::channel();
    let inbox = dir.path().to_path_buf();
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(|| load(&inbox));
        let _ = tx.send(r);
    });
    match rx.recv_timeout(PER_FILE) {
        Ok(Ok(loaded)) => Ok(loaded),
        Ok(Err(_)) => Err("panicked".into()),
        Err(_) => Err(format!("took longer than {PER_FILE:?}")),
    }
}

fn workbooks(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let ext = p.extension().map(|e| e.to_string_lossy().to_lowercase());
            matches!(
                ext.as_deref(),
                Some("xlsx" | "xlsm" | "xls" | "xlsb" | "ods")
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_realworld_file_is_read_or_refused_clearly() {
    let Some(dir) = corpus("realworld") else {
        return;
    };
    let mut refused = Vec::new();
    let mut failures = Vec::new();
    let files = workbooks(&dir);
    assert!(
        files.len() > 100,
        "expected the whole corpus, found {}",
        files.len()
    );
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        match load_one(file) {
            Err(e) => failures.push(format!("{name}: {e}")),
            Ok(loaded) => {
                if loaded.files.len() != 1 {
                    failures.push(format!("{name}: not taken as a workbook"));
                    continue;
                }
                if !loaded.files[0].opened {
                    let d = loaded.diagnostics.items().iter().find(|d| {
                        matches!(d.code, Code::WorkbookUnreadable | Code::WorkbookEncrypted)
                    });
                    match d {
                        Some(d) if d.severity == Severity::Error && d.message.len() > 20 => {
                            refused.push(format!("{name}: {}", d.message))
                        }
                        _ => failures.push(format!("{name}: refused without a clear message")),
                    }
                }
            }
        }
    }
    eprintln!("{} of {} corpus files refused:", refused.len(), files.len());
    for r in &refused {
        eprintln!("  {r}");
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // Encrypted workbooks are named as such.
    let encrypted = dir.join("excelize__encryptAES.xlsx");
    if encrypted.exists() {
        let loaded = load_one(&encrypted).unwrap();
        assert!(
            loaded
                .diagnostics
                .items()
                .iter()
                .any(|d| d.code == Code::WorkbookEncrypted),
            "{:?}",
            loaded.diagnostics.items()
        );
    }
}

#[test]
fn header_row_below_blank_rows_and_offset_ranges() {
    let Some(dir) = corpus("realworld") else {
        return;
    };
    // Excel for Mac file whose used cells start far from A1.
    let loaded = load_one(&dir.join("calamine__column_row_ranges.xlsx")).unwrap();
    assert!(loaded.files[0].opened);
}

/// Superstore: 9,994 order lines; Sales adds up to 2,297,200.86 (rounded).
fn check_superstore(file: &Path) {
    let loaded = load_one(file).unwrap();
    let ds = &loaded.dataset;
    assert_eq!(
        ds.orders.len(),
        9_994,
        "{:?}",
        &loaded.diagnostics.items()[..3.min(loaded.diagnostics.items().len())]
    );
    let total: Decimal = ds.orders.iter().map(|o| o.amount).sum();
    assert_eq!(
        qbr::money::round_money(total),
        Decimal::from_str("2297200.86").unwrap()
    );
    let qty: Decimal = ds.orders.iter().filter_map(|o| o.quantity.get()).sum();
    assert_eq!(qty, Decimal::from(37_873));
    assert!(
        ds.orders
            .iter()
            .all(|o| o.line_id.is_some() && o.product_class.is_some() && o.region.is_some())
    );
    let t = &ds.tables[0];
    assert_eq!(t.role, qbr::recognize::Role::Orders);
    assert_eq!(t.header_row, 0);
}

#[test]
fn superstore_xls_reads_exactly() {
    let Some(dir) = corpus("sales") else { return };
    check_superstore(&dir.join("apress-jumpstart-tableau__Sample - Superstore.xls"));
}

#[test]
fn superstore_xlsx_reads_exactly() {
    let Some(dir) = corpus("sales") else { return };
    check_superstore(&dir.join("AnshMittal1811-Tableau__Sample - Superstore.xlsx"));
}
