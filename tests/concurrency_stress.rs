//! Concurrency stress tests with bounded sizes. Each runs a Lisp program in
//! a child process under a watchdog, so a deadlock fails the test instead
//! of hanging the suite.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Generous: the machine may be loaded; a deadlock still fails, only later.
const WATCHDOG: Duration = Duration::from_secs(300);

/// Runs `program` and returns its stdout; panics on timeout or failure.
fn run_lisp(program: &str) -> String {
    let dir = std::env::temp_dir().join(format!("lisp-stress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("p{n}.lisp"));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(program.as_bytes())
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lisp"))
        .arg("run")
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            panic!("watchdog: the program did not finish in {WATCHDOG:?} (deadlock?)");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn eight_threads_of_atom_increments_lose_none() {
    let out = run_lisp(
        "(define a (atom 0))
         (define ts (map (lambda (i) (spawn (lambda ()
                      (do ((k 0 (+ k 1))) ((= k 10000)) (atom-swap! a + 1)))))
                    (range 0 8)))
         (for-each join ts)
         (display (atom-deref a))",
    );
    assert_eq!(out, "80000");
}

#[test]
fn four_producers_two_consumers_lose_and_duplicate_nothing() {
    let out = run_lisp(
        "(define ch (make-channel 16))
         (define producers (map (lambda (p) (spawn (lambda ()
             (do ((i 0 (+ i 1))) ((= i 10000)) (channel-send ch (+ (* p 10000) i))))))
           (range 0 4)))
         (define (consume acc)
           (let ((v (channel-recv ch)))
             (if (eof-object? v) acc (consume (cons v acc)))))
         (define consumers (map (lambda (c) (spawn (lambda () (consume '())))) (range 0 2)))
         (for-each join producers)
         (channel-close ch)
         (define all (apply append (map join consumers)))
         (display (list (length all) (length (delete-duplicates all)) (apply + all)))",
    );
    // 40000 distinct messages 0..39999: their sum is 39999*40000/2.
    assert_eq!(out, "(40000 40000 799980000)");
}

#[test]
fn a_thousand_spawned_threads_are_all_joined() {
    let out = run_lisp(
        // Every thread waits at the gate, so all 1000 are alive at once.
        "(define gate (make-channel))
         (define ts (map (lambda (i) (spawn (lambda () (channel-recv gate) i))) (range 0 1000)))
         (channel-close gate)
         (display (apply + (map join ts)))",
    );
    assert_eq!(out, "499500");
}

#[test]
fn unbuffered_channels_hand_over_every_message() {
    let out = run_lisp(
        "(define ch (make-channel))
         (spawn (lambda () (do ((i 1 (+ i 1))) ((> i 5000)) (channel-send ch i)) (channel-close ch)))
         (define (sum acc) (let ((v (channel-recv ch))) (if (eof-object? v) acc (sum (+ acc v)))))
         (display (sum 0))",
    );
    assert_eq!(out, "12502500");
}

#[test]
fn select_over_two_channels_receives_every_message_once() {
    let out = run_lisp(
        "(define xs (make-channel))
         (define ys (make-channel 8))
         (spawn (lambda () (do ((i 0 (+ i 1))) ((= i 10000)) (channel-send xs i)) (channel-close xs)))
         (spawn (lambda () (do ((i 10000 (+ i 1))) ((= i 20000)) (channel-send ys i)) (channel-close ys)))
         (define (merge x-open y-open count sum)
           (if (not (or x-open y-open))
               (list count sum)
               (select (xs v => (if (eof-object? v) (merge #f y-open count sum) (merge x-open y-open (+ count 1) (+ sum v))))
                       (ys v => (if (eof-object? v) (merge x-open #f count sum) (merge x-open y-open (+ count 1) (+ sum v)))))))
         (display (merge #t #t 0 0))",
    );
    // 0..19999 each once: 20000 messages summing to 19999*20000/2.
    assert_eq!(out, "(20000 199990000)");
}

#[test]
fn sends_racing_with_close_are_either_delivered_or_refused() {
    // Three senders keep sending while the main thread closes the channel
    // part-way; every send that did not raise must be received, exactly once.
    let out = run_lisp(
        "(define ch (make-channel 4))
         (define (sender base)
           (spawn (lambda ()
             (let loop ((i 0) (sent 0))
               (if (= i 2000)
                   sent
                   (if (guard (e (#t #f)) (channel-send ch (+ base i)) #t)
                       (loop (+ i 1) (+ sent (+ base i)))
                       (loop (+ i 1) sent)))))))
         (define senders (map sender '(0 10000 20000)))
         (define receiver
           (spawn (lambda ()
             (let loop ((sum 0))
               (let ((v (channel-recv ch)))
                 (if (eof-object? v) sum (loop (+ sum v))))))))
         (sleep 5)
         (channel-close ch)
         (define sent (apply + (map join senders)))
         (define received (join receiver))
         (display (= sent received))",
    );
    assert_eq!(out, "#t");
}

#[test]
fn vectors_and_hash_tables_survive_concurrent_mutation() {
    // Four threads write disjoint keys of one hash table and all slots of
    // one vector at once: nothing crashes, no key is lost, and every slot
    // holds one of the values written (no torn values).
    let out = run_lisp(
        "(define table (make-hash-table))
         (define v (make-vector 64 0))
         (define ts (map (lambda (t) (spawn (lambda ()
                      (do ((i 0 (+ i 1))) ((= i 2000))
                        (hash-table-set! table (+ (* t 2000) i) t)
                        (vector-set! v (modulo i 64) (list t i))))))
                    (range 0 4)))
         (for-each join ts)
         (display (list (hash-table-count table)
                        (every (lambda (x) (and (pair? x) (<= 0 (car x) 3))) (vector->list v))))",
    );
    assert_eq!(out, "(8000 #t)");
}
