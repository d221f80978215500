//! Search everything (issue 25): one query finds partners by the pinyin of their names and
//! every other kind of record by its words, newest first, counted, without deleted records and
//! only for a signed-in person.

mod common;

use channeldesk::find::{self, FindKind, Found};
use channeldesk::partners;
use channeldesk::recruitment::events::{self, EventInput};
use channeldesk::recruitment::research::{self, NoteInput};
use channeldesk::relationship::support::{self, SupportInput};
use channeldesk::risk::{self, RiskInput};
use channeldesk::users;
use common::*;

/// The titles found of `kind`.
fn titles(found: &Found, kind: FindKind) -> Vec<String> {
    found
        .groups
        .iter()
        .filter(|g| g.kind == kind)
        .flat_map(|g| g.hits.iter().map(|h| h.title.clone()))
        .collect()
}

/// A three-day trade show in March.
fn show(name: &str, city: &str, venue: &str) -> EventInput {
    EventInput {
        name: name.into(),
        city: city.into(),
        venue: venue.into(),
        starts_on: "2026-03-01".into(),
        ends_on: "2026-03-03".into(),
        booth: "9B21".into(),
        ..Default::default()
    }
}

async fn find(t: &TestDesk, q: &str) -> Found {
    find::everything(&t.desk, q).await.unwrap()
}

#[tokio::test]
async fn partners_are_found_by_the_pinyin_of_their_names_and_contacts() {
    let t = desk().await;
    let mut p = partner("广州穗安科技有限公司");
    p.short_name = "穗安".into();
    p.contacts = vec![contact("欧阳明", "13800138000", "")];
    let id = partners::create(&t.desk, &p, false).await.unwrap().id;
    partners::create(&t.desk, &partner("北京星河数码有限公司"), false).await.unwrap();

    for q in ["suian", "gzsa", "guangzhou", "GZSA", "穗安", "gz", "ouyangming", "oym", "suian 138"] {
        let found = find(&t, q).await;
        assert_eq!(titles(&found, FindKind::Partner), ["广州穗安科技有限公司"], "query {q}");
        let hit = &found.groups[0].hits[0];
        assert_eq!((hit.area.as_str(), hit.open.as_str()), ("partners", id.as_str()));
    }
    assert!(find(&t, "bjxh").await.groups[0].hits.iter().all(|h| h.title == "北京星河数码有限公司"));
    assert!(find(&t, "shanghai").await.groups.is_empty());
    // The partner list's own search reads the same index.
    let page = partners::list(&t.desk, &partners::ListQuery { q: "suian".into(), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    // Two characters search partners only, and say so.
    assert!(find(&t, "gz").await.partners_only);
    assert!(!find(&t, "gzsa").await.partners_only);
}

#[tokio::test]
async fn every_kind_is_found_by_its_words_and_deleted_records_are_not() {
    let t = desk().await;
    let partner_id = common::migrated(&t, partner("深圳市前海云联科技有限公司")).await;
    let agreement = common::submitted_agreement_with(&t, &partner_id, &[("territory", "4403")]).await;
    let owner = t.desk.session_info().user.unwrap().id;
    let ev = events::create(&t.desk, &show("2026 深圳安博会", "深圳", "会展中心")).await.unwrap();
    let note = research::create(
        &t.desk,
        &NoteInput {
            noted_on: "2026-03-01".into(),
            topic: "competitor".into(),
            title: "竞品门禁降价调研".into(),
            body: "华南区竞品门禁控制器降价百分之二十。".into(),
            tags: vec![],
            partner_ids: vec![],
        },
    )
    .await
    .unwrap();
    risk::create(
        &t.desk,
        &RiskInput {
            category: "market".into(),
            title: "华南区竞品大幅降价".into(),
            description: "渠道商观望，回款放缓。".into(),
            partner_id: partner_id.clone(),
            likelihood: 3,
            impact: 3,
            owner_id: owner.clone(),
            identified_on: "2026-03-01".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    support::open_request(
        &t.desk,
        &partner_id,
        &SupportInput {
            kind: "technical".into(),
            subject: "门禁控制器固件升级".into(),
            detail: "现场三台设备无法联网。".into(),
            owner_id: String::new(),
        },
    )
    .await
    .unwrap();

    // The same partner's page lists its open risk with its grade and its open request, and
    // when its next quarterly review is due (issue 25).
    let p = channeldesk::picture::picture(&t.desk, &partner_id).await.unwrap();
    assert_eq!(p.risks.iter().map(|r| r.state.as_str()).collect::<Vec<_>>(), ["medium"]);
    assert_eq!(p.requests.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(), ["门禁控制器固件升级"]);
    let review = p.review.expect("an active partner has reviews");
    assert_eq!((review.due_by.as_str(), review.overdue), ("2026-03-31", false));
    assert!(p.in_force.is_none() && p.orders.is_empty() && p.money.is_empty());

    // An agreement by its number, its title and words of its current version's clauses.
    let number = agreement.row.number.clone();
    for q in [number.as_str(), "前海云联", "深圳市"] {
        let found = find(&t, q).await;
        let hits: Vec<_> = found.groups.iter().filter(|g| g.kind == FindKind::Agreement).collect();
        assert_eq!(hits.len(), 1, "query {q}: {found:?}");
        assert_eq!(hits[0].hits[0].open, agreement.row.id, "query {q}");
    }
    // Six Chinese characters in a row from the middle of the last clause.
    let clause: Vec<char> = agreement.current.clauses.last().unwrap().body.chars().collect();
    let words: String = clause
        .windows(6)
        .skip(clause.len() / 3)
        .find(|w| w.iter().all(|c| ('\u{4e00}'..='\u{9fff}').contains(c)))
        .expect("six Chinese characters in a row")
        .iter()
        .collect();
    assert!(!agreement.row.title.contains(&words));
    let found = find(&t, &words).await;
    let g = found.groups.iter().find(|g| g.kind == FindKind::Agreement).expect("clause words find it");
    assert!(g.hits[0].excerpt.as_deref().unwrap_or("").contains(&words), "{words}: {g:?}");

    let found = find(&t, "安博会").await;
    assert_eq!(titles(&found, FindKind::Event), ["2026 深圳安博会"]);
    assert_eq!(found.groups.iter().find(|g| g.kind == FindKind::Event).unwrap().hits[0].open, ev.id);

    // A note and a risk, each in its own group, the note's area by its topic.
    let found = find(&t, "华南区 降价").await;
    assert_eq!(titles(&found, FindKind::Note), ["竞品门禁降价调研"]);
    assert_eq!(titles(&found, FindKind::Risk).len(), 1);
    let n = found.groups.iter().find(|g| g.kind == FindKind::Note).unwrap();
    assert_eq!((n.hits[0].area.as_str(), n.total), ("research", 1));
    // Where the title does not show the match, an excerpt of the text does.
    let found = find(&t, "回款放缓").await;
    let r = &found.groups.iter().find(|g| g.kind == FindKind::Risk).unwrap().hits[0];
    assert!(r.excerpt.as_deref().unwrap_or("").contains("回款放缓"), "{r:?}");
    // A support request opens its partner's page.
    let found = find(&t, "固件升级").await;
    let s = &found.groups.iter().find(|g| g.kind == FindKind::Support).unwrap().hits[0];
    assert_eq!((s.area.as_str(), s.open.as_str()), ("partners", partner_id.as_str()));

    // A deleted note is no longer found; a changed title is found by its new words only.
    research::delete(&t.desk, &note.id).await.unwrap();
    assert!(titles(&find(&t, "竞品门禁").await, FindKind::Note).is_empty());
    let e = events::update(&t.desk, &ev.id, &ev.hlc, &show("2026 广州建博会", "广州", "琶洲")).await.unwrap();
    assert_eq!(e.name, "2026 广州建博会");
    assert!(titles(&find(&t, "安博会").await, FindKind::Event).is_empty());
    assert_eq!(titles(&find(&t, "建博会").await, FindKind::Event), ["2026 广州建博会"]);
}

#[tokio::test]
async fn groups_are_newest_first_and_counted() {
    let t = desk().await;
    for i in 0..8 {
        research::create(
            &t.desk,
            &NoteInput {
                noted_on: "2026-03-01".into(),
                topic: "industry".into(),
                title: format!("安防行业周报 第{i}期"),
                body: String::new(),
                tags: vec![],
                partner_ids: vec![],
            },
        )
        .await
        .unwrap();
    }
    let found = find(&t, "安防行业").await;
    let g = found.groups.iter().find(|g| g.kind == FindKind::Note).unwrap();
    assert_eq!((g.total, g.capped, g.hits.len() as i64), (8, false, find::GROUP_SIZE));
    assert_eq!(g.hits[0].title, "安防行业周报 第7期");
    // A short term narrows the long one's matches.
    let found = find(&t, "安防行业 3期").await;
    assert_eq!(titles(&found, FindKind::Note), ["安防行业周报 第3期"]);
}

#[tokio::test]
async fn search_needs_a_signed_in_person_and_a_sane_query() {
    let t = desk().await;
    let e = find::everything(&t.desk, &"长".repeat(201)).await.unwrap_err();
    assert!(has(&fields_of(e), "q", "too_long"));
    assert!(find(&t, "   ").await.groups.is_empty());
    users::kiosk_start(&t.desk, "2026 深圳安博会", None).await.unwrap();
    assert_eq!(find::everything(&t.desk, "suian").await.unwrap_err().code(), "forbidden");
    users::sign_out(&t.desk).await.ok();
}

/// A file whose partner entries were made before pinyin was indexed is indexed again, once,
/// when it is opened.
#[tokio::test]
async fn an_older_file_is_indexed_again_when_opened() {
    let t = desk().await;
    partners::create(&t.desk, &partner("广州穗安科技有限公司"), false).await.unwrap();
    // As an earlier version left it: entries without pinyin, user_version 0.
    sqlx::query("INSERT INTO partner_fts (partner_fts) VALUES ('delete-all')")
        .execute(t.desk.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM partner_gram").execute(t.desk.pool()).await.unwrap();
    sqlx::query("PRAGMA user_version = 0").execute(t.desk.pool()).await.unwrap();
    assert!(find(&t, "suian").await.groups.is_empty());
    let t = t.reopen().await;
    assert_eq!(titles(&find(&t, "suian").await, FindKind::Partner), ["广州穗安科技有限公司"]);
    assert_eq!(titles(&find(&t, "穗安").await, FindKind::Partner), ["广州穗安科技有限公司"]);
    let v: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(t.desk.pool()).await.unwrap();
    assert_eq!(v, channeldesk::search::INDEX_VERSION);
}
