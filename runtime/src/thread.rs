//! Handles of spawned Lisp threads: a slot for the thread's outcome that
//! `join` waits on, and the process-wide thread id counter.
//!
//! The outcome is kept rather than taken, so joining twice returns the same
//! value (or raises the same error object) again, and any number of threads
//! may join the same handle.

use crate::error::Exception;
use crate::value::Value;
use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A spawned thread, as `spawn` returns it.
pub struct ThreadHandle {
    pub id: u64,
    outcome: Mutex<Option<Result<Value, Exception>>>,
    done: Condvar,
}

/// The main thread is 0; every spawned thread takes the next number.
static NEXT_THREAD_ID: AtomicU64 = AtomicU64::new(1);

/// A fresh positive thread id, distinct from every other in the process.
pub fn next_thread_id() -> u64 {
    NEXT_THREAD_ID.fetch_add(1, Ordering::Relaxed)
}

impl ThreadHandle {
    /// The handle of a thread that has not finished yet.
    pub fn new(id: u64) -> ThreadHandle {
        ThreadHandle {
            id,
            outcome: Mutex::new(None),
            done: Condvar::new(),
        }
    }

    /// Records the thread's outcome and wakes every joiner. Called once, by
    /// the thread itself as it ends.
    pub fn finish(&self, outcome: Result<Value, Exception>) {
        *self.outcome.lock() = Some(outcome);
        self.done.notify_all();
    }

    /// Waits for the outcome.
    pub fn join(&self) -> Result<Value, Exception> {
        let mut slot = self.outcome.lock();
        loop {
            if let Some(outcome) = &*slot {
                return outcome.clone();
            }
            self.done.wait(&mut slot);
        }
    }

    /// Waits at most `timeout` for the outcome; `None` if the thread is
    /// still running.
    pub fn join_timeout(&self, timeout: Duration) -> Option<Result<Value, Exception>> {
        let deadline = Instant::now().checked_add(timeout);
        let mut slot = self.outcome.lock();
        loop {
            if let Some(outcome) = &*slot {
                return Some(outcome.clone());
            }
            match deadline {
                Some(deadline) => {
                    if self.done.wait_until(&mut slot, deadline).timed_out() {
                        return slot.clone();
                    }
                }
                None => self.done.wait(&mut slot),
            }
        }
    }

    /// Whether the thread has finished.
    pub fn is_done(&self) -> bool {
        self.outcome.lock().is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn thread_ids_are_positive_and_distinct() {
        let ids: Vec<u64> = (0..100).map(|_| next_thread_id()).collect();
        assert!(ids.iter().all(|&id| id > 0));
        let mut sorted = ids.clone();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len());
    }

    #[test]
    fn every_joiner_gets_the_outcome_and_joining_twice_repeats_it() {
        let handle = Arc::new(ThreadHandle::new(1));
        assert!(!handle.is_done());
        assert!(handle.join_timeout(Duration::from_millis(1)).is_none());
        let joiners: Vec<_> = (0..3)
            .map(|_| {
                let h = handle.clone();
                std::thread::spawn(move || h.join().ok().and_then(|v| v.as_fixnum()))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(20));
        handle.finish(Ok(Value::int(42)));
        for j in joiners {
            assert_eq!(j.join().unwrap(), Some(42));
        }
        assert!(handle.is_done());
        assert_eq!(handle.join().ok().and_then(|v| v.as_fixnum()), Some(42));
        let again = handle.join_timeout(Duration::ZERO);
        assert_eq!(
            again.and_then(|r| r.ok()).and_then(|v| v.as_fixnum()),
            Some(42)
        );
    }

    #[test]
    fn a_failed_thread_re_raises_the_same_error_object() {
        let handle = ThreadHandle::new(2);
        let payload = crate::error::error_value("error", "boom".into(), vec![]);
        handle.finish(Err(Exception::raise(payload.clone())));
        for _ in 0..2 {
            let e = handle.join().expect_err("an error");
            assert!(e.payload().is_some_and(|p| p.is(&payload)));
        }
    }
}
