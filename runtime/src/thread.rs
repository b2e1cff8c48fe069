//! Handles of spawned Lisp threads: a slot for the thread's outcome that
//! `join` waits on. The outcome is kept, so joining twice returns the same
//! value (or raises the same error) again.

use crate::error::Exception;
use crate::value::Value;
use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicU64, Ordering};

/// A spawned thread.
pub struct ThreadHandle {
    pub id: u64,
    outcome: Mutex<Option<Result<Value, Exception>>>,
    done: Condvar,
}

static NEXT_THREAD_ID: AtomicU64 = AtomicU64::new(1);

/// A fresh positive thread id (the main thread is 0).
pub fn next_thread_id() -> u64 {
    NEXT_THREAD_ID.fetch_add(1, Ordering::Relaxed)
}

impl ThreadHandle {
    pub fn new(id: u64) -> ThreadHandle {
        ThreadHandle {
            id,
            outcome: Mutex::new(None),
            done: Condvar::new(),
        }
    }

    /// Records the thread's outcome and wakes joiners.
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

    /// Whether the thread has finished.
    pub fn is_done(&self) -> bool {
        self.outcome.lock().is_some()
    }
}
