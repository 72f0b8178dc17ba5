//! Every parser of cell text: amounts, dates, periods, months, names.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let _ = qbr::money::parse_amount(&s);
    let _ = qbr::calendar::parse_date(&s);
    let _ = qbr::calendar::parse_period(&s);
    let _ = qbr::calendar::parse_month(&s);
    let _ = qbr::text::match_key(&s);
    let _ = qbr::text::fold_width(&s);
    let _ = qbr::ledger::Lifecycle::parse(&s);
    let _ = qbr::ledger::product_class_key(&s);
    let _ = qbr::records::Dimension::parse(&s);
    let _ = qbr::records::Measure::parse(&s);
    if let Ok(d) = qbr::money::parse_amount(&s) {
        // What qbr writes, it reads back.
        let written = qbr::money::format_money(qbr::money::round_money(d));
        assert_eq!(
            qbr::money::parse_amount(&written).ok(),
            Some(qbr::money::round_money(d)),
            "{s:?} → {written:?}"
        );
    }
});
