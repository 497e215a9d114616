//! The nineteen files of a bundle, all open at once and written row by row, every cell through
//! the interchange formatter so that the demo writes exactly what the importer reads.

use super::DemoError;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use xplus_core::interchange::cell::{format, Value};
use xplus_core::interchange::{FileId, ALL_FILES};
use xplus_core::registry::RegionCode;
use xplus_core::values::Date;
use xplus_core::Fen;

pub struct Writers {
    files: Vec<csv::Writer<BufWriter<File>>>,
    counts: [u64; ALL_FILES.len()],
}

impl Writers {
    /// Creates every file with its English header.
    pub fn create(dir: &Path) -> Result<Writers, DemoError> {
        let mut files = Vec::with_capacity(ALL_FILES.len());
        for spec in ALL_FILES {
            let file = File::create(dir.join(spec.file_name()))?;
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(BufWriter::with_capacity(1 << 16, file));
            w.write_record(spec.columns.iter().map(|c| c.en))?;
            files.push(w);
        }
        Ok(Writers {
            files,
            counts: [0; ALL_FILES.len()],
        })
    }

    /// One row, its values in the file's column order.
    pub fn row(&mut self, id: FileId, values: &[Value]) -> Result<(), DemoError> {
        let i = id as usize;
        let spec = ALL_FILES[i];
        debug_assert_eq!(values.len(), spec.columns.len(), "{}", spec.name);
        self.files[i].write_record(
            spec.columns
                .iter()
                .zip(values)
                .map(|(column, value)| format(column, value, false)),
        )?;
        self.counts[i] += 1;
        Ok(())
    }

    pub fn count(&self, id: FileId) -> u64 {
        self.counts[id as usize]
    }

    /// Flushes every file and returns the rows written to each (headers not counted).
    pub fn finish(self) -> Result<Vec<(&'static str, u64)>, DemoError> {
        let mut out = Vec::with_capacity(ALL_FILES.len());
        for ((mut w, spec), n) in self.files.into_iter().zip(ALL_FILES).zip(self.counts) {
            // Flushing here rather than on drop, which would swallow a full disk.
            w.flush()?;
            out.push((spec.name, n));
        }
        Ok(out)
    }
}

pub fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

pub fn int(v: i64) -> Value {
    Value::Int(v)
}

pub fn year(y: i32) -> Value {
    Value::Int(i64::from(y))
}

pub fn opt_year(y: Option<i32>) -> Value {
    y.map_or(Value::Null, year)
}

pub fn code(c: &'static str) -> Value {
    Value::Code(c)
}

pub fn date(d: Date) -> Value {
    Value::Date(d)
}

pub fn opt_date(d: Option<Date>) -> Value {
    d.map_or(Value::Null, Value::Date)
}

pub fn money(f: Fen) -> Value {
    Value::Money(f)
}

pub fn boolean(b: bool) -> Value {
    Value::Bool(b)
}

pub fn opt_bool(b: Option<bool>) -> Value {
    b.map_or(Value::Null, Value::Bool)
}

/// A 12-digit code the demo built itself; an invalid one is a bug in the generator.
pub fn region(code: u64) -> Value {
    Value::Region(RegionCode::from_u64(code).expect("the demo builds valid region codes"))
}
