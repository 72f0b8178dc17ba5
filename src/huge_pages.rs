//! Transparent huge pages for the heap, on Linux with glibc.
//!
//! A review builds a few hundred bytes of records per order line, so a run
//! asks the kernel for hundreds of megabytes (gigabytes at ten million
//! lines), and the kernel hands them out and clears them 4 KiB at a time.
//! On kernels that give 2 MiB pages only to memory that asks for them (the
//! `madvise` setting of `/sys/kernel/mm/transparent_hugepage/enabled`, the
//! default of Debian and Ubuntu), glibc asks for its heap when started with
//! the tunable `glibc.malloc.hugetlb=1` (glibc 2.35 and later; older ones
//! ignore it). glibc reads tunables only when a process starts, so `qbr`
//! restarts itself once, at its first line, with that tunable added to
//! `GLIBC_TUNABLES`. docs/performance.md has what that changes (the tenth
//! session's results).
//!
//! The restarted process carries [`RESTARTED`] in its environment and never
//! restarts again. Nothing happens when `GLIBC_TUNABLES` already names the
//! tunable (so `GLIBC_TUNABLES=glibc.malloc.hugetlb=0` turns this off), when
//! the kernel gives huge pages to all memory or to none, or when the restart
//! fails (the run then goes on as it is).

/// The glibc tunable that backs the heap with transparent huge pages; when
/// `GLIBC_TUNABLES` names it, the user has chosen and nothing is added.
///
/// Growing the heap in 64 MiB steps as well (`glibc.malloc.top_pad`) made a
/// re-run at a million lines 1.2× as fast again, but a cold run 5% slower
/// and a re-run at ten million lines 1.2–1.4× as slow (docs/performance.md),
/// so it is not added.
pub const TUNABLE: &str = "glibc.malloc.hugetlb";

/// The `GLIBC_TUNABLES` value to restart with, given its value now and the
/// content of `/sys/kernel/mm/transparent_hugepage/enabled`; `None` when a
/// restart would not change anything or [`TUNABLE`] is already chosen.
pub fn tunables_with_huge_pages(current: Option<&str>, thp_enabled: &str) -> Option<String> {
    // The kernel's setting is the bracketed word, as in "always [madvise] never".
    let mode = thp_enabled.split_once('[')?.1.split_once(']')?.0;
    if mode != "madvise" {
        return None;
    }
    let current = current.map(str::trim).filter(|c| !c.is_empty());
    let named = |t: &str| t.split_once('=').map_or(t, |(name, _)| name).trim() == TUNABLE;
    if current.is_some_and(|c| c.split(':').any(named)) {
        return None;
    }
    Some(match current {
        Some(c) => format!("{c}:{TUNABLE}=1"),
        None => format!("{TUNABLE}=1"),
    })
}

/// Set in the environment of the restarted process, so that it never
/// restarts again, whatever a glibc does with `GLIBC_TUNABLES` once read.
pub const RESTARTED: &str = "QBR_RESTARTED_FOR_HUGE_PAGES";

/// Restarts `qbr` with huge pages asked for, when [`tunables_with_huge_pages`]
/// says so; returns when it does not, or when the restart fails.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn restart_with_huge_pages() {
    use std::os::unix::process::CommandExt;
    if std::env::var_os(RESTARTED).is_some() {
        return;
    }
    let Ok(thp) = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled") else {
        return;
    };
    let current = std::env::var_os("GLIBC_TUNABLES");
    let current = match current.as_ref().map(|c| c.to_str()) {
        // A value that is not text is the user's to keep.
        Some(None) => return,
        Some(Some(c)) => Some(c),
        None => None,
    };
    let Some(tunables) = tunables_with_huge_pages(current, &thp) else {
        return;
    };
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut args = std::env::args_os();
    let mut command = std::process::Command::new(exe);
    if let Some(arg0) = args.next() {
        command.arg0(arg0);
    }
    // `exec` returns only when it failed: the run goes on in this process.
    let _ = (command.args(args))
        .env("GLIBC_TUNABLES", tunables)
        .env(RESTARTED, "1")
        .exec();
}

/// Elsewhere there is nothing to restart for.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn restart_with_huge_pages() {}

#[cfg(test)]
mod tests {
    use super::*;

    const MADVISE: &str = "always [madvise] never\n";

    #[test]
    fn the_tunable_is_added_only_where_the_kernel_waits_to_be_asked() {
        assert_eq!(
            tunables_with_huge_pages(None, MADVISE).as_deref(),
            Some("glibc.malloc.hugetlb=1")
        );
        assert_eq!(
            tunables_with_huge_pages(None, "[always] madvise never\n"),
            None
        );
        assert_eq!(
            tunables_with_huge_pages(None, "always madvise [never]\n"),
            None
        );
        // An unreadable or unexpected setting: nothing to do.
        assert_eq!(tunables_with_huge_pages(None, ""), None);
        assert_eq!(tunables_with_huge_pages(None, "madvise"), None);
    }

    #[test]
    fn tunables_already_set_are_kept_and_a_choice_of_this_one_is_respected() {
        assert_eq!(
            tunables_with_huge_pages(Some("glibc.malloc.arena_max=2"), MADVISE).as_deref(),
            Some("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1")
        );
        assert_eq!(
            tunables_with_huge_pages(Some(""), MADVISE).as_deref(),
            Some("glibc.malloc.hugetlb=1")
        );
        for chosen in [
            "glibc.malloc.hugetlb=0",
            "glibc.malloc.hugetlb=1",
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2",
        ] {
            assert_eq!(
                tunables_with_huge_pages(Some(chosen), MADVISE),
                None,
                "{chosen}"
            );
        }
        // A tunable whose name only starts the same is another one.
        assert_eq!(
            tunables_with_huge_pages(Some("glibc.malloc.hugetlbx=1"), MADVISE).as_deref(),
            Some("glibc.malloc.hugetlbx=1:glibc.malloc.hugetlb=1")
        );
    }
}
