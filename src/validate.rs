//! Input rules shared by every area: the unified social credit code (GB 32100-2015), phone
//! numbers, e-mail, web addresses, text lengths, and the normalised forms used to find
//! duplicates.
//!
//! Invariants: every check is pure; a checker that accepts a value also returns its canonical
//! stored form (upper-case credit code, trimmed text), so what is stored is what was checked.

use crate::error::FieldError;
use unicode_normalization::UnicodeNormalization;

/// Characters of a credit code, in value order (GB 32100-2015 table: no I, O, Z, S, V).
const CREDIT_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Computes the check character for the first 17 characters of a credit code.
pub fn credit_code_check_char(first17: &str) -> Option<char> {
    let chars: Vec<char> = first17.chars().collect();
    if chars.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in chars.iter().zip(CREDIT_WEIGHTS) {
        sum += CREDIT_CHARSET.find(*c)? as u32 * w;
    }
    let check = (31 - sum % 31) % 31;
    CREDIT_CHARSET.chars().nth(check as usize)
}

/// Checks a unified social credit code and returns it in canonical (upper-case, no spaces)
/// form. Errors name the rule: `credit_code_length`, `credit_code_chars` or `credit_code_check`.
pub fn credit_code(raw: &str) -> Result<String, &'static str> {
    let code: String = raw.nfkc().filter(|c| !c.is_whitespace()).flat_map(|c| c.to_uppercase()).collect();
    if code.chars().count() != 18 {
        return Err("credit_code_length");
    }
    if !code.chars().all(|c| CREDIT_CHARSET.contains(c)) {
        return Err("credit_code_chars");
    }
    let (first17, last) = code.split_at(17);
    match credit_code_check_char(first17) {
        Some(c) if last.starts_with(c) => Ok(code),
        _ => Err("credit_code_check"),
    }
}

/// Digits of a phone number for comparison: punctuation removed, a leading 86 / 0086 country
/// code dropped from mainland mobile numbers.
pub fn phone_digits(raw: &str) -> String {
    let digits: String = raw.nfkc().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() == 13 && digits.starts_with("861") {
        digits[2..].to_string()
    } else if digits.len() == 15 && digits.starts_with("00861") {
        digits[4..].to_string()
    } else {
        digits
    }
}

/// A phone number: digits with optional `+`, spaces, dashes and parentheses; 5 to 20 digits;
/// a number starting with 1 and no country code is a mainland mobile (11 digits, second digit
/// 3–9): mainland landlines start with their 0 area code, service numbers with 4 or 8.
pub fn phone(raw: &str) -> Result<String, &'static str> {
    let s: String = raw.nfkc().collect::<String>().trim().to_string();
    let ok_chars = s
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && i == 0));
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    if !ok_chars || !(5..=20).contains(&digits.len()) {
        return Err("phone");
    }
    if digits.starts_with('1') && !s.starts_with('+') && !is_mainland_mobile(&digits) {
        return Err("phone");
    }
    Ok(s)
}

fn is_mainland_mobile(digits: &str) -> bool {
    digits.len() == 11 && digits.starts_with('1') && (b'3'..=b'9').contains(&digits.as_bytes()[1])
}

/// A mobile number a visitor gives (R2.1.1): a mainland mobile (11 digits, `1[3-9]…`, with or
/// without +86 / 0086), or another country's number written with its `+` code.
pub fn mobile(raw: &str) -> Result<String, &'static str> {
    let s = phone(raw).map_err(|_| "mobile")?;
    let international = s.starts_with('+') && !s[1..].trim_start().starts_with("86");
    if international || is_mainland_mobile(&phone_digits(&s)) { Ok(s) } else { Err("mobile") }
}

/// An e-mail address (`local@domain.tld`, no spaces, at most 254 characters), stored trimmed.
pub fn email(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    let Some((local, domain)) = s.split_once('@') else { return Err("email") };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.chars().any(|c| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"@".contains(c));
    if s.len() > 254 || !domain_ok || !local_ok {
        return Err("email");
    }
    Ok(s.to_string())
}

/// A web address: `http(s)://host…` or a bare host (`www.example.cn`); no other scheme.
pub fn website(raw: &str) -> Result<String, &'static str> {
    let s = raw.trim();
    let rest = if let Some(r) = s.strip_prefix("https://") {
        r
    } else if let Some(r) = s.strip_prefix("http://") {
        r
    } else if s.contains("://") || s.to_ascii_lowercase().starts_with("javascript:") {
        return Err("url");
    } else {
        s
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_ok = host.contains('.')
        && !host.starts_with('.')
        && host.chars().all(|c| c.is_alphanumeric() || ".-:".contains(c));
    if !host_ok || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("url");
    }
    Ok(s.to_string())
}

/// Company name suffixes ignored when comparing names (checked longest first, after
/// normalisation: lower case, no spaces or punctuation).
const NAME_SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "分公司",
    "公司",
    "集团",
    "incorporated",
    "corporation",
    "limited",
    "company",
    "coltd",
    "gmbh",
    "corp",
    "inc",
    "llc",
    "ltd",
    "co",
];

/// Provincial-level names as they appear in company names (short forms).
const PROVINCE_NAMES: &[&str] = &[
    "内蒙古",
    "黑龙江",
    "北京",
    "天津",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
    "台湾",
    "香港",
    "澳门",
];
/// Prefecture-level cities common in company names (short forms, without 市).
const CITY_NAMES: &[&str] = &[
    "呼和浩特",
    "乌鲁木齐",
    "石家庄",
    "哈尔滨",
    "广州",
    "深圳",
    "东莞",
    "佛山",
    "珠海",
    "中山",
    "惠州",
    "杭州",
    "宁波",
    "温州",
    "嘉兴",
    "绍兴",
    "金华",
    "台州",
    "南京",
    "苏州",
    "无锡",
    "常州",
    "南通",
    "徐州",
    "扬州",
    "成都",
    "绵阳",
    "武汉",
    "宜昌",
    "济南",
    "青岛",
    "烟台",
    "潍坊",
    "临沂",
    "西安",
    "福州",
    "厦门",
    "泉州",
    "长沙",
    "郑州",
    "洛阳",
    "合肥",
    "沈阳",
    "大连",
    "长春",
    "昆明",
    "南昌",
    "南宁",
    "太原",
    "贵阳",
    "兰州",
    "西宁",
    "银川",
    "拉萨",
    "海口",
    "三亚",
    "唐山",
    "保定",
    "芜湖",
];
/// What may follow a place name: 省, 市, and the autonomous region forms.
const PLACE_SUFFIXES: &[&str] =
    &["维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"];

/// A leading place name of `s` and what follows it, its 省 / 市 / 自治区 suffix skipped.
fn split_place(s: &str) -> Option<(&'static str, &str)> {
    let place = CITY_NAMES.iter().chain(PROVINCE_NAMES).find(|p| s.starts_with(**p))?;
    let rest = &s[place.len()..];
    let rest = PLACE_SUFFIXES.iter().find_map(|x| rest.strip_prefix(*x)).unwrap_or(rest);
    Some((place, rest))
}

/// Strips a leading place name from `s` when at least two characters remain; returns it.
fn strip_place(s: &mut &str) -> Option<&'static str> {
    let (place, rest) = split_place(s)?;
    if rest.chars().count() < 2 {
        return None;
    }
    *s = rest;
    Some(place)
}

/// The place `s` names when it is nothing but a place name (with an optional suffix).
fn whole_place(s: &str) -> Option<&'static str> {
    split_place(s).filter(|(_, rest)| rest.is_empty()).map(|(place, _)| place)
}

/// The comparison form of a company name: NFKC (full width to half width), lower case, only
/// letters and digits (CJK included), legal-form suffixes removed, and the place it is
/// registered in put first in one form — so 深圳市华信科技有限公司, 深圳华信科技有限公司,
/// 广东省深圳市华信科技有限公司 and 华信科技（深圳）有限公司 compare equal, while the same name in
/// another city does not.
pub fn normalize_company_name(name: &str) -> String {
    let folded: String = name.nfkc().flat_map(|c| c.to_lowercase()).collect();
    // Parenthesised parts: a place name is kept as the place, anything else is dropped.
    let mut place: Option<&'static str> = None;
    let mut outside = String::new();
    let mut depth = 0usize;
    let mut inside = String::new();
    for c in folded.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                inside.clear();
            }
            ')' | ']' if depth > 0 => {
                depth -= 1;
                let inner: String = inside.chars().filter(|c| c.is_alphanumeric()).collect();
                place = place.or_else(|| whole_place(&inner));
            }
            _ if depth > 0 => inside.push(c),
            _ => outside.push(c),
        }
    }
    let alnum: String = outside.chars().filter(|c| c.is_alphanumeric()).collect();
    let mut rest = alnum.as_str();
    // A province then a city: the city is the more precise place.
    while let Some(p) = strip_place(&mut rest) {
        place = Some(p);
    }
    let mut s = format!("{}{rest}", place.unwrap_or(""));
    loop {
        let before = s.len();
        for suf in NAME_SUFFIXES {
            if s.len() > suf.len() + 3 && s.ends_with(suf) {
                s.truncate(s.len() - suf.len());
                break;
            }
        }
        if s.len() == before {
            return s;
        }
    }
}

/// Normalised text for search indexing and queries: NFKC and lower case.
pub fn fold(text: &str) -> String {
    text.nfkc().flat_map(|c| c.to_lowercase()).collect()
}

/// Collects field errors while a whole input is checked, so the person sees every problem
/// at once.
#[derive(Debug, Default)]
pub struct Checker {
    pub errors: Vec<FieldError>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Trims `value`; checks it is present when `required`, at most `max` characters, and
    /// free of control characters (newlines and tabs allowed only when `multiline`).
    pub fn text(&mut self, field: &str, value: &str, required: bool, max: u32, multiline: bool) -> String {
        let v = value.trim();
        if required && v.is_empty() {
            self.errors.push(FieldError::new(field, "required"));
        } else if v.chars().count() > max as usize {
            self.errors.push(FieldError::with_limit(field, "too_long", max));
        } else if v.chars().any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) {
            self.errors.push(FieldError::new(field, "invalid_chars"));
        }
        v.to_string()
    }

    /// Checks an optional value with `rule` when it is not empty.
    pub fn optional(
        &mut self,
        field: &str,
        value: &str,
        max: u32,
        rule: fn(&str) -> Result<String, &'static str>,
    ) -> String {
        let v = value.trim();
        if v.is_empty() {
            return String::new();
        }
        if v.chars().count() > max as usize {
            self.errors.push(FieldError::with_limit(field, "too_long", max));
            return v.to_string();
        }
        match rule(v) {
            Ok(s) => s,
            Err(r) => {
                self.errors.push(FieldError::new(field, r));
                v.to_string()
            }
        }
    }

    /// Checks a calendar date `YYYY-MM-DD`; empty is `required` when `required`.
    pub fn date(&mut self, field: &str, value: &str, required: bool) -> String {
        let v = value.trim();
        if v.is_empty() {
            if required {
                self.push(field, "required");
            }
            return String::new();
        }
        match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) => d.format("%Y-%m-%d").to_string(),
            Err(_) => {
                self.push(field, "date");
                v.to_string()
            }
        }
    }

    /// Like [`Checker::date`], and `future` when the date is after `latest` (`YYYY-MM-DD`).
    pub fn date_until(&mut self, field: &str, value: &str, required: bool, latest: &str) -> String {
        let d = self.date(field, value, required);
        if d.len() == 10 && d.as_str() > latest && !self.errors.iter().any(|e| e.field == field) {
            self.push(field, "future");
        }
        d
    }

    pub fn push(&mut self, field: impl Into<String>, rule: &str) {
        self.errors.push(FieldError::new(field, rule));
    }

    /// Requires `value` to be one of `allowed`: `{field}: required` when empty, `unknown`
    /// otherwise. Whether it was.
    pub fn one_of(&mut self, field: &str, value: &str, allowed: &[&str]) -> bool {
        if allowed.contains(&value) {
            return true;
        }
        self.push(field, if value.is_empty() { "required" } else { "unknown" });
        false
    }

    pub fn finish(self) -> crate::error::Result<()> {
        if self.errors.is_empty() { Ok(()) } else { Err(crate::error::Error::Validation(self.errors)) }
    }
}
