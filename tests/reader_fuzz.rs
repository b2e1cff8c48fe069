//! Randomised tests of the reader: random bytes, random token soups,
//! random valid programs, and every truncation of a set of balanced
//! programs. The reader must never panic, its spans must point into the
//! text, a truncation that ends inside a datum must be reported as
//! `incomplete` (so the REPL asks for another line), and what `write`
//! prints must read back `equal`.
//!
//! The generator is a fixed-seed SplitMix64, so every run sees the same
//! inputs and a failure names the input that caused it.

use lisp::reader::{read_all, read_datum, ReadError};
use lisp::syntax::{Datum, DatumKind};
use lisp_runtime::equality::equal;
use lisp_runtime::printer::write_string;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// SplitMix64: tiny, deterministic and good enough to pick test inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Reads `text` with `read_all`, failing the test with the input if the
/// reader panics, and checks the spans of the result.
fn read_checked(text: &str) -> Result<Vec<Datum>, ReadError> {
    let result = catch_unwind(AssertUnwindSafe(|| read_all(text, 0)))
        .unwrap_or_else(|_| panic!("read_all panicked on {text:?}"));
    let lines = text.matches('\n').count() as u32 + 1;
    match &result {
        Ok(data) => {
            for span in all_spans(data) {
                assert!(
                    span.line >= 1 && span.line <= lines && span.col >= 1,
                    "span {span:?} outside {text:?}"
                );
            }
        }
        Err(e) => assert!(
            e.span.line >= 1 && e.span.line <= lines && e.span.col >= 1,
            "error span {:?} outside {text:?}",
            e.span
        ),
    }
    result
}

/// Every span in `data`, walked with an explicit stack.
fn all_spans(data: &[Datum]) -> Vec<lisp_runtime::Span> {
    let mut spans = Vec::new();
    let mut todo: Vec<&Datum> = data.iter().collect();
    while let Some(d) = todo.pop() {
        spans.push(d.span);
        match &d.kind {
            DatumKind::List(items, tail) => {
                todo.extend(items);
                todo.extend(tail.as_deref());
            }
            DatumKind::Vector(items) | DatumKind::Map(items) => todo.extend(items),
            _ => {}
        }
    }
    spans
}

/// Walks `text` with `read_datum` and checks it agrees with `read_all`:
/// same data, or the same error.
fn walk_checked(text: &str) {
    let whole = read_checked(text);
    let mut pos = 0;
    let mut walked = Vec::new();
    let outcome = loop {
        let step = catch_unwind(AssertUnwindSafe(|| read_datum(text, pos, 0)))
            .unwrap_or_else(|_| panic!("read_datum panicked on {text:?} at {pos}"));
        match step {
            Ok(Some((datum, end))) => {
                assert!(end > pos && end <= text.len(), "{text:?}: {pos} -> {end}");
                assert!(text.is_char_boundary(end), "{text:?}: end {end}");
                pos = end;
                walked.push(datum);
            }
            Ok(None) => break Ok(walked),
            Err(e) => break Err(e),
        }
    };
    match (whole, outcome) {
        (Ok(a), Ok(b)) => assert_eq!(printed(&a), printed(&b), "{text:?}"),
        (Err(a), Err(b)) => {
            assert_eq!(a.message, b.message, "{text:?}");
            assert_eq!(a.span, b.span, "{text:?}");
            assert_eq!(a.incomplete, b.incomplete, "{text:?}");
        }
        (a, b) => panic!("{text:?}: read_all gave {a:?} but read_datum gave {b:?}"),
    }
}

fn printed(data: &[Datum]) -> Vec<String> {
    data.iter().map(|d| write_string(&d.to_value())).collect()
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x5eed_0001);
    for _ in 0..4000 {
        let len = rng.below(48);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        walk_checked(&String::from_utf8_lossy(&bytes));
    }
}

/// Characters the reader treats specially, plus a few ordinary ones.
const SYNTAX_CHARS: &[&str] = &[
    "(", ")", "[", "]", "{", "}", "#", "'", "`", ",", "@", ".", ";", "|", "\\", "\"", " ", "\n",
    "\r", "\t", "a", "x", "e", "1", "0", "-", "+", ":", "λ", ";", "!",
];

#[test]
fn random_syntax_characters_never_panic() {
    let mut rng = Rng(0x5eed_0002);
    for _ in 0..6000 {
        let len = rng.below(32);
        let text: String = (0..len).map(|_| rng.pick(SYNTAX_CHARS)).collect();
        walk_checked(&text);
    }
}

/// Whole tokens, valid and not, glued with and without spaces.
const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "#(",
    "'",
    "`",
    ",",
    ",@",
    "#;",
    ".",
    "#|",
    "|#",
    "; c\n",
    "\"",
    "\"s\\n\"",
    "\"\\x41;\"",
    "\\",
    "#\\",
    "#\\a",
    "#\\space",
    "#\\x41",
    "#\\(",
    "1",
    "-7",
    "1.5",
    ".5",
    "1e10",
    "1.2.3",
    "+inf.0",
    "#x1F",
    "#e1.0",
    "#b2",
    "#t",
    "#false",
    "#foo",
    ":k",
    ":",
    "|a b|",
    "|",
    "abc",
    "λ",
    "...",
    "->x",
    "1+",
    "#!/x",
    "100000000000000000000",
    " ",
    "\n",
    "\t",
];

#[test]
fn random_token_soups_never_panic() {
    let mut rng = Rng(0x5eed_0003);
    for _ in 0..6000 {
        let len = rng.below(24);
        let mut text = String::new();
        for _ in 0..len {
            text.push_str(rng.pick(TOKENS));
            if rng.below(3) == 0 {
                text.push(' ');
            }
        }
        walk_checked(&text);
    }
}

/// Balanced programs whose top-level data are all bracketed, so that any
/// cut strictly inside one of them leaves it unfinished.
const PROGRAMS: &[&str] = &[
    "(define (fact n)\n  (if (< n 2) 1 (* n (fact (- n 1)))))\n(display (fact 20))\n",
    "(let loop ([i 0] [acc '()])\n  (if (= i 10) (reverse acc) (loop (+ i 1) (cons i acc))))",
    "(define m {:a 1 :b [2 3] :c #(4 5)}) ; a map\n(display (map-get m :a))",
    "(display \"tab\\there \\\"quoted\\\" \\x3bb; done\\\n   continued\")\n(newline)",
    "(list #\\a #\\space #\\( #\\x41 #\\λ #t #false 1.5e3 -.5 #x1F 100000000000000000000)",
    "`(a ,b ,@(map f xs) . tail) #| block #| nested |# |# (quote (1 . 2))",
    "(begin #;(ignored (stuff)) (set! x '(a . (b c))) [vector-ref #(1 2) 0])",
    "(define-record-type point (make-point x y) point? (x point-x))\n\n(|odd sym| :kw 'λ)",
    "(string-append \"\" \"\\a\\0\" (symbol->string 'a.b))",
];

/// The byte offsets where each top-level datum of `text` starts and ends.
fn datum_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut pos = 0;
    while let Some((datum, end)) = read_datum(text, pos, 0).expect("program reads") {
        ranges.push((byte_offset(text, datum.span.line, datum.span.col), end));
        pos = end;
    }
    ranges
}

/// The byte offset of 1-based `line` and character column `col`.
fn byte_offset(text: &str, line: u32, col: u32) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line as usize - 1)
        .map(str::len)
        .sum();
    let rest = &text[line_start..];
    rest.char_indices()
        .nth(col as usize - 1)
        .map_or(text.len(), |(i, _)| line_start + i)
}

#[test]
fn every_truncation_inside_a_datum_is_incomplete() {
    for program in PROGRAMS {
        let ranges = datum_ranges(program);
        let whole = printed(&read_checked(program).expect("program reads"));
        assert_eq!(whole.len(), ranges.len());
        for cut in (0..=program.len()).filter(|&i| program.is_char_boundary(i)) {
            let prefix = &program[..cut];
            let result = read_checked(prefix);
            let inside = ranges.iter().any(|&(start, end)| start < cut && cut < end);
            match result {
                Err(e) if inside => assert!(e.incomplete, "{prefix:?}: {e:?}"),
                Ok(data) if inside => panic!("{prefix:?} read as {:?}", printed(&data)),
                // Between data: the finished ones, or a cut comment.
                Ok(data) => {
                    let done = ranges.iter().filter(|&&(_, end)| end <= cut).count();
                    assert_eq!(printed(&data), whole[..done], "{prefix:?}");
                }
                Err(e) => assert!(e.incomplete, "{prefix:?}: {e:?}"),
            }
        }
    }
}

/// A random valid datum as text, nested at most `depth` more levels.
fn gen_datum(rng: &mut Rng, depth: usize, out: &mut String) {
    let choice = if depth == 0 {
        rng.below(8)
    } else {
        rng.below(13)
    };
    match choice {
        0 => out.push_str(&(rng.next() as i64 >> rng.below(64)).to_string()),
        1 => out.push_str(rng.pick(&["1.5", "-0.25", "1e10", ".5", "1.", "+inf.0", "-inf.0"])),
        2 => out.push_str(rng.pick(&[
            "#x1F",
            "#b101",
            "#o17",
            "#e1.0",
            "#i3",
            "123456789012345678901234",
        ])),
        3 => out.push_str(rng.pick(&["#t", "#f", "#true", "#false"])),
        4 => out.push_str(rng.pick(&[
            "#\\a",
            "#\\space",
            "#\\newline",
            "#\\x41",
            "#\\λ",
            "#\\(",
            "#\\nul",
        ])),
        5 => out.push_str(rng.pick(&[
            "\"\"",
            "\"a\\nb\"",
            "\"\\x3bb;\\t\\\"\"",
            "\"λ→\"",
            "\"a\\\n  b\"",
        ])),
        6 => out.push_str(rng.pick(&["x", "+", "-", "...", "->x", "1+", "<=?", "a.b", "Foo"])),
        7 => out.push_str(rng.pick(&[":k", ":name", ":"])),
        8 | 9 => {
            let (open, close) = if rng.below(2) == 0 {
                ("(", ")")
            } else {
                ("[", "]")
            };
            out.push_str(open);
            let n = rng.below(4);
            for i in 0..n {
                if i > 0 || rng.below(2) == 0 {
                    gen_space(rng, out);
                }
                gen_datum(rng, depth - 1, out);
            }
            if n > 0 && rng.below(4) == 0 {
                out.push_str(" . ");
                gen_datum(rng, depth - 1, out);
            }
            out.push_str(close);
        }
        10 => {
            out.push_str("#(");
            for _ in 0..rng.below(4) {
                gen_datum(rng, depth - 1, out);
                gen_space(rng, out);
            }
            out.push(')');
        }
        11 => {
            out.push('{');
            for _ in 0..rng.below(3) {
                gen_datum(rng, depth - 1, out);
                gen_space(rng, out);
                gen_datum(rng, depth - 1, out);
                gen_space(rng, out);
            }
            out.push('}');
        }
        _ => {
            out.push_str(rng.pick(&["'", "`", ",", ",@"]));
            gen_datum(rng, depth - 1, out);
        }
    }
}

/// Whitespace or a comment between data.
fn gen_space(rng: &mut Rng, out: &mut String) {
    out.push_str(rng.pick(&[
        " ",
        "\n",
        "\t ",
        " ; note\n",
        " #| c |# ",
        " #;skipped ",
        "\r\n",
    ]));
}

#[test]
fn random_valid_programs_read_and_write_back_equal() {
    let mut rng = Rng(0x5eed_0004);
    for _ in 0..1500 {
        let mut text = String::new();
        for _ in 0..1 + rng.below(3) {
            gen_datum(&mut rng, 4, &mut text);
            gen_space(&mut rng, &mut text);
        }
        let data = read_checked(&text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
        walk_checked(&text);
        for datum in data {
            let value = datum.to_value();
            let written = write_string(&value);
            let again = read_checked(&written)
                .unwrap_or_else(|e| panic!("{written:?} (from {text:?}): {e:?}"));
            assert_eq!(again.len(), 1, "{written:?}");
            assert!(
                equal(&value, &again[0].to_value()),
                "{text:?} wrote {written:?}, which reads back differently"
            );
        }
    }
}
