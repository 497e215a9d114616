//! Rows read without a value per cell: the integers of a result in one vector and its texts in
//! one buffer. The yearly assessment reads a county's members this way (hundreds of thousands of
//! rows in a city); a `Vec<Value>` per row with a `String` per text spent more time allocating
//! and faulting in fresh memory than SQLite spent reading.

use crate::error::Refusal;
use crate::error::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Null,
    Int(i64),
    /// Start and end of the text in the buffer.
    Text(u32, u32),
}

/// The rows of one query, `width` cells each.
#[derive(Debug, Default)]
pub struct CompactRows {
    width: usize,
    cells: Vec<Cell>,
    text: String,
}

impl CompactRows {
    /// Empty rows of `width` cells, with room for `rows` rows holding `text` bytes of text.
    pub fn with_capacity(width: usize, rows: usize, text: usize) -> CompactRows {
        CompactRows {
            width,
            cells: Vec::with_capacity(width * rows),
            text: String::with_capacity(text),
        }
    }

    /// Empties the rows for another read of `width` cells, keeping the memory.
    pub fn reuse(mut self, width: usize) -> CompactRows {
        self.width = width;
        self.cells.clear();
        self.text.clear();
        self
    }

    /// Room for `rows` more rows and `text` more bytes of text.
    pub fn reserve(&mut self, rows: usize, text: usize) {
        self.cells.reserve(self.width * rows);
        self.text.reserve(text);
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub(crate) fn push_null(&mut self) {
        self.cells.push(Cell::Null);
    }

    /// Integers, and booleans as 0 and 1.
    pub(crate) fn push_int(&mut self, v: i64) {
        self.cells.push(Cell::Int(v));
    }

    pub(crate) fn push_text(&mut self, t: &str) -> Result<(), StoreError> {
        let start = self.text.len();
        self.text.push_str(t);
        let (Ok(start), Ok(end)) = (u32::try_from(start), u32::try_from(self.text.len())) else {
            return Err(StoreError::Refused(Refusal::Invalid(
                "一次读取的文字超过 4 GB / one read holds over 4 GB of text".into(),
            )));
        };
        self.cells.push(Cell::Text(start, end));
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.cells.len().checked_div(self.width).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn rows(&self) -> impl Iterator<Item = CompactRow<'_>> {
        (0..self.len()).map(move |r| CompactRow {
            rows: self,
            start: r * self.width,
        })
    }
}

/// One row of [`CompactRows`]; a cell of another kind than asked, or past the row, reads as None.
#[derive(Clone, Copy)]
pub struct CompactRow<'a> {
    rows: &'a CompactRows,
    start: usize,
}

impl<'a> CompactRow<'a> {
    fn cell(&self, i: usize) -> Cell {
        if i >= self.rows.width {
            return Cell::Null;
        }
        self.rows.cells[self.start + i]
    }

    pub fn int(&self, i: usize) -> Option<i64> {
        match self.cell(i) {
            Cell::Int(v) => Some(v),
            _ => None,
        }
    }

    pub fn bool(&self, i: usize) -> Option<bool> {
        self.int(i).map(|v| v != 0)
    }

    pub fn text(&self, i: usize) -> Option<&'a str> {
        match self.cell(i) {
            Cell::Text(s, e) => self.rows.text.get(s as usize..e as usize),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_back_by_kind() {
        let mut rows = CompactRows::with_capacity(3, 1, 4);
        rows.push_text("3411810001").unwrap();
        rows.push_int(7);
        rows.push_null();
        rows.push_text("").unwrap();
        rows.push_int(0);
        rows.push_text("张三").unwrap();
        assert_eq!(rows.len(), 2);
        let all: Vec<_> = rows.rows().collect();
        assert_eq!(all[0].text(0), Some("3411810001"));
        assert_eq!(all[0].int(1), Some(7));
        assert_eq!(all[0].text(2), None);
        assert_eq!(all[0].int(2), None);
        assert_eq!(all[1].text(0), Some(""));
        assert_eq!(all[1].bool(1), Some(false));
        assert_eq!(all[1].text(2), Some("张三"));
        // Another kind than stored, or past the row, is None.
        assert_eq!(all[1].int(0), None);
        assert_eq!(all[1].text(3), None);
        // Reused for another width, nothing of the earlier rows is left.
        let mut rows = rows.reuse(1);
        assert!(rows.is_empty());
        rows.push_int(5);
        assert_eq!(rows.rows().next().and_then(|r| r.int(0)), Some(5));
    }

    #[test]
    fn an_empty_result_has_no_rows() {
        let rows = CompactRows::with_capacity(4, 0, 0);
        assert!(rows.is_empty());
        assert_eq!(rows.rows().count(), 0);
        assert_eq!(CompactRows::with_capacity(0, 0, 0).len(), 0);
    }
}
