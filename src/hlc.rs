//! Hybrid logical clock (HLC) and the wall clock it reads.
//!
//! Every change to a business row is stamped with an HLC value so that copies of the database
//! on different laptops can later be merged field by field (last writer wins) without a server.
//! Invariants:
//! - values issued by one [`HlcState`] strictly increase, even when the wall clock steps back;
//! - [`HlcState::observe`] of a remote value makes every later local value greater than it;
//! - the text form ([`Hlc::encode`]) sorts in the same order as the values, so SQL `MAX()` and
//!   `ORDER BY` on the stored text are correct. Ties between devices break on the device id.

use chrono::{DateTime, Utc};
use std::fmt;
use std::sync::Mutex;

/// Source of the current time, swappable in tests.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The operating system's clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that returns what it was last set to (tests, benchmarks, demo data).
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }
    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// One HLC value: wall-clock milliseconds, a counter for events in the same millisecond,
/// and the device that issued it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hlc {
    pub millis: u64,
    pub counter: u32,
    pub device: String,
}

impl Hlc {
    /// Fixed-width text form `MMMMMMMMMMMM-CCCCCCCC-device` (hex), which sorts like the value.
    pub fn encode(&self) -> String {
        format!("{:012x}-{:08x}-{}", self.millis, self.counter, self.device)
    }

    /// Parses [`Hlc::encode`] output; `None` for anything else.
    pub fn decode(s: &str) -> Option<Hlc> {
        let mut it = s.splitn(3, '-');
        let m = it.next()?;
        let c = it.next()?;
        let d = it.next()?;
        if m.len() != 12 || c.len() != 8 || d.is_empty() {
            return None;
        }
        Some(Hlc {
            millis: u64::from_str_radix(m, 16).ok()?,
            counter: u32::from_str_radix(c, 16).ok()?,
            device: d.to_string(),
        })
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

/// The last value this device issued or observed.
#[derive(Debug)]
pub struct HlcState {
    device: String,
    last: Mutex<(u64, u32)>,
}

impl HlcState {
    /// Starts from a persisted value (so a restart with a clock set back stays monotonic).
    pub fn new(device: impl Into<String>, last: Option<&Hlc>) -> Self {
        let last = last.map(|h| (h.millis, h.counter)).unwrap_or((0, 0));
        Self { device: device.into(), last: Mutex::new(last) }
    }

    /// Issues the next local value at wall time `now`.
    pub fn tick(&self, now: DateTime<Utc>) -> Hlc {
        let wall = now.timestamp_millis().max(0) as u64;
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let next = if wall > last.0 {
            (wall, 0)
        } else if last.1 == u32::MAX {
            (last.0 + 1, 0)
        } else {
            (last.0, last.1 + 1)
        };
        *last = next;
        Hlc { millis: next.0, counter: next.1, device: self.device.clone() }
    }

    /// Takes a value seen on another device into account; later ticks are greater than it.
    pub fn observe(&self, remote: &Hlc) {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if (remote.millis, remote.counter) > *last {
            *last = (remote.millis, remote.counter);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(ms: i64) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(ms).unwrap()
    }

    #[test]
    fn strictly_increasing_when_clock_steps_back() {
        let s = HlcState::new("dev1", None);
        let a = s.tick(at(1_000_000));
        let b = s.tick(at(1_000_000));
        let c = s.tick(at(999_000)); // wall clock moved back
        let d = s.tick(at(1_000_001));
        assert!(a < b && b < c && c < d, "{a} {b} {c} {d}");
        assert!(a.encode() < b.encode() && b.encode() < c.encode() && c.encode() < d.encode());
        assert_eq!(c.millis, 1_000_000);
        assert_eq!(c.counter, 2);
    }

    #[test]
    fn observe_moves_past_remote() {
        let s = HlcState::new("aaa", None);
        let remote = Hlc { millis: 5_000_000, counter: 7, device: "zzz".into() };
        s.observe(&remote);
        let next = s.tick(at(1_000));
        assert!(next.millis == 5_000_000 && next.counter == 8);
    }

    #[test]
    fn resumes_from_persisted_value() {
        let persisted = Hlc { millis: 9_000, counter: 3, device: "d".into() };
        let s = HlcState::new("d", Some(&persisted));
        assert!(s.tick(at(1)) > persisted);
    }

    #[test]
    fn text_round_trip_and_order() {
        let h = Hlc { millis: 0x1234, counter: 0xff, device: "01J-device".into() };
        assert_eq!(Hlc::decode(&h.encode()), Some(h));
        assert_eq!(Hlc::decode("garbage"), None);
        let lo = Hlc { millis: 0xf, counter: 0, device: "b".into() }.encode();
        let hi = Hlc { millis: 0x10, counter: 0, device: "a".into() }.encode();
        assert!(lo < hi);
    }
}
