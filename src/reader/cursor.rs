//! The reader's view of the text: a byte offset with its line and column,
//! and the "atmosphere" between datums (whitespace and comments).
//!
//! Lines are counted at `'\n'` (so CRLF text counts one line per CRLF) and
//! columns count characters, not bytes, both from 1, which is what
//! `Span` promises and what an editor shows.

use super::ReadError;
use lisp_runtime::Span;

/// A position in the source text, advanced one character at a time.
pub(super) struct Cursor<'a> {
    text: &'a str,
    /// Byte offset of the next character; always on a character boundary.
    pos: usize,
    line: u32,
    col: u32,
    file: u32,
}

impl<'a> Cursor<'a> {
    /// A cursor at byte offset `pos` of `text`, which must be a character
    /// boundary no further than `text.len()`.
    pub(super) fn new(text: &'a str, pos: usize, file: u32) -> Cursor<'a> {
        debug_assert!(text.is_char_boundary(pos));
        let before = &text.as_bytes()[..pos];
        // Counting bytes (not chars) keeps this a fast scan: `read` on a
        // string port starts a cursor at every datum.
        let newlines = before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let col = text[line_start..pos].chars().count();
        Cursor {
            text,
            pos,
            line: saturate(newlines).saturating_add(1),
            col: saturate(col).saturating_add(1),
            file,
        }
    }

    /// Byte offset of the next character.
    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    /// The text from `begin` (a byte offset this cursor passed) to here.
    pub(super) fn slice_from(&self, begin: usize) -> &'a str {
        &self.text[begin..self.pos]
    }

    /// The position of the next character.
    pub(super) fn span(&self) -> Span {
        Span::new(self.file, self.line, self.col)
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    /// The character after the next one.
    pub(super) fn peek2(&self) -> Option<char> {
        let mut chars = self.text[self.pos..].chars();
        chars.next();
        chars.next()
    }

    /// True if the text at the cursor starts with `prefix`.
    pub(super) fn looking_at(&self, prefix: &str) -> bool {
        self.text[self.pos..].starts_with(prefix)
    }

    /// Consumes and returns the next character.
    pub(super) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.col = 1;
        } else {
            self.col = self.col.saturating_add(1);
        }
        Some(c)
    }

    /// Consumes characters while `keep` holds for them.
    pub(super) fn bump_while(&mut self, keep: impl Fn(char) -> bool) {
        while let Some(c) = self.peek() {
            if !keep(c) {
                break;
            }
            self.bump();
        }
    }

    /// Skips whitespace, `;` line comments, nesting `#| |#` block comments
    /// and, at the very start of the text, a `#!` script line.
    pub(super) fn skip_atmosphere(&mut self) -> Result<(), ReadError> {
        if self.pos == 0 && (self.looking_at("#!/") || self.looking_at("#! ")) {
            // A shebang line, so that `chmod +x script.lisp` works.
            self.bump_while(|c| c != '\n');
        }
        loop {
            match self.peek() {
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                Some(';') => self.bump_while(|c| c != '\n'),
                Some('#') if self.peek2() == Some('|') => self.skip_block_comment()?,
                _ => return Ok(()),
            }
        }
    }

    /// Skips `#| ... |#`, counting nested openers.
    fn skip_block_comment(&mut self) -> Result<(), ReadError> {
        let start = self.span();
        self.bump();
        self.bump();
        let mut depth = 1u32;
        while depth > 0 {
            match self.bump() {
                None => {
                    return Err(ReadError::incomplete(
                        "expected '|#' to close the block comment '#|'",
                        start,
                    ))
                }
                Some('|') if self.peek() == Some('#') => {
                    self.bump();
                    depth -= 1;
                }
                Some('#') if self.peek() == Some('|') => {
                    self.bump();
                    depth = depth.saturating_add(1);
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

/// Converts a count to `u32`, pinning absurd values instead of wrapping.
fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Characters that end a token: they start another token or are
/// whitespace. `#` and `|` are not among them (`a#b` is one symbol).
pub(super) fn is_delimiter(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '(' | ')' | '[' | ']' | '{' | '}' | '"' | ';' | '\'' | '`' | ','
        )
}
