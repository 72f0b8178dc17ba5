//! Writes a set of rendered outputs to `OUT/<period>/`, whole or not at all.
//!
//! In: an [`OutputSet`] (every file as bytes in memory). The files are written
//! into a temporary folder beside the target and renamed into place, so a
//! reader never sees a half-written report; an earlier run's folder is
//! replaced only once the new one is complete.

use crate::error::Error;
use std::path::{Path, PathBuf};

/// Rendered files, by name relative to the period folder.
#[derive(Debug, Default, Clone)]
pub struct OutputSet {
    pub files: Vec<(String, Vec<u8>)>,
    /// Files readable by their owner only (pay data): written with mode 0600.
    pub restricted: std::collections::HashSet<String>,
}

impl OutputSet {
    /// Adds a file.
    pub fn add(&mut self, name: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.push((name.into(), bytes.into()));
    }

    /// Adds a file that only its owner may read (on Unix, mode 0600 from the
    /// moment it is created).
    pub fn add_restricted(&mut self, name: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        let name = name.into();
        self.restricted.insert(name.clone());
        self.add(name, bytes);
    }
}

/// Creates `path` with `bytes`; owner-only when `restricted`.
fn create(path: &Path, bytes: &[u8], restricted: bool) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if restricted {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = restricted;
    opts.open(path)?.write_all(bytes)
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Adds `manifest.json`: every input file with its SHA-256, size and the roles
/// of its sheets, the options, the qbr version, and every other output with
/// its SHA-256 — so a report that travelled by email can be traced to its inputs.
pub fn add_manifest(set: &mut OutputSet, loaded: &crate::Loaded, options: serde_json::Value) {
    use sha2::{Digest, Sha256};
    let inputs: Vec<serde_json::Value> = loaded
        .files
        .iter()
        .map(|f| {
            let mut roles: Vec<&str> = loaded
                .dataset
                .tables
                .iter()
                .filter(|t| t.file == f.id)
                .map(|t| t.role.key())
                .collect();
            roles.sort_unstable();
            roles.dedup();
            serde_json::json!({"path": f.display_path, "sha256": f.sha256, "size": f.size, "roles": roles, "opened": f.opened})
        })
        .collect();
    let outputs: Vec<serde_json::Value> = set
        .files
        .iter()
        .map(|(name, bytes)| {
            serde_json::json!({"path": name, "sha256": crate::inbox::hex(&Sha256::digest(bytes)), "size": bytes.len()})
        })
        .collect();
    let manifest = serde_json::json!({
        "schema": "qbr.manifest/1",
        "qbr_version": env!("CARGO_PKG_VERSION"),
        "options": options,
        "inputs": inputs,
        "outputs": outputs,
    });
    set.add(
        "manifest.json",
        serde_json::to_string_pretty(&manifest).expect("manifest serialises") + "\n",
    );
}

/// Writes `set` to `out/<folder>/` atomically and returns that folder.
///
/// # Errors
/// [`Error::Write`] naming the path that could not be created, written or renamed;
/// nothing is left half-written at the destination.
pub fn write_outputs(out: &Path, folder: &str, set: &OutputSet) -> Result<PathBuf, Error> {
    std::fs::create_dir_all(out).map_err(io(out))?;
    let dest = out.join(folder);
    let tmp = out.join(format!(".{folder}.tmp-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
    }
    std::fs::create_dir(&tmp).map_err(io(&tmp))?;
    let written = (|| {
        for (name, bytes) in &set.files {
            let path = tmp.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            create(&path, bytes, set.restricted.contains(name)).map_err(io(&path))?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    let old = out.join(format!(".{folder}.old-{}", std::process::id()));
    if dest.exists() {
        std::fs::rename(&dest, &old).map_err(io(&dest))?;
    }
    if let Err(e) = std::fs::rename(&tmp, &dest) {
        // Put the previous run back.
        let _ = std::fs::rename(&old, &dest);
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(io(&dest)(e));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(dest)
}

/// Refuses a folder that exists and holds anything: commands that create a
/// folder of files (`sample-data`, `init`) never write over the user's.
///
/// # Errors
/// [`Error::Write`] naming the folder and saying `what` is written only into an empty one.
pub fn ensure_empty_or_absent(dir: &Path, what: &str) -> Result<(), Error> {
    let occupied = dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true);
    if occupied {
        return Err(Error::Write {
            path: dir.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!(
                    "the folder is not empty; {what} is written only into an empty or new folder"
                ),
            ),
        });
    }
    Ok(())
}

/// Writes one file whole: to a temporary name beside it, then renamed into
/// place (a rename within a folder replaces the old file atomically).
///
/// # Errors
/// [`Error::Write`] naming the path; the destination is left as it was.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    if let Err(e) = std::fs::write(&tmp, bytes) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(&tmp)(e));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(path)(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_and_replaces_previous_run() {
        let dir = tempfile::tempdir().unwrap();
        let mut set = OutputSet::default();
        set.add("summary.json", "{}");
        set.add("sub/a.txt", "a");
        let dest = write_outputs(dir.path(), "2026Q3", &set).unwrap();
        assert_eq!(
            std::fs::read_to_string(dest.join("sub/a.txt")).unwrap(),
            "a"
        );
        let mut second = OutputSet::default();
        second.add("summary.json", "{\"v\":2}");
        write_outputs(dir.path(), "2026Q3", &second).unwrap();
        assert!(
            !dest.join("sub/a.txt").exists(),
            "the old run is replaced whole"
        );
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["2026Q3"], "no temporary folders are left");
    }

    #[test]
    fn unwritable_destination_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "x").unwrap();
        let e = write_outputs(&blocker, "2026Q3", &OutputSet::default()).unwrap_err();
        assert!(e.to_string().contains("file"), "{e}");
    }
}
