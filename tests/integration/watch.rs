//! `qbr watch`: a run at start, a run within a bounded wait after a new file
//! lands, none while a file is still being written, and it keeps watching
//! after a bad file.

use qbr::sample::sheet::{SheetSpec, workbook_bytes};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Watcher {
    child: std::process::Child,
    lines: mpsc::Receiver<String>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Watcher {
    /// `qbr watch INBOX --out OUT` with a one-second debounce, its log lines
    /// read as they come; `glibc_tunables` sets `GLIBC_TUNABLES` (`None`:
    /// unset).
    fn start(inbox: &Path, out: &Path, glibc_tunables: Option<&str>) -> Watcher {
        let mut command = crate::support::qbr_command();
        command.env_remove("GLIBC_TUNABLES");
        if let Some(t) = glibc_tunables {
            command.env("GLIBC_TUNABLES", t);
        }
        let mut child = command
            .args([
                "watch",
                inbox.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .args(["--debounce-ms", "1000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Watcher { child, lines: rx }
    }

    /// The next log line containing `needle`, within `limit`.
    fn expect(&self, needle: &str, limit: Duration) -> String {
        let end = Instant::now() + limit;
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(l) if l.contains(needle) => return l,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("no log line with `{needle}` within {limit:?}");
    }

    /// Every line logged within `wait`.
    fn drain(&self, wait: Duration) -> Vec<String> {
        let end = Instant::now() + wait;
        let mut out = Vec::new();
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(l) => out.push(l),
                Err(_) => break,
            }
        }
        out
    }
}

fn orders(id: &str, amount: i64) -> Vec<u8> {
    let mut o = SheetSpec::new(
        "明细",
        &["订单号", "日期", "客户", "产品", "金额", "销售员"],
    );
    for i in 0..400 {
        o.row(vec![
            format!("{id}-{i}").into(),
            "2026-08-01".into(),
            format!("客户{i}").into(),
            "门锁".into(),
            amount.into(),
            "甲".into(),
        ]);
    }
    workbook_bytes(&[o], id).unwrap()
}

#[test]
fn watch_runs_on_new_files_only_once_they_are_whole() {
    let inbox = crate::support::two_region_inbox(["华东", "华南"]);
    let out = tempfile::tempdir().unwrap();
    let w = Watcher::start(inbox.path(), out.path(), None);
    w.expect("run 1 (start): ok", Duration::from_secs(30));

    // A file written in pieces, each within the debounce: no run until it is whole.
    let bytes = orders("N", 10);
    let path = inbox.path().join("新订单.xlsx");
    let mut f = std::fs::File::create(&path).unwrap();
    for chunk in bytes.chunks(bytes.len() / 8 + 1) {
        f.write_all(chunk).unwrap();
        f.flush().unwrap();
        std::thread::sleep(Duration::from_millis(300));
        let early = w.drain(Duration::from_millis(1));
        assert!(
            early.iter().all(|l| !l.contains("run 2")),
            "ran on a half-written file: {early:?}"
        );
    }
    drop(f);
    let started = Instant::now();
    let line = w.expect("run 2", Duration::from_secs(20));
    assert!(
        line.contains("新订单.xlsx") && line.contains(": ok"),
        "{line}"
    );
    assert!(line.contains("(402 order lines in the period"), "{line}");
    assert!(started.elapsed() < Duration::from_secs(20));

    // A bad file: the run fails and says why; watching goes on.
    std::fs::write(inbox.path().join("坏.xlsx"), b"not a workbook").unwrap();
    let line = w.expect("run 3", Duration::from_secs(20));
    assert!(
        line.contains("failed") && line.contains("坏.xlsx"),
        "{line}"
    );
    std::fs::remove_file(inbox.path().join("坏.xlsx")).unwrap();
    let line = w.expect("run 4", Duration::from_secs(20));
    assert!(line.contains(": ok"), "{line}");
}

/// `qbr` restarts itself so that glibc backs its heap with huge pages
/// (`src/huge_pages.rs`) where the kernel gives them only to memory that
/// asks (`[madvise]`), and nowhere else; a user's own choice of the tunable
/// is kept. The running watcher's environment says which it got.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn qbr_asks_for_huge_pages_only_where_it_helps_and_not_told_otherwise() {
    let Ok(thp) = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled") else {
        eprintln!("skipped: this kernel has no transparent huge pages");
        return;
    };
    let asks = thp.contains("[madvise]");
    let inbox = crate::support::two_region_inbox(["华东", "华南"]);
    for (given, huge_pages) in [(None, asks), (Some("glibc.malloc.hugetlb=0"), false)] {
        let out = tempfile::tempdir().unwrap();
        let w = Watcher::start(inbox.path(), out.path(), given);
        // Logged once the process runs what it restarted into.
        w.expect("run 1 (start): ok", Duration::from_secs(30));
        let environ = std::fs::read(format!("/proc/{}/environ", w.child.id())).unwrap();
        let var = |name: &str| {
            (environ.split(|&b| b == 0))
                .filter_map(|v| v.strip_prefix(format!("{name}=").as_bytes()))
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .next()
        };
        let tunables = var("GLIBC_TUNABLES");
        // Restarted once, and marked so that it never restarts again.
        assert_eq!(
            var(qbr::huge_pages::RESTARTED).is_some(),
            huge_pages,
            "{given:?}"
        );
        let asked = tunables
            .as_deref()
            .is_some_and(|t| t.contains("glibc.malloc.hugetlb=1"));
        assert_eq!(
            asked,
            huge_pages,
            "{given:?} on `{}`: {tunables:?}",
            thp.trim()
        );
        if let Some(g) = given {
            assert!(tunables.is_some_and(|t| t.contains(g)), "{g} was not kept");
        }
    }
}
