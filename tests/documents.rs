//! Documents rendered for real: the PDF is written, checked by `qpdf`, its fonts by
//! `pdffonts`, its text by `pdftotext`, and its QR code decoded from the page rendered by
//! `pdftoppm` (poppler-utils and qpdf are installed by `cargo xtask test`).

mod common;

use channeldesk::documents::recovery_kit::{self, KitDetails};
use channeldesk::vault;
use common::desk;
use common::pdf::{block_difference, grey_page, read_pgm, tool};
use std::path::Path;

#[tokio::test]
async fn the_recovery_kit_prints_the_key_as_text_and_qr_code() {
    let t = desk().await;
    let out = t.dir.path().join("恢复密钥.pdf");
    recovery_kit::save(&t.desk, &t.keychain, &out).await.unwrap();
    let code = vault::recovery_code(&t.desk, &t.keychain).await.unwrap();
    if let Some(keep) = std::env::var_os("CHANNELDESK_KEEP_DOCS") {
        std::fs::copy(&out, Path::new(&keep).join("recovery-kit.pdf")).unwrap();
    }
    let pdf = out.to_str().unwrap();
    let Some(check) = tool("qpdf", &["--check", pdf]) else { return };
    assert!(check.contains("No syntax or stream encoding errors"), "{check}");
    let fonts = tool("pdffonts", &[pdf]).unwrap();
    let face = fonts.lines().nth(2).expect("one font");
    assert!(face.contains("+"), "subset font name: {face}");
    let info = tool("pdfinfo", &[pdf]).unwrap();
    for key in ["Author:", "Creator:", "Producer:"] {
        let value = info.lines().find_map(|l| l.strip_prefix(key)).unwrap_or_default();
        assert!(!value.trim().is_empty(), "{key} empty: {info}");
    }
    assert!(info.contains("2026") && !info.contains("1970") && !info.contains("PDF/X"), "{info}");
    assert!(face.split_whitespace().filter(|w| *w == "yes").count() >= 2, "embedded subset: {face}");
    let size = std::fs::metadata(&out).unwrap().len();
    assert!(size < 400_000, "subset keeps the kit small ({size} bytes)");

    let text = tool("pdftotext", &["-layout", pdf, "-"]).unwrap();
    for needle in
        ["渠道商务台", "恢复密钥", "使用说明", "Recovery kit", "测试员", &t.desk.device().short_code]
    {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    let groups: Vec<&str> = code.split('-').collect();
    for g in &groups {
        assert!(text.contains(g), "key group {g} missing");
    }

    let png_base = t.dir.path().join("page");
    tool("pdftoppm", &["-gray", "-r", "200", "-singlefile", pdf, png_base.to_str().unwrap()]).unwrap();
    let (w, h, pixels) = read_pgm(&t.dir.path().join("page.pgm"));
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the page");
    let (_, content) = grids[0].decode().expect("the QR code decodes");
    assert_eq!(content, code);
    // Printing is recorded (R1.1).
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE operation = 'print_recovery_kit'")
        .fetch_one(t.desk.pool())
        .await
        .unwrap();
    assert_eq!(n, 1);
    t.desk.close().await;
}

#[test]
fn a_missing_font_is_a_clear_document_error() {
    // SAFETY: this test binary runs each test in its own process under nextest.
    unsafe { std::env::set_var("CHANNELDESK_FONT", "/nonexistent/font.ttc") };
    let details = KitDetails {
        owner: "x".into(),
        data_dir: "/x".into(),
        device_code: "K7".into(),
        printed_on: "2026-03-01".into(),
    };
    let e = recovery_kit::render("AAAAA-BBBBB", &details).unwrap_err();
    assert_eq!(e.code(), "document");
    assert!(e.to_string().contains("CHANNELDESK_FONT"), "{e}");
    unsafe { std::env::remove_var("CHANNELDESK_FONT") };
}

// ---------------------------------------------------------------------------------------
// Agreements (R3.1.1, R3.1.3): the flow engine read back with real tools.

use channeldesk::access::Role;
use channeldesk::agreements::signing::{self, SignInput};
use channeldesk::agreements::{self, ClauseText, DraftInput, NewAgreement, ReviewInput, library};
use channeldesk::documents::layout::{self, Block, Frame, Table};
use channeldesk::users;

fn keep(path: &Path, name: &str) {
    if let Some(dir) = std::env::var_os("CHANNELDESK_KEEP_DOCS") {
        std::fs::copy(path, Path::new(&dir).join(name)).unwrap();
    }
}

/// Issue 24: on the signing page each side has its seal line, then at least 45 mm free for the
/// seal, then the line to sign by hand (its words above it, a rule to write on), the signatory
/// and a date written by hand; both sides on one page.
fn signature_block_leaves_room_to_seal_and_sign(pdf: &str, page: usize) {
    let n = page.to_string();
    let Some(xml) = tool("pdftotext", &["-bbox", "-f", &n, "-l", &n, pdf, "-"]) else { return };
    let y_of = |needle: &str| -> Vec<f32> {
        xml.lines()
            .filter(|l| l.contains(needle))
            .filter_map(|l| l.split("yMin=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect()
    };
    let (seal, sign, date) = (y_of("（盖章）："), y_of("（签字）："), y_of("年____月____日"));
    assert_eq!((seal.len(), sign.len(), date.len()), (2, 2, 2), "both sides on page {page}: {xml}");
    for side in 0..2 {
        let free_mm = (sign[side] - seal[side]) * 25.4 / 72.0;
        assert!(
            free_mm >= 45.0 + 5.0,
            "side {side}: {free_mm:.1} mm between the seal line and the signature"
        );
        assert!(date[side] > sign[side], "the date comes after the signature");
    }
}

/// Issue 24: titles, headings and clause headings are set bold (filled and stroked: text
/// rendering mode 2), the body text is not.
fn headings_are_bold(path: &Path) {
    let qdf = path.with_extension("qdf.pdf");
    let Some(_) =
        tool("qpdf", &["--qdf", "--object-streams=disable", path.to_str().unwrap(), qdf.to_str().unwrap()])
    else {
        return;
    };
    let raw = std::fs::read(&qdf).unwrap();
    let text = String::from_utf8_lossy(&raw);
    let bold = text.lines().filter(|l| l.trim() == "2 Tr").count();
    let texts = text.lines().filter(|l| l.ends_with("Tj") || l.ends_with("TJ")).count();
    assert!(bold >= 10, "clause headings and titles in bold: {bold}");
    assert!(texts > 5 * bold, "the body is not bold: {texts} texts, {bold} bold");
}

/// Issue 24: the print preview shows the pages of the very PDF: as many as poppler counts,
/// each the size of the page and, drawn at 72 dpi, like poppler's rendering of the same page
/// (mean grey difference of 8×8-pixel blocks, which sub-pixel anti-aliasing does not move)
/// and unlike another page.
fn preview_matches_poppler(bytes: &[u8], path: &Path, count: usize) {
    use channeldesk::documents::preview;
    let sizes = preview::pages(bytes).unwrap();
    assert_eq!(sizes.len(), count);
    assert!(
        (sizes[0].width_mm - 210.0).abs() < 0.5 && (sizes[0].height_mm - 297.0).abs() < 0.5,
        "A4: {:?}",
        sizes[0]
    );
    let ours = |page: usize| {
        let png = preview::page_png(bytes, page - 1, 72.0 / 25.4).unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let channels = info.line_size / info.width as usize;
        let grey = buf[..info.buffer_size()]
            .chunks(channels)
            .map(|p| ((p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114) / 1000) as u8)
            .collect();
        (info.width as usize, info.height as usize, grey)
    };
    let poppler = |page: usize| grey_page(path, page, 72);
    let (first, last) = (ours(1), ours(count));
    let (Some(p_first), Some(p_last)) = (poppler(1), poppler(count)) else { return };
    for (n, o, p) in [(1, &first, &p_first), (count, &last, &p_last)] {
        assert!(
            o.0.abs_diff(p.0) <= 1 && o.1.abs_diff(p.1) <= 1,
            "page {n}: {}×{} against {}×{}",
            o.0,
            o.1,
            p.0,
            p.1
        );
        let same = block_difference(o, p);
        let other = block_difference(o, if n == 1 { &p_last } else { &p_first });
        assert!(
            same < 2.5 && other > 4.0 * same,
            "page {n}: {same:.2} from poppler's, {other:.2} from another page"
        );
    }
}

/// Text of page `n` (1-based) of `pdf`, without spaces (pdftotext drops the ones between
/// Chinese and digits).
/// Whether the PDF at `path` fills something with colour `rgb` (its content streams read
/// uncompressed through `qpdf --qdf`).
fn fills_with(path: &Path, rgb: [f32; 3]) -> bool {
    let qdf = path.with_extension("qdf.pdf");
    tool("qpdf", &["--qdf", "--object-streams=disable", path.to_str().unwrap(), qdf.to_str().unwrap()])
        .unwrap();
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    raw.lines().any(|l| {
        l.ends_with(" rg")
            && l.split_whitespace()
                .take(3)
                .map(|v| v.parse::<f32>().unwrap_or(-1.0))
                .zip(rgb)
                .all(|(a, b)| (a - b).abs() < 0.005)
    })
}

fn page_text(pdf: &str, n: usize) -> String {
    let text = tool("pdftotext", &["-f", &n.to_string(), "-l", &n.to_string(), "-layout", pdf, "-"]).unwrap();
    text.chars().filter(|c| *c != ' ').collect()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| *c != ' ').collect()
}

fn pages_of(pdf: &str) -> usize {
    let info = tool("pdfinfo", &[pdf]).unwrap();
    info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap()
}

/// Checks a PDF as every printed document is checked (`common::pdf::check`) and renders its
/// pages to PNG next to it.
fn read_back(path: &Path) -> Option<String> {
    let text = common::pdf::check(path)?;
    let png = path.with_extension("");
    tool("pdftoppm", &["-png", "-r", "60", path.to_str().unwrap(), png.to_str().unwrap()]).unwrap();
    Some(text)
}

async fn switch(t: &common::TestDesk, login: &str) {
    users::sign_out(&t.desk).await.unwrap();
    let pw = if login == "owner" { common::OWNER_PASSWORD } else { "password-1" };
    users::sign_in(&t.desk, login, pw).await.unwrap();
}

/// A long body with every kind of punctuation at every position a line could end.
fn long_body(i: usize) -> String {
    format!(
        "第{i}项约定：乙方应当按照甲方发布的《渠道商管理办法》（2026 年版）开展业务，并于每月五日前报送上月的销售数据、\
         库存数据和客户反馈；“重点客户”名单由双方共同确认。乙方违反本条约定的，甲方有权要求其限期改正，\
         逾期未改正的，甲方可以暂停供货、取消返利，直至解除本协议……上述措施不影响甲方依法要求赔偿损失的权利！\
         Delivery terms follow Incoterms 2020 (FCA Guangzhou); a purchase order is confirmed within 2 working days."
    )
}

#[tokio::test]
async fn an_agreement_prints_every_clause_party_and_code_and_copies_are_marked() {
    let t = desk().await;
    common::add_user(&t, "legal", Role::Legal).await;
    common::add_user(&t, "biz", Role::Business).await;
    let mut p = common::partner("深圳市前海星河数字科技有限公司");
    p.credit_code = "91350100M000100Y43".into();
    p.address = "深圳市南山区科技园南区 18 栋".into();
    let pid = common::migrated(&t, p.clone()).await;
    let tpl = library::templates(&t.desk).await.unwrap().remove(0);
    let a = agreements::create(
        &t.desk,
        &NewAgreement { partner_id: pid, template_id: tpl.id, title: String::new() },
    )
    .await
    .unwrap();
    let mut vars = a.current.variables.clone();
    for (k, v) in [
        ("company_name", "渠道科技股份有限公司"),
        ("company_credit_code", "91110000100000000X"),
        ("territory", "广东省深圳市、东莞市和惠州市"),
        ("products", "智能门禁系统、可视对讲系统及配套管理软件"),
        ("start_on", "2026-03-01"),
        ("end_on", "2027-02-28"),
        ("price_terms", "按甲方《渠道价目表》B 类价格执行，年度采购额超过人民币 300 万元的部分另享 3% 返利"),
        ("settlement_cycle", "月度"),
        ("payment_days", "30"),
        ("annual_target", "人民币 500 万元"),
    ] {
        vars.insert(k.into(), v.into());
    }
    let mut clauses = a.current.clauses.clone();
    // Enough text for several pages.
    for i in 1..=14 {
        clauses.insert(
            clauses.len() - 3,
            ClauseText {
                key: format!("custom.{i}"),
                version: 0,
                category: "other".into(),
                title: format!("补充约定{i}"),
                body: long_body(i),
            },
        );
    }
    let input = DraftInput {
        title: "华南区分销协议".into(),
        variables: vars,
        clauses,
        note: String::new(),
        report_cycle: "quarterly".into(),
    };
    let a = agreements::save_draft(&t.desk, &a.row.id, 1, &input).await.unwrap();

    // The draft: watermark, page numbers, fingerprint, every clause, both parties and codes.
    let draft = signing::print(&t.desk, &a.row.id, None).await.unwrap();
    assert!(draft.file_name.ends_with("-v2-draft.pdf"), "{}", draft.file_name);
    let again = signing::print(&t.desk, &a.row.id, None).await.unwrap();
    assert!(draft.bytes == again.bytes, "same version, same bytes");
    let path = t.dir.path().join("draft.pdf");
    std::fs::write(&path, &draft.bytes).unwrap();
    keep(&path, "agreement-draft.pdf");
    let Some(text) = read_back(&path) else { return };
    let pdf = path.to_str().unwrap();
    let n = pages_of(pdf);
    assert!(n >= 4, "{n} pages");
    for c in &a.current.clauses {
        assert!(text.contains(&c.title), "clause {} missing", c.title);
    }
    for needle in [
        "深圳市前海星河数字科技有限公司",
        "91350100M000100Y43",
        "渠道科技股份有限公司",
        "91110000100000000X",
        "第一条",
        "第二十六条",
        "附件：主要商务条款",
    ] {
        assert!(text.contains(needle), "{needle} missing");
    }
    let short = layout::short_fingerprint(&a.current.fingerprint);
    for i in 1..=n {
        let page = page_text(pdf, i);
        assert!(page.contains(&format!("第{i}页/共{n}页")), "page {i} footer");
        assert!(page.contains(&squeeze(&short)), "page {i} fingerprint");
        // The watermark is set at an angle: its characters come out one by one.
        let raw = tool("pdftotext", &["-f", &i.to_string(), "-l", &i.to_string(), "-raw", pdf, "-"]).unwrap();
        assert!(raw.contains('草') && raw.contains('稿') && raw.contains("DRAFT"), "page {i} watermark");
        assert!(page.contains(&a.row.number), "page {i} number");
    }
    // The signature block is never split: both parties' lines on the page of its heading.
    let sig_page = (1..=n).map(|i| page_text(pdf, i)).find(|p| p.contains("（盖章）：")).unwrap();
    assert_eq!(sig_page.matches("日期：______年____月____日").count(), 2, "{sig_page}");
    assert_eq!(sig_page.matches("（签字）：").count(), 2, "{sig_page}");
    assert!(
        sig_page.contains("签署")
            && sig_page.contains("甲方（盖章）：")
            && sig_page.contains("乙方（盖章）：")
    );

    // Approved and signed: no watermark; two numbered copies in one file.
    let a = agreements::submit(&t.desk, &a.row.id).await.unwrap();
    let fp = a.current.fingerprint.clone();
    switch(&t, "legal").await;
    agreements::review(
        &t.desk,
        &a.row.id,
        &ReviewInput {
            side: "legal".into(),
            decision: "approve".into(),
            comment: String::new(),
            fingerprint: fp.clone(),
        },
    )
    .await
    .unwrap();
    switch(&t, "biz").await;
    agreements::review(
        &t.desk,
        &a.row.id,
        &ReviewInput {
            side: "business".into(),
            decision: "approve".into(),
            comment: String::new(),
            fingerprint: fp,
        },
    )
    .await
    .unwrap();
    switch(&t, "owner").await;
    let sign = SignInput {
        signed_on: "2026-03-01".into(),
        signed_place: "深圳".into(),
        our_signatory: "陈建国".into(),
        our_capacity: "legal_rep".into(),
        their_signatory: "王海".into(),
        their_capacity: "authorised".into(),
        their_authorisation: "授权委托书 SZ-2026-003".into(),
        ..Default::default()
    };
    signing::sign(&t.desk, &a.row.id, &sign).await.unwrap();
    let (copies, _) =
        signing::prepare_copies(&t.desk, &a.row.id, &["业务部".into(), "乙方".into()]).await.unwrap();
    let path = t.dir.path().join("copies.pdf");
    std::fs::write(&path, &copies.bytes).unwrap();
    keep(&path, "agreement-copies.pdf");
    let text = read_back(&path).unwrap();
    let pdf = path.to_str().unwrap();
    assert_eq!(pages_of(pdf), 2 * n, "two copies of {n} pages");
    assert!(!text.contains("DRAFT") && !text.contains('稿'));
    assert!(page_text(pdf, 1).contains("副本COPY1/2"));
    assert!(page_text(pdf, n).contains("副本COPY1/2"));
    assert!(page_text(pdf, n + 1).contains("副本COPY2/2"));
    assert!(page_text(pdf, n + 1).contains(&format!("第1页/共{n}页")));
    let text = squeeze(&text);
    for needle in [
        "陈建国",
        "王海",
        "授权委托书SZ-2026-003",
        "签署地点：深圳",
        "生效日期：2026年3月1日",
        "本协议有效期自2026年3月1日起至2027年2月28日止",
    ] {
        assert!(text.contains(needle), "{needle} missing");
    }
    preview_matches_poppler(&copies.bytes, &path, 2 * n);
    signature_block_leaves_room_to_seal_and_sign(pdf, n);
    headings_are_bold(&path);

    // An amendment says which clause of the master it changes and which one it adds.
    let s1 = agreements::create_amendment(&t.desk, &a.row.id).await.unwrap();
    let mut settlement = a.current.clauses.iter().find(|c| c.key == "settlement").unwrap().clone();
    settlement.body = "双方按季度对账结算。".into();
    let added = ClauseText {
        key: "custom.data".into(),
        version: 0,
        category: "other".into(),
        title: "数据报送".into(),
        body: "乙方每月报送库存数据。".into(),
    };
    let input = DraftInput {
        title: s1.row.title.clone(),
        variables: s1.current.variables.clone(),
        clauses: vec![settlement, added],
        note: String::new(),
        report_cycle: "none".into(),
    };
    agreements::save_draft(&t.desk, &s1.row.id, 1, &input).await.unwrap();
    let printed = signing::print(&t.desk, &s1.row.id, None).await.unwrap();
    let path = t.dir.path().join("amendment.pdf");
    std::fs::write(&path, &printed.bytes).unwrap();
    keep(&path, "agreement-amendment.pdf");
    let position = a.current.clauses.iter().position(|c| c.key == "settlement").unwrap() as u32 + 1;
    let text = squeeze(&read_back(&path).unwrap());
    let changed = format!("原协议第{}条“结算方式”修改为：结算方式", layout::chinese_number(position));
    for needle in [changed.as_str(), "新增条款：数据报送", "补充协议", a.row.number.as_str()] {
        assert!(text.contains(needle), "{needle} missing from the amendment");
    }
    t.desk.close().await;
}

#[test]
fn a_long_table_repeats_its_header_and_the_output_is_deterministic() {
    let Ok(face) = channeldesk::documents::fonts::shared() else {
        assert!(std::env::var("CHANNELDESK_E2E").as_deref() != Ok("required"), "a CJK font is required here");
        return;
    };
    let rows: Vec<Vec<String>> = (1..=90)
        .map(|i| {
            vec![
                format!("DW-{i:03}"),
                format!("智能门禁控制器（{i} 型），含安装支架和说明书"),
                format!("{}.00", 1000 + i * 7),
            ]
        })
        .collect();
    let blocks = vec![
        Block::Title { text: "渠道价目表".into(), sub: Some("2026 年第一季度".into()) },
        Block::Paragraph("以下价格为含税价，自 2026 年 1 月 1 日起执行。".into()),
        Block::Table(Table {
            header: vec!["型号".into(), "名称".into(), "渠道价（元）".into()],
            widths: vec![1.0, 3.0, 1.2],
            rows,
        }),
        Block::Keep(vec![
            Block::Heading("确认".into()),
            Block::Columns(vec![vec![("甲方".into(), String::new())], vec![("乙方".into(), String::new())]]),
        ]),
    ];
    let frame = Frame {
        title: "价目表".into(),
        header: "渠道价目表".into(),
        number: "PL-2026-01".into(),
        fingerprint: "ab".repeat(32),
        made_on: "2026-01-01".into(),
        ..Default::default()
    };
    let one = layout::render(&face, &frame, &blocks).unwrap();
    let two = layout::render(&face, &frame, &blocks).unwrap();
    assert!(one == two, "byte-identical output");
    assert_eq!(layout::fingerprint_in(&one).as_deref(), Some("ab".repeat(32).as_str()));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("table.pdf");
    std::fs::write(&path, &one).unwrap();
    keep(&path, "table.pdf");
    let Some(_) = read_back(&path) else { return };
    let pdf = path.to_str().unwrap();
    let n = pages_of(pdf);
    assert!(n >= 3, "{n} pages");
    for i in 1..=n {
        let page = page_text(pdf, i);
        if page.contains("DW-") {
            assert!(page.contains("渠道价（元）"), "header repeated on page {i}");
        }
    }
    // No row is lost or split: every model once, with its price.
    let all = tool("pdftotext", &["-layout", pdf, "-"]).unwrap();
    for i in 1..=90 {
        assert_eq!(all.matches(&format!("DW-{i:03} ")).count(), 1, "row {i}");
    }
}

// ---------------------------------------------------------------------------------------
// Evaluation reports (R2.2.1–R2.2.3).

#[tokio::test]
async fn evaluation_and_portfolio_reports_read_back() {
    use channeldesk::evaluation::report::{self, PeriodInput, PortfolioLabels};
    use channeldesk::evaluation::{self, ScoreInput};
    let t = desk().await;
    let mut ids = Vec::new();
    for (name, band) in [("宁波云辰电子有限公司", 0usize), ("温州新诚数据服务有限公司", 9)]
    {
        let mut p = common::partner(name);
        p.credit_code = if band == 0 { "91350100M000100Y43".into() } else { String::new() };
        ids.push(common::migrated(&t, p.clone()).await);
    }
    evaluation::start_round(&t.desk, 2026).await.unwrap();
    let rows = evaluation::list(&t.desk, &Default::default()).await.unwrap().rows;
    for (i, pid) in ids.iter().enumerate() {
        let id = rows.iter().find(|r| &r.partner_id == pid).unwrap().id.clone();
        let e = evaluation::get(&t.desk, &id).await.unwrap();
        let scores: Vec<ScoreInput> = e
            .scheme
            .indicators
            .iter()
            .map(|ind| ScoreInput {
                indicator: ind.key.clone(),
                score: ind
                    .bands
                    .get(if i == 0 { 0 } else { ind.bands.len().saturating_sub(1) })
                    .map(|b| b.score),
                actual: (ind.kind == "ratio").then_some(if i == 0 { 4_600_000 } else { 1_000_000 }),
                target: (ind.kind == "ratio").then_some(5_000_000),
                evidence: format!("{}：季度核查记录", ind.label),
            })
            .collect();
        evaluation::score(&t.desk, &id, &scores).await.unwrap();
        if i == 1 {
            // Class C: an improvement plan before the result stands (R2.2.3).
            let me = t.desk.actor().unwrap().id;
            let plan = evaluation::MeasureInput {
                action: "每月跟进改进计划".into(),
                owner_id: me,
                due_on: "2026-12-31".into(),
            };
            evaluation::add_measure(&t.desk, &id, &plan).await.unwrap();
        }
        evaluation::finish(&t.desk, &id).await.unwrap();
    }
    let first = evaluation::list(&t.desk, &Default::default())
        .await
        .unwrap()
        .rows
        .into_iter()
        .find(|r| r.partner_id == ids[0])
        .unwrap();
    let printed = report::evaluation_pdf(&t.desk, &first.id).await.unwrap();
    let again = report::evaluation_pdf(&t.desk, &first.id).await.unwrap();
    assert!(printed.bytes == again.bytes, "same evaluation, same bytes");
    // Issue 24: every kind of printed document verifies, by its file (content) and by the
    // fingerprint in its footer; an edited page does not.
    let found = channeldesk::verify::by_file(&t.desk, &printed.bytes).await.unwrap().expect("made here");
    let doc = found.document.expect("the document");
    assert!(found.agreement.is_none());
    assert_eq!((doc.kind.as_str(), doc.file_name.as_str()), ("evaluation", printed.file_name.as_str()));
    assert!(doc.title.contains("宁波云辰电子有限公司") && doc.made_by_name.is_some(), "{doc:?}");
    let footer: String = doc.fingerprint.chars().take(16).collect();
    let by_footer = channeldesk::verify::by_fingerprint(&t.desk, &footer).await.unwrap().expect("found");
    assert_eq!(by_footer.document.map(|d| d.number), Some(doc.number.clone()));
    let mut edited = printed.bytes.clone();
    let at = edited.windows(6).position(|w| w == b"stream").unwrap() + 40;
    edited[at] ^= 0x20;
    let refused = channeldesk::verify::by_file(&t.desk, &edited).await.unwrap_err();
    assert!(format!("{refused:?}").contains("not_matching"), "{refused:?}");
    let path = t.dir.path().join("evaluation.pdf");
    std::fs::write(&path, &printed.bytes).unwrap();
    keep(&path, "evaluation-report.pdf");
    let Some(text) = read_back(&path) else { return };
    // Issue 24: the chart has a scale (its numbers stand alone under the axis), and the
    // partner's fields left empty are left out.
    for tick in ["20", "40", "60", "80"] {
        assert!(text.lines().any(|l| l.trim() == tick), "tick {tick} under the chart");
    }
    assert!(!text.lines().any(|l| l.trim() == "住所"), "an empty field is left out");
    let text = squeeze(&text);
    for needle in [
        "渠道商年度评估报告",
        "宁波云辰电子有限公司",
        "91350100M000100Y43",
        "总分98.00，评定为A类",
        "各维度得分",
        "业绩达成（35%）",
        "年度销售目标完成率",
        "评分依据",
        "评估人（签字）",
        // Issue 24: the class badge, and the chart's scale and axis.
        "评定类别A类",
        "总分98.00/100",
        "维度得分（满分100分）",
    ] {
        assert!(text.contains(needle), "{needle} missing from the evaluation report");
    }
    // The badge is filled in the class's colour (deep green for A).
    assert!(fills_with(&path, report::class_colours(Some("A")).0), "the A badge's fill colour");
    // The three classes stand apart in greyscale too (a report printed in black and white).
    let luminance = |c: [f32; 3]| 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    let greys: Vec<f32> = ["A", "B", "C"].map(|c| luminance(report::class_colours(Some(c)).0)).to_vec();
    assert!(greys.windows(2).all(|w| w[1] - w[0] > 0.12), "greys {greys:?}");
    let period = PeriodInput { from: "2026-01-01".into(), to: "2026-12-31".into() };
    let p = report::portfolio(&t.desk, &period).await.unwrap();
    assert_eq!((p.distribution["A"], p.distribution["B"], p.distribution["C"]), (1, 0, 1));
    let printed = report::portfolio_pdf(&t.desk, &period).await.unwrap();
    let path = t.dir.path().join("portfolio.pdf");
    std::fs::write(&path, &printed.bytes).unwrap();
    // Each class's bar in its colour, and the colours stand apart in greyscale.
    for class in ["A", "C"] {
        assert!(fills_with(&path, report::class_bar(class)), "the {class} bar's colour");
    }
    let mut bars: Vec<f32> = ["A", "B", "C"].map(|c| luminance(report::class_bar(c))).to_vec();
    bars.sort_by(f32::total_cmp);
    assert!(bars.windows(2).all(|w| w[1] - w[0] > 0.12), "bar greys {bars:?}");
    keep(&path, "evaluation-portfolio.pdf");
    let text = squeeze(&read_back(&path).unwrap());
    for needle in [
        "渠道商评估汇总报告",
        "分类分布",
        "A类",
        "1家（50%）",
        "宁波云辰电子有限公司",
        "温州新诚数据服务有限公司",
        "98.00",
    ] {
        assert!(text.contains(needle), "{needle} missing from the portfolio");
    }
    let csv = t.dir.path().join("portfolio.csv");
    let header = ["合作伙伴", "评估", "总分", "类别", "原类别", "完成日期"].map(String::from).to_vec();
    assert_eq!(report::portfolio_csv(&t.desk, &period, &PortfolioLabels { header }, &csv).await.unwrap(), 2);
    let body = std::fs::read_to_string(&csv).unwrap();
    assert!(body.starts_with('\u{feff}') && body.contains("宁波云辰电子有限公司,2026,98.00,A"), "{body}");
    t.desk.close().await;
}

// ---------------------------------------------------------------------------------------
// Relationship maintenance (R2.3.1, R2.3.3): review minutes and the honour certificate.

#[tokio::test]
async fn review_minutes_and_the_honour_certificate_read_back() {
    use channeldesk::relationship::incentives::{self, NominationInput};
    use channeldesk::relationship::{self, FollowUpInput, LogInput};
    let t = desk().await;
    let p = common::partner("青岛智泽商贸股份有限公司");
    let pid = common::migrated(&t, p.clone()).await;
    let me = t.desk.actor().unwrap().id;
    let input = LogInput {
        kind: "meeting".into(),
        quarterly_review: true,
        held_on: "2026-02-27".into(),
        our_people: "张伟、李娜".into(),
        their_people: "王海".into(),
        summary: "第一季度经营回顾".into(),
        progress: "销售额 120 万元，完成季度目标 96%".into(),
        market: "竞品降价 5%，政企项目增多".into(),
        problems: "安装人员不足".into(),
        solutions: "甲方派工程师支持两周".into(),
        follow_ups: vec![FollowUpInput {
            action: "寄送新品样机".into(),
            owner_id: me,
            due_on: "2026-03-10".into(),
        }],
    };
    let logs = relationship::log(&t.desk, &pid, &input).await.unwrap();
    let printed = relationship::minutes_pdf(&t.desk, &logs[0].id).await.unwrap();
    let path = t.dir.path().join("minutes.pdf");
    std::fs::write(&path, &printed.bytes).unwrap();
    keep(&path, "review-minutes.pdf");
    let Some(text) = read_back(&path) else { return };
    let text = squeeze(&text);
    for needle in [
        "季度回顾会议纪要",
        "青岛智泽商贸股份有限公司",
        "2026年第1季度",
        "销售额120万元",
        "竞品降价5%",
        "安装人员不足",
        "甲方派工程师支持两周",
        "寄送新品样机",
        "对方确认（签字）",
    ] {
        assert!(text.contains(needle), "{needle} missing from the minutes");
    }

    incentives::nominate(
        &t.desk,
        &NominationInput {
            year: 2026,
            category: "best_partner".into(),
            partner_id: pid.clone(),
            reason: "年度业绩第一".into(),
        },
    )
    .await
    .unwrap();
    let year = incentives::award_year(&t.desk, 2026).await.unwrap();
    let id = year.nominations[0].id.clone();
    incentives::confer(&t.desk, &id).await.unwrap();
    let printed = incentives::certificate_pdf(&t.desk, &id, "渠道科技股份有限公司").await.unwrap();
    let path = t.dir.path().join("certificate.pdf");
    std::fs::write(&path, &printed.bytes).unwrap();
    keep(&path, "honour-certificate.pdf");
    let text = squeeze(&read_back(&path).unwrap());
    for needle in [
        "荣誉证书",
        "青岛智泽商贸股份有限公司",
        "2026年度",
        "“年度最佳合作伙伴”称号",
        "颁发单位：渠道科技股份有限公司",
        "2026年3月1日",
    ] {
        assert!(text.contains(needle), "{needle} missing from the certificate");
    }
    // Issue 24: a certificate, not a report: one landscape A4 page with no running header or
    // page count.
    let info = tool("pdfinfo", &[path.to_str().unwrap()]).unwrap();
    assert!(info.contains("Pages:           1"), "{info}");
    assert!(info.contains("841.89 x 595.27") || info.contains("841.89 x 595.28"), "landscape A4: {info}");
    assert!(!text.contains("第1页") && !text.contains("共1页"), "no page count: {text}");
    assert!(!text.contains("2026年度·年度最佳合作伙伴"), "no running header: {text}");
    t.desk.close().await;
}

/// Issue 24: a justified line spreads its extra space between CJK characters and at word
/// spaces, never inside a Latin word or number: on the printed page `ChannelDesk` and
/// `SO-2026-0001` are exactly as wide as their letters, while the line still fills the measure.
#[test]
fn latin_words_are_never_letter_spaced_when_a_line_is_justified() {
    let Ok(face) = channeldesk::documents::fonts::shared() else {
        assert!(std::env::var("CHANNELDESK_E2E").as_deref() != Ok("required"), "a CJK font is required here");
        return;
    };
    let text = "甲方使用 ChannelDesk 渠道商务台管理订单 SO-2026-0001 及其对账，乙方应当在每月五日之前核对上月全部订单与发货记录，如有差异应书面说明理由并附相关凭证。".repeat(3);
    let blocks = vec![Block::Paragraph(text)];
    let frame = Frame {
        title: "排版".into(),
        header: "排版".into(),
        number: "T-1".into(),
        fingerprint: "cd".repeat(32),
        made_on: "2026-01-01".into(),
        ..Default::default()
    };
    let bytes = layout::render(&face, &frame, &blocks).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("justify.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let Some(boxed) = boxed_words(path.to_str().unwrap()) else { return };
    let words: Vec<(String, f32, f32)> = boxed.into_iter().map(|(w, x0, _, x1)| (w, x0, x1)).collect();
    let measure_right = (layout::PAGE.0 - layout::MARGIN.1) / 25.4 * 72.0;
    let mut checked = 0;
    for latin in ["ChannelDesk", "SO-2026-0001"] {
        let natural = face.width_mm(latin, layout::BODY) / 25.4 * 72.0;
        for (_, x0, x1) in words.iter().filter(|(w, _, _)| w == latin) {
            assert!(
                ((x1 - x0) - natural).abs() < 0.6,
                "{latin}: {:.2} pt wide, its letters {natural:.2} pt",
                x1 - x0
            );
            checked += 1;
        }
    }
    assert!(checked >= 4, "the Latin words were found on the page: {checked}");
    // The lines are justified: all but the last end at the right margin.
    let ends: Vec<f32> = words.iter().map(|w| w.2).filter(|x| *x > measure_right - 20.0).collect();
    assert!(
        ends.iter().filter(|x| (**x - measure_right).abs() < 1.5).count() >= 3,
        "justified lines: {ends:?}"
    );
}

/// Words of a page with their boxes (pdftotext -bbox): text, xMin, yMin, xMax.
fn boxed_words(pdf: &str) -> Option<Vec<(String, f32, f32, f32)>> {
    let xml = tool("pdftotext", &["-bbox", pdf, "-"])?;
    Some(
        xml.lines()
            .filter_map(|l| {
                let attr = |k: &str| -> Option<f32> {
                    l.split(&format!(" {k}=\"")).nth(1)?.split('"').next()?.parse().ok()
                };
                let word = l.split('>').nth(1)?.split('<').next()?.to_string();
                Some((word, attr("xMin")?, attr("yMin")?, attr("xMax")?))
            })
            .collect(),
    )
}

/// Issue 24: a table's columns are as wide as their content needs: order numbers and amounts
/// are never split across lines (they were with the statement's fixed widths:
/// "SO-2026-AQ-000/2", "¥1,760.0/0"), short headers never stand one character per line, and
/// amounts are right-aligned with thousands separators.
#[test]
fn table_columns_fit_their_tokens_and_numbers_line_up() {
    let Ok(face) = channeldesk::documents::fonts::shared() else {
        assert!(std::env::var("CHANNELDESK_E2E").as_deref() != Ok("required"), "a CJK font is required here");
        return;
    };
    let money = |minor: i64| channeldesk::orders::money_text(minor, "CNY");
    let rows: Vec<Vec<String>> = (0..12)
        .map(|i: i64| {
            vec![
                format!("2026-03-{:02}", i + 1),
                "发货".into(),
                format!("SO-2026-AQ-{i:03}"),
                "智能门禁控制器（标准型），含安装支架和说明书，按合同价结算".into(),
                (i * 37 + 5).to_string(),
                money(176_000 + i * 1_234_567),
                money(8_800 + i * 61_728),
                money(-(176_000 + i * 1_234_567)),
            ]
        })
        .collect();
    let expected: Vec<String> =
        rows.iter().flat_map(|r| [r[2].clone(), r[5].clone(), r[7].clone()]).collect();
    let column: Vec<String> = rows.iter().map(|r| r[5].clone()).collect();
    let blocks = vec![Block::Table(Table {
        header: vec![
            "日期".into(),
            "类型".into(),
            "单号/凭证".into(),
            "摘要".into(),
            "数量".into(),
            "金额".into(),
            "佣金/返利".into(),
            "余额影响".into(),
        ],
        // The statement's hints, under which the numbers used to be split.
        widths: vec![1.55, 0.7, 2.0, 2.0, 0.6, 1.45, 1.2, 1.45],
        rows,
    })];
    let frame = Frame {
        title: "对账单".into(),
        header: "对账单".into(),
        number: "ST-1".into(),
        fingerprint: "ef".repeat(32),
        made_on: "2026-03-31".into(),
        ..Default::default()
    };
    let bytes = layout::render(&face, &frame, &blocks).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("columns.pdf");
    std::fs::write(&path, &bytes).unwrap();
    keep(&path, "table-columns.pdf");
    let pdf = path.to_str().unwrap();
    let Some(words) = boxed_words(pdf) else { return };
    for token in &expected {
        assert!(words.iter().any(|w| &w.0 == token), "{token} is one word on the page");
    }
    assert!(expected.iter().any(|t| t.contains(',')), "amounts carry thousands separators");
    for header in ["日期", "类型", "数量", "金额", "余额影响"] {
        assert!(words.iter().any(|w| w.0 == header), "header {header} on one line");
    }
    // Amounts right-aligned: in the 金额 column every right edge is the same.
    let amounts: Vec<f32> = words.iter().filter(|w| column.contains(&w.0)).map(|w| w.3).collect();
    let (lo, hi) = amounts.iter().fold((f32::MAX, f32::MIN), |(a, b), x| (a.min(*x), b.max(*x)));
    assert!(amounts.len() == 12 && hi - lo < 0.6, "right edges {lo}–{hi}: {amounts:?}");
    let quantity = |q: &str| words.iter().find(|w| w.0 == q).map(|w| w.3);
    let (q5, q412) = (quantity("5").unwrap(), quantity("412").unwrap());
    assert!((q5 - q412).abs() < 0.6, "quantities right-aligned: {q5} vs {q412}");
}
