//! The parse floor for the benchmark: open every workbook under a folder with
//! calamine and read every cell, on all cores, doing nothing else. `qbr review`
//! is measured against this (docs/performance.md).
//!
//! Usage: cargo run --release --example parse_floor -- DIR

use calamine::{Data, Reader, open_workbook_auto};
use rayon::prelude::*;
use std::path::PathBuf;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: parse_floor DIR");
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "xlsx"))
        .map(|e| e.into_path())
        .collect();
    let cells: usize = files
        .par_iter()
        .map(|path| {
            let mut wb = open_workbook_auto(path).expect("workbook opens");
            let mut n = 0;
            for name in wb.sheet_names() {
                let range = wb.worksheet_range(&name).expect("sheet reads");
                n += range
                    .used_cells()
                    .filter(|(_, _, c)| !matches!(c, Data::Empty))
                    .count();
            }
            n
        })
        .sum();
    println!("{} workbooks, {cells} non-empty cells", files.len());
}
