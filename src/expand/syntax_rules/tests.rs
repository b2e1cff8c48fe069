//! Unit tests of `syntax-rules`: parsing, matching, instantiation and the
//! hygiene renaming, on datums read from text.

use super::SyntaxRules;
use crate::reader::read_all;
use crate::syntax::{Datum, DatumKind};
use lisp_runtime::printer::write_string;
use lisp_runtime::Symbol;

fn read(text: &str) -> Datum {
    read_all(text, 0)
        .expect("test input reads")
        .into_iter()
        .next()
        .expect("one datum")
}

fn rules(text: &str) -> SyntaxRules {
    match SyntaxRules::parse(&read(text)) {
        Ok(r) => r,
        Err(e) => panic!("{text}: {}", e.message()),
    }
}

fn parse_error(text: &str) -> String {
    match SyntaxRules::parse(&read(text)) {
        Ok(_) => panic!("{text} parsed"),
        Err(e) => e.message(),
    }
}

fn expand_datum(r: &SyntaxRules, text: &str) -> Result<Datum, String> {
    r.expand(Symbol::intern("m"), &read(text))
        .map_err(|e| e.message())
}

/// The expansion as `write` prints it, with each renamed symbol
/// (`name%123`) numbered by first appearance (`name%1`, `name%2`), so
/// tests do not depend on the gensym counter.
fn expand(r: &SyntaxRules, text: &str) -> String {
    let out = expand_datum(r, text).unwrap_or_else(|e| panic!("{text}: {e}"));
    normalize_gensyms(&write_string(&out.to_value()))
}

fn normalize_gensyms(text: &str) -> String {
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '%' {
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        if digits.is_empty() {
            continue;
        }
        let n = match seen.iter().position(|s| *s == digits) {
            Some(i) => i + 1,
            None => {
                seen.push(digits);
                seen.len()
            }
        };
        out.push_str(&n.to_string());
    }
    out
}

// ----- matching -----

#[test]
fn pattern_variables_substitute_the_matched_forms() {
    let r = rules("(syntax-rules () ((_ a b) (f b a)))");
    assert_eq!(expand(&r, "(m (g 1) \"s\")"), "(f \"s\" (g 1))");
}

#[test]
fn keyword_position_is_ignored_whatever_it_is() {
    let r = rules("(syntax-rules () ((anything x) (list x)) ((m) 0))");
    assert_eq!(expand(&r, "(m 5)"), "(list 5)");
    assert_eq!(expand(&r, "(other)"), "0");
}

#[test]
fn literals_match_only_the_same_symbol() {
    let r = rules("(syntax-rules (=>) ((_ a => b) (b a)) ((_ a b c) (list a b c)))");
    assert_eq!(expand(&r, "(m 1 => f)"), "(f 1)");
    assert_eq!(expand(&r, "(m 1 -> f)"), "(list 1 -> f)");
}

#[test]
fn underscore_matches_anything_without_binding() {
    let r = rules("(syntax-rules () ((_ _ x _) x))");
    assert_eq!(expand(&r, "(m (a b) 2 #(3))"), "2");
    assert!(expand_datum(&r, "(m 1 2)").is_err());
}

#[test]
fn underscore_listed_as_a_literal_is_a_literal() {
    let r = rules("(syntax-rules (_) ((m _ x) x) ((m y x) 'no))");
    assert_eq!(expand(&r, "(m _ 1)"), "1");
    assert_eq!(expand(&r, "(m z 1)"), "'no");
}

#[test]
fn constants_in_patterns_match_equal_datums() {
    let r = rules(
        r#"(syntax-rules () ((_ 1 x) 'one) ((_ "s" x) 'str) ((_ #\c x) 'chr) ((_ #t x) 'true) ((_ :k x) 'kw) ((_ y x) 'other))"#,
    );
    assert_eq!(expand(&r, "(m 1 0)"), "'one");
    assert_eq!(expand(&r, "(m \"s\" 0)"), "'str");
    assert_eq!(expand(&r, "(m #\\c 0)"), "'chr");
    assert_eq!(expand(&r, "(m #t 0)"), "'true");
    assert_eq!(expand(&r, "(m :k 0)"), "'kw");
    assert_eq!(expand(&r, "(m 2 0)"), "'other");
    assert_eq!(expand(&r, "(m (1) 0)"), "'other");
}

#[test]
fn first_matching_rule_wins() {
    let r = rules("(syntax-rules () ((_) 'none) ((_ x) 'one) ((_ x . y) 'many))");
    assert_eq!(expand(&r, "(m)"), "'none");
    assert_eq!(expand(&r, "(m 1)"), "'one");
    assert_eq!(expand(&r, "(m 1 2 3)"), "'many");
}

#[test]
fn ellipsis_matches_zero_or_more() {
    let r = rules("(syntax-rules () ((_ x ...) (list x ...)))");
    assert_eq!(expand(&r, "(m)"), "(list)");
    assert_eq!(expand(&r, "(m 1)"), "(list 1)");
    assert_eq!(expand(&r, "(m 1 2 3)"), "(list 1 2 3)");
}

#[test]
fn ellipsis_over_a_list_subpattern() {
    let r = rules("(syntax-rules () ((_ (k v) ...) '((v . k) ...)))");
    assert_eq!(expand(&r, "(m (a 1) (b 2))"), "'((1 . a) (2 . b))");
    assert!(expand_datum(&r, "(m (a 1) (b))").is_err());
}

#[test]
fn patterns_after_the_ellipsis_take_the_last_elements() {
    let r = rules("(syntax-rules () ((_ a ... y z) '(z y a ...)))");
    assert_eq!(expand(&r, "(m 1 2 3 4)"), "'(4 3 1 2)");
    assert_eq!(expand(&r, "(m 1 2)"), "'(2 1)");
    assert!(expand_datum(&r, "(m 1)").is_err());
}

#[test]
fn elements_before_and_after_the_ellipsis() {
    let r = rules("(syntax-rules () ((_ first middle ... last) '(first (middle ...) last)))");
    assert_eq!(expand(&r, "(m 1 2 3 4)"), "'(1 (2 3) 4)");
    assert_eq!(expand(&r, "(m 1 4)"), "'(1 () 4)");
}

#[test]
fn dotted_pattern_binds_the_rest_of_the_list() {
    let r = rules("(syntax-rules () ((_ a b . rest) '(rest b a)))");
    assert_eq!(expand(&r, "(m 1 2 3 4)"), "'((3 4) 2 1)");
    assert_eq!(expand(&r, "(m 1 2)"), "'(() 2 1)");
    assert_eq!(expand(&r, "(m 1 2 . 3)"), "'(3 2 1)");
    assert!(expand_datum(&r, "(m 1)").is_err());
}

#[test]
fn dotted_pattern_after_an_ellipsis_matches_the_final_cdr() {
    let r = rules("(syntax-rules () ((_ (a ... . r)) '((a ...) r)))");
    assert_eq!(expand(&r, "(m (1 2 . 3))"), "'((1 2) 3)");
    assert_eq!(expand(&r, "(m (1 2))"), "'((1 2) ())");
}

#[test]
fn proper_pattern_rejects_an_improper_use() {
    let r = rules("(syntax-rules () ((_ a ...) 'ok))");
    assert!(expand_datum(&r, "(m 1 . 2)").is_err());
    let r = rules("(syntax-rules () ((_ a) 'ok))");
    assert!(expand_datum(&r, "(m 1 . 2)").is_err());
}

#[test]
fn nested_ellipses_keep_their_depth() {
    let r = rules("(syntax-rules () ((_ (name val ...) ...) '((name (val ...)) ...)))");
    assert_eq!(
        expand(&r, "(m (a 1 2) (b) (c 3))"),
        "'((a (1 2)) (b ()) (c (3)))"
    );
}

#[test]
fn double_ellipsis_flattens_one_level() {
    let r = rules("(syntax-rules () ((_ (a b ...) ...) '(a ... b ... ...)))");
    assert_eq!(expand(&r, "(m (1 2 3) (4 5))"), "'(1 4 2 3 5)");
}

#[test]
fn vector_patterns_and_templates() {
    let r = rules("(syntax-rules () ((_ #(a b ...)) '#(b ... a)))");
    assert_eq!(expand(&r, "(m #(1 2 3))"), "'#(2 3 1)");
    assert!(expand_datum(&r, "(m (1 2 3))").is_err());
    let r = rules("(syntax-rules () ((_ (a ...)) '#(a ...)))");
    assert!(expand_datum(&r, "(m #(1 2))").is_err());
}

#[test]
fn map_templates_substitute_inside() {
    let r = rules("(syntax-rules () ((_ k v) {k v}))");
    let out = expand_datum(&r, "(m :a 1)").unwrap();
    let DatumKind::Map(items) = &out.kind else {
        panic!("expected a map, got {out:?}");
    };
    assert_eq!(items.len(), 2);
    assert!(matches!(items[1].kind, DatumKind::Int(1)));
}

#[test]
fn dotted_templates_splice_a_list_tail() {
    let r = rules("(syntax-rules () ((_ f . args) (f 0 . args)))");
    let out = expand_datum(&r, "(m g 1 2)").unwrap();
    // A proper list, not (g 0 . (1 2)): the expander needs proper lists.
    assert_eq!(out.as_list().map(<[Datum]>::len), Some(4));
    assert_eq!(expand(&r, "(m g . 7)"), "(g 0 . 7)");
    assert_eq!(expand(&r, "(m g)"), "(g 0)");
}

#[test]
fn custom_ellipsis() {
    // `...` is an ordinary symbol when another ellipsis is named.
    let r = rules("(syntax-rules etc () ((_ (x y etc) etc) (list '(x ...) etc '(y etc etc))))");
    assert_eq!(
        expand(&r, "(m (1 2 3) (4))"),
        "(list '(1 ...) '(4 ...) '(2 3))"
    );
}

#[test]
fn ellipsis_listed_as_a_literal_is_matched_literally() {
    let r = rules("(syntax-rules (...) ((_ a ...) 'dots) ((_ a b) 'two))");
    assert_eq!(expand(&r, "(m 1 ...)"), "'dots");
    assert_eq!(expand(&r, "(m 1 2)"), "'two");
}

#[test]
fn escaped_ellipsis_in_templates() {
    let r = rules("(syntax-rules () ((_ a ...) '((... ...) a ...)))");
    assert_eq!(expand(&r, "(m 1 2)"), "'(... 1 2)");
    let r = rules("(syntax-rules () ((_ a) '(... (a ...))))");
    assert_eq!(expand(&r, "(m 1)"), "'(1 ...)");
}

#[test]
fn depth_zero_variables_repeat_alongside_a_sequence() {
    let r = rules("(syntax-rules () ((_ f x ...) (begin (f x) ...)))");
    assert_eq!(expand(&r, "(m show 1 2)"), "(begin (show 1) (show 2))");
}

#[test]
fn sequences_of_different_lengths_are_an_error() {
    let r = rules("(syntax-rules () ((_ (a ...) (b ...)) '((a b) ...)))");
    assert_eq!(expand(&r, "(m (1 2) (3 4))"), "'((1 3) (2 4))");
    let e = expand_datum(&r, "(m (1 2) (3))").unwrap_err();
    assert!(e.contains("different numbers"), "{e}");
}

// ----- errors -----

#[test]
fn no_match_names_the_macro_and_carries_the_use_span() {
    let r = rules("(syntax-rules () ((_ a) a))");
    let form = read("\n  (m 1 2)");
    let e = r.expand(Symbol::intern("swap!"), &form).unwrap_err();
    assert_eq!(
        e.message(),
        "no syntax-rules pattern of 'swap!' matches (m 1 2)"
    );
    assert_eq!(e.0.span, Some(form.span));
}

#[test]
fn malformed_specs_are_reported_at_definition() {
    assert!(parse_error("(syntax-rules)").contains("expected (syntax-rules"));
    assert!(parse_error("(syntax-rules (1) ((_ a) a))").contains("literals must be symbols"));
    assert!(parse_error("(syntax-rules () (x))").contains("expected a rule"));
    assert!(parse_error("(syntax-rules () (x x))").contains("a pattern must be a list"));
    assert!(parse_error("(syntax-rules () ((_ ... a) a))").contains("must follow a subpattern"));
    assert!(parse_error("(syntax-rules () ((_ a ... b ...) a))").contains("only one ellipsis"));
    assert!(parse_error("(syntax-rules () ((_ a a) a))").contains("appears twice"));
}

#[test]
fn template_depth_is_checked_at_definition() {
    // a is matched under one ellipsis but used under none.
    assert!(parse_error("(syntax-rules () ((_ a ...) (f a)))")
        .contains("fewer ellipses in the template (0) than in the pattern (1)"));
    // b is only one deep, so the inner ellipsis has nothing to repeat.
    assert!(
        parse_error("(syntax-rules () ((_ (a b ...)) ((b ...) ...)))")
            .contains("follows no pattern variable")
    );
    assert!(
        parse_error("(syntax-rules () ((_ a) (f a ...)))").contains("follows no pattern variable")
    );
    assert!(
        parse_error("(syntax-rules () ((_ a) (... a b)))").contains("must follow a subtemplate")
    );
    assert!(
        parse_error("(syntax-rules () ((_ a) (a . ...)))").contains("must follow a subtemplate")
    );
}

#[test]
fn deeply_nested_patterns_are_rejected_not_overflowing() {
    let deep = format!(
        "(syntax-rules () ((_ {}x{}) 0))",
        "(".repeat(1_000),
        ")".repeat(1_000)
    );
    assert!(parse_error(&deep).contains("nested too deeply"));
    let deep = format!(
        "(syntax-rules () ((_ x) {}x{}))",
        "(".repeat(1_000),
        ")".repeat(1_000)
    );
    assert!(parse_error(&deep).contains("nested too deeply"));
}

// ----- spans -----

#[test]
fn template_nodes_take_the_use_span_and_arguments_keep_theirs() {
    let r = rules("(syntax-rules () ((_ a) (f a 1)))");
    let form = read("(m\n   (g x))");
    let out = r.expand(Symbol::intern("m"), &form).unwrap();
    let items = out.as_list().unwrap();
    assert_eq!(out.span, form.span);
    assert_eq!(items[0].span, form.span);
    assert_eq!(items[2].span, form.span);
    assert_eq!(items[1].span.line, form.span.line + 1);
    assert_eq!(items[1].span, form.as_list().unwrap()[1].span);
}

// ----- hygiene -----

#[test]
fn swap_renames_its_temporary() {
    let r = rules("(syntax-rules () ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp))))");
    assert_eq!(
        expand(&r, "(m tmp other)"),
        "(let ((tmp%1 tmp)) (set! tmp other) (set! other tmp%1))"
    );
}

#[test]
fn my_or_does_not_capture_the_users_t() {
    let r = rules(
        "(syntax-rules () ((_) #f) ((_ e) e) ((_ e r ...) (let ((t e)) (if t t (my-or r ...)))))",
    );
    assert_eq!(
        expand(&r, "(my-or #f t)"),
        "(let ((t%1 #f)) (if t%1 t%1 (my-or t)))"
    );
}

#[test]
fn each_expansion_gets_fresh_names() {
    let r = rules("(syntax-rules () ((_ e) (let ((t e)) t)))");
    let a = write_string(&expand_datum(&r, "(m 1)").unwrap().to_value());
    let b = write_string(&expand_datum(&r, "(m 1)").unwrap().to_value());
    assert_ne!(a, b);
}

#[test]
fn free_template_symbols_keep_their_names() {
    let r = rules("(syntax-rules () ((_ x) (let ((y x)) (display y) (helper y))))");
    assert_eq!(
        expand(&r, "(m 1)"),
        "(let ((y%1 1)) (display y%1) (helper y%1))"
    );
}

#[test]
fn lambda_formals_of_every_shape_are_renamed() {
    let r = rules("(syntax-rules () ((_ e) (list (lambda (a . r) a) (lambda args args) e)))");
    assert_eq!(
        expand(&r, "(m a)"),
        "(list (lambda (a%1 . r%2) a%1) (lambda args%3 args%3) a)"
    );
}

#[test]
fn substituted_binders_are_not_renamed() {
    let r = rules("(syntax-rules () ((_ v e body) (let ((v e)) body)))");
    assert_eq!(expand(&r, "(m x 1 (f x))"), "(let ((x 1)) (f x))");
}

#[test]
fn named_let_and_do_variables_are_renamed() {
    let r = rules("(syntax-rules () ((_ c body ...) (let loop () (when c body ... (loop)))))");
    assert_eq!(
        expand(&r, "(while (< i 3) (loop))"),
        "(let loop%1 () (when (< i 3) (loop) (loop%1)))"
    );
    let r = rules("(syntax-rules () ((_ n body) (do ((i 0 (+ i 1))) ((= i n)) body)))");
    assert_eq!(
        expand(&r, "(m 3 (display i))"),
        "(do ((i%1 0 (+ i%1 1))) ((= i%1 3)) (display i))"
    );
}

#[test]
fn let_family_and_values_forms_are_renamed() {
    let r = rules(
        "(syntax-rules () ((_ e) (let* ((a e) (b a)) (letrec ((c b)) (let-values (((d . f) e)) (receive (g) e (case-lambda ((h) h))))))))",
    );
    assert_eq!(
        expand(&r, "(m a)"),
        "(let* ((a%1 a) (b%2 a%1)) (letrec ((c%3 b%2)) (let-values (((d%4 . f%5) a)) (receive (g%6) a (case-lambda ((h%7) h%7))))))"
    );
}

#[test]
fn internal_defines_are_renamed_only_inside_template_bodies() {
    let r = rules("(syntax-rules () ((_ e) (begin (define top 1) (let () (define (helper x) x) (helper e)))))");
    assert_eq!(
        expand(&r, "(m 2)"),
        "(begin (define top 1) (let () (define (helper%1 x%2) x%2) (helper%1 2)))"
    );
}

#[test]
fn guard_variable_is_renamed() {
    let r = rules("(syntax-rules () ((_ body) (guard (e (#t (handle e))) body)))");
    assert_eq!(
        expand(&r, "(m (f e))"),
        "(guard (e%1 (#t (handle e%1))) (f e))"
    );
}

#[test]
fn quoted_template_symbols_are_not_renamed() {
    let r =
        rules("(syntax-rules () ((_ e) (let ((tmp e)) (list 'tmp `(tmp ,tmp) '#(tmp) #(tmp)))))");
    assert_eq!(
        expand(&r, "(m 1)"),
        "(let ((tmp%1 1)) (list 'tmp `(tmp ,tmp%1) '#(tmp) #(tmp)))"
    );
}

#[test]
fn recursive_uses_are_returned_unexpanded() {
    let r = rules("(syntax-rules () ((_) 0) ((_ x y ...) (+ x (m y ...))))");
    assert_eq!(expand(&r, "(m 1 2 3)"), "(+ 1 (m 2 3))");
    assert_eq!(expand(&r, "(m)"), "0");
}

#[test]
fn binding_forms_from_the_use_are_left_alone() {
    // The lambda comes from the user; its formals are the user's.
    let r = rules("(syntax-rules () ((_ f) (f 1)))");
    assert_eq!(expand(&r, "(m (lambda (x) x))"), "((lambda (x) x) 1)");
}

#[test]
fn let_syntax_keywords_of_the_template_are_renamed() {
    // The expander registers let-syntax macros globally, so renaming keeps
    // a template's local macro from replacing a user's macro of that name.
    let r = rules(
        "(syntax-rules () ((_ e) (let-syntax ((helper (syntax-rules () ((_ x) x)))) (helper e))))",
    );
    assert_eq!(
        expand(&r, "(m 1)"),
        "(let-syntax ((helper%1 (syntax-rules () ((_ x) x)))) (helper%1 1))"
    );
}
