//! The incentive preview (restricted): each person's quarterly bonus by tier,
//! commissions by customer lifecycle and product class, and promotion
//! candidates — `incentives-<period>.xlsx`, written only when the People
//! master carries monthly salaries, readable by its owner only.
//!
//! Salaries and payouts appear nowhere else: not in summary.json, the HTML,
//! the email bodies, the review workbook or the per-recipient reports (a test
//! greps every other output for them).

use crate::error::Error;
use crate::i18n::{Key, Lang};
use crate::ledger::{Lifecycle, OptSym, Sym};
use crate::money::{round_money, round_rate};
use crate::records::{Dimension, Measure};
use crate::text::match_key;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};
use std::collections::HashMap;

/// One person's preview.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonIncentive {
    pub person: String,
    pub group: String,
    pub region: String,
    pub monthly_salary: Option<Decimal>,
    pub completion: Option<Decimal>,
    /// The bonus tier's completion line reached (1.0, 1.2), if any.
    pub tier: Option<Decimal>,
    pub bonus_rate: Decimal,
    pub bonus: Decimal,
    /// Sales by lifecycle: new, returning, churned (recalled).
    pub by_customer: [Decimal; 3],
    /// Sales by product class key.
    pub by_class: Vec<(String, Decimal)>,
    pub customer_commission: Decimal,
    pub product_commission: Decimal,
    /// Last quarter's completion (`true`: estimated, see [`crate::next`]).
    pub previous: Option<(Decimal, bool)>,
    pub promotion_candidate: bool,
}

/// A person's sales by lifecycle (new, returning, churned) and by product
/// class, the class named by `C`.
type PersonSales<C = String> = ([Decimal; 3], Vec<(C, Decimal)>);

/// Computes the preview for every person of the People master.
pub fn incentives(x: &crate::next::Inputs) -> Vec<PersonIncentive> {
    let ds = x.dataset;
    let cfg = &x.config.incentives;
    let previous = crate::next::previous_completions(x);
    let person_units: HashMap<String, &crate::analyze::UnitReview> = x
        .review
        .dimensions
        .iter()
        .filter(|d| d.dimension == Dimension::Person && d.measure == Measure::Sales)
        .flat_map(|d| &d.units)
        .map(|u| (match_key(&u.unit), u))
        .collect();
    // Summed by symbol, in line order, then named once a person and class:
    // a line costs a lookup, not two new strings.
    let mut by_person: HashMap<Sym, PersonSales<OptSym>> = HashMap::new();
    for e in x.ledger.in_period(x.review.period) {
        let Some(p) = e.person.get() else { continue };
        let amount = e.amount;
        let entry = by_person.entry(p).or_default();
        match e.lifecycle {
            Ok(Lifecycle::New) => entry.0[0] += amount,
            Ok(Lifecycle::Returning) => entry.0[1] += amount,
            Ok(Lifecycle::Churned) => entry.0[2] += amount,
            Err(_) => {}
        }
        match entry.1.iter_mut().find(|(k, _)| *k == e.product_class) {
            Some((_, v)) => *v += amount,
            None => entry.1.push((e.product_class, amount)),
        }
    }
    // Symbols' keys are distinct, so no two of them merge here.
    let name = |s: Sym| x.ledger.symbols.name(s).to_string();
    let sales: HashMap<String, PersonSales> = by_person
        .into_iter()
        .map(|(p, (by_lifecycle, by_class))| {
            let by_class = by_class
                .into_iter()
                .map(|(c, v)| (c.get().map(name).unwrap_or_default(), v))
                .collect();
            (name(p), (by_lifecycle, by_class))
        })
        .collect();
    let rate = |m: &std::collections::BTreeMap<String, Decimal>, k: &str| {
        m.get(k).copied().unwrap_or_default()
    };
    ds.people
        .iter()
        .map(|p| {
            let key = match_key(&p.name);
            let unit = person_units.get(&key);
            let completion = unit.and_then(|u| u.completion);
            let (tier, bonus_rate) = completion
                .and_then(|c| cfg.bonus.iter().rev().find(|(at, _)| c >= *at).copied())
                .map_or((None, Decimal::ZERO), |(at, r)| (Some(at), r));
            let bonus = round_money(p.salary.unwrap_or_default() * bonus_rate);
            let (by_customer, mut by_class) = sales
                .get(&crate::ledger::unit_key(&Dimension::Person, &p.name))
                .cloned()
                .unwrap_or_default();
            by_class.sort();
            let customer_commission = round_money(
                ["new", "returning", "churned"]
                    .iter()
                    .zip(by_customer)
                    .map(|(k, v)| v * rate(&cfg.customer_commission, k))
                    .sum(),
            );
            let product_commission = round_money(
                by_class
                    .iter()
                    .map(|(k, v)| *v * rate(&cfg.product_commission, k))
                    .sum(),
            );
            let previous = unit.and_then(|u| previous.get(&u.node).copied());
            let promotion_candidate = completion.is_some_and(|c| c >= cfg.promotion_at)
                && previous.is_some_and(|(c, _)| c >= cfg.promotion_at);
            PersonIncentive {
                person: p.name.clone(),
                group: p.group.clone(),
                region: p.region.clone(),
                monthly_salary: p.salary,
                completion,
                tier,
                bonus_rate,
                bonus,
                by_customer,
                by_class,
                customer_commission,
                product_commission,
                previous,
                promotion_candidate,
            }
        })
        .collect()
}

fn xerr(e: XlsxError) -> Error {
    Error::Workbook {
        path: "incentives workbook".into(),
        message: e.to_string(),
    }
}

fn num(v: Decimal) -> f64 {
    v.to_f64().unwrap_or_default()
}

/// Renders `incentives-<period>.xlsx`: bonus, commission and promotion sheets,
/// each headed by the restricted-data warning.
///
/// # Errors
/// [`Error::Workbook`] when rust_xlsxwriter refuses a value.
pub fn incentives_workbook(
    rows: &[PersonIncentive],
    period: crate::calendar::Period,
    lang: Lang,
    cfg: &crate::config::IncentiveConfig,
) -> Result<Vec<u8>, Error> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 1, 1).map_err(xerr)?;
    let title = format!("{period} {}", lang.t(Key::IncentivesTitle));
    wb.set_properties(
        &DocProperties::new()
            .set_title(&title)
            .set_subject(lang.t(Key::Restricted))
            .set_author("qbr")
            .set_creation_datetime(&created),
    );
    let warn = Format::new().set_bold().set_font_color("#C00000");
    let head = Format::new().set_bold().set_background_color("#DDE4EE");
    let money = Format::new().set_num_format("#,##0.00");
    let pct = Format::new().set_num_format("0.00%");
    let bold_money = money.clone().set_bold();
    let sheet = |wb: &mut Workbook, name: Key, cols: &[&str]| -> Result<(), Error> {
        let ws = wb.add_worksheet();
        ws.set_name(lang.t(name)).map_err(xerr)?;
        ws.write_string_with_format(0, 0, &title, &Format::new().set_bold().set_font_size(14))
            .map_err(xerr)?;
        ws.write_string_with_format(1, 0, lang.t(Key::Restricted), &warn)
            .map_err(xerr)?;
        for (c, h) in cols.iter().enumerate() {
            ws.write_string_with_format(3, c as u16, *h, &head)
                .map_err(xerr)?;
            ws.set_column_width(c as u16, 14).map_err(xerr)?;
        }
        ws.set_freeze_panes(4, 1).map_err(xerr)?;
        Ok(())
    };

    // Bonus.
    sheet(
        &mut wb,
        Key::SheetBonus,
        &[
            lang.t(Key::DimPerson),
            lang.t(Key::DimGroup),
            lang.t(Key::DimRegion),
            lang.t(Key::Completion),
            lang.t(Key::BonusTier),
            lang.t(Key::MonthlySalary),
            lang.t(Key::BonusRate),
            lang.t(Key::Bonus),
        ],
    )?;
    let ws = wb.worksheet_from_index(0).map_err(xerr)?;
    let mut total = Decimal::ZERO;
    for (i, p) in rows.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_string(r, 0, &p.person).map_err(xerr)?;
        ws.write_string(r, 1, &p.group).map_err(xerr)?;
        ws.write_string(r, 2, &p.region).map_err(xerr)?;
        if let Some(c) = p.completion {
            ws.write_number_with_format(r, 3, num(round_rate(c)), &pct)
                .map_err(xerr)?;
        }
        let tier = p
            .tier
            .map(|t| format!("≥ {}", crate::money::format_percent(t)))
            .unwrap_or_else(|| lang.t(Key::TierNone).to_string());
        ws.write_string(r, 4, &tier).map_err(xerr)?;
        if let Some(s) = p.monthly_salary {
            ws.write_number_with_format(r, 5, num(s), &money)
                .map_err(xerr)?;
        }
        ws.write_number_with_format(r, 6, num(p.bonus_rate), &pct)
            .map_err(xerr)?;
        ws.write_number_with_format(r, 7, num(p.bonus), &money)
            .map_err(xerr)?;
        total += p.bonus;
    }
    let r = 4 + rows.len() as u32;
    ws.write_string_with_format(r, 0, lang.t(Key::DimTotal), &Format::new().set_bold())
        .map_err(xerr)?;
    ws.write_number_with_format(r, 7, num(total), &bold_money)
        .map_err(xerr)?;

    // Commission.
    let mut classes: Vec<String> = rows
        .iter()
        .flat_map(|p| p.by_class.iter().map(|(k, _)| k.clone()))
        .collect();
    classes.sort();
    classes.dedup();
    let class_name = |k: &str| -> String {
        match (lang, k) {
            (Lang::Zh, "core") => "核心产品".into(),
            (Lang::Zh, "new") => "新品".into(),
            (Lang::Zh, "long_tail") => "长尾产品".into(),
            (_, "") => "—".into(),
            (_, other) => other.to_string(),
        }
    };
    let mut cols: Vec<String> = vec![
        lang.t(Key::DimPerson).into(),
        format!("{} {}", lang.t(Key::Sales), lang.t(Key::LifeNew)),
        format!("{} {}", lang.t(Key::Sales), lang.t(Key::LifeReturning)),
        format!("{} {}", lang.t(Key::Sales), lang.t(Key::LifeChurned)),
    ];
    cols.extend(
        classes
            .iter()
            .map(|k| format!("{} {}", lang.t(Key::Sales), class_name(k))),
    );
    cols.extend([
        lang.t(Key::CustomerCommission).to_string(),
        lang.t(Key::ProductCommission).to_string(),
        lang.t(Key::CommissionTotal).to_string(),
    ]);
    let col_refs: Vec<&str> = cols.iter().map(String::as_str).collect();
    sheet(&mut wb, Key::SheetCommission, &col_refs)?;
    let ws = wb.worksheet_from_index(1).map_err(xerr)?;
    let mut sum = [Decimal::ZERO; 3];
    for (i, p) in rows.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_string(r, 0, &p.person).map_err(xerr)?;
        for (k, v) in p.by_customer.iter().enumerate() {
            ws.write_number_with_format(r, 1 + k as u16, num(round_money(*v)), &money)
                .map_err(xerr)?;
        }
        for (k, class) in classes.iter().enumerate() {
            let v = p
                .by_class
                .iter()
                .find(|(c, _)| c == class)
                .map(|(_, v)| *v)
                .unwrap_or_default();
            ws.write_number_with_format(r, 4 + k as u16, num(round_money(v)), &money)
                .map_err(xerr)?;
        }
        let c0 = 4 + classes.len() as u16;
        let both = p.customer_commission + p.product_commission;
        for (k, v) in [p.customer_commission, p.product_commission, both]
            .into_iter()
            .enumerate()
        {
            ws.write_number_with_format(r, c0 + k as u16, num(v), &money)
                .map_err(xerr)?;
            sum[k] += v;
        }
    }
    let r = 4 + rows.len() as u32;
    let c0 = 4 + classes.len() as u16;
    ws.write_string_with_format(r, 0, lang.t(Key::DimTotal), &Format::new().set_bold())
        .map_err(xerr)?;
    for (k, v) in sum.iter().enumerate() {
        ws.write_number_with_format(r, c0 + k as u16, num(*v), &bold_money)
            .map_err(xerr)?;
    }
    let rates = |m: &std::collections::BTreeMap<String, Decimal>| {
        m.iter()
            .map(|(k, v)| format!("{} {}", class_name(k), crate::money::format_percent(*v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    ws.write_string(
        r + 2,
        0,
        format!(
            "{}: {}; {}: {}",
            lang.t(Key::CustomerCommission),
            rates(&cfg.customer_commission),
            lang.t(Key::ProductCommission),
            rates(&cfg.product_commission)
        ),
    )
    .map_err(xerr)?;

    // Promotion candidates.
    sheet(
        &mut wb,
        Key::SheetPromotion,
        &[
            lang.t(Key::DimPerson),
            lang.t(Key::DimGroup),
            lang.t(Key::Completion),
            lang.t(Key::EvPreviousCompletion),
            lang.t(Key::Estimated),
        ],
    )?;
    let ws = wb.worksheet_from_index(2).map_err(xerr)?;
    for (i, p) in rows.iter().filter(|p| p.promotion_candidate).enumerate() {
        let r = 4 + i as u32;
        ws.write_string(r, 0, &p.person).map_err(xerr)?;
        ws.write_string(r, 1, &p.group).map_err(xerr)?;
        if let Some(c) = p.completion {
            ws.write_number_with_format(r, 2, num(round_rate(c)), &pct)
                .map_err(xerr)?;
        }
        if let Some((c, estimated)) = p.previous {
            ws.write_number_with_format(r, 3, num(round_rate(c)), &pct)
                .map_err(xerr)?;
            if estimated {
                ws.write_string(r, 4, lang.t(Key::Yes)).map_err(xerr)?;
            }
        }
    }
    wb.save_to_buffer().map_err(xerr)
}
