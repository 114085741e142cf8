//! The size check of XLS (Excel 97–2003, BIFF) workbooks before calamine parses them.
//!
//! calamine reads every sheet of an XLS file whole, into a dense grid spanning the lowest to
//! the highest cell position, and reserves what each sheet's DIMENSIONS record claims; two
//! cells at `A1` and at column 65,535 of row 65,535 would make it allocate billions of cells.
//! This walks the records of the workbook stream the way calamine does (from each sheet's
//! BOF to its EOF, nested substreams skipped) and refuses the file before calamine sees it
//! when a cell lies outside the limits, a record is inconsistent, or the grids of all sheets
//! together would exceed [`MAX_XLS_CELLS`].

use std::io::{Cursor, Read};

/// Most cells the grids of an XLS workbook's sheets may span together (32 bytes each: 256 MiB;
/// 65,536 rows × 128 columns). Larger sheets are read as XLSX, which is streamed.
pub const MAX_XLS_CELLS: u64 = 1 << 23;

/// Most sheets of an XLS workbook.
const MAX_SHEETS: usize = 256;

/// Checks the cell positions of every sheet of an XLS workbook with `position` (0-based row
/// and column) and the size of their grids.
pub fn check(
    bytes: &[u8],
    position: impl Fn(u32, u32) -> Result<(), String>,
) -> Result<(), String> {
    let unreadable = |e: &dyn std::fmt::Display| format!("not a readable spreadsheet: {e}");
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n))
        .ok_or_else(|| unreadable(&"the XLS file has no workbook stream"))?;
    let mut stream = Vec::new();
    file.open_stream(name)
        .and_then(|mut s| s.read_to_end(&mut stream))
        .map_err(|e| unreadable(&e))?;
    let mut sheets: Vec<usize> = Records::new(&stream, 0)
        .filter(|(kind, data)| *kind == 0x0085 && data.len() >= 4)
        .filter_map(|(_, data)| Some(u32::from_le_bytes(data.get(..4)?.try_into().ok()?) as usize))
        .collect();
    sheets.sort_unstable();
    sheets.dedup();
    if sheets.len() > MAX_SHEETS {
        return Err(format!(
            "the workbook has {} sheets; at most {MAX_SHEETS} are read",
            sheets.len()
        ));
    }
    let mut cells: u64 = 0;
    for start in sheets {
        cells = cells.saturating_add(sheet_grid(&stream, start, &position)?);
        if cells > MAX_XLS_CELLS {
            return Err(format!(
                "the sheets of this XLS file span more than {MAX_XLS_CELLS} cells; save it as XLSX, which is read cell by cell"
            ));
        }
    }
    Ok(())
}

/// Checks one sheet's records; returns the cells of its grid (what calamine will allocate).
fn sheet_grid(
    stream: &[u8],
    start: usize,
    position: &impl Fn(u32, u32) -> Result<(), String>,
) -> Result<u64, String> {
    let mut grid = Grid::default();
    let mut depth = 0usize;
    let mut seen_bof = false;
    for (kind, data) in Records::new(stream, start) {
        if depth > 0 {
            match kind {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let u16_at = |at: usize| -> Option<u32> {
            Some(u32::from(u16::from_le_bytes(
                data.get(at..at + 2)?.try_into().ok()?,
            )))
        };
        let u32_at = |at: usize| -> Option<u64> {
            Some(u64::from(u32::from_le_bytes(
                data.get(at..at + 4)?.try_into().ok()?,
            )))
        };
        match kind {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            // DIMENSIONS: calamine reserves rows × columns for it.
            0x0200 => {
                let (rows, columns) = match data.len() {
                    10 => (
                        u64::from(u16_at(2).unwrap_or(0)),
                        u64::from(u16_at(6).unwrap_or(0)),
                    ),
                    14 | 16 => (u32_at(4).unwrap_or(0), u64::from(u16_at(10).unwrap_or(0))),
                    _ => (0, 0),
                };
                if rows.saturating_mul(columns) > MAX_XLS_CELLS {
                    return Err(format!(
                        "a sheet declares {rows} rows × {columns} columns, more than the {MAX_XLS_CELLS} cells an XLS file may span; save it as XLSX"
                    ));
                }
            }
            // Cells with a row and column first: number, label, rich string, boolean or
            // error, formula, RK, shared-string label (and a formula's string value, which
            // takes the position of its formula).
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x0006 | 0x027E | 0x00FD => {
                let (Some(row), Some(column)) = (u16_at(0), u16_at(2)) else {
                    continue;
                };
                position(row, column)?;
                grid.add(row, column);
            }
            // MULRK: a row, a first column, six bytes a cell, the last column at the end.
            0x00BD => {
                let (Some(row), Some(first)) = (u16_at(0), u16_at(2)) else {
                    continue;
                };
                let last = data.len().checked_sub(2).and_then(u16_at);
                match last {
                    Some(last) if last >= first => {
                        position(row, last)?;
                        grid.add(row, first);
                        grid.add(row, last);
                    }
                    _ => {
                        return Err(format!(
                            "row {}: a MULRK record's last column comes before its first: the XLS file is damaged",
                            row + 1
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(grid.cells())
}

/// The bounding box of a sheet's cells.
#[derive(Default)]
struct Grid {
    bounds: Option<(u32, u32, u32, u32)>,
}

impl Grid {
    fn add(&mut self, row: u32, column: u32) {
        self.bounds = Some(match self.bounds {
            None => (row, row, column, column),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(column), c1.max(column)),
        });
    }

    fn cells(&self) -> u64 {
        self.bounds.map_or(0, |(r0, r1, c0, c1)| {
            u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)
        })
    }
}

/// The records of a BIFF stream from `start`: `(type, data)`, stopping at the first record
/// that runs past the end.
struct Records<'a> {
    stream: &'a [u8],
}

impl<'a> Records<'a> {
    fn new(stream: &'a [u8], start: usize) -> Records<'a> {
        Records {
            stream: stream.get(start..).unwrap_or_default(),
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<(u16, &'a [u8])> {
        let header = self.stream.get(..4)?;
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let data = self.stream.get(4..4 + len)?;
        self.stream = self.stream.get(4 + len..).unwrap_or_default();
        Some((kind, data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut out = kind.to_le_bytes().to_vec();
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
        out
    }

    fn cell(row: u16, column: u16) -> Vec<u8> {
        let mut data = row.to_le_bytes().to_vec();
        data.extend_from_slice(&column.to_le_bytes());
        data.extend_from_slice(&[0; 10]);
        record(0x0203, &data)
    }

    #[test]
    fn a_sheet_grid_spans_its_extreme_cells() {
        let stream = [
            record(0x0809, &[0; 16]),
            cell(0, 0),
            cell(9, 3),
            record(0x000A, &[]),
        ]
        .concat();
        let ok = |_: u32, _: u32| Ok(());
        assert_eq!(sheet_grid(&stream, 0, &ok).unwrap(), 10 * 4);
        let far = [record(0x0809, &[0; 16]), cell(0, 0), cell(65_535, 65_535)].concat();
        let refuse = |_: u32, column: u32| {
            if column > 1000 {
                Err(format!("column {column}"))
            } else {
                Ok(())
            }
        };
        assert_eq!(sheet_grid(&far, 0, &refuse).unwrap_err(), "column 65535");
        // A nested substream's cells are not the sheet's.
        let nested = [
            record(0x0809, &[0; 16]),
            record(0x0809, &[0; 16]),
            cell(65_535, 65_535),
            record(0x000A, &[]),
            cell(1, 1),
        ]
        .concat();
        assert_eq!(sheet_grid(&nested, 0, &refuse).unwrap(), 1);
    }

    #[test]
    fn truncated_records_end_the_walk_and_bad_mulrk_is_refused() {
        let mut stream = cell(2, 2);
        stream.extend_from_slice(&[0x03, 0x02, 0xFF]);
        assert_eq!(Records::new(&stream, 0).count(), 1);
        assert_eq!(Records::new(&stream, 10_000).count(), 0);
        let mut mulrk = 5u16.to_le_bytes().to_vec();
        mulrk.extend_from_slice(&9u16.to_le_bytes());
        mulrk.extend_from_slice(&[0; 6]);
        mulrk.extend_from_slice(&3u16.to_le_bytes());
        let stream = record(0x00BD, &mulrk);
        let message = sheet_grid(&stream, 0, &|_, _| Ok(())).unwrap_err();
        assert!(message.contains("row 6"), "{message}");
        let huge = record(
            0x0200,
            &[0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0, 0],
        );
        assert!(sheet_grid(&huge, 0, &|_, _| Ok(())).is_err());
    }

    #[test]
    fn not_a_compound_file_is_unreadable() {
        let message = check(
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 but nothing more",
            |_, _| Ok(()),
        )
        .unwrap_err();
        assert!(
            message.starts_with("not a readable spreadsheet"),
            "{message}"
        );
    }
}
