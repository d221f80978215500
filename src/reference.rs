//! Fixed reference lists the UI and the rules share: provinces (GB/T 2260 codes), partner
//! statuses, classes and source kinds. The UI takes these from the core rather than keeping
//! its own copy.

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
