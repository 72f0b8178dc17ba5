//! The incentive preview: hand-computed bonus, commissions and promotion
//! candidates; salaries and payouts in no other output; owner-only file.

use crate::next::{Team, team_inbox};
use crate::support::{check_inbox, write_review};
use calamine::{Data, Reader};
use std::path::Path;

const SALARIES: [&str; 4] = ["12345.67", "8765.43", "6543.21", "6000.5"];

fn review(team: &Team, no_incentives: bool) -> (tempfile::TempDir, qbr::Written) {
    let inbox = team_inbox(team);
    let checked = check_inbox(inbox.path(), Some("2026Q3"));
    let (out, _, written) = write_review(
        &checked,
        &qbr::ReviewOptions {
            split_by: Some(qbr::split::SplitBy::Person),
            no_incentives,
            ..Default::default()
        },
    );
    (out, written)
}

/// (person → row of cells) of a sheet below its header (row 4).
fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    wb.worksheet_range(name)
        .unwrap()
        .rows()
        .skip(4)
        .map(|r| r.to_vec())
        .collect()
}

fn f(d: &Data) -> f64 {
    match d {
        Data::Float(v) => *v,
        Data::Int(v) => *v as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn bonus_commission_and_promotion_hand_computed() {
    // 甲 123% → 20% of 12,345.67 = 2,469.13; 乙 100% → 10% of 8,765.43 = 876.54;
    // 丙 75% → none; 丁 100% → 10% of 6,000.50 = 600.05.
    let (_out, written) = review(
        &Team {
            q3: [3700, 3000, 1500, 2000],
            new_product: Some([100, 0, 0, 0]),
            salaries: Some(SALARIES),
            ..Default::default()
        },
        false,
    );
    let path = written.join("incentives-2026Q3.xlsx");
    let bonus = sheet(&path, "季度奖金");
    let col = |row: &[Data], c: usize| f(&row[c]);
    let by_person = |name: &str| {
        bonus
            .iter()
            .find(|r| r[0] == Data::String(name.to_string()))
            .unwrap()
            .clone()
    };
    assert_eq!(col(&by_person("甲"), 7), 2469.13);
    assert_eq!(col(&by_person("乙"), 7), 876.54);
    assert_eq!(col(&by_person("丙"), 7), 0.0);
    assert_eq!(col(&by_person("丁"), 7), 600.05);
    assert_eq!(bonus[4][0].to_string(), "总计");
    assert!((col(&bonus[4], 7) - (2469.13 + 876.54 + 600.05)).abs() < 1e-9);
    // Commission: 甲 sold 3,800 to a new customer (3% = 114.00) — 3,700 core
    // (1.5% = 55.50) and 100 new product (3% = 3.00) — 172.50 in all.
    let commission = sheet(&path, "提成");
    let a = commission
        .iter()
        .find(|r| r[0] == Data::String("甲".into()))
        .unwrap();
    let n = a.len();
    assert_eq!(
        (f(&a[n - 3]), f(&a[n - 2]), f(&a[n - 1])),
        (114.0, 58.5, 172.5)
    );

    // Promotion: 甲 at 123% this quarter and last (against last quarter's own target).
    let (_out, written) = review(
        &Team {
            q3: [3700, 3000, 1500, 2000],
            q2: Some([3700, 3100, 2000, 2000]),
            q2_targets: true,
            salaries: Some(SALARIES),
            ..Default::default()
        },
        false,
    );
    let promo = sheet(&written.join("incentives-2026Q3.xlsx"), "晋升候选");
    let names: Vec<String> = promo.iter().map(|r| r[0].to_string()).collect();
    assert_eq!(names, ["甲"]);
}

#[test]
fn salaries_and_payouts_appear_in_no_other_output() {
    let (_out, written) = review(
        &Team {
            q3: [3700, 3000, 1500, 2000],
            salaries: Some(SALARIES),
            ..Default::default()
        },
        false,
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(written.join("incentives-2026Q3.xlsx"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "owner only");
    }
    let secrets = [
        "12345.67",
        "12,345.67",
        "8765.43",
        "8,765.43",
        "2469.13",
        "2,469.13",
        "876.54",
        "月薪",
        "奖金",
        "提成",
        "Salary",
        "bonus",
    ];
    let mut checked = 0;
    for e in walkdir::WalkDir::new(&written.dir) {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().to_string();
        if !e.file_type().is_file() || name.starts_with("incentives-") {
            continue;
        }
        let text = if name.ends_with(".xlsx") {
            let mut wb = calamine::open_workbook_auto(e.path()).unwrap();
            let mut t = String::new();
            for s in wb.sheet_names() {
                for (_, _, v) in wb.worksheet_range(&s).unwrap().used_cells() {
                    t.push_str(&v.to_string());
                    t.push('\n');
                }
            }
            t
        } else {
            std::fs::read_to_string(e.path()).unwrap()
        };
        for s in secrets {
            // manifest.json names the file (not its content); allow its path only.
            let hay = if name == "manifest.json" {
                text.replace("incentives-2026Q3.xlsx", "")
            } else {
                text.clone()
            };
            assert!(!hay.contains(s), "{} contains {s}", e.path().display());
        }
        checked += 1;
    }
    assert!(checked >= 20, "{checked} files checked");

    let (_out, written) = review(
        &Team {
            q3: [3700, 3000, 1500, 2000],
            salaries: Some(SALARIES),
            ..Default::default()
        },
        true,
    );
    assert!(!written.join("incentives-2026Q3.xlsx").exists());
    // Without salaries in the People master there is nothing to preview.
    let (_out, written) = review(
        &Team {
            q3: [3700, 3000, 1500, 2000],
            ..Default::default()
        },
        false,
    );
    assert!(!written.join("incentives-2026Q3.xlsx").exists());
}
