//! Evaluation and classification (R2.2.1–R2.2.3, R1.2) on a real encrypted database: scheme
//! validation and versions, annual rounds, scoring with evidence by several evaluators,
//! totals and classes at the band edges, finishing and the class history, special
//! evaluations and their measures, what is due, and what a class entails.

mod common;

use channeldesk::access::Role;
use channeldesk::agreements::lifecycle;
use channeldesk::evaluation::scheme::{self, ClassBand, EvaluationSchemeInput};
use channeldesk::evaluation::{self, EvaluationQuery, MeasureInput, ScoreInput, SpecialInput};
use channeldesk::users;
use channeldesk::{Error, audit, partners, reminders};
use common::{TestDesk, add_user, as_user, desk, fields_of, has, later, partner};
use std::collections::BTreeMap;

async fn staff(t: &TestDesk) {
    for (login, role) in [("chan", Role::Channel), ("chan2", Role::Channel), ("boss", Role::Manager)] {
        add_user(t, login, role).await;
    }
}

async fn active(t: &TestDesk, name: &str) -> String {
    let p = partner(name);
    common::migrated(t, p.clone()).await
}

/// Every indicator of the seeded scheme scored: bands at `band` (their first, highest level
/// when 0), the sales target at `actual` of 5,000,000.
fn all_scores(s: &scheme::EvaluationScheme, band: usize, actual: i64) -> Vec<ScoreInput> {
    s.indicators
        .iter()
        .map(|i| ScoreInput {
            indicator: i.key.clone(),
            score: i.bands.get(band.min(i.bands.len().saturating_sub(1))).map(|b| b.score),
            actual: (i.kind == "ratio").then_some(actual),
            target: (i.kind == "ratio").then_some(5_000_000),
            evidence: format!("{}：见季度报告", i.label),
        })
        .collect()
}

#[tokio::test]
async fn the_scheme_is_checked_and_versioned() {
    let t = desk().await;
    let v1 = scheme::versions(&t.desk).await.unwrap().remove(0);
    assert_eq!(v1.version, 1);
    assert_eq!(v1.indicators.iter().map(|i| i.weight).sum::<u32>(), 100);
    let good = EvaluationSchemeInput {
        name: v1.name.clone(),
        indicators: v1.indicators.clone(),
        class_bands: v1.class_bands.clone(),
        consequences: v1.consequences.clone(),
    };
    // Weights 95, a dimension missing, a band score over 100, an unknown kind.
    let mut bad = good.clone();
    bad.indicators.retain(|i| i.dimension != "stability");
    bad.indicators[0].weight += 10;
    bad.indicators[1].bands[0].score = 120;
    bad.indicators[2].kind = "guess".into();
    let e = fields_of(scheme::save(&t.desk, &bad).await.unwrap_err());
    assert!(has(&e, "weights", "total_100") && has(&e, "dimension.stability", "missing"), "{e:?}");
    assert!(
        has(&e, "indicators.1.bands.0.score", "range") && has(&e, "indicators.2.kind", "unknown"),
        "{e:?}"
    );
    // Class bands with a gap, with an overlap, with a class missing.
    for (bands, rule) in [
        (vec![("C", 0, 60), ("B", 61, 85), ("A", 85, 100)], "coverage"),
        (vec![("C", 0, 60), ("B", 55, 85), ("A", 85, 100)], "coverage"),
        (vec![("C", 0, 60), ("A", 60, 100)], "classes"),
    ] {
        let mut b = good.clone();
        b.class_bands =
            bands.into_iter().map(|(c, min, max)| ClassBand { class: c.into(), min, max }).collect();
        assert_eq!(
            fields_of(scheme::save(&t.desk, &b).await.unwrap_err()),
            vec![("class_bands".to_string(), rule.to_string())]
        );
    }
    assert_eq!(scheme::versions(&t.desk).await.unwrap().len(), 1, "nothing saved");
    staff(&t).await;
    as_user(&t, "chan").await;
    assert!(matches!(scheme::save(&t.desk, &good).await, Err(Error::Forbidden(_))));
    as_user(&t, "boss").await;
    let mut next = good.clone();
    next.class_bands = vec![
        ClassBand { class: "C".into(), min: 0, max: 50 },
        ClassBand { class: "B".into(), min: 50, max: 80 },
        ClassBand { class: "A".into(), min: 80, max: 100 },
    ];
    assert_eq!(scheme::save(&t.desk, &next).await.unwrap().version, 2);
    t.desk.close().await;
}

#[test]
fn totals_and_classes_at_the_band_edges() {
    let s = scheme::EvaluationScheme {
        id: "s".into(),
        version: 1,
        name: "t".into(),
        indicators: vec![scheme::Indicator {
            key: "k".into(),
            dimension: "results".into(),
            label: "k".into(),
            weight: 100,
            kind: "bands".into(),
            bands: vec![],
        }],
        class_bands: vec![
            ClassBand { class: "C".into(), min: 0, max: 60 },
            ClassBand { class: "B".into(), min: 60, max: 85 },
            ClassBand { class: "A".into(), min: 85, max: 100 },
        ],
        consequences: BTreeMap::new(),
        created_at: String::new(),
    };
    let row = |score: i64, who: usize| evaluation::ScoreRow {
        evaluator_id: format!("u{who}"),
        evaluator_name: None,
        indicator: "k".into(),
        score,
        actual: None,
        target: None,
        evidence: String::new(),
        source: "typed".into(),
    };
    let cases: [(&[i64], u32, &str); 7] = [
        (&[0], 0, "C"),
        (&[60, 60, 59], 5967, "C"),
        (&[60, 60, 60], 6000, "B"),
        (&[85, 85, 84], 8467, "B"),
        (&[85, 84], 8450, "B"),
        (&[85, 85, 85], 8500, "A"),
        (&[100, 100], 10000, "A"),
    ];
    for (scores, total, class) in cases {
        let rows: Vec<_> = scores.iter().enumerate().map(|(i, s)| row(*s, i)).collect();
        let r = evaluation::compute(&s, &rows, &BTreeMap::new());
        assert_eq!((r.total_x100, r.class.as_deref()), (total, Some(class)), "{scores:?}");
    }
}

#[tokio::test]
async fn an_annual_round_scored_finished_and_classified() {
    let t = desk().await;
    staff(&t).await;
    let a = active(&t, "深圳市华信科技有限公司").await;
    let b = active(&t, "广州市南方智联科技有限公司").await;
    partners::create(&t.desk, &partner("仍在招募的公司"), false).await.unwrap();
    // R2.2.1: both active partners are due.
    let due = |g: &[reminders::ReminderGroup]| {
        g.iter().find(|g| g.kind == "evaluation_due").map(|g| g.count).unwrap_or(0)
    };
    assert_eq!(due(&reminders::due(&t.desk).await.unwrap()), 2);
    as_user(&t, "chan").await;
    assert!(evaluation::start_round(&t.desk, 1999).await.is_err());
    let r = evaluation::start_round(&t.desk, 2026).await.unwrap();
    assert_eq!((r.created, r.existing), (2, 0));
    let again = evaluation::start_round(&t.desk, 2026).await.unwrap();
    assert_eq!((again.created, again.existing), (0, 2), "one periodic evaluation per partner and year");
    let page = evaluation::list(&t.desk, &EvaluationQuery { status: "open".into(), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(page.total, 2);
    let id = page.rows.iter().find(|r| r.partner_id == a).unwrap().id.clone();
    let e = evaluation::get(&t.desk, &id).await.unwrap();
    let s = e.scheme.clone();
    // Nothing scored yet: no class (a total of 0 is no finding).
    assert_eq!((e.result.total_x100, e.result.class.as_deref()), (0, None));

    // Bad scores are refused by field and nothing is recorded.
    let mut bad = all_scores(&s, 0, 4_200_000);
    bad[1].score = Some(55);
    bad[2].evidence.clear();
    bad[0].target = None;
    bad.push(ScoreInput {
        indicator: "nope".into(),
        score: Some(1),
        evidence: "x".into(),
        ..Default::default()
    });
    let f = fields_of(evaluation::score(&t.desk, &id, &bad).await.unwrap_err());
    assert!(has(&f, "scores.1.score", "unknown") && has(&f, "scores.2.evidence", "required"), "{f:?}");
    assert!(has(&f, "scores.0.target", "required") && has(&f, "scores.10.indicator", "unknown"), "{f:?}");
    assert!(evaluation::get(&t.desk, &id).await.unwrap().scores.is_empty());
    // Finishing needs every indicator scored, named.
    let f = fields_of(evaluation::finish(&t.desk, &id).await.unwrap_err());
    assert_eq!(f.len(), s.indicators.len());
    assert!(has(&f, "indicator.target", "unscored"));

    // Two evaluators: the first rates every band at its top level and 84 % of target, the
    // second one level lower on "growth" (80) and 90 % of target.
    evaluation::score(&t.desk, &id, &all_scores(&s, 0, 4_200_000)).await.unwrap();
    as_user(&t, "chan2").await;
    let mut second = all_scores(&s, 0, 4_500_000);
    second.retain(|x| x.indicator == "growth" || x.indicator == "target");
    second.iter_mut().filter(|x| x.indicator == "growth").for_each(|x| x.score = Some(80));
    let e = evaluation::score(&t.desk, &id, &second).await.unwrap();
    let ind = |k: &str| e.result.indicators.iter().find(|i| i.key == k).unwrap().clone();
    assert_eq!((ind("target").score_x100, ind("target").evaluators), (Some(8700), 2));
    assert_eq!(ind("growth").score_x100, Some(9000));
    // Total: 25 × 87 + 10 × 90 + 65 × 100 = 9575 → 95.75, class A.
    assert_eq!((e.result.total_x100, e.result.class.as_deref()), (9575, Some("A")));
    assert_eq!(e.row.evaluators, 2);
    let results = e.result.dimensions.iter().find(|d| d.dimension == "results").unwrap();
    assert_eq!((results.weight, results.score_x100), (35, (25 * 8700 + 10 * 9000) / 35));

    let done = evaluation::finish(&t.desk, &id).await.unwrap();
    assert_eq!(
        (done.row.status.as_str(), done.row.class.as_deref(), done.row.total_x100),
        ("finished", Some("A"), Some(9575))
    );
    assert_eq!(partners::get(&t.desk, &a).await.unwrap().class.as_deref(), Some("A"));
    let history = evaluation::class_history(&t.desk, &a).await.unwrap();
    assert_eq!((history[0].from_class.as_deref(), history[0].to_class.as_deref()), (None, Some("A")));
    assert!(
        history[0].reason.contains("2026 年度评估") && history[0].reason.contains("95.75"),
        "{}",
        history[0].reason
    );
    assert!(matches!(evaluation::finish(&t.desk, &id).await, Err(Error::Validation(_))));
    assert!(evaluation::score(&t.desk, &id, &second).await.is_err(), "finished evaluations are frozen");
    assert_eq!(due(&reminders::due(&t.desk).await.unwrap()), 1, "only the other partner is still due");

    // A scheme change never alters a finished evaluation.
    as_user(&t, "boss").await;
    let v1 = scheme::versions(&t.desk).await.unwrap().remove(0);
    let mut input = EvaluationSchemeInput {
        name: v1.name.clone(),
        indicators: v1.indicators.clone(),
        class_bands: v1.class_bands.clone(),
        consequences: v1.consequences.clone(),
    };
    input.indicators[0].weight = 15;
    input.indicators[1].weight = 20;
    scheme::save(&t.desk, &input).await.unwrap();
    let frozen = evaluation::get(&t.desk, &id).await.unwrap();
    assert_eq!(
        (frozen.result.total_x100, frozen.scheme.version, frozen.result.indicators[0].weight),
        (9575, 1, 25)
    );

    // The other partner scores low: class C, then a year later it is due again.
    as_user(&t, "chan").await;
    let other = evaluation::list(&t.desk, &EvaluationQuery { partner_id: b.clone(), ..Default::default() })
        .await
        .unwrap()
        .rows[0]
        .id
        .clone();
    evaluation::score(&t.desk, &other, &all_scores(&s, 9, 1_000_000)).await.unwrap();
    // R2.2.3: class C needs an improvement plan before the result stands; nothing is written.
    let f = fields_of(evaluation::finish(&t.desk, &other).await.unwrap_err());
    assert_eq!(f, vec![("measures".to_string(), "improvement_plan".to_string())]);
    assert_eq!(evaluation::get(&t.desk, &other).await.unwrap().row.status, "open");
    let chan = t.desk.actor().unwrap().id;
    let plan = evaluation::MeasureInput {
        action: "每月经营辅导".into(),
        owner_id: chan,
        due_on: "2026-06-30".into(),
    };
    evaluation::add_measure(&t.desk, &other, &plan).await.unwrap();
    let c = evaluation::finish(&t.desk, &other).await.unwrap();
    assert_eq!(c.row.class.as_deref(), Some("C"));
    // The plan is tracked on the home page until done.
    let open_measures = reminders::due(&t.desk).await.unwrap();
    let plan =
        open_measures.iter().find(|g| g.kind == "improvement_plan").expect("the plan on the home page");
    assert_eq!((plan.requirement.as_str(), plan.count), ("R2.2.3", 1));
    assert_eq!(due(&reminders::due(&t.desk).await.unwrap()), 0);
    later(&t, 366).await;
    assert_eq!(due(&reminders::due(&t.desk).await.unwrap()), 2);
    as_user(&t, "owner").await;
    let ops: Vec<String> = audit::list(&t.desk, &Default::default())
        .await
        .unwrap()
        .entries
        .into_iter()
        .map(|e| e.operation)
        .collect();
    for op in ["start_round", "score", "finish", "evaluate"] {
        assert!(ops.contains(&op.to_string()), "{op}");
    }
    common::travels(&t).await;
    t.desk.close().await;
}

#[tokio::test]
async fn a_special_evaluation_ends_with_measures_tracked_until_done() {
    let t = desk().await;
    staff(&t).await;
    let a = active(&t, "成都蓝海信息有限公司").await;
    as_user(&t, "chan").await;
    let e = fields_of(
        evaluation::start_special(&t.desk, &SpecialInput { partner_id: a.clone(), ..Default::default() })
            .await
            .unwrap_err(),
    );
    assert!(has(&e, "trigger", "required") && has(&e, "reason", "required"));
    let bad = SpecialInput { partner_id: a.clone(), trigger: "gossip".into(), reason: "x".into() };
    assert!(has(
        &fields_of(evaluation::start_special(&t.desk, &bad).await.unwrap_err()),
        "trigger",
        "unknown"
    ));
    let input = SpecialInput {
        partner_id: a.clone(),
        trigger: "breach".into(),
        reason: "跨区域低价销售，客户投诉".into(),
    };
    let e = evaluation::start_special(&t.desk, &input).await.unwrap();
    assert_eq!(
        (e.row.kind.as_str(), e.row.trigger.as_deref(), e.row.period.as_str()),
        ("special", Some("breach"), "2026-03-01")
    );
    evaluation::score(&t.desk, &e.row.id, &all_scores(&e.scheme, 9, 2_000_000)).await.unwrap();
    // Measures are required before it can finish.
    assert_eq!(
        fields_of(evaluation::finish(&t.desk, &e.row.id).await.unwrap_err()),
        vec![("measures".to_string(), "required".to_string())]
    );
    let users = users::list(&t.desk).await.unwrap();
    let chan = users.iter().find(|u| u.login == "chan").unwrap().id.clone();
    let bad =
        MeasureInput { action: "整改".into(), owner_id: "nobody".into(), due_on: "2026-03-31".into() };
    assert!(has(
        &fields_of(evaluation::add_measure(&t.desk, &e.row.id, &bad).await.unwrap_err()),
        "owner_id",
        "unknown"
    ));
    let m = MeasureInput {
        action: "书面通报并限期整改区域价格".into(),
        owner_id: chan.clone(),
        due_on: "2026-03-15".into(),
    };
    let e = evaluation::add_measure(&t.desk, &e.row.id, &m).await.unwrap();
    let done = evaluation::finish(&t.desk, &e.row.id).await.unwrap();
    assert_eq!(done.row.class.as_deref(), Some("C"));
    // Past its date the measure is on the home page until done.
    let late = |g: &[reminders::ReminderGroup]| {
        g.iter().find(|g| g.kind == "measure_overdue").map(|g| g.count).unwrap_or(0)
    };
    assert_eq!(late(&reminders::due(&t.desk).await.unwrap()), 0);
    later(&t, 15).await;
    assert_eq!(late(&reminders::due(&t.desk).await.unwrap()), 1);
    let measure = done.measures[0].id.clone();
    assert!(has(
        &fields_of(evaluation::complete_measure(&t.desk, &measure, "2027-01-01").await.unwrap_err()),
        "done_on",
        "future"
    ));
    let closed = evaluation::complete_measure(&t.desk, &measure, "2026-03-16").await.unwrap();
    assert_eq!(closed.measures[0].done_on.as_deref(), Some("2026-03-16"));
    assert_eq!(late(&reminders::due(&t.desk).await.unwrap()), 0);
    common::travels(&t).await;
    t.desk.close().await;
}

#[tokio::test]
async fn a_class_c_partner_is_renewed_only_by_a_manager() {
    let t = desk().await;
    staff(&t).await;
    let a = active(&t, "武汉长江物联有限公司").await;
    as_user(&t, "chan").await;
    let e = evaluation::start_special(
        &t.desk,
        &SpecialInput {
            partner_id: a.clone(), trigger: "major_problem".into(), reason: "资金链紧张".into()
        },
    )
    .await
    .unwrap();
    evaluation::score(&t.desk, &e.row.id, &all_scores(&e.scheme, 9, 0)).await.unwrap();
    let chan = users::list(&t.desk).await.unwrap().into_iter().find(|u| u.login == "chan").unwrap().id;
    evaluation::add_measure(
        &t.desk,
        &e.row.id,
        &MeasureInput { action: "每月核对回款".into(), owner_id: chan, due_on: "2026-06-30".into() },
    )
    .await
    .unwrap();
    evaluation::finish(&t.desk, &e.row.id).await.unwrap();
    let standing = evaluation::standing(&t.desk, &a).await.unwrap();
    assert_eq!(standing.class.as_deref(), Some("C"));
    assert!(standing.consequence.warning && standing.consequence.renewal_approval);
    assert_eq!(standing.evaluations.len(), 1);

    // An agreement signed, the partner wants to renew: channel staff are refused, a manager is not.
    let id = common::signed_agreement(&t, &a).await;
    as_user(&t, "chan").await;
    lifecycle::set_intent(&t.desk, &id, "renew", "").await.unwrap();
    match lifecycle::renew(&t.desk, &id).await.unwrap_err() {
        Error::Gate { to, missing } => {
            assert_eq!((to.as_str(), missing[0].rule.as_str()), ("renewal", "renewal_approval"))
        }
        other => panic!("{other:?}"),
    }
    as_user(&t, "boss").await;
    lifecycle::renew(&t.desk, &id).await.unwrap();
    t.desk.close().await;
}

/// R1.1: scores saved again unchanged write nothing (before: the rows were rewritten with a new
/// clock and no audit entry, a change no signed entry covered, which a paired laptop refused);
/// evidence changed alone is written and audited by name.
#[tokio::test]
async fn scores_saved_again_write_only_what_changed_and_audit_all_of_it() {
    let t = desk().await;
    staff(&t).await;
    let a = active(&t, "杭州钱江网络有限公司").await;
    as_user(&t, "chan").await;
    let input =
        SpecialInput { partner_id: a.clone(), trigger: "breach".into(), reason: "区域窜货".into() };
    let e = evaluation::start_special(&t.desk, &input).await.unwrap();
    let scores = all_scores(&e.scheme, 1, 4_000_000);
    evaluation::score(&t.desk, &e.row.id, &scores).await.unwrap();
    let state = || async {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT id || hlc || evidence FROM evaluation_score ORDER BY id")
                .fetch_all(t.desk.pool())
                .await
                .unwrap();
        let entries: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE operation = 'score'")
            .fetch_one(t.desk.pool())
            .await
            .unwrap();
        (rows, entries)
    };
    let before = state().await;
    evaluation::score(&t.desk, &e.row.id, &scores).await.unwrap();
    assert_eq!(state().await, before, "nothing written, nothing audited");
    let mut edited = scores.clone();
    edited[0].evidence = "见第二季度报告（修订）".into();
    evaluation::score(&t.desk, &e.row.id, &edited).await.unwrap();
    let changes: String = sqlx::query_scalar(
        "SELECT changes FROM audit_log WHERE operation = 'score' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(t.desk.pool())
    .await
    .unwrap();
    assert!(changes.contains(&format!("{}.evidence", edited[0].indicator)), "{changes}");
    assert_eq!(state().await.1, before.1 + 1);
    common::travels(&t).await;
    t.desk.close().await;
}

/// Issue 25: the dashboard's classes card counts active partners by class today, each finished
/// annual round's classes and, in the latest round, who went up, down, stayed or was classed
/// for the first time — the same figures the evaluation list gives.
#[tokio::test]
async fn the_dashboard_counts_classes_per_round_and_their_change() {
    use channeldesk::dashboard::{self, Card, CardKind, Filter};
    let t = desk().await;
    staff(&t).await;
    let names = ["深圳市华信科技有限公司", "广州市南方智联科技有限公司", "福州海峡安防工程有限公司"];
    for n in names {
        active(&t, n).await;
    }
    as_user(&t, "chan").await;
    let chan = users::list(&t.desk).await.unwrap().into_iter().find(|u| u.login == "chan").unwrap().id;
    // 2025: every band at its top (A); 2026: the second partner two bands lower, the third
    // one band lower.
    for (year, lower) in [(2025, [0usize, 0, 0]), (2026, [0, 3, 1])] {
        evaluation::start_round(&t.desk, year).await.unwrap();
        let page = evaluation::list(
            &t.desk,
            &EvaluationQuery { status: "open".into(), period: year.to_string(), ..Default::default() },
        )
        .await
        .unwrap();
        for r in &page.rows {
            let i = names.iter().position(|n| *n == r.partner_name).unwrap();
            let e = evaluation::get(&t.desk, &r.id).await.unwrap();
            let actual = if lower[i] == 0 { 5_000_000 } else { 2_000_000 };
            evaluation::score(&t.desk, &r.id, &all_scores(&e.scheme, lower[i], actual)).await.unwrap();
            if lower[i] > 1 {
                // Class C needs an improvement plan (R2.2.3).
                let plan = MeasureInput {
                    action: "每月经营辅导".into(),
                    owner_id: chan.clone(),
                    due_on: "2026-06-30".into(),
                };
                evaluation::add_measure(&t.desk, &r.id, &plan).await.unwrap();
            }
            evaluation::finish(&t.desk, &r.id).await.unwrap();
        }
    }
    let rows =
        evaluation::list(&t.desk, &EvaluationQuery { status: "finished".into(), ..Default::default() })
            .await
            .unwrap()
            .rows;
    let count = |period: &str, class: &str| {
        rows.iter().filter(|r| r.period == period && r.class.as_deref() == Some(class)).count() as i64
    };
    let f = Filter {
        from: "2026-01-01".into(),
        to: "2026-12-31".into(),
        class: "C".into(),
        ..Default::default()
    };
    let Card::Classes(k) = dashboard::card(&t.desk, CardKind::Classes, &f).await.unwrap() else { panic!() };
    assert_eq!(k.rounds.iter().map(|r| r.period.as_str()).collect::<Vec<_>>(), ["2025", "2026"]);
    for r in &k.rounds {
        for p in &r.classes {
            assert_eq!(p.value, count(&r.period, &p.key), "{} {}", r.period, p.key);
        }
    }
    assert_eq!(count("2025", "A"), 3);
    let latest: Vec<_> = rows.iter().filter(|r| r.period == "2026").collect();
    let moved = |k: &str| {
        latest
            .iter()
            .filter(|r| {
                let (b, a) = (r.previous_class.as_deref(), r.class.as_deref());
                match k {
                    "up" => b.is_some() && a < b,
                    "down" => b.is_some() && a > b,
                    "same" => b.is_some() && a == b,
                    _ => b.is_none(),
                }
            })
            .count() as i64
    };
    for p in &k.moves {
        assert_eq!(p.value, moved(&p.key), "{}", p.key);
    }
    assert!(moved("down") >= 1, "a partner scored lower in 2026 lost its class");
    // Today's classes are the partners' own, every active partner counted once.
    let now: i64 = k.now.iter().map(|p| p.value).sum();
    assert_eq!(now, 3);
    for p in &k.now {
        let want = latest.iter().filter(|r| r.class.as_deref().unwrap_or("none") == p.key).count() as i64;
        assert_eq!(p.value, want, "now {}", p.key);
    }
    t.desk.close().await;
}
