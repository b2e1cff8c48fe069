//! Differential test of the tiers: random programs generated from a fixed
//! seed (fixnum arithmetic overflowing into big integers, floats,
//! comparisons, lists, closures, tail and non-tail recursion, caught and
//! uncaught errors) must print the same stdout and stderr and exit with the
//! same status interpreted and with every lambda compiled, on its first
//! call (`--jit --jit-threshold 0`) and after two interpreted calls whose
//! type feedback the compiled code is specialised on (`--jit-threshold 2`).
//! Each program first calls its functions on fixnums, so that entry guards
//! and specialised sites then meet other types. `LISP_DIFFERENTIAL_SEEDS=N`
//! runs N programs instead of 40.

use std::path::Path;
use std::process::Command;

/// A small deterministic generator (xorshift64*), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// Generates expressions over the variables in scope.
struct Gen<'r> {
    rng: &'r mut Rng,
    vars: Vec<String>,
    /// Two-argument numeric functions defined so far.
    funcs: Vec<String>,
}

impl Gen<'_> {
    fn literal(&mut self) -> String {
        match self.rng.below(6) {
            0 => "4611686018427387903".into(),
            1 => "-4611686018427387904".into(),
            2 => format!("{}.{}", self.rng.below(100), self.rng.below(100)),
            3 => format!("-{}", self.rng.below(50)),
            _ => self.rng.below(1000).to_string(),
        }
    }

    fn number(&mut self, depth: u32) -> String {
        if depth == 0 || self.rng.below(4) == 0 {
            return if self.vars.is_empty() || self.rng.below(3) == 0 {
                self.literal()
            } else {
                let i = self.rng.below(self.vars.len() as u64) as usize;
                self.vars[i].clone()
            };
        }
        let d = depth - 1;
        match self.rng.below(12) {
            0..=2 => {
                let op = self.rng.pick(&["+", "-", "*"]);
                format!("({op} {} {})", self.number(d), self.number(d))
            }
            3 => format!(
                "(if {} {} {})",
                self.test(d),
                self.number(d),
                self.number(d)
            ),
            4 => {
                let name = format!("t{}", self.vars.len());
                let init = self.number(d);
                self.vars.push(name.clone());
                let body = self.number(d);
                self.vars.pop();
                format!("(let (({name} {init})) {body})")
            }
            5 => format!("((lambda (k) (+ k {})) {})", self.number(d), self.number(d)),
            6 => format!("(car (cdr (list {} {})))", self.number(d), self.number(d)),
            7 => format!(
                "(length (cons {} (list {})))",
                self.number(d),
                self.number(d)
            ),
            8 if !self.funcs.is_empty() => {
                let i = self.rng.below(self.funcs.len() as u64) as usize;
                let f = self.funcs[i].clone();
                format!("({f} {} {})", self.number(d), self.number(d))
            }
            9 if self.rng.below(3) == 0 => {
                format!("(quotient {} {})", self.number(d), self.number(d))
            }
            _ => format!("(- {})", self.number(d)),
        }
    }

    fn test(&mut self, depth: u32) -> String {
        match self.rng.below(6) {
            0 => format!("(not {})", self.test(depth.saturating_sub(1))),
            1 => format!("(pair? (cons {} '()))", self.number(depth)),
            2 => format!("(eq? {} {})", self.number(depth), self.number(depth)),
            _ => {
                let op = self.rng.pick(&["<", ">", "<=", ">=", "="]);
                format!("({op} {} {})", self.number(depth), self.number(depth))
            }
        }
    }
}

/// One random program; prints each result, catching errors by message.
fn program(seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut out = String::new();
    let mut g = Gen {
        rng: &mut rng,
        vars: vec!["x".into(), "y".into()],
        funcs: Vec::new(),
    };
    for i in 0..3 {
        let body = g.number(4);
        out.push_str(&format!("(define (f{i} x y) {body})\n"));
        g.funcs.push(format!("f{i}"));
    }
    // The accumulator only grows additively, so numbers stay small enough
    // to print quickly (a product of `acc` with itself would double its
    // size at every iteration).
    g.vars = vec!["n".into()];
    let step = g.number(2);
    out.push_str(&format!(
        "(define (tail-loop n acc) (if (<= n 0) acc (tail-loop (- n 1) (+ acc {step}))))\n"
    ));
    g.vars = vec!["n".into(), "acc".into()];
    let term = g.number(2);
    out.push_str(&format!(
        "(define (deep n) (if (<= n 0) '() (cons (let ((acc n)) {term}) (deep (- n 1)))))\n"
    ));
    g.vars = vec!["a".into(), "b".into()];
    let closure_body = g.number(3);
    out.push_str(&format!(
        "(define (make-adder a) (lambda (b) {closure_body}))\n"
    ));
    g.vars.clear();
    // Fixnums first, so that code compiled after a few calls guards and
    // specialises on them (type feedback), then whatever comes.
    out.push_str(
        "(define (warm k) (if (< k 4) (begin (guard (e (#t #f)) (f0 k 2)) \
         (guard (e (#t #f)) (f1 k 3)) (guard (e (#t #f)) (f2 k 5)) \
         (guard (e (#t #f)) (tail-loop k 1)) (warm (+ k 1))) 'warm))\n(warm 0)\n",
    );
    let catch = |e: String| {
        format!("(display (guard (e ((error-object? e) (error-object-message e))) {e}))(newline)\n")
    };
    for _ in 0..6 {
        let f = g.rng.below(3);
        let (a, b) = (g.number(1), g.number(1));
        out.push_str(&catch(format!("(f{f} {a} {b})")));
    }
    let (n, acc) = (g.rng.below(2000), g.number(1));
    out.push_str(&catch(format!("(tail-loop {n} {acc})")));
    out.push_str(&catch(format!("(length (deep {}))", g.rng.below(300))));
    out.push_str(&catch(format!("(deep {})", g.rng.below(5))));
    let a = g.number(1);
    out.push_str(&catch(format!(
        "(map (make-adder {a}) (list 1 2.5 4611686018427387903))"
    )));
    if seed.is_multiple_of(4) {
        // An uncaught error: message, span and backtrace must agree.
        out.push_str("(define (bad x) (car x))\n(define (outer x) (+ 1 (bad x)))\n(outer 5)\n");
    }
    out
}

struct Outcome {
    stdout: String,
    stderr: String,
    status: Option<i32>,
}

fn run(file: &Path, jit: bool) -> Outcome {
    run_with(
        file,
        if jit {
            &["--jit", "--jit-threshold", "0"]
        } else {
            &[]
        },
    )
}

fn run_with(file: &Path, tier: &[&str]) -> Outcome {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lisp"));
    cmd.args(tier);
    let out = cmd.arg("run").arg(file).output().expect("run lisp");
    Outcome {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status: out.status.code(),
    }
}

/// How `compiled` (run as `tier`) differs from `interpreted`, described
/// under `label`, or `None` when stdout, stderr and status all agree.
fn difference(
    label: &str,
    tier: &str,
    interpreted: &Outcome,
    compiled: &Outcome,
) -> Option<String> {
    let same = interpreted.stdout == compiled.stdout
        && interpreted.stderr == compiled.stderr
        && interpreted.status == compiled.status;
    (!same).then(|| {
        format!(
            "{label}:\n--- interpreter ({:?})\n{}{}\n--- {tier} ({:?})\n{}{}",
            interpreted.status,
            interpreted.stdout,
            interpreted.stderr,
            compiled.status,
            compiled.stdout,
            compiled.stderr
        )
    })
}

#[test]
fn random_programs_print_the_same_in_both_tiers() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("jit_differential");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut failures = Vec::new();
    let seeds: u64 = std::env::var("LISP_DIFFERENTIAL_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    for seed in 0..seeds {
        let source = program(seed);
        let file = dir.join(format!("program-{seed}.lisp"));
        std::fs::write(&file, &source).expect("write program");
        let interpreted = run(&file, false);
        assert!(
            !interpreted.stdout.is_empty(),
            "seed {seed}: the program printed nothing:\n{source}\n{}",
            interpreted.stderr
        );
        // Compiled on first call (no type feedback), and after two
        // interpreted calls (code specialised on what they saw).
        for threshold in ["0", "2"] {
            let compiled = run_with(&file, &["--jit", "--jit-threshold", threshold]);
            failures.extend(difference(
                &format!("seed {seed}:\n{source}"),
                &format!("jit, threshold {threshold}"),
                &interpreted,
                &compiled,
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Hand-written programs for the corners random programs rarely reach.
const EDGE_CASES: &[(&str, &str)] = &[
    (
        "redefined-primitive",
        "(define (add a b) (+ a b))\n(display (add 1 2))(newline)\n\
         (define (+ a b) (* a b))\n(display (add 3 4))(newline)",
    ),
    (
        "primitives-redefined-in-one-thread-only",
        "(define (add a b) (+ a b))\n(define (first p) (car p))\n\
         (define (less a b) (if (< a b) 'yes 'no))\n(define (ref v i) (vector-ref v i))\n\
         (display (list (add 1 2) (first '(1 2)) (less 1 2) (ref (vector 7 8) 1)))(newline)\n\
         (join (spawn (lambda () (set! + -) (set! car cdr) (set! < >) (set! vector-ref list)\n\
           (display (list (add 5 1) (first '(1 2)) (less 1 2) (ref (vector 7 8) 1))) (newline))))\n\
         (display (list (add 5 1) (first '(1 2)) (less 1 2) (ref (vector 7 8) 1)))(newline)\n\
         (set! + (lambda (a b) 'plus))\n(display (add 1 2))(newline)\n\
         (set! + *)\n(display (add 3 4))(newline)",
    ),
    (
        "vector-fast-path-errors",
        "(define (ref v i) (vector-ref v i))\n(define (put! v i x) (vector-set! v i x))\n\
         (define v (vector 1 2 3))\n(put! v 0 'a)\n(display (ref v 0))(newline)\n\
         (display (guard (e (#t (error-object-message e))) (ref v 3)))(newline)\n\
         (display (guard (e (#t (error-object-message e))) (ref v -1)))(newline)\n\
         (display (guard (e (#t (error-object-message e))) (ref v 1.0)))(newline)\n\
         (display (guard (e (#t (error-object-message e))) (put! '(1) 0 1)))(newline)\n\
         (display (guard (e (#t (error-object-message e))) (put! v 5 1)))(newline)\n\
         (display v)(newline)\n(ref v 7)",
    ),
    (
        "fused-float-arithmetic-agrees-with-each-operation",
        "(define (f a b c) (+ (* a b) c))\n\
         (define (g a b c) (- (* 2.0 a) (* b c)))\n\
         (define (h a b) (if (> (+ (* a a) (* b b)) 4.0) 'out 'in))\n\
         (define (k a b) (if (< (- a b) 0.5) 'lt 'ge))\n\
         (define (z a) (* a 0.5))\n\
         (define xs (list 1.5 -2.25 3 0.0 -0.0 1e300 -1e300 1e-300 +inf.0 -inf.0 +nan.0 7 (expt 2 70) 0.1))\n\
         (for-each (lambda (a)\n\
           (for-each (lambda (b)\n\
             (display (list (f a b 1.0) (f a b a) (g a b b) (h a b) (k a b) (z a)))\n\
             (newline))\n\
            xs))\n\
          xs)\n\
         (display (guard (e (#t (error-object-message e))) (f 'x 1.0 2.0)))(newline)\n\
         (display (guard (e (#t (error-object-message e))) (h 1.0 \"s\")))(newline)",
    ),
    (
        "loop-parameters-passed-on-unchanged",
        "(define (walk i lst s acc)\n\
           (if (= i 1000) (list (length acc) lst s (car acc))\n\
               (walk (+ i 1) lst s (cons (string-append s (number->string i)) acc))))\n\
         (display (walk 0 (list \"a\" (vector 1 2)) (make-string 3 #\\x) '()))(newline)\n\
         (define (swap a b n) (if (= n 0) (list a b) (swap b a (- n 1))))\n\
         (display (swap (list 1) (list 2) 1001))(newline)\n\
         (define (dup a b n) (if (= n 0) (list a b) (dup a a (- n 1))))\n\
         (display (dup (list 1) (list 2) 5))(newline)\n\
         (define other (lambda (x lst n) (list 'other x lst n)))\n\
         (define (hop x lst n) (if (= n 0) (hop2 x lst n) (hop x lst (- n 1))))\n\
         (define (hop2 x lst n) (other x lst n))\n\
         (display (hop 1 (list 'p 'q) 10))(newline)\n\
         (define (self-redef lst n) (if (= n 3) (set! self-redef (lambda (l m) (list 'new l m)))) (if (= n 0) 'done (self-redef lst (- n 1))))\n\
         (display (self-redef (list 9) 5))(newline)",
    ),
    (
        "not-in-a-test-before-and-after-its-redefinition",
        "(define (f a b) (if (not (< a b)) 'x 'y))\n\
         (define (g a) (if (not (car a)) 'no 'yes))\n\
         (display (list (f 1 2) (f 2 1) (g '(#f)) (g '(1))))(newline)\n\
         (display (guard (e (#t (error-object-message e))) (g 5)))(newline)\n\
         (set! not (lambda (v) v))\n\
         (display (list (f 1 2) (f 2 1) (g '(#f)) (g '(1))))(newline)",
    ),
    (
        "function-redefines-itself",
        "(define (f n) (set! f (lambda (m) (* m 10))) (+ n 1))\n\
         (display (f 1))(display (f 1))(newline)",
    ),
    (
        "assigned-parameters-and-rest-lists",
        "(define (count-up n) (let loop ((i 0)) (if (< i n) (begin (set! n (- n 1)) (loop (+ i 1))) (list i n))))\n\
         (define (sum . xs) (if (null? xs) 0 (+ (car xs) (apply sum (cdr xs)))))\n\
         (define (rest-loop n . acc) (if (= n 0) acc (rest-loop (- n 1) n)))\n\
         (display (count-up 10))(display (sum 1 2 3 4))(display (rest-loop 100000))(newline)",
    ),
    (
        "mutual-tail-recursion-in-constant-stack",
        "(define (ev? n) (if (= n 0) #t (od? (- n 1))))\n(define (od? n) (if (= n 0) #f (ev? (- n 1))))\n\
         (display (ev? 1000001))(newline)",
    ),
    (
        "closures-counters-and-cells",
        "(define (counter) (let ((n 0)) (lambda () (set! n (+ n 1)) n)))\n\
         (define c (counter))\n(c)(c)\n(display (c))\n\
         (define (compose f g) (lambda (x) (f (g x))))\n\
         (display ((compose car cdr) '(1 2 3)))\n\
         (letrec ((even (lambda (n) (if (= n 0) 'even (odd (- n 1))))) (odd (lambda (n) (if (= n 0) 'odd (even (- n 1))))))\n\
           (display (even 10001)))(newline)",
    ),
    (
        "errors-spans-and-backtraces",
        "(define (inner x) (vector-ref x 10))\n(define (middle x) (let ((r (inner x))) r))\n\
         (define (outer x) (+ 1 (middle x)))\n\
         (display (guard (e ((error-object? e) (error-object-message e))) (outer (vector 1 2))))(newline)\n\
         (define (arity-user) (inner 1 2))\n\
         (display (guard (e ((error-object? e) (error-object-message e))) (arity-user)))(newline)\n\
         (define (loop-forever n) (+ 1 (loop-forever n)))\n\
         (display (guard (e ((error-object? e) (error-object-message e))) (loop-forever 1)))(newline)\n\
         (outer (vector 1))",
    ),
    (
        "floats-zero-and-boxed",
        "(define (f x y) (list (+ x y) (- x y) (* x y) (< x y) (= x y)))\n\
         (display (f 0.0 -0.0))(display (f 1e300 1e300))(display (f 1.5 2))(display (f -0.0 1.25))(newline)",
    ),
];

#[test]
fn edge_case_programs_print_the_same_in_both_tiers() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("jit_differential");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut failures = Vec::new();
    for (name, source) in EDGE_CASES {
        let file = dir.join(format!("{name}.lisp"));
        std::fs::write(&file, source).expect("write program");
        let interpreted = run(&file, false);
        let compiled = run(&file, true);
        assert!(!interpreted.stdout.is_empty(), "{name}: printed nothing");
        failures.extend(difference(name, "jit", &interpreted, &compiled));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Runs `source` (written to `DIR/file`) with the JIT at `threshold` and
/// `--jit-stats`; its stdout and stderr.
fn run_with_stats(dir: &str, file: &str, source: &str, threshold: &str) -> (String, String) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(file);
    std::fs::write(&file, source).expect("write program");
    let out = Command::new(env!("CARGO_BIN_EXE_lisp"))
        .args(["--jit", "--jit-threshold", threshold, "--jit-stats", "run"])
        .arg(&file)
        .output()
        .expect("run lisp");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A lambda compiled for fixnums only (all its interpreted calls saw
/// fixnums) goes back to the interpreter when floats reach it, and is
/// compiled again with float paths: `--jit-stats` counts the second
/// compilation, and the results are those of the interpreter.
#[test]
fn code_specialised_on_fixnums_is_compiled_again_when_floats_arrive() {
    let (stdout, stderr) = run_with_stats(
        "jit_respecialise",
        "square.lisp",
        "(define (square x) (* x x))\n\
         (define (ints n acc) (if (= n 0) acc (ints (- n 1) (+ acc (square n)))))\n\
         (display (ints 100 0)) (newline)\n\
         (define (floats n acc) (if (= n 0) acc (floats (- n 1) (+ acc (square 1.5)))))\n\
         (display (floats 1000 0.0)) (newline)\n",
        "5",
    );
    assert_eq!(stdout, "338350\n2250.0\n", "stderr: {stderr}");
    // square, ints, floats, and square again.
    assert!(
        stderr.contains("compiled 4 lambdas"),
        "expected a second compilation of square: {stderr}"
    );
}

/// A lambda with arithmetic or a loop is compiled at the full level when
/// it calls no other procedure and at the light level when it does;
/// anything else at the quick level. All give the interpreter's results.
#[test]
fn compile_levels_follow_arithmetic_loops_and_calls() {
    let (stdout, stderr) = run_with_stats(
        "jit_levels",
        "levels.lisp",
        "(define (swap p) (cons (cdr p) (car p)))\n\
         (define (tag x) (if (symbol? x) (list 'sym x) (list 'other x)))\n\
         (define (count n acc) (if (= n 0) acc (count (- n 1) (swap acc))))\n\
         (define (sum n acc) (if (= n 0) acc (sum (- n 1) (+ acc n))))\n\
         (display (count 101 (cons 1 2))) (newline)\n\
         (display (map tag '(a 1 b))) (newline)\n\
         (display (sum 100 0)) (newline)\n",
        "2",
    );
    assert_eq!(
        stdout, "(2 . 1)\n((sym a) (other 1) (sym b))\n5050\n",
        "stderr: {stderr}"
    );
    // swap and tag (no arithmetic) are quick, count (it calls swap) is
    // light, sum is full.
    assert!(
        stderr.contains("compiled 4 lambdas (1 light, 2 quick)"),
        "expected one light and two quick compilations: {stderr}"
    );
}
