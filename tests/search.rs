//! Search as you type over the partner register: Chinese substrings of every length, mixed
//! queries, phone fragments, e-mails, notes, full-width input, filters and sorting.

mod common;

use channeldesk::partners::{self, ListQuery};
use common::{contact, desk, partner};

async fn names(t: &common::TestDesk, q: ListQuery) -> Vec<String> {
    partners::list(&t.desk, &q).await.unwrap().rows.into_iter().map(|r| r.name).collect()
}

fn q(text: &str) -> ListQuery {
    ListQuery { q: text.into(), ..Default::default() }
}

async fn seeded() -> common::TestDesk {
    let t = desk().await;
    let mut a = partner("深圳市华信科技有限公司");
    a.short_name = "华信".into();
    a.province = "44".into();
    a.city = "深圳".into();
    a.tags = vec!["重点客户".into()];
    a.notes = "希望获得华南区域独家代理权".into();
    a.contacts = vec![contact("张伟", "138-0013-8000", "zhang.wei@huaxin.cn")];
    common::migrated(&t, a).await;

    let mut b = partner("成都启明软件有限公司");
    b.province = "51".into();
    b.city = "成都".into();
    b.source_kind = "referral".into();
    b.contacts = vec![contact("王芳", "13912345678", "wf@qiming.cn")];
    partners::create(&t.desk, &b, false).await.unwrap();

    let mut c = partner("Acme Trading Co., Ltd.");
    c.short_name = "ACME".into();
    c.province = "31".into();
    let c = common::migrated(&t, c).await;
    partners::change_standing(&t.desk, &c, "suspend", "逾期未付").await.unwrap();
    t
}

#[tokio::test]
async fn chinese_substrings_of_every_length() {
    let t = seeded().await;
    assert_eq!(names(&t, q("华")).await, ["深圳市华信科技有限公司"], "1 character");
    assert_eq!(names(&t, q("启明")).await, ["成都启明软件有限公司"], "2 characters");
    assert_eq!(names(&t, q("华信科")).await, ["深圳市华信科技有限公司"], "3 characters (trigram)");
    assert_eq!(names(&t, q("启明软件有限")).await, ["成都启明软件有限公司"], "6 characters");
    assert_eq!(names(&t, q("有限公司")).await.len(), 2);
    assert!(names(&t, q("不存在的公司")).await.is_empty());
    assert!(names(&t, q("京")).await.is_empty());
    t.desk.close().await;
}

#[tokio::test]
async fn contacts_phones_emails_notes_and_codes() {
    let t = seeded().await;
    assert_eq!(names(&t, q("张伟")).await, ["深圳市华信科技有限公司"], "contact name");
    assert_eq!(names(&t, q("00138")).await, ["深圳市华信科技有限公司"], "phone fragment across dashes");
    assert_eq!(names(&t, q("1234567")).await, ["成都启明软件有限公司"]);
    assert_eq!(names(&t, q("wf@qiming")).await, ["成都启明软件有限公司"], "e-mail");
    let page = partners::list(&t.desk, &q("独家代理")).await.unwrap();
    assert_eq!(page.rows.len(), 1, "notes");
    let hint = page.rows[0].hint.as_ref().expect("a hint says where it matched");
    assert_eq!(hint.field, "notes");
    assert!(hint.excerpt.contains("独家代理"));
    assert!(
        partners::list(&t.desk, &q("华信")).await.unwrap().rows[0].hint.is_none(),
        "visible match, no hint"
    );
    t.desk.close().await;
}

#[tokio::test]
async fn mixed_case_full_width_and_several_terms() {
    let t = seeded().await;
    assert_eq!(names(&t, q("acme")).await, ["Acme Trading Co., Ltd."]);
    assert_eq!(names(&t, q("ＡＣＭＥ")).await, ["Acme Trading Co., Ltd."], "full-width input");
    assert_eq!(names(&t, q("trading")).await, ["Acme Trading Co., Ltd."]);
    assert_eq!(names(&t, q("深圳 张伟")).await, ["深圳市华信科技有限公司"], "all terms must match");
    assert!(names(&t, q("深圳 王芳")).await.is_empty());
    assert_eq!(names(&t, q("成 王")).await, ["成都启明软件有限公司"], "short terms combined");
    assert_eq!(names(&t, q("\"引号")).await.len(), 0, "quotes do not break the query");
    t.desk.close().await;
}

#[tokio::test]
async fn filters_and_sorting() {
    let t = seeded().await;
    let f = |status: &str| ListQuery { status: status.into(), ..Default::default() };
    assert_eq!(names(&t, f("active")).await, ["深圳市华信科技有限公司"]);
    assert_eq!(
        names(&t, ListQuery { province: "51".into(), ..Default::default() }).await,
        ["成都启明软件有限公司"]
    );
    assert_eq!(
        names(&t, ListQuery { source_kind: "referral".into(), ..Default::default() }).await,
        ["成都启明软件有限公司"]
    );
    assert_eq!(
        names(&t, ListQuery { tag: "重点客户".into(), ..Default::default() }).await,
        ["深圳市华信科技有限公司"]
    );
    assert_eq!(names(&t, ListQuery { class: "none".into(), ..Default::default() }).await.len(), 3);
    assert_eq!(names(&t, ListQuery { class: "A".into(), ..Default::default() }).await.len(), 0);
    assert_eq!(names(&t, ListQuery { no_channel_contact: true, ..Default::default() }).await.len(), 3);
    let asc = names(&t, ListQuery { sort: "name".into(), ..Default::default() }).await;
    let desc = names(&t, ListQuery { sort: "name".into(), desc: true, ..Default::default() }).await;
    assert_eq!(asc.iter().rev().cloned().collect::<Vec<_>>(), desc);
    let page =
        partners::list(&t.desk, &ListQuery { limit: 1, offset: 1, ..Default::default() }).await.unwrap();
    assert_eq!((page.total, page.rows.len()), (3, 1));
    for bad in [
        ListQuery { sort: "drop table".into(), ..Default::default() },
        ListQuery { status: "x".into(), ..Default::default() },
        ListQuery { class: "D".into(), ..Default::default() },
        ListQuery { q: "长".repeat(201), ..Default::default() },
    ] {
        assert_eq!(partners::list(&t.desk, &bad).await.unwrap_err().code(), "validation");
    }
    t.desk.close().await;
}

#[tokio::test]
async fn edits_refresh_the_index() {
    let t = seeded().await;
    let row = &partners::list(&t.desk, &q("启明")).await.unwrap().rows[0];
    let p = partners::get(&t.desk, &row.id).await.unwrap();
    let mut input = partners::PartnerInput {
        name: "成都北斗导航有限公司".into(),
        source_kind: p.source_kind.clone(),
        ..Default::default()
    };
    input.contacts = vec![];
    partners::update(&t.desk, &p.id, &p.hlc, &input, false).await.unwrap();
    assert!(names(&t, q("启明")).await.is_empty(), "old name gone from the gram index");
    assert!(names(&t, q("启明软件")).await.is_empty(), "and from the trigram index");
    assert!(names(&t, q("王芳")).await.is_empty(), "removed contact no longer found");
    assert_eq!(names(&t, q("北斗导航")).await, ["成都北斗导航有限公司"]);
    assert_eq!(names(&t, q("斗")).await, ["成都北斗导航有限公司"]);
    t.desk.close().await;
}

#[tokio::test]
async fn broad_searches_walk_the_sort_order_and_cap_the_count() {
    let t = desk().await;
    let inputs: Vec<_> = (0..1_050).map(|i| partner(&format!("测试{i:04}有限公司"))).collect();
    partners::create_many(&t.desk, &inputs).await.unwrap();
    partners::create(&t.desk, &partner("另一家企业"), false).await.unwrap();

    for text in ["测试", "测", "测试 有限公司", "有限公司"] {
        let page =
            partners::list(&t.desk, &ListQuery { q: text.into(), sort: "name".into(), ..Default::default() })
                .await
                .unwrap();
        assert!(page.total_capped, "{text}: more than the cap");
        assert_eq!(page.total, partners::SEARCH_COUNT_CAP + 1);
        assert_eq!(page.rows.len(), 50);
        assert_eq!(page.rows[0].name, "测试0000有限公司", "{text}: sorted by name");
        assert_eq!(page.rows[49].name, "测试0049有限公司");
    }
    let desc = partners::list(
        &t.desk,
        &ListQuery {
            q: "测试 有限公司".into(),
            sort: "name".into(),
            desc: true,
            offset: 50,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(desc.rows[0].name, "测试0999有限公司", "paging backwards through a broad match");
    let narrow =
        partners::list(&t.desk, &ListQuery { q: "测试 0999".into(), ..Default::default() }).await.unwrap();
    assert!(!narrow.total_capped);
    assert_eq!(names_of(&narrow), ["测试0999有限公司"]);
    t.desk.close().await;
}

fn names_of(p: &partners::ListPage) -> Vec<&str> {
    p.rows.iter().map(|r| r.name.as_str()).collect()
}
