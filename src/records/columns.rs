//! The parse cache's form of the two big record kinds, a workbook's order
//! lines and its customers master rows: one column per field, fixed-width
//! little-endian numbers and texts end to end. A re-run reads them back in
//! one tight pass that also checks every text id and sets the file the
//! records came from, instead of decoding a varint, a string or a date text
//! per field and walking the records twice more.

use super::keys::{Keys, TableKeys};
use super::{CustomerRec, Lines, OrderLine, RowRef, TableId, TableTexts, Text, TextId};
use crate::diag::{FileId, SheetId};
use crate::text::StoredTexts;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use thin_vec::ThinVec;

/// Text numbers per line besides the custom dimensions: order ID, line ID,
/// customer, product, salesperson, customer type, product class, region, group.
const TEXTS: usize = 9;

/// Where records were read: runs of consecutive records from one table and
/// sheet, and each record's row.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Origins<'a> {
    runs: Vec<Run>,
    /// Each record's 0-based sheet row, four bytes each.
    #[serde(borrow, with = "serde_bytes")]
    rows: Cow<'a, [u8]>,
}

/// `count` records from one table and sheet; for order lines, each with
/// `custom` custom dimension values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Run {
    table: u32,
    sheet: u16,
    custom: u32,
    count: u32,
}

impl Origins<'_> {
    fn push(&mut self, origin: RowRef, custom: usize) {
        let run = Run {
            table: origin.table.0,
            sheet: origin.sheet.0,
            custom: u32::try_from(custom).expect("fewer than 2^32 custom dimensions"),
            count: 1,
        };
        match self.runs.last_mut() {
            Some(last) if Run { count: 1, ..*last } == run => last.count += 1,
            _ => self.runs.push(run),
        }
        self.rows
            .to_mut()
            .extend_from_slice(&origin.row.to_le_bytes());
    }

    /// The number of records, when the runs and rows agree on it.
    fn len(&self) -> Option<usize> {
        let counted: u64 = self.runs.iter().map(|r| u64::from(r.count)).sum();
        (counted * 4 == self.rows.len() as u64).then_some(self.rows.len() / 4)
    }

    /// Each record's origin in file `file`, with its run's custom width.
    fn each(&self, file: FileId) -> impl Iterator<Item = (RowRef, u32)> + '_ {
        let starts = self.runs.iter().scan(0usize, |start, r| {
            let s = *start;
            *start += r.count as usize;
            Some((r, s))
        });
        starts.flat_map(move |(r, start)| {
            let rows = (self.rows.get(start * 4..(start + r.count as usize) * 4)).unwrap_or(&[]);
            rows.chunks_exact(4).map(move |row| {
                let origin = RowRef {
                    table: TableId(r.table),
                    file,
                    sheet: SheetId(r.sheet),
                    row: le_u32(row),
                };
                (origin, r.custom)
            })
        })
    }
}

/// A workbook's order lines as columns (see the module doc).
#[derive(Debug, Serialize, Deserialize)]
pub struct OrderColumns<'a> {
    #[serde(borrow)]
    origins: Origins<'a>,
    /// Each line's date as days from 0001-01-01, four bytes each.
    #[serde(borrow, with = "serde_bytes")]
    dates: Cow<'a, [u8]>,
    /// Each line's text numbers: 0 for none, else the text's index plus
    /// one; [`TEXTS`] of them, then its custom dimensions'.
    #[serde(borrow)]
    texts: Packed<'a>,
    #[serde(borrow)]
    amounts: Packed<'a>,
    #[serde(borrow)]
    quantities: Packed<'a>,
    #[serde(borrow)]
    collected: Packed<'a>,
    /// Each line's identity hash ([`crate::ledger::line_hash`]), eight bytes each.
    #[serde(borrow, with = "serde_bytes")]
    hashes: Cow<'a, [u8]>,
}

/// Numbers in the narrower of two widths that holds them all, little-endian.
#[derive(Debug, Serialize, Deserialize)]
struct Packed<'a> {
    width: u8,
    #[serde(borrow, with = "serde_bytes")]
    bytes: Cow<'a, [u8]>,
}

/// The widths of text numbers (two or four bytes) and of decimals as
/// [`exact`] numbers, optional ones plus one and 0 for none (eight or sixteen).
const TEXT_WIDTHS: [u8; 2] = [2, 4];
const DECIMAL_WIDTHS: [u8; 2] = [8, 16];

impl Packed<'_> {
    /// `numbers` in `narrow` bytes each when every one fits, else in `wide`.
    fn of<T: Copy + Into<u128>>(numbers: &[T], [narrow, wide]: [u8; 2]) -> Packed<'static> {
        let fits = |n: T| n.into() >> (8 * u32::from(narrow)) == 0;
        let width = if numbers.iter().all(|&n| fits(n)) {
            narrow
        } else {
            wide
        };
        let mut bytes = Vec::with_capacity(numbers.len() * usize::from(width));
        for &n in numbers {
            bytes.extend_from_slice(&n.into().to_le_bytes()[..usize::from(width)]);
        }
        Packed {
            width,
            bytes: Cow::Owned(bytes),
        }
    }

    /// The numbers, when there are `count` of them in one of `widths`.
    fn numbers(&self, count: usize, widths: [u8; 2]) -> Option<impl Iterator<Item = u128> + '_> {
        let width = usize::from(self.width);
        let fits =
            widths.contains(&self.width) && self.bytes.len() as u64 == count as u64 * width as u64;
        fits.then(|| {
            self.bytes.chunks_exact(width).map(|c| match *c {
                [a, b] => u128::from(u16::from_le_bytes([a, b])),
                [a, b, c, d] => u128::from(u32::from_le_bytes([a, b, c, d])),
                _ => match c.first_chunk::<8>() {
                    Some(b) if c.len() == 8 => u128::from(u64::from_le_bytes(*b)),
                    _ => {
                        let mut b = [0; 16];
                        b.copy_from_slice(c);
                        u128::from_le_bytes(b)
                    }
                },
            })
        })
    }
}

/// A decimal as one number that round-trips every bit of it (a negative
/// zero included): the magnitude, then five bits of scale and the sign.
pub(super) fn exact(d: Decimal) -> u128 {
    let b = d.serialize();
    let flags = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let mut magnitude = [0; 16];
    magnitude[..12].copy_from_slice(&b[4..]);
    let magnitude = u128::from_le_bytes(magnitude);
    magnitude << 6 | u128::from((flags >> 16) & 0x1f) << 1 | u128::from(flags >> 31)
}

/// The decimal of an [`exact`] number; `None` for a scale above 28 or a
/// magnitude above 96 bits, which no decimal has.
pub(super) fn decimal(n: u128) -> Option<Decimal> {
    let scale = (n >> 1) as u32 & 0x1f;
    if scale > Decimal::MAX_SCALE || n >> 102 != 0 {
        return None;
    }
    let flags = scale << 16 | (n as u32 & 1) << 31;
    let mut b = [0; 16];
    b[..4].copy_from_slice(&flags.to_le_bytes());
    b[4..].copy_from_slice(&(n >> 6).to_le_bytes()[..12]);
    Some(Decimal::deserialize(b))
}

/// An optional decimal as a number: 0 for none, else [`exact`] plus one.
fn exact_opt(d: Option<Decimal>) -> u128 {
    d.map_or(0, |d| exact(d) + 1)
}

/// The decimal of an [`exact_opt`] number: `Some(None)` for none, `None`
/// when the number is no decimal's.
fn optional_decimal(n: u128) -> Option<Option<Decimal>> {
    match n {
        0 => Some(None),
        n => decimal(n - 1).map(Some),
    }
}

fn le_u32(c: &[u8]) -> u32 {
    u32::from_le_bytes([c[0], c[1], c[2], c[3]])
}

fn days(date: NaiveDate) -> [u8; 4] {
    date.num_days_from_ce().to_le_bytes()
}

fn date(bytes: &[u8]) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(le_u32(bytes) as i32)
}

impl OrderColumns<'_> {
    /// The columns of `lines`, whose identity hashes are `hashes`.
    pub fn of(lines: &Lines, hashes: &[u64]) -> OrderColumns<'static> {
        let n = lines.len();
        let mut origins = Origins::default();
        let mut dates = Vec::with_capacity(n * 4);
        let mut numbers: Vec<u32> = Vec::with_capacity(n * TEXTS);
        let (mut amounts, mut quantities, mut collected) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let number = TextId::number;
        for o in lines.iter() {
            origins.push(o.origin, o.custom.len());
            dates.extend_from_slice(&days(o.date));
            numbers.extend([
                number(o.order_id),
                number(o.line_id),
                number(Some(o.customer)),
                number(Some(o.product)),
                number(o.salesperson),
                number(o.customer_type),
                number(o.product_class),
                number(o.region),
                number(o.group),
            ]);
            numbers.extend(o.custom.iter().map(|&c| number(c)));
            amounts.push(exact(o.amount));
            quantities.push(exact_opt(o.quantity.get()));
            collected.push(exact_opt(o.collected.get()));
        }
        OrderColumns {
            origins,
            dates: Cow::Owned(dates),
            texts: Packed::of(&numbers, TEXT_WIDTHS),
            amounts: Packed::of(&amounts, DECIMAL_WIDTHS),
            quantities: Packed::of(&quantities, DECIMAL_WIDTHS),
            collected: Packed::of(&collected, DECIMAL_WIDTHS),
            hashes: Cow::Owned(hashes.iter().flat_map(|h| h.to_le_bytes()).collect()),
        }
    }

    /// The lines' identity hashes, when there is one per line.
    pub fn hashes(&self) -> Option<Vec<u64>> {
        let hashes = self.hashes.chunks_exact(8);
        if !hashes.remainder().is_empty() || Some(hashes.len()) != self.origins.len() {
            return None;
        }
        let hash = |h: &[u8]| u64::from_le_bytes(h.try_into().expect("eight bytes"));
        Some(hashes.map(hash).collect())
    }

    /// The lines again, read from file `file`; `None` when the columns do
    /// not hold together: lengths that disagree, a text id past its table's
    /// texts, a text its table's `keys` do not fold, a missing customer or
    /// product, a date or decimal no line has.
    pub fn lines(&self, file: FileId, texts: &[TableTexts], keys: &[TableKeys]) -> Option<Lines> {
        let len = self.origins.len()?;
        let numbers: u64 = (self.origins.runs.iter())
            .map(|r| u64::from(r.count) * (TEXTS as u64 + u64::from(r.custom)))
            .sum();
        if self.dates.len() != len * 4 {
            return None;
        }
        let numbers = usize::try_from(numbers).ok()?;
        let mut numbers = (self.texts.numbers(numbers, TEXT_WIDTHS)?).map(|n| n as u32);
        let mut amounts = self.amounts.numbers(len, DECIMAL_WIDTHS)?;
        let mut quantities = self.quantities.numbers(len, DECIMAL_WIDTHS)?;
        let mut collected = self.collected.numbers(len, DECIMAL_WIDTHS)?;
        let mut out = Vec::with_capacity(len);
        for ((origin, custom), day) in self.origins.each(file).zip(self.dates.chunks_exact(4)) {
            // Every id names one of the table's texts (`n` is its index plus one).
            let count = texts.get(origin.table.0 as usize)?.len();
            let mut t = [0u32; TEXTS];
            for slot in &mut t {
                *slot = numbers.next()?;
            }
            if t.iter().any(|&n| n as usize > count) {
                return None;
            }
            let id = TextId::from_number;
            let custom = match custom {
                0 => ThinVec::new(),
                k => (0..k)
                    .map(|_| numbers.next().filter(|&n| n as usize <= count).map(id))
                    .collect::<Option<ThinVec<_>>>()?,
            };
            let line = OrderLine {
                origin,
                order_id: id(t[0]),
                line_id: id(t[1]),
                date: date(day)?,
                customer: id(t[2])?,
                product: id(t[3])?,
                amount: decimal(amounts.next()?)?,
                quantity: optional_decimal(quantities.next()?)?.into(),
                salesperson: id(t[4]),
                customer_type: id(t[5]),
                product_class: id(t[6]),
                region: id(t[7]),
                group: id(t[8]),
                collected: optional_decimal(collected.next()?)?.into(),
                custom,
            };
            if !keys.get(origin.table.0 as usize)?.covers(&line) {
                return None;
            }
            out.push(line);
        }
        Some(Lines::from(out))
    }
}

/// A customers master's rows as columns (see the module doc).
#[derive(Debug, Serialize, Deserialize)]
pub struct CustomerColumns<'a> {
    #[serde(borrow)]
    origins: Origins<'a>,
    #[serde(borrow)]
    names: StoredTexts<'a>,
    /// First order dates as days from 0001-01-01, or `i32::MIN` for none.
    #[serde(borrow, with = "serde_bytes")]
    first_orders: Cow<'a, [u8]>,
    /// The distinct tiers and customer types, and each row's tier and type
    /// as their place there plus one (0 for none).
    #[serde(borrow)]
    kinds: StoredTexts<'a>,
    #[serde(borrow)]
    tiers: Packed<'a>,
    #[serde(borrow)]
    types: Packed<'a>,
    custom: Vec<Box<[Option<Text>]>>,
}

impl CustomerColumns<'_> {
    /// The columns of `rows`, whose names are `names` (in row order).
    pub fn of<'r>(rows: &'r [CustomerRec], names: &Keys) -> CustomerColumns<'static> {
        debug_assert_eq!(rows.len(), names.len(), "one name a row");
        let mut origins = Origins::default();
        let mut kinds = StoredTexts::default();
        let mut first_orders = Vec::with_capacity(rows.len() * 4);
        let (mut tiers, mut types) = (
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
        );
        let mut places: rustc_hash::FxHashMap<&str, u32> = Default::default();
        let mut kind = |k: &'r Option<Text>, kinds: &mut StoredTexts| -> u32 {
            k.as_deref().map_or(0, |k| {
                let next = places.len() as u32 + 1;
                *places.entry(k).or_insert_with(|| {
                    kinds.push(k);
                    next
                })
            })
        };
        for r in rows {
            origins.push(r.origin, 0);
            let first = (r.first_order_date).map_or(i32::MIN, |d| d.num_days_from_ce());
            first_orders.extend_from_slice(&first.to_le_bytes());
            tiers.push(kind(&r.tier, &mut kinds));
            types.push(kind(&r.customer_type, &mut kinds));
        }
        CustomerColumns {
            origins,
            names: names.stored(),
            first_orders: Cow::Owned(first_orders),
            kinds,
            tiers: Packed::of(&tiers, TEXT_WIDTHS),
            types: Packed::of(&types, TEXT_WIDTHS),
            custom: rows.iter().map(|r| r.custom.clone()).collect(),
        }
    }

    /// The rows again, read from file `file`, and their names; `None` when
    /// the columns do not hold together.
    pub fn rows(self, file: FileId) -> Option<(Vec<CustomerRec>, Keys)> {
        let len = self.origins.len()?;
        let kinds: Vec<Text> = (self.kinds.each())
            .map(|k| k.map(Text::from))
            .collect::<Option<_>>()?;
        let tiers = self.tiers.numbers(len, TEXT_WIDTHS)?;
        let types = self.types.numbers(len, TEXT_WIDTHS)?;
        if self.first_orders.len() != len * 4
            || self.names.len() != Some(len)
            || self.custom.len() != len
        {
            return None;
        }
        let kind = |n: u128| match n {
            0 => Some(None),
            n => kinds.get(n as usize - 1).map(|k| Some(k.clone())),
        };
        let first_order = |c: &[u8]| match le_u32(c) as i32 {
            i32::MIN => Some(None),
            _ => date(c).map(Some),
        };
        let columns = (self.origins.each(file))
            .zip(self.names.each())
            .zip(self.first_orders.chunks_exact(4))
            .zip(tiers.zip(types))
            .zip(self.custom);
        // Pushed into a vector of the right size: collecting into an
        // `Option<Vec>` would grow it by doubling, copying 200,000 rows.
        let mut rows = Vec::with_capacity(len);
        let mut names = Keys::with_room(len);
        for (((((origin, _), name), first), (tier, ctype)), custom) in columns {
            names.push(name?);
            rows.push(CustomerRec {
                origin,
                first_order_date: first_order(first)?,
                tier: kind(tier)?,
                customer_type: kind(ctype)?,
                custom,
            });
        }
        Some((rows, names))
    }
}
