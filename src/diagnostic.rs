//! Rendering uncaught exceptions for people: the message, the source
//! location with the line and a caret, and the Lisp backtrace.
//!
//! ```text
//! error: bad argument #1 to 'car' (pair expected, got 5)
//!   --> prog.lisp:3:5
//!    |
//!  3 |     (car x))
//!    |     ^
//! backtrace:
//!   0: first at prog.lisp:6:1
//! ```

use lisp_runtime::{Exception, Span};
use std::fmt::Write;

/// The full report of an uncaught exception.
pub fn render(exc: &Exception) -> String {
    let mut out = format!("error: {}\n", exc.message());
    if let Some(span) = exc.0.span {
        out.push_str(&location(span));
    }
    if !exc.0.backtrace.is_empty() {
        out.push_str("backtrace:\n");
        let frames = &exc.0.backtrace;
        for (i, frame) in frames.iter().enumerate().take(20) {
            let _ = writeln!(out, "  {i}: {} at {}", frame.procedure, frame.call_site);
        }
        if frames.len() > 20 {
            let _ = writeln!(out, "  ... {} more frames", frames.len() - 20);
        }
    }
    out
}

/// `  --> file:line:col` followed by the quoted source line and a caret.
pub fn location(span: Span) -> String {
    let mut out = format!("  --> {span}\n");
    if let Some(line) = span.source_line() {
        let number = span.line.to_string();
        let pad = " ".repeat(number.len());
        let caret_pad: String = line
            .chars()
            .take(span.col.saturating_sub(1) as usize)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(out, " {pad} |");
        let _ = writeln!(out, " {number} | {line}");
        let _ = writeln!(out, " {pad} | {caret_pad}^");
    }
    out
}
