//! Helpers shared by the integration tests.

use qbr::sample::sheet::{SheetSpec, write_workbook};
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The committed sample inbox.
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
    qbr::load(&qbr::LoadOptions {
        inbox: dir.to_path_buf(),
        ..Default::default()
    })
    .expect("inbox loads")
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
