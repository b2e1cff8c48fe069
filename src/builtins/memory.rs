//! Catchable errors for collections too big for the machine.
//!
//! Sizes such as `(make-vector 10000000000)` are user data. Running out of
//! memory part-way through building one would abort the process (or bring
//! in the kernel's OOM killer), and the allocator cannot be asked first:
//! mimalloc reserves address space lazily, so a request for far more than
//! the machine has still succeeds. So the builtins that take a size
//! compare an estimate of the bytes needed with the machine's physical
//! memory and raise `NAME: cannot allocate ...` when it cannot fit.

use lisp_runtime::{Exception, Object, Value};
use std::sync::OnceLock;

/// Bytes of one element of a vector.
pub const VECTOR_SLOT: usize = std::mem::size_of::<Value>();

/// Bytes of one pair of a list: an `Object` behind an `Arc` (two counters).
pub const LIST_PAIR: usize = std::mem::size_of::<Object>() + 16;

/// The machine's physical memory in bytes, when it can be known.
fn physical_memory() -> Option<usize> {
    static TOTAL: OnceLock<Option<usize>> = OnceLock::new();
    *TOTAL.get_or_init(|| {
        let info = std::fs::read_to_string("/proc/meminfo").ok()?;
        let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
        let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
        kib.checked_mul(1024)
    })
}

/// Ok if `count` items of `item_bytes` each can plausibly be allocated;
/// otherwise `NAME: cannot allocate a KIND of COUNT elements`.
pub fn ensure_room(
    name: &str,
    kind: &str,
    count: usize,
    item_bytes: usize,
) -> Result<(), Exception> {
    let fits = match (count.checked_mul(item_bytes), physical_memory()) {
        (None, _) => false,
        (Some(bytes), Some(total)) => bytes <= total,
        (Some(bytes), None) => isize::try_from(bytes).is_ok(),
    };
    if fits {
        Ok(())
    } else {
        Err(Exception::error(
            format!("{name}: cannot allocate a {kind} of {count} elements"),
            vec![],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_beyond_the_machine_are_refused() {
        assert!(ensure_room("make-list", "list", 1000, LIST_PAIR).is_ok());
        let err = ensure_room("make-vector", "vector", 1 << 60, VECTOR_SLOT).expect_err("huge");
        assert_eq!(
            err.message(),
            "make-vector: cannot allocate a vector of 1152921504606846976 elements"
        );
        if let Some(total) = physical_memory() {
            assert!(ensure_room("iota", "list", total / LIST_PAIR + 1, LIST_PAIR).is_err());
        }
    }
}
