//! The cache of parsed workbooks, so a re-run reads only what changed.
//!
//! In: a workbook's bytes (already hashed by the inbox walk) and what it was
//! parsed into. Out: the same parse on the next run, when neither the
//! workbook's content nor anything the parse depends on has changed.
//!
//! An entry's key is the SHA-256 of: the cache format, qbr's version, the
//! reading configuration (header synonyms, custom dimension columns, limits),
//! the file's name (CSV and Parquet sheets are named after it) and the
//! file's content hash. The modification time plays no part: touching a file
//! keeps its entry, changing a byte does not. Entries are postcard files,
//! the order lines and customers master rows in them as columns
//! ([`OrderColumns`], [`CustomerColumns`]), written under a temporary name
//! and renamed into place; an entry that does not decode, or whose columns
//! do not hold together, is a miss and is rewritten. After a run, entries no file used
//! are removed, so the cache holds one entry per workbook of the inbox.

use crate::config::Config;
use crate::diag::{Diagnostics, FileId};
use crate::recognize::Unrecognized;
use crate::records::{CustomerColumns, Dataset, OrderColumns};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Bumped whenever what an entry holds changes shape.
const FORMAT: &str = "qbr-cache/10";

/// What one workbook was parsed into.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub opened: bool,
    pub sheet_names: Option<Vec<String>>,
    pub diagnostics: Diagnostics,
    pub unrecognized: Vec<Unrecognized>,
    pub dataset: Dataset,
}

/// A parse to store: [`Parsed`]'s parts, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct ParsedRef<'a> {
    pub opened: bool,
    pub sheet_names: &'a Option<Vec<String>>,
    pub diagnostics: &'a Diagnostics,
    pub unrecognized: &'a [Unrecognized],
    pub dataset: &'a Dataset,
}

/// An entry as written: the parse, its order lines and customers apart as columns.
#[derive(Serialize)]
struct EntryOut<'a> {
    opened: bool,
    sheet_names: &'a Option<Vec<String>>,
    diagnostics: &'a Diagnostics,
    unrecognized: &'a [Unrecognized],
    dataset: &'a Dataset,
    orders: OrderColumns<'static>,
    customers: CustomerColumns<'static>,
}

/// An entry as read, its columns borrowed from the file's bytes.
#[derive(Deserialize)]
struct EntryIn<'a> {
    opened: bool,
    sheet_names: Option<Vec<String>>,
    diagnostics: Diagnostics,
    unrecognized: Vec<Unrecognized>,
    dataset: Dataset,
    #[serde(borrow)]
    orders: OrderColumns<'a>,
    #[serde(borrow)]
    customers: CustomerColumns<'a>,
}

impl EntryIn<'_> {
    /// The parse, every location and record moved to file `id` (the file's
    /// number in this run); `None` when the entry does not hold together.
    fn parsed(self, id: FileId) -> Option<Parsed> {
        let mut dataset = self.dataset;
        if !dataset.order_texts.iter().all(|t| t.holds()) {
            return None;
        }
        dataset.relocate(id);
        dataset.orders = self.orders.lines(id, &dataset.order_texts)?;
        dataset.customers = self.customers.rows(id)?;
        let mut diagnostics = self.diagnostics;
        diagnostics.relocate(id);
        let mut unrecognized = self.unrecognized;
        for u in &mut unrecognized {
            u.file = id;
        }
        Some(Parsed {
            opened: self.opened,
            sheet_names: self.sheet_names,
            diagnostics,
            unrecognized,
            dataset,
        })
    }
}

/// How a run used the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Workbooks taken from the cache.
    pub hits: usize,
    /// Workbooks parsed (and then stored).
    pub misses: usize,
    /// Entries that could not be written (the cache folder is read-only, say).
    pub unwritable: usize,
}

/// A cache folder, for one run.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    /// Hash of everything besides the file that a parse depends on.
    fingerprint: String,
    used: Mutex<HashSet<String>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
    unwritable: AtomicUsize,
}

impl Cache {
    /// A cache in `dir` for runs with this configuration; the folder is made
    /// on the first store.
    pub fn new(dir: &Path, config: &Config) -> Cache {
        let mut h = Sha256::new();
        h.update(FORMAT);
        h.update(env!("CARGO_PKG_VERSION"));
        h.update(format!("{:?}", config.headers));
        for c in &config.custom_dimensions {
            h.update(format!(
                "{:?}|{:?}|{:?}",
                c.dimension.key, c.columns, c.source
            ));
        }
        h.update(format!("{:?}", config.limits));
        Cache {
            dir: dir.to_path_buf(),
            fingerprint: hex(&h.finalize()),
            used: Mutex::default(),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            unwritable: AtomicUsize::new(0),
        }
    }

    /// The entry key of a file: its name and content under this fingerprint.
    pub fn key(&self, file_name: &str, sha256: &str) -> String {
        let mut h = Sha256::new();
        h.update(&self.fingerprint);
        h.update(file_name);
        h.update([0]);
        h.update(sha256);
        hex(&h.finalize())
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.bin"))
    }

    /// The stored parse of `key`, when there is one that decodes, read as
    /// file `id` of this run.
    pub fn get(&self, key: &str, id: FileId) -> Option<Parsed> {
        self.used
            .lock()
            .expect("cache lock")
            .insert(key.to_string());
        let parsed = std::fs::read(self.path(key)).ok().and_then(|bytes| {
            postcard::from_bytes::<EntryIn>(&bytes)
                .ok()
                .and_then(|entry| entry.parsed(id))
        });
        match &parsed {
            Some(_) => self.hits.fetch_add(1, Relaxed),
            None => self.misses.fetch_add(1, Relaxed),
        };
        parsed
    }

    /// Stores a parse. A cache that cannot be written only costs speed: the
    /// failure is counted in the stats, never fatal.
    pub fn put(&self, key: &str, parsed: ParsedRef) {
        if self.store(key, parsed).is_err() {
            self.unwritable.fetch_add(1, Relaxed);
        }
    }

    fn store(&self, key: &str, p: ParsedRef) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let entry = EntryOut {
            opened: p.opened,
            sheet_names: p.sheet_names,
            diagnostics: p.diagnostics,
            unrecognized: p.unrecognized,
            dataset: p.dataset,
            orders: OrderColumns::of(&p.dataset.orders),
            customers: CustomerColumns::of(&p.dataset.customers),
        };
        let bytes = postcard::to_allocvec(&entry).map_err(std::io::Error::other)?;
        let tmp = self.dir.join(format!(".{key}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, self.path(key)).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }

    /// Removes the entries this run did not use (files gone or changed).
    pub fn prune(&self) {
        let used = self.used.lock().expect("cache lock");
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let stale = match name.strip_suffix(".bin") {
                Some(key) => !used.contains(key),
                None => name.ends_with(".tmp"),
            };
            if stale {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }

    /// Hits and misses so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Relaxed),
            misses: self.misses.load(Relaxed),
            unwritable: self.unwritable.load(Relaxed),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
