//! Workbooks that real users and attackers send: a stray formatted cell at XFD1048576, a
//! boolean in a money column, an archive without its workbook part, and a sheet of a few MB
//! that inflates to gigabytes. Shared by the storage and command-line tests.

#![allow(dead_code)]

use flate2::{Compress, Compression, Crc, FlushCompress};
use rust_xlsxwriter::{Format, Workbook};
use std::path::Path;

/// A households sheet of two rows and one cell at XFD1048576: empty but formatted (`None`), as
/// Excel leaves behind when a column or row was once styled, or holding `value`.
pub fn households_with_far_cell(path: &Path, value: Option<&str>) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("households").unwrap();
    let header = ["household_id", "village_code", "identified_year", "status"];
    let rows = [
        ["H001", "341181100201", "2014", "poor"],
        ["H002", "341181100201", "2014", "exited"],
    ];
    for (r, row) in std::iter::once(&header).chain(&rows).enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    match value {
        None => sheet
            .write_blank(1_048_575, 16_383, &Format::new().set_bold())
            .unwrap(),
        Some(v) => sheet.write_string(1_048_575, 16_383, v).unwrap(),
    };
    book.save(path).unwrap();
}

/// An incomes sheet whose first row has TRUE (a boolean cell) as its wage.
pub fn incomes_with_a_boolean(path: &Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("incomes").unwrap();
    let header = [
        "household_id",
        "year",
        "wage",
        "production",
        "property",
        "transfer",
        "production_cost",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "H001").unwrap();
    sheet.write_number(1, 1, 2016.0).unwrap();
    sheet.write_boolean(1, 2, true).unwrap();
    for c in 3..7 {
        sheet.write_number(1, c, 0.0).unwrap();
    }
    book.save(path).unwrap();
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="households" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_END: &str = "</sheetData></worksheet>";

/// An archive with a sheet but no `xl/workbook.xml`.
pub fn without_workbook_part(path: &Path) {
    let sheet = format!("{SHEET_START}{SHEET_END}");
    write_zip(
        path,
        vec![
            stored("[Content_Types].xml", CONTENT_TYPES),
            stored("xl/worksheets/sheet1.xml", &sheet),
        ],
    );
}

/// A workbook whose one sheet inflates to `bytes` of `filler`: spaces between the rows, or
/// (any other byte) the text of one cell. The deflate stream is one compressed megabyte
/// repeated, so building it costs milliseconds and the file stays a few MB.
pub fn inflating(path: &Path, filler: u8, bytes: u64) {
    inflating_part(path, "xl/worksheets/sheet1.xml", &[filler], bytes);
}

/// As [`inflating`], with the sheet stored under `part` (the workbook's relationships point
/// there, whatever its name) and the cell's text made of `unit` repeated.
pub fn inflating_part(path: &Path, part: &str, unit: &[u8], bytes: u64) {
    let (start, end) = if unit == b" " {
        (SHEET_START.to_string(), SHEET_END.to_string())
    } else {
        (
            format!(r#"{SHEET_START}<row r="1"><c r="A1" t="inlineStr"><is><t>"#),
            format!("</t></is></c></row>{SHEET_END}"),
        )
    };
    const CHUNK: usize = 1 << 20;
    let chunk: Vec<u8> = unit.iter().copied().cycle().take(CHUNK).collect();
    let repeats = bytes / CHUNK as u64;
    let mut data = deflate(start.as_bytes(), false);
    let block = deflate(&chunk, false);
    let mut crc = Crc::new();
    crc.update(start.as_bytes());
    for _ in 0..repeats {
        data.extend_from_slice(&block);
        crc.update(&chunk);
    }
    data.extend(deflate(end.as_bytes(), true));
    crc.update(end.as_bytes());
    let size = start.len() as u64 + repeats * CHUNK as u64 + end.len() as u64;
    let target = part.strip_prefix("xl/").unwrap_or(part);
    write_zip(
        path,
        vec![
            stored("[Content_Types].xml", CONTENT_TYPES),
            stored("_rels/.rels", ROOT_RELS),
            stored("xl/workbook.xml", WORKBOOK),
            stored(
                "xl/_rels/workbook.xml.rels",
                &WORKBOOK_RELS.replace("worksheets/sheet1.xml", target),
            ),
            Entry {
                name: part.into(),
                method: 8,
                crc: crc.sum(),
                size: u32::try_from(size).expect("under 4 GiB"),
                data,
            },
        ],
    );
}

/// A workbook whose one sheet, "households", is `rows` (the XML inside `<sheetData>`).
pub fn with_sheet_data(path: &Path, rows: &str) {
    let sheet = format!("{SHEET_START}{rows}{SHEET_END}");
    write_zip(
        path,
        vec![
            stored("[Content_Types].xml", CONTENT_TYPES),
            stored("_rels/.rels", ROOT_RELS),
            stored("xl/workbook.xml", WORKBOOK),
            stored("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            stored("xl/worksheets/sheet1.xml", &sheet),
        ],
    );
}

/// Raw deflate blocks, ending on a byte boundary (a sync flush) unless `last`, so that blocks
/// compressed alone can follow one another in one stream.
fn deflate(input: &[u8], last: bool) -> Vec<u8> {
    let mut c = Compress::new(Compression::best(), false);
    let mut out = Vec::with_capacity(input.len() / 2 + 1024);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    c.compress_vec(input, &mut out, flush).unwrap();
    assert_eq!(c.total_in() as usize, input.len());
    out
}

struct Entry {
    name: String,
    method: u16,
    crc: u32,
    size: u32,
    data: Vec<u8>,
}

fn stored(name: &str, text: &str) -> Entry {
    let mut crc = Crc::new();
    crc.update(text.as_bytes());
    Entry {
        name: name.into(),
        method: 0,
        crc: crc.sum(),
        size: text.len() as u32,
        data: text.as_bytes().to_vec(),
    }
}

/// A zip archive written field by field (APPNOTE 4.3): local headers with the data, the
/// central directory, its end record.
fn write_zip(path: &Path, entries: Vec<Entry>) {
    let mut out: Vec<u8> = Vec::new();
    let mut central: Vec<u8> = Vec::new();
    let u16le = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let u32le = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    for e in &entries {
        let offset = out.len() as u32;
        u32le(&mut out, 0x0403_4b50);
        for x in [20, 0, e.method, 0, 0x21] {
            u16le(&mut out, x);
        }
        for x in [e.crc, e.data.len() as u32, e.size] {
            u32le(&mut out, x);
        }
        u16le(&mut out, e.name.len() as u16);
        u16le(&mut out, 0);
        out.extend_from_slice(e.name.as_bytes());
        out.extend_from_slice(&e.data);

        u32le(&mut central, 0x0201_4b50);
        for x in [20, 20, 0, e.method, 0, 0x21] {
            u16le(&mut central, x);
        }
        for x in [e.crc, e.data.len() as u32, e.size] {
            u32le(&mut central, x);
        }
        for x in [e.name.len() as u16, 0, 0, 0, 0] {
            u16le(&mut central, x);
        }
        u32le(&mut central, 0);
        u32le(&mut central, offset);
        central.extend_from_slice(e.name.as_bytes());
    }
    let directory = out.len() as u32;
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    for x in [0, 0, entries.len() as u16, entries.len() as u16] {
        u16le(&mut out, x);
    }
    u32le(&mut out, central.len() as u32);
    u32le(&mut out, directory);
    u16le(&mut out, 0);
    std::fs::write(path, out).unwrap();
}
