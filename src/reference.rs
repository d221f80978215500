//! Fixed reference lists the UI and the rules share: provinces (GB/T 2260 codes), the
//! divisions below them (prefecture-level cities and county-level districts, from the `gb2260`
//! crate), partner statuses, classes and source kinds. The UI takes these from the core rather
//! than keeping its own copy.
//!
//! A territory (issue 23, R4.1.2) is a list of division codes cut to their level: 2 digits a
//! province (`44`), 4 a prefecture-level city (`4401`), 6 a county-level division (`440106`);
//! an entry covers every place whose code starts with it. The placeholder levels of the
//! standard (`市辖区`, `县`, `省直辖县级行政区划`…) are never entries: what is under them is
//! listed one level up.

use serde::Serialize;
use ts_rs::TS;

/// A provincial-level division: GB/T 2260 two-digit code, Chinese and English names.
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[ts(export)]
pub struct Province {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

macro_rules! provinces {
    ($(($c:literal, $zh:literal, $en:literal)),* $(,)?) => {
        /// All 34 provincial-level divisions.
        pub const PROVINCES: &[Province] = &[$(Province { code: $c, zh: $zh, en: $en }),*];
    };
}

provinces![
    ("11", "北京市", "Beijing"),
    ("12", "天津市", "Tianjin"),
    ("13", "河北省", "Hebei"),
    ("14", "山西省", "Shanxi"),
    ("15", "内蒙古自治区", "Inner Mongolia"),
    ("21", "辽宁省", "Liaoning"),
    ("22", "吉林省", "Jilin"),
    ("23", "黑龙江省", "Heilongjiang"),
    ("31", "上海市", "Shanghai"),
    ("32", "江苏省", "Jiangsu"),
    ("33", "浙江省", "Zhejiang"),
    ("34", "安徽省", "Anhui"),
    ("35", "福建省", "Fujian"),
    ("36", "江西省", "Jiangxi"),
    ("37", "山东省", "Shandong"),
    ("41", "河南省", "Henan"),
    ("42", "湖北省", "Hubei"),
    ("43", "湖南省", "Hunan"),
    ("44", "广东省", "Guangdong"),
    ("45", "广西壮族自治区", "Guangxi"),
    ("46", "海南省", "Hainan"),
    ("50", "重庆市", "Chongqing"),
    ("51", "四川省", "Sichuan"),
    ("52", "贵州省", "Guizhou"),
    ("53", "云南省", "Yunnan"),
    ("54", "西藏自治区", "Tibet"),
    ("61", "陕西省", "Shaanxi"),
    ("62", "甘肃省", "Gansu"),
    ("63", "青海省", "Qinghai"),
    ("64", "宁夏回族自治区", "Ningxia"),
    ("65", "新疆维吾尔自治区", "Xinjiang"),
    ("71", "台湾省", "Taiwan"),
    ("81", "香港特别行政区", "Hong Kong"),
    ("82", "澳门特别行政区", "Macao"),
];

/// The province with GB/T 2260 code `code`.
pub fn province(code: &str) -> Option<&'static Province> {
    PROVINCES.iter().find(|p| p.code == code)
}

/// Everything the UI needs to render choices.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReferenceData {
    pub provinces: Vec<Province>,
    pub statuses: Vec<&'static str>,
    pub classes: Vec<&'static str>,
    pub source_kinds: Vec<&'static str>,
}

pub fn reference_data() -> ReferenceData {
    ReferenceData {
        provinces: PROVINCES.to_vec(),
        statuses: crate::partners::PartnerStatus::ALL.iter().map(|s| s.as_str()).collect(),
        classes: vec!["A", "B", "C"],
        source_kinds: crate::partners::SourceKind::ALL.iter().map(|s| s.as_str()).collect(),
    }
}

/// Names the standard gives to groupings that are not places of their own.
const PLACEHOLDERS: [&str; 5] =
    ["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政单位"];

fn gb(code6: &str) -> Option<&'static str> {
    gb2260::Division::get(code6).map(|d| d.name).filter(|n| !PLACEHOLDERS.contains(n))
}

/// A division a territory can name: its code (2, 4 or 6 digits), its own name and its full
/// name (广东省广州市天河区).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Division {
    pub code: String,
    pub name: String,
    pub full_name: String,
}

/// The division with territory code `code`, if the standard knows it.
pub fn division(code: &str) -> Option<Division> {
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let p = province(code.get(..2)?)?;
    match code.len() {
        2 => Some(Division { code: code.into(), name: p.zh.into(), full_name: p.zh.into() }),
        4 => {
            let name = gb(&format!("{code}00"))?;
            Some(Division { code: code.into(), name: name.into(), full_name: format!("{}{name}", p.zh) })
        }
        // A county-level division: `xxxx00` is its city's own code, named by 4 digits.
        6 if !code.ends_with("00") => {
            let name = gb(code)?;
            let city = gb(&format!("{}00", &code[..4])).unwrap_or("");
            Some(Division {
                code: code.into(),
                name: name.into(),
                full_name: format!("{}{city}{name}", p.zh),
            })
        }
        _ => None,
    }
}

/// The divisions one level below `code`: the provinces for `""`; a province's prefecture-level
/// cities, with the county-level divisions it governs directly (all of a municipality's
/// districts); a city's districts and counties.
pub fn divisions_under(code: &str) -> Vec<Division> {
    let counties = |prefix4: &str| -> Vec<Division> {
        (1..=99).filter_map(|n| division(&format!("{prefix4}{n:02}"))).collect()
    };
    match code.len() {
        0 => PROVINCES.iter().filter_map(|p| division(p.code)).collect(),
        2 if province(code).is_some() => (1..=99)
            .flat_map(|n| {
                let city = format!("{code}{n:02}");
                match gb2260::Division::get(&format!("{city}00")) {
                    Some(d) if PLACEHOLDERS.contains(&d.name) => counties(&city),
                    Some(_) => division(&city).into_iter().collect(),
                    None => Vec::new(),
                }
            })
            .collect(),
        4 if division(code).is_some() => counties(code),
        _ => Vec::new(),
    }
}

/// Whether territory entry `entry` covers the place `place` (a division code of any level).
pub fn covers(entry: &str, place: &str) -> bool {
    !entry.is_empty() && place.starts_with(entry)
}

/// `codes` cleaned as a territory: each a known division (else `Err` with its position),
/// without repeats or entries another entry covers, in code order.
pub fn territory(codes: &[String]) -> std::result::Result<Vec<String>, usize> {
    if let Some(i) = codes.iter().position(|c| division(c.trim()).is_none()) {
        return Err(i);
    }
    let mut out: Vec<String> = codes.iter().map(|c| c.trim().to_string()).collect();
    out.sort();
    out.dedup();
    let all = out.clone();
    out.retain(|c| !all.iter().any(|o| o != c && covers(o, c)));
    Ok(out)
}

/// A territory as legal text writes it: places of one province after its name, cities and
/// districts joined by 、 and provinces by ；(广东省广州市、佛山市南海区；福建省); `None` when a code
/// is not a division.
pub fn territory_text(codes: &[String]) -> Option<String> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for code in codes {
        let d = division(code)?;
        let p = province(&code[..2])?.zh.to_string();
        let rest = d.full_name.strip_prefix(&p).unwrap_or("").to_string();
        match groups.last_mut() {
            Some((q, places)) if *q == p && !rest.is_empty() => places.push(rest),
            _ => groups.push((p, if rest.is_empty() { vec![] } else { vec![rest] })),
        }
    }
    Some(
        groups
            .into_iter()
            .map(|(p, places)| format!("{p}{}", places.join("、")))
            .collect::<Vec<_>>()
            .join("；"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisions_are_found_by_level_without_placeholder_levels() {
        assert_eq!(division("44").unwrap().full_name, "广东省");
        assert_eq!(division("4401").unwrap().full_name, "广东省广州市");
        assert_eq!(division("440106").unwrap().full_name, "广东省广州市天河区");
        assert_eq!(division("110105").unwrap().full_name, "北京市朝阳区");
        for bad in ["", "4", "440", "4499", "1101", "440100", "44010x", "99"] {
            assert!(division(bad).is_none(), "{bad}");
        }
        let gd: Vec<String> = divisions_under("44").into_iter().map(|d| d.name).collect();
        assert!(gd.contains(&"广州市".to_string()) && gd.contains(&"佛山市".to_string()), "{gd:?}");
        assert_eq!(gd.len(), 21, "Guangdong's 21 prefecture-level cities: {gd:?}");
        let bj: Vec<String> = divisions_under("11").into_iter().map(|d| d.code).collect();
        assert!(bj.contains(&"110105".to_string()), "a municipality lists its districts: {bj:?}");
        let hb: Vec<String> = divisions_under("42").into_iter().map(|d| d.name).collect();
        assert!(hb.contains(&"仙桃市".to_string()), "cities the province governs directly: {hb:?}");
        let gz: Vec<String> = divisions_under("4401").into_iter().map(|d| d.name).collect();
        assert!(gz.contains(&"天河区".to_string()) && !gz.contains(&"市辖区".to_string()), "{gz:?}");
        assert_eq!(divisions_under("").len(), PROVINCES.len());
    }

    #[test]
    fn a_territory_is_cleaned_covered_and_written_as_legal_text() {
        let s = |v: &[&str]| v.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert_eq!(
            territory(&s(&["4406", "4401", "440106", "35", "4401"])).unwrap(),
            s(&["35", "4401", "4406"])
        );
        assert_eq!(territory(&s(&["44", "4401"])).unwrap(), s(&["44"]));
        assert_eq!(territory(&s(&["44", "4499"])), Err(1));
        assert!(
            covers("4401", "440106")
                && covers("44", "4401")
                && !covers("4401", "44")
                && !covers("4401", "4406")
        );
        assert_eq!(
            territory_text(&s(&["35", "4401", "440605"])).unwrap(),
            "福建省；广东省广州市、佛山市南海区"
        );
        assert_eq!(territory_text(&s(&["4401", "4406"])).unwrap(), "广东省广州市、佛山市");
        assert_eq!(territory_text(&s(&["110105"])).unwrap(), "北京市朝阳区");
        assert!(territory_text(&s(&["4499"])).is_none());
    }
}
