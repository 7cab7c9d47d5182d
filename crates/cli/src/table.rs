//! Aligned tables that fit the terminal.
//!
//! A table is laid out at its natural width first. When that is wider than the terminal,
//! addresses are shortened (`5Grwv…GKutQY`), then the least important columns are left out,
//! and a note says how to see everything (`--json`, or a wider terminal).

use std::fmt::Write as _;

/// How a column's cells line up.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// One column: its header, alignment, whether its cells are addresses (shortened when the
/// table is too wide), and its importance (higher is dropped later).
pub(crate) struct Column {
    header: &'static str,
    align: Align,
    address: bool,
    keep: u8,
}

impl Column {
    /// A text column, always shown.
    pub(crate) fn left(header: &'static str) -> Self {
        Self {
            header,
            align: Align::Left,
            address: false,
            keep: u8::MAX,
        }
    }

    /// A number column, always shown.
    pub(crate) fn right(header: &'static str) -> Self {
        Self {
            align: Align::Right,
            ..Self::left(header)
        }
    }

    /// An address column, shortened when space is short.
    pub(crate) fn address(header: &'static str) -> Self {
        Self {
            address: true,
            ..Self::left(header)
        }
    }

    /// Marks the column as optional: of those, lower `keep` is left out first.
    pub(crate) fn optional(mut self, keep: u8) -> Self {
        self.keep = keep;
        self
    }
}

/// A table being filled row by row.
pub(crate) struct Table {
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
}

/// How wide the output may be: `COLUMNS` when set, the terminal's width when standard output
/// is one, otherwise unlimited (pipes and files get full addresses).
pub(crate) fn terminal_width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
    {
        return Some(columns);
    }
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
}

/// `5Grwv…GKutQY`: enough of each end to tell addresses apart and to check one by eye.
pub(crate) fn shorten(address: &str) -> String {
    let chars: Vec<char> = address.chars().collect();
    if chars.len() <= 13 {
        return address.to_string();
    }
    let head: String = chars[..5].iter().collect();
    let tail: String = chars[chars.len() - 6..].iter().collect();
    format!("{head}…{tail}")
}

fn width(text: &str) -> usize {
    text.chars().count()
}

const GAP: usize = 2;

impl Table {
    pub(crate) fn new(columns: Vec<Column>) -> Self {
        Self {
            columns,
            rows: Vec::new(),
        }
    }

    /// Adds a row; missing cells are empty, extra cells are ignored.
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as lines no wider than `max_width` (when one is given and the columns
    /// that are always shown fit in it).
    pub(crate) fn render(&self, max_width: Option<usize>) -> String {
        let n_columns = self.columns.len();
        let cell = |row: &Vec<String>, i: usize, short: bool| -> String {
            let text = row.get(i).cloned().unwrap_or_default();
            if short && self.columns[i].address {
                shorten(&text)
            } else {
                text
            }
        };
        let widths = |short: bool| -> Vec<usize> {
            (0..n_columns)
                .map(|i| {
                    self.rows
                        .iter()
                        .map(|r| width(&cell(r, i, short)))
                        .chain([width(self.columns[i].header)])
                        .max()
                        .unwrap_or(0)
                })
                .collect()
        };
        let total = |widths: &[usize], shown: &[bool]| -> usize {
            let visible: Vec<usize> = widths
                .iter()
                .zip(shown)
                .filter(|(_, s)| **s)
                .map(|(w, _)| *w)
                .collect();
            visible.iter().sum::<usize>() + GAP * visible.len().saturating_sub(1)
        };
        let mut shown = vec![true; n_columns];
        let mut short = false;
        let mut column_widths = widths(false);
        if let Some(max) = max_width {
            if total(&column_widths, &shown) > max {
                short = true;
                column_widths = widths(true);
            }
            let mut order: Vec<usize> = (0..n_columns)
                .filter(|i| self.columns[*i].keep < u8::MAX)
                .collect();
            order.sort_by_key(|i| (self.columns[*i].keep, std::cmp::Reverse(*i)));
            for i in order {
                if total(&column_widths, &shown) <= max {
                    break;
                }
                shown[i] = false;
            }
        }
        let mut out = String::new();
        let mut line = |cells: Vec<String>| {
            let mut text = String::new();
            let visible: Vec<usize> = (0..n_columns).filter(|i| shown[*i]).collect();
            for (k, i) in visible.iter().enumerate() {
                let last = k + 1 == visible.len();
                let content = &cells[*i];
                let pad = column_widths[*i].saturating_sub(width(content));
                if k > 0 {
                    text.push_str(&" ".repeat(GAP));
                }
                match self.columns[*i].align {
                    Align::Right => {
                        text.push_str(&" ".repeat(pad));
                        text.push_str(content);
                    }
                    Align::Left => {
                        text.push_str(content);
                        if !last {
                            text.push_str(&" ".repeat(pad));
                        }
                    }
                }
            }
            let _ = writeln!(out, "{}", text.trim_end());
        };
        line(self.columns.iter().map(|c| c.header.to_string()).collect());
        for row in &self.rows {
            line((0..n_columns).map(|i| cell(row, i, short)).collect());
        }
        let hidden: Vec<&str> = (0..n_columns)
            .filter(|i| !shown[*i])
            .map(|i| self.columns[i].header)
            .collect();
        if !hidden.is_empty() {
            let _ = writeln!(out, "(not shown: {}; see --json)", hidden.join(", "));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

    fn sample() -> Table {
        let mut table = Table::new(vec![
            Column::right("UID"),
            Column::address("HOTKEY"),
            Column::right("STAKE"),
            Column::left("AXON").optional(1),
        ]);
        table.row(vec![
            "0".into(),
            ALICE.into(),
            "1,000.0000 α1".into(),
            "203.0.113.7:8091".into(),
        ]);
        table.row(vec![
            "12".into(),
            ALICE.into(),
            "0.5000 α1".into(),
            "".into(),
        ]);
        table
    }

    /// One `check(width, expected)` per layout: the expected text is the table exactly.
    fn check(max_width: Option<usize>, expected: &str) {
        let rendered = sample().render(max_width);
        assert_eq!(rendered, expected, "\n{rendered}");
        if let Some(max) = max_width {
            assert!(rendered.lines().all(|l| width(l) <= max), "\n{rendered}");
        }
    }

    #[test]
    fn test_table_at_natural_width() {
        check(
            None,
            "\
UID  HOTKEY                                                    STAKE  AXON
  0  5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY  1,000.0000 α1  203.0.113.7:8091
 12  5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY      0.5000 α1
",
        );
    }

    #[test]
    fn test_table_shortens_addresses_first() {
        check(
            Some(60),
            "\
UID  HOTKEY                STAKE  AXON
  0  5Grwv…GKutQY  1,000.0000 α1  203.0.113.7:8091
 12  5Grwv…GKutQY      0.5000 α1
",
        );
    }

    #[test]
    fn test_table_drops_optional_columns_last() {
        check(
            Some(40),
            "\
UID  HOTKEY                STAKE
  0  5Grwv…GKutQY  1,000.0000 α1
 12  5Grwv…GKutQY      0.5000 α1
(not shown: AXON; see --json)
",
        );
    }
}
