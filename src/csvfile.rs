//! CSV files that Excel opens correctly with Chinese text: UTF-8 with a byte-order mark,
//! written to `<name>.part` and renamed into place, so a failed export leaves no half file.

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
            csv.write_record(row).map_err(csv_err)?;
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
