//! # qbr — quarterly business review from the workbooks sales teams already keep
//!
//! The pipeline, one module per stage:
//!
//! 1. [`config`] reads `qbr.toml` (optional) into a [`config::Config`].
//! 2. [`inbox`] walks the inbox folder and loads every workbook's bytes,
//!    skipping lock files, hidden files, non-workbooks and byte-identical copies.
//! 3. [`read`] opens each workbook with calamine into [`read::SheetGrid`]s whose
//!    cells are addressed by absolute position.
//! 4. [`recognize`] finds each sheet's header row and role (Targets, Orders,
//!    masters, Activities) from the headers alone.
//! 5. [`records`] turns cells into typed records that remember their cell;
//!    bad cells reject their row with a diagnostic, never a silent zero.
//!    [`cache`] keeps each workbook's records, keyed by its content, so a
//!    re-run reads only what changed. Steps 3–5 run per workbook, in parallel
//!    ([`load`]).
//! 6. [`tree`] builds the quarter's target tree; [`ledger`] removes duplicate
//!    order lines and attributes every line to a unit of every dimension
//!    (customer lifecycle, product class, region → group → person, month).
//! 7. [`validate`] runs the decomposition and data rules ([`check`]).
//! 8. [`analyze`] computes the review — completion, short boards, ranking,
//!    pace, trend, customer KPIs — with [`actuals`] for figures of any unit in
//!    any quarter, exact by [`money`]; [`next`] turns it into next quarter's
//!    suggestions and targets, [`incentives`] into the bonus preview.
//! 9. [`render`] writes summary.json, the workbooks, the HTML report and the
//!    email body in the users' language ([`i18n`]); [`split`] cuts per-team
//!    reports; [`output`] writes them whole or not at all, with a manifest
//!    ([`write_review`]); [`email`] delivers them.
//!
//! Every stage pushes problems in the data into a shared [`diag::Diagnostics`];
//! only what makes a run impossible is an [`error::Error`]. Beside the review:
//! [`inspect`] renders what was read for `qbr inspect`, [`plan`] decomposes a
//! total top-down (`qbr plan`), [`proposals`] sets bottom-up proposals beside
//! it, [`init`] writes blank workbooks, [`watch`] re-runs on changes, and
//! [`sample`] generates the sample inbox. [`cli`] defines the command line
//! and [`app`] runs each command for the `qbr` binary, the one module that
//! talks to the terminal; before it, [`huge_pages`] may restart the binary
//! once so that glibc backs the heap with huge pages.

pub mod actuals;
pub mod analyze;
pub mod app;
pub mod cache;
pub mod calendar;
pub mod cli;
pub mod config;
pub mod diag;
pub mod email;
pub mod error;
pub mod huge_pages;
pub mod i18n;
pub mod inbox;
pub mod incentives;
pub mod init;
pub mod inspect;
pub mod ledger;
pub mod money;
pub mod next;
pub mod output;
pub mod plan;
pub mod proposals;
pub mod read;
pub mod recognize;
pub mod records;
pub mod render;
pub mod sample;
pub mod split;
pub mod text;
pub mod tree;
pub mod validate;
pub mod watch;

use config::Config;
use diag::{Diagnostics, Sources};
use error::Error;
use inbox::Skipped;
use recognize::{HeaderDictionary, Unrecognized};
use records::Dataset;
use std::path::PathBuf;

/// What to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub inbox: PathBuf,
    /// A `qbr.toml` elsewhere than the inbox root.
    pub config: Option<PathBuf>,
    /// A folder inside the inbox to leave out (the output folder).
    pub exclude: Option<PathBuf>,
    /// `--period`: overrides `qbr.toml` and the targets.
    pub period: Option<calendar::Period>,
    /// `--as-of`: the period's lines dated after it are named (`order.after_as_of`).
    pub as_of: Option<chrono::NaiveDate>,
    /// Counts the workbooks read, for a progress display.
    pub progress: Option<std::sync::Arc<Progress>>,
    /// A folder caching parsed workbooks by content hash (`OUT/.qbr-cache`):
    /// unchanged workbooks are not parsed again.
    pub cache: Option<PathBuf>,
}

/// How far reading the inbox has got: workbooks done of the total, updated
/// from the reading threads; a display polls it.
#[derive(Debug, Default)]
pub struct Progress {
    pub total: std::sync::atomic::AtomicUsize,
    pub done: std::sync::atomic::AtomicUsize,
    /// Set once every workbook has been read.
    pub finished: std::sync::atomic::AtomicBool,
}

/// One workbook that was read (or could not be).
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub id: diag::FileId,
    pub display_path: String,
    pub sha256: String,
    pub size: u64,
    /// False when the workbook could not be opened at all.
    pub opened: bool,
}

/// Everything the input layer produced.
#[derive(Debug, Default)]
pub struct Loaded {
    pub root: PathBuf,
    pub config: Config,
    /// The qbr.toml that was read, if any.
    pub config_path: Option<PathBuf>,
    pub sources: Sources,
    pub files: Vec<LoadedFile>,
    pub skipped: Vec<Skipped>,
    pub dataset: Dataset,
    pub unrecognized: Vec<Unrecognized>,
    pub diagnostics: Diagnostics,
    /// How the cache served this load (zeros without one).
    pub cache: cache::CacheStats,
    /// How long finding, reading and hashing the files took, before parsing.
    pub scan_time: std::time::Duration,
    /// Workbooks the walk did not read because their stamps showed them
    /// unchanged since the last run ([`inbox::Stamps`]).
    pub unread: usize,
}

impl Loaded {
    /// The exit code this input deserves: 2 when something could not be read,
    /// 1 when the data has errors, 0 otherwise.
    pub fn exit(&self) -> error::Exit {
        if self.has_unreadable() {
            error::Exit::Unreadable
        } else if self.diagnostics.has_errors() {
            error::Exit::DataErrors
        } else {
            error::Exit::Clean
        }
    }

    /// True when some workbook or file in the inbox could not be opened or read.
    pub fn has_unreadable(&self) -> bool {
        self.files.iter().any(|f| !f.opened)
            || self
                .skipped
                .iter()
                .any(|s| matches!(s.reason, inbox::SkipReason::Unreadable { .. }))
    }
}

/// What one workbook yielded.
struct FileLoad {
    file: LoadedFile,
    sheet_names: Option<Vec<String>>,
    diagnostics: Diagnostics,
    unrecognized: Vec<Unrecognized>,
    dataset: Dataset,
}

impl FileLoad {
    /// A workbook whose content could not be read after the walk: no sheet,
    /// no record, and the reason.
    fn unread(id: diag::FileId, input: inbox::InputFile, why: diag::Words) -> FileLoad {
        let mut diagnostics = Diagnostics::default();
        diagnostics.push(read::unread(id, why));
        FileLoad {
            file: LoadedFile::of(id, input, false),
            sheet_names: None,
            diagnostics,
            unrecognized: Vec::new(),
            dataset: Dataset::default(),
        }
    }
}

impl LoadedFile {
    /// The record of a workbook read from `input` (whose bytes are dropped here).
    fn of(id: diag::FileId, input: inbox::InputFile, opened: bool) -> LoadedFile {
        LoadedFile {
            id,
            display_path: input.display_path,
            sha256: input.sha256,
            size: input.size,
            opened,
        }
    }
}

/// Reads one workbook: open, recognise every sheet, type its rows. The bytes
/// are dropped as soon as the sheets are read.
fn load_file(
    id: diag::FileId,
    mut input: inbox::InputFile,
    dict: &HeaderDictionary,
    limits: &config::Limits,
) -> FileLoad {
    if let Err(why) = input.read_content() {
        return FileLoad::unread(id, input, why);
    }
    let mut diagnostics = Diagnostics::default();
    let mut read = Diagnostics::default();
    let mut dataset = Dataset::default();
    let mut unrecognized = Vec::new();
    let sheet_names = read::read_workbook(id, &input, limits, &mut diagnostics, &mut |grid| {
        match recognize::recognize_sheet(grid, dict, &mut read) {
            Ok(table) => dataset.read_table(table, grid, &mut read),
            Err(u) => unrecognized.push(u),
        }
    });
    if sheet_names.is_some() {
        diagnostics.extend(read);
    } else {
        // The reader gave up part-way: nothing of the workbook counts.
        dataset = Dataset::default();
        unrecognized.clear();
    }
    let file = LoadedFile::of(id, input, sheet_names.is_some());
    FileLoad {
        file,
        sheet_names,
        diagnostics,
        unrecognized,
        dataset,
    }
}

/// [`load_file`] through the cache: an unchanged workbook's parse is taken
/// from it; a new or changed one is parsed and stored.
fn load_file_cached(
    cache: &cache::Cache,
    key: &str,
    id: diag::FileId,
    mut input: inbox::InputFile,
    dict: &HeaderDictionary,
    limits: &config::Limits,
) -> FileLoad {
    if let Some(parsed) = cache.get(key, id) {
        return FileLoad {
            file: LoadedFile::of(id, input, parsed.opened),
            sheet_names: parsed.sheet_names,
            diagnostics: parsed.diagnostics,
            unrecognized: parsed.unrecognized,
            dataset: parsed.dataset,
        };
    }
    // A workbook that cannot be read now (changed or gone since the walk
    // hashed it) is not parsed, and nothing is stored under its old hash.
    if let Err(why) = input.read_content() {
        return FileLoad::unread(id, input, why);
    }
    let load = load_file(id, input, dict, limits);
    cache.put(
        key,
        cache::ParsedRef {
            opened: load.file.opened,
            sheet_names: &load.sheet_names,
            diagnostics: &load.diagnostics,
            unrecognized: &load.unrecognized,
            dataset: &load.dataset,
        },
    );
    load
}

/// Reads one workbook from its bytes through the whole input layer (format
/// sniffing, reading, header recognition, typing) with the default
/// configuration; `name` gives the extension. Used by the fuzz targets: it
/// must return, never panic, whatever the bytes.
pub fn read_workbook_bytes(name: &str, bytes: Vec<u8>) -> (Dataset, Diagnostics) {
    let config = Config::default();
    let dict = HeaderDictionary::new(&config);
    let input = inbox::InputFile::with_content(name, name, bytes);
    let load = load_file(diag::FileId(0), input, &dict, &config.limits);
    (load.dataset, load.diagnostics)
}

/// Runs the input layer over an inbox: walk, read, recognise, type.
///
/// # Errors
/// A missing or unreadable inbox, or a `qbr.toml` that will not parse.
pub fn load(opts: &LoadOptions) -> Result<Loaded, Error> {
    // The configuration first: its limits bound what the walk reads.
    let root_config = opts.inbox.join(inbox::CONFIG_FILE);
    let config_path = opts
        .config
        .clone()
        .or_else(|| root_config.is_file().then_some(root_config));
    let mut config = Config::load(config_path.as_deref())?;
    let scan_started = std::time::Instant::now();
    // With a cache folder, workbooks unchanged since the last walk (by their
    // stamps) are not read and hashed again.
    let stamps_path = opts
        .cache
        .as_deref()
        .map(|dir| cache::stamps_path(dir, &opts.inbox));
    let known = stamps_path.as_deref().map(inbox::Stamps::load);
    let inbox = inbox::scan_inbox(
        &opts.inbox,
        opts.exclude.as_deref(),
        config.limits.max_unpacked_bytes,
        known.as_ref(),
    )?;
    if let Some(path) = &stamps_path {
        cache::store_stamps(path, &inbox.stamps);
    }
    if opts.period.is_some() {
        config.period = opts.period;
    }
    let dict = HeaderDictionary::new(&config);
    let mut loaded = Loaded {
        root: opts.inbox.clone(),
        scan_time: scan_started.elapsed(),
        unread: inbox.unread,
        ..Loaded::default()
    };
    for skipped in &inbox.skipped {
        let id = loaded.sources.add_file(skipped.path.clone());
        let code = match skipped.reason {
            inbox::SkipReason::DuplicateOf { .. } => diag::Code::InboxDuplicateFile,
            inbox::SkipReason::Unreadable { .. } => diag::Code::InboxUnreadable,
            _ => diag::Code::InboxSkippedFile,
        };
        let why = skipped.reason.words();
        loaded.diagnostics.push(diag::Diagnostic::worded(
            code,
            Some(diag::Location::File(id)),
            diag::Words::each(i18n::Key::FdSkipped, &[&why.en], &[&why.zh]),
        ));
    }
    loaded.skipped = inbox.skipped;
    // Each workbook is read, recognised and typed on its own, in parallel; the
    // results are merged in path order so every output stays deterministic.
    let ids: Vec<diag::FileId> = inbox
        .files
        .iter()
        .map(|f| loaded.sources.add_file(f.display_path.clone()))
        .collect();
    use std::sync::atomic::Ordering::{Relaxed, Release};
    if let Some(p) = &opts.progress {
        p.total.store(inbox.files.len(), Relaxed);
    }
    let mut cache = opts
        .cache
        .as_deref()
        .map(|dir| cache::Cache::new(dir, &config));
    // Every file's entry key, registered before any entry is read.
    let keys: Vec<Option<String>> = inbox
        .files
        .iter()
        .map(|f| Some(cache.as_ref()?.key(&f.file_name(), &f.sha256)))
        .collect();
    if let Some(c) = &mut cache {
        c.register(
            &opts.inbox,
            &keys.iter().flatten().cloned().collect::<Vec<_>>(),
        );
    }
    let results: Vec<FileLoad> = {
        use rayon::prelude::*;
        inbox
            .files
            .into_par_iter()
            .zip(ids)
            .zip(keys)
            .map(|((input, id), key)| {
                let load = match (&cache, key) {
                    (Some(c), Some(key)) => {
                        load_file_cached(c, &key, id, input, &dict, &config.limits)
                    }
                    _ => load_file(id, input, &dict, &config.limits),
                };
                if let Some(p) = &opts.progress {
                    p.done.fetch_add(1, Relaxed);
                }
                load
            })
            .collect()
    };
    if let Some(p) = &opts.progress {
        p.finished.store(true, Release);
    }
    let mut datasets = Vec::with_capacity(results.len());
    for r in results {
        if let Some(names) = r.sheet_names {
            loaded.sources.set_sheets(r.file.id, names);
        }
        loaded.files.push(r.file);
        loaded.diagnostics.extend(r.diagnostics);
        loaded.unrecognized.extend(r.unrecognized);
        datasets.push(r.dataset);
    }
    loaded.dataset = Dataset::concat(datasets);
    loaded.dataset.resolve_custom_dimensions(&config);
    if let Some(c) = &cache {
        c.prune();
        loaded.cache = c.stats();
    }
    loaded.config = config;
    loaded.config_path = config_path;
    loaded.diagnostics.sort();
    Ok(loaded)
}

#[cfg(test)]
pub(crate) mod testgrid;

#[cfg(all(test, unix))]
mod load_tests {
    use super::*;

    /// A workbook whose hash came from its stamp but which changed before
    /// it was parsed is refused for the run, and its failure is not stored
    /// under the old hash: the old content, put back, parses again.
    #[test]
    fn a_workbook_changed_after_the_walk_is_refused_and_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let (inbox_dir, cache_dir) = (dir.path().join("inbox"), dir.path().join("cache"));
        std::fs::create_dir(&inbox_dir).unwrap();
        let path = inbox_dir.join("orders.csv");
        let original = "订单号,客户,产品,金额,日期\nSO1,甲公司,门锁,10,2026-07-01\n";
        std::fs::write(&path, original).unwrap();
        let first = inbox::scan_inbox(&inbox_dir, None, u64::MAX, None).unwrap();
        let known = inbox::settled_stamps(&first);
        let walked = inbox::scan_inbox(&inbox_dir, None, u64::MAX, Some(&known)).unwrap();
        let input = walked.files[0].clone();
        assert!(input.content().is_empty(), "taken from its stamp, not read");
        std::fs::write(
            &path,
            "订单号,客户,产品,金额,日期\nSO1,乙公司,门锁,99,2026-07-01\n",
        )
        .unwrap();

        let config = Config::default();
        let dict = HeaderDictionary::new(&config);
        let cache = cache::Cache::new(&cache_dir, &config);
        let key = cache.key(&input.file_name(), &input.sha256);
        let id = diag::FileId(0);
        let load = load_file_cached(&cache, &key, id, input.clone(), &dict, &config.limits);
        let codes: Vec<_> = load.diagnostics.items().iter().map(|d| d.code).collect();
        assert_eq!(codes, [diag::Code::WorkbookUnreadable]);
        assert!(load.dataset.orders.is_empty());
        assert!(cache.get(&key, id).is_none(), "the failure was stored");

        // The walk's content is back: read, parsed and stored this time.
        std::fs::write(&path, original).unwrap();
        let load = load_file_cached(&cache, &key, id, input, &dict, &config.limits);
        assert!(!load.diagnostics.has_errors(), "{:?}", load.diagnostics);
        assert_eq!(load.dataset.orders.len(), 1);
        assert!(cache.get(&key, id).is_some());
    }
}

/// What `qbr check` found: the loaded inbox, the period checked, its target
/// tree and ledger; every finding is in `loaded.diagnostics`.
#[derive(Debug)]
pub struct Checked {
    pub loaded: Loaded,
    /// `None` when the inbox holds neither targets nor orders.
    pub period: Option<calendar::Period>,
    pub tree: tree::TargetTree,
    pub ledger: ledger::Ledger,
    /// `--as-of` as loaded: the day the review is as of (default: the latest
    /// order date in the period), for the rules and the review's pace alike.
    pub as_of: Option<chrono::NaiveDate>,
    /// How long building the ledger took.
    pub ledger_time: std::time::Duration,
    /// How long building the target tree and running the validation rules took.
    pub rules_time: std::time::Duration,
}

/// Loads an inbox and runs every validation rule on the chosen period.
///
/// # Errors
/// As [`load`].
pub fn check(opts: &LoadOptions) -> Result<Checked, Error> {
    let mut loaded = load(opts)?;
    let mut diags = Diagnostics::default();
    let period = tree::select_period(&loaded.dataset, &loaded.config, &mut diags);
    let started = std::time::Instant::now();
    let ledger = ledger::build_ledger(&loaded.dataset, &loaded.config);
    let ledger_time = started.elapsed();
    let started = std::time::Instant::now();
    let tree = period
        .map(|p| tree::TargetTree::build(&loaded.dataset, p))
        .unwrap_or_default();
    if let Some(period) = period {
        let ctx = validate::Context {
            dataset: &loaded.dataset,
            tree: &tree,
            ledger: &ledger,
            config: &loaded.config,
            period,
            as_of: opts.as_of,
            last_quarter: Default::default(),
        };
        validate::validate(&ctx, &mut diags);
    }
    let rules_time = started.elapsed();
    loaded.diagnostics.extend(diags);
    loaded.diagnostics.sort();
    Ok(Checked {
        loaded,
        period,
        tree,
        ledger,
        as_of: opts.as_of,
        ledger_time,
        rules_time,
    })
}

/// The terminal form of `qbr check` in a report language: findings grouped
/// per file, the bottom-up proposals, then a count.
pub fn check_report_text(checked: &Checked, color: bool, lang: i18n::Lang) -> String {
    use render::diagnostics::{Style, counts, fold, render_text};
    let loaded = &checked.loaded;
    let views = fold(loaded.diagnostics.items(), &loaded.sources);
    let mut out = render_text(&views, &loaded.sources, Style { color }, lang);
    let (errors, warnings, notes) = counts(&views);
    let period = checked
        .period
        .map(|p| p.to_string())
        .unwrap_or_else(|| lang.t(i18n::Key::CheckNoPeriod).to_string());
    let lines = checked
        .period
        .map(|p| checked.ledger.in_period(p).len())
        .unwrap_or(0);
    out.push_str(&proposals_text(checked, lang));
    let counted = [
        errors,
        warnings,
        notes,
        loaded.files.iter().filter(|f| f.opened).count(),
        checked.tree.nodes.len(),
        lines,
    ]
    .map(|n| n.to_string());
    let mut args = vec![period.as_str()];
    args.extend(counted.iter().map(String::as_str));
    out.push_str(&lang.fill(i18n::Key::CheckSummary, &args));
    out.push('\n');
    out
}

/// The report language of a checked inbox: the one chosen, else the one its
/// headers speak.
pub fn report_lang(checked: &Checked, chosen: Option<i18n::Lang>) -> i18n::Lang {
    chosen.unwrap_or_else(|| i18n::Lang::detect(&checked.loaded.dataset))
}

/// The bottom-up proposals of the checked period beside their top-down targets.
fn proposal_gaps(checked: &Checked) -> Vec<proposals::ProposalGap> {
    checked
        .period
        .map(|p| proposals::reconcile(&checked.loaded.dataset, &checked.tree, p))
        .unwrap_or_default()
}

/// `qbr check`'s table of bottom-up proposals: per unit the top-down target,
/// the proposal, the gap and the proposer's rationale (empty without proposals).
fn proposals_text(checked: &Checked, lang: i18n::Lang) -> String {
    use i18n::{Key, Lang};
    let gaps = proposal_gaps(checked);
    if gaps.is_empty() {
        return String::new();
    }
    let value = |m: &records::Measure, v: rust_decimal::Decimal| validate::format_value(m, v);
    let signed = |negative: bool, v: String| if negative { v } else { format!("+{v}") };
    let mut out = format!("{}\n", lang.t(Key::CheckProposals));
    for g in &gaps {
        let top = g
            .top_down
            .map(|t| value(&g.measure, t))
            .unwrap_or_else(|| lang.t(Key::CheckNoTopDown).into());
        let gap = match (g.gap, g.gap_ratio) {
            (Some(d), Some(r)) => lang.fill(
                Key::CheckGapRatio,
                &[
                    &signed(d.is_sign_negative(), value(&g.measure, d)),
                    &signed(r.is_sign_negative(), money::format_percent(r)),
                ],
            ),
            (Some(d), None) => lang.fill(Key::CheckGap, &[&value(&g.measure, d)]),
            _ => String::new(),
        };
        let unit = match lang {
            Lang::En => format!(
                "{} / {} / {}",
                validate::dimension_label(&g.dimension),
                validate::measure_label(&g.measure),
                g.unit
            ),
            Lang::Zh => format!(
                "{} / {} / {}",
                lang.dimension(&g.dimension),
                lang.measure(&g.measure),
                g.unit
            ),
        };
        let rationale = g
            .rationale
            .as_deref()
            .map(|r| format!(" — {r}"))
            .unwrap_or_default();
        out.push_str("  ");
        out.push_str(&lang.fill(
            Key::CheckProposal,
            &[
                &unit,
                &top,
                &value(&g.measure, g.proposed),
                &g.proposer,
                &gap,
                &rationale,
            ],
        ));
        out.push('\n');
    }
    out
}

/// The JSON form of `qbr check` (schema `qbr.check/1`): the diagnostics in the
/// contract's shape, folded, with counts.
pub fn check_report_json(checked: &Checked) -> String {
    use render::diagnostics::{counts, fold};
    let loaded = &checked.loaded;
    let views = fold(loaded.diagnostics.items(), &loaded.sources);
    let (errors, warnings, notes) = counts(&views);
    let v = serde_json::json!({
        "schema": "qbr.check/1",
        "period": checked.period.map(|p| p.to_string()),
        "counts": {"errors": errors, "warnings": warnings, "notes": notes},
        "diagnostics": views,
        "proposals": proposal_gaps(checked).iter().map(|g| {
            let value = |v: rust_decimal::Decimal| render::json::value(&g.measure, v);
            serde_json::json!({
                "dimension": g.dimension.key(),
                "measure": g.measure.key(),
                "unit": g.unit,
                "top_down": g.top_down.map(value),
                "proposed": value(g.proposed),
                "gap": g.gap.map(value),
                "gap_ratio": g.gap_ratio.map(|r| money::round_rate(r).to_string()),
                "proposer": g.proposer,
                "rationale": g.rationale,
            })
        }).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&v).expect("check report serialises")
}

/// What `write_review` wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// `OUT/<period>`.
    pub dir: PathBuf,
    /// Every file, relative to `dir`.
    pub files: Vec<String>,
    /// The language the reports were written in.
    pub lang: i18n::Lang,
    /// How long computing the review (figures, suggestions, next quarter) took.
    pub review_time: std::time::Duration,
    /// How long rendering every report took.
    pub render_time: std::time::Duration,
    /// How long writing the files and moving them into place took.
    pub write_time: std::time::Duration,
}

impl Written {
    /// The full path of a written file.
    pub fn join(&self, name: impl AsRef<std::path::Path>) -> PathBuf {
        self.dir.join(name)
    }
}

/// How to render the review.
#[derive(Debug, Clone, Default)]
pub struct ReviewOptions {
    /// The report language (default: detected from the inputs' headers).
    pub lang: Option<i18n::Lang>,
    /// How money is displayed in the workbook.
    pub money_unit: render::xlsx::MoneyUnit,
    /// Also write one report set per region, group or person.
    pub split_by: Option<split::SplitBy>,
    /// Next quarter's sales total (default: this quarter's target grown by `annual_growth`).
    pub next_total: Option<rust_decimal::Decimal>,
    /// Do not write the restricted incentive preview even when salaries are known.
    pub no_incentives: bool,
}

/// Computes the review of a checked inbox, proves it reconciles, and writes
/// `OUT/<period>/` (`summary.json`, `review-<period>.xlsx`, `review-<period>.html`,
/// `email-<period>.html` and the rest) whole or not at all.
///
/// # Errors
/// [`Error::NothingToReview`] without targets or orders; [`Error::Reconcile`]
/// when the figures would not add up; [`Error::Write`] when the output cannot be
/// written.
pub fn write_review(
    checked: &Checked,
    out: &std::path::Path,
    opts: &ReviewOptions,
) -> Result<(analyze::Review, Written), Error> {
    let as_of = checked.as_of;
    let period = checked.period.ok_or(Error::NothingToReview)?;
    let loaded = &checked.loaded;
    let started = std::time::Instant::now();
    let mut review = analyze::analyze(
        &loaded.dataset,
        &checked.ledger,
        &checked.tree,
        &loaded.config,
        period,
        as_of,
        loaded.files.iter().filter(|f| f.opened).count(),
    );
    review.inputs.accounting.rejected_at = rejected_locations(loaded);
    review.reconcile().map_err(|e| Error::Reconcile {
        dimension: e.dimension,
        leaves: e.leaves.to_string(),
        unassigned: e.unassigned.to_string(),
        order_amount: e.order_amount.to_string(),
    })?;
    let inputs = next::Inputs {
        dataset: &loaded.dataset,
        ledger: &checked.ledger,
        tree: &checked.tree,
        review: &review,
        config: &loaded.config,
        next_total: opts.next_total,
    };
    let salaries_known = loaded.dataset.people.iter().any(|p| p.salary.is_some());
    let (next, incentives) = rayon::join(
        || next::next_quarter(&inputs),
        || (salaries_known && !opts.no_incentives).then(|| incentives::incentives(&inputs)),
    );
    review.suggestions = next.suggestions.clone();
    let review_time = started.elapsed();
    let started = std::time::Instant::now();
    let diagnostics = render::diagnostics::fold(loaded.diagnostics.items(), &loaded.sources);
    let lang = report_lang(checked, opts.lang);
    let mut set = output::OutputSet::default();
    set.add(
        "summary.json",
        render::json::summary_json(&review, &diagnostics),
    );
    set.add(
        format!("review-{period}.html"),
        render::html::review_html(&review, &diagnostics, lang, opts.money_unit)?,
    );
    let email = render::html::email_body(&review, &diagnostics, lang, opts.money_unit)?;
    set.add(format!("email-{period}.html"), email.html);
    set.add(format!("email-{period}.txt"), email.text);
    set.add(
        format!("review-{period}.xlsx"),
        render::xlsx::review_workbook(
            &review,
            &diagnostics,
            render::xlsx::WorkbookOptions {
                lang,
                money_unit: opts.money_unit,
            },
        )?,
    );
    set.add(
        format!("targets-{}.xlsx", next.period),
        next_targets_workbook(&next, period, lang)?,
    );
    if let Some(rows) = &incentives {
        set.add_restricted(
            format!("incentives-{period}.xlsx"),
            incentives::incentives_workbook(rows, period, lang, &loaded.config.incentives)?,
        );
    }
    let splits = match opts.split_by {
        Some(by) => add_split_reports(&mut set, &review, by, lang, opts.money_unit)?,
        None => Vec::new(),
    };
    let recipients = email::recipients(&review, &loaded.dataset, &loaded.sources, lang, &splits);
    set.add(
        email::RECIPIENTS_FILE,
        serde_json::to_string_pretty(&recipients).expect("recipients serialise") + "\n",
    );
    let options = serde_json::json!({
        "period": period.to_string(),
        "as_of": review.as_of.to_string(),
        "lang": lang,
        "money_unit": format!("{:?}", opts.money_unit),
        "split_by": opts.split_by.map(|b| b.dimension().key().to_string()),
        "config": loaded.config_path.as_ref().map(|p| p.display().to_string()),
    });
    output::add_manifest(&mut set, loaded, options);
    let render_time = started.elapsed();
    let started = std::time::Instant::now();
    let dir = output::write_outputs(out, &period.to_string(), &set)?;
    let write_time = started.elapsed();
    let files = set.files.into_iter().map(|(name, _)| name).collect();
    Ok((
        review,
        Written {
            dir,
            files,
            lang,
            review_time,
            render_time,
            write_time,
        },
    ))
}

/// `file!sheet!row` of every rejected order row, in inbox order.
fn rejected_locations(loaded: &Loaded) -> Vec<String> {
    let ds = &loaded.dataset;
    ds.tables
        .iter()
        .zip(&ds.stats)
        .flat_map(|(t, s)| {
            let sheet = diag::Location::Sheet(t.file, t.sheet);
            let at = loaded.sources.locate(sheet);
            s.rejected_at.iter().map(move |r| format!("{at}!{}", r + 1))
        })
        .collect()
}

/// Renders `targets-<next>.xlsx`: next quarter's tree with the rules that
/// shaped each row in its Note, and the growth factor in the subtitle.
fn next_targets_workbook(
    next: &next::NextQuarter,
    reviewed: calendar::Period,
    lang: i18n::Lang,
) -> Result<Vec<u8>, Error> {
    use i18n::Key;
    let lines: Vec<tree::TargetLine> = next
        .rows
        .iter()
        .map(|r| tree::TargetLine {
            note: r
                .rules
                .iter()
                .map(|rule| format!("{} ({})", lang.rule(*rule), rule.id()))
                .collect::<Vec<_>>()
                .join("; "),
            ..r.line.clone()
        })
        .collect();
    render::targets::targets_workbook(&render::targets::TargetsBook {
        period: next.period,
        lang,
        title: format!("{} {}", next.period, lang.t(Key::NextTargetsTitle)),
        subtitle: format!(
            "{} {}: {} × {} ({reviewed} → {})",
            lang.t(Key::NextTargetsNote),
            lang.t(Key::GrowthFactor),
            reviewed,
            next.growth,
            next.period
        ),
        lines: &lines,
        explanation: Vec::new(),
    })
}

/// Adds `split/<level>/<unit>/` with each unit's own HTML, email body and
/// workbook, and `split/<level>/index.json` naming the folder of each unit.
fn add_split_reports(
    set: &mut output::OutputSet,
    review: &analyze::Review,
    by: split::SplitBy,
    lang: i18n::Lang,
    money_unit: render::xlsx::MoneyUnit,
) -> Result<Vec<email::SplitReport>, Error> {
    let mut reports = Vec::new();
    let period = review.period;
    let level = by.dimension();
    let level = level.key();
    let mut index = Vec::new();
    let mut used = std::collections::HashSet::new();
    for unit in split::split_units(review, by) {
        let mut folder = split::folder_name(&unit);
        while !used.insert(folder.clone()) {
            folder.push('_');
        }
        let scoped = split::scope(review, by, &unit);
        let base = format!("split/{level}/{folder}");
        set.add(
            format!("{base}/review-{period}.html"),
            render::html::review_html(&scoped, &[], lang, money_unit)?,
        );
        let email = render::html::email_body(&scoped, &[], lang, money_unit)?;
        set.add(format!("{base}/email-{period}.html"), email.html);
        set.add(format!("{base}/email-{period}.txt"), email.text);
        set.add(
            format!("{base}/review-{period}.xlsx"),
            render::xlsx::review_workbook(
                &scoped,
                &[],
                render::xlsx::WorkbookOptions { lang, money_unit },
            )?,
        );
        index.push(serde_json::json!({"unit": unit, "folder": format!("{base}/")}));
        reports.push(email::SplitReport {
            by,
            unit,
            folder: format!("{base}/"),
        });
    }
    let index = serde_json::json!({"schema": "qbr.split/1", "period": period.to_string(), "split_by": level, "units": index});
    set.add(
        format!("split/{level}/index.json"),
        serde_json::to_string_pretty(&index).expect("index serialises") + "\n",
    );
    Ok(reports)
}

/// What `qbr plan` wrote.
pub struct Planned {
    pub plan: plan::Plan,
    pub path: PathBuf,
}

/// Loads an inbox, decomposes `total` for `period` from its history and
/// writes the Targets workbook (with its explanation sheet) to `out`, whole.
///
/// # Errors
/// An unreadable inbox or configuration, or an output that cannot be written.
pub fn write_plan(
    load_opts: &LoadOptions,
    total: rust_decimal::Decimal,
    period: calendar::Period,
    lang: Option<i18n::Lang>,
    proposals: plan::Proposals,
    out: &std::path::Path,
) -> Result<Planned, Error> {
    let loaded = load(load_opts)?;
    let ledger = ledger::build_ledger(&loaded.dataset, &loaded.config);
    let lang = lang.unwrap_or_else(|| i18n::Lang::detect(&loaded.dataset));
    let plan = plan::plan(
        &loaded,
        &ledger,
        &plan::PlanOptions {
            total,
            period,
            lang,
            proposals: match proposals {
                plan::Proposals::Ignore => None,
                plan::Proposals::Blend(w) => Some(w.unwrap_or(loaded.config.proposal_weight)),
            },
        },
    );
    let bytes = render::targets::targets_workbook(&render::targets::TargetsBook {
        period,
        lang,
        title: format!("{period} {}", lang.t(i18n::Key::PlanTitle)),
        subtitle: lang.t(i18n::Key::PlanNote).to_string(),
        lines: &plan.lines,
        explanation: plan.explanation.clone(),
    })?;
    output::write_file(out, &bytes)?;
    Ok(Planned {
        plan,
        path: out.to_path_buf(),
    })
}
