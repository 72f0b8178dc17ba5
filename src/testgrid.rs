//! Test helper: build a [`SheetGrid`] from rows of text at any offset.

use crate::diag::{FileId, SheetId};
use crate::read::SheetGrid;
use calamine::{Data, Range};

/// A grid whose first row/column is at (`row0`, `col0`); `""` is an empty cell,
/// `#DIV/0!` a cached formula error, `n:123.5` a numeric cell, `d:46204` a date cell.
pub fn grid(name: &str, row0: u32, col0: u32, rows: &[&[&str]]) -> SheetGrid<'static> {
    let width = rows.iter().map(|r| r.len()).max().unwrap_or(1).max(1) as u32;
    let height = rows.len().max(1) as u32;
    let mut range = Range::new((row0, col0), (row0 + height - 1, col0 + width - 1));
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let v = cell(text);
            range.set_value((row0 + r as u32, col0 + c as u32), v);
        }
    }
    SheetGrid::owned(FileId(0), SheetId(0), name, range)
}

fn cell(text: &str) -> Data {
    if text.is_empty() {
        Data::Empty
    } else if text == "#DIV/0!" {
        Data::Error(calamine::CellErrorType::Div0)
    } else if let Some(n) = text.strip_prefix("n:") {
        Data::Float(n.parse().expect("test number"))
    } else if let Some(n) = text.strip_prefix("d:") {
        Data::DateTime(calamine::ExcelDateTime::new(
            n.parse().expect("test serial"),
            calamine::ExcelDateTimeType::DateTime,
            false,
        ))
    } else {
        Data::String(text.to_string())
    }
}
