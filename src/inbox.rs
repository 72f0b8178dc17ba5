//! Walks the inbox folder and decides which files are workbooks to read.
//!
//! In: the inbox path. Out: an [`Inbox`] with every workbook's bytes and SHA-256,
//! the files it skipped with the reason (Excel lock files `~$*`, hidden files and
//! folders, non-workbooks, byte-identical copies of another workbook), and the
//! optional `qbr.toml` at the root. Nothing is ever written to the inbox.

use crate::diag::Words;
use crate::error::Error;
use crate::i18n::{Key, Lang};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

pub mod stamps;
pub use stamps::Stamps;

/// File extensions read as workbooks (compared case-insensitively).
pub const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "parquet"];

/// The name of the optional configuration file at the inbox root.
pub const CONFIG_FILE: &str = "qbr.toml";

/// A workbook found in the inbox.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Path relative to the inbox, with `/` separators: how every message names it.
    pub display_path: String,
    pub path: PathBuf,
    /// The file's size in bytes.
    pub size: u64,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    /// The content, once read: the walk reads every file whose hash it
    /// cannot take from a stamp; [`InputFile::read_content`] reads the others.
    content: Option<Vec<u8>>,
}

impl InputFile {
    /// A file whose content is at hand, hashed here (tests, fuzz targets).
    pub fn with_content(display_path: &str, path: impl Into<PathBuf>, bytes: Vec<u8>) -> InputFile {
        InputFile {
            display_path: display_path.to_string(),
            path: path.into(),
            size: bytes.len() as u64,
            sha256: hex(&Sha256::digest(&bytes)),
            content: Some(bytes),
        }
    }

    /// The file's own name, without its folders (how a CSV or Parquet file's
    /// one sheet is named, and part of its cache key).
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// The content; empty while it has not been read (see [`InputFile::read_content`]).
    pub fn content(&self) -> &[u8] {
        self.content.as_deref().unwrap_or_default()
    }

    /// The content, to change it (tests that break a workbook on purpose).
    #[cfg(test)]
    pub(crate) fn content_mut(&mut self) -> &mut Vec<u8> {
        self.content.get_or_insert_with(Vec::new)
    }

    /// Reads the content of a file whose hash the walk took from a stamp,
    /// so it can be parsed; nothing to do when the walk read it.
    ///
    /// # Errors
    /// Why the file cannot be read, or that its content is no longer the
    /// one the walk hashed (it changed since).
    pub fn read_content(&mut self) -> Result<(), Words> {
        if self.content.is_some() {
            return Ok(());
        }
        let bytes = std::fs::read(&self.path).map_err(|e| Words::of_io(&e))?;
        if hex(&Sha256::digest(&bytes)) != self.sha256 {
            return Err(Words::of(Key::FdChangedWhileRead, &[]));
        }
        self.content = Some(bytes);
        Ok(())
    }
}

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum SkipReason {
    /// `~$name.xlsx`: the lock file Excel keeps while a workbook is open.
    LockFile,
    /// A name starting with `.`, or inside a hidden folder.
    Hidden,
    /// Not one of [`WORKBOOK_EXTENSIONS`].
    NotAWorkbook,
    /// Same bytes as another workbook, which is read instead.
    DuplicateOf { original: String },
    /// A symbolic link; qbr reads only real files so a link loop cannot trap it.
    Symlink,
    /// The file could not be read.
    Unreadable {
        /// The system's reason; summary.json gives its English text.
        #[serde(serialize_with = "english")]
        error: Words,
    },
    /// Inside the output folder, which lies within the inbox.
    OutputFolder,
    /// A pipe, socket or device: reading it could block forever.
    NotARegularFile,
    /// Larger than any workbook qbr accepts (`max_unpacked_mb`); not read into memory.
    TooLarge { bytes: u64, limit: u64 },
}

impl SkipReason {
    /// A short English explanation, for the terminal.
    pub fn describe(&self) -> String {
        self.words().en
    }

    /// The explanation in both report languages.
    pub fn words(&self) -> Words {
        let mb = |b: u64| (b / (1024 * 1024)).to_string();
        match self {
            SkipReason::LockFile => Words::of(Key::FdSkipLockFile, &[]),
            SkipReason::Hidden => Words::of(Key::FdSkipHidden, &[]),
            SkipReason::NotAWorkbook => Words::of(Key::FdSkipNotAWorkbook, &[]),
            SkipReason::DuplicateOf { original } => Words::of(Key::FdSkipDuplicateOf, &[original]),
            SkipReason::Symlink => Words::of(Key::FdSkipSymlink, &[]),
            SkipReason::Unreadable { error } => Words::each(
                Key::FdSkipUnreadable,
                &[error.text(Lang::En)],
                &[error.text(Lang::Zh)],
            ),
            SkipReason::OutputFolder => Words::of(Key::FdSkipOutputFolder, &[]),
            SkipReason::NotARegularFile => Words::of(Key::FdSkipNotARegularFile, &[]),
            SkipReason::TooLarge { bytes, limit } => {
                Words::of(Key::FdSkipTooLarge, &[&mb(*bytes), &mb(*limit)])
            }
        }
    }
}

/// Serialises a reason by its English text, as summary.json gives reasons.
fn english<S: serde::Serializer>(words: &Words, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(words.text(Lang::En))
}

/// A file that was not read, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: String,
    #[serde(flatten)]
    pub reason: SkipReason,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Inbox {
    pub root: PathBuf,
    /// Workbooks to read, sorted by path.
    pub files: Vec<InputFile>,
    pub skipped: Vec<Skipped>,
    /// `qbr.toml` at the root, when present.
    pub config: Option<PathBuf>,
    /// What the walk found of each workbook, for the next walk.
    pub stamps: Stamps,
    /// Workbooks whose hash came from an earlier walk's stamp, unread.
    pub unread: usize,
}

/// Walks `root` (any depth, sorted by name), reads and hashes every workbook.
///
/// `exclude` names a folder to leave out (the output folder when it lies inside
/// the inbox). A workbook whose stamp in `known` still holds ([`Stamps`]) is
/// not read: its hash is taken from the stamp.
///
/// # Errors
/// [`Error::InboxMissing`] when `root` is not a readable folder.
pub fn scan_inbox(
    root: &Path,
    exclude: Option<&Path>,
    max_file_bytes: u64,
    known: Option<&Stamps>,
) -> Result<Inbox, Error> {
    let meta = std::fs::metadata(root).map_err(|source| Error::InboxMissing {
        path: root.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(Error::InboxNotAFolder {
            path: root.to_path_buf(),
        });
    }
    let exclude = exclude.and_then(|p| p.canonicalize().ok());
    let mut inbox = Inbox {
        root: root.to_path_buf(),
        ..Inbox::default()
    };
    // Each workbook to read, with its stat from the walk and when that was taken.
    let mut candidates: Vec<(String, PathBuf, Stat)> = Vec::new();
    let mut walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| display_path(root, p))
                    .unwrap_or_default();
                inbox.skipped.push(Skipped {
                    path,
                    reason: SkipReason::Unreadable {
                        error: match err.io_error() {
                            Some(e) => Words::of_io(e),
                            None => Words::same(err.to_string()),
                        },
                    },
                });
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let rel = display_path(root, entry.path());
        if entry.file_type().is_dir() {
            if is_hidden(entry.file_name()) {
                inbox.skipped.push(Skipped {
                    path: format!("{rel}/"),
                    reason: SkipReason::Hidden,
                });
                walker.skip_current_dir();
                continue;
            }
            if let Some(ex) = &exclude
                && entry.path().canonicalize().ok().as_ref() == Some(ex)
            {
                inbox.skipped.push(Skipped {
                    path: format!("{rel}/"),
                    reason: SkipReason::OutputFolder,
                });
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.path_is_symlink() {
            inbox.skipped.push(Skipped {
                path: rel,
                reason: SkipReason::Symlink,
            });
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if entry.depth() == 1 && name == CONFIG_FILE {
            inbox.config = Some(entry.path().to_path_buf());
            continue;
        }
        if let Some(reason) = skip_by_name(&name) {
            inbox.skipped.push(Skipped { path: rel, reason });
            continue;
        }
        if !entry.file_type().is_file() {
            inbox.skipped.push(Skipped {
                path: rel,
                reason: SkipReason::NotARegularFile,
            });
            continue;
        }
        // The stat is taken before the content is read: a write in between
        // leaves a stamp that no longer matches, so the next walk reads again.
        let taken = stamps::now();
        let meta = entry.metadata().ok();
        if let Some(meta) = &meta
            && meta.len() > max_file_bytes
        {
            inbox.skipped.push(Skipped {
                path: rel,
                reason: SkipReason::TooLarge {
                    bytes: meta.len(),
                    limit: max_file_bytes,
                },
            });
            continue;
        }
        let stat = meta.as_ref().and_then(stamps::FileStat::of);
        candidates.push((rel, entry.path().to_path_buf(), stat.map(|s| (s, taken))));
    }
    // Read and hash on every core (or take the hash from a stamp that still
    // holds), then keep the first of each content in path order.
    let read: Vec<std::io::Result<Found>> = {
        use rayon::prelude::*;
        candidates
            .par_iter()
            .map(|(rel, path, stat)| Found::of(rel, path, *stat, known))
            .collect()
    };
    let mut seen: HashMap<String, String> = HashMap::new();
    for ((rel, path, _), read) in candidates.into_iter().zip(read) {
        let found = match read {
            Ok(r) => r,
            Err(e) => {
                inbox.skipped.push(Skipped {
                    path: rel,
                    reason: SkipReason::Unreadable {
                        error: Words::of_io(&e),
                    },
                });
                continue;
            }
        };
        if let Some((stat, taken)) = found.stat {
            inbox
                .stamps
                .record(rel.clone(), stat, taken, found.sha256.clone());
        }
        if let Some(original) = seen.get(&found.sha256) {
            inbox.skipped.push(Skipped {
                path: rel,
                reason: SkipReason::DuplicateOf {
                    original: original.clone(),
                },
            });
            continue;
        }
        seen.insert(found.sha256.clone(), rel.clone());
        inbox.unread += usize::from(found.content.is_none());
        inbox.files.push(InputFile {
            display_path: rel,
            path,
            size: found.size,
            sha256: found.sha256,
            content: found.content,
        });
    }
    inbox.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(inbox)
}

/// What the walk learnt of one workbook.
struct Found {
    size: u64,
    sha256: String,
    /// `None` when the hash came from a stamp.
    content: Option<Vec<u8>>,
    stat: Stat,
}

/// A file's stat from the walk and when it was taken (nanoseconds since
/// 1970), where the system gives one.
type Stat = Option<(stamps::FileStat, i128)>;

impl Found {
    /// The file at `path` (`rel` in the inbox), with its `stat` from the
    /// walk: read and hashed unless its stamp in `known` still holds.
    fn of(rel: &str, path: &Path, stat: Stat, known: Option<&Stamps>) -> std::io::Result<Found> {
        if let Some((s, _)) = stat
            && let Some(sha256) = known.and_then(|k| k.sha256(rel, &s))
        {
            return Ok(Found {
                size: s.size(),
                sha256: sha256.to_string(),
                content: None,
                stat,
            });
        }
        let bytes = std::fs::read(path)?;
        Ok(Found {
            size: bytes.len() as u64,
            sha256: hex(&Sha256::digest(&bytes)),
            content: Some(bytes),
            stat,
        })
    }
}

/// Stamps for a walk's files as if taken long after they last changed, so
/// that the next walk takes every hash from them (tests).
#[cfg(all(test, unix))]
pub(crate) fn settled_stamps(inbox: &Inbox) -> Stamps {
    let mut known = Stamps::default();
    let later = stamps::now() + 60 * 1_000_000_000;
    for f in &inbox.files {
        let stat = stamps::FileStat::of(&std::fs::metadata(&f.path).unwrap()).unwrap();
        known.record(f.display_path.clone(), stat, later, f.sha256.clone());
    }
    known
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

/// Decides from a file name alone whether to skip it.
fn skip_by_name(name: &str) -> Option<SkipReason> {
    if name.starts_with("~$") {
        return Some(SkipReason::LockFile);
    }
    if name.starts_with('.') {
        return Some(SkipReason::Hidden);
    }
    let ext = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase());
    match ext {
        Some(e) if WORKBOOK_EXTENSIONS.contains(&e.as_str()) => None,
        _ => Some(SkipReason::NotAWorkbook),
    }
}

fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Lower-case hex of bytes (for SHA-256 digests).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("~$目标.xlsx", Some(SkipReason::LockFile))]
    #[case(".DS_Store", Some(SkipReason::Hidden))]
    #[case("notes.txt", Some(SkipReason::NotAWorkbook))]
    #[case("orders.csv", None)]
    #[case("orders.tsv", Some(SkipReason::NotAWorkbook))]
    #[case("orders", Some(SkipReason::NotAWorkbook))]
    #[case("订单.XLSX", None)]
    #[case("a.xlsm", None)]
    #[case("a.xls", None)]
    #[case("a.xlsb", None)]
    #[case("a.ods", None)]
    fn skips_by_name(#[case] name: &str, #[case] expected: Option<SkipReason>) {
        assert_eq!(skip_by_name(name), expected);
    }

    #[test]
    fn walks_sorted_skips_and_dedupes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b")).unwrap();
        std::fs::create_dir_all(root.join(".hidden")).unwrap();
        std::fs::write(root.join("b/2.xlsx"), b"same").unwrap();
        std::fs::write(root.join("a.xlsx"), b"same").unwrap();
        std::fs::write(root.join("c.xls"), b"other").unwrap();
        std::fs::write(root.join("~$a.xlsx"), b"lock").unwrap();
        std::fs::write(root.join(".hidden/x.xlsx"), b"x").unwrap();
        std::fs::write(root.join("readme.txt"), b"x").unwrap();
        std::fs::write(root.join("qbr.toml"), b"").unwrap();
        let inbox = scan_inbox(root, None, u64::MAX, None).unwrap();
        let read: Vec<_> = inbox
            .files
            .iter()
            .map(|f| f.display_path.as_str())
            .collect();
        assert_eq!(read, ["a.xlsx", "c.xls"]);
        let skipped: Vec<_> = inbox
            .skipped
            .iter()
            .map(|s| (s.path.as_str(), s.reason.clone()))
            .collect();
        assert_eq!(
            skipped,
            [
                (".hidden/", SkipReason::Hidden),
                (
                    "b/2.xlsx",
                    SkipReason::DuplicateOf {
                        original: "a.xlsx".into()
                    }
                ),
                ("readme.txt", SkipReason::NotAWorkbook),
                ("~$a.xlsx", SkipReason::LockFile),
            ]
        );
        assert!(inbox.config.is_some());
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_and_dangling_links_are_skipped_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/a.xlsx"), b"a").unwrap();
        // A loop back to the inbox, and a link to nowhere.
        std::os::unix::fs::symlink(root, root.join("sub/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("gone.xlsx"), root.join("dangling.xlsx")).unwrap();
        let inbox = scan_inbox(root, None, u64::MAX, None).unwrap();
        let read: Vec<_> = inbox
            .files
            .iter()
            .map(|f| f.display_path.as_str())
            .collect();
        assert_eq!(read, ["sub/a.xlsx"]);
        let links: Vec<_> = inbox
            .skipped
            .iter()
            .filter(|s| s.reason == SkipReason::Symlink)
            .map(|s| s.path.as_str())
            .collect();
        assert_eq!(links, ["dangling.xlsx", "sub/loop"]);
    }

    #[cfg(unix)]
    #[test]
    fn pipes_and_oversized_files_are_skipped_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Reading a pipe nobody writes to would block forever.
        let fifo = root.join("pipe.xlsx");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        std::fs::write(root.join("big.xlsx"), vec![0u8; 4096]).unwrap();
        std::fs::write(root.join("ok.xlsx"), b"ok").unwrap();
        let inbox = scan_inbox(root, None, 1024, None).unwrap();
        let read: Vec<_> = inbox
            .files
            .iter()
            .map(|f| f.display_path.as_str())
            .collect();
        assert_eq!(read, ["ok.xlsx"]);
        assert!(inbox.skipped.iter().any(|s| s.path == "big.xlsx"
            && s.reason
                == SkipReason::TooLarge {
                    bytes: 4096,
                    limit: 1024
                }));
        if status.is_ok_and(|s| s.success()) {
            assert!(
                inbox
                    .skipped
                    .iter()
                    .any(|s| s.path == "pipe.xlsx" && s.reason == SkipReason::NotARegularFile)
            );
        }
    }

    #[test]
    fn missing_inbox_is_an_error() {
        let err = scan_inbox(Path::new("/definitely/not/here"), None, u64::MAX, None).unwrap_err();
        assert!(err.to_string().contains("/definitely/not/here"));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_known_by_its_stamp_is_read_only_when_asked_and_must_still_match_its_hash() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.xlsx"), b"one").unwrap();
        std::fs::write(root.join("b.xlsx"), b"two").unwrap();
        std::fs::write(root.join("c.xlsx"), b"three").unwrap();
        let first = scan_inbox(root, None, u64::MAX, None).unwrap();
        assert_eq!((first.unread, first.stamps.len()), (0, 3));
        assert_eq!(first.files[0].content(), b"one");
        let known = settled_stamps(&first);
        let second = scan_inbox(root, None, u64::MAX, Some(&known)).unwrap();
        assert_eq!(second.unread, 3);
        for (a, b) in first.files.iter().zip(&second.files) {
            assert_eq!((&a.sha256, a.size), (&b.sha256, b.size));
            assert!(b.content().is_empty(), "{} was read", b.display_path);
        }
        // Read when asked, and it is what was hashed.
        let mut a = second.files[0].clone();
        a.read_content().unwrap();
        assert_eq!(a.content(), b"one");
        // Changed since the walk: refused, not parsed as if it were the file hashed.
        std::fs::write(root.join("b.xlsx"), b"TWO").unwrap();
        let err = second.files[1].clone().read_content().unwrap_err();
        assert_eq!(err.en, "the file changed after qbr scanned the inbox");
        // Gone since the walk: the system's reason.
        std::fs::remove_file(root.join("c.xlsx")).unwrap();
        let err = second.files[2].clone().read_content().unwrap_err();
        assert_eq!(
            err.en,
            Words::of_io(&std::io::Error::from_raw_os_error(2)).en
        );
        // The next walk reads the changed file again and finds its new hash.
        let third = scan_inbox(root, None, u64::MAX, Some(&known)).unwrap();
        assert_eq!(third.unread, 1);
        assert_eq!(third.files[1].content(), b"TWO");
        assert_ne!(third.files[1].sha256, first.files[1].sha256);
    }
}
