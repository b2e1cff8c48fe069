//! The sandbox from the language's side: denied by default, confined to
//! the allowed roots, no escape by `..`, absolute paths or symlinks, the
//! denial catchable and naming the flag, and shared with spawned threads.

use lisp::engine::{Engine, Options};
use lisp::sandbox::Permissions;
use lisp_runtime::printer::write_string;
use std::path::{Path, PathBuf};

/// A fresh directory holding `inside/` (allowed in most tests) with a
/// file, and `secret.txt` beside it (never allowed).
fn fixture(name: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("lisp-sandbox-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("inside/sub")).unwrap();
    std::fs::write(root.join("inside/data.txt"), "hello\nworld\n").unwrap();
    std::fs::write(root.join("secret.txt"), "top secret").unwrap();
    root
}

fn engine(permissions: Permissions) -> Engine {
    Engine::new(Options {
        permissions,
        ..Options::default()
    })
}

fn read_only(dir: &Path) -> Permissions {
    Permissions {
        read: Some(vec![dir.to_path_buf()]),
        ..Permissions::default()
    }
}

/// Evaluates `expr` and returns what `write` prints for its value, or the
/// error message.
fn eval(engine: &mut Engine, expr: &str) -> String {
    match engine.eval_str(expr, "<test>") {
        Ok(v) => write_string(&v),
        Err(e) => format!("error: {}", e.message()),
    }
}

fn lisp_str(p: &Path) -> String {
    format!("{:?}", p.display().to_string())
}

#[test]
fn reading_is_denied_by_default_with_a_catchable_error_naming_the_flag() {
    let mut e = engine(Permissions::default());
    let out = eval(
        &mut e,
        "(guard (x ((error-object? x) (error-object-message x))) (read-file \"/etc/passwd\"))",
    );
    assert_eq!(
        out,
        r#""read access to \"/etc/passwd\" denied (run with --allow-read)""#
    );
    let out = eval(&mut e, "(write-file \"x.txt\" \"data\")");
    assert!(out.contains("(run with --allow-write)"), "{out}");
}

#[test]
fn an_allowed_directory_can_be_read_and_listed() {
    let root = fixture("read");
    let inside = root.join("inside");
    let mut e = engine(read_only(&inside));
    let file = lisp_str(&inside.join("data.txt"));
    assert_eq!(
        eval(&mut e, &format!("(read-file {file})")),
        "\"hello\\nworld\\n\""
    );
    assert_eq!(eval(&mut e, &format!("(file-exists? {file})")), "#t");
    let dir = lisp_str(&inside);
    assert_eq!(
        eval(&mut e, &format!("(list-dir {dir})")),
        "(\"data.txt\" \"sub\")"
    );
    // Read access does not grant write access.
    let out = eval(&mut e, &format!("(write-file {file} \"x\")"));
    assert!(out.contains("write access"), "{out}");
}

#[test]
fn dotdot_cannot_climb_out_of_an_allowed_directory() {
    let root = fixture("dotdot");
    let inside = root.join("inside");
    let mut e = engine(read_only(&inside));
    let escape = lisp_str(&inside.join("sub/../../secret.txt"));
    let out = eval(&mut e, &format!("(read-file {escape})"));
    assert!(
        out.contains("read access to") && out.contains("denied"),
        "{out}"
    );
}

#[test]
fn absolute_paths_outside_the_allowance_are_denied() {
    let root = fixture("absolute");
    let mut e = engine(read_only(&root.join("inside")));
    let out = eval(
        &mut e,
        &format!("(read-file {})", lisp_str(&root.join("secret.txt"))),
    );
    assert!(out.contains("denied (run with --allow-read)"), "{out}");
    let out = eval(&mut e, "(read-file \"/etc/passwd\")");
    assert!(out.contains("denied"), "{out}");
}

#[test]
fn symlinks_pointing_out_of_an_allowed_directory_are_refused() {
    let root = fixture("symlink");
    let inside = root.join("inside");
    std::os::unix::fs::symlink(root.join("secret.txt"), inside.join("link.txt")).unwrap();
    std::os::unix::fs::symlink("/etc", inside.join("etc")).unwrap();
    std::os::unix::fs::symlink("data.txt", inside.join("ok.txt")).unwrap();
    let mut e = engine(Permissions {
        read: Some(vec![inside.clone()]),
        write: Some(vec![inside.clone()]),
        ..Permissions::default()
    });
    let out = eval(
        &mut e,
        &format!("(read-file {})", lisp_str(&inside.join("link.txt"))),
    );
    assert!(out.contains("denied"), "{out}");
    let out = eval(
        &mut e,
        &format!("(read-file {})", lisp_str(&inside.join("etc/passwd"))),
    );
    assert!(out.contains("denied"), "{out}");
    let out = eval(
        &mut e,
        &format!(
            "(write-file {} \"pwned\")",
            lisp_str(&inside.join("link.txt"))
        ),
    );
    assert!(out.contains("denied"), "{out}");
    assert_eq!(
        std::fs::read_to_string(root.join("secret.txt")).unwrap(),
        "top secret"
    );
    // A symlink that stays inside is fine.
    let out = eval(
        &mut e,
        &format!("(read-file {})", lisp_str(&inside.join("ok.txt"))),
    );
    assert_eq!(out, "\"hello\\nworld\\n\"");
}

#[test]
fn writing_is_confined_to_the_allowed_directory() {
    let root = fixture("write");
    let inside = root.join("inside");
    let mut e = engine(Permissions {
        read: Some(vec![inside.clone()]),
        write: Some(vec![inside.clone()]),
        ..Permissions::default()
    });
    let new = lisp_str(&inside.join("new.txt"));
    eval(&mut e, &format!("(write-file {new} \"one\")"));
    eval(&mut e, &format!("(append-file {new} \" two\")"));
    assert_eq!(eval(&mut e, &format!("(read-file {new})")), "\"one two\"");
    eval(&mut e, &format!("(delete-file {new})"));
    assert_eq!(eval(&mut e, &format!("(file-exists? {new})")), "#f");
    let outside = lisp_str(&root.join("outside.txt"));
    let out = eval(&mut e, &format!("(write-file {outside} \"x\")"));
    assert!(
        out.contains("write access") && out.contains("--allow-write"),
        "{out}"
    );
    assert!(!root.join("outside.txt").exists());
    let out = eval(
        &mut e,
        &format!("(delete-file {})", lisp_str(&root.join("secret.txt"))),
    );
    assert!(out.contains("denied"), "{out}");
    assert!(root.join("secret.txt").exists());
}

#[test]
fn a_single_allowed_file_grants_nothing_else_in_its_directory() {
    let root = fixture("onefile");
    let mut e = engine(Permissions {
        write: Some(vec![root.join("out.txt")]),
        ..Permissions::default()
    });
    eval(
        &mut e,
        &format!("(write-file {} \"ok\")", lisp_str(&root.join("out.txt"))),
    );
    assert_eq!(std::fs::read_to_string(root.join("out.txt")).unwrap(), "ok");
    let out = eval(
        &mut e,
        &format!("(write-file {} \"x\")", lisp_str(&root.join("other.txt"))),
    );
    assert!(out.contains("denied"), "{out}");
}

#[test]
fn spawned_threads_share_the_sandbox() {
    let root = fixture("threads");
    let inside = root.join("inside");
    let mut e = engine(read_only(&inside));
    let ok = lisp_str(&inside.join("data.txt"));
    let secret = lisp_str(&root.join("secret.txt"));
    let out = eval(
        &mut e,
        &format!("(join (spawn (lambda () (read-line (open-input-file {ok})))))"),
    );
    assert_eq!(out, "\"hello\"");
    let out = eval(
        &mut e,
        &format!("(join (spawn (lambda () (guard (x (#t 'denied)) (read-file {secret})))))"),
    );
    assert_eq!(out, "denied");
}

#[test]
fn allow_all_permits_everything() {
    let root = fixture("all");
    let mut e = engine(Permissions::all());
    let secret = lisp_str(&root.join("secret.txt"));
    assert_eq!(
        eval(&mut e, &format!("(read-file {secret})")),
        "\"top secret\""
    );
}

#[test]
fn file_ports_read_and_write_through_the_sandbox() {
    let root = fixture("ports");
    let inside = root.join("inside");
    let mut e = engine(Permissions {
        read: Some(vec![inside.clone()]),
        write: Some(vec![inside.clone()]),
        ..Permissions::default()
    });
    let file = lisp_str(&inside.join("port.txt"));
    eval(
        &mut e,
        &format!("(call-with-output-file {file} (lambda (p) (write-string \"(1 2)\" p) (newline p) (write-string \"line two\" p)))"),
    );
    let out = eval(
        &mut e,
        &format!("(call-with-input-file {file} (lambda (p) (list (read p) (read-char p) (read-line p) (read-line p) (eof-object? (read-line p)))))"),
    );
    assert_eq!(out, "((1 2) #\\newline \"line two\" #<eof> #t)");
    eval(
        &mut e,
        &format!("(with-output-to-file {file} (lambda () (display \"via thunk\")))"),
    );
    assert_eq!(
        std::fs::read_to_string(inside.join("port.txt")).unwrap(),
        "via thunk"
    );
}

#[test]
fn the_command_line_flags_grant_access() {
    let root = fixture("cli");
    let inside = root.join("inside");
    let lisp = env!("CARGO_BIN_EXE_lisp");
    let expr = format!("(read-file {})", lisp_str(&inside.join("data.txt")));
    let denied = std::process::Command::new(lisp)
        .args(["eval", &expr])
        .output()
        .unwrap();
    assert_eq!(denied.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&denied.stderr).contains("--allow-read"));
    let flag = format!("--allow-read={}", inside.display());
    let allowed = std::process::Command::new(lisp)
        .args([&flag, "eval", &expr])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&allowed.stdout),
        "\"hello\\nworld\\n\"\n"
    );
    let all = std::process::Command::new(lisp)
        .args(["-A", "eval", &expr])
        .output()
        .unwrap();
    assert!(all.status.success());
    let bare = std::process::Command::new(lisp)
        .args(["eval", "--allow-read", &expr])
        .output()
        .unwrap();
    assert!(
        bare.status.success(),
        "{}",
        String::from_utf8_lossy(&bare.stderr)
    );
}

#[test]
fn a_root_allowed_through_a_symlink_is_reachable_by_either_name() {
    let root = fixture("aliased");
    let alias = root.join("alias");
    std::os::unix::fs::symlink(root.join("inside"), &alias).unwrap();
    let mut e = engine(read_only(&alias));
    let via_alias = lisp_str(&alias.join("data.txt"));
    let via_target = lisp_str(&root.join("inside/data.txt"));
    assert_eq!(
        eval(&mut e, &format!("(read-file {via_alias})")),
        "\"hello\\nworld\\n\""
    );
    assert_eq!(
        eval(&mut e, &format!("(read-file {via_target})")),
        "\"hello\\nworld\\n\""
    );
    let out = eval(
        &mut e,
        &format!("(read-file {})", lisp_str(&alias.join("../secret.txt"))),
    );
    assert!(out.contains("denied"), "{out}");
}

#[test]
fn load_evaluates_a_file_through_the_sandbox() {
    let root = fixture("load");
    let inside = root.join("inside");
    std::fs::write(
        inside.join("lib.lisp"),
        "(define (triple x) \"Three times X.\" (* 3 x))\n(define loaded 'yes)\n'lib-loaded\n",
    )
    .unwrap();
    std::fs::write(root.join("outside.lisp"), "(define pwned #t)").unwrap();
    let mut e = engine(read_only(&inside));
    assert_eq!(
        eval(
            &mut e,
            &format!("(load {})", lisp_str(&inside.join("lib.lisp")))
        ),
        "lib-loaded"
    );
    assert_eq!(
        eval(&mut e, "(list loaded (triple 14) (doc triple))"),
        "(yes 42 \"Three times X.\")"
    );
    let out = eval(
        &mut e,
        &format!("(load {})", lisp_str(&root.join("outside.lisp"))),
    );
    assert!(
        out.contains("read access") && out.contains("denied"),
        "{out}"
    );
    assert!(eval(&mut e, "pwned").contains("unbound"));
}
