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
//! the order lines (with their identity hashes) and customers master rows
//! in them as columns ([`OrderColumns`], [`CustomerColumns`]), each order
//! table's folded texts as [`StoredKeys`], written under a temporary name
//! and renamed into place; an entry that does not decode, or whose columns
//! do not hold together, is a miss and is rewritten.
//!
//! One folder may serve several inboxes (`--cache DIR`). Before it reads
//! any entry, a run writes the keys it will use to `inboxes/<inbox>.keys`,
//! named after a hash of the inbox's path. After the run, an entry is removed
//! when no inbox's list names it, so the folder holds one entry per workbook
//! of each inbox it serves. The list of an inbox that has not been reviewed
//! for [`FORGET_AFTER`] is removed with it. A run of one inbox never removes
//! what another needs, even while both run. Beside each list,
//! `inboxes/<inbox>.stamps` holds what the last walk found of each workbook
//! ([`crate::inbox::Stamps`]), so an unchanged workbook is not even read
//! and hashed again; it goes when its list goes.

use crate::config::Config;
use crate::diag::{Diagnostics, FileId};
use crate::inbox::hex;
use crate::recognize::Unrecognized;
use crate::records::keys::{StoredKeys, TableKeys};
use crate::records::{CustomerColumns, Dataset, OrderColumns};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// Bumped whenever what an entry holds changes shape.
const FORMAT: &str = "qbr-cache/13";

/// Texts whose folded forms are part of every entry key: full and half
/// width, capitals, the ideographic space, separators, currency signs.
const FOLD_PROBE: &str = "ＡＢＣ（北京）　Ａ_b-c D ¥￥ Ｘ１";

/// Product classes whose keys are part of every entry key, as [`FOLD_PROBE`].
const CLASS_PROBE: [&str; 4] = ["核心产品", "New Product", "长尾", "配件"];

/// How long an inbox's entries are kept after its last run.
pub const FORGET_AFTER: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

/// How old a temporary file must be to be another run's leftover, not a
/// write in progress.
const STALE_TEMPORARY: std::time::Duration = std::time::Duration::from_secs(3600);

/// The folder of the inboxes' key lists, inside the cache folder.
const INBOXES: &str = "inboxes";

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
    keys: Vec<StoredKeys<'static>>,
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
    #[serde(borrow)]
    keys: Vec<StoredKeys<'a>>,
}

impl EntryIn<'_> {
    /// The parse, every location and record moved to file `id` (the file's
    /// number in this run); `None` when the entry does not hold together.
    fn parsed(self, id: FileId) -> Option<Parsed> {
        let mut dataset = self.dataset;
        let texts = &dataset.order_texts;
        if !texts.iter().all(|t| t.holds()) || self.keys.len() != texts.len() {
            return None;
        }
        let keys = self.keys.iter().zip(texts);
        dataset.order_keys = keys
            .map(|(k, t)| TableKeys::restore(k, t))
            .collect::<Option<_>>()?;
        dataset.relocate(id);
        dataset.orders = (self.orders).lines(id, &dataset.order_texts, &dataset.order_keys)?;
        dataset.order_hashes = self.orders.hashes()?;
        (dataset.customers, dataset.customer_keys) = self.customers.rows(id)?;
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
    /// The keys this run uses.
    used: HashSet<String>,
    /// This run's key list in the `inboxes` folder, once written.
    list: Option<String>,
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
        // Entries keep names and product classes folded: a build that folds
        // these differently does not read them.
        h.update(crate::text::match_key(FOLD_PROBE));
        for class in CLASS_PROBE {
            h.update(crate::ledger::product_class_key(class));
        }
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
            used: HashSet::new(),
            list: None,
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

    /// Records the entries a run of `inbox` uses (its files' keys), before
    /// any is read: a run of another inbox that prunes the folder meanwhile
    /// keeps them. A list that cannot be written only costs speed later.
    pub fn register(&mut self, inbox: &Path, keys: &[String]) {
        self.used.extend(keys.iter().cloned());
        let mut list: Vec<&String> = self.used.iter().collect();
        list.sort();
        let text: String = list.iter().map(|k| format!("{k}\n")).collect();
        let dir = self.dir.join(INBOXES);
        let name = format!("{}.keys", inbox_id(inbox));
        let _ =
            std::fs::create_dir_all(&dir).and_then(|()| write_whole(&dir, &name, text.as_bytes()));
        self.list = Some(name);
    }

    /// The stored parse of `key`, when there is one that decodes, read as
    /// file `id` of this run.
    pub fn get(&self, key: &str, id: FileId) -> Option<Parsed> {
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
            orders: OrderColumns::of(&p.dataset.orders, &p.dataset.line_hashes()),
            customers: CustomerColumns::of(&p.dataset.customers, &p.dataset.customer_keys),
            keys: p
                .dataset
                .table_keys()
                .iter()
                .map(TableKeys::stored)
                .collect(),
        };
        let bytes = postcard::to_allocvec(&entry).map_err(std::io::Error::other)?;
        write_whole(&self.dir, &format!("{key}.bin"), &bytes)
    }

    /// Removes the entries that neither this run nor any other inbox's list
    /// names (files gone or changed), the lists of inboxes not reviewed for
    /// [`FORGET_AFTER`], and temporary files left by runs that were stopped.
    pub fn prune(&self) {
        let mut keep = self.used.clone();
        let lists = std::fs::read_dir(self.dir.join(INBOXES));
        let mut stamps = Vec::new();
        for e in lists.into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".stamps") {
                stamps.push(e);
                continue;
            }
            if !name.ends_with(".keys") {
                // A list being written, or one a stopped run left half-written.
                if older_than(&e, STALE_TEMPORARY) {
                    let _ = std::fs::remove_file(e.path());
                }
                continue;
            }
            if Some(&name) == self.list.as_ref() {
                continue;
            }
            if older_than(&e, FORGET_AFTER) {
                let _ = std::fs::remove_file(e.path());
            } else if let Ok(text) = std::fs::read_to_string(e.path()) {
                keep.extend(text.lines().map(str::to_string));
            } else {
                // An unreadable list: what it names cannot be told apart, so nothing goes.
                return;
            }
        }
        // Stamps go with their inbox's list, which is written just after
        // them: without one, they are another run's in progress or forgotten.
        for e in stamps {
            let list = e.path().with_extension("keys");
            if !list.exists() && older_than(&e, STALE_TEMPORARY) {
                let _ = std::fs::remove_file(e.path());
            }
        }
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let stale = match name.strip_suffix(".bin") {
                Some(key) => !keep.contains(key),
                None => name.ends_with(".tmp") && older_than(&e, STALE_TEMPORARY),
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

/// Writes `bytes` to `dir/name` whole: under a temporary name, then renamed.
fn write_whole(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, dir.join(name)).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Where the stamps of `inbox`'s workbooks ([`crate::inbox::Stamps`]) are
/// kept in cache folder `dir`: beside its key list.
pub fn stamps_path(dir: &Path, inbox: &Path) -> PathBuf {
    dir.join(INBOXES)
        .join(format!("{}.stamps", inbox_id(inbox)))
}

/// Stores an inbox's stamps at `path` ([`stamps_path`]), whole. A failure
/// (a read-only cache folder) only means the next walk hashes every file.
pub fn store_stamps(path: &Path, stamps: &crate::inbox::Stamps) {
    if let Some(dir) = path.parent()
        && let Some(name) = path.file_name()
    {
        let _ = std::fs::create_dir_all(dir)
            .and_then(|()| write_whole(dir, &name.to_string_lossy(), &stamps.to_bytes()));
    }
}

/// The name an inbox's key list goes by: a hash of its full path.
fn inbox_id(inbox: &Path) -> String {
    let path = inbox.canonicalize().unwrap_or_else(|_| inbox.to_path_buf());
    hex(&Sha256::digest(path.as_os_str().as_encoded_bytes()))
}

/// True when the file was last written longer than `age` ago.
fn older_than(e: &std::fs::DirEntry, age: std::time::Duration) -> bool {
    e.metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|elapsed| elapsed > age)
}
