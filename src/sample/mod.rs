//! The sample inbox: a worked-example company, generated deterministically.
//!
//! 华东智能家居 (East China Smart Home) sold 10,000,000 CNY in 2026Q2 and targets
//! 12,000,000 for 2026Q3, decomposed by customer lifecycle (returning 60%, new
//! 40%, plus a recall target), product structure (core 60%, new 30%, long tail
//! 10%), team (tier-1 cities 35%, tier-2 25%, tier-3/4 20%, channel 20%; the star
//! group carries 40% of tier-1, the newcomer group 30% of tier-3/4; top
//! salespeople carry 40% more than newcomers) and month. The generated actuals
//! land near the methodology's retrospective: about 11,000,000 (91.7%), new
//! products the short board at about 80%, the newcomer group about 80%, top
//! salespeople about 120%.
//!
//! The generator uses its own SplitMix64 so the same seed gives the same
//! workbooks whatever crate versions are in use; [`sheet`] writes them with a
//! fixed creation time, so the files are byte-identical run to run.

pub mod sheet;

use crate::calendar::{Month, Period};
use crate::error::Error;
use crate::money::allocate;
use chrono::{Datelike, NaiveDate, Weekday};
use rust_decimal::Decimal;
pub use sheet::ExportFormat;
use sheet::{Cell, SheetSpec, write_export, write_workbook};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// Generator settings.
#[derive(Debug, Clone, Copy)]
pub struct SampleOptions {
    /// Multiplies every amount and so the number of order lines (1 = about 24,000).
    pub scale: u32,
    pub seed: u64,
    /// The format of the order exports (masters, targets and activities stay workbooks).
    pub orders: ExportFormat,
}

impl Default for SampleOptions {
    fn default() -> Self {
        SampleOptions {
            scale: 1,
            seed: 2026,
            orders: ExportFormat::Xlsx,
        }
    }
}

/// What was written, per quarter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SampleSummary {
    pub files: usize,
    /// Order lines and their exact total per quarter.
    pub periods: BTreeMap<Period, (usize, Decimal)>,
}

impl SampleSummary {
    /// What was written, in `lang`: the file and line counts, then each
    /// quarter's lines and amount.
    pub fn text(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Key;
        let lines: usize = self.periods.values().map(|p| p.0).sum();
        let mut out = lang.fill(
            Key::MsgSampleWrote,
            &[&self.files.to_string(), &lines.to_string()],
        );
        for (p, (n, amount)) in &self.periods {
            out.push('\n');
            out.push_str(&lang.fill(
                Key::MsgSamplePeriod,
                &[
                    &p.to_string(),
                    &n.to_string(),
                    &crate::money::format_money(*amount),
                ],
            ));
        }
        out
    }
}

impl fmt::Display for SampleSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.text(crate::i18n::Lang::En))
    }
}

/// The quarter the sample's targets are for.
pub const REVIEW_PERIOD: Period = Period {
    year: 2026,
    quarter: 3,
};

/// SplitMix64: tiny, fast, and stable forever, unlike a library's sampling methods.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }
    /// True with probability `pct` percent.
    fn chance(&mut self, pct: u64) -> bool {
        self.next_u64() % 100 < pct
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Top,
    Regular,
    New,
}

impl Level {
    fn key(self) -> &'static str {
        match self {
            Level::Top => "top",
            Level::Regular => "regular",
            Level::New => "new",
        }
    }
    /// Target weight: top salespeople carry 40% more than newcomers.
    fn weight(self) -> Decimal {
        match self {
            Level::Top => Decimal::new(14, 1),
            Level::Regular => Decimal::new(12, 1),
            Level::New => Decimal::ONE,
        }
    }
    fn salary(self) -> i64 {
        match self {
            Level::Top => 18_000,
            Level::Regular => 14_000,
            Level::New => 9_000,
        }
    }
}

/// (region, target in yuan, owner)
const REGIONS: &[(&str, i64, &str)] = &[
    ("一线城市", 4_200_000, "钱明"),
    ("二线城市", 3_000_000, "孔亮"),
    ("三四线城市", 2_400_000, "曹阳"),
    ("渠道", 2_400_000, "沈红"),
];

/// (group, region, target, planned actual, leader)
const GROUPS: &[(&str, &str, i64, i64)] = &[
    ("明星小组", "一线城市", 1_680_000, 1_864_800),
    ("精英小组", "一线城市", 2_520_000, 2_125_200),
    ("二线一组", "二线城市", 1_500_000, 1_350_000),
    ("二线二组", "二线城市", 1_500_000, 1_256_000),
    ("新人小组", "三四线城市", 720_000, 576_000),
    ("下沉小组", "三四线城市", 1_680_000, 1_596_000),
    ("渠道小组", "渠道", 2_400_000, 2_232_000),
];

/// (name, email name, group, level)
const PEOPLE: &[(&str, &str, &str, Level)] = &[
    ("张伟", "zhangwei", "明星小组", Level::Top),
    ("李娜", "lina", "明星小组", Level::Top),
    ("王芳", "wangfang", "明星小组", Level::Regular),
    ("刘洋", "liuyang", "精英小组", Level::Regular),
    ("陈静", "chenjing", "精英小组", Level::Regular),
    ("杨磊", "yanglei", "精英小组", Level::Regular),
    ("赵敏", "zhaomin", "精英小组", Level::New),
    ("黄强", "huangqiang", "二线一组", Level::Regular),
    ("周杰", "zhoujie", "二线一组", Level::Regular),
    ("吴霞", "wuxia", "二线一组", Level::New),
    ("徐鹏", "xupeng", "二线二组", Level::Regular),
    ("孙丽", "sunli", "二线二组", Level::New),
    ("马超", "machao", "二线二组", Level::New),
    ("朱琳", "zhulin", "新人小组", Level::New),
    ("胡斌", "hubin", "新人小组", Level::New),
    ("郭婷", "guoting", "新人小组", Level::New),
    ("何军", "hejun", "下沉小组", Level::Top),
    ("林燕", "linyan", "下沉小组", Level::Regular),
    ("高翔", "gaoxiang", "下沉小组", Level::New),
    ("罗欣", "luoxin", "渠道小组", Level::Regular),
    ("郑凯", "zhengkai", "渠道小组", Level::Regular),
    ("梁爽", "liangshuang", "渠道小组", Level::New),
];

/// Product classes in the order core, new, long tail.
const CLASSES: [&str; 3] = ["核心产品", "新品", "长尾产品"];

/// (product, class index, unit price in cents, quantity range)
const PRODUCTS: &[(&str, usize, i64, (i64, i64))] = &[
    ("智能门锁 S1", 0, 48_000, (1, 8)),
    ("智能门锁 Pro", 0, 72_000, (1, 8)),
    ("智能摄像头 C2", 0, 56_000, (1, 8)),
    ("智能网关 G1", 0, 60_000, (1, 8)),
    ("智能窗帘电机 M1", 0, 64_000, (1, 8)),
    ("AI 安防套装 X1", 1, 138_000, (1, 4)),
    ("全屋智能中控屏 P7", 1, 120_000, (1, 4)),
    ("智能空气站 A3", 1, 99_000, (1, 4)),
    ("门锁电池组", 2, 3_990, (2, 30)),
    ("摄像头支架", 2, 2_950, (2, 30)),
    ("温湿度传感器", 2, 8_900, (2, 30)),
    ("人体感应器", 2, 7_900, (2, 30)),
    ("智能插座", 2, 5_990, (2, 30)),
    ("无线开关", 2, 12_950, (2, 30)),
    ("门窗传感器", 2, 6_900, (2, 30)),
    ("水浸传感器", 2, 9_900, (2, 30)),
    ("烟雾报警器", 2, 14_900, (2, 30)),
    ("延长保修服务", 2, 29_900, (1, 10)),
];

const CITIES: &[&str] = &[
    "上海", "杭州", "南京", "苏州", "宁波", "无锡", "合肥", "温州", "常州", "嘉兴", "绍兴", "南通",
    "扬州", "金华", "台州", "徐州", "芜湖", "湖州", "镇江", "盐城",
];
const ROOTS: &[&str] = &[
    "恒达", "瑞丰", "嘉禾", "华信", "宏图", "鑫源", "博远", "安居", "易家", "睿智", "天成", "景明",
    "和泰", "宜居", "优品", "星河", "锦程", "合众", "同创", "新桥", "思源", "明德", "长青", "永兴",
    "东方", "利民", "金盛", "佳美", "万家", "福泰",
];
const SUFFIXES: &[&str] = &[
    "科技有限公司",
    "贸易有限公司",
    "智能家居店",
    "装饰工程有限公司",
    "物业管理有限公司",
    "电子商行",
];

fn customer_name(i: usize) -> String {
    let base = format!(
        "{}{}{}",
        CITIES[i % CITIES.len()],
        ROOTS[(i / CITIES.len()) % ROOTS.len()],
        SUFFIXES[(i / (CITIES.len() * ROOTS.len())) % SUFFIXES.len()]
    );
    let round = i / (CITIES.len() * ROOTS.len() * SUFFIXES.len());
    if round == 0 {
        base
    } else {
        format!("{base}（{}店）", round + 1)
    }
}

/// Quarters of the sample: four of history, then the review quarter.
fn quarters() -> [Period; 5] {
    [-4, -3, -2, -1, 0].map(|o| REVIEW_PERIOD.offset(o))
}

/// Company revenue per quarter (yuan, before scaling); the last is the plan's
/// 11,000,000 for the review quarter.
const QUARTER_TOTALS: [i64; 5] = [8_000_000, 8_600_000, 9_200_000, 10_000_000, 11_000_000];

struct Person {
    name: &'static str,
    email: &'static str,
    group: &'static str,
    region: &'static str,
    level: Level,
    target: Decimal,
}

struct CustomerState {
    name: String,
    owner: usize,
    first_order: Option<NaiveDate>,
    /// Index of the last quarter with an order (negative: before the history).
    last_q: Option<i32>,
    spend: Decimal,
}

/// One generated order line.
#[derive(Clone)]
struct Line {
    order_id: String,
    line_no: i64,
    date: NaiveDate,
    customer: usize,
    product: usize,
    qty: i64,
    amount: Decimal,
    collected: Decimal,
    person: usize,
}

struct Generator {
    rng: Rng,
    scale: Decimal,
    people: Vec<Person>,
    customers: Vec<CustomerState>,
    order_seq: BTreeMap<Month, u32>,
}

fn company_people() -> Vec<Person> {
    let mut people = Vec::new();
    for &(group, region, target, _) in GROUPS {
        let members: Vec<_> = PEOPLE.iter().filter(|p| p.2 == group).collect();
        let weights: Vec<Decimal> = members.iter().map(|p| p.3.weight()).collect();
        let parts = allocate(Decimal::from(target), &weights, 0).expect("whole-yuan targets");
        for (p, t) in members.into_iter().zip(parts) {
            people.push(Person {
                name: p.0,
                email: p.1,
                group,
                region,
                level: p.3,
                target: t,
            });
        }
    }
    people
}

/// Each person's planned actual for the review quarter: top salespeople at 120%
/// of target, the rest of the group's planned actual shared by target.
fn planned_actuals(people: &[Person]) -> Vec<Decimal> {
    let mut planned = vec![Decimal::ZERO; people.len()];
    for &(group, _, _, group_actual) in GROUPS {
        let idx: Vec<usize> = (0..people.len())
            .filter(|&i| people[i].group == group)
            .collect();
        let mut rest = Decimal::from(group_actual);
        let mut others = Vec::new();
        for &i in &idx {
            if people[i].level == Level::Top {
                planned[i] = people[i].target * Decimal::new(12, 1);
                rest -= planned[i];
            } else {
                others.push(i);
            }
        }
        let weights: Vec<Decimal> = others.iter().map(|&i| people[i].target).collect();
        let parts = allocate(rest.round_dp(2), &weights, 2).expect("cent amounts");
        for (i, v) in others.into_iter().zip(parts) {
            planned[i] = v;
        }
    }
    planned
}

impl Generator {
    fn new(opts: &SampleOptions) -> Self {
        Generator {
            rng: Rng(opts.seed),
            scale: Decimal::from(opts.scale),
            people: company_people(),
            customers: Vec::new(),
            order_seq: BTreeMap::new(),
        }
    }

    fn new_customer(&mut self, owner: usize) -> usize {
        let i = self.customers.len();
        self.customers.push(CustomerState {
            name: customer_name(i),
            owner,
            first_order: None,
            last_q: None,
            spend: Decimal::ZERO,
        });
        i
    }

    /// Customers that bought before the history starts (first orders in 2024).
    fn seed_legacy_customers(&mut self) {
        for p in 0..self.people.len() {
            let n = 30 * self.scale_usize();
            for _ in 0..n {
                let c = self.new_customer(p);
                let day = self.rng.between(0, 330);
                self.customers[c].first_order = NaiveDate::from_ymd_opt(2024, 1, 15)
                    .and_then(|d| d.checked_add_signed(chrono::Duration::days(day)));
                self.customers[c].last_q = Some(-(self.rng.between(1, 4) as i32));
            }
        }
    }

    fn scale_usize(&self) -> usize {
        self.scale.to_string().parse().unwrap_or(1)
    }

    fn next_order_id(&mut self, date: NaiveDate) -> String {
        let m = Month::of(date);
        let seq = self.order_seq.entry(m).or_insert(0);
        *seq += 1;
        format!("SO{}{:02}-{:05}", m.year, m.month, seq)
    }

    fn random_day(&mut self, m: Month) -> NaiveDate {
        let first = NaiveDate::from_ymd_opt(m.year, u32::from(m.month), 1).expect("valid month");
        loop {
            let d = first + chrono::Duration::days(self.rng.between(0, 30));
            if d.month() != u32::from(m.month) {
                continue;
            }
            // Fewer orders at weekends.
            if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.rng.chance(30) {
                continue;
            }
            return d;
        }
    }

    /// Generates one person's lines for one quarter.
    fn person_quarter(&mut self, q: i32, p: usize, planned: Decimal) -> Vec<Line> {
        let review = q == 4;
        // Customer mix: new, returning, recalled.
        let shares: [Decimal; 3] = if review {
            [
                Decimal::new(371, 3),
                Decimal::new(604, 3),
                Decimal::new(25, 3),
            ]
        } else {
            [Decimal::new(36, 2), Decimal::new(61, 2), Decimal::new(3, 2)]
        };
        let product_shares: [Decimal; 3] = if review {
            // 6.48 : 2.88 : 1.64 million of 11
            [
                Decimal::new(5891, 4),
                Decimal::new(2618, 4),
                Decimal::new(1491, 4),
            ]
        } else {
            [
                Decimal::new(62, 2),
                Decimal::new(25, 2),
                Decimal::new(13, 2),
            ]
        };
        let aov = Decimal::from(if review { 4_800 } else { 4_500 });
        let new_count = (planned * shares[0] / aov)
            .round()
            .to_string()
            .parse::<usize>()
            .unwrap_or(1)
            .max(1);
        let new_pool: Vec<usize> = (0..new_count).map(|_| self.new_customer(p)).collect();
        let returning: Vec<usize> = (0..self.customers.len())
            .filter(|&c| {
                self.customers[c].owner == p
                    && matches!(self.customers[c].last_q, Some(l) if l == q - 1 || l == q - 2)
            })
            .collect();
        let churned: Vec<usize> = (0..self.customers.len())
            .filter(|&c| {
                self.customers[c].owner == p
                    && matches!(self.customers[c].last_q, Some(l) if l <= q - 3)
            })
            .collect();
        let recall_n = if churned.is_empty() {
            0
        } else {
            (churned.len() * 8).div_ceil(100)
        };
        let mut recall_pool = Vec::new();
        for _ in 0..recall_n {
            let c = churned[self.rng.below(churned.len())];
            if !recall_pool.contains(&c) {
                recall_pool.push(c);
            }
        }
        let period = quarters()[q as usize];
        let month_fracs = if review {
            [
                Decimal::new(31, 2),
                Decimal::new(33, 2),
                Decimal::new(36, 2),
            ]
        } else {
            [
                Decimal::new(32, 2),
                Decimal::new(33, 2),
                Decimal::new(35, 2),
            ]
        };
        let mut lines = Vec::new();
        let mut cat_totals = [Decimal::ZERO; 3];
        let mut class_totals = [Decimal::ZERO; 3];
        let (mut new_ptr, mut recall_ptr) = (0usize, 0usize);
        let mut produced = Decimal::ZERO;
        let mut month_goal = Decimal::ZERO;
        for (mi, month) in period.months().into_iter().enumerate() {
            month_goal += if mi == 2 {
                planned - month_goal
            } else {
                (planned * month_fracs[mi]).round_dp(2)
            };
            // Stop about half an order early so the overshoot of the last order evens out.
            while produced + Decimal::from(2_000) < month_goal {
                // Customer category with the largest shortfall against its share.
                let mut cat = largest_deficit(&cat_totals, &shares, produced);
                if cat == 1 && returning.is_empty() {
                    cat = 0;
                }
                if cat == 2 && recall_pool.is_empty() {
                    cat = if returning.is_empty() { 0 } else { 1 };
                }
                let customer = match cat {
                    0 => {
                        let c = new_pool[new_ptr % new_pool.len()];
                        new_ptr += 1;
                        c
                    }
                    1 => returning[self.rng.below(returning.len())],
                    _ => {
                        let c = recall_pool[recall_ptr % recall_pool.len()];
                        recall_ptr += 1;
                        c
                    }
                };
                let date = self.random_day(month);
                let order_id = self.next_order_id(date);
                let n_lines = 1 + self.rng.below(3) as i64;
                for line_no in 1..=n_lines {
                    let class = largest_deficit(&class_totals, &product_shares, produced);
                    let candidates: Vec<usize> = (0..PRODUCTS.len())
                        .filter(|&i| PRODUCTS[i].1 == class)
                        .collect();
                    let product = candidates[self.rng.below(candidates.len())];
                    let (_, _, cents, (lo, hi)) = PRODUCTS[product];
                    let qty = self.rng.between(lo, hi);
                    let mut amount = Decimal::new(cents, 2) * Decimal::from(qty);
                    if self.rng.chance(25) {
                        let discounts = [
                            Decimal::new(95, 2),
                            Decimal::new(92, 2),
                            Decimal::new(885, 3),
                        ];
                        amount *= discounts[self.rng.below(3)];
                    }
                    let collected = if self.rng.chance(85) {
                        amount.round_dp(2)
                    } else if self.rng.chance(50) {
                        (amount / Decimal::TWO).round_dp(2)
                    } else {
                        Decimal::ZERO
                    };
                    produced += amount;
                    cat_totals[cat] += amount;
                    class_totals[class] += amount;
                    let cs = &mut self.customers[customer];
                    cs.spend += amount;
                    if cs.first_order.is_none_or(|f| f > date) {
                        cs.first_order = Some(date);
                    }
                    cs.last_q = Some(q);
                    lines.push(Line {
                        order_id: order_id.clone(),
                        line_no,
                        date,
                        customer,
                        product,
                        qty,
                        amount,
                        collected,
                        person: p,
                    });
                }
            }
        }
        lines
    }
}

/// The index whose running total falls furthest short of its share of `total`.
fn largest_deficit(totals: &[Decimal; 3], shares: &[Decimal; 3], total: Decimal) -> usize {
    (0..3)
        .max_by(|&a, &b| {
            let da = shares[a] * total - totals[a] + shares[a];
            let db = shares[b] * total - totals[b] + shares[b];
            da.cmp(&db).then(b.cmp(&a))
        })
        .unwrap_or(0)
}

/// Writes the sample inbox into `dir` (created; it must be empty or absent).
///
/// # Errors
/// [`Error::Write`] when `dir` is not empty or a file cannot be written.
pub fn write_sample(dir: &Path, opts: &SampleOptions) -> Result<SampleSummary, Error> {
    crate::output::ensure_empty_or_absent(dir, "sample data")?;
    let mut g = Generator::new(opts);
    g.seed_legacy_customers();
    let planned_review = planned_actuals(&g.people);
    let target_total: Decimal = g.people.iter().map(|p| p.target).sum();
    let mut summary = SampleSummary::default();
    let mut all_lines: Vec<(usize, Vec<Line>)> = Vec::new();
    for (qi, &quarter_total) in QUARTER_TOTALS.iter().enumerate() {
        let q = qi as i32;
        let planned: Vec<Decimal> = if q == 4 {
            planned_review.iter().map(|v| *v * g.scale).collect()
        } else {
            // History: each person's share of the company total follows their weight.
            let weights: Vec<Decimal> = g.people.iter().map(|p| p.target / target_total).collect();
            allocate(Decimal::from(quarter_total) * g.scale, &weights, 2).expect("cent amounts")
        };
        let mut lines = Vec::new();
        for (p, amount) in planned.into_iter().enumerate() {
            lines.extend(g.person_quarter(q, p, amount));
        }
        let total: Decimal = lines.iter().map(|l| l.amount).sum();
        summary.periods.insert(quarters()[qi], (lines.len(), total));
        all_lines.push((qi, lines));
    }
    let parts = opts.scale.div_ceil(4) as usize;
    for (qi, lines) in &all_lines {
        if *qi == 4 {
            summary.files += write_review_orders(dir, &g, lines, parts, opts.orders)?;
        } else {
            let period = quarters()[*qi];
            summary.files +=
                write_history_orders(dir, &g, period, lines, *qi == 0, parts, opts.orders)?;
        }
    }
    summary.files += write_targets(dir, &g)?;
    summary.files += write_masters(dir, &g)?;
    let review_lines = &all_lines[4].1;
    summary.files += write_activities(dir, &g, review_lines)?;
    Ok(summary)
}

const ORDER_HEADERS_ZH: &[&str] = &[
    "订单号",
    "行号",
    "下单日期",
    "客户名称",
    "产品名称",
    "数量",
    "单价",
    "金额（元）",
    "销售员",
    "回款金额",
];
const ORDER_HEADERS_EN: &[&str] = &[
    "Order ID",
    "Line ID",
    "Order Date",
    "Customer",
    "Product",
    "Qty",
    "Unit Price",
    "Amount (CNY)",
    "Rep",
    "Collected",
];

fn order_row(g: &Generator, l: &Line, text_dates: bool) -> Vec<Cell> {
    let date = if text_dates {
        Cell::Text(format!(
            "{}/{}/{}",
            l.date.year(),
            l.date.month(),
            l.date.day()
        ))
    } else {
        Cell::Date(l.date)
    };
    vec![
        l.order_id.clone().into(),
        l.line_no.into(),
        date,
        g.customers[l.customer].name.clone().into(),
        PRODUCTS[l.product].0.into(),
        l.qty.into(),
        Decimal::new(PRODUCTS[l.product].2, 2).into(),
        l.amount.into(),
        g.people[l.person].name.into(),
        l.collected.into(),
    ]
}

fn sorted(lines: &mut [&Line]) {
    lines.sort_by(|a, b| (a.date, &a.order_id, a.line_no).cmp(&(b.date, &b.order_id, b.line_no)));
}

fn chunks<'a>(lines: &'a [&'a Line], parts: usize) -> Vec<&'a [&'a Line]> {
    if parts <= 1 {
        return vec![lines];
    }
    let size = lines.len().div_ceil(parts).max(1);
    lines.chunks(size).collect()
}

fn write_review_orders(
    dir: &Path,
    g: &Generator,
    lines: &[Line],
    parts: usize,
    format: ExportFormat,
) -> Result<usize, Error> {
    let mut files = 0;
    for &(region, _, _) in REGIONS {
        for month in REVIEW_PERIOD.months() {
            let mut rows: Vec<&Line> = lines
                .iter()
                .filter(|l| g.people[l.person].region == region && Month::of(l.date) == month)
                .collect();
            sorted(&mut rows);
            let text_dates = region == "渠道";
            for (k, chunk) in chunks(&rows, parts).into_iter().enumerate() {
                let mut sheet = SheetSpec::new("订单明细", ORDER_HEADERS_ZH);
                if region == "一线城市" || region == "三四线城市" {
                    sheet = sheet.with_title(&[
                        &format!("{region} {}年{}月 订单明细", month.year, month.month),
                        "导出自 CRM 系统　币种：人民币",
                    ]);
                }
                for l in chunk {
                    sheet.row(order_row(g, l, text_dates));
                }
                let suffix = if parts > 1 {
                    format!("-part{:02}", k + 1)
                } else {
                    String::new()
                };
                let path = dir.join(format!(
                    "订单/{REVIEW_PERIOD}/{region}-{month}{suffix}.xlsx"
                ));
                let title = format!("{region} {month} 订单明细");
                files += write_export(&path, &[sheet], &title, format)?;
            }
        }
    }
    Ok(files)
}

fn write_history_orders(
    dir: &Path,
    g: &Generator,
    period: Period,
    lines: &[Line],
    english: bool,
    parts: usize,
    format: ExportFormat,
) -> Result<usize, Error> {
    let mut per_part: Vec<Vec<SheetSpec>> = vec![Vec::new(); parts.max(1)];
    let mut files = 0;
    for month in period.months() {
        let mut rows: Vec<&Line> = lines
            .iter()
            .filter(|l| Month::of(l.date) == month)
            .collect();
        sorted(&mut rows);
        for (k, chunk) in chunks(&rows, parts).into_iter().enumerate() {
            let headers = if english {
                ORDER_HEADERS_EN
            } else {
                ORDER_HEADERS_ZH
            };
            let mut sheet = SheetSpec::new(&month.to_string(), headers);
            for l in chunk {
                sheet.row(order_row(g, l, false));
            }
            per_part[k].push(sheet);
        }
    }
    for (k, sheets) in per_part.iter().enumerate() {
        let suffix = if parts > 1 {
            format!("-part{:02}", k + 1)
        } else {
            String::new()
        };
        let path = dir.join(format!("订单/历史/{period} 订单导出{suffix}.xlsx"));
        files += write_export(&path, sheets, &format!("{period} 订单导出"), format)?;
    }
    Ok(files)
}

fn wan(yuan: Decimal) -> Decimal {
    (yuan / Decimal::from(10_000)).normalize()
}

fn pct(share: Decimal) -> Cell {
    Cell::Text(format!("{}%", (share * Decimal::from(100)).normalize()))
}

fn write_targets(dir: &Path, g: &Generator) -> Result<usize, Error> {
    let s = g.scale;
    let y = |v: i64| Decimal::from(v) * s;
    let headers = &[
        "期间",
        "维度",
        "单元",
        "上级",
        "指标",
        "目标（万元）",
        "占比",
        "冲刺目标（万元）",
        "挑战目标（万元）",
        "负责人",
        "备注",
    ];
    let mut sheet = SheetSpec::new("目标分解", headers).with_title(&[
        "华东智能家居 2026年第3季度销售目标分解",
        "金额单位：万元；数量、人数和比率类指标按原值填写",
    ]);
    let period: Cell = "2026Q3".into();
    let stretch = Decimal::new(11, 1);
    let challenge = Decimal::new(12, 1);
    #[allow(clippy::too_many_arguments)]
    fn money_row(
        period: &Cell,
        dim: &str,
        unit: &str,
        parent: Option<&str>,
        measure: &str,
        target: Decimal,
        share: Option<Decimal>,
        tiers: Option<(Decimal, Decimal)>,
        owner: &str,
        note: &str,
    ) -> Vec<Cell> {
        vec![
            period.clone(),
            dim.into(),
            unit.into(),
            parent.map(str::to_string).into(),
            measure.into(),
            target.into(),
            share.map(pct).unwrap_or(Cell::Empty),
            tiers.map(|t| t.0).into(),
            tiers.map(|t| t.1).into(),
            owner.into(),
            if note.is_empty() {
                Cell::Empty
            } else {
                note.into()
            },
        ]
    }
    let tiers = |t: Decimal| Some((t * stretch, t * challenge));
    let total = y(12_000_000);
    let money = |v: i64| wan(y(v));
    // (dimension, unit, measure, target in the column's unit, share, with tiers, owner, note)
    type Row<'a> = (
        &'a str,
        &'a str,
        &'a str,
        Decimal,
        Option<Decimal>,
        bool,
        &'a str,
        &'a str,
    );
    #[rustfmt::skip]
    let company_rows: Vec<Row> = vec![
        ("总计", "公司整体", "销售额", wan(total), Some(Decimal::ONE), true, "王建国", "Q2 实际 1000 万，同比增长 20%"),
        ("总计", "公司整体", "回款额", money(10_800_000), None, false, "财务部 周岚", ""),
        ("总计", "公司整体", "拜访量", y(6_000), None, false, "王建国", "过程指标"),
        ("总计", "公司整体", "线索量", y(3_000), None, false, "王建国", "过程指标"),
        ("总计", "公司整体", "商机数", y(900), None, false, "王建国", "过程指标"),
        ("总计", "公司整体", "方案演示", y(450), None, false, "王建国", "过程指标"),
        // Customer lifecycle.
        ("客户", "老客户", "销售额", money(7_200_000), Some(Decimal::new(6, 1)), true, "许诺", ""),
        ("客户", "新客户", "销售额", money(4_800_000), Some(Decimal::new(4, 1)), true, "许诺", ""),
        ("客户", "新客户", "新客户数", y(1_000), None, false, "许诺", "新客户销售额 ÷ 客单价"),
        ("客户", "新客户", "客单价", wan(Decimal::from(4_800)), None, false, "许诺", ""),
        ("客户", "老客户", "复购率", Decimal::new(45, 2), None, false, "许诺", "上季度复购率约 40%"),
        ("客户", "流失客户", "召回率", Decimal::new(10, 2), None, false, "许诺", "流失客户召回：5% 优惠券"),
        // Product structure.
        ("产品", "核心产品", "销售额", money(7_200_000), Some(Decimal::new(6, 1)), true, "韩梅", ""),
        ("产品", "新品", "销售额", money(3_600_000), Some(Decimal::new(3, 1)), true, "韩梅", ""),
        ("产品", "长尾产品", "销售额", money(1_200_000), Some(Decimal::new(1, 1)), true, "韩梅", "主动精简长尾 SKU，资源投向核心产品与新品"),
        ("产品", "核心产品", "销量", y(12_000), None, false, "韩梅", "Q2 销量 10,000"),
        ("产品", "新品", "销量", y(3_000), None, false, "韩梅", "均价 1,200"),
    ];
    for (dim, unit, measure, target, share, with_tiers, owner, note) in company_rows {
        let t = with_tiers.then(|| (target * stretch, target * challenge));
        sheet.row(money_row(
            &period, dim, unit, None, measure, target, share, t, owner, note,
        ));
    }
    // Team: regions and groups.
    for &(region, amount, owner) in REGIONS {
        let share = Decimal::from(amount) / Decimal::from(12_000_000);
        sheet.row(money_row(
            &period,
            "区域",
            region,
            None,
            "销售额",
            wan(y(amount)),
            Some(share),
            tiers(wan(y(amount))),
            owner,
            "",
        ));
    }
    for &(group, region, amount, _) in GROUPS {
        let region_target = REGIONS
            .iter()
            .find(|r| r.0 == region)
            .map(|r| r.1)
            .unwrap_or(1);
        let share = Decimal::from(amount) / Decimal::from(region_target);
        let leader = g
            .people
            .iter()
            .find(|p| p.group == group)
            .map(|p| p.name)
            .unwrap_or("");
        sheet.row(money_row(
            &period,
            "小组",
            group,
            Some(region),
            "销售额",
            wan(y(amount)),
            Some(share.round_dp(4)),
            tiers(wan(y(amount))),
            leader,
            "",
        ));
    }
    for (month, amount) in REVIEW_PERIOD
        .months()
        .into_iter()
        .zip([3_800_000, 4_000_000, 4_200_000])
    {
        sheet.row(money_row(
            &period,
            "月份",
            &month.to_string(),
            None,
            "销售额",
            wan(y(amount)),
            None,
            None,
            "王建国",
            "",
        ));
    }
    // People, in yuan, on a sheet named after the dimension.
    let mut people = SheetSpec::new(
        "个人",
        &[
            "单元",
            "上级",
            "目标（元）",
            "冲刺目标（元）",
            "挑战目标（元）",
            "负责人",
        ],
    );
    for p in &g.people {
        let t = p.target * s;
        people.row(vec![
            p.name.into(),
            p.group.into(),
            t.into(),
            (t * stretch).round().into(),
            (t * challenge).round().into(),
            p.name.into(),
        ]);
    }
    let notes = SheetSpec {
        name: "填写说明".into(),
        title_rows: vec![
            "每行是目标树的一个节点；上级为空表示直接从公司总目标拆分。".into(),
            "小组的上级是区域，个人的上级是小组。".into(),
        ],
        ..SheetSpec::default()
    };
    write_workbook(
        &dir.join("目标/2026Q3 目标分解.xlsx"),
        &[sheet, people, action_plans(s), proposals(s), notes],
        "2026Q3 目标分解",
    )?;
    Ok(1)
}

/// The quarter's action plans, after the methodology's examples: an ad
/// campaign for new customers (overspent and short), a trade show for leads,
/// recall mails with a coupon, a new-product campaign, and a group's
/// returning-customer calls whose output the sheet gives (finished late).
fn action_plans(s: Decimal) -> SheetSpec {
    let mut a = SheetSpec::new(
        "行动计划",
        &[
            "行动",
            "负责人",
            "开始",
            "结束",
            "服务目标",
            "指标",
            "预期产出",
            "实际产出",
            "预算（元）",
            "实际花费（元）",
            "完成日期",
        ],
    );
    let day = |m: u32, d: u32| Cell::Date(NaiveDate::from_ymd_opt(2026, m, d).expect("a day"));
    let n = |v: i64| Cell::Number(Decimal::from(v) * s);
    let rows: Vec<Vec<Cell>> = vec![
        vec![
            "线上广告投放".into(),
            "市场部 周芳".into(),
            day(7, 1),
            day(9, 30),
            "新客户".into(),
            "新客户数".into(),
            n(900),
            Cell::Empty,
            n(500_000),
            n(560_000),
            Cell::Empty,
        ],
        vec![
            "行业展会".into(),
            "市场部 周芳".into(),
            day(8, 10),
            day(8, 31),
            "区域/一线城市".into(),
            "线索".into(),
            n(120),
            Cell::Empty,
            n(200_000),
            n(180_000),
            Cell::Empty,
        ],
        vec![
            "流失客户召回邮件（5%优惠券）".into(),
            "客服部 吴静".into(),
            day(7, 1),
            day(8, 31),
            "流失客户".into(),
            "召回率".into(),
            Cell::Number(Decimal::new(10, 2)),
            Cell::Empty,
            n(30_000),
            n(28_000),
            Cell::Empty,
        ],
        vec![
            "新品体验活动".into(),
            "产品部 郑浩".into(),
            day(7, 15),
            day(9, 15),
            "新品".into(),
            "销售额".into(),
            n(2_000_000),
            Cell::Empty,
            n(150_000),
            n(150_000),
            Cell::Empty,
        ],
        vec![
            "老客户回访".into(),
            "精英小组".into(),
            day(7, 1),
            day(9, 15),
            "小组/精英小组".into(),
            "销售额".into(),
            n(800_000),
            n(650_000),
            n(50_000),
            n(45_000),
            day(9, 20),
        ],
    ];
    for r in rows {
        a.row(r);
    }
    a
}

/// Next quarter's bottom-up proposals from two regions (`qbr plan --proposals`).
fn proposals(s: Decimal) -> SheetSpec {
    let mut p = SheetSpec::new(
        "一线建议目标",
        &["期间", "维度", "单元", "目标（元）", "提议人", "理由"],
    );
    p.row(vec![
        "2026Q4".into(),
        "区域".into(),
        "一线城市".into(),
        Cell::Number(Decimal::from(4_100_000) * s),
        "一线城市区域经理".into(),
        "两家大客户的年度合同推迟到明年一季度".into(),
    ]);
    p.row(vec![
        "2026Q4".into(),
        "区域".into(),
        "渠道".into(),
        Cell::Number(Decimal::from(2_900_000) * s),
        "渠道经理".into(),
        "新签三家区域分销商，十月起供货".into(),
    ]);
    p
}

fn write_masters(dir: &Path, g: &Generator) -> Result<usize, Error> {
    let mut products = SheetSpec::new("产品", &["产品名称", "产品类别", "单价（元）"]);
    for (name, class, cents, _) in PRODUCTS {
        products.row(vec![
            (*name).into(),
            CLASSES[*class].into(),
            Decimal::new(*cents, 2).into(),
        ]);
    }
    let mut people = SheetSpec::new("人员", &["销售员", "小组", "区域", "职级", "月薪", "邮箱"]);
    for p in &g.people {
        people.row(vec![
            p.name.into(),
            p.group.into(),
            p.region.into(),
            p.level.key().into(),
            p.level.salary().into(),
            format!("{}@hd-smarthome.example.com", p.email).into(),
        ]);
    }
    write_workbook(
        &dir.join("主数据/产品与人员.xlsx"),
        &[products, people],
        "主数据",
    )?;
    let customers = SheetSpec::new("客户", &["客户名称", "首单日期", "等级", "客户经理"]);
    let mut ordered: Vec<&CustomerState> = g
        .customers
        .iter()
        .filter(|c| c.first_order.is_some())
        .collect();
    ordered.sort_by(|a, b| b.spend.cmp(&a.spend).then(a.name.cmp(&b.name)));
    let n = ordered.len();
    let mut rows: Vec<(String, Vec<Cell>)> = Vec::new();
    for (rank, c) in ordered.iter().enumerate() {
        let tier = if rank < n / 10 {
            "A"
        } else if rank < n * 4 / 10 {
            "B"
        } else {
            "C"
        };
        rows.push((
            c.name.clone(),
            vec![
                c.name.clone().into(),
                c.first_order.into(),
                tier.into(),
                g.people[c.owner].name.into(),
            ],
        ));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    // A sheet holds at most 1,048,576 rows: very large scales continue the
    // master on further sheets (客户2, 客户3, …).
    const SHEET_ROWS: usize = 1_000_000;
    let mut sheets = Vec::new();
    for (k, chunk) in rows.chunks(SHEET_ROWS).enumerate() {
        let mut sheet = customers.clone();
        if k > 0 {
            sheet.name = format!("{}{}", customers.name, k + 1);
        }
        for (_, r) in chunk {
            sheet.row(r.clone());
        }
        sheets.push(sheet);
    }
    if sheets.is_empty() {
        sheets.push(customers);
    }
    write_workbook(&dir.join("主数据/客户主数据.xlsx"), &sheets, "客户主数据")?;
    Ok(2)
}

fn write_activities(dir: &Path, g: &Generator, lines: &[Line]) -> Result<usize, Error> {
    let mut rng = Rng(0x5EED_ACC7);
    let mut sheet = SheetSpec::new(
        "周报",
        &["销售员", "周", "拜访", "线索", "商机", "演示", "成交"],
    );
    let first_monday = {
        let mut d = REVIEW_PERIOD.first_day();
        while d.weekday() != Weekday::Mon {
            d = d.succ_opt().expect("a next day");
        }
        d
    };
    let mut week = first_monday;
    while REVIEW_PERIOD.contains(week) {
        let week_end = week + chrono::Duration::days(6);
        for (i, p) in g.people.iter().enumerate() {
            let base = match p.level {
                Level::Top => 24,
                Level::Regular => 21,
                Level::New => 18,
            } * g.scale_usize() as i64;
            let visits = base + rng.between(-4, 4);
            let leads = visits / 2 + rng.between(-2, 2);
            let opps = leads * 3 / 10 + rng.between(0, 1);
            let demos = opps / 2 + rng.between(0, 1);
            let mut orders: Vec<&str> = lines
                .iter()
                .filter(|l| l.person == i && l.date >= week && l.date <= week_end)
                .map(|l| l.order_id.as_str())
                .collect();
            orders.dedup();
            sheet.row(vec![
                p.name.into(),
                week.into(),
                visits.into(),
                leads.into(),
                opps.into(),
                demos.into(),
                (orders.len() as i64).into(),
            ]);
        }
        week += chrono::Duration::days(7);
    }
    write_workbook(
        &dir.join("过程指标/2026Q3 拜访与线索周报.xlsx"),
        &[sheet],
        "过程指标周报",
    )?;
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_summary_speaks_both_languages() {
        let q = |quarter| Period {
            year: 2026,
            quarter,
        };
        let summary = SampleSummary {
            files: 3,
            periods: BTreeMap::from([
                (q(2), (2, Decimal::new(120_050, 2))),
                (q(3), (1, Decimal::new(999, 1))),
            ]),
        };
        assert_eq!(
            summary.text(Lang::En),
            "wrote 3 files with 3 order lines\n  2026Q2: 2 lines, 1,200.50\n  2026Q3: 1 line, 99.90"
        );
        assert_eq!(
            summary.text(Lang::Zh),
            "已写出 3 个文件，订单 3 行\n  2026Q2：2 行，1,200.50\n  2026Q3：1 行，99.90"
        );
        assert_eq!(summary.to_string(), format!("{}\n", summary.text(Lang::En)));
    }
}
