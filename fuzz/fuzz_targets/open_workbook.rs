//! Opening a workbook from bytes through qbr's whole input layer, as each
//! of the formats qbr reads.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A panic inside calamine is caught by qbr and becomes a
    // `workbook.unreadable` diagnostic, as in the binary; any other panic
    // still aborts and is reported by the fuzzer.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(qbr::read::install_quiet_reader_panics);
    let name = match data.first().map(|b| b % 4) {
        Some(0) => "f.xlsx",
        Some(1) => "f.xls",
        Some(2) => "f.xlsb",
        _ => "f.ods",
    };
    let _ = qbr::read_workbook_bytes(name, data.to_vec());
});
