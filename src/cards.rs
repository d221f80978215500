//! Business cards as contacts: vCard files (2.1, 3.0, 4.0, as phones and mail programs
//! export them, quoted-printable and foreign charsets included) and the vCard or MECARD text a
//! QR scanner types into a field.
//!
//! Parsing is done by `vcard-rs`; this module picks the fields a lead needs. Nothing here
//! touches the database; the result is checked by the lead or partner rules when saved.

use crate::error::{Error, Result};
use serde::Serialize;
use ts_rs::TS;
use vcard::tree::cst::VcardCst;
use vcard::tree::value::cursor::VcardValueCursor;

/// The largest card text accepted (a .vcf of a few hundred cards).
pub const MAX_TEXT: usize = 2 * 1024 * 1024;
const MAX_CARDS: usize = 500;

/// One contact read from a card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CardContact {
    pub name: String,
    pub company: String,
    pub title: String,
    pub mobile: String,
    pub email: String,
    pub website: String,
    pub address: String,
}

/// Reads every card in `text` (vCard, several per file, or one MECARD). Refused when
/// nothing readable is found.
pub fn parse(text: &str) -> Result<Vec<CardContact>> {
    if text.len() > MAX_TEXT {
        return Err(Error::Validation(vec![crate::error::FieldError::with_limit(
            "card",
            "too_large",
            (MAX_TEXT / 1024 / 1024) as u32,
        )]));
    }
    // A scanner typing into a field may end lines with CR only or leave leading spaces.
    let text = text.trim_start_matches('\u{feff}').trim();
    let cards = if text.len() >= 7 && text[..7].eq_ignore_ascii_case("MECARD:") {
        vec![mecard(&text[7..])]
    } else {
        vcards(&text.replace("\r\n", "\n").replace('\r', "\n"))
    };
    let cards: Vec<CardContact> =
        cards.into_iter().filter(|c| !(c.name.is_empty() && c.company.is_empty())).take(MAX_CARDS).collect();
    if cards.is_empty() {
        return Err(Error::field("card", "unreadable"));
    }
    Ok(cards)
}

fn vcards(text: &str) -> Vec<CardContact> {
    let mut out = Vec::new();
    for card in VcardCst::parse_many(text) {
        let Ok(mut card) = card else { break };
        let mut c = CardContact::default();
        let mut family_given: Option<String> = None;
        for line in card.props.iter_mut() {
            let name = line.bare_name().to_ascii_uppercase();
            let is_cell = line_has_type(line, "CELL");
            let value = VcardValueCursor { line }.charset();
            let value = value.trim();
            match name.as_str() {
                "FN" if c.name.is_empty() => c.name = unescape(value),
                "N" => family_given = Some(name_from_n(value)),
                "ORG" if c.company.is_empty() => c.company = unescape(value.split(';').next().unwrap_or("")),
                "TITLE" if c.title.is_empty() => c.title = unescape(value),
                "TEL" if c.mobile.is_empty() || (is_cell && !looks_mobile(&c.mobile)) => {
                    c.mobile = value.trim_start_matches("tel:").to_string();
                }
                "EMAIL" if c.email.is_empty() => c.email = value.trim_start_matches("mailto:").to_string(),
                "URL" if c.website.is_empty() => c.website = unescape(value),
                "ADR" if c.address.is_empty() => c.address = address_from_adr(value),
                _ => {}
            }
        }
        if c.name.is_empty()
            && let Some(n) = family_given
        {
            c.name = n;
        }
        out.push(c);
    }
    out
}

fn line_has_type(line: &vcard::tree::line::VcardLine<'_>, t: &str) -> bool {
    line.params.iter().any(|p| {
        let name = p.name.get();
        // vCard 2.1 writes bare types (`TEL;CELL:`), 3.0/4.0 `TYPE=cell`.
        name.eq_ignore_ascii_case(t)
            || (name.eq_ignore_ascii_case("TYPE") && p.values.iter().any(|v| v.get().eq_ignore_ascii_case(t)))
    })
}

fn looks_mobile(s: &str) -> bool {
    let d = crate::validate::phone_digits(s);
    d.len() == 11 && d.starts_with('1')
}

/// `Family;Given;Middle;Prefix;Suffix` as a person would write it: Chinese names family
/// first without a space, others given first.
fn name_from_n(value: &str) -> String {
    let parts: Vec<String> = value.split(';').map(unescape).collect();
    let family = parts.first().cloned().unwrap_or_default();
    let given = parts.get(1).cloned().unwrap_or_default();
    let cjk = |s: &str| s.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch));
    if cjk(&family) || cjk(&given) {
        format!("{family}{given}")
    } else {
        [given, family].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
    }
}

/// `PO;Extended;Street;Locality;Region;Code;Country` as one line, largest place first for
/// Chinese addresses.
fn address_from_adr(value: &str) -> String {
    let parts: Vec<String> = value.split(';').map(unescape).filter(|s| !s.trim().is_empty()).collect();
    let cjk = parts.iter().any(|s| s.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)));
    if cjk { parts.into_iter().rev().collect::<Vec<_>>().join("") } else { parts.join(", ") }
}

fn unescape(s: &str) -> String {
    s.replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\n", " ")
        .replace("\\N", " ")
        .replace("\\\\", "\\")
        .trim()
        .to_string()
}

/// `MECARD:N:Family,Given;TEL:…;EMAIL:…;ORG:…;URL:…;ADR:…;;` (the DoCoMo format many card
/// scanners and Chinese card apps produce).
fn mecard(body: &str) -> CardContact {
    let mut c = CardContact::default();
    let mut field = String::new();
    let mut fields = Vec::new();
    let mut chars = body.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => {
                if let Some(n) = chars.next() {
                    field.push(n);
                }
            }
            ';' => fields.push(std::mem::take(&mut field)),
            _ => field.push(ch),
        }
    }
    fields.push(field);
    for f in fields {
        let Some((key, value)) = f.split_once(':') else { continue };
        let value = value.trim().to_string();
        match key.trim().to_ascii_uppercase().as_str() {
            "N" if c.name.is_empty() => {
                c.name = match value.split_once(',') {
                    Some((family, given)) => name_from_n(&format!("{family};{given}")),
                    None => value,
                }
            }
            "ORG" if c.company.is_empty() => c.company = value,
            "TITLE" if c.title.is_empty() => c.title = value,
            "TEL" if c.mobile.is_empty() => c.mobile = value,
            "EMAIL" if c.email.is_empty() => c.email = value,
            "URL" if c.website.is_empty() => c.website = value,
            "ADR" if c.address.is_empty() => c.address = value.replace(',', ""),
            _ => {}
        }
    }
    c
}
