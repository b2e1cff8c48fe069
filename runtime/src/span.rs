//! Source positions. Every datum the reader produces carries a `Span`; the
//! file table keeps each source text so that errors can quote the line.

use parking_lot::RwLock;
use std::sync::{Arc, OnceLock};

/// A position in a registered source file (1-based line and column).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
pub struct Span {
    pub file: u32,
    pub line: u32,
    pub col: u32,
}

/// A registered source: its display name and its text.
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
}

fn files() -> &'static RwLock<Vec<Arc<SourceFile>>> {
    static FILES: OnceLock<RwLock<Vec<Arc<SourceFile>>>> = OnceLock::new();
    FILES.get_or_init(|| {
        RwLock::new(vec![Arc::new(SourceFile {
            name: "<unknown>".into(),
            text: Arc::from(""),
        })])
    })
}

/// Registers a source text and returns its file id (0 is `<unknown>`).
pub fn register_file(name: &str, text: &str) -> u32 {
    let mut table = files().write();
    table.push(Arc::new(SourceFile {
        name: name.to_string(),
        text: Arc::from(text),
    }));
    (table.len() - 1) as u32
}

/// The registered source with id `file`.
pub fn source_file(file: u32) -> Arc<SourceFile> {
    let table = files().read();
    table.get(file as usize).unwrap_or(&table[0]).clone()
}

impl Span {
    pub fn new(file: u32, line: u32, col: u32) -> Span {
        Span { file, line, col }
    }

    /// True when the span points at no real source.
    pub fn is_unknown(&self) -> bool {
        self.line == 0
    }

    /// The source line this span points into, if known.
    pub fn source_line(&self) -> Option<String> {
        if self.is_unknown() {
            return None;
        }
        let file = source_file(self.file);
        file.text
            .lines()
            .nth(self.line as usize - 1)
            .map(str::to_string)
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            source_file(self.file).name,
            self.line,
            self.col
        )
    }
}
