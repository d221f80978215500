//! Search-as-you-type primitives over local, derived indexes.
//!
//! Queries of 3+ characters use an FTS5 `trigram` table (substring match, Chinese included);
//! 1–2 character terms use an index of two-character grams of names, because trigrams cannot
//! match shorter strings. Text and queries are folded the same way ([`crate::validate::fold`]:
//! NFKC + lower case), so full-width and half-width forms match each other.
//!
//! Names are also indexed by their pinyin ([`pinyin_keys`]): the full toneless reading and the
//! initials, so 广州穗安 is found by "suian", "guangzhou" and "gzsa" (issue 25). A character
//! with several readings is indexed by its most common one.
//!
//! Invariants: the indexes are derived data, rewritten in the same transaction as the row they
//! describe; they are never exported. [`INDEX_VERSION`] names what the entries are made of: a
//! file whose entries are older is re-indexed when it is opened.

use crate::validate::fold;
use pinyin::ToPinyin;
use std::collections::BTreeSet;

/// What the partner index entries are made of; kept in the file's `PRAGMA user_version`.
/// 1: pinyin of names (issue 25).
pub const INDEX_VERSION: i64 = 1;

/// The pinyin of `text`, as (full reading, initials), both lower case without spaces: Chinese
/// characters by their toneless reading, Latin letters and digits as they are, anything else
/// left out. Empty when `text` has no Chinese character (nothing to add to its own letters).
pub fn pinyin_keys(text: &str) -> (String, String) {
    let mut full = String::new();
    let mut initials = String::new();
    let mut chinese = false;
    for (c, p) in text.chars().zip(text.to_pinyin()) {
        if let Some(p) = p {
            chinese = true;
            full.push_str(p.plain());
            initials.push_str(p.first_letter());
        } else if c.is_ascii_alphanumeric() {
            full.push(c.to_ascii_lowercase());
            initials.push(c.to_ascii_lowercase());
        }
    }
    if chinese { (full, initials) } else { (String::new(), String::new()) }
}

/// End-of-text marker so that a text's last character also starts a gram.
const GRAM_END: char = '\u{1}';

/// The distinct two-character grams of `texts` (folded, whitespace removed, each padded).
pub fn grams<'a>(texts: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for t in texts {
        let chars: Vec<char> = fold(t).chars().filter(|c| !c.is_whitespace()).collect();
        if chars.is_empty() {
            continue;
        }
        for i in 0..chars.len() {
            let next = chars.get(i + 1).copied().unwrap_or(GRAM_END);
            out.insert([chars[i], next].iter().collect());
        }
    }
    out
}

/// One term of a parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// 3+ characters: an FTS5 trigram phrase (already quoted for MATCH).
    Trigram(String),
    /// Exactly two characters: an exact gram.
    Gram(String),
    /// One character: grams in `[lo, hi)`.
    GramRange(String, String),
}

/// Splits a query on whitespace into folded terms.
pub fn parse_query(q: &str) -> Vec<Term> {
    let mut terms = Vec::new();
    for raw in q.split_whitespace() {
        let t = fold(raw);
        let chars: Vec<char> = t.chars().collect();
        match chars.len() {
            0 => {}
            1 => {
                let c = chars[0];
                let hi = next_char(c).map(String::from).unwrap_or_else(|| format!("{c}{}", char::MAX));
                terms.push(Term::GramRange(c.to_string(), hi));
            }
            2 => terms.push(Term::Gram(t)),
            _ => terms.push(Term::Trigram(format!("\"{}\"", t.replace('"', "\"\"")))),
        }
    }
    terms
}

/// The folded terms of a query, for highlighting and hints.
pub fn folded_terms(q: &str) -> Vec<String> {
    q.split_whitespace().map(fold).filter(|t| !t.is_empty()).collect()
}

/// A `LIKE … ESCAPE '\'` pattern matching `term` anywhere, its wildcards and escape taken
/// literally.
pub fn like_contains(term: &str) -> String {
    format!("%{}%", term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

fn next_char(c: char) -> Option<char> {
    let mut n = c as u32 + 1;
    while n <= char::MAX as u32 {
        if let Some(ch) = char::from_u32(n) {
            return Some(ch);
        }
        n += 1;
    }
    None
}

/// A short excerpt of `text` around the first occurrence of any of `terms` (folded match),
/// at most `width` characters, with an ellipsis where it was cut.
pub fn excerpt(text: &str, terms: &[String], width: usize) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<String> = chars.iter().map(|c| fold(&c.to_string())).collect();
    // Map folded positions back to original characters.
    let mut joined = String::new();
    let mut owner = Vec::new();
    for (i, f) in folded.iter().enumerate() {
        for _ in f.chars() {
            owner.push(i);
        }
        joined.push_str(f);
    }
    let jchars: Vec<char> = joined.chars().collect();
    let pos = terms.iter().filter_map(|t| find_chars(&jchars, t)).min()?;
    let start_char = owner[pos];
    let from = start_char.saturating_sub(width / 3);
    let to = (from + width).min(chars.len());
    let mut s = String::new();
    if from > 0 {
        s.push('…');
    }
    s.extend(chars[from..to].iter().map(|c| if c.is_control() { ' ' } else { *c }));
    if to < chars.len() {
        s.push('…');
    }
    Some(s)
}

fn find_chars(hay: &[char], needle: &str) -> Option<usize> {
    let n: Vec<char> = needle.chars().collect();
    if n.is_empty() || n.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - n.len()).find(|&i| hay[i..i + n.len()] == n[..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_cover_every_character() {
        let g = grams(["华为 技术"]);
        assert!(g.contains("华为") && g.contains("为技") && g.contains("技术"));
        assert!(g.contains(&format!("术{GRAM_END}")));
        assert!(g.iter().all(|x| x.chars().count() == 2));
    }

    #[test]
    fn query_terms_by_length() {
        let t = parse_query("深 华为 ＡＢＣ\"x");
        assert!(matches!(&t[0], Term::GramRange(lo, _) if lo == "深"));
        assert_eq!(t[1], Term::Gram("华为".into()));
        assert_eq!(t[2], Term::Trigram("\"abc\"\"x\"".into()));
    }

    #[test]
    fn pinyin_of_a_company_name() {
        let (full, initials) = pinyin_keys("广州穗安科技有限公司");
        assert_eq!(full, "guangzhousuiankejiyouxiangongsi");
        assert_eq!(initials, "gzsakjyxgs");
        assert_eq!(pinyin_keys("ABC 数码"), ("abcshuma".into(), "abcsm".into()));
        assert_eq!(pinyin_keys("Acme Ltd"), (String::new(), String::new()));
    }

    #[test]
    fn excerpt_finds_folded_match() {
        let e = excerpt("联系人：张伟，手机 138-0000-1234，备注很长很长", &["0000".into()], 10).unwrap();
        assert!(e.contains("0000"), "{e}");
    }
}
