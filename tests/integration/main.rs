//! Integration tests over whole inboxes: the committed sample data, the shared
//! real-world corpus, and the built binary's command line.

mod actions;
mod cache;
mod cli;
mod corpus;
mod csv;
mod dimensions;
mod email;
mod fuzz_regressions;
mod hostile;
mod html;
mod incentives;
mod init;
mod limits;
mod next;
mod nothing_lost;
mod okr;
mod parquet;
mod plan;
mod review;
mod rules;
mod sample_data;
mod split;
mod support;
mod watch;
mod workbook;
