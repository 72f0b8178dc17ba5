//! The Chinese `--help`: every command's and option's text, by clap id.
//!
//! The English text is the doc comments of [`super::Cli`]; this table is its
//! Chinese counterpart. A key is `command` (its about), `command.long` (its
//! long about), `command.examples`, `command.arg` for an option of one
//! command, or `any.arg` for an option that reads the same everywhere. The
//! root command is `qbr`; `heading.*` are the words clap puts around them
//! and `error.*` its usage errors (`{0}`, `{1}` … stand for what the error
//! names). What an option's own parser refuses is worded in both languages
//! in [`crate::i18n`], like every other message. A test checks that every command and option has a text
//! here and that every text here is used.

/// The Chinese text of a key, when the table has one.
pub fn text(key: &str) -> Option<&'static str> {
    TABLE.iter().find(|(k, _)| *k == key).map(|(_, t)| *t)
}

/// The Chinese text of a key with `{0}`, `{1}` … replaced by `args` (empty
/// for a key the table lacks, which the tests rule out).
pub fn fill(key: &str, args: &[&str]) -> String {
    crate::i18n::fill_template(text(key).unwrap_or_default(), args)
}

/// Every key of the table (for the completeness test).
#[cfg(test)]
pub fn keys() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|(k, _)| *k)
}

const TABLE: &[(&str, &str)] = &[
    // Headings and clap's own flags.
    ("heading.usage", "用法: "),
    ("heading.arguments", "参数"),
    ("heading.options", "选项"),
    ("heading.commands", "命令"),
    ("heading.default", "默认"),
    ("heading.values", "可选"),
    ("any.help", "显示帮助（-h 为简要，--help 为完整）"),
    ("any.version", "显示版本"),
    ("help", "显示本帮助，或某个命令的帮助"),
    // The placeholders of values in the usage lines (clap's value names).
    ("value.AS_OF", "日期"),
    ("value.CACHE", "缓存文件夹"),
    ("value.COLOR", "何时"),
    ("value.CONFIG", "配置文件"),
    ("value.DEBOUNCE_MS", "毫秒"),
    ("value.DIR", "文件夹"),
    ("value.FORMAT", "格式"),
    ("value.INBOX", "收件文件夹"),
    ("value.LANG", "语言"),
    ("value.MONEY_UNIT", "单位"),
    ("value.NEXT_TOTAL", "金额"),
    ("value.ORDERS", "格式"),
    ("value.OUT", "输出文件夹"),
    ("value.OUTBOX", "文件夹"),
    ("value.PERIOD", "季度"),
    ("value.PROPOSAL_WEIGHT", "权重"),
    ("value.REVIEW", "复盘文件夹"),
    ("value.SCALE", "倍数"),
    ("value.SEED", "种子"),
    ("value.SPLIT_BY", "维度"),
    ("value.TOTAL", "金额"),
    // Usage errors, and values an option does not take ({0}: the value).
    ("error.more", "更多信息请运行 --help。"),
    ("error.value_missing", "{0} 需要一个值"),
    ("error.invalid_value", "`{0}` 不是 {1} 可取的值；可选：{2}"),
    ("error.value_validation", "`{0}` 不是 {1} 可取的值：{2}"),
    ("error.unknown_argument", "无法识别的参数 `{0}`"),
    ("error.unknown_command", "无法识别的命令 `{0}`"),
    ("error.missing_argument", "缺少必需的参数：{0}"),
    ("error.missing_command", "需要一个命令：{0}"),
    ("error.conflict", "{0} 不能与 {1} 同时使用"),
    ("error.values_count", "{0} 的值个数不对"),
    ("error.not_utf8", "命令行参数不是有效的 UTF-8 文本"),
    ("error.suggested", "\n  提示：是不是想用 `{0}`？"),
    // The root command and its global options.
    ("qbr", "qbr：季度经营复盘，面向财务与销售运营。"),
    (
        "qbr.long",
        "qbr：季度经营复盘，面向财务与销售运营。\n\n\
         把平时维护的工作簿（目标、订单导出、主数据、过程指标）放进同一个文件夹；\
         qbr 按表头识别每张表、逐项检查，并生成季度复盘。",
    ),
    ("any.quiet", "只输出错误：不显示进度和摘要。"),
    ("any.verbose", "同时输出每个阶段及其耗时（到 stderr）。"),
    // Options shared by several commands.
    ("any.inbox", "存放工作簿的文件夹（含各级子文件夹）。"),
    (
        "any.config",
        "使用这个 qbr.toml，而不是收件文件夹根目录下的那个。",
    ),
    (
        "any.format",
        "输出格式：text 供终端阅读，json 供程序读取（qbr.inspect/1、qbr.check/1）。",
    ),
    (
        "any.color",
        "终端输出是否着色：auto 在终端且未设置 NO_COLOR 时着色。",
    ),
    (
        "any.period",
        "要处理的季度，如 2026Q3、2026-Q3 或 2026年第3季度（默认：目标表的季度，否则最新订单的季度）。",
    ),
    (
        "any.lang",
        "报告语言（默认：输入表头为中文时用中文），也是终端上进度和错误信息的语言（默认：系统语言）。",
    ),
    // inspect
    (
        "inspect",
        "查看 qbr 从收件文件夹读到了什么：每张表的角色、表头行和列映射，读入与拒收的行（附 文件!工作表!单元格），以及跳过的文件。",
    ),
    (
        "inspect.long",
        "查看 qbr 从收件文件夹读到了什么：每张表的角色、表头行和列映射，读入与拒收的行（附 文件!工作表!单元格），以及跳过的文件。\n\n\
         退出码：0 全部读入，1 有行被拒收，2 收件文件夹或某个工作簿无法读取。",
    ),
    (
        "inspect.examples",
        "示例：\n  qbr inspect sample-data\n  qbr inspect ~/shared/q3-inbox --format json > inspect.json",
    ),
    (
        "inspect.lang",
        "文本输出的语言（默认：输入表头为中文时用中文），也是进度和错误信息的语言（默认：系统语言）；--format json 始终为英文。",
    ),
    // check
    (
        "check",
        "按规则检查目标分解和订单数据，像编译器检查代码一样：每条发现都附 文件!工作表!单元格、发现了什么、应当是什么，以及修改建议。规则见 docs/rules.md。",
    ),
    (
        "check.long",
        "按规则检查目标分解和订单数据，像编译器检查代码一样：每条发现都附 文件!工作表!单元格、发现了什么、应当是什么，以及修改建议。规则见 docs/rules.md。\n\n\
         退出码：0 无错误（可有警告），1 发现错误，2 输入无法读取或用法错误。",
    ),
    (
        "check.examples",
        "示例：\n  qbr check sample-data\n  qbr check ~/shared/q3-inbox --period 2026Q3 --format json",
    ),
    (
        "check.lang",
        "终端上检查结果的语言（默认：输入表头为中文时用中文），也是进度和错误信息的语言（默认：系统语言）；--format json 始终为英文。",
    ),
    // review and watch
    (
        "review",
        "生成季度复盘：各维度每个单元的完成率、短板及其帕累托集合、团队排名、进度、趋势、客户指标和建议。",
    ),
    (
        "review.long",
        "生成季度复盘：各维度每个单元的完成率、短板及其帕累托集合、团队排名、进度、趋势、客户指标和建议。\
         先运行 `qbr check` 的全部检查，数据有错误时不写出，除非指定 --allow-errors。\
         <输出文件夹>/<季度>/ 要么完整写出，要么什么都不写：summary.json、review-<季度>.xlsx、review-<季度>.html、\
         邮件正文（HTML 和纯文本）、targets-<下季度>.xlsx、已知工资时的受限文件 incentives-<季度>.xlsx、\
         recipients.json 和 manifest.json；最后输出摘要。\n\n\
         退出码：0 已写出，1 数据有错误（未写出），2 输入无法读取或用法错误，3 qbr 自身的一致性校验失败（未写出）。",
    ),
    (
        "review.examples",
        "示例：\n  qbr review sample-data --out out\n  qbr review ~/shared/q3-inbox --out ~/reviews --as-of 2026-08-15",
    ),
    (
        "any.out",
        "写到哪里：<输出文件夹>/<季度>/summary.json 及各份报告。",
    ),
    ("any.allow_errors", "数据有错误时也写出复盘。"),
    (
        "any.split_by",
        "另按大区、小组或个人各写一套报告（HTML、邮件正文、工作簿），每套只含该单元的子树和公司总览。",
    ),
    (
        "any.out_in_inbox",
        "允许 --out 位于收件文件夹内（扫描时跳过它）。",
    ),
    (
        "any.cache",
        "按内容哈希缓存已解析工作簿的位置，重跑时只解析新增或改动的文件（默认：<输出文件夹>/.qbr-cache）。",
    ),
    ("any.no_cache", "每个工作簿都重新解析，不保留缓存。"),
    (
        "review.period",
        "要复盘的季度，如 2026Q3（默认：目标表的季度，否则最新订单的季度）。",
    ),
    (
        "any.all_periods",
        "复盘每个有目标的季度，各自写到 <输出文件夹>/<季度>。",
    ),
    (
        "any.as_of",
        "复盘截至哪一天，用于进度（默认：该季度最新的订单日期）。",
    ),
    (
        "any.money_unit",
        "工作簿中金额的显示单位：元、千元或万元（单元格保留精确值）。",
    ),
    (
        "any.next_total",
        "targets-<下季度>.xlsx 的下季度销售总额，单位元（默认：本季度目标按 qbr.toml 的 annual_growth 增长）。",
    ),
    (
        "any.no_incentives",
        "不写出受限的激励预览（incentives-<季度>.xlsx，人员主数据带月薪时写出）。",
    ),
    (
        "watch",
        "收件文件夹有变化时重新检查并复盘：防抖，且只在改动的文件停止增长后读取，正在复制的文件不会被读到一半。每次运行都记录触发原因和结果，遇到坏文件后继续监视。按 Ctrl-C 停止。",
    ),
    (
        "watch.examples",
        "示例：\n  qbr watch ~/shared/q3-inbox --out ~/reviews",
    ),
    (
        "any.debounce_ms",
        "最后一次变化后等待多久再运行，单位毫秒。",
    ),
    // plan
    (
        "plan",
        "根据收件文件夹中的历史把季度总额分解为目标树：客户和产品按近期结构及 qbr.toml 的策略权重拆分，大区 → 小组 → 个人按公平份额模型（层级权重和上季度销售额），月份按季节性。写出带占比列的目标工作簿，另有一张表说明每个数字的来历；`qbr check` 可直接读回。",
    ),
    (
        "plan.examples",
        "示例：\n  qbr plan sample-data --total 12000000 --period 2026Q4 --out plan-2026Q4.xlsx",
    ),
    ("plan.inbox", "存放工作簿（历史订单、主数据）的文件夹。"),
    (
        "any.total",
        "该季度的销售总额，单位元（12000000、1200万）。",
    ),
    ("plan.period", "要制定目标的季度，如 2026Q4。"),
    ("plan.out", "要写出的工作簿。"),
    (
        "plan.lang",
        "工作簿的语言（默认：由输入表头决定），也是提示信息的语言（默认：系统语言）。",
    ),
    (
        "any.proposals",
        "把收件文件夹中的一线建议目标融入计划：每个有建议的单元按权重向建议值靠拢，再把每组同级单元调整到与上级一致，保证目标树加总无误。",
    ),
    (
        "any.proposal_weight",
        "融合时建议目标的权重，0 到 1（默认：qbr.toml 的 proposal_weight，否则 0.5）。",
    ),
    // init
    (
        "init",
        "为还没有这些工作簿的团队生成空白模板：目标、订单、主数据和过程指标，带 qbr 能识别的表头、下拉列表、示例行（在表头上方，不会被读取）、说明页，以及列出全部设置的 qbr.toml。填好行之后，`qbr check` 即可通过。",
    ),
    (
        "init.examples",
        "示例：\n  qbr init ~/shared/q4-inbox --lang zh",
    ),
    ("init.dir", "要创建的文件夹（必须为空或不存在）。"),
    (
        "init.lang",
        "表头、说明和提示信息的语言（默认：系统语言，如 LANG=zh_CN.UTF-8 时为中文）。",
    ),
    // email
    (
        "email",
        "发送 `qbr review` 写出的复盘：每位收件人每份报告一封邮件，含邮件正文、纯文本版本和对应的工作簿附件。收件人来自人员主数据的邮箱（本人的报告，以及目标中其负责单元的报告）和 qbr.toml 的 [recipients]；allowed_domains 之外的地址一律拒绝。",
    ),
    (
        "email.long",
        "发送 `qbr review` 写出的复盘：每位收件人每份报告一封邮件，含邮件正文、纯文本版本和对应的工作簿附件。收件人来自人员主数据的邮箱（本人的报告，以及目标中其负责单元的报告）和 qbr.toml 的 [recipients]；allowed_domains 之外的地址一律拒绝。\n\n\
         退出码：0 全部写出或发送，1 有地址被拒绝（未发送）或部分投递失败，2 不是复盘文件夹或配置有误。",
    ),
    (
        "email.examples",
        "示例：\n  qbr email out/2026Q3 --dry-run\n  QBR_SMTP_PASSWORD=… qbr email out/2026Q3",
    ),
    (
        "email.review",
        "复盘文件夹：`qbr review` 写出的 <输出文件夹>/<季度>。",
    ),
    ("any.dry_run", "把邮件写成 .eml 文件，而不是发送。"),
    (
        "any.outbox",
        "--dry-run 写 .eml 文件的位置（默认：<复盘文件夹>/outbox）。",
    ),
    (
        "email.config",
        "使用这个 qbr.toml，而不是生成复盘时用的那个。",
    ),
    // sample-data
    (
        "sample-data",
        "写出示例收件文件夹：一家示例公司的目标、四个季度的历史订单加 2026Q3、主数据和过程指标，均为工作簿。",
    ),
    (
        "sample-data.long",
        "写出示例收件文件夹：一家示例公司的目标、四个季度的历史订单加 2026Q3、主数据和过程指标，均为工作簿。\n\n\
         输出是确定的：相同的 --seed 和 --scale 生成相同的文件。",
    ),
    (
        "sample-data.examples",
        "示例：\n  qbr sample-data /tmp/inbox\n  qbr sample-data /tmp/big --scale 40",
    ),
    (
        "sample-data.dir",
        "要写入的文件夹（会被创建；必须为空或不存在）。",
    ),
    ("any.scale", "订单行数的倍数（1 约为 24,000 行）。"),
    ("any.seed", "伪随机数生成器的种子。"),
    (
        "any.orders",
        "订单导出的格式（主数据、目标和过程指标仍为工作簿）：csv 和 parquet 每张表写一个文件。",
    ),
];
