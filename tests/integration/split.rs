//! `--split-by`: every unit's reports hold its own subtree and the company
//! headline, and never another unit's people or figures.

use crate::support::{check_inbox, sample_data, write_review};
use calamine::{Reader, Xlsx, open_workbook_from_rs};
use qbr::split::SplitBy;
use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

/// Every text of a workbook, joined.
fn workbook_text(bytes: &[u8]) -> String {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let mut out = String::new();
    for name in wb.sheet_names() {
        for (_, _, v) in wb.worksheet_range(&name).unwrap().used_cells() {
            out.push_str(&v.to_string());
            out.push('\n');
        }
    }
    out
}

/// (person, group, region) from the sample's people master.
fn team() -> Vec<(String, String, String)> {
    let loaded = crate::support::load(&sample_data());
    loaded
        .dataset
        .people
        .iter()
        .map(|p| (p.name.clone(), p.group.clone(), p.region.clone()))
        .collect()
}

fn split(by: SplitBy) -> (tempfile::TempDir, std::path::PathBuf) {
    let checked = check_inbox(&sample_data(), None);
    let opts = qbr::ReviewOptions {
        split_by: Some(by),
        ..Default::default()
    };
    let (out, _, written) = write_review(&checked, &opts);
    (out, written.dir)
}

fn texts(folder: &Path) -> Vec<(String, String)> {
    [
        "review-2026Q3.html",
        "email-2026Q3.html",
        "email-2026Q3.txt",
    ]
    .iter()
    .map(|f| {
        (
            f.to_string(),
            std::fs::read_to_string(folder.join(f)).unwrap(),
        )
    })
    .chain(std::iter::once((
        "review-2026Q3.xlsx".to_string(),
        workbook_text(&std::fs::read(folder.join("review-2026Q3.xlsx")).unwrap()),
    )))
    .collect()
}

/// The sales actual of every team unit in the company review, as the HTML and
/// the workbook write it: (dimension, unit) → ["2,175,615.77", "2175615.77"].
fn actuals(dir: &Path) -> BTreeMap<(String, String), [String; 2]> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for d in v["dimensions"].as_array().unwrap() {
        if d["measure"] != "sales"
            || !["region", "group", "person"].contains(&d["dimension"].as_str().unwrap())
        {
            continue;
        }
        for u in d["units"].as_array().unwrap() {
            let a: rust_decimal::Decimal = u["actual"].as_str().unwrap().parse().unwrap();
            let plain = a.normalize().to_string();
            out.insert(
                (
                    d["dimension"].as_str().unwrap().to_string(),
                    u["unit"].as_str().unwrap().to_string(),
                ),
                [qbr::money::format_money(a), plain],
            );
        }
    }
    out
}

/// Checks each unit's folder: the names it must show, and the names and
/// figures of other units it must not.
fn check(by: SplitBy, level: &str, members: BTreeMap<String, (Vec<String>, Vec<String>)>) {
    let (_tmp, dir) = split(by);
    let figures = actuals(&dir);
    let index: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("split/{level}/index.json"))).unwrap(),
    )
    .unwrap();
    let units: Vec<&str> = index["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"].as_str().unwrap())
        .collect();
    assert_eq!(units.len(), members.len(), "one report set per {level}");
    for (unit, (inside, outside)) in &members {
        let folder = dir.join(format!("split/{level}/{unit}"));
        for (file, text) in texts(&folder) {
            assert!(
                text.contains("12,000,000.00") || text.contains("12000000"),
                "{unit}/{file}: the company headline"
            );
            let must: Vec<&String> = inside.iter().collect();
            for name in must {
                assert!(
                    text.contains(name.as_str()),
                    "{unit}/{file} lacks its own {name}"
                );
            }
            for name in outside {
                assert!(
                    !text.contains(name.as_str()),
                    "{unit}/{file} shows {name}, outside its scope"
                );
            }
            let own: Vec<&String> = figures
                .iter()
                .filter(|((_, u), _)| inside.contains(u) || u == unit)
                .flat_map(|(_, forms)| forms.iter())
                .collect();
            for ((dim, other), forms) in &figures {
                if inside.contains(other) || other == unit {
                    continue;
                }
                // A figure equal to one of the unit's own (a region with a single group) is no leak.
                for f in forms.iter().filter(|f| !own.contains(f)) {
                    assert!(
                        !text.contains(f.as_str()),
                        "{unit}/{file} shows the {dim} {other}'s actual {f}"
                    );
                }
            }
        }
    }
}

#[test]
fn region_reports_hold_only_their_groups_and_people() {
    let team = team();
    let mut members = BTreeMap::new();
    for (_, _, region) in &team {
        let inside: Vec<String> = team
            .iter()
            .filter(|t| &t.2 == region)
            .flat_map(|t| [t.0.clone(), t.1.clone()])
            .collect();
        let outside: Vec<String> = team
            .iter()
            .filter(|t| &t.2 != region)
            .flat_map(|t| [t.0.clone(), t.1.clone()])
            .collect();
        members.insert(region.clone(), (inside, outside));
    }
    check(SplitBy::Region, "region", members);
}

#[test]
fn group_reports_hold_only_their_people() {
    let team = team();
    let mut members = BTreeMap::new();
    for (_, group, _) in &team {
        let inside: Vec<String> = team
            .iter()
            .filter(|t| &t.1 == group)
            .map(|t| t.0.clone())
            .collect();
        // Other groups and their people; the region appears only as this group's parent
        // label, and its figures are checked below.
        let outside: Vec<String> = team
            .iter()
            .filter(|t| &t.1 != group)
            .flat_map(|t| [t.0.clone(), t.1.clone()])
            .collect();
        members.insert(group.clone(), (inside, outside));
    }
    check(SplitBy::Group, "group", members);
}

#[test]
fn person_reports_hold_only_that_person() {
    let team = team();
    let mut members = BTreeMap::new();
    for (person, group, _) in &team {
        // Everyone else, and every group but this person's own (shown as the parent label).
        let outside: Vec<String> = team
            .iter()
            .filter(|t| &t.0 != person)
            .flat_map(|t| [t.0.clone(), t.1.clone()])
            .filter(|n| n != group)
            .collect();
        members.insert(person.clone(), (vec![person.clone()], outside));
    }
    check(SplitBy::Person, "person", members);
}
