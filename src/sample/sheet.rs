//! A small builder for plain workbooks: title rows, a header row, data rows.
//! Used by the sample generator and by the tests to build fixture inboxes.

use crate::error::Error;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
use std::path::Path;

/// One cell to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// Written as a number cell; exact for up to 15 significant digits.
    Number(Decimal),
    /// Written as a date-formatted serial number.
    Date(NaiveDate),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<Decimal> for Cell {
    fn from(d: Decimal) -> Self {
        Cell::Number(d)
    }
}
impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Number(Decimal::from(v))
    }
}
impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Self {
        Cell::Date(d)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map(Into::into).unwrap_or(Cell::Empty)
    }
}

/// A sheet: optional title lines above the header row, then the rows.
#[derive(Debug, Clone, Default)]
pub struct SheetSpec {
    pub name: String,
    /// Lines written in column A above the header (a blank line after them).
    pub title_rows: Vec<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Example rows, written in grey italics above the header under a marker
    /// line, so they show how to fill in the sheet and are never read as data.
    pub examples: Vec<Vec<Cell>>,
    /// The marker line above the examples (`示例（不会被读取）`).
    pub examples_label: String,
    /// Drop-down lists: (0-based column, allowed values), for the rows below the header.
    pub lists: Vec<(u16, Vec<String>)>,
}

impl SheetSpec {
    /// A sheet with a header row and no title.
    pub fn new(name: &str, headers: &[&str]) -> Self {
        SheetSpec {
            name: name.to_string(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            ..SheetSpec::default()
        }
    }

    /// Adds title lines above the header.
    pub fn with_title(mut self, lines: &[&str]) -> Self {
        self.title_rows = lines.iter().map(|l| l.to_string()).collect();
        self
    }

    /// Adds a data row.
    pub fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    /// The 0-based row the header is written at.
    pub fn header_row(&self) -> u32 {
        let titles = if self.title_rows.is_empty() {
            0
        } else {
            self.title_rows.len() as u32 + 1
        };
        let examples = if self.examples.is_empty() {
            0
        } else {
            self.examples.len() as u32 + 2
        };
        titles + examples
    }

    /// The 0-based row the example marker line is written at.
    fn examples_row(&self) -> u32 {
        if self.title_rows.is_empty() {
            0
        } else {
            self.title_rows.len() as u32 + 1
        }
    }
}

/// Builds a workbook in memory. The creation time is fixed so the same sheets
/// give the same bytes.
///
/// # Errors
/// [`Error::Workbook`] when rust_xlsxwriter refuses a value (a sheet name that
/// is too long, a number that is not finite).
pub fn workbook_bytes(sheets: &[SheetSpec], title: &str) -> Result<Vec<u8>, Error> {
    let err = |e: rust_xlsxwriter::XlsxError| Error::Workbook {
        path: title.into(),
        message: e.to_string(),
    };
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 1, 1).map_err(err)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("qbr sample-data")
            .set_creation_datetime(&created),
    );
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let header_fmt = Format::new().set_bold();
    for spec in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&spec.name).map_err(err)?;
        for (i, line) in spec.title_rows.iter().enumerate() {
            ws.write_string(i as u32, 0, line).map_err(err)?;
        }
        let h = spec.header_row();
        for (c, text) in spec.headers.iter().enumerate() {
            ws.write_string_with_format(h, c as u16, text, &header_fmt)
                .map_err(err)?;
            ws.set_column_width(c as u16, (text.chars().count() as f64 * 2.2).max(12.0))
                .map_err(err)?;
        }
        let plain = Format::new();
        let example_fmt = Format::new().set_italic().set_font_color("#7B8794");
        let example_date = example_fmt.clone().set_num_format("yyyy-mm-dd");
        if !spec.examples.is_empty() {
            let e = spec.examples_row();
            ws.write_string_with_format(e, 0, &spec.examples_label, &example_fmt)
                .map_err(err)?;
            for (r, row) in spec.examples.iter().enumerate() {
                write_row(ws, e + 1 + r as u32, row, &example_fmt, &example_date).map_err(err)?;
            }
        }
        for (r, row) in spec.rows.iter().enumerate() {
            write_row(ws, h + 1 + r as u32, row, &plain, &date_fmt).map_err(err)?;
        }
        for (col, values) in &spec.lists {
            let list = rust_xlsxwriter::DataValidation::new()
                .allow_list_strings(values)
                .map_err(err)?;
            ws.add_data_validation(h + 1, *col, h + 2000, *col, &list)
                .map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}

fn write_row(
    ws: &mut rust_xlsxwriter::Worksheet,
    r: u32,
    row: &[Cell],
    text: &Format,
    date: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (c, cell) in row.iter().enumerate() {
        let c = c as u16;
        match cell {
            Cell::Empty => {}
            Cell::Text(s) => {
                ws.write_string_with_format(r, c, s, text)?;
            }
            Cell::Number(d) => {
                let v = d.to_f64().unwrap_or(f64::NAN);
                ws.write_number_with_format(r, c, v, text)?;
            }
            Cell::Date(d) => {
                let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                ws.write_datetime_with_format(r, c, &dt, date)?;
            }
        }
    }
    Ok(())
}

/// Writes a workbook to a file, creating parent folders.
///
/// # Errors
/// [`Error::Write`] when the file cannot be written; see [`workbook_bytes`].
pub fn write_workbook(path: &Path, sheets: &[SheetSpec], title: &str) -> Result<(), Error> {
    write_file(path, workbook_bytes(sheets, title)?)
}

/// The file format of generated order exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ExportFormat {
    /// Workbooks, as the CRM's Excel export.
    #[default]
    Xlsx,
    /// UTF-8 CSV with a byte-order mark, as Excel saves "CSV UTF-8".
    Csv,
    /// Typed Parquet columns: text, floating-point numbers, dates.
    Parquet,
}

/// Writes an export at `path` (its extension replaced by the format's): a
/// workbook, or for CSV and Parquet one file per sheet (the sheet's name is
/// added to the file name when there are several). Returns the files written.
///
/// # Errors
/// [`Error::Write`] or [`Error::Workbook`] as [`write_workbook`].
pub fn write_export(
    path: &Path,
    sheets: &[SheetSpec],
    title: &str,
    format: ExportFormat,
) -> Result<usize, Error> {
    let ext = match format {
        ExportFormat::Xlsx => return write_workbook(path, sheets, title).map(|()| 1),
        ExportFormat::Csv => "csv",
        ExportFormat::Parquet => "parquet",
    };
    for spec in sheets {
        let target = if sheets.len() > 1 {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            path.with_file_name(format!("{stem} {}.{ext}", spec.name))
        } else {
            path.with_extension(ext)
        };
        let bytes = match format {
            ExportFormat::Csv => csv_bytes(spec),
            _ => parquet_bytes(spec).map_err(|message| Error::Workbook {
                path: target.clone(),
                message,
            })?,
        };
        write_file(&target, bytes)?;
    }
    Ok(sheets.len())
}

/// Writes bytes to a file, creating parent folders.
fn write_file(path: &Path, bytes: Vec<u8>) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    std::fs::write(path, bytes).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// A cell as CSV text: numbers in plain decimal notation, dates as ISO dates.
fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.clone(),
        Cell::Number(d) => d.normalize().to_string(),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
    }
}

/// A sheet as CSV: its title lines, a blank line, the header, the rows.
fn csv_bytes(spec: &SheetSpec) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(&mut out);
        let mut put = |record: Vec<String>| {
            w.write_record(&record)
                .expect("writing CSV to memory cannot fail");
        };
        for line in &spec.title_rows {
            put(vec![line.clone()]);
        }
        if !spec.title_rows.is_empty() {
            put(vec![String::new()]);
        }
        put(spec.headers.clone());
        for row in &spec.rows {
            put(row.iter().map(cell_text).collect());
        }
    }
    out
}

/// A sheet as Parquet: one column per header, typed by its first filled cell
/// (a column of dates, of numbers, or of text); title lines have no place in
/// Parquet and are left out.
fn parquet_bytes(spec: &SheetSpec) -> Result<Vec<u8>, String> {
    use polars::prelude::{DataFrame, DataType, NamedFrom, ParquetWriter, Series};
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
    let mut columns = Vec::with_capacity(spec.headers.len());
    for (c, header) in spec.headers.iter().enumerate() {
        let cells: Vec<&Cell> = spec
            .rows
            .iter()
            .map(|r| r.get(c).unwrap_or(&Cell::Empty))
            .collect();
        let name = header.as_str().into();
        let series = match cells.iter().find(|c| **c != &Cell::Empty) {
            Some(Cell::Date(_)) => {
                let days: Vec<Option<i32>> = cells
                    .iter()
                    .map(|c| match c {
                        Cell::Date(d) => Some((*d - epoch).num_days() as i32),
                        _ => None,
                    })
                    .collect();
                Series::new(name, days)
                    .cast(&DataType::Date)
                    .map_err(|e| e.to_string())?
            }
            Some(Cell::Number(_)) => {
                let values: Vec<Option<f64>> = cells
                    .iter()
                    .map(|c| match c {
                        Cell::Number(d) => d.to_f64(),
                        _ => None,
                    })
                    .collect();
                Series::new(name, values)
            }
            _ => {
                let texts: Vec<Option<String>> = cells
                    .iter()
                    .map(|c| match c {
                        Cell::Empty => None,
                        other => Some(cell_text(other)),
                    })
                    .collect();
                Series::new(name, texts)
            }
        };
        columns.push(series.into());
    }
    let mut df = DataFrame::new_infer_height(columns).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .finish(&mut df)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}
