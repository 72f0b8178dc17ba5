//! `qbr.toml` and command-line overrides, resolved once into [`Config`].
//!
//! The file is optional and read from the inbox root (or `--config`). A missing
//! file means the built-in defaults; an unknown key or a malformed file stops
//! the run with an error naming the file. Precedence: CLI flag > `qbr.toml` >
//! default. docs/config.md lists every key.

use crate::calendar::{Period, parse_period};
use crate::diag::Words;
use crate::error::Error;
use crate::i18n::{Key, Lang};
use crate::money::decimal_from_f64;
use crate::recognize::Field;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

mod toml_error;

/// The resolved configuration every stage reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Extra header synonyms per field, from `[headers]`.
    pub headers: BTreeMap<Field, Vec<String>>,
    /// The quarter to check and review; `None`: the targets or the orders decide.
    pub period: Option<Period>,
    /// Quarters without an order after which a customer counts as churned (contract §3).
    pub churn_quarters: u32,
    /// How far (in yuan or units) children may miss their parent's target.
    pub sum_tolerance: Decimal,
    /// Largest growth over last quarter's actual that counts as achievable (0.5 = +50%).
    pub max_growth: Decimal,
    /// How far a person's target may stray from the fair-share model (0.2 = 20%).
    pub fair_share_tolerance: Decimal,
    /// How far the new-customer count may stray from sales ÷ average order value (0.05 = 5%).
    pub new_customer_tolerance: Decimal,
    /// Target weight per people-master level (`top` 1.4, `regular` 1.2, `new` 1.0).
    pub level_weights: BTreeMap<String, Decimal>,
    /// Completion below this is a short board (0.85).
    pub short_board_below: Decimal,
    /// Completion from this on is excellent (1.20).
    pub excellent_at: Decimal,
    /// A unit whose completion is below this share of the expected pace gets a warning (0.80).
    pub pace_warning: Decimal,
    /// The strategy's yearly sales growth, compounded per quarter for next quarter's total (0.20).
    pub annual_growth: Decimal,
    /// A unit whose actual share of its siblings' sales strays this far from
    /// its planned share is flagged (0.05 = 5 percentage points).
    pub share_mismatch: Decimal,
    /// Leads (per target) or conversion below this share of the level's average name a lever (0.8).
    pub lever_ratio: Decimal,
    /// One person explaining more than this share of a short group's shortfall needs coaching (0.5).
    pub drag_share: Decimal,
    /// `qbr plan`: strategy weight per customer lifecycle (`new = 1.2` pushes acquisition).
    pub customer_weights: BTreeMap<String, Decimal>,
    /// `qbr plan`: strategy weight per product class (`new = 1.3` pushes new products).
    pub product_weights: BTreeMap<String, Decimal>,
    /// The success line of OKR-style targets (0.70): below it an OKR unit is a short board.
    pub okr_success: Decimal,
    /// `qbr plan --proposals`: the bottom-up proposals' weight in the blend (0.5).
    pub proposal_weight: Decimal,
    /// Dimensions whose targets are all OKR-style (`[dimensions.<name>] okr = true`).
    pub okr_dimensions: Vec<crate::records::Dimension>,
    /// Dimensions declared in `qbr.toml`, mapped to a column of the orders or a master.
    pub custom_dimensions: Vec<CustomDimensionConfig>,
    /// How big an input may be before qbr refuses it.
    pub limits: Limits,
    /// The incentive preview's rates, `[incentives]`.
    pub incentives: IncentiveConfig,
    /// Who receives the reports and how they are sent: `[email]`, `[recipients]`,
    /// `allowed_domains`.
    pub email: EmailConfig,
}

/// Input size limits: a workbook over them is refused with a clear error
/// instead of exhausting memory (`max_unpacked_mb`, `max_rows`, `max_columns`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most a zip-based workbook (xlsx, xlsm, xlsb, ods) may unpack to, in bytes
    /// (its declared sizes, checked before anything is inflated). 1 GiB.
    pub max_unpacked_bytes: u64,
    /// The most rows a sheet may span (2,000,000).
    pub max_rows: u32,
    /// The most columns a sheet may span (1,000).
    pub max_columns: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_unpacked_bytes: 1024 * 1024 * 1024,
            max_rows: 2_000_000,
            max_columns: 1_000,
        }
    }
}

/// Rates of the incentive preview (`incentives-<period>.xlsx`).
#[derive(Debug, Clone, PartialEq)]
pub struct IncentiveConfig {
    /// (completion at least, share of the monthly salary), lowest first:
    /// 100% → 10%, 120% → 20%.
    pub bonus: Vec<(Decimal, Decimal)>,
    /// Commission on sales by customer lifecycle key (`new` 3%, `returning` 1%,
    /// `churned` 3%: a recalled customer is won like a new one).
    pub customer_commission: BTreeMap<String, Decimal>,
    /// Commission on sales by product class key (`new` 3%, `core` 1.5%).
    pub product_commission: BTreeMap<String, Decimal>,
    /// Two quarters running at or above this completion: a promotion candidate (1.2).
    pub promotion_at: Decimal,
}

impl Default for IncentiveConfig {
    fn default() -> Self {
        let rates = |pairs: &[(&str, i64, u32)]| {
            pairs
                .iter()
                .map(|(k, v, s)| (k.to_string(), Decimal::new(*v, *s)))
                .collect()
        };
        IncentiveConfig {
            bonus: vec![
                (Decimal::ONE, Decimal::new(10, 2)),
                (Decimal::new(12, 1), Decimal::new(20, 2)),
            ],
            customer_commission: rates(&[("new", 3, 2), ("returning", 1, 2), ("churned", 3, 2)]),
            product_commission: rates(&[("new", 3, 2), ("core", 15, 3)]),
            promotion_at: Decimal::new(12, 1),
        }
    }
}

/// A dimension declared in `qbr.toml` (contract §2, custom dimensions):
/// `[dimensions.industry] column = "行业", master = "customers"`.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomDimensionConfig {
    pub dimension: crate::records::CustomDimension,
    /// Header names of its column (any one matches, like a header synonym).
    pub columns: Vec<String>,
    /// The sheets that carry the column: orders, or the customers, products or people master.
    pub source: crate::recognize::Role,
    /// Names a Targets row or sheet may call the dimension by: the key, `zh`, `en`, the columns.
    pub names: Vec<String>,
}

impl Config {
    /// A dimension as parsed from a cell, with a declared one's name resolved
    /// (`行业` → the `industry` dimension); others unchanged.
    pub fn resolve_dimension(&self, d: crate::records::Dimension) -> crate::records::Dimension {
        use crate::records::Dimension;
        match d {
            Dimension::Other(name) => match self.custom_dimension(&name) {
                Some(c) => Dimension::Custom(c.dimension.clone()),
                None => Dimension::Other(name),
            },
            d => d,
        }
    }

    /// The declared dimension a Targets cell names (by key, zh, en or column name).
    pub fn custom_dimension(&self, name: &str) -> Option<&CustomDimensionConfig> {
        let key = crate::text::match_key(name);
        self.custom_dimensions
            .iter()
            .find(|c| c.names.iter().any(|n| crate::text::match_key(n) == key))
    }
}

/// `[dimensions.<name>]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct DimensionFile {
    /// Every target of the dimension is OKR-style.
    okr: bool,
    /// A custom dimension's column header: one name or a list of names.
    column: Option<OneOrMany>,
    /// Where the column is: `orders` (default), `customers`, `products` or `people`.
    master: Option<String>,
    /// The dimension's Chinese name in reports.
    zh: Option<String>,
    /// The dimension's English name in reports.
    en: Option<String>,
}

/// A string or a list of strings.
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "expected a column name or a list of names")]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// Reads one `[dimensions.<name>]` table into the configuration.
fn dimension_config(cfg: &mut Config, name: String, d: DimensionFile) -> Result<(), Words> {
    use crate::recognize::Role;
    use crate::records::{CustomDimension, Dimension};
    let parsed = Dimension::parse(&name).ok_or_else(|| Words::of(Key::CfgDimensionNoName, &[]))?;
    let Some(column) = d.column else {
        if !matches!(parsed, Dimension::Other(_)) {
            if d.master.is_some() || d.zh.is_some() || d.en.is_some() {
                return Err(Words::of(Key::CfgDimensionBuiltIn, &[&name]));
            }
            if d.okr {
                cfg.okr_dimensions.push(parsed);
            }
            return Ok(());
        }
        return Err(Words::of(Key::CfgDimensionNoColumn, &[&name]));
    };
    if !matches!(parsed, Dimension::Other(_)) {
        return Err(Words::of(Key::CfgDimensionBuiltInColumn, &[&name]));
    }
    let columns: Vec<String> = column
        .into_vec()
        .into_iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    if columns.is_empty() {
        return Err(Words::of(Key::CfgDimensionColumnEmpty, &[&name]));
    }
    let source = match d.master.as_deref().map(crate::text::match_key).as_deref() {
        None | Some("orders" | "order" | "订单" | "订单明细") => Role::Orders,
        Some("customers" | "customer" | "客户" | "客户主数据") => Role::Customers,
        Some("products" | "product" | "产品" | "产品主数据") => Role::Products,
        Some("people" | "person" | "人员" | "人员主数据") => Role::People,
        Some(other) => {
            return Err(Words::of(Key::CfgDimensionMaster, &[&name, other]));
        }
    };
    let key = name.trim().to_string();
    let zh = d.zh.unwrap_or_else(|| key.clone());
    let en = d.en.unwrap_or_else(|| key.clone());
    let mut names = vec![key.clone(), zh.clone(), en.clone()];
    names.extend(columns.iter().cloned());
    let dimension = CustomDimension { key, zh, en };
    if let Some(other) = cfg.custom_dimensions.iter().find(|c| {
        c.names.iter().any(|n| {
            names
                .iter()
                .any(|m| crate::text::match_key(m) == crate::text::match_key(n))
        })
    }) {
        return Err(Words::of(
            Key::CfgDimensionSharedName,
            &[&name, &other.dimension.key],
        ));
    }
    if d.okr {
        cfg.okr_dimensions
            .push(Dimension::Custom(dimension.clone()));
    }
    cfg.custom_dimensions.push(CustomDimensionConfig {
        dimension,
        columns,
        source,
        names,
    });
    Ok(())
}

/// `[incentives]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct IncentiveFile {
    bonus: Option<Vec<(Num, Num)>>,
    customer_commission: BTreeMap<String, Num>,
    product_commission: BTreeMap<String, Num>,
    promotion_at: Option<Num>,
}

/// How `qbr email` delivers the reports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmailConfig {
    /// The sender, `Name <address>` or a bare address (`[email] from`).
    pub from: Option<String>,
    /// Extra recipients per unit name; `"*"` receives the whole company's report.
    pub recipients: BTreeMap<String, Vec<String>>,
    /// When not empty, every recipient's domain must be one of these.
    pub allowed_domains: Vec<String>,
    /// The SMTP relay; `None` until `[email] smtp_host` is set.
    pub smtp: Option<SmtpConfig>,
}

/// The SMTP relay `qbr email` sends through.
#[derive(Debug, Clone, PartialEq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// The login name; without it qbr sends without authenticating.
    pub username: Option<String>,
    /// The environment variable holding the password (`QBR_SMTP_PASSWORD`).
    pub password_env: String,
    pub security: SmtpSecurity,
}

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only to a relay on this machine (127.0.0.1, ::1, localhost).
    None,
}

impl SmtpSecurity {
    fn default_port(self) -> u16 {
        match self {
            SmtpSecurity::Starttls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::None => 25,
        }
    }
}

/// `[email]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct EmailFile {
    from: Option<String>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_user: Option<String>,
    smtp_password_env: Option<String>,
    smtp_security: Option<SmtpSecurity>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            headers: BTreeMap::new(),
            period: None,
            churn_quarters: 2,
            sum_tolerance: Decimal::ZERO,
            max_growth: Decimal::new(5, 1),
            fair_share_tolerance: Decimal::new(2, 1),
            new_customer_tolerance: Decimal::new(5, 2),
            level_weights: [("top", 14), ("regular", 12), ("new", 10)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), Decimal::new(v, 1)))
                .collect(),
            short_board_below: Decimal::new(85, 2),
            excellent_at: Decimal::new(120, 2),
            pace_warning: Decimal::new(80, 2),
            annual_growth: Decimal::new(20, 2),
            share_mismatch: Decimal::new(5, 2),
            lever_ratio: Decimal::new(8, 1),
            drag_share: Decimal::new(5, 1),
            customer_weights: BTreeMap::new(),
            product_weights: BTreeMap::new(),
            okr_success: Decimal::new(70, 2),
            proposal_weight: Decimal::new(5, 1),
            okr_dimensions: Vec::new(),
            custom_dimensions: Vec::new(),
            limits: Limits::default(),
            incentives: IncentiveConfig::default(),
            email: EmailConfig::default(),
        }
    }
}

/// A number written as a TOML number or as a string (`"0.05"`, `"5%"`).
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "expected a number such as 0.05 or \"5%\"")]
enum Num {
    Int(i64),
    Float(f64),
    Text(String),
}

impl Num {
    fn to_decimal(&self, key: &str) -> Result<Decimal, Words> {
        let not_a_number = |s: &str| Words::of(Key::CfgNotANumber, &[key, s]);
        match self {
            Num::Int(i) => Ok(Decimal::from(*i)),
            Num::Float(f) => decimal_from_f64(*f).map_err(|_| not_a_number(&f.to_string())),
            Num::Text(s) => crate::money::parse_amount(s)
                .or_else(|_| Decimal::from_str(s))
                .map_err(|_| not_a_number(s)),
        }
    }
}

/// `qbr.toml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ConfigFile {
    /// `[headers] amount = ["Net Sales"]`
    headers: BTreeMap<String, Vec<String>>,
    period: Option<String>,
    churn_quarters: Option<u32>,
    sum_tolerance: Option<Num>,
    max_growth: Option<Num>,
    fair_share_tolerance: Option<Num>,
    new_customer_tolerance: Option<Num>,
    level_weights: BTreeMap<String, Num>,
    short_board_below: Option<Num>,
    excellent_at: Option<Num>,
    pace_warning: Option<Num>,
    annual_growth: Option<Num>,
    share_mismatch: Option<Num>,
    lever_ratio: Option<Num>,
    drag_share: Option<Num>,
    customer_weights: BTreeMap<String, Num>,
    product_weights: BTreeMap<String, Num>,
    incentives: IncentiveFile,
    okr_success: Option<Num>,
    proposal_weight: Option<Num>,
    dimensions: BTreeMap<String, DimensionFile>,
    max_unpacked_mb: Option<u64>,
    max_rows: Option<u32>,
    max_columns: Option<u32>,
    email: EmailFile,
    recipients: BTreeMap<String, Vec<String>>,
    allowed_domains: Vec<String>,
}

impl Config {
    /// Reads `path` when given (a missing file is then an error), otherwise the
    /// defaults.
    ///
    /// # Errors
    /// [`Error::Config`] when the file cannot be read, is not valid TOML, has an
    /// unknown key, or holds a value of the wrong kind.
    pub fn load(path: Option<&Path>) -> Result<Config, Error> {
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let err = |message: Words| Error::Config {
            path: path.to_path_buf(),
            message,
        };
        let bytes = std::fs::read(path).map_err(|e| err(Words::of_io(&e)))?;
        let text =
            crate::text::decode_text(&bytes).ok_or_else(|| err(Words::of(Key::CfgNotText, &[])))?;
        Config::parse(&text).map_err(err)
    }

    /// Parses the text of a `qbr.toml`.
    ///
    /// # Errors
    /// A message, in both languages, saying what is wrong and where.
    pub fn parse(text: &str) -> Result<Config, Words> {
        let file: ConfigFile =
            toml::from_str(text).map_err(|e| toml_error::toml_words(text, &e))?;
        let mut cfg = Config::default();
        for (key, names) in file.headers {
            let field = Field::from_key(&key).ok_or_else(|| {
                let known: Vec<String> = Field::ALL.iter().map(|f| f.key().to_string()).collect();
                Words::each(
                    Key::CfgUnknownField,
                    &[&key, &Lang::En.join(&known)],
                    &[&key, &Lang::Zh.join(&known)],
                )
            })?;
            cfg.headers.insert(field, names);
        }
        if let Some(p) = file.period {
            cfg.period = Some(parse_period(&p).ok_or_else(|| Words::of(Key::CfgPeriod, &[&p]))?);
        }
        if let Some(n) = file.churn_quarters {
            if n == 0 {
                return Err(Words::of(Key::CfgChurnQuarters, &[]));
            }
            cfg.churn_quarters = n;
        }
        let set = |slot: &mut Decimal, v: Option<Num>, key: &str| -> Result<(), Words> {
            if let Some(v) = v {
                let d = v.to_decimal(key)?;
                if d.is_sign_negative() {
                    return Err(Words::of(Key::CfgNegative, &[key]));
                }
                *slot = d;
            }
            Ok(())
        };
        set(&mut cfg.sum_tolerance, file.sum_tolerance, "sum_tolerance")?;
        set(&mut cfg.max_growth, file.max_growth, "max_growth")?;
        set(
            &mut cfg.fair_share_tolerance,
            file.fair_share_tolerance,
            "fair_share_tolerance",
        )?;
        set(
            &mut cfg.new_customer_tolerance,
            file.new_customer_tolerance,
            "new_customer_tolerance",
        )?;
        set(
            &mut cfg.short_board_below,
            file.short_board_below,
            "short_board_below",
        )?;
        set(&mut cfg.excellent_at, file.excellent_at, "excellent_at")?;
        set(&mut cfg.pace_warning, file.pace_warning, "pace_warning")?;
        set(&mut cfg.annual_growth, file.annual_growth, "annual_growth")?;
        set(
            &mut cfg.share_mismatch,
            file.share_mismatch,
            "share_mismatch",
        )?;
        set(&mut cfg.lever_ratio, file.lever_ratio, "lever_ratio")?;
        set(&mut cfg.drag_share, file.drag_share, "drag_share")?;
        if cfg.short_board_below > cfg.excellent_at {
            return Err(Words::of(Key::CfgThresholds, &[]));
        }
        for (table, from, to) in [
            ("level_weights", file.level_weights, &mut cfg.level_weights),
            (
                "customer_weights",
                file.customer_weights,
                &mut cfg.customer_weights,
            ),
            (
                "product_weights",
                file.product_weights,
                &mut cfg.product_weights,
            ),
        ] {
            for (name, w) in from {
                let key = format!("{table}.{name}");
                let w = w.to_decimal(&key)?;
                if w.is_sign_negative() {
                    return Err(Words::of(Key::CfgNegative, &[&key]));
                }
                to.insert(name, w);
            }
        }
        cfg.email = email_config(file.email, file.recipients, file.allowed_domains)?;
        cfg.incentives = incentive_config(file.incentives)?;
        set(&mut cfg.okr_success, file.okr_success, "okr_success")?;
        set(
            &mut cfg.proposal_weight,
            file.proposal_weight,
            "proposal_weight",
        )?;
        if cfg.proposal_weight > Decimal::ONE {
            return Err(Words::of(Key::CfgProposalWeight, &[]));
        }
        for (name, d) in file.dimensions {
            dimension_config(&mut cfg, name, d)?;
        }
        if let Some(mb) = file.max_unpacked_mb {
            cfg.limits.max_unpacked_bytes = mb.saturating_mul(1024 * 1024);
        }
        if let Some(n) = file.max_rows {
            cfg.limits.max_rows = n;
        }
        if let Some(n) = file.max_columns {
            cfg.limits.max_columns = n;
        }
        Ok(cfg)
    }
}

/// Resolves `[incentives]` over the defaults.
fn incentive_config(file: IncentiveFile) -> Result<IncentiveConfig, Words> {
    let mut c = IncentiveConfig::default();
    let num = |v: &Num, key: &str| -> Result<Decimal, Words> {
        let d = v.to_decimal(key)?;
        if d.is_sign_negative() {
            return Err(Words::of(Key::CfgNegative, &[key]));
        }
        Ok(d)
    };
    if let Some(tiers) = file.bonus {
        let mut out = Vec::new();
        for (at, rate) in &tiers {
            out.push((num(at, "incentives.bonus")?, num(rate, "incentives.bonus")?));
        }
        out.sort();
        c.bonus = out;
    }
    for (key, v) in &file.customer_commission {
        let k = crate::ledger::Lifecycle::parse(key)
            .ok_or_else(|| Words::of(Key::CfgCommissionType, &[key]))?;
        c.customer_commission.insert(
            k.key().to_string(),
            num(v, "incentives.customer_commission")?,
        );
    }
    for (key, v) in &file.product_commission {
        c.product_commission.insert(
            crate::ledger::product_class_key(key),
            num(v, "incentives.product_commission")?,
        );
    }
    if let Some(v) = &file.promotion_at {
        c.promotion_at = num(v, "incentives.promotion_at")?;
    }
    Ok(c)
}

/// Resolves `[email]`, `[recipients]` and `allowed_domains`.
fn email_config(
    file: EmailFile,
    recipients: BTreeMap<String, Vec<String>>,
    allowed_domains: Vec<String>,
) -> Result<EmailConfig, Words> {
    let smtp = match file.smtp_host {
        Some(host) => {
            let security = file.smtp_security.unwrap_or(SmtpSecurity::Starttls);
            let loopback = matches!(host.as_str(), "localhost" | "127.0.0.1" | "::1" | "[::1]");
            if security == SmtpSecurity::None && !loopback {
                return Err(Words::of(Key::CfgSmtpUnencrypted, &[&host]));
            }
            Some(SmtpConfig {
                port: file.smtp_port.unwrap_or(security.default_port()),
                host,
                username: file.smtp_user,
                password_env: file
                    .smtp_password_env
                    .unwrap_or_else(|| "QBR_SMTP_PASSWORD".into()),
                security,
            })
        }
        None if file.smtp_port.is_some() || file.smtp_user.is_some() => {
            return Err(Words::of(Key::CfgSmtpNoHost, &[]));
        }
        None => None,
    };
    let allowed_domains = allowed_domains
        .into_iter()
        .map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
        .collect::<Vec<_>>();
    if let Some(bad) = allowed_domains
        .iter()
        .find(|d| d.is_empty() || d.contains('@'))
    {
        return Err(Words::of(Key::CfgDomain, &[bad]));
    }
    Ok(EmailConfig {
        from: file.from,
        recipients,
        allowed_domains,
        smtp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_undecodable_file_is_named_in_both_languages_and_gbk_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("qbr.toml");
        let e = Config::load(Some(&path)).unwrap_err();
        assert!(
            e.message(Lang::Zh)
                .ends_with("：找不到该文件或文件夹（系统错误 2）"),
            "{e:?}"
        );
        assert!(
            e.message(Lang::En)
                .ends_with(": No such file or directory (os error 2)"),
            "{e:?}"
        );
        // Notepad on Chinese Windows saves GBK; a UTF-8 BOM is fine too.
        std::fs::write(&path, b"# \xc4\xea\xb6\xc8\nperiod = \"2026Q3\"\n").unwrap();
        assert_eq!(
            Config::load(Some(&path)).unwrap().period,
            parse_period("2026Q3")
        );
        std::fs::write(&path, b"\xef\xbb\xbfchurn_quarters = 3\n").unwrap();
        assert_eq!(Config::load(Some(&path)).unwrap().churn_quarters, 3);
        std::fs::write(&path, b"period = \"2026Q3\"\n# \xff\xfe\x00\x81\n").unwrap();
        let e = Config::load(Some(&path)).unwrap_err();
        assert_eq!(
            e.message(Lang::Zh),
            format!(
                "无法使用配置文件 {}：文件不是文本（UTF-8 或 GBK）；请用 UTF-8 编码保存",
                path.display()
            )
        );
    }

    #[test]
    fn empty_file_is_defaults() {
        assert_eq!(Config::parse("").unwrap(), Config::default());
    }

    #[test]
    fn headers_add_synonyms() {
        let c = Config::parse("[headers]\namount = [\"Net Sales\", \"净额\"]\n").unwrap();
        assert_eq!(c.headers[&Field::Amount], ["Net Sales", "净额"]);
    }

    #[test]
    fn unknown_field_is_named() {
        let e = Config::parse("[headers]\namout = [\"x\"]\n").unwrap_err();
        assert!(
            e.en.starts_with(
                "[headers] names the unknown field `amout`; known fields: period, dimension, "
            ),
            "{e:?}"
        );
        assert!(
            e.zh.starts_with("[headers] 中的字段 `amout` 不存在；可用的字段：period、dimension、"),
            "{e:?}"
        );
    }

    #[test]
    fn unknown_key_is_refused() {
        let e = Config::parse("colour = \"red\"\n").unwrap_err();
        assert!(e.en.contains("colour"), "{e:?}");
        assert!(
            e.zh.starts_with("TOML 格式有误，第 1 行第 1 列：没有 `colour` 这个设置项"),
            "{e:?}"
        );
    }

    #[test]
    fn rule_settings() {
        let c = Config::parse(
            "period = \"2026-Q3\"\nsum_tolerance = 1\nmax_growth = 0.3\nfair_share_tolerance = \"25%\"\n[level_weights]\nsenior = 1.3\n",
        )
        .unwrap();
        assert_eq!(c.period.unwrap().to_string(), "2026Q3");
        assert_eq!(c.sum_tolerance, Decimal::ONE);
        assert_eq!(c.max_growth, Decimal::new(3, 1));
        assert_eq!(c.fair_share_tolerance, Decimal::new(25, 2));
        assert_eq!(c.level_weights["senior"], Decimal::new(13, 1));
        assert_eq!(c.level_weights["top"], Decimal::new(14, 1));
        assert_eq!(
            Config::parse("max_growth = -1").unwrap_err(),
            Words {
                en: "`max_growth` must not be negative".into(),
                zh: "`max_growth` 不能为负数".into(),
            }
        );
        assert!(Config::parse("period = \"Q5\"").is_err());
        assert!(Config::parse("churn_quarters = 0").is_err());
    }

    #[test]
    fn email_settings() {
        let c = Config::parse(
            "allowed_domains = [\"@Example.com\"]\n[recipients]\n\"*\" = [\"ceo@example.com\"]\n\"华东\" = [\"Lead <east@example.com>\"]\n[email]\nfrom = \"ops@example.com\"\nsmtp_host = \"smtp.example.com\"\nsmtp_user = \"ops\"\n",
        )
        .unwrap();
        assert_eq!(c.email.allowed_domains, ["example.com"]);
        assert_eq!(c.email.recipients["华东"], ["Lead <east@example.com>"]);
        let smtp = c.email.smtp.unwrap();
        assert_eq!((smtp.port, smtp.security), (587, SmtpSecurity::Starttls));
        assert_eq!(smtp.password_env, "QBR_SMTP_PASSWORD");
        let e =
            Config::parse("[email]\nsmtp_host = \"smtp.example.com\"\nsmtp_security = \"none\"\n")
                .unwrap_err();
        assert!(e.en.contains("unencrypted to smtp.example.com"), "{e:?}");
        assert!(e.zh.contains("以明文发往 smtp.example.com"), "{e:?}");
        assert!(
            Config::parse("[email]\nsmtp_host = \"127.0.0.1\"\nsmtp_security = \"none\"\n").is_ok()
        );
        assert!(Config::parse("[email]\nsmtp_port = 25\n").is_err());
        assert!(Config::parse("allowed_domains = [\"a@b\"]").is_err());
    }
}
