//! `qbr watch`: re-run the review whenever the inbox changes.
//!
//! Events from the file system (notify) are debounced: a run starts once no
//! event has arrived for the debounce interval and every changed file has
//! stopped growing (its size and modification time are the same twice, half a
//! second apart), so a file still being copied does not trigger a review of a
//! half-written workbook. Lock files, hidden files and the output folder are
//! ignored. Each run is logged with its trigger and outcome; a failed run
//! (a bad or locked file, errors in the data) is logged and watching goes on.

use crate::error::{Error, Exit};
use crate::i18n::{Key, Lang};
use notify::{RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// Whether a changed path can matter to the review.
fn relevant(path: &Path, out: &Path) -> bool {
    if path.starts_with(out) {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    !(name.starts_with('.') || name.starts_with("~$") || name.is_empty())
}

/// Size and modification time of each path (missing files included as `None`).
fn fingerprint(paths: &BTreeSet<PathBuf>) -> Vec<Option<(u64, std::time::SystemTime)>> {
    paths
        .iter()
        .map(|p| {
            std::fs::metadata(p)
                .ok()
                .and_then(|m| Some((m.len(), m.modified().ok()?)))
        })
        .collect()
}

fn log(line: &str) {
    let now = chrono::Local::now().format("%Y-%m-%d %H:%M:%S");
    println!("[{now}] {line}");
    let _ = std::io::stdout().flush();
}

/// Watches `inbox` and calls `run` (with the changed files' names) at start
/// and after each settled change. Returns only when the watcher itself fails.
///
/// # Errors
/// [`Error::InboxMissing`] when the inbox cannot be watched.
pub fn watch<F>(
    lang: Lang,
    inbox: &Path,
    out: &Path,
    debounce: Duration,
    mut run: F,
) -> Result<Exit, Error>
where
    F: FnMut(&str) -> Result<String, String>,
{
    let inbox_abs = inbox.canonicalize().map_err(|source| Error::InboxMissing {
        path: inbox.to_path_buf(),
        source,
    })?;
    let out_abs = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let out_abs = out_abs.canonicalize().unwrap_or(out_abs);
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Content changes only: qbr's own reading of the files (access
        // events) and attribute changes must not trigger another run.
        use notify::EventKind::{Access, Create, Modify, Remove};
        use notify::event::{AccessKind, AccessMode, ModifyKind};
        if let Ok(e) = event
            && matches!(
                e.kind,
                Create(_)
                    | Remove(_)
                    | Modify(ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any)
                    | Access(AccessKind::Close(AccessMode::Write))
            )
        {
            let _ = tx.send(e.paths);
        }
    })
    .map_err(|e| Error::InboxMissing {
        path: inbox.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    watcher
        .watch(&inbox_abs, RecursiveMode::Recursive)
        .map_err(|e| Error::InboxMissing {
            path: inbox.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        })?;
    log(&lang.fill(
        Key::MsgWatching,
        &[
            &inbox.display().to_string(),
            &debounce.as_millis().to_string(),
            &out.display().to_string(),
        ],
    ));
    let mut runs = 0usize;
    let mut outcome = |trigger: &str, runs: &mut usize| {
        *runs += 1;
        let (key, text) = match run(trigger) {
            Ok(msg) => (Key::MsgRunOk, msg),
            Err(e) => (Key::MsgRunFailed, e),
        };
        log(&lang.fill(key, &[&runs.to_string(), trigger, &text]));
    };
    outcome(lang.t(Key::MsgWatchStart), &mut runs);
    while let Ok(first) = rx.recv() {
        let mut changed: BTreeSet<PathBuf> = first
            .into_iter()
            .filter(|p| relevant(p, &out_abs))
            .collect();
        // Quiet for the debounce interval, and every changed file settled.
        loop {
            match rx.recv_timeout(debounce) {
                Ok(paths) => changed.extend(paths.into_iter().filter(|p| relevant(p, &out_abs))),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let before = fingerprint(&changed);
                    std::thread::sleep(Duration::from_millis(500));
                    if fingerprint(&changed) == before && rx.try_recv().is_err() {
                        break;
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(Exit::Internal),
            }
        }
        if changed.is_empty() {
            continue;
        }
        let names: Vec<String> = changed
            .iter()
            .map(|p| {
                p.strip_prefix(&inbox_abs)
                    .unwrap_or(p)
                    .display()
                    .to_string()
            })
            .collect();
        outcome(&lang.join(&names), &mut runs);
    }
    Ok(Exit::Internal)
}
