//! Generated, realistic data for trying the program (`cargo xtask run --demo`) and for
//! benchmarks: Chinese company names with valid credit codes, provinces and cities, contacts
//! with mobiles and e-mails, sources, statuses, classes, tags and notes.
//!
//! Invariants: the same seed gives the same data; every generated input passes the core's
//! validation; generated data goes through the same operations as typed-in data (audit
//! entries included).

use crate::access::Role;
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::partners::{self, ContactInput, PartnerInput};
use crate::users;
use crate::validate;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Brand names are two syllables, one from each list.
const BRAND_FIRST: &[(&str, &str)] = &[
    ("华", "hua"),
    ("恒", "heng"),
    ("瑞", "rui"),
    ("鼎", "ding"),
    ("博", "bo"),
    ("天", "tian"),
    ("金", "jin"),
    ("云", "yun"),
    ("中", "zhong"),
    ("汇", "hui"),
    ("联", "lian"),
    ("启", "qi"),
    ("宏", "hong"),
    ("志", "zhi"),
    ("光", "guang"),
    ("新", "xin"),
    ("东", "dong"),
    ("星", "xing"),
    ("卓", "zhuo"),
    ("广", "guang"),
    ("创", "chuang"),
    ("海", "hai"),
    ("明", "ming"),
    ("智", "zhi"),
    ("鑫", "xin"),
    ("泰", "tai"),
    ("德", "de"),
    ("永", "yong"),
    ("安", "an"),
    ("嘉", "jia"),
    ("锦", "jin"),
    ("蓝", "lan"),
];
const BRAND_SECOND: &[(&str, &str)] = &[
    ("信", "xin"),
    ("通", "tong"),
    ("达", "da"),
    ("盛", "sheng"),
    ("远", "yuan"),
    ("成", "cheng"),
    ("桥", "qiao"),
    ("帆", "fan"),
    ("科", "ke"),
    ("创", "chuang"),
    ("明", "ming"),
    ("图", "tu"),
    ("华", "hua"),
    ("锐", "rui"),
    ("辰", "chen"),
    ("越", "yue"),
    ("联", "lian"),
    ("纳", "na"),
    ("诚", "cheng"),
    ("源", "yuan"),
    ("和", "he"),
    ("润", "run"),
    ("禾", "he"),
    ("程", "cheng"),
    ("洋", "yang"),
    ("峰", "feng"),
    ("宇", "yu"),
    ("泽", "ze"),
    ("康", "kang"),
    ("瀚", "han"),
    ("拓", "tuo"),
    ("驰", "chi"),
];
const TRADES: &[(&str, &str)] = &[
    ("科技", "tech"),
    ("信息技术", "it"),
    ("电子", "elec"),
    ("软件", "soft"),
    ("网络科技", "net"),
    ("智能科技", "smart"),
    ("商贸", "trade"),
    ("系统集成", "si"),
    ("数据服务", "data"),
    ("通信设备", "comm"),
    ("自动化", "auto"),
    ("医疗设备", "med"),
];
const SUFFIXES: &[&str] = &["有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司"];
const INDUSTRIES: &[&str] = &[
    "信息技术",
    "电子制造",
    "软件服务",
    "系统集成",
    "通信设备",
    "智能制造",
    "医疗器械",
    "教育科技",
    "新能源",
    "物流",
];
const PLACES: &[(&str, &[&str])] = &[
    ("11", &["北京"]),
    ("31", &["上海"]),
    ("44", &["广州", "深圳", "东莞", "佛山", "珠海"]),
    ("33", &["杭州", "宁波", "温州"]),
    ("32", &["南京", "苏州", "无锡", "常州"]),
    ("51", &["成都", "绵阳"]),
    ("42", &["武汉", "宜昌"]),
    ("37", &["济南", "青岛", "烟台"]),
    ("61", &["西安"]),
    ("50", &["重庆"]),
    ("35", &["福州", "厦门", "泉州"]),
    ("43", &["长沙"]),
    ("41", &["郑州", "洛阳"]),
    ("34", &["合肥"]),
    ("21", &["沈阳", "大连"]),
    ("12", &["天津"]),
    ("53", &["昆明"]),
    ("36", &["南昌"]),
    ("45", &["南宁"]),
    ("23", &["哈尔滨"]),
];
const SURNAMES: &[(&str, &str)] = &[
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("高", "gao"),
    ("林", "lin"),
    ("罗", "luo"),
    ("郑", "zheng"),
    ("梁", "liang"),
    ("谢", "xie"),
    ("宋", "song"),
];
const GIVEN: &[(&str, &str)] = &[
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("洋", "yang"),
    ("艳", "yan"),
    ("勇", "yong"),
    ("军", "jun"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("霞", "xia"),
    ("平", "ping"),
    ("刚", "gang"),
    ("建华", "jianhua"),
    ("晓东", "xiaodong"),
    ("海燕", "haiyan"),
    ("志强", "zhiqiang"),
];
const TITLES: &[&str] =
    &["总经理", "副总经理", "销售总监", "采购经理", "技术总监", "市场经理", "渠道经理", "商务专员"];
const ONLINE: &[&str] = &["官网咨询", "行业网站", "微信公众号", "行业论坛", "社交媒体"];
const EVENTS: &[&str] =
    &["2026 中国国际工业博览会（上海）", "2026 深圳国际电子展", "2026 成都软件产业峰会", "华东渠道招商会"];
const TAGS: &[&str] = &["重点客户", "华南区", "华东区", "新签约", "政企", "教育行业", "高潜力", "需培训"];
const NOTES: &[&str] = &[
    "对方希望获得华南区域独家代理权，需评估其市场覆盖能力。",
    "上季度销售额增长明显，建议纳入重点培养名单。",
    "技术团队较弱，需安排产品培训。",
    "已提交营业执照及近三年财务报表复印件。",
    "在展会上表现出强烈合作意愿，约定下月上门考察。",
    "付款记录良好，无逾期。",
    "",
];
/// Channel staff created in the demo data, as (login, name).
pub const DEMO_STAFF: &[(&str, &str)] =
    &[("zhangmin", "张敏"), ("liqiang", "李强"), ("wangfang", "王芳"), ("chenjie", "陈杰")];

fn pick<'a, T>(rng: &mut StdRng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

/// A valid unified social credit code for a company registered in province `prov`.
pub fn credit_code(rng: &mut StdRng, prov: &str) -> String {
    const CS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut s = format!("91{prov}{:04}", rng.random_range(100..2000));
    for _ in 0..9 {
        s.push(CS[rng.random_range(0..CS.len())] as char);
    }
    let check = validate::credit_code_check_char(&s).unwrap_or('0');
    s.push(check);
    s
}

fn mobile(rng: &mut StdRng) -> String {
    let p = ["138", "139", "136", "135", "150", "186", "188", "177", "199"];
    format!("{}{:08}", pick(rng, &p), rng.random_range(0..100_000_000u32))
}

/// `n` partner inputs from `seed`; the i-th is the same for a seed whatever `n` is.
pub fn generate(n: usize, seed: u64) -> Vec<PartnerInput> {
    generate_from(0, n, seed)
}

/// Partners `start..start + n` of the sequence for `seed`.
pub fn generate_from(start: usize, n: usize, seed: u64) -> Vec<PartnerInput> {
    (start..start + n).map(|i| generate_one(seed, i)).collect()
}

fn generate_one(seed: u64, i: usize) -> PartnerInput {
    let mut rng = StdRng::seed_from_u64(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let (prov, cities) = *pick(&mut rng, PLACES);
    let city = *pick(&mut rng, cities);
    // Brand and trade come from a permutation of `i` (mixed radix over a shuffled index), so
    // names stay distinct and varied at any size; a serial only appears past 12,288 partners.
    let block = BRAND_FIRST.len() * BRAND_SECOND.len() * TRADES.len();
    let j = (i % block) * 7919 % block; // 7919 is prime and does not divide the block size
    let (trade, trade_py) = TRADES[j % TRADES.len()];
    let (b1, p1) = BRAND_FIRST[(j / TRADES.len()) % BRAND_FIRST.len()];
    let (b2, p2) = BRAND_SECOND[(j / (TRADES.len() * BRAND_FIRST.len())) % BRAND_SECOND.len()];
    let serial = i / block;
    let brand = format!("{b1}{b2}");
    let brand_py = format!("{p1}{p2}");
    let serial_txt = if serial == 0 { String::new() } else { format!("{serial}") };
    let name = format!("{city}{brand}{serial_txt}{trade}{}", pick(&mut rng, SUFFIXES));
    let domain = format!("{brand_py}{serial_txt}-{trade_py}.cn");
    let contact_count = rng.random_range(1..=3);
    let contacts = (0..contact_count)
        .map(|k| {
            let (sn, sp) = *pick(&mut rng, SURNAMES);
            let (gn, gp) = *pick(&mut rng, GIVEN);
            ContactInput {
                id: None,
                name: format!("{sn}{gn}"),
                title: pick(&mut rng, TITLES).to_string(),
                mobile: mobile(&mut rng),
                email: format!("{sp}.{gp}{k}@{domain}"),
                wechat: if rng.random_bool(0.5) {
                    format!("{sp}{gp}{}", rng.random_range(10..99))
                } else {
                    String::new()
                },
                is_primary: k == 0,
            }
        })
        .collect();
    let (source_kind, source_detail) = match rng.random_range(0..10) {
        0..=3 => ("online", pick(&mut rng, ONLINE).to_string()),
        4..=6 => ("offline_event", pick(&mut rng, EVENTS).to_string()),
        7..=8 => {
            let (sn, _) = *pick(&mut rng, SURNAMES);
            let (gn, _) = *pick(&mut rng, GIVEN);
            ("referral", format!("员工推荐：{sn}{gn}"))
        }
        _ => ("other", String::new()),
    };
    let mut tags: Vec<String> = Vec::new();
    for _ in 0..rng.random_range(0..3) {
        let t = pick(&mut rng, TAGS).to_string();
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    let (rep_s, _) = *pick(&mut rng, SURNAMES);
    let (rep_g, _) = *pick(&mut rng, GIVEN);
    PartnerInput {
        short_name: format!("{brand}{trade}"),
        credit_code: if rng.random_bool(0.9) { credit_code(&mut rng, prov) } else { String::new() },
        legal_rep: format!("{rep_s}{rep_g}"),
        address: format!(
            "{city}市{}路{}号",
            pick(&mut rng, &["人民", "解放", "中山", "建设", "科技", "创业"]),
            rng.random_range(1..999)
        ),
        province: prov.to_string(),
        city: city.to_string(),
        industry: pick(&mut rng, INDUSTRIES).to_string(),
        business_scope: format!("{trade}产品的研发、销售及技术服务；计算机软硬件及外围设备的销售。"),
        website: format!("www.{domain}"),
        source_kind: source_kind.into(),
        source_detail,
        channel_contact_id: None,
        tags,
        notes: pick(&mut rng, NOTES).to_string(),
        contacts,
        name,
    }
}

/// Fills an empty register with `n` generated partners (and the demo channel staff, without
/// passwords), two trade shows with leads spread over the recruitment pipeline and research
/// notes, and agreements in every state (with a legal and a business reviewer, no passwords
/// either), as the signed-in administrator;
/// does nothing when partners exist. Returns how many were added.
pub async fn seed(desk: &Desk, n: usize, seed: u64) -> Result<usize> {
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM partner").fetch_one(desk.pool()).await?;
    if existing > 0 {
        return Ok(0);
    }
    let people: Vec<(&str, &str, Role)> = DEMO_STAFF.iter().map(|(l, n)| (*l, *n, Role::Channel)).collect();
    users::create_without_password(desk, &people).await?;
    let staff: Vec<String> = users::list(desk)
        .await?
        .into_iter()
        .filter(|u| DEMO_STAFF.iter().any(|(l, _)| *l == u.login))
        .map(|u| u.id)
        .collect();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut inputs = generate(n, seed);
    for p in inputs.iter_mut() {
        if !staff.is_empty() && rng.random_bool(0.85) {
            p.channel_contact_id = Some(pick(&mut rng, &staff).clone());
        }
    }
    for chunk in inputs.chunks(1000) {
        // About two in three come from the company's existing base (an administrator's
        // migration, classes as if the last evaluation round had run, R2.2.3); the rest are
        // prospects; one in ten of the migrated is suspended.
        let (mut migrated, mut prospects) = (Vec::new(), Vec::new());
        for p in chunk {
            if rng.random_range(0..20) < 13 {
                let class = match rng.random_range(0..10) {
                    0..=1 => "A",
                    2..=6 => "B",
                    7..=8 => "C",
                    _ => "",
                };
                migrated.push(partners::MigrationRow { partner: p.clone(), class: class.into() });
            } else {
                prospects.push(p.clone());
            }
        }
        let ids = partners::migrate(desk, &migrated).await?;
        partners::create_many(desk, &prospects).await?;
        let mut w = desk.write().await?;
        for id in ids.iter().filter(|_| rng.random_range(0..10) == 0) {
            partners::set_standing(&mut w, id, "suspend", "演示数据：逾期未付", "standing").await?;
        }
        w.commit().await?;
    }
    seed_recruitment(desk, &staff, &mut rng).await?;
    seed_agreements(desk, &mut rng).await?;
    seed_evaluations(desk, &mut rng).await?;
    seed_business(desk, &staff, &mut rng).await?;
    Ok(n)
}

/// A catalogue of three products, eight months of orders from the partners whose agreements
/// are signed (reviewed, let through where the review holds them, confirmed and shipped), most
/// of them paid, and three promotion activities (one evaluated), so that the dashboard and a
/// partner's picture have something to show.
async fn seed_business(desk: &Desk, staff: &[String], rng: &mut StdRng) -> Result<()> {
    use crate::orders::catalogue::{self, PriceInput, ProductInput};
    use crate::orders::delivery::{self, ShipLine, ShipmentInput};
    use crate::orders::finance::{self, ReceiptInput};
    use crate::orders::{self, LineInput, OrderInput};
    use crate::promotion::{self, ActivityInput, EffectInput};
    let today = chrono::NaiveDate::parse_from_str(&desk.today(), "%Y-%m-%d").unwrap_or_default();
    let day = |offset: i64| (today - chrono::Duration::days(offset)).format("%Y-%m-%d").to_string();
    let mut products = Vec::new();
    for (code, name, category, list) in [
        ("DR-100", "智能门禁控制器", "门禁", 120_000),
        ("IC-200", "可视对讲室内机", "对讲", 50_000),
        ("SW-300", "社区管理软件（年度授权）", "软件", 800_000),
    ] {
        let input = ProductInput {
            code: code.into(),
            name: name.into(),
            category: category.into(),
            kind: "product".into(),
            unit: "套".into(),
            currency: "CNY".into(),
            description: String::new(),
            after_sales: "整机保修一年".into(),
            active: true,
        };
        let id = catalogue::create_product(desk, &input).await?.product.id;
        for (tier, share) in [("list", 100), ("A", 80), ("B", 85), ("C", 92)] {
            let price =
                PriceInput { tier: tier.into(), price_minor: Some(list * share / 100), valid_from: day(400) };
            catalogue::set_price(desk, &id, &price).await?;
        }
        products.push(id);
    }
    let partners: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT p.id, p.province FROM partner p JOIN agreement a ON a.partner_id = p.id
         WHERE a.status = 'signed' AND p.status = 'active' AND p.deleted_at IS NULL ORDER BY p.id",
    )
    .fetch_all(desk.pool())
    .await?;
    for (pid, province) in &partners {
        let mut shipped = 0i64;
        for _ in 0..rng.random_range(4..10) {
            let on = day(rng.random_range(5..240));
            let mut lines = Vec::new();
            for id in &products {
                if rng.random_bool(0.6) {
                    let quantity = rng.random_range(20..300);
                    lines.push(LineInput { product_id: id.clone(), quantity, unit_price_minor: None });
                }
            }
            if lines.is_empty() {
                continue;
            }
            let input = OrderInput {
                partner_id: pid.clone(),
                customer_name: format!(
                    "{}物业管理有限公司",
                    ["华景", "星河", "万科", "保利", "招商"][rng.random_range(0..5)]
                ),
                customer_province: province.clone(),
                customer_area: String::new(),
                customer_city: String::new(),
                customer_contact: String::new(),
                currency: "CNY".into(),
                ordered_on: on.clone(),
                requested_on: on.clone(),
                note: String::new(),
                lines,
            };
            let o = orders::create(desk, &input).await?;
            let o = orders::review(desk, &o.row.id).await?;
            let o = if o.row.status == "held" {
                orders::override_review(desk, &o.row.id, "演示数据：经理放行").await?
            } else {
                o
            };
            let o = orders::confirm(desk, &o.row.id, &format!("HT-{}", o.row.number)).await?;
            let ship = ShipmentInput {
                shipped_on: on.clone(),
                carrier: "顺丰速运".into(),
                tracking_no: format!("SF{}", rng.random_range(1_000_000_000u64..9_999_999_999)),
                expected_on: on.clone(),
                note: String::new(),
                lines: o
                    .lines
                    .iter()
                    .map(|l| ShipLine { order_line_id: l.id.clone(), quantity: l.quantity })
                    .collect(),
            };
            delivery::ship(desk, &o.row.id, &ship).await?;
            shipped += o.row.total_minor;
        }
        // Most of it paid, some partners late.
        let share = [100, 90, 70, 40][rng.random_range(0..4)];
        let paid = shipped * share / 100;
        if paid > 0 {
            let receipt = ReceiptInput {
                partner_id: pid.clone(),
                order_id: String::new(),
                amount_minor: Some(paid),
                currency: "CNY".into(),
                paid_on: day(3),
                reference: format!("BANK-{}", rng.random_range(10_000..99_999)),
                note: String::new(),
            };
            finance::record_receipt(desk, &receipt).await?;
        }
    }
    let ids: Vec<String> = partners.iter().map(|p| p.0.clone()).take(4).collect();
    for (i, (theme, form, start, budget, spent)) in [
        ("智慧社区门禁新品交流会（广州站）", "seminar", 100, 8_000_000, 7_200_000),
        ("华东渠道伙伴大会展台", "exhibition", -30, 15_000_000, 0),
        ("线上直播：可视对讲安装实操", "online", 45, 2_000_000, 1_650_000),
    ]
    .into_iter()
    .enumerate()
    {
        let input = ActivityInput {
            strategy_id: String::new(),
            theme: theme.into(),
            form: form.into(),
            content: String::new(),
            starts_on: day(start),
            ends_on: day(start - 1),
            place: String::new(),
            channels: Vec::new(),
            partner_ids: ids.clone(),
            staff_ids: staff.iter().take(2).cloned().collect(),
            currency: "CNY".into(),
            budget_minor: Some(budget),
            spent_minor: Some(spent),
            status: if start > 0 { "running".into() } else { "planned".into() },
        };
        let a = promotion::save_activity(desk, None, &input).await?;
        if i == 0 {
            let effect = EffectInput {
                evaluated_on: day(start - 5),
                participants: Some(120),
                results: Some(8),
                result_label: "意向客户".into(),
                awareness_before_bp: Some(3_150),
                awareness_after_bp: Some(3_770),
                satisfaction_x10: Some(46),
                spent_minor: Some(spent),
                lessons: "提前两周邀约，现场签约率更高。".into(),
            };
            promotion::evaluate(desk, &a.row.id, &effect).await?;
        }
    }
    Ok(())
}

/// This year's round opened for every active partner, twelve of them scored and finished
/// (their class and class history from the real evaluation), one special evaluation with a
/// measure.
async fn seed_evaluations(desk: &Desk, rng: &mut StdRng) -> Result<()> {
    use crate::evaluation::{self, EvaluationQuery, MeasureInput, ScoreInput, SpecialInput};
    let year: i32 = desk.today()[..4].parse().unwrap_or(2026);
    evaluation::start_round(desk, year).await?;
    let open =
        evaluation::list(desk, &EvaluationQuery { status: "open".into(), ..Default::default() }).await?;
    for row in open.rows.iter().take(12) {
        let e = evaluation::get(desk, &row.id).await?;
        let level = rng.random_range(0..3usize);
        let scores: Vec<ScoreInput> = e
            .scheme
            .indicators
            .iter()
            .map(|i| ScoreInput {
                indicator: i.key.clone(),
                score: i.bands.get(level.min(i.bands.len().saturating_sub(1))).map(|b| b.score),
                actual: (i.kind == "ratio").then(|| rng.random_range(2_000_000..6_000_000)),
                target: (i.kind == "ratio").then_some(5_000_000),
                evidence: "季度经营数据与客户回访记录".into(),
            })
            .collect();
        evaluation::score(desk, &row.id, &scores).await?;
        if let Err(Error::Validation(f)) = evaluation::finish(desk, &row.id).await {
            // Class C: the improvement plan comes first (R2.2.3).
            if !f.iter().any(|f| f.rule == "improvement_plan") {
                return Err(Error::Validation(f));
            }
            let owner = desk.actor().map(|a| a.id).unwrap_or_default();
            let due_on = (desk.now() + chrono::Duration::days(30)).format("%Y-%m-%d").to_string();
            let plan = evaluation::MeasureInput {
                action: "制定季度改进计划并每月跟进".into(),
                owner_id: owner,
                due_on,
            };
            evaluation::add_measure(desk, &row.id, &plan).await?;
            evaluation::finish(desk, &row.id).await?;
        }
    }
    if let Some(row) = open.rows.get(12) {
        let owner = desk.actor().map(|a| a.id).unwrap_or_default();
        let input = SpecialInput {
            partner_id: row.partner_id.clone(),
            trigger: "breach".into(),
            reason: "在授权区域外低价销售，客户投诉两起".into(),
        };
        let e = evaluation::start_special(desk, &input).await?;
        let due = (chrono::NaiveDate::parse_from_str(&desk.today(), "%Y-%m-%d").unwrap_or_default()
            + chrono::Duration::days(14))
        .format("%Y-%m-%d")
        .to_string();
        evaluation::add_measure(
            desk,
            &e.row.id,
            &MeasureInput {
                action: "书面通报并限期整改区域价格".into(), owner_id: owner, due_on: due
            },
        )
        .await?;
    }
    Ok(())
}

/// The demo legal and business reviewers (no passwords, like the channel staff).
const DEMO_REVIEWERS: [(&str, &str, Role); 2] =
    [("li.na", "李娜（法务）", Role::Legal), ("zhao.lei", "赵磊（业务部）", Role::Business)];

/// Runs `f` as the demo user `login` (for the reviews only those roles may record), then
/// gives the session back to whoever was signed in.
async fn as_user<T, F: std::future::Future<Output = Result<T>>>(
    desk: &Desk,
    login: &str,
    f: impl FnOnce() -> F,
) -> Result<T> {
    let user = users::list(desk)
        .await?
        .into_iter()
        .find(|u| u.login == login)
        .ok_or_else(|| crate::error::Error::NotFound { entity: "user", id: login.into() })?;
    let roles = DEMO_REVIEWERS.iter().filter(|(l, _, _)| *l == login).map(|(_, _, r)| *r).collect();
    let before = desk.session();
    desk.set_session(crate::desk::Session::Active(crate::desk::SessionUser {
        id: user.id,
        login: login.into(),
        name: user.display_name,
        roles,
    }));
    let out = f().await;
    desk.set_session(before);
    out
}

/// Agreements in every state for the first active partners: a fresh draft, a complete one,
/// one waiting for the business review, an approved one, signed ones (two expiring within the
/// renewal reminder window), and one ended early with its handover under
/// way, all through the real drafting, review and signing.
async fn seed_agreements(desk: &Desk, rng: &mut StdRng) -> Result<()> {
    use crate::agreements::lifecycle::{self, TerminateInput};
    use crate::agreements::{self, DraftInput, NewAgreement, ReviewInput, library, signing};
    users::create_without_password(desk, &DEMO_REVIEWERS).await?;
    let partners: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM partner WHERE status = 'active' AND deleted_at IS NULL AND credit_code IS NOT NULL
         ORDER BY created_at, id LIMIT 12",
    )
    .fetch_all(desk.pool())
    .await?;
    let templates = library::templates(desk).await?;
    let today = chrono::NaiveDate::parse_from_str(&desk.today(), "%Y-%m-%d").unwrap_or_default();
    let day = |offset: i64| (today + chrono::Duration::days(offset)).format("%Y-%m-%d").to_string();
    // Territories as the agreement form writes them (GB/T 2260 codes): a province, three
    // provinces, cities of one province, a city, a municipality's districts.
    let territories = ["44", "31,32,33", "4401,4406", "4201", "110105,110108"];
    for (i, (pid,)) in partners.iter().enumerate() {
        let tpl = &templates[i % templates.len()];
        let new = NewAgreement { partner_id: pid.clone(), template_id: tpl.id.clone(), title: String::new() };
        let a = agreements::create(desk, &new).await?;
        if i == 0 {
            continue; // a fresh draft
        }
        // Most started some months ago; two expire within the reminder window.
        let (start, end) = match i {
            2 => (day(-300), day(64)),
            3 => (day(-340), day(24)),
            _ => (day(-30 * rng.random_range(1..10)), day(30 * rng.random_range(6..24))),
        };
        let mut variables = a.current.variables.clone();
        for (k, v) in [
            ("company_name", "渠道科技股份有限公司".to_string()),
            ("company_credit_code", "91110000100000000X".to_string()),
            ("territory", territories[i % territories.len()].to_string()),
            ("products", "智能门禁系统、可视对讲系统及配套管理软件".to_string()),
            ("start_on", start.clone()),
            ("end_on", end),
            ("price_terms", "按甲方《渠道价目表》B 类价格执行".to_string()),
            ("settlement_cycle", ["monthly", "monthly", "quarterly", "yearly"][i % 4].to_string()),
            ("payment_days", "30".to_string()),
            ("annual_target", format!("人民币 {} 万元", 100 * (2 + i))),
        ] {
            variables.insert(k.into(), v);
        }
        let input = DraftInput {
            title: a.row.title.clone(),
            variables,
            clauses: a.current.clauses.clone(),
            note: "填写商务条款".into(),
            report_cycle: "quarterly".into(),
        };
        let a = agreements::save_draft(desk, &a.row.id, a.row.version_no, &input).await?;
        if i == 1 {
            continue; // complete, not yet sent to review
        }
        let a = agreements::submit(desk, &a.row.id).await?;
        let decide = |side: &str| ReviewInput {
            side: side.into(),
            decision: "approve".into(),
            comment: String::new(),
            fingerprint: a.current.fingerprint.clone(),
        };
        let legal = decide("legal");
        as_user(desk, "li.na", || agreements::review(desk, &a.row.id, &legal)).await?;
        if i == 4 {
            continue; // waiting for the business review
        }
        let business = decide("business");
        as_user(desk, "zhao.lei", || agreements::review(desk, &a.row.id, &business)).await?;
        if i == 5 {
            continue; // approved, not yet signed
        }
        let sign = signing::SignInput {
            signed_on: start.clone(),
            signed_place: "深圳".into(),
            our_signatory: "陈建国".into(),
            our_capacity: "legal_rep".into(),
            their_signatory: "王海".into(),
            their_capacity: "authorised".into(),
            their_authorisation: format!("授权委托书 2026-{i:03}"),
            ..Default::default()
        };
        let signed = signing::sign(desk, &a.row.id, &sign).await?;
        if i == 6 {
            let end = TerminateInput {
                cause: "force_majeure".into(),
                ended_on: desk.today(),
                note: "所在园区整体拆迁，无法继续经营".into(),
            };
            lifecycle::terminate(desk, &signed.row.id, &end).await?;
            lifecycle::handover(desk, &signed.row.id, "customers_handed_on", &desk.today()).await?;
        }
    }
    Ok(())
}

/// Two trade shows, the first one's leads spread over the pipeline through the real gates
/// (scorecards, inspections, negotiations, one rejection in six), and research notes.
async fn seed_recruitment(desk: &Desk, staff: &[String], rng: &mut StdRng) -> Result<()> {
    use crate::recruitment::{self, InspectionInput, NegotiationInput, Stage, events, research, screening};
    let today = chrono::NaiveDate::parse_from_str(&desk.today(), "%Y-%m-%d").unwrap_or_default();
    let day = |offset: i64| (today + chrono::Duration::days(offset)).format("%Y-%m-%d").to_string();
    let show = events::create(
        desk,
        &events::EventInput {
            name: "深圳国际公共安全博览会".into(),
            city: "深圳".into(),
            venue: "深圳国际会展中心".into(),
            starts_on: day(-20),
            ends_on: day(-18),
            booth: "9B21".into(),
            staff: staff.iter().take(2).cloned().collect(),
            notes: String::new(),
        },
    )
    .await?;
    events::create(
        desk,
        &events::EventInput {
            name: "华东渠道伙伴大会".into(),
            city: "上海".into(),
            venue: "国家会展中心".into(),
            starts_on: day(30),
            ends_on: day(31),
            booth: "A12".into(),
            staff: staff.iter().skip(2).take(2).cloned().collect(),
            notes: String::new(),
        },
    )
    .await?;
    let prospects: Vec<String> = sqlx::query_scalar(
        "SELECT p.id FROM partner p WHERE p.status = 'prospect' AND p.deleted_at IS NULL AND p.credit_code IS NOT NULL
           AND p.business_scope <> '' AND EXISTS (SELECT 1 FROM partner_contact c WHERE c.partner_id = p.id
           AND c.deleted_at IS NULL AND c.mobile <> '')
         ORDER BY p.name LIMIT 48",
    )
    .fetch_all(desk.pool())
    .await?;
    let scheme = screening::current(desk).await?;
    for (i, id) in prospects.iter().enumerate() {
        let mut w = desk.write().await?;
        let row = recruitment::ensure_prospect(&mut w, id).await?;
        sqlx::query("UPDATE prospect SET event_id = ?, captured_by = ? WHERE id = ?")
            .bind(&show.id)
            .bind(staff.get(i % staff.len().max(1)))
            .bind(&row.id)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        let target = i % 6;
        if target >= 1 {
            recruitment::move_to(desk, id, Stage::Screening, "").await?;
        }
        if target >= 2 {
            let scores = scheme.criteria.iter().map(|k| (k.key.clone(), rng.random_range(3..=5u8))).collect();
            let input =
                screening::ScorecardInput { scheme_id: scheme.id.clone(), scores, comment: String::new() };
            screening::score(desk, id, &input).await?;
            recruitment::move_to(desk, id, Stage::Inspection, "").await?;
        }
        if target >= 3 {
            let input = InspectionInput {
                inspected_on: day(-10),
                inspectors: "李渠道、王经理".into(),
                operations: "门店与库房运转正常".into(),
                team: "销售与技术人员齐备".into(),
                conclusion: "符合合作条件".into(),
                passed: true,
                ..Default::default()
            };
            recruitment::record_inspection(desk, id, &input).await?;
            recruitment::move_to(desk, id, Stage::Negotiation, "").await?;
        }
        if target >= 4 {
            let input = NegotiationInput {
                negotiated_on: day(-5),
                cooperation_model: "区域经销".into(),
                rights_obligations: "区域内非独家经销，年度销售目标".into(),
                profit_sharing: "按价格体系毛利分成，季度返利".into(),
                promotion_commitments: "每季度一场本地推广活动".into(),
                intent_reached: true,
                ..Default::default()
            };
            recruitment::record_negotiation(desk, id, &input).await?;
            recruitment::move_to(desk, id, Stage::Signing, "").await?;
        }
        if target == 5 {
            recruitment::reject(desk, id, "经营规模与区域需求不匹配").await?;
        }
    }
    for (topic, title, body, tags) in [
        (
            "industry",
            "安防行业渠道趋势",
            "视频监控向云端和 AI 分析迁移，传统经销商利润下降，服务型渠道伙伴更受欢迎。",
            ["安防", "趋势"],
        ),
        (
            "competitor",
            "竞品渠道政策观察",
            "主要竞品对一级经销商给出 25% 返点，并承担部分市场推广费用。",
            ["竞品", "返点"],
        ),
        (
            "potential_partner",
            "华南潜在伙伴名单",
            "展会上接触的系统集成商中，有三家具备政企客户资源，值得优先跟进。",
            ["华南", "集成商"],
        ),
    ] {
        research::create(
            desk,
            &research::NoteInput {
                noted_on: day(-15),
                topic: topic.into(),
                title: title.into(),
                body: body.into(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                partner_ids: prospects.iter().take(2).cloned().collect(),
            },
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_are_valid_and_names_distinct() {
        let ps = generate(13_000, 7);
        let mut names = std::collections::HashSet::new();
        for p in &ps {
            if !p.credit_code.is_empty() {
                assert!(validate::credit_code(&p.credit_code).is_ok(), "{}", p.credit_code);
            }
            let norm = validate::normalize_company_name(&p.name);
            assert!(names.insert(norm.clone()), "generated names must stay distinct: {norm}");
        }
        assert_eq!(generate(5, 7)[4].name, ps[4].name, "same seed, same data");
    }
}
