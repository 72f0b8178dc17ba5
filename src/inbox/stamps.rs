//! What the inbox walk remembers of each workbook between runs: its size,
//! times, inode and SHA-256, so a re-run does not read and hash again the
//! files that have not changed.
//!
//! A file's SHA-256 is taken from its stamp only when all of its size,
//! modification time, status-change time, inode and device are as recorded,
//! and the stamp was taken at least [`SETTLED`] after the file last changed.
//! The status-change time (`ctime`) is set by the system on every write,
//! rename or change of the modification time and cannot be set by users, so
//! touching or rewriting a file always sends it to be read and hashed again
//! (touching alone then finds the same hash, and the parse cache still
//! serves it). The settling margin covers file systems whose clocks tick
//! coarsely: a file changed twice within one tick, the second time after a
//! stamp was taken, would otherwise keep its times. This is the rule Git's
//! index follows for the same purpose ("racily clean" entries). A file
//! system that does not set the status-change time on writes (some FAT and
//! FUSE mounts) could hide a rewrite to the same size whose modification
//! time was set back; `--no-cache` hashes every file there.
//!
//! The stamps live in the cache folder (`inboxes/<inbox>.stamps`), written
//! whole after each walk; a missing, unreadable or foreign file only means
//! every workbook is hashed. Outside Unix, where the standard library gives
//! no status-change time, no stamp is ever trusted.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long after a file's last change a stamp must have been taken to be trusted.
pub const SETTLED: Duration = Duration::from_secs(2);

/// Bumped whenever the stamps file changes shape.
const FORMAT: u32 = 1;

/// What the system says of a file: its size, times and place on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStat {
    size: u64,
    /// Modification and status-change times, in nanoseconds since 1970.
    modified: i128,
    changed: i128,
    inode: u64,
    device: u64,
}

impl FileStat {
    /// The stat of a file from its metadata; `None` where the system gives
    /// no status-change time (then nothing is remembered).
    #[cfg(unix)]
    pub fn of(meta: &std::fs::Metadata) -> Option<FileStat> {
        use std::os::unix::fs::MetadataExt;
        let nanos = |s: i64, ns: i64| i128::from(s) * 1_000_000_000 + i128::from(ns);
        Some(FileStat {
            size: meta.size(),
            modified: nanos(meta.mtime(), meta.mtime_nsec()),
            changed: nanos(meta.ctime(), meta.ctime_nsec()),
            inode: meta.ino(),
            device: meta.dev(),
        })
    }

    /// The stat of a file from its metadata; `None` where the system gives
    /// no status-change time (then nothing is remembered).
    #[cfg(not(unix))]
    pub fn of(_meta: &std::fs::Metadata) -> Option<FileStat> {
        None
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }
}

/// One file's stamp: its stat, when the stat was taken, and its SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stamp {
    stat: FileStat,
    taken: i128,
    sha256: String,
}

impl Stamp {
    /// True when the file had stopped changing [`SETTLED`] before the stat was taken.
    fn settled(&self) -> bool {
        let margin = SETTLED.as_nanos() as i128;
        self.stat.modified.max(self.stat.changed) + margin <= self.taken
    }
}

/// The stamps of an inbox's workbooks, by path relative to the inbox.
#[derive(Debug, Default, Clone)]
pub struct Stamps {
    files: HashMap<String, Stamp>,
}

/// The stamps as stored: the format first, so another build's file is no stamps.
#[derive(Serialize, Deserialize)]
struct Stored<Files> {
    format: u32,
    files: Files,
}

/// Now, in nanoseconds since 1970 (0 for a clock set before it).
pub fn now() -> i128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

impl Stamps {
    /// The stamps stored at `path`; none when there is no such file or it
    /// does not decode as this format.
    pub fn load(path: &Path) -> Stamps {
        let stored = std::fs::read(path)
            .ok()
            .and_then(|bytes| postcard::from_bytes::<Stored<HashMap<String, Stamp>>>(&bytes).ok());
        match stored {
            Some(s) if s.format == FORMAT => Stamps { files: s.files },
            _ => Stamps::default(),
        }
    }

    /// The bytes to store.
    pub fn to_bytes(&self) -> Vec<u8> {
        let stored = Stored {
            format: FORMAT,
            files: &self.files,
        };
        postcard::to_allocvec(&stored).unwrap_or_default()
    }

    /// The SHA-256 recorded for `path`, when its stamp is settled and the
    /// file's stat is still the one recorded.
    pub fn sha256(&self, path: &str, stat: &FileStat) -> Option<&str> {
        let stamp = self.files.get(path)?;
        (stamp.settled() && stamp.stat == *stat).then_some(stamp.sha256.as_str())
    }

    /// Records what a walk found of `path`: its stat, taken at `taken`
    /// (nanoseconds since 1970) before its content was read, and the
    /// content's SHA-256.
    pub fn record(&mut self, path: String, stat: FileStat, taken: i128, sha256: String) {
        self.files.insert(
            path,
            Stamp {
                stat,
                taken,
                sha256,
            },
        );
    }

    /// The number of files stamped.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file is stamped.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn stat_of(path: &Path) -> FileStat {
        FileStat::of(&std::fs::metadata(path).unwrap()).unwrap()
    }

    /// A folder holding `a.xlsx`, the file's path and its stat.
    fn one_file() -> (tempfile::TempDir, std::path::PathBuf, FileStat) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.xlsx");
        std::fs::write(&path, b"one").unwrap();
        let stat = stat_of(&path);
        (dir, path, stat)
    }

    const SECOND: i128 = 1_000_000_000;

    #[test]
    fn a_settled_stamp_gives_its_hash_while_the_file_is_unchanged() {
        let (dir, _path, stat) = one_file();
        let mut stamps = Stamps::default();
        stamps.record(
            "a.xlsx".into(),
            stat,
            stat.changed + 3 * SECOND,
            "h1".into(),
        );
        assert_eq!(stamps.sha256("a.xlsx", &stat), Some("h1"));
        assert_eq!(stamps.sha256("b.xlsx", &stat), None);
        // Stored and loaded back, the same.
        let file = dir.path().join("x.stamps");
        std::fs::write(&file, stamps.to_bytes()).unwrap();
        assert_eq!(Stamps::load(&file).sha256("a.xlsx", &stat), Some("h1"));
    }

    #[test]
    fn a_stamp_taken_while_the_file_may_still_change_is_not_trusted() {
        let (_dir, _path, stat) = one_file();
        let mut stamps = Stamps::default();
        stamps.record("a.xlsx".into(), stat, stat.changed + SECOND, "h1".into());
        assert_eq!(stamps.sha256("a.xlsx", &stat), None);
    }

    #[test]
    fn rewriting_touching_or_replacing_a_file_voids_its_stamp() {
        let (_dir, path, before) = one_file();
        let mut stamps = Stamps::default();
        let taken = before.changed + 3 * SECOND;
        stamps.record("a.xlsx".into(), before, taken, "h1".into());
        // The same size and modification time, a later status change (as
        // any write, touch or rename makes): not trusted.
        let rewritten = FileStat {
            changed: before.changed + 1,
            ..before
        };
        assert_eq!(stamps.sha256("a.xlsx", &rewritten), None);
        let touched = FileStat {
            modified: before.modified + SECOND,
            ..before
        };
        assert_eq!(stamps.sha256("a.xlsx", &touched), None);
        let replaced = FileStat {
            inode: before.inode + 1,
            ..before
        };
        assert_eq!(stamps.sha256("a.xlsx", &replaced), None);
        let grown = FileStat {
            size: before.size + 1,
            ..before
        };
        assert_eq!(stamps.sha256("a.xlsx", &grown), None);
        // A real rewrite changes the stat the system reports.
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&path, b"two").unwrap();
        assert_eq!(stamps.sha256("a.xlsx", &stat_of(&path)), None);
    }

    #[test]
    fn a_foreign_or_broken_stamps_file_is_no_stamps() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.stamps");
        assert!(Stamps::load(&file).is_empty());
        std::fs::write(&file, b"\xff\xff\xff not postcard").unwrap();
        assert!(Stamps::load(&file).is_empty());
        let mut other = Stamps::default();
        let stat = FileStat {
            size: 1,
            modified: 0,
            changed: 0,
            inode: 1,
            device: 1,
        };
        other.record("a.xlsx".into(), stat, 10 * SECOND, "h1".into());
        let foreign = Stored {
            format: FORMAT + 1,
            files: &other.files,
        };
        std::fs::write(&file, postcard::to_allocvec(&foreign).unwrap()).unwrap();
        assert!(Stamps::load(&file).is_empty());
    }
}
