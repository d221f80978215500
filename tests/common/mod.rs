//! Shared set-up for core tests: each test gets its own fresh, encrypted database file, a
//! keychain of its own (the keyring mock store) and a signed-in owner.
#![allow(dead_code)]

use channeldesk::hlc::ManualClock;
use channeldesk::partners::{ContactInput, PartnerInput};
use channeldesk::secrets::Keychain;
use channeldesk::vault::{self, Unlock};
use channeldesk::{Desk, users};
use chrono::{TimeZone, Utc};
use std::path::Path;
use std::sync::Arc;

/// The owner's password in every test database.
pub const OWNER_PASSWORD: &str = "correct horse battery";

pub struct TestDesk {
    pub desk: Desk,
    pub clock: Arc<ManualClock>,
    pub keychain: Keychain,
    pub dir: tempfile::TempDir,
}

impl TestDesk {
    /// Closes the pool and opens the same folder again (a restart), signed in as the owner.
    pub async fn reopen(self) -> TestDesk {
        self.desk.close().await;
        let desk = open_ready(self.dir.path(), &self.keychain, self.clock.clone()).await;
        users::sign_in(&desk, "owner", OWNER_PASSWORD).await.expect("owner signs in");
        TestDesk { desk, ..self }
    }
}

pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()))
}

/// Opens `dir` with `keychain`, expecting the key to be there.
pub async fn open_ready(dir: &Path, keychain: &Keychain, clock: Arc<ManualClock>) -> Desk {
    match vault::open_with_clock(dir, keychain, clock).await.expect("open data folder") {
        Unlock::Ready(desk) => *desk,
        Unlock::NeedsRecoveryKey(r) => panic!("needs the recovery key: {r:?}"),
    }
}

/// A fresh data folder with the owner (administrator) signed in.
pub async fn desk() -> TestDesk {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = clock();
    let keychain = Keychain::mock();
    let desk = open_ready(dir.path(), &keychain, clock.clone()).await;
    users::setup_owner(&desk, "测试员", "owner", OWNER_PASSWORD).await.expect("owner set-up");
    TestDesk { desk, clock, keychain, dir }
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
