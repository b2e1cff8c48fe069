//! Unit tests for the reader: the value and span of every notation in
//! LANGUAGE.md §1, and the exact message of every read error.

use super::*;
use crate::syntax::DatumKind;
use lisp_runtime::Symbol;

fn read(text: &str) -> Vec<Datum> {
    match read_all(text, 0) {
        Ok(data) => data,
        Err(e) => panic!("{text:?} should read, got {e:?}"),
    }
}

/// The one datum in `text`.
fn one(text: &str) -> Datum {
    let mut data = read(text);
    assert_eq!(data.len(), 1, "{text:?} should hold one datum");
    data.remove(0)
}

/// The data as `write` prints them, space-separated.
fn show(text: &str) -> String {
    read(text)
        .iter()
        .map(|d| lisp_runtime::printer::write_string(&d.to_value()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn err(text: &str) -> ReadError {
    match read_all(text, 0) {
        Ok(data) => panic!("{text:?} should not read, got {data:?}"),
        Err(e) => e,
    }
}

/// The message of a complete (not `incomplete`) error.
fn message(text: &str) -> String {
    let e = err(text);
    assert!(!e.incomplete, "{text:?}: {e:?} should not be incomplete");
    e.message
}

/// The message of an `incomplete` error.
fn incomplete(text: &str) -> String {
    let e = err(text);
    assert!(e.incomplete, "{text:?}: {e:?} should be incomplete");
    e.message
}

fn at(d: &Datum) -> (u32, u32) {
    (d.span.line, d.span.col)
}

fn error_at(text: &str) -> (u32, u32) {
    let e = err(text);
    (e.span.line, e.span.col)
}

/// The items of a list, vector or map datum.
fn parts(d: &Datum) -> &[Datum] {
    match &d.kind {
        DatumKind::List(items, _) | DatumKind::Vector(items) | DatumKind::Map(items) => items,
        other => panic!("not a compound datum: {other:?}"),
    }
}

fn sym(name: &str) -> Symbol {
    Symbol::intern(name)
}

#[test]
fn integers_in_every_notation() {
    assert_eq!(
        show("42 -7 +5 0 #x1F #b101 #o17 #d10"),
        "42 -7 5 0 31 5 15 10"
    );
    assert!(matches!(one("-7").kind, DatumKind::Int(-7)));
}

#[test]
fn integers_too_large_for_a_fixnum_are_big() {
    let DatumKind::BigInt(b) = one("100000000000000000000").kind else {
        panic!("expected a BigInt");
    };
    assert_eq!(b.to_string(), "100000000000000000000");
    assert_eq!(show("-100000000000000000000"), "-100000000000000000000");
}

#[test]
fn floats_in_every_notation() {
    assert_eq!(
        show("1.5 -0.25 1e10 .5 1. +inf.0 -inf.0 +nan.0"),
        "1.5 -0.25 10000000000.0 0.5 1.0 +inf.0 -inf.0 +nan.0"
    );
    assert!(matches!(one("1.5").kind, DatumKind::Float(f) if f == 1.5));
}

#[test]
fn exactness_prefixes() {
    assert_eq!(show("#e1.0 #i3 #x#e10"), "1 3.0 16");
    assert_eq!(message("#e1.5 "), "bad number '#e1.5'");
}

#[test]
fn peculiar_symbols_are_symbols() {
    let tokens = [
        "+", "-", "...", "->x", "1+", "1-", "<=?", "a.b", "-foo", "+bar", "λ", "a#b",
    ];
    for token in tokens {
        assert_eq!(one(token).as_symbol(), Some(sym(token)), "{token}");
    }
}

#[test]
fn symbols_are_case_sensitive() {
    let data = read("Hello hello HELLO");
    assert_eq!(data[0].as_symbol(), Some(sym("Hello")));
    assert_ne!(data[0].as_symbol(), data[1].as_symbol());
    assert_ne!(data[1].as_symbol(), data[2].as_symbol());
}

#[test]
fn bar_symbols_hold_any_characters() {
    assert_eq!(one("|two words|").as_symbol(), Some(sym("two words")));
    assert_eq!(one(r"|a\|b|").as_symbol(), Some(sym("a|b")));
    assert_eq!(one("||").as_symbol(), Some(sym("")));
}

#[test]
fn keywords_drop_the_colon_and_a_lone_colon_is_a_symbol() {
    assert!(matches!(one(":name").kind, DatumKind::Keyword(k) if k == sym("name")));
    assert!(matches!(one("::x").kind, DatumKind::Keyword(k) if k == sym(":x")));
    assert_eq!(one(":").as_symbol(), Some(sym(":")));
    assert_eq!(one("a:b").as_symbol(), Some(sym("a:b")));
}

#[test]
fn booleans_in_both_spellings() {
    let data = read("#t #f #true #false");
    let values: Vec<_> = data
        .iter()
        .map(|d| match d.kind {
            DatumKind::Bool(b) => b,
            ref other => panic!("not a boolean: {other:?}"),
        })
        .collect();
    assert_eq!(values, [true, false, true, false]);
}

#[test]
fn string_escapes() {
    let DatumKind::Str(s) = one(r#""a\nb\t\r\"\\\a\0\x41;\x3bb;|\|""#).kind else {
        panic!("expected a string");
    };
    assert_eq!(s, "a\nb\t\r\"\\\x07\0A\u{3bb}||");
}

#[test]
fn strings_keep_utf8_and_raw_newlines() {
    assert!(matches!(one("\"λ\n→\"").kind, DatumKind::Str(ref s) if s == "λ\n→"));
}

#[test]
fn string_line_continuation_skips_the_break_and_indentation() {
    assert_eq!(show("\"line \\\n    continued\""), "\"line continued\"");
    assert_eq!(show("\"a\\   \n\tb\""), "\"ab\"");
    assert_eq!(show("\"a\\\r\n  b\""), "\"ab\"");
}

#[test]
fn characters_by_name_hex_and_literal() {
    let expected = [
        (r"#\a", 'a'),
        (r"#\A", 'A'),
        (r"#\space", ' '),
        (r"#\newline", '\n'),
        (r"#\tab", '\t'),
        (r"#\nul", '\0'),
        (r"#\null", '\0'),
        (r"#\return", '\r'),
        (r"#\escape", '\x1b'),
        (r"#\delete", '\x7f'),
        (r"#\alarm", '\x07'),
        (r"#\backspace", '\x08'),
        (r"#\x41", 'A'),
        (r"#\x3bb", 'λ'),
        (r"#\x", 'x'),
        (r"#\λ", 'λ'),
        (r"#\(", '('),
        (r"#\)", ')'),
        (r"#\;", ';'),
        (r"#\ ", ' '),
        (r"#\\", '\\'),
    ];
    for (text, c) in expected {
        assert!(
            matches!(one(text).kind, DatumKind::Char(x) if x == c),
            "{text}"
        );
    }
}

#[test]
fn a_character_ends_at_a_delimiter() {
    assert_eq!(show(r"(#\a #\( #\))"), r"(#\a #\( #\))");
    assert_eq!(show(r"#\a;comment"), r"#\a");
}

#[test]
fn lists_with_parens_and_brackets() {
    assert_eq!(show("(a [b c] ())"), "(a (b c) ())");
    assert!(matches!(one("()").kind, DatumKind::List(ref items, None) if items.is_empty()));
    assert!(matches!(one("[]").kind, DatumKind::List(ref items, None) if items.is_empty()));
}

#[test]
fn dotted_pairs() {
    assert_eq!(
        show("(a . b) [1 2 . 3] (a . (b c))"),
        "(a . b) (1 2 . 3) (a b c)"
    );
    let DatumKind::List(items, Some(tail)) = one("(a .b . c)").kind else {
        panic!("expected a dotted list");
    };
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].as_symbol(), Some(sym(".b")));
    assert_eq!(tail.as_symbol(), Some(sym("c")));
}

#[test]
fn vectors_and_maps() {
    assert_eq!(show("#(1 2 3) #() #(#(a))"), "#(1 2 3) #() #(#(a))");
    let map = one("{:a 1 :b 2}");
    assert!(matches!(map.kind, DatumKind::Map(_)));
    assert_eq!(parts(&map).len(), 4);
    assert!(matches!(parts(&map)[0].kind, DatumKind::Keyword(k) if k == sym("a")));
    assert!(matches!(one("{}").kind, DatumKind::Map(ref items) if items.is_empty()));
}

#[test]
fn quote_prefixes_become_lists() {
    assert_eq!(
        show("'x `x ,x ,@x"),
        "(quote x) (quasiquote x) (unquote x) (unquote-splicing x)"
            .replace("(quote x)", "'x")
            .replace("(quasiquote x)", "`x")
            .replace("(unquote x)", ",x")
            .replace("(unquote-splicing x)", ",@x")
    );
    let quoted = one("'x");
    let items = quoted.as_list().expect("a list");
    assert_eq!(items.len(), 2);
    assert!(items[0].is_symbol("quote"));
    assert!(items[1].is_symbol("x"));
    assert_eq!(show("''a `(a ,b ,@(c))"), "''a `(a ,b ,@(c))");
}

#[test]
fn quote_heads_carry_the_prefix_span() {
    let form = one("  ,@xs");
    let items = form.as_list().expect("a list");
    assert!(items[0].is_symbol("unquote-splicing"));
    assert_eq!(at(&form), (1, 3));
    assert_eq!(at(&items[0]), (1, 3));
    assert_eq!(at(&items[1]), (1, 5));
    let nested = one("'`x");
    let inner = &nested.as_list().expect("a list")[1];
    assert_eq!(at(&inner.as_list().expect("a list")[0]), (1, 2));
}

#[test]
fn comments_of_every_kind() {
    assert_eq!(
        show("1 ; line\n2 #| block #| nested |# |# 3 #;(skipped datum) 4 #; 5 6"),
        "1 2 3 4 6"
    );
    assert_eq!(show("(a #;b c) (#;x) [a #| b |# c]"), "(a c) () (a c)");
    assert_eq!(show("#; #; a b c"), "c");
    assert_eq!(show("'#;a b"), "'b");
    assert_eq!(show("(a . #;b c)"), "(a . c)");
    assert_eq!(show("; only a comment"), "");
    assert_eq!(show("#|a|#b"), "b");
}

#[test]
fn a_shebang_line_is_skipped_only_at_the_start() {
    assert_eq!(show("#!/usr/bin/env lisp\n(a)"), "(a)");
    assert_eq!(message("a #!/bin/sh\n"), "unknown syntax '#!/bin/sh'");
}

#[test]
fn spans_are_one_based_lines_and_columns() {
    let data = read("foo\n  (bar\n   baz)");
    assert_eq!(at(&data[0]), (1, 1));
    assert_eq!(at(&data[1]), (2, 3));
    assert_eq!(at(&parts(&data[1])[0]), (2, 4));
    assert_eq!(at(&parts(&data[1])[1]), (3, 4));
}

#[test]
fn columns_count_characters_not_bytes() {
    let data = read("\"λλ\" →x\n\tλ y");
    assert_eq!(at(&data[1]), (1, 6));
    assert_eq!(at(&data[2]), (2, 2));
    assert_eq!(at(&data[3]), (2, 4));
}

#[test]
fn spans_after_crlf_and_block_comments() {
    let data = read("a\r\nb #| x\n y |# c");
    assert_eq!(at(&data[1]), (2, 1));
    assert_eq!(at(&data[2]), (3, 7));
}

#[test]
fn every_compound_part_keeps_its_span() {
    let v = one("#(1 \"s\" #\\c)");
    assert_eq!(at(&v), (1, 1));
    let cols: Vec<_> = parts(&v).iter().map(|d| at(d).1).collect();
    assert_eq!(cols, [3, 5, 9]);
    let m = one("{:a\n 1}");
    assert_eq!(at(&parts(&m)[1]), (2, 2));
    let DatumKind::List(_, Some(tail)) = one("(a . b)").kind else {
        panic!("expected a dotted list");
    };
    assert_eq!(at(&tail), (1, 6));
}

#[test]
fn the_file_id_is_in_every_span() {
    let data = read_all("(a 1)", 7).expect("reads");
    assert_eq!(data[0].span.file, 7);
    assert_eq!(parts(&data[0])[1].span.file, 7);
}

#[test]
fn unclosed_brackets_are_incomplete_and_point_at_the_opener() {
    assert_eq!(
        incomplete("(define (f x)\n  (+ x 1)"),
        "expected ')' to close '(' opened at 1:1"
    );
    assert_eq!(error_at("(define (f x)\n  (+ x 1)"), (1, 1));
    assert_eq!(
        incomplete("(a\n  [b"),
        "expected ']' to close '[' opened at 2:3"
    );
    assert_eq!(incomplete("{:a"), "expected '}' to close '{' opened at 1:1");
    assert_eq!(
        incomplete(" #(1"),
        "expected ')' to close '#(' opened at 1:2"
    );
    assert_eq!(
        incomplete("(a ."),
        "expected ')' to close '(' opened at 1:1"
    );
}

#[test]
fn stray_and_mismatched_closers() {
    assert_eq!(message("(a b))"), "unexpected ')'");
    assert_eq!(error_at("(a b))"), (1, 6));
    assert_eq!(message("]"), "unexpected ']'");
    assert_eq!(
        message("(a ]"),
        "expected ')' to close '(' opened at 1:1, found ']'"
    );
    assert_eq!(error_at("(a ]"), (1, 4));
    assert_eq!(
        message("[a)"),
        "expected ']' to close '[' opened at 1:1, found ')'"
    );
    assert_eq!(
        message("#(a}"),
        "expected ')' to close '#(' opened at 1:1, found '}'"
    );
}

#[test]
fn malformed_dotted_lists() {
    assert_eq!(
        message("( . a)"),
        "unexpected '.': a dotted list needs a datum before '.'"
    );
    assert_eq!(error_at("( . a)"), (1, 3));
    assert_eq!(message("(a . )"), "expected a datum after '.', found ')'");
    assert_eq!(
        message("(a . b c)"),
        "expected ')' after the tail of the dotted list opened at 1:1, found another datum"
    );
    assert_eq!(error_at("(a . b c)"), (1, 8));
    assert_eq!(
        message("(a . b . c)"),
        "unexpected '.': a dotted list has only one '.'"
    );
    assert_eq!(
        message("(a . . b)"),
        "unexpected '.': a dotted list has only one '.'"
    );
    assert_eq!(message("#(a . b)"), "unexpected '.' in a vector");
    assert_eq!(message("{a . b}"), "unexpected '.' in a map");
    assert_eq!(message(". a"), "unexpected '.' outside a list");
}

#[test]
fn a_map_needs_key_value_pairs() {
    assert_eq!(
        message("{:a}"),
        "a map literal needs an even number of forms (key value ...), got 1"
    );
    assert_eq!(error_at(" {:a 1 :b}"), (1, 2));
}

#[test]
fn prefixes_without_a_datum() {
    assert_eq!(incomplete("'"), "expected a datum after '''");
    assert_eq!(incomplete("(a ,@"), "expected a datum after ',@'");
    assert_eq!(incomplete("#;"), "expected a datum after '#;'");
    assert_eq!(message("(')"), "expected a datum after ''', found ')'");
    assert_eq!(message("(#;)"), "expected a datum after '#;', found ')'");
    assert_eq!(
        message("(a ` . b)"),
        "expected a datum after '`', found '.'"
    );
}

#[test]
fn bad_string_escapes() {
    assert_eq!(message(r#""bad \q escape""#), r"bad escape '\q' in string");
    assert_eq!(error_at(r#""ab\q""#), (1, 4));
    assert_eq!(
        message(r#""\x41""#),
        r#"bad escape '\x41"' in string: expected hex digits and ';'"#
    );
    assert_eq!(
        message(r#""\x;""#),
        r"bad escape '\x;' in string: expected hex digits and ';'"
    );
    assert_eq!(
        message(r#""\xD800;""#),
        r"bad escape '\xD800;' in string: not a character"
    );
    assert_eq!(
        message("\"a\\ b\""),
        r"bad escape '\ ' in string: only a line ending may follow '\' and blanks"
    );
    assert_eq!(message(r"|a\qb|"), r"bad escape '\q' in symbol");
}

#[test]
fn unterminated_strings_and_comments_are_incomplete() {
    assert_eq!(
        incomplete("x \"open"),
        "expected '\"' to close the string opened at 1:3"
    );
    assert_eq!(error_at("x \"open"), (1, 3));
    assert_eq!(incomplete("\"a\\"), "expected an escape after '\\'");
    assert_eq!(
        incomplete("\"\\x4"),
        "expected hex digits and ';' after '\\x'"
    );
    assert_eq!(
        incomplete("|sym"),
        "expected '|' to close the symbol opened at 1:1"
    );
    assert_eq!(
        incomplete("#| open #| |#"),
        "expected '|#' to close the block comment '#|'"
    );
    assert_eq!(incomplete(r"#\"), "expected a character after '#\\'");
}

#[test]
fn bad_numbers_and_unknown_syntax() {
    assert_eq!(message("1.2.3 "), "bad number '1.2.3'");
    assert_eq!(message("(1/2)"), "bad number '1/2'");
    assert_eq!(message("#x1G "), "bad number '#x1G'");
    assert_eq!(message("#e "), "bad number '#e'");
    assert_eq!(message("#foo "), "unknown syntax '#foo'");
    assert_eq!(message("# "), "unknown syntax '#'");
    assert_eq!(message(r"#\foo "), r"unknown character name #\foo");
    assert_eq!(message(r"#\xD800 "), r"unknown character name #\xD800");
    assert_eq!(error_at("a\n  1.2.3 "), (2, 3));
}

#[test]
fn a_bad_token_cut_off_by_the_end_of_input_is_incomplete() {
    // `(a #tr` may become `(a #true)`: the REPL should ask for more.
    assert_eq!(incomplete("(a #tr"), "unknown syntax '#tr'");
    assert_eq!(incomplete(r"(#\spa"), r"unknown character name #\spa");
    assert_eq!(message("(a #tr\n"), "unknown syntax '#tr'");
}

#[test]
fn nesting_deeper_than_the_limit_is_refused() {
    let too_deep = format!("{}{}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
    assert_eq!(
        message(&too_deep),
        "nesting too deep (more than 10000 levels of brackets and quotes)"
    );
    assert_eq!(
        message(&"'".repeat(100_000)),
        "nesting too deep (more than 10000 levels of brackets and quotes)"
    );
    assert!(err(&"(".repeat(200_000)).message.contains("too deep"));
}

#[test]
fn nesting_up_to_the_limit_reads_and_drops() {
    // Run on a thread with a known stack: dropping the datum recurses once
    // per level, and the passes after the reader run on big stacks.
    let handle = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(|| {
            let text = format!("{}x{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
            let data = read_all(&text, 0).expect("reads");
            assert_eq!(data.len(), 1);
            let mut depth = 0;
            let mut d = &data[0];
            while let Some([inner]) = d.as_list() {
                depth += 1;
                d = inner;
            }
            assert_eq!(depth, MAX_DEPTH);
            assert!(d.is_symbol("x"));
        })
        .expect("spawn");
    handle.join().expect("no overflow");
}

#[test]
fn read_datum_walks_the_input() {
    let text = " (a b) 42 ";
    let (d, pos) = read_datum(text, 0, 0).expect("ok").expect("a datum");
    assert!(d.as_list().is_some());
    assert_eq!(pos, 6);
    let (d, pos) = read_datum(text, pos, 0).expect("ok").expect("a datum");
    assert!(matches!(d.kind, DatumKind::Int(42)));
    assert_eq!(pos, 9);
    assert!(read_datum(text, pos, 0).expect("ok").is_none());
    assert!(read_datum(text, 1000, 0).expect("ok").is_none());
}

#[test]
fn read_datum_spans_count_from_the_start_of_the_text() {
    let text = "λ a\n  ; note\n  (b c)";
    let (_, pos) = read_datum(text, 0, 0).expect("ok").expect("a datum");
    let (a, pos) = read_datum(text, pos, 0).expect("ok").expect("a datum");
    assert_eq!(at(&a), (1, 3));
    let (list, _) = read_datum(text, pos, 0).expect("ok").expect("a datum");
    assert_eq!(at(&list), (3, 3));
    let e = read_datum("(a", 0, 0).expect_err("unclosed");
    assert!(e.incomplete);
}

#[test]
fn read_datum_refuses_an_offset_inside_a_character() {
    let e = read_datum("λ", 1, 0).expect_err("mid-character");
    assert_eq!(
        e.message,
        "cannot read from byte offset 1: it is inside a character"
    );
}

#[test]
fn written_values_read_back_equal() {
    let text = r#"(1 -2 3.5 "s\n\"q\"" #\x7 #\space #\( sym :kw #t #f () #(1 (2)) (a . b) 'q 100000000000000000000)"#;
    let value = one(text).to_value();
    let written = lisp_runtime::printer::write_string(&value);
    let again = one(&written).to_value();
    assert!(
        lisp_runtime::equality::equal(&value, &again),
        "{written} read back differently"
    );
}

#[test]
fn the_display_of_an_error_names_the_position() {
    let e = err("\n  )");
    assert_eq!(e.to_string(), "<unknown>:2:3: unexpected ')'");
}
