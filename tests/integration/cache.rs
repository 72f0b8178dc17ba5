//! The parse cache: unchanged workbooks come from it, a changed one is parsed
//! again, the modification time alone changes nothing, a damaged entry is a
//! miss, entries of files gone are removed (but not those another inbox
//! sharing the folder uses), and the results never differ from a run
//! without the cache. A workbook unchanged since the last walk is not even
//! read again; a touched or changed one is.

use crate::support::{inbox, sheet, write_review};
use qbr::cache::CacheStats;
use std::path::Path;

fn orders(rows: &[&[&str]]) -> qbr::sample::sheet::SheetSpec {
    sheet(
        "明细",
        &["订单号", "日期", "客户", "产品", "金额", "销售员"],
        rows,
    )
}

fn team() -> tempfile::TempDir {
    let targets = sheet(
        "目标",
        &["期间", "维度", "单元", "目标"],
        &[
            &["2026Q3", "总计", "公司", "1000"],
            &["2026Q3", "区域", "东", "500"],
            &["2026Q3", "区域", "西", "500"],
        ],
    );
    let people = sheet(
        "人员",
        &["销售员", "小组", "区域"],
        &[&["甲", "一组", "东"], &["乙", "二组", "西"]],
    );
    inbox(&[
        ("目标.xlsx", vec![targets, people]),
        (
            "订单/七月.xlsx",
            vec![orders(&[&["S1", "2026-07-01", "A", "门锁", "300", "甲"]])],
        ),
        (
            "订单/八月.xlsx",
            vec![orders(&[&["S2", "2026-08-01", "B", "门锁", "200", "乙"]])],
        ),
    ])
}

/// Loads and checks the inbox with the cache in `cache`; the stats and summary.json.
fn run(dir: &Path, cache: Option<&Path>) -> (CacheStats, String) {
    let checked = qbr::check(&qbr::LoadOptions {
        inbox: dir.to_path_buf(),
        cache: cache.map(Path::to_path_buf),
        ..Default::default()
    })
    .unwrap();
    let (_out, _, w) = write_review(&checked, &Default::default());
    let summary = std::fs::read_to_string(w.join("summary.json")).unwrap();
    (checked.loaded.cache, summary)
}

/// The cache entries in a cache folder, sorted.
fn entries(cache: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "bin"))
        .collect();
    v.sort();
    v
}

/// Sets a file's modification time, leaving its content as it is.
fn set_modified(path: &Path, time: std::time::SystemTime) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(time).unwrap();
}

/// Sets a file's modification time `days` days back.
fn age(path: &Path, days: u64) {
    let day = std::time::Duration::from_secs(86_400);
    set_modified(path, std::time::SystemTime::now() - day * days as u32);
}

fn stats(hits: usize, misses: usize) -> CacheStats {
    CacheStats {
        hits,
        misses,
        unwritable: 0,
    }
}

#[test]
fn a_re_run_takes_every_unchanged_workbook_from_the_cache_with_the_same_results() {
    let dir = team();
    let cache = tempfile::tempdir().unwrap();
    let (_, fresh) = run(dir.path(), None);
    let (first, cold) = run(dir.path(), Some(cache.path()));
    assert_eq!(first, stats(0, 3));
    let (second, warm) = run(dir.path(), Some(cache.path()));
    assert_eq!(second, stats(3, 0));
    assert_eq!(cold, fresh);
    assert_eq!(warm, fresh, "a cached parse gives the same summary");
}

#[test]
fn touching_a_file_keeps_its_entry_and_changing_a_byte_does_not() {
    let dir = team();
    let cache = tempfile::tempdir().unwrap();
    run(dir.path(), Some(cache.path()));
    // Only the modification time: still three hits.
    let july = dir.path().join("订单/七月.xlsx");
    set_modified(
        &july,
        std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(86_400),
    );
    assert_eq!(run(dir.path(), Some(cache.path())).0, stats(3, 0));
    // New content: that file alone is parsed again, and its figures count.
    qbr::sample::sheet::write_workbook(
        &july,
        &[orders(&[&["S1", "2026-07-01", "A", "门锁", "350", "甲"]])],
        "七月",
    )
    .unwrap();
    let (s, summary) = run(dir.path(), Some(cache.path()));
    assert_eq!(s, stats(2, 1));
    assert!(
        summary.contains("\"order_amount\": \"550.00\""),
        "{summary}"
    );
    assert_eq!(summary, run(dir.path(), None).1);
}

#[test]
fn a_damaged_entry_is_a_miss_and_entries_of_removed_files_are_pruned() {
    let dir = team();
    let cache = tempfile::tempdir().unwrap();
    run(dir.path(), Some(cache.path()));
    let all = entries(cache.path());
    assert_eq!(all.len(), 3);
    std::fs::write(&all[0], b"not a cache entry").unwrap();
    let (s, summary) = run(dir.path(), Some(cache.path()));
    assert_eq!(s, stats(2, 1));
    assert_eq!(summary, run(dir.path(), None).1);
    std::fs::remove_file(dir.path().join("订单/八月.xlsx")).unwrap();
    assert_eq!(run(dir.path(), Some(cache.path())).0, stats(2, 0));
    assert_eq!(
        entries(cache.path()).len(),
        2,
        "the removed file's entry is gone"
    );
}

#[test]
fn inboxes_sharing_one_cache_folder_keep_each_others_entries_until_one_is_forgotten() {
    let (a, b) = (team(), team());
    qbr::sample::sheet::write_workbook(
        &b.path().join("订单/七月.xlsx"),
        &[orders(&[&["S1", "2026-07-01", "A", "门锁", "350", "甲"]])],
        "七月",
    )
    .unwrap();
    let cache = tempfile::tempdir().unwrap();
    assert_eq!(run(a.path(), Some(cache.path())).0, stats(0, 3));
    let first_b = run(b.path(), Some(cache.path())).0;
    assert_eq!(first_b.hits + first_b.misses, 3);
    // Each inbox's run kept what the other one uses.
    assert_eq!(run(a.path(), Some(cache.path())).0, stats(3, 0));
    assert_eq!(run(b.path(), Some(cache.path())).0, stats(3, 0));
    // An inbox not reviewed for longer than the cache remembers (30 days)
    // is forgotten: its list goes, and with it the entries only it used.
    let listed = || {
        let mut names: Vec<String> = std::fs::read_dir(cache.path().join("inboxes"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let lists = listed();
    let of_kind = |names: &[String], ext: &str| names.iter().filter(|n| n.ends_with(ext)).count();
    assert_eq!(
        of_kind(&lists, ".keys"),
        2,
        "one key list per inbox: {lists:?}"
    );
    assert_eq!(
        of_kind(&lists, ".stamps"),
        2,
        "one stamps file per inbox: {lists:?}"
    );
    for list in &lists {
        age(&cache.path().join("inboxes").join(list), 31);
    }
    run(b.path(), Some(cache.path()));
    let left = listed();
    assert_eq!(
        left.len(),
        2,
        "the list and stamps of the inbox not reviewed for 31 days are gone: {left:?}"
    );
    assert_eq!(
        left[0].strip_suffix(".keys"),
        left[1].strip_suffix(".stamps")
    );
    assert!(run(a.path(), Some(cache.path())).0.misses >= 1);
}

#[test]
fn a_temporary_file_is_removed_only_once_it_is_an_hour_old() {
    let dir = team();
    let cache = tempfile::tempdir().unwrap();
    run(dir.path(), Some(cache.path()));
    // Another run writing an entry right now leaves a fresh temporary file.
    let writing = cache.path().join(".abc.bin.4242.tmp");
    std::fs::write(&writing, b"half an entry").unwrap();
    run(dir.path(), Some(cache.path()));
    assert!(writing.exists(), "a write in progress is left alone");
    age(&writing, 1);
    run(dir.path(), Some(cache.path()));
    assert!(!writing.exists(), "a day-old leftover is removed");
}

#[test]
fn a_change_to_how_headers_are_read_parses_everything_again() {
    let dir = team();
    let cache = tempfile::tempdir().unwrap();
    run(dir.path(), Some(cache.path()));
    std::fs::write(
        dir.path().join("qbr.toml"),
        "[headers]\namount = [\"Net Sales\"]\n",
    )
    .unwrap();
    assert_eq!(run(dir.path(), Some(cache.path())).0, stats(0, 3));
}

#[test]
fn the_command_keeps_its_cache_in_the_output_folder_unless_told_otherwise() {
    let dir = team();
    let out = tempfile::tempdir().unwrap();
    let qbr = |extra: &[&str]| {
        let o = crate::support::qbr_command()
            .arg("review")
            .arg(dir.path())
            .arg("--out")
            .arg(out.path())
            .arg("-v")
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    assert!(qbr(&[]).contains("(0 workbooks from the cache, 3 parsed)"));
    assert!(out.path().join(".qbr-cache").is_dir());
    assert!(qbr(&[]).contains("(3 workbooks from the cache, 0 parsed)"));
    assert!(!qbr(&["--no-cache"]).contains("from the cache"));
}

/// Loads and checks the inbox with the cache in `cache`: the stats, how
/// many workbooks the walk did not read (known unchanged by their stamps),
/// and summary.json.
fn run_counting_unread(dir: &Path, cache: &Path) -> (CacheStats, usize, String) {
    let checked = qbr::check(&qbr::LoadOptions {
        inbox: dir.to_path_buf(),
        cache: Some(cache.to_path_buf()),
        ..Default::default()
    })
    .unwrap();
    let (_out, _, w) = write_review(&checked, &Default::default());
    let summary = std::fs::read_to_string(w.join("summary.json")).unwrap();
    (checked.loaded.cache, checked.loaded.unread, summary)
}

#[cfg(unix)]
#[test]
fn a_workbook_unchanged_since_the_last_walk_is_not_read_again_and_a_changed_or_touched_one_is() {
    let dir = team();
    let cache = tempfile::tempdir().unwrap();
    let fresh = run(dir.path(), None).1;
    // Stamps are trusted only once taken well after the file last changed.
    std::thread::sleep(qbr::inbox::stamps::SETTLED + std::time::Duration::from_millis(200));
    let first = run_counting_unread(dir.path(), cache.path());
    assert_eq!((first.0, first.1), (stats(0, 3), 0));
    let second = run_counting_unread(dir.path(), cache.path());
    assert_eq!((second.0, second.1), (stats(3, 0), 3));
    assert_eq!(
        second.2, fresh,
        "taking hashes from stamps changes no figure"
    );
    // Entries gone but stamps kept: the unread workbooks are read when they
    // must be parsed, and give the same figures.
    for entry in entries(cache.path()) {
        std::fs::remove_file(entry).unwrap();
    }
    let reparsed = run_counting_unread(dir.path(), cache.path());
    assert_eq!((reparsed.0, reparsed.1), (stats(0, 3), 3));
    assert_eq!(reparsed.2, fresh);
    // New content in July: read, hashed and parsed again.
    let july = dir.path().join("订单/七月.xlsx");
    qbr::sample::sheet::write_workbook(
        &july,
        &[orders(&[&["S1", "2026-07-01", "A", "门锁", "350", "甲"]])],
        "七月",
    )
    .unwrap();
    let third = run_counting_unread(dir.path(), cache.path());
    assert_eq!((third.0, third.1), (stats(2, 1), 2));
    assert!(
        third.2.contains("\"order_amount\": \"550.00\""),
        "{}",
        third.2
    );
    // August touched: read and hashed again, found unchanged, served by the
    // cache; July, stamped just after it changed, is read again too.
    set_modified(
        &dir.path().join("订单/八月.xlsx"),
        std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(86_400),
    );
    let fourth = run_counting_unread(dir.path(), cache.path());
    assert_eq!((fourth.0, fourth.1), (stats(3, 0), 1));
    assert_eq!(fourth.2, third.2);
}
