//! How many signed originals (正本) an agreement is made in and who holds them, as its own
//! clause says ("本协议一式肆份，甲方执叁份，乙方执壹份", R3.1.3, issue 24). The count printed is
//! the count the clause states: where the clause is missing, names no holders, or its holders'
//! shares do not add up to the total, the originals are refused with the reason, before
//! anything is printed.

use super::{ClauseText, fill};
use crate::error::{Error, FieldError, Result};
use std::collections::BTreeMap;

/// The originals a clause provides for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counterparts {
    /// 一式 n 份.
    pub total: i64,
    /// Each holder (甲方, 乙方…) with the number of originals it keeps, in the clause's order.
    pub holders: Vec<(String, i64)>,
}

impl Counterparts {
    /// The holder of each original, in print order (甲方, 甲方, 甲方, 乙方).
    pub fn sheets(&self) -> Vec<String> {
        self.holders.iter().flat_map(|(h, n)| std::iter::repeat_n(h.clone(), *n as usize)).collect()
    }
}

/// The largest number of originals printed at once.
pub const MAX_ORIGINALS: i64 = 20;

/// A number as agreements write it: `4`, 四, 肆, 十二, 拾贰, 二十, 两; `None` otherwise.
pub fn numeral(text: &str) -> Option<i64> {
    let text = text.trim();
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
        return text.parse().ok();
    }
    let digit = |c: char| -> Option<i64> {
        Some(match c {
            '零' | '〇' => 0,
            '一' | '壹' => 1,
            '二' | '贰' | '两' => 2,
            '三' | '叁' => 3,
            '四' | '肆' => 4,
            '五' | '伍' => 5,
            '六' | '陆' => 6,
            '七' | '柒' => 7,
            '八' | '捌' => 8,
            '九' | '玖' => 9,
            _ => return None,
        })
    };
    let chars: Vec<char> = text.chars().collect();
    match chars.iter().position(|c| matches!(c, '十' | '拾')) {
        None if chars.len() == 1 => digit(chars[0]),
        None => None,
        Some(at) => {
            let tens = match &chars[..at] {
                [] => 1,
                [d] => digit(*d)?,
                _ => return None,
            };
            let units = match &chars[at + 1..] {
                [] => 0,
                [d] => digit(*d)?,
                _ => return None,
            };
            Some(tens * 10 + units)
        }
    }
}

/// The number written right after `at` in `chars`, up to 份; `None` when there is none.
fn count_at(chars: &[char], at: usize) -> Option<i64> {
    let rest = &chars[at..];
    let end = rest.iter().take(6).position(|c| *c == '份')?;
    numeral(&rest[..end].iter().collect::<String>())
}

/// The counterparts stated in `text` (the sentence holding 一式 n 份). Errors name the field
/// `counterparts`: `counterparts_not_stated` (no 一式 n 份), `counterparts_no_holders` (nobody 执 any),
/// `counterparts_not_adding_up` (the holders' shares do not make the total, given as the limit) or
/// `too_many` (above [`MAX_ORIGINALS`]).
pub fn stated(text: &str) -> Result<Counterparts> {
    let chars: Vec<char> = text.chars().collect();
    let at = chars
        .windows(2)
        .enumerate()
        .find(|(i, w)| w == &['一', '式'] && count_at(&chars, i + 2).is_some())
        .map(|(i, _)| i)
        .ok_or_else(|| Error::field("counterparts", "counterparts_not_stated"))?;
    let total = count_at(&chars, at + 2).unwrap_or(0);
    if total < 1 {
        return Err(Error::field("counterparts", "counterparts_not_stated"));
    }
    if total > MAX_ORIGINALS {
        return Err(Error::Validation(vec![FieldError::with_limit(
            "counterparts",
            "too_many",
            MAX_ORIGINALS as u32,
        )]));
    }
    // The holders: in the same sentence, "甲方执叁份", "乙方各执壹份", "双方各执贰份".
    let end = chars[at..].iter().position(|c| *c == '。').map(|e| at + e).unwrap_or(chars.len());
    let mut holders: BTreeMap<usize, (String, i64)> = BTreeMap::new();
    let mut add = |order: usize, who: &str, n: i64| {
        holders.entry(order).or_insert_with(|| (who.to_string(), 0)).1 += n;
    };
    for i in at..end {
        if chars[i] != '执' {
            continue;
        }
        let Some(n) = count_at(&chars, i + 1) else { continue };
        let mut j = i;
        if j > 0 && chars[j - 1] == '各' {
            j -= 1;
        }
        let who: String = chars[j.saturating_sub(2)..j].iter().collect();
        if who == "双方" {
            add(0, "甲方", n);
            add(1, "乙方", n);
        } else if who.ends_with('方') {
            let order = match who.as_str() {
                "甲方" => 0,
                "乙方" => 1,
                _ => 2 + i,
            };
            add(order, &who, n);
        }
    }
    if holders.is_empty() {
        return Err(Error::field("counterparts", "counterparts_no_holders"));
    }
    let holders: Vec<(String, i64)> = holders.into_values().collect();
    if holders.iter().map(|(_, n)| n).sum::<i64>() != total {
        return Err(Error::Validation(vec![FieldError::with_limit(
            "counterparts",
            "counterparts_not_adding_up",
            total as u32,
        )]));
    }
    Ok(Counterparts { total, holders })
}

/// The counterparts an agreement version's clauses state, with its variables filled in.
pub fn of_version(clauses: &[ClauseText], variables: &BTreeMap<String, String>) -> Result<Counterparts> {
    let text: String = clauses.iter().map(|c| fill(&c.body, variables, "") + "。").collect();
    stated(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(r: Result<Counterparts>) -> (String, Option<u32>) {
        match r {
            Err(Error::Validation(f)) => (f[0].rule.clone(), f[0].limit),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn numerals_as_agreements_write_them() {
        for (text, n) in [
            ("4", 4),
            ("四", 4),
            ("肆", 4),
            ("两", 2),
            ("十", 10),
            ("拾贰", 12),
            ("二十", 20),
            ("贰拾壹", 21),
        ] {
            assert_eq!(numeral(text), Some(n), "{text}");
        }
        assert_eq!(numeral("若干"), None);
        assert_eq!(numeral(""), None);
    }

    #[test]
    fn the_clause_states_the_originals_and_their_holders() {
        let c = stated("本协议一式肆份，甲方执叁份，乙方执壹份，具有同等法律效力。").unwrap();
        assert_eq!(c, Counterparts { total: 4, holders: vec![("甲方".into(), 3), ("乙方".into(), 1)] });
        assert_eq!(c.sheets(), vec!["甲方", "甲方", "甲方", "乙方"]);
        let both = stated("本协议一式两份，双方各执一份。").unwrap();
        assert_eq!(both.holders, vec![("甲方".into(), 1), ("乙方".into(), 1)]);
        // A clause that mentions 执行 elsewhere in the sentence is not confused.
        let c = stated("本协议一式3份，由乙方执1份、甲方执2份，自签署之日起执行。").unwrap();
        assert_eq!(c.holders, vec![("甲方".into(), 2), ("乙方".into(), 1)]);
    }

    #[test]
    fn a_clause_that_does_not_add_up_says_why() {
        assert_eq!(rule(stated("本协议由双方签署后生效。")), ("counterparts_not_stated".into(), None));
        assert_eq!(
            rule(stated("本协议一式肆份，具有同等法律效力。")),
            ("counterparts_no_holders".into(), None)
        );
        assert_eq!(
            rule(stated("本协议一式肆份，甲方执叁份，乙方执贰份。")),
            ("counterparts_not_adding_up".into(), Some(4))
        );
        assert_eq!(
            rule(stated("本协议一式叁拾份，甲方执贰拾份，乙方执拾份。")),
            ("too_many".into(), Some(20))
        );
    }
}
