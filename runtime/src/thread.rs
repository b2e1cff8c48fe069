//! Handles of spawned Lisp threads.

/// A spawned thread, joinable once its result arrives.
pub struct ThreadHandle {
    pub id: u64,
}
