//! Rendering help text. Descriptions and docstrings are markdown-ish:
//! paragraphs separated by blank lines, `- ` list items, indented code
//! lines, and inline `code` and **bold** spans. On a terminal these become
//! colours and bold; anywhere else (a pipe, a file, a string port) the
//! markers are dropped and plain text remains. Prose is re-wrapped to fit
//! 80 columns.

use std::io::IsTerminal;

/// How help text is rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// No escape sequences and no markup characters.
    Plain,
    /// ANSI bold and colours for a terminal.
    Terminal,
}

impl Style {
    /// `Terminal` when standard output is a terminal and the user has not
    /// asked for no colour (the `NO_COLOR` convention).
    pub fn for_stdout() -> Style {
        if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
            Style::Terminal
        } else {
            Style::Plain
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        match self {
            Style::Plain => text.to_string(),
            Style::Terminal => format!("\x1b[{code}m{text}\x1b[0m"),
        }
    }

    /// A heading or signature.
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Secondary information (a category, a location).
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }

    /// Code: examples and `code` spans.
    pub fn code(self, text: &str) -> String {
        self.paint("36", text)
    }

    /// An example's result.
    pub fn result(self, text: &str) -> String {
        self.paint("32", text)
    }
}

/// Width that prose is wrapped to, indentation included.
const WIDTH: usize = 78;

/// Renders markdown-ish `text` as indented, wrapped paragraphs.
pub fn markdown(text: &str, indent: &str, style: Style) -> String {
    let mut out = String::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, out: &mut String| {
        if !paragraph.is_empty() {
            out.push_str(&wrap(&paragraph.join(" "), indent, indent, style));
            paragraph.clear();
        }
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            flush(&mut paragraph, &mut out);
            if !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
        } else if line.starts_with("    ") || line.starts_with('\t') {
            // An indented code line stays as it is.
            flush(&mut paragraph, &mut out);
            out.push_str(&format!("{indent}{}\n", style.code(line.trim_end())));
        } else if let Some(item) = trimmed.strip_prefix("- ").or(trimmed.strip_prefix("* ")) {
            flush(&mut paragraph, &mut out);
            let bullet = format!("{indent}- ");
            let hang = format!("{indent}  ");
            out.push_str(&wrap(item, &bullet, &hang, style));
        } else {
            paragraph.push(trimmed);
        }
    }
    flush(&mut paragraph, &mut out);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Wraps `text` at `WIDTH`: the first line after `first`, the rest after
/// `rest`. A `code` span is never split across lines.
fn wrap(text: &str, first: &str, rest: &str, style: Style) -> String {
    let mut out = String::new();
    let mut line = String::new();
    let mut visible = 0;
    let mut prefix = first;
    for word in words(text) {
        let width = strip(&word).chars().count();
        if visible > 0 && prefix.len() + visible + 1 + width > WIDTH {
            out.push_str(&format!("{prefix}{}\n", inline(&line, style)));
            line.clear();
            visible = 0;
            prefix = rest;
        }
        if visible > 0 {
            line.push(' ');
            visible += 1;
        }
        line.push_str(&word);
        visible += width;
    }
    if !line.is_empty() {
        out.push_str(&format!("{prefix}{}\n", inline(&line, style)));
    }
    out
}

/// Splits on whitespace, keeping each `code` span whole.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_code = false;
    for c in text.chars() {
        if c == '`' {
            in_code = !in_code;
        }
        if c.is_whitespace() && !in_code {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The text without markup characters, as `Style::Plain` shows it.
fn strip(text: &str) -> String {
    inline(text, Style::Plain)
}

/// Applies inline markup: `code` and **bold**. An unmatched marker is
/// kept as a literal character.
pub fn inline(text: &str, style: Style) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('`') {
            if let Some(end) = after.find('`') {
                out.push_str(&style.code(&after[..end]));
                rest = &after[end + 1..];
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix("**") {
            if let Some(end) = after.find("**").filter(|&e| e > 0) {
                out.push_str(&style.bold(&after[..end]));
                rest = &after[end + 2..];
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Lists `names` in lines of at most `WIDTH` columns, indented.
pub fn columns(names: &[&str], indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for name in names {
        if line.len() > indent.len() && line.len() + name.len() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        line.push_str(name);
        line.push(' ');
    }
    if line.len() > indent.len() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_the_markup() {
        assert_eq!(
            inline("Calls `(f x)` and **returns** it", Style::Plain),
            "Calls (f x) and returns it"
        );
        assert_eq!(inline("a*b `unclosed", Style::Plain), "a*b `unclosed");
    }

    #[test]
    fn a_terminal_gets_colours_and_bold() {
        assert_eq!(
            inline("see `car` **now**", Style::Terminal),
            "see \x1b[36mcar\x1b[0m \x1b[1mnow\x1b[0m"
        );
    }

    #[test]
    fn prose_is_rewrapped_and_code_lines_kept() {
        let text = "A long paragraph that was wrapped by hand\n  at odd places, and goes on and on until it must wrap again somewhere.\n\n    (example code)\n- an item";
        let out = markdown(text, "  ", Style::Plain);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.iter().all(|l| l.len() <= WIDTH), "{out}");
        assert!(lines[0].starts_with("  A long paragraph that was wrapped by hand at odd places,"));
        assert!(out.contains("\n      (example code)\n"), "{out}");
        assert!(out.ends_with("  - an item\n"), "{out}");
    }

    #[test]
    fn code_spans_are_not_split_across_lines() {
        let text = format!("{} `(a very long code span)`", "word ".repeat(14));
        let out = markdown(&text, "", Style::Plain);
        assert!(out.contains("\n(a very long code span)\n"), "{out}");
    }
}
