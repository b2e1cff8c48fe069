//! Help: one registry of documentation for builtins (their `Doc`s),
//! special forms (the table below), and user procedures with docstrings.
//! `(help)`, `(help 'name)`, `(doc f)` and `lisp help NAME` all read it.

use crate::builtins::{doc, Doc, Registry};
use lisp_runtime::{Object, Value};

/// Documentation of the special and derived forms.
pub const SPECIAL_FORMS: &[(&str, Doc)] = &[
    ("define", doc("(define name value) (define (name . params) [docstring] body ...)", "Binds NAME at top level (or in a body, locally). The procedure form's optional docstring is shown by help and returned by doc.", "(begin (define (sq x) \"Squares x.\" (* x x)) (sq 4))", "16", "lambda set!")),
    ("lambda", doc("(lambda params [docstring] body ...)", "A procedure. PARAMS is (a b), (a b . rest) or a single symbol for all arguments.", "((lambda (a . rest) rest) 1 2 3)", "(2 3)", "define case-lambda")),
    ("if", doc("(if test then [else])", "Evaluates THEN if TEST is true (anything but #f), else ELSE.", "(if (> 2 1) 'yes 'no)", "yes", "cond when unless")),
    ("cond", doc("(cond (test expr ...) (test => proc) (else expr ...))", "Evaluates the body of the first clause whose test is true; with =>, calls PROC with the test's value.", "(cond ((assv 2 '((1 . a) (2 . b))) => cdr) (else 'none))", "b", "case if")),
    ("case", doc("(case key ((datum ...) expr ...) (else expr ...))", "Evaluates the clause whose data contain KEY (compared with eqv?).", "(case 3 ((1 2) 'low) ((3 4) 'mid) (else 'high))", "mid", "cond")),
    ("and", doc("(and expr ...)", "The first false value, or the last value (#t with none). Stops at the first #f.", "(and 1 2 3)", "3", "or")),
    ("or", doc("(or expr ...)", "The first true value, or #f. Stops at the first true value.", "(or #f 2)", "2", "and")),
    ("when", doc("(when test body ...)", "Evaluates BODY when TEST is true.", "(when #t 'ran)", "ran", "unless if")),
    ("unless", doc("(unless test body ...)", "Evaluates BODY when TEST is false.", "(unless #f 'ran)", "ran", "when")),
    ("let", doc("(let ((name value) ...) body ...) (let loop ((name value) ...) body ...)", "Binds names to values for BODY. The named form defines LOOP, callable in tail position as a loop.", "(let loop ((i 0) (acc 0)) (if (= i 5) acc (loop (+ i 1) (+ acc i))))", "10", "let* letrec do")),
    ("let*", doc("(let* ((name value) ...) body ...)", "Like let, but each value sees the names bound before it.", "(let* ((a 1) (b (+ a 1))) b)", "2", "let")),
    ("letrec", doc("(letrec ((name value) ...) body ...)", "Binds names whose values (usually lambdas) may refer to each other.", "(letrec ((ev? (lambda (n) (if (= n 0) #t (od? (- n 1))))) (od? (lambda (n) (if (= n 0) #f (ev? (- n 1)))))) (ev? 10))", "#t", "letrec* let")),
    ("letrec*", doc("(letrec* ((name value) ...) body ...)", "Like letrec, evaluating the values left to right.", "(letrec* ((a 1) (b (+ a 1))) b)", "2", "letrec")),
    ("do", doc("(do ((var init step) ...) (test result ...) body ...)", "A loop: binds the vars, and until TEST is true runs BODY and updates each var to its STEP.", "(do ((i 0 (+ i 1)) (s 0 (+ s i))) ((= i 4) s))", "6", "let")),
    ("begin", doc("(begin expr ...)", "Evaluates the expressions in order; the value is the last one's.", "(begin 1 2 3)", "3", "let")),
    ("set!", doc("(set! name value)", "Assigns a new value to an existing variable.", "(let ((x 1)) (set! x 2) x)", "2", "define")),
    ("quote", doc("(quote datum) 'datum", "DATUM itself, unevaluated.", "'(a b)", "(a b)", "quasiquote")),
    ("quasiquote", doc("(quasiquote template) `template", "Like quote, but ,expr inserts a value and ,@expr splices a list. Nests; works inside vectors.", "`(1 ,(+ 1 1) ,@(list 3 4))", "(1 2 3 4)", "quote")),
    ("define-record-type", doc("(define-record-type name (constructor field ...) predicate (field accessor [modifier]) ...)", "Defines a record type with a constructor, a predicate, accessors and modifiers.", "(begin (define-record-type point (make-point x y) point? (x point-x) (y point-y)) (point-x (make-point 3 4)))", "3", "define")),
    ("guard", doc("(guard (var clause ...) body ...)", "Evaluates BODY; if it raises, binds VAR to the raised object and evaluates the first matching cond-style clause. With no match the object is raised again.", "(guard (e ((string? e) (string-append \"caught \" e))) (raise \"x\"))", "\"caught x\"", "raise error with-exception-handler")),
    ("delay", doc("(delay expr)", "A promise to evaluate EXPR when forced (once; the value is remembered).", "(force (delay (* 6 7)))", "42", "force delay-force make-promise")),
    ("delay-force", doc("(delay-force expr)", "Like delay, for an EXPR that returns a promise (iterative lazy algorithms).", "(force (delay-force (delay 1)))", "1", "delay force")),
    ("cons-stream", doc("(cons-stream a b)", "A pair whose cdr is a promise of B (SICP streams).", "(car (cons-stream 1 (error \"never\")))", "1", "delay force")),
    ("let-values", doc("(let-values (((formals) expr) ...) body ...)", "Binds the multiple values of each EXPR to its formals.", "(let-values (((q r) (values 17 5))) (list q r))", "(17 5)", "values call-with-values")),
    ("let*-values", doc("(let*-values (((formals) expr) ...) body ...)", "Like let-values, binding left to right.", "(let*-values (((a) (values 1)) ((b) (values (+ a 1)))) b)", "2", "let-values")),
    ("define-values", doc("(define-values formals expr)", "Defines several names from the multiple values of EXPR.", "(begin (define-values (q r) (values 1 2)) (+ q r))", "3", "let-values")),
    ("receive", doc("(receive formals expr body ...)", "Binds the values of EXPR to FORMALS for BODY (SRFI 8).", "(receive (a . rest) (values 1 2 3) rest)", "(2 3)", "let-values")),
    ("parameterize", doc("(parameterize ((param value) ...) body ...)", "Rebinds parameter objects for the dynamic extent of BODY.", "(let ((p (make-parameter 1))) (parameterize ((p 2)) (p)))", "2", "make-parameter")),
    ("case-lambda", doc("(case-lambda (formals body ...) ...)", "A procedure that dispatches on the number of arguments.", "((case-lambda ((a) 'one) ((a b) 'two)) 1 2)", "two", "lambda")),
    ("defmacro", doc("(defmacro name (params ... [. rest]) body ...)", "Defines an unhygienic macro: BODY computes the expansion from the unevaluated arguments. Expanded before evaluation, recursively.", "(begin (defmacro unless2 (c . body) `(if ,c #f (begin ,@body))) (unless2 #f 'ran))", "ran", "define-syntax gensym")),
    ("define-macro", doc("(define-macro (name . params) body ...)", "Guile's spelling of defmacro.", "(begin (define-macro (sq x) `(* ,x ,x)) (sq 3))", "9", "defmacro")),
    ("define-syntax", doc("(define-syntax name (syntax-rules (literal ...) (pattern template) ...))", "Defines a pattern-based macro. Variables the template binds are renamed, so they cannot capture the user's.", "(begin (define-syntax swap! (syntax-rules () ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp))))) (let ((x 1) (y 2)) (swap! x y) (list x y)))", "(2 1)", "syntax-rules defmacro")),
    ("syntax-rules", doc("(syntax-rules (literal ...) (pattern template) ...)", "The pattern language of define-syntax: _ and ... (ellipsis), literals, dotted and vector patterns.", "(begin (define-syntax my-or (syntax-rules () ((_) #f) ((_ e) e) ((_ e r ...) (let ((t e)) (if t t (my-or r ...)))))) (my-or #f 3))", "3", "define-syntax")),
    ("let-syntax", doc("(let-syntax ((name (syntax-rules ...)) ...) body ...)", "Macros for BODY (registered globally in this implementation).", "(let-syntax ((one (syntax-rules () ((_) 1)))) (one))", "1", "define-syntax")),
    ("select", doc("(select (channel var => body ...) ... (timeout ms body ...))", "Waits on several channels at once, like Go's select, and runs the branch of the first that is ready, with VAR bound to the received value (the eof object if it is closed); or the timeout branch after MS milliseconds.", "(let ((c (make-channel 1))) (channel-send c 'v) (select (c x => (list 'got x)) (timeout 10 'none)))", "(got v)", "channel-recv make-channel")),
    ("define-test", doc("(define-test \"name\" body ...)", "Defines a test; lisp test runs it and reports failures of assert-equal, assert-true and assert-error in BODY.", "(define-test \"arith\" (assert-equal 4 (+ 2 2)))", "#<void>", "assert-equal lisp-test")),
    ("assert-error", doc("(assert-error expr)", "Fails the current test unless evaluating EXPR raises an error; returns the raised object, so the error itself can be checked.", "(error-object-message (assert-error (error \"boom\" 1)))", "\"boom\"", "assert-equal define-test")),
    ("assert", doc("(assert expr)", "Raises an error quoting EXPR if it evaluates to #f.", "(assert (= 1 1))", "#t", "assert-true")),
];

/// A documentation entry found by name.
pub struct Entry {
    pub name: String,
    pub category: String,
    pub doc: Doc,
}

/// Finds the documentation for `name`: a builtin, then a special form.
pub fn lookup(registry: &Registry, name: &str) -> Option<Entry> {
    if let Some(e) = registry.lookup(name) {
        return Some(Entry {
            name: name.to_string(),
            category: e.category.to_string(),
            doc: e.doc,
        });
    }
    SPECIAL_FORMS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, d)| Entry {
            name: n.to_string(),
            category: "Special forms".into(),
            doc: *d,
        })
}

/// Renders an entry as plain text.
pub fn render(entry: &Entry) -> String {
    let d = &entry.doc;
    let mut out = format!("{}\n  [{}]\n\n  {}\n", d.sig, entry.category, d.desc);
    if !d.example.is_empty() {
        out.push_str(&format!(
            "\n  Example:\n    {}\n    => {}\n",
            d.example, d.result
        ));
    }
    if !d.see.is_empty() {
        out.push_str(&format!("\n  See also: {}\n", d.see));
    }
    out
}

/// The help text of a user procedure with a docstring.
pub fn render_procedure(v: &Value) -> Option<String> {
    let Some(Object::Closure(c)) = v.as_object() else {
        return None;
    };
    let t = &c.template;
    let doc = t.doc.as_ref()?;
    let name = t
        .name
        .lock()
        .map(|n| n.name().to_string())
        .unwrap_or_else(|| "procedure".into());
    let info = crate::ir::lambda_info(t);
    let mut params: Vec<String> = info.params.iter().map(|p| p.name().to_string()).collect();
    if info.rest {
        if let Some(last) = params.last_mut() {
            *last = format!(". {last}");
        }
    }
    let sig = if params.is_empty() {
        format!("({name})")
    } else {
        format!("({name} {})", params.join(" "))
    };
    Some(format!(
        "{sig}\n  [user procedure, defined at {}]\n\n  {doc}\n",
        t.span
    ))
}

/// The categories and their names, for `(help)`.
pub fn overview(registry: &Registry) -> String {
    let mut out = String::from(
        "Help is available for every procedure and special form: (help 'name) or (help name).\n\n",
    );
    let mut categories: Vec<&str> = Vec::new();
    for e in &registry.entries {
        if !categories.contains(&e.category) {
            categories.push(e.category);
        }
    }
    out.push_str("Special forms:\n");
    out.push_str(&wrap(SPECIAL_FORMS.iter().map(|(n, _)| *n).collect()));
    for c in categories {
        let names: Vec<&str> = registry
            .entries
            .iter()
            .filter(|e| e.category == c && !e.name.starts_with('%'))
            .map(|e| e.name)
            .collect();
        if names.is_empty() {
            continue;
        }
        out.push_str(&format!("{c}:\n"));
        out.push_str(&wrap(names));
    }
    out
}

fn wrap(names: Vec<&str>) -> String {
    let mut out = String::new();
    let mut line = String::from("  ");
    for n in names {
        if line.len() + n.len() > 78 {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from("  ");
        }
        line.push_str(n);
        line.push(' ');
    }
    out.push_str(line.trim_end());
    out.push_str("\n\n");
    out
}

/// Known names closest to `name` (edit distance), for "did you mean".
pub fn suggestions(registry: &Registry, name: &str) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = registry
        .entries
        .iter()
        .map(|e| e.name)
        .chain(SPECIAL_FORMS.iter().map(|(n, _)| *n))
        .filter(|n| !n.starts_with('%'))
        .map(|n| (edit_distance(name, n), n))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    let limit = (name.chars().count() / 3).max(2);
    scored
        .into_iter()
        .filter(|(d, _)| *d <= limit)
        .take(5)
        .map(|(_, n)| n.to_string())
        .collect()
}

/// The help text for `name`, or an "unknown" message with suggestions.
pub fn text_for(registry: &Registry, name: &str) -> Result<String, String> {
    if let Some(entry) = lookup(registry, name) {
        return Ok(render(&entry));
    }
    let close = suggestions(registry, name);
    if close.is_empty() {
        Err(format!("No help for '{name}'.\n"))
    } else {
        Err(format!(
            "No help for '{name}'. Did you mean: {}?\n",
            close.join(", ")
        ))
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_suggest_close_ones() {
        let r = crate::builtins::all();
        let err = text_for(&r, "lenght").unwrap_err();
        assert!(err.contains("length"), "{err}");
        assert!(text_for(&r, "car").unwrap().contains("(car pair)"));
        assert!(text_for(&r, "guard").unwrap().contains("Special forms"));
    }
}
