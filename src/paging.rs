//! Pages of long lists (issue 23: every list reaches all its rows, with the total). A query
//! asks for `limit` rows from `offset`; the answer is one [`Page`] with the count of every row
//! that matches, so the window can show page numbers and “第 201–300 项，共 1128 项”.
//! Invariant: `rows.len() <= size` and `size` is what was used, so the UI never keeps its own
//! copy of a page size.

use serde::Serialize;
use ts_rs::TS;

/// Rows per page unless the query says otherwise.
pub const PAGE: i64 = 100;
/// The most rows one page may hold.
pub const MAX_PAGE: i64 = 500;

/// A page of `rows` of a list of `total`, `size` rows a page.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Page<T> {
    #[ts(type = "number")]
    pub total: i64,
    #[ts(type = "number")]
    pub size: i64,
    pub rows: Vec<T>,
}

/// The page size a query's `limit` asks for: [`PAGE`] when not given, at most [`MAX_PAGE`].
pub fn size(limit: i64) -> i64 {
    if limit <= 0 { PAGE } else { limit.min(MAX_PAGE) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_page_size_is_bounded() {
        assert_eq!(super::size(0), super::PAGE);
        assert_eq!(super::size(-3), super::PAGE);
        assert_eq!(super::size(20), 20);
        assert_eq!(super::size(10_000), super::MAX_PAGE);
    }
}
