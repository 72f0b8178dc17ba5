//! The built binary: exit codes, messages, JSON, and untouched inputs.

use crate::support::{inbox, sample_data, snapshot};
use qbr::sample::sheet::{Cell, SheetSpec};
use std::path::Path;
use std::process::{Command, Output};

fn qbr(args: &[&str]) -> Output {
    crate::support::qbr_command()
        .args(args)
        .output()
        .expect("qbr runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn inspect_sample_data_exits_clean_and_leaves_inputs_alone() {
    let before = snapshot(&sample_data());
    // Chinese, like the sample's headers.
    let o = qbr(&["inspect", sample_data().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("读取：目标 53 行，订单 19861 行，合计 46,923,635.96；产品 18 个，人员 22 名，客户 4170 个，过程指标 286 行；拒绝 0 行"),
        "{out}"
    );
    assert!(
        out.contains("工作表 个人：目标分解，表头在第 1 行（维度「person」取自工作表名）"),
        "{out}"
    );
    assert!(out.contains("    行：读取 31，拒绝 0\n"), "{out}");
    assert!(out.contains("发现：0 个错误，0 个警告，2 条提示"), "{out}");
    assert!(out.contains("README.md — 不是工作簿"), "{out}");
    // English when asked.
    let o = qbr(&["inspect", sample_data().to_str().unwrap(), "--lang", "en"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("19861 order lines totalling 46,923,635.96"),
        "{out}"
    );
    assert!(
        out.contains(
            "sheet 个人: 目标分解 / Targets, header row 1 (dimension `person` from the sheet name)"
        ),
        "{out}"
    );
    assert!(out.contains("F `目标（万元）` → target ×10000"), "{out}");
    assert!(out.contains("README.md — not a workbook"), "{out}");
    assert_eq!(
        before,
        snapshot(&sample_data()),
        "inspect changed the inbox"
    );
}

#[test]
fn inspect_json_has_the_same_figures() {
    let o = qbr(&[
        "inspect",
        sample_data().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], "qbr.inspect/1");
    assert_eq!(v["totals"]["order_lines"], 19_861);
    assert_eq!(v["totals"]["order_amount"], "46923635.96");
    let targets = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "目标/2026Q3 目标分解.xlsx")
        .unwrap();
    assert_eq!(targets["sheets"][0]["role"], "targets");
    assert_eq!(targets["sheets"][0]["header_row"], 4);
    assert_eq!(targets["sheets"][0]["columns"][5]["scale"], "10000");
}

#[test]
fn missing_inbox_exits_2_naming_it() {
    let o = qbr(&["inspect", "/no/such/inbox"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/no/such/inbox"), "{}", stderr(&o));
}

/// qbr's own messages (errors that stop a run, progress, timings) follow the
/// system's locale, and `--lang` overrides it; the reports follow the inputs.
#[test]
fn messages_follow_the_locale_and_lang() {
    let in_locale = |locale: &str, args: &[&str]| {
        crate::support::qbr_command()
            .env("LC_ALL", locale)
            .args(args)
            .output()
            .expect("qbr runs")
    };
    let out = tempfile::tempdir().unwrap();
    let missing = [
        "review",
        "/no/such/inbox",
        "--out",
        out.path().to_str().unwrap(),
    ];
    let zh = in_locale("zh_CN.UTF-8", &missing);
    assert_eq!(zh.status.code(), Some(2));
    assert!(
        stderr(&zh).starts_with("qbr：错误：无法打开收件文件夹 /no/such/inbox："),
        "{}",
        stderr(&zh)
    );
    let en = in_locale("zh_CN.UTF-8", &[&missing[..], &["--lang", "en"]].concat());
    assert!(
        stderr(&en).starts_with("qbr: error: cannot open the inbox /no/such/inbox: "),
        "{}",
        stderr(&en)
    );
    let c = in_locale("C", &missing);
    assert!(
        stderr(&c).starts_with("qbr: error: cannot open the inbox"),
        "{}",
        stderr(&c)
    );

    // Progress and timing lines in Chinese; the output folder inside the inbox is refused in Chinese.
    let sample = sample_data();
    let review = [
        "review",
        sample.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--no-cache",
        "-v",
    ];
    let o = in_locale("zh_CN.UTF-8", &review);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("qbr：已读取 20/20 个工作簿"), "{err}");
    assert!(err.contains("qbr：已读取 20 个工作簿，用时 "), "{err}");
    assert!(err.contains("qbr：已读取并检查收件文件夹，用时 "), "{err}");
    assert!(
        err.contains(&format!(
            "qbr：已计算并写出 {}",
            out.path().join("2026Q3").display()
        )),
        "{err}"
    );
    let inside = sample.join("out");
    let o = in_locale(
        "zh_CN.UTF-8",
        &[
            "review",
            sample.to_str().unwrap(),
            "--out",
            inside.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("位于收件文件夹") && stderr(&o).contains("--out-in-inbox"),
        "{}",
        stderr(&o)
    );
    assert!(!inside.exists());
}

#[test]
fn usage_error_exits_2() {
    let o = qbr(&["inspect"]);
    assert_eq!(o.status.code(), Some(2));
    let o = qbr(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_explains_each_command_with_an_example() {
    let o = qbr(&["inspect", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    // One example per line, not wrapped into one paragraph.
    assert!(stdout(&o).contains(
        "Examples:\n  qbr inspect sample-data\n  qbr inspect ~/shared/q3-inbox --format json > inspect.json\n"
    ));
    let o = qbr(&["sample-data", "--help"]);
    assert!(stdout(&o).contains(
        "Examples:\n  qbr sample-data /tmp/inbox\n  qbr sample-data /tmp/big --scale 40\n"
    ));
}

#[test]
fn rejected_rows_exit_1_with_file_sheet_cell() {
    let mut orders = SheetSpec::new("明细", &["订单号", "日期", "客户", "产品", "金额"]);
    orders.row(vec![
        "SO1".into(),
        "2026-07-01".into(),
        "甲".into(),
        "门锁".into(),
        Cell::Empty,
    ]);
    orders.row(vec![
        "SO2".into(),
        "2026-07-01".into(),
        "乙".into(),
        "门锁".into(),
        "12O0".into(),
    ]);
    orders.row(vec![
        "SO3".into(),
        "2026-07-01".into(),
        "丙".into(),
        "门锁".into(),
        100.into(),
    ]);
    let dir = inbox(&[("订单/7月.xlsx", vec![orders])]);
    let before = snapshot(dir.path());
    let o = qbr(&["inspect", dir.path().to_str().unwrap(), "--lang", "en"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains(
            "订单/7月.xlsx!明细!E2: error[row.required_empty]: 金额 / Amount cell is empty"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "订单/7月.xlsx!明细!E3: error[row.number_invalid]: 金额 / Amount cell holds `12O0`"
        ),
        "{out}"
    );
    assert!(out.contains("rows: 1 read, 2 rejected"), "{out}");
    assert_eq!(before, snapshot(dir.path()));
}

#[test]
fn unreadable_workbook_exits_2_and_skips_are_listed() {
    let mut p = SheetSpec::new("产品", &["产品名称", "产品类别"]);
    p.row(vec!["门锁".into(), "核心产品".into()]);
    let dir = inbox(&[("a.xlsx", vec![p])]);
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::copy(dir.path().join("a.xlsx"), dir.path().join("sub/copy.xlsx")).unwrap();
    std::fs::write(dir.path().join("broken.xlsx"), "order,amount\n1,2\n").unwrap();
    std::fs::write(dir.path().join("~$a.xlsx"), "lock").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "hello").unwrap();
    let o = qbr(&["inspect", dir.path().to_str().unwrap(), "--lang", "en"]);
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    assert!(out.contains("broken.xlsx: error[workbook.unreadable]: the file has a workbook extension but its content is plain text"), "{out}");
    assert!(
        out.contains("sub/copy.xlsx — byte-identical copy of a.xlsx; read once"),
        "{out}"
    );
    assert!(out.contains("~$a.xlsx — Excel lock file"), "{out}");
    assert!(out.contains("notes.txt — not a workbook"), "{out}");
}

#[test]
fn sample_data_command_refuses_a_non_empty_folder() {
    let o = qbr(&["sample-data", sample_data().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not empty"), "{}", stderr(&o));
}

#[test]
fn check_sample_data_is_clean_and_leaves_inputs_alone() {
    let before = snapshot(&sample_data());
    let o = qbr(&["check", sample_data().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // The sample's headers are Chinese, so its findings are too.
    assert!(
        stdout(&o).contains("检查 2026Q3：0 个错误，0 个警告，2 条提示"),
        "{}",
        stdout(&o)
    );
    let o = qbr(&["check", sample_data().to_str().unwrap(), "--lang", "en"]);
    assert!(
        stdout(&o).contains("check 2026Q3: 0 errors, 0 warnings, 2 notes"),
        "{}",
        stdout(&o)
    );
    assert_eq!(before, snapshot(&sample_data()));
}

/// A total of 100 whose one region carries 90: a `target.sum_mismatch` at C2.
fn unbalanced_targets() -> SheetSpec {
    let mut t = SheetSpec::new("目标", &["维度", "单元", "目标", "负责人"]);
    t.row(vec![
        "总计".into(),
        "公司".into(),
        100.into(),
        "王总".into(),
    ]);
    t.row(vec!["区域".into(), "华东".into(), 90.into(), "钱".into()]);
    t
}

#[test]
fn check_errors_exit_1_and_json_has_the_contract_shape() {
    let t = unbalanced_targets();
    let dir = inbox(&[("目标.xlsx", vec![t])]);
    let o = qbr(&["check", dir.path().to_str().unwrap(), "--period", "2026Q3"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("目标.xlsx!目标!C2: 错误[target.sum_mismatch]：销售额总目标（对比其下 1 个区域单元）：目标为 100.00，下级单元合计 90.00，相差 10.00"),
        "{}",
        stdout(&o)
    );
    let o = qbr(&[
        "check",
        dir.path().to_str().unwrap(),
        "--period",
        "2026Q3",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], "qbr.check/1");
    assert_eq!(v["period"], "2026Q3");
    assert_eq!(v["counts"]["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "target.sum_mismatch");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["location"], "目标.xlsx!目标!C2");
    assert!(d["message"].as_str().unwrap().contains("difference 10.00"));
    assert_eq!(d["related"][0], "目标.xlsx!目标!C3");
}

#[test]
fn check_usage_errors_exit_2() {
    let o = qbr(&[
        "check",
        sample_data().to_str().unwrap(),
        "--period",
        "2026Q5",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a quarter"), "{}", stderr(&o));
    let o = qbr(&["check", "/no/such/inbox"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_config_exits_2_naming_the_file() {
    let dir = inbox(&[]);
    std::fs::write(dir.path().join("qbr.toml"), "max_growth = \"lots\"\n").unwrap();
    let o = qbr(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("qbr.toml") && stderr(&o).contains("max_growth"),
        "{}",
        stderr(&o)
    );
    // In Chinese, the whole line is Chinese: the frame and what is wrong.
    let toml = dir.path().join("qbr.toml");
    let o = qbr(&["check", dir.path().to_str().unwrap(), "--lang", "zh"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "qbr：错误：无法使用配置文件 {}：`max_growth` = \"lots\" 不是数字\n",
            toml.display()
        )
    );
}

#[test]
fn review_writes_summary_json_and_leaves_inputs_alone() {
    let before = snapshot(&sample_data());
    let out = tempfile::tempdir().unwrap();
    let o = qbr(&[
        "review",
        sample_data().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("总销售额：目标 12,000,000.00，实际 11,021,320.98，完成率 91.84%"),
        "{text}"
    );
    let summary = std::fs::read_to_string(out.path().join("2026Q3/summary.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(v["schema"], "qbr.review/1");
    assert_eq!(v["total"]["completion"], "0.9184");
    // The contract's field order: schema, period, ... as written, not alphabetical.
    assert!(summary.find("\"schema\"").unwrap() < summary.find("\"period\"").unwrap());
    assert_eq!(before, snapshot(&sample_data()));
}

#[test]
fn review_refuses_data_errors_unless_allowed() {
    let t = unbalanced_targets();
    let mut orders = SheetSpec::new("明细", &["订单号", "日期", "客户", "产品", "金额"]);
    orders.row(vec![
        "S1".into(),
        "2026-07-01".into(),
        "甲".into(),
        "门锁".into(),
        50.into(),
    ]);
    let dir = inbox(&[("目标.xlsx", vec![t]), ("订单.xlsx", vec![orders])]);
    let out = dir.path().join("out");
    let o = qbr(&[
        "review",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--out-in-inbox",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("错误[target.sum_mismatch]"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("--allow-errors"), "{}", stderr(&o));
    // No report is written while the data has errors; only the parse cache,
    // which makes the re-run after the fix quick.
    let written: Vec<String> = std::fs::read_dir(&out)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(written, [".qbr-cache"], "nothing but the cache is written");
    let o = qbr(&[
        "review",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--allow-errors",
    ]);
    assert_eq!(o.status.code(), Some(2), "inside the inbox only when asked");
    assert!(
        stderr(&o).contains("lies inside the inbox"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join("2026Q3").exists());
    let o = qbr(&[
        "review",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--allow-errors",
        "--out-in-inbox",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("2026Q3/summary.json")).unwrap())
            .unwrap();
    assert_eq!(v["total"]["completion"], "0.5000");
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"target.sum_mismatch"), "{codes:?}");
    // A second run does not read its own output folder inside the inbox.
    let o = qbr(&[
        "review",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--allow-errors",
        "--out-in-inbox",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("2026Q3/summary.json")).unwrap())
            .unwrap();
    assert_eq!(v["inputs"]["files"], 2);
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_named_and_the_rest_is_read() {
    use std::os::unix::fs::PermissionsExt;
    // Root reads everything; run the binary as `nobody` to meet a permission error.
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n");
    if !is_root || !Path::new("/usr/bin/setpriv").exists() {
        eprintln!("skipped: needs root and setpriv to run qbr as another user");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let ok = dir.path().join("ok.xlsx");
    std::fs::copy(sample_data().join("主数据/产品与人员.xlsx"), &ok).unwrap();
    std::fs::set_permissions(&ok, std::fs::Permissions::from_mode(0o644)).unwrap();
    let secret = dir.path().join("secret.xlsx");
    std::fs::write(&secret, b"x").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    let o = Command::new("/usr/bin/setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_qbr"),
            "inspect",
            "--lang",
            "en",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    if String::from_utf8_lossy(&o.stderr).contains("Permission denied") && out.is_empty() {
        eprintln!("skipped: `nobody` cannot run the test binary here");
        return;
    }
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(
        out.contains("secret.xlsx — cannot be read: Permission denied"),
        "{out}"
    );
    assert!(out.contains("22 people"), "{out}");
}

#[test]
fn all_periods_reviews_every_quarter_with_targets() {
    let dir = crate::next::team_inbox(&crate::next::Team {
        q3: [3000, 3000, 2000, 2000],
        q2: Some([2900, 2900, 1900, 1900]),
        q2_targets: true,
        ..Default::default()
    });
    let out = tempfile::tempdir().unwrap();
    let o = qbr(&[
        "review",
        dir.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--all-periods",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for (period, amount) in [("2026Q2", "9600.00"), ("2026Q3", "10000.00")] {
        let v: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(out.path().join(period).join("summary.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(v["period"], period);
        assert_eq!(v["inputs"]["order_amount"], amount);
    }
    let both = qbr(&[
        "review",
        dir.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--all-periods",
        "--period",
        "2026Q3",
    ]);
    assert_eq!(
        both.status.code(),
        Some(2),
        "--period and --all-periods exclude each other"
    );
}

#[test]
fn quiet_verbose_and_progress_lines_when_not_a_terminal() {
    let out = tempfile::tempdir().unwrap();
    let run = |flag: &str| {
        qbr(&[
            "review",
            sample_data().to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            flag,
        ])
    };
    let quiet = run("--quiet");
    assert_eq!(quiet.status.code(), Some(0));
    assert!(
        quiet.stdout.is_empty() && quiet.stderr.is_empty(),
        "{}",
        stderr(&quiet)
    );
    // Not a terminal (cron, CI): plain progress lines, then the summary.
    let plain = run("--allow-errors");
    assert!(
        stderr(&plain).contains(" of 20 workbooks"),
        "{}",
        stderr(&plain)
    );
    assert!(
        stderr(&plain).contains("qbr: read 20 workbooks in"),
        "{}",
        stderr(&plain)
    );
    assert!(stdout(&plain).contains("总销售额"));
    let verbose = run("-v");
    assert!(
        stderr(&verbose).contains("qbr: computed and wrote"),
        "{}",
        stderr(&verbose)
    );
    // Each stage's steps, so a slow run shows where its time went.
    for steps in [
        "qbr:   of which finding and hashing files ",
        " s, the order ledger ",
        "qbr:   of which computing the review ",
        " s, writing the files ",
    ] {
        assert!(
            stderr(&verbose).contains(steps),
            "{steps}: {}",
            stderr(&verbose)
        );
    }
    assert!(!stderr(&plain).contains("of which"), "{}", stderr(&plain));
}

/// The terminal summary speaks the reports' language: Chinese for the sample's
/// Chinese headers, English with `--lang en`; the whole text is a snapshot.
#[test]
fn review_summary_speaks_the_reports_language() {
    let out = tempfile::tempdir().unwrap();
    let inbox = sample_data();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "review",
            inbox.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
            "--no-cache",
        ];
        args.extend_from_slice(extra);
        let o = qbr(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        stdout(&o).replace(out.path().to_str().unwrap(), "OUT")
    };
    insta::assert_snapshot!("review_summary_zh", run(&[]));
    insta::assert_snapshot!(
        "review_summary_en_in_progress",
        run(&["--lang", "en", "--as-of", "2026-08-15"])
    );
}

/// Every output the manifest lists is there, whole: its size and SHA-256 match.
fn assert_whole(folder: &std::path::Path) {
    use sha2::{Digest, Sha256};
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap();
    for o in manifest["outputs"].as_array().unwrap() {
        let bytes = std::fs::read(folder.join(o["path"].as_str().unwrap())).unwrap();
        let hex: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(o["sha256"], hex, "{}", o["path"]);
    }
}

#[test]
fn a_run_killed_midway_leaves_the_period_folder_whole_or_absent() {
    let out = tempfile::tempdir().unwrap();
    let period = out.path().join("2026Q3");
    let start = || {
        crate::support::qbr_command()
            .args(["review", "-q", "--no-cache", "--out"])
            .arg(out.path())
            .arg(crate::support::sample_data())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // Kills at several points of a run (reading, computing, writing); the
    // folder is never half there.
    let mut killed_while_running = 0;
    for delay_ms in [150, 400, 800, 1200, 1600, 2000, 2600, 3200] {
        let mut child = start();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            killed_while_running += 1;
        }
        child.kill().ok();
        child.wait().unwrap();
        if period.exists() {
            assert_whole(&period);
        }
    }
    assert!(killed_while_running > 0, "no run was interrupted");
    // A run left alone finishes whole.
    assert!(start().wait().unwrap().success());
    assert_whole(&period);
}

#[test]
fn usage_mistakes_are_told_in_chinese_with_exit_code_2() {
    let o = qbr(&["check", "x", "--colr", "--lang", "zh"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .starts_with("qbr：错误：无法识别的参数 `--colr`\n  提示：是不是想用 `--color`？\n"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = qbr(&["check", "x", "--colr"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("error: unexpected argument '--colr'"));
}

#[test]
fn help_speaks_chinese_under_a_chinese_locale_or_with_lang_zh() {
    let zh = crate::support::qbr_command()
        .env("LC_ALL", "zh_CN.UTF-8")
        .args(["check", "--help"])
        .output()
        .expect("qbr runs");
    assert_eq!(zh.status.code(), Some(0));
    let text = String::from_utf8_lossy(&zh.stdout);
    assert!(text.contains("按规则检查目标分解和订单数据"), "{text}");
    assert!(
        text.contains("用法: qbr check [选项] <收件文件夹>"),
        "{text}"
    );
    assert!(text.contains("示例：\n  qbr check sample-data\n"), "{text}");
    assert!(text.contains("[默认：text] [可选：text、json]"), "{text}");
    // Chinese value names, and columns aligned by display width (a CJK
    // character takes two columns).
    let short = stdout(&qbr(&["check", "-h", "--lang", "zh"]));
    assert!(
        short.contains("      --format <格式>      输出格式：")
            && short.contains("      --config <配置文件>  使用这个 qbr.toml"),
        "{short}"
    );
    // --lang decides over the locale, both ways.
    let en = crate::support::qbr_command()
        .env("LC_ALL", "zh_CN.UTF-8")
        .args(["check", "--help", "--lang", "en"])
        .output()
        .expect("qbr runs");
    assert!(String::from_utf8_lossy(&en.stdout).contains("Usage: qbr check"));
    let o = qbr(&["review", "-h", "--lang=zh"]);
    assert!(
        stdout(&o).contains("  -h, --help                显示帮助（-h 为简要，--help 为完整）\n"),
        "{}",
        stdout(&o)
    );
}
