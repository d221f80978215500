//! Shared set-up for core tests: each test gets its own fresh database file.
#![allow(dead_code)]

use channeldesk::hlc::ManualClock;
use channeldesk::partners::{ContactInput, PartnerInput};
use channeldesk::{Desk, OpenOptions};
use chrono::{TimeZone, Utc};
use std::sync::Arc;

pub struct TestDesk {
    pub desk: Desk,
    pub clock: Arc<ManualClock>,
    pub dir: tempfile::TempDir,
}

pub async fn desk() -> TestDesk {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()));
    let desk = Desk::open_with_clock(
        dir.path(),
        OpenOptions { login: Some("tester".into()), display_name: Some("测试员".into()) },
        clock.clone(),
    )
    .await
    .expect("open desk");
    TestDesk { desk, clock, dir }
}

/// A valid minimal partner.
pub fn partner(name: &str) -> PartnerInput {
    PartnerInput {
        name: name.into(),
        source_kind: "online".into(),
        status: "prospect".into(),
        ..Default::default()
    }
}

pub fn contact(name: &str, mobile: &str, email: &str) -> ContactInput {
    ContactInput { name: name.into(), mobile: mobile.into(), email: email.into(), ..Default::default() }
}
