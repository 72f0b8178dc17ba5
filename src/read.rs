//! Opens workbooks with calamine and hands their sheets on as grids of cells at
//! absolute positions.
//!
//! In: an [`InputFile`] (bytes already in memory). Out: the workbook's sheet
//! names, and each readable sheet handed to a visitor as a [`SheetGrid`] that
//! answers `cell(row, col)` for absolute 0-based positions, even though
//! calamine's ranges start at the first used cell rather than A1. An .xlsx
//! sheet's shared strings are borrowed from the open workbook, not copied
//! into every cell: a sheet is visited while its workbook is open.
//! The format is chosen from the bytes (a CFB container or a zip), not trusted
//! from the extension; encrypted and broken workbooks become diagnostics.

use crate::config::Limits;
use crate::diag::{Code, Diagnostic, Diagnostics, FileId, Location, SheetId, Words};
use crate::i18n::Key;
use crate::inbox::InputFile;
use calamine::{
    Data, DataRef, Ods, Range, Reader, ReaderRef, SheetType, SheetVisible, Xls, Xlsb, Xlsx,
};
use std::io::Cursor;

/// One worksheet's cells; `'w` is the open workbook its shared strings live in.
#[derive(Debug, Clone)]
pub struct SheetGrid<'w> {
    pub file: FileId,
    pub sheet: SheetId,
    pub name: String,
    range: Range<DataRef<'w>>,
    /// Absolute (row, col) of the range's first cell.
    origin: (u32, u32),
}

/// An empty cell, for positions outside a sheet's used range.
pub(crate) static EMPTY: DataRef<'static> = DataRef::Empty;

/// The text of a text cell, inline or shared.
pub fn cell_str<'c>(d: &'c DataRef) -> Option<&'c str> {
    match d {
        DataRef::String(s) => Some(s),
        DataRef::SharedString(s) => Some(s),
        _ => None,
    }
}

/// A range of owned cells as the cells of a [`SheetGrid`], at the same places.
fn owned_cells(range: &Range<Data>) -> Range<DataRef<'static>> {
    let (Some(start), Some(end)) = (range.start(), range.end()) else {
        return Range::empty();
    };
    let mut cells = Range::new(start, end);
    for (r, c, v) in range.used_cells() {
        if !matches!(v, Data::Empty) {
            let at = (start.0 + r as u32, start.1 + c as u32);
            cells.set_value(at, owned_cell(v.clone()));
        }
    }
    cells
}

/// An owned cell as a cell of a [`SheetGrid`].
fn owned_cell(d: Data) -> DataRef<'static> {
    match d {
        Data::Int(v) => DataRef::Int(v),
        Data::Float(v) => DataRef::Float(v),
        Data::String(v) => DataRef::String(v),
        Data::Bool(v) => DataRef::Bool(v),
        Data::DateTime(v) => DataRef::DateTime(v),
        Data::DateTimeIso(v) => DataRef::DateTimeIso(v),
        Data::DurationIso(v) => DataRef::DurationIso(v),
        Data::Error(v) => DataRef::Error(v),
        Data::Empty => DataRef::Empty,
    }
}

impl<'w> SheetGrid<'w> {
    /// Wraps a calamine range.
    pub fn new(
        file: FileId,
        sheet: SheetId,
        name: impl Into<String>,
        range: Range<DataRef<'w>>,
    ) -> Self {
        let origin = range.start().unwrap_or((0, 0));
        SheetGrid {
            file,
            sheet,
            name: name.into(),
            range,
            origin,
        }
    }

    /// The cell at an absolute 0-based position; empty outside the used range.
    pub fn cell(&self, row: u32, col: u32) -> &DataRef<'w> {
        if row < self.origin.0 || col < self.origin.1 {
            return &EMPTY;
        }
        self.range.get_value((row, col)).unwrap_or(&EMPTY)
    }

    /// The cells of an absolute 0-based row, the first in column
    /// [`Self::col_start`]; empty outside the used range.
    pub fn row_cells(&self, row: u32) -> &[DataRef<'w>] {
        match row.checked_sub(self.origin.0) {
            Some(r) if (r as usize) < self.range.height() => &self.range[r as usize],
            _ => &[],
        }
    }

    /// One past the last used row (absolute), 0 for an empty sheet.
    pub fn row_end(&self) -> u32 {
        self.range.end().map(|(r, _)| r + 1).unwrap_or(0)
    }

    /// One past the last used column (absolute), 0 for an empty sheet.
    pub fn col_end(&self) -> u32 {
        self.range.end().map(|(_, c)| c + 1).unwrap_or(0)
    }

    /// The first used row (absolute).
    pub fn row_start(&self) -> u32 {
        self.origin.0
    }

    /// The first used column (absolute).
    pub fn col_start(&self) -> u32 {
        self.origin.1
    }

    /// True when a date typed as a number should count from 1904: the sheet
    /// holds date-formatted cells in the 1904 system.
    pub fn uses_1904(&self) -> bool {
        self.range
            .used_cells()
            .find_map(|(_, _, c)| match c {
                DataRef::DateTime(dt) => Some(crate::calendar::excel_is_1904(dt)),
                _ => None,
            })
            .unwrap_or(false)
    }

    /// Number of cells in the used range.
    pub fn cell_count(&self) -> usize {
        let (h, w) = self.range.get_size();
        h * w
    }
}

#[cfg(test)]
impl SheetGrid<'static> {
    /// A grid of owned cells, for tests.
    pub(crate) fn owned(
        file: FileId,
        sheet: SheetId,
        name: impl Into<String>,
        range: Range<Data>,
    ) -> Self {
        SheetGrid::new(file, sheet, name, owned_cells(&range))
    }
}

/// What the reader hands every readable sheet to, while its workbook is open.
pub type SheetVisitor<'v> = dyn FnMut(&SheetGrid<'_>) + 'v;

/// Detected container format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Parquet,
    Xls,
    Xlsx,
    Xlsb,
    Ods,
}

/// Opens one workbook from its bytes and hands every visible worksheet to
/// `visit`; returns every sheet's name in workbook order (also the hidden
/// ones, for locations).
///
/// A workbook that cannot be opened yields `None` and an error diagnostic
/// (`workbook.unreadable` or `workbook.encrypted`), and whatever the visitor
/// was handed before the reader gave up belongs to no result; hidden and
/// chart sheets are skipped with an info diagnostic. A panic inside the
/// reader is a broken file; a panic inside the visitor is not, and goes on.
pub fn read_workbook(
    file: FileId,
    input: &InputFile,
    limits: &Limits,
    diags: &mut Diagnostics,
    visit: &mut SheetVisitor,
) -> Option<Vec<String>> {
    let loc = Some(Location::File(file));
    let mut visitor_panic = None;
    let mut guarded = |grid: &SheetGrid| {
        if visitor_panic.is_some() {
            return;
        }
        IN_READER.with(|f| f.set(false));
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| visit(grid)));
        IN_READER.with(|f| f.set(true));
        if let Err(payload) = outcome {
            visitor_panic = Some(payload);
        }
    };
    IN_READER.with(|f| f.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        open_and_read(file, input, limits, &mut guarded)
    }));
    IN_READER.with(|f| f.set(false));
    if let Some(payload) = visitor_panic {
        std::panic::resume_unwind(payload);
    }
    match result {
        Ok(Ok((sheet_names, sheet_diags))) => {
            for d in sheet_diags {
                diags.push(d);
            }
            Some(sheet_names)
        }
        Ok(Err(failure)) => {
            diags.push(failure.into_diagnostic(loc));
            None
        }
        Err(payload) => {
            let detail = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("no detail");
            diags.push(
                Diagnostic::said(
                    Code::WorkbookUnreadable,
                    loc,
                    Key::FdReaderGaveUp,
                    &[detail],
                )
                .advise(Key::FhSaveNewCopy),
            );
            None
        }
    }
}

thread_local! {
    /// Set while calamine reads a workbook: a panic there is a broken file, not a bug in qbr.
    static IN_READER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Keeps panics inside the workbook reader off the terminal: they become a
/// `workbook.unreadable` diagnostic instead. Other panics print as before.
/// The binary installs this once at start.
pub fn install_quiet_reader_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !IN_READER.with(|f| f.get()) {
            previous(info);
        }
    }));
}

enum OpenFailure {
    Encrypted,
    TooLarge(Words),
    /// What the content is instead.
    NotAWorkbook(Words),
    Broken(Words),
    /// Could not be read at all after the inbox walk (see [`unread`]).
    Unread(Words),
}

impl OpenFailure {
    fn into_diagnostic(self, loc: Option<Location>) -> Diagnostic {
        match self {
            OpenFailure::Encrypted => {
                Diagnostic::said(Code::WorkbookEncrypted, loc, Key::FdEncrypted, &[])
                    .advise(Key::FhRemovePassword)
            }
            OpenFailure::TooLarge(what) => {
                Diagnostic::worded(Code::WorkbookTooLarge, loc, what).advise(Key::FhCheckSource)
            }
            OpenFailure::NotAWorkbook(what) => Diagnostic::worded(
                Code::WorkbookUnreadable,
                loc,
                Words::each(Key::FdNotAWorkbook, &[&what.en], &[&what.zh]),
            )
            .advise(Key::FhExportAgain),
            OpenFailure::Broken(err) => Diagnostic::worded(
                Code::WorkbookUnreadable,
                loc,
                Words::each(Key::FdCannotOpen, &[&err.en], &[&err.zh]),
            )
            .advise(Key::FhSaveNewCopy),
            OpenFailure::Unread(why) => Diagnostic::worded(
                Code::WorkbookUnreadable,
                loc,
                Words::each(Key::FdCannotOpen, &[&why.en], &[&why.zh]),
            )
            .advise(Key::FhRunAgain),
        }
    }
}

/// The finding for workbook `file` when its content could not be read after
/// the inbox walk took its hash from a stamp ([`InputFile::read_content`]):
/// it went away, became unreadable or changed since.
pub fn unread(file: FileId, why: Words) -> Diagnostic {
    OpenFailure::Unread(why).into_diagnostic(Some(Location::File(file)))
}

/// Refuses a zip container whose entries declare more unpacked bytes than the
/// limit, reading only its central directory (nothing is inflated).
fn check_zip_size(bytes: &[u8], limits: &Limits) -> Result<(), OpenFailure> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        // Not a readable zip: calamine's own error says so.
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        if let Ok(entry) = zip.by_index_raw(i) {
            total = total.saturating_add(entry.size());
        }
    }
    if total > limits.max_unpacked_bytes {
        let mb = |b: u64| b / (1024 * 1024);
        return Err(OpenFailure::TooLarge(Words::of(
            Key::FdUnpackTooLarge,
            &[
                &(bytes.len() / 1024).to_string(),
                &mb(total).to_string(),
                &mb(limits.max_unpacked_bytes).to_string(),
            ],
        )));
    }
    Ok(())
}

fn detect_format(input: &InputFile, limits: &Limits) -> Result<Vec<Format>, OpenFailure> {
    let b = input.content();
    let ext = input
        .path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if b.is_empty() {
        return Err(OpenFailure::NotAWorkbook(Words::of(Key::FdEmptyFile, &[])));
    }
    if ext == "csv" {
        return Ok(vec![Format::Csv]);
    }
    if b.starts_with(b"PAR1") {
        return Ok(vec![Format::Parquet]);
    }
    if b.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // An OLE container: a BIFF .xls, or an encrypted OOXML package.
        if contains_utf16(b, "EncryptedPackage") {
            return Err(OpenFailure::Encrypted);
        }
        check_xls_dimensions(b)?;
        return Ok(vec![Format::Xls]);
    }
    if b.starts_with(b"PK\x03\x04") || b.starts_with(b"PK\x05\x06") {
        check_zip_size(b, limits)?;
        let mut order = match ext.as_str() {
            "xlsb" => vec![Format::Xlsb],
            "ods" => vec![Format::Ods],
            _ => vec![Format::Xlsx],
        };
        for f in [Format::Xlsx, Format::Xlsb, Format::Ods] {
            if !order.contains(&f) {
                order.push(f);
            }
        }
        return Ok(order);
    }
    // BIFF2–BIFF5 streams saved without a container start with a BOF record.
    if b.len() >= 4 && b[0] == 0x09 && matches!(b[1], 0x00 | 0x02 | 0x04 | 0x08) {
        return Err(OpenFailure::Broken(Words::of(Key::FdBiff4, &[])));
    }
    let head = &b[..b.len().min(512)];
    let what = if head.starts_with(b"<?xml") || head.starts_with(b"<") {
        Key::FdWebExport
    } else if std::str::from_utf8(head).is_ok() {
        Key::FdPlainText
    } else {
        Key::FdUnknownFormat
    };
    Err(OpenFailure::NotAWorkbook(Words::of(what, &[])))
}

/// The most cells a BIFF8 sheet can hold: 65,536 rows × 256 columns.
const XLS_MAX_ROWS: u64 = 65_536;
const XLS_MAX_COLS: u64 = 256;

/// Validates an OLE container before calamine sees it.
///
/// calamine reserves memory for the cell count a sheet's DIMENSIONS record
/// declares, so a damaged or hostile `.xls` can ask for gigabytes. Read those
/// records first and refuse sizes no `.xls` can have.
fn check_xls_dimensions(bytes: &[u8]) -> Result<(), OpenFailure> {
    use std::io::Read;
    // calamine follows sector chains without cycle checks (a looping chain grows
    // memory without end); the cfb crate validates the container first.
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| OpenFailure::Broken(Words::of(Key::FdOleDamaged, &[&e.to_string()])))?;
    let stream_name = ["/Workbook", "/Book", "/WORKBOOK", "/BOOK"]
        .into_iter()
        .find(|n| cfb.is_stream(n));
    let Some(name) = stream_name else {
        return Ok(());
    };
    let mut data = Vec::new();
    if cfb
        .open_stream(name)
        .and_then(|mut s| s.read_to_end(&mut data))
        .is_err()
    {
        return Ok(());
    }
    let mut pos = 0usize;
    while pos + 4 <= data.len() {
        let typ = u16::from_le_bytes([data[pos], data[pos + 1]]);
        let len = usize::from(u16::from_le_bytes([data[pos + 2], data[pos + 3]]));
        let body = data.get(pos + 4..pos + 4 + len).unwrap_or(&[]);
        if typ == 0x002F {
            // FILEPASS: the rest of the stream is encrypted.
            return Err(OpenFailure::Encrypted);
        }
        if typ == 0x0200 {
            let (rows, cols) = match body.len() {
                // BIFF8: rwMic u32, rwMac u32, colMic u16, colMac u16
                14 => {
                    let r0 = u32::from_le_bytes([body[0], body[1], body[2], body[3]]);
                    let r1 = u32::from_le_bytes([body[4], body[5], body[6], body[7]]);
                    let c0 = u16::from_le_bytes([body[8], body[9]]);
                    let c1 = u16::from_le_bytes([body[10], body[11]]);
                    (
                        u64::from(r1).saturating_sub(u64::from(r0)),
                        u64::from(c1).saturating_sub(u64::from(c0)),
                    )
                }
                _ => (0, 0),
            };
            if rows > XLS_MAX_ROWS || cols > XLS_MAX_COLS {
                return Err(OpenFailure::Broken(Words::of(
                    Key::FdXlsTooBig,
                    &[&rows.to_string(), &cols.to_string()],
                )));
            }
        }
        pos += 4 + len;
    }
    Ok(())
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pattern: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes
        .windows(pattern.len())
        .any(|w| w == pattern.as_slice())
}

/// The sheet names of an opened workbook and what reading its sheets found.
type Opened = (Vec<String>, Vec<Diagnostic>);

fn open_and_read(
    file: FileId,
    input: &InputFile,
    limits: &Limits,
    visit: &mut SheetVisitor,
) -> Result<Opened, OpenFailure> {
    let formats = detect_format(input, limits)?;
    let mut first_error = None;
    for format in formats {
        let cursor = Cursor::new(input.content());
        let attempt = match format {
            Format::Csv => read_csv(file, input, limits, visit),
            Format::Parquet => read_parquet(file, input, limits, visit),
            Format::Xls => calamine::open_workbook_from_rs::<Xls<_>, _>(cursor)
                .map_err(|e| classify(matches!(e, calamine::XlsError::Password), e))
                .and_then(|mut wb| read_sheets(file, &mut wb, limits, owned_range, visit)),
            Format::Xlsx => calamine::open_workbook_from_rs::<Xlsx<_>, _>(cursor)
                .map_err(|e| classify(matches!(e, calamine::XlsxError::Password), e))
                .and_then(|mut wb| {
                    read_sheets(file, &mut wb, limits, Xlsx::worksheet_range_ref, visit)
                }),
            Format::Xlsb => calamine::open_workbook_from_rs::<Xlsb<_>, _>(cursor)
                .map_err(|e| classify(matches!(e, calamine::XlsbError::Password), e))
                .and_then(|mut wb| {
                    read_sheets(file, &mut wb, limits, Xlsb::worksheet_range_ref, visit)
                }),
            Format::Ods => calamine::open_workbook_from_rs::<Ods<_>, _>(cursor)
                .map_err(|e| classify(matches!(e, calamine::OdsError::Password), e))
                .and_then(|mut wb| read_sheets(file, &mut wb, limits, owned_range, visit)),
        };
        match attempt {
            Ok(ok) => return Ok(ok),
            Err(OpenFailure::Encrypted) => return Err(OpenFailure::Encrypted),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| OpenFailure::Broken(Words::of(Key::FdNoFormat, &[]))))
}

/// The delimiter of a CSV text: of `,`, tab and `;`, the one that splits some
/// line among the first rows (where the header is searched) into the most
/// fields; `,` when none does. Title lines above the header hold none.
fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .take(crate::recognize::HEADER_SEARCH_ROWS as usize)
        .collect();
    let widest = |d: u8| {
        lines
            .iter()
            .map(|l| l.bytes().filter(|b| *b == d).count())
            .max()
            .unwrap_or(0)
    };
    let mut best = (b',', widest(b','));
    for d in [b'\t', b';'] {
        let n = widest(d);
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

/// Reads a CSV export as one sheet of text cells, so header recognition,
/// typing and diagnostics work exactly as for a workbook: every value stays
/// the text it was (no type inference: `00123` stays an order ID, `1,200.50`
/// is parsed by qbr's own exact number reader).
fn read_csv(
    file: FileId,
    input: &InputFile,
    limits: &Limits,
    visit: &mut SheetVisitor,
) -> Result<Opened, OpenFailure> {
    let text = crate::text::decode_text(input.content())
        .ok_or_else(|| OpenFailure::NotAWorkbook(Words::of(Key::FdUnknownEncoding, &[])))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    // Each record keeps its fields in one buffer; the grid borrows them.
    let mut records: Vec<csv::StringRecord> = Vec::new();
    let mut width = 0usize;
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            OpenFailure::Broken(Words::of(
                Key::FdCsvLine,
                &[&(i + 1).to_string(), &e.to_string()],
            ))
        })?;
        width = width.max(record.len());
        if records.len() >= limits.max_rows as usize || width > limits.max_columns as usize {
            return Err(OpenFailure::TooLarge(Words::of(
                Key::FdCsvTooLarge,
                &[
                    &limits.max_rows.to_string(),
                    &limits.max_columns.to_string(),
                ],
            )));
        }
        records.push(record);
    }
    if records.is_empty() || width == 0 {
        return Ok(one_sheet(file, input, None, visit));
    }
    let last = (records.len() as u32 - 1, width as u32 - 1);
    let mut range: Range<DataRef> = Range::new((0, 0), last);
    let mut texts = FirstMet::default();
    for (i, record) in records.iter().enumerate() {
        for (c, v) in record.iter().enumerate() {
            if let Some(cell) = texts.cell(v) {
                range.set_value((i as u32, c as u32), cell);
            }
        }
    }
    Ok(one_sheet(file, input, Some(range), visit))
}

/// The text cells of a file without shared strings (CSV, Parquet), borrowed
/// from what was parsed: trimmed, and each text given as the slice where it
/// was first met, so equal cells share one address like a workbook's shared
/// strings. Typing then cleans and interns each distinct text once, found
/// again by its address, and no cell is copied.
#[derive(Default)]
struct FirstMet<'t>(rustc_hash::FxHashMap<&'t str, &'t str>);

impl<'t> FirstMet<'t> {
    /// The cell of a text; `None` when it is blank.
    fn cell(&mut self, text: &'t str) -> Option<DataRef<'t>> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        let first = *self.0.entry(t).or_insert(t);
        Some(DataRef::SharedString(first))
    }
}

/// A CSV or Parquet file as a workbook of one sheet named after the file
/// (none when the file holds no cells).
fn one_sheet(
    file: FileId,
    input: &InputFile,
    range: Option<Range<DataRef>>,
    visit: &mut SheetVisitor,
) -> Opened {
    let name = input.file_name();
    if let Some(r) = range {
        visit(&SheetGrid::new(file, SheetId(0), name.clone(), r));
    }
    (vec![name], Vec::new())
}

/// Reads a Parquet export with polars as one sheet: the column names as the
/// header row, then one row per record. Text stays text; integers and floats
/// become number cells exactly as a workbook's would (a float is read by the
/// same shortest-representation rule as an .xlsx cell); decimals become their
/// exact text, so `1234.50` is never rounded through a float; dates and
/// timestamps become ISO dates. Anything else is read as polars prints it.
fn read_parquet(
    file: FileId,
    input: &InputFile,
    limits: &Limits,
    visit: &mut SheetVisitor,
) -> Result<Opened, OpenFailure> {
    // polars decodes on its own thread pool. Asked from a worker of qbr's
    // pool, the worker would run other files' reads while it waits, one
    // inside the other, until the stack overflows (seen with 3,000 files);
    // from a plain thread it just waits.
    let (height, columns) = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                IN_READER.with(|f| f.set(true));
                parquet_columns(input.content(), limits)
            })
            .join()
            .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
    })?;
    let range = parquet_range(height, &columns)?;
    Ok(one_sheet(file, input, range, visit))
}

/// A Parquet column as it is read into cells, already cast (by polars, on
/// its pool) to the one type its cells take.
enum ParquetColumn {
    Bool(polars::prelude::Series),
    Int(polars::prelude::Series),
    Float(polars::prelude::Series),
    Text(polars::prelude::Series),
}

/// A Parquet file's height and named columns, each cast to what its cells
/// become: integers to `i64`, floats to `f64`, timestamps to their day, and
/// everything else to text.
fn parquet_columns(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(usize, Vec<(String, ParquetColumn)>), OpenFailure> {
    use polars::prelude::{DataType, ParquetReader, SerReader};
    let broken = |e: polars::prelude::PolarsError| OpenFailure::Broken(Words::same(e.to_string()));
    let df = ParquetReader::new(Cursor::new(bytes))
        .finish()
        .map_err(broken)?;
    let (height, width) = (df.height(), df.width());
    if height >= limits.max_rows as usize || width > limits.max_columns as usize {
        return Err(OpenFailure::TooLarge(Words::of(
            Key::FdParquetTooLarge,
            &[
                &height.to_string(),
                &width.to_string(),
                &limits.max_rows.to_string(),
                &limits.max_columns.to_string(),
            ],
        )));
    }
    let columns = df
        .columns()
        .iter()
        .map(|column| {
            let s = column.as_materialized_series();
            let cast = match s.dtype() {
                DataType::Boolean => ParquetColumn::Bool(s.clone()),
                d if d.is_integer() => {
                    ParquetColumn::Int(s.cast(&DataType::Int64).map_err(broken)?)
                }
                DataType::Float32 | DataType::Float64 => {
                    ParquetColumn::Float(s.cast(&DataType::Float64).map_err(broken)?)
                }
                other => {
                    // Timestamps to their day first; then everything as text.
                    let s = if matches!(other, DataType::Datetime(..)) {
                        s.cast(&DataType::Date).map_err(broken)?
                    } else {
                        s.clone()
                    };
                    ParquetColumn::Text(s.cast(&DataType::String).map_err(broken)?)
                }
            };
            Ok((column.name().to_string(), cast))
        })
        .collect::<Result<Vec<_>, OpenFailure>>()?;
    Ok((height, columns))
}

/// A Parquet file's cells (`None` when it has no columns): the column names
/// as the header row, then one row per record; texts are borrowed from the
/// columns ([`FirstMet`]).
fn parquet_range<'c>(
    height: usize,
    columns: &'c [(String, ParquetColumn)],
) -> Result<Option<Range<DataRef<'c>>>, OpenFailure> {
    let broken = |e: polars::prelude::PolarsError| OpenFailure::Broken(Words::same(e.to_string()));
    if columns.is_empty() {
        return Ok(None);
    }
    let mut range: Range<DataRef> = Range::new((0, 0), (height as u32, columns.len() as u32 - 1));
    let mut texts = FirstMet::default();
    for (c, (name, column)) in columns.iter().enumerate() {
        let c = c as u32;
        range.set_value((0, c), DataRef::SharedString(name));
        let mut put = |r: usize, v: DataRef<'c>| range.set_value((r as u32 + 1, c), v);
        match column {
            ParquetColumn::Bool(s) => {
                for (r, v) in s.bool().map_err(broken)?.iter().enumerate() {
                    if let Some(v) = v {
                        put(r, DataRef::Bool(v));
                    }
                }
            }
            ParquetColumn::Int(s) => {
                for (r, v) in s.i64().map_err(broken)?.iter().enumerate() {
                    if let Some(v) = v {
                        put(r, DataRef::Int(v));
                    }
                }
            }
            ParquetColumn::Float(s) => {
                for (r, v) in s.f64().map_err(broken)?.iter().enumerate() {
                    if let Some(v) = v {
                        put(r, DataRef::Float(v));
                    }
                }
            }
            ParquetColumn::Text(s) => {
                for (r, v) in s.str().map_err(broken)?.iter().enumerate() {
                    if let Some(cell) = v.and_then(|v| texts.cell(v)) {
                        put(r, cell);
                    }
                }
            }
        }
    }
    Ok(Some(range))
}

fn classify(password: bool, e: impl std::fmt::Display) -> OpenFailure {
    if password {
        OpenFailure::Encrypted
    } else {
        OpenFailure::Broken(Words::same(e.to_string()))
    }
}

/// How a reader gives a sheet's cells: borrowing its shared strings
/// (.xlsx, .xlsb) or as owned cells (the others).
type RangeOf<R, E> = for<'w> fn(&'w mut R, &str) -> Result<Range<DataRef<'w>>, E>;

/// A sheet's range with owned cells, for the readers without borrowed shared strings.
fn owned_range<'w, RS, R>(wb: &'w mut R, name: &str) -> Result<Range<DataRef<'w>>, R::Error>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
{
    Ok(owned_cells(&wb.worksheet_range(name)?))
}

fn read_sheets<RS, R>(
    file: FileId,
    wb: &mut R,
    limits: &Limits,
    range_of: RangeOf<R, R::Error>,
    visit: &mut SheetVisitor,
) -> Result<Opened, OpenFailure>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let metas: Vec<calamine::Sheet> = wb.sheets_metadata().to_vec();
    let sheet_names: Vec<String> = metas.iter().map(|m| m.name.clone()).collect();
    let mut diags = Vec::new();
    for (i, meta) in metas.iter().enumerate() {
        let Ok(index) = u16::try_from(i) else {
            diags.push(Diagnostic::said(
                Code::SheetSkipped,
                Some(Location::File(file)),
                Key::FdTooManySheets,
                &[&metas.len().to_string()],
            ));
            break;
        };
        let sheet = SheetId(index);
        let loc = Some(Location::Sheet(file, sheet));
        if meta.typ != SheetType::WorkSheet {
            diags.push(Diagnostic::said(
                Code::SheetSkipped,
                loc,
                Key::FdNotAWorksheet,
                &[],
            ));
            continue;
        }
        if meta.visible != SheetVisible::Visible {
            diags.push(
                Diagnostic::said(Code::SheetSkipped, loc, Key::FdHiddenSheet, &[])
                    .advise(Key::FhUnhide),
            );
            continue;
        }
        match range_of(wb, &meta.name) {
            Ok(range) => {
                let (rows, cols) = range.get_size();
                if rows > limits.max_rows as usize || cols > limits.max_columns as usize {
                    diags.push(
                        Diagnostic::said(
                            Code::SheetTooLarge,
                            loc,
                            Key::FdSheetTooLarge,
                            &[
                                &rows.to_string(),
                                &cols.to_string(),
                                &limits.max_rows.to_string(),
                                &limits.max_columns.to_string(),
                            ],
                        )
                        .advise(Key::FhSplitExport),
                    );
                } else {
                    visit(&SheetGrid::new(file, sheet, meta.name.clone(), range));
                }
            }
            Err(e) => diags.push(Diagnostic::said(
                Code::SheetUnreadable,
                loc,
                Key::FdSheetUnreadable,
                &[&e.to_string()],
            )),
        }
    }
    Ok((sheet_names, diags))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xlsx(rows: &[[&str; 2]]) -> InputFile {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet().set_name("明细").unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        InputFile::with_content("t.xlsx", "t.xlsx", wb.save_to_buffer().unwrap())
    }

    #[test]
    fn xlsx_text_cells_borrow_the_shared_strings() {
        let input = xlsx(&[["客户", "产品"], ["甲公司", "门锁"], ["甲公司", "门铃"]]);
        let mut diags = Diagnostics::default();
        let mut seen = Vec::new();
        let names = read_workbook(
            FileId(0),
            &input,
            &Limits::default(),
            &mut diags,
            &mut |g| {
                let (a, b) = (g.cell(1, 0), g.cell(2, 0));
                assert!(matches!(a, DataRef::SharedString("甲公司")), "{a:?}");
                // One string in the workbook, so one address for both cells.
                assert_eq!(cell_str(a).map(str::as_ptr), cell_str(b).map(str::as_ptr));
                seen.push(g.name.clone());
            },
        );
        assert_eq!(names, Some(vec!["明细".to_string()]));
        assert_eq!(seen, ["明细"]);
    }

    fn input(name: &str, bytes: Vec<u8>) -> InputFile {
        InputFile::with_content(name, name, bytes)
    }

    /// Reads a one-sheet file and hands its grid to `check`.
    fn read_one(input: &InputFile, check: &mut dyn FnMut(&SheetGrid)) {
        let mut diags = Diagnostics::default();
        let mut visited = 0;
        read_workbook(FileId(0), input, &Limits::default(), &mut diags, &mut |g| {
            visited += 1;
            check(g)
        });
        assert_eq!(
            (visited, diags.items().len()),
            (1, 0),
            "{:?}",
            diags.items()
        );
    }

    /// Rows 1 and 2 of column 0 hold the same text, row 2 of column 1 another.
    fn assert_texts_shared(g: &SheetGrid, first: &str, other: &str) {
        let (a, b, c) = (g.cell(1, 0), g.cell(2, 0), g.cell(2, 1));
        assert_eq!(
            (cell_str(a), cell_str(b), cell_str(c)),
            (Some(first), Some(first), Some(other))
        );
        // The repeated text is one slice, found again by its address like a
        // workbook's shared string; a different text is not.
        assert_eq!(cell_str(a).map(str::as_ptr), cell_str(b).map(str::as_ptr));
        assert_ne!(cell_str(a).map(str::as_ptr), cell_str(c).map(str::as_ptr));
    }

    #[test]
    fn csv_cells_are_trimmed_and_repeated_texts_shared() {
        let csv = "客户,产品,金额\n 甲公司 ,门锁,1200\n甲公司,甲公司 ,\n";
        read_one(&input("t.csv", csv.as_bytes().to_vec()), &mut |g| {
            assert_eq!(cell_str(g.cell(0, 2)), Some("金额"));
            assert_eq!(cell_str(g.cell(1, 2)), Some("1200"));
            assert!(matches!(g.cell(2, 2), DataRef::Empty));
            // Equal after trimming: one slice for all three.
            let at = |r, c| cell_str(g.cell(r, c)).map(str::as_ptr);
            assert_eq!(cell_str(g.cell(1, 0)), Some("甲公司"));
            assert_eq!((at(2, 0), at(2, 1)), (at(1, 0), at(1, 0)));
        });
        read_one(
            &input("t.csv", "客户,产品\n甲公司,门锁\n甲公司,门铃\n".into()),
            &mut |g| assert_texts_shared(g, "甲公司", "门铃"),
        );
    }

    #[test]
    fn parquet_cells_keep_their_types_and_share_repeated_texts() {
        use polars::prelude::{DataFrame, NamedFrom, ParquetWriter, Series};
        let mut df = DataFrame::new_infer_height(vec![
            Series::new("客户".into(), [Some("甲公司"), Some(" 甲公司 "), None]).into(),
            Series::new("产品".into(), ["门锁", "门铃", "门锁"]).into(),
            Series::new("数量".into(), [Some(2i64), None, Some(3)]).into(),
            Series::new("金额".into(), [1200.5f64, 33.6, 0.0]).into(),
        ])
        .unwrap();
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
        read_one(&input("t.parquet", bytes), &mut |g| {
            let header: Vec<_> = (0..4).map(|c| cell_str(g.cell(0, c))).collect();
            assert_eq!(
                header,
                [Some("客户"), Some("产品"), Some("数量"), Some("金额")]
            );
            assert_texts_shared(g, "甲公司", "门铃");
            assert!(matches!(g.cell(3, 0), DataRef::Empty));
            assert!(matches!(g.cell(1, 2), DataRef::Int(2)));
            assert!(matches!(g.cell(2, 2), DataRef::Empty));
            assert!(matches!(g.cell(2, 3), DataRef::Float(v) if *v == 33.6));
        });
    }

    #[test]
    fn the_csv_delimiter_is_found_below_title_lines() {
        let titled = "一线城市 2026年7月 订单明细\n导出自 CRM 系统\n\n订单号;日期;金额\nSO1;2026-07-01;1,5\n";
        assert_eq!(sniff_delimiter(titled), b';');
        assert_eq!(sniff_delimiter("订单号,日期\tx\nSO1,2026-07-01\n"), b',');
        assert_eq!(sniff_delimiter("订单号\t日期\t金额\n"), b'\t');
        assert_eq!(sniff_delimiter("只有一列\n"), b',');
    }

    #[test]
    fn a_panic_in_the_visitor_is_a_bug_not_a_broken_workbook() {
        let input = xlsx(&[["客户", "产品"]]);
        let outcome = std::panic::catch_unwind(|| {
            let mut diags = Diagnostics::default();
            read_workbook(
                FileId(0),
                &input,
                &Limits::default(),
                &mut diags,
                &mut |_| panic!("a bug in the visitor"),
            )
        });
        let payload = outcome.expect_err("the panic goes on");
        assert_eq!(
            payload.downcast_ref::<&str>(),
            Some(&"a bug in the visitor")
        );
        assert!(!IN_READER.with(|f| f.get()));
    }

    #[test]
    fn a_broken_workbook_hands_over_no_sheet() {
        let mut input = xlsx(&[["客户", "产品"], ["甲公司", "门锁"]]);
        let half = input.content().len() / 2;
        input.content_mut().truncate(half);
        let mut diags = Diagnostics::default();
        let mut visited = 0;
        let names = read_workbook(
            FileId(0),
            &input,
            &Limits::default(),
            &mut diags,
            &mut |_| visited += 1,
        );
        assert_eq!((names, visited), (None, 0));
        let codes: Vec<Code> = diags.items().iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::WorkbookUnreadable]);
    }
}
