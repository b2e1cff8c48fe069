//! The large native stacks that API calls run on, kept per OS thread and
//! reused.
//!
//! Deep recursion needs far more stack than a Rust thread has (2 MiB by
//! default), so every call into the engine runs on a stack of `size` bytes.
//! Mapping and unmapping a fresh one per call (as `stacker::grow` does)
//! cost about three quarters of a small call, so each thread keeps the
//! stacks it has used in a small free list: a nested call (Lisp calling a
//! registered Rust function that calls Lisp again) takes a second one.
//! After a call that went deep, the pages it touched below the top
//! `KEEP_RESIDENT` bytes are handed back to the OS, so one deep recursion
//! does not pin hundreds of megabytes for the life of the thread.
//!
//! Each stack is one anonymous mapping with an inaccessible guard page at
//! its low end, as Rust requires of every stack.

use std::cell::RefCell;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

/// Bytes at the top of a stack left resident between calls.
const KEEP_RESIDENT: usize = 1 << 20;
/// Stacks a thread keeps for reuse (deeper nesting maps and unmaps).
const KEEP_STACKS: usize = 4;

thread_local! {
    static FREE: RefCell<Vec<Stack>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on a stack of `size` usable bytes (`size` a multiple of the
/// page size), reusing one of this thread's stacks when it has one.
pub fn on_big_stack<R>(size: usize, f: impl FnOnce() -> R) -> R {
    let stack = FREE
        .with(|free| free.borrow_mut().pop())
        .filter(|s| s.usable == size)
        .or_else(|| Stack::map(size));
    let Some(stack) = stack else {
        // No mapping to be had: let stacker try its own way.
        return stacker::grow(size, f);
    };
    let mut f = Some(f);
    let mut result = None;
    // SAFETY: `stack.low()..stack.low() + size` is mapped read-write, page
    // aligned, with a guard page below it, and used by no other code now
    // (it was taken off this thread's free list or freshly mapped).
    let outcome = unsafe {
        psm::on_stack(stack.low(), size, || {
            let f = f.take().expect("called once");
            // Unwinding must not cross the stack switch.
            catch_unwind(AssertUnwindSafe(|| result = Some(f())))
        })
    };
    stack.trim();
    FREE.with(|free| {
        let mut free = free.borrow_mut();
        if free.len() < KEEP_STACKS {
            free.push(stack);
        }
    });
    match outcome {
        Ok(()) => result.expect("the callback ran"),
        Err(panic) => resume_unwind(panic),
    }
}

/// One mapped stack: `guard` bytes of guard page, then `usable` bytes.
struct Stack {
    base: *mut u8,
    guard: usize,
    usable: usize,
}

impl Stack {
    fn map(usable: usize) -> Option<Stack> {
        let guard = page_size();
        if !usable.is_multiple_of(guard) {
            return None;
        }
        let len = usable + guard;
        // SAFETY: an anonymous private mapping touches no existing memory;
        // the result is checked before use.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_STACK,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return None;
        }
        let stack = Stack {
            base: base.cast(),
            guard,
            usable,
        };
        // SAFETY: the first page of our own mapping.
        if unsafe { libc::mprotect(base, guard, libc::PROT_NONE) } != 0 {
            return None; // dropping `stack` unmaps it
        }
        Some(stack)
    }

    /// The low end of the usable region.
    fn low(&self) -> *mut u8 {
        // SAFETY: within the mapping.
        unsafe { self.base.add(self.guard) }
    }

    /// Gives back the pages below the top `KEEP_RESIDENT` bytes if the last
    /// call reached them. A stack is touched downwards page by page (Rust
    /// probes every page of a large frame), so if the page just below the
    /// kept region is not resident, nothing deeper is either.
    fn trim(&self) {
        if self.usable <= KEEP_RESIDENT {
            return;
        }
        let deep_len = self.usable - KEEP_RESIDENT;
        // SAFETY: within the mapping, page aligned.
        let probe = unsafe { self.low().add(deep_len - self.guard) };
        let mut resident = 0u8;
        // SAFETY: `probe` is one mapped page; `resident` holds its one byte.
        let ok = unsafe { libc::mincore(probe.cast(), self.guard, &mut resident) } == 0;
        if ok && resident & 1 == 0 {
            return;
        }
        // SAFETY: our own mapping; the contents below the live frames of a
        // finished call are dead.
        unsafe { libc::madvise(self.low().cast(), deep_len, libc::MADV_DONTNEED) };
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // SAFETY: exactly the mapping made by `Stack::map`.
        unsafe { libc::munmap(self.base.cast(), self.usable + self.guard) };
    }
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(n).unwrap_or(4096)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(n: u64) -> u64 {
        // A real frame per level, so the recursion uses the stack.
        let pad = std::hint::black_box([n; 64]);
        if pad[0] == 0 {
            0
        } else {
            1 + depth(pad[63] - 1)
        }
    }

    #[test]
    fn deep_recursion_fits_and_the_stack_is_reused() {
        let size = 64 << 20;
        // Far deeper than a default 2 MiB thread stack allows.
        assert_eq!(on_big_stack(size, || depth(50_000)), 50_000);
        let first = FREE.with(|f| f.borrow().last().map(|s| s.base as usize));
        assert_eq!(on_big_stack(size, || depth(10)), 10);
        let second = FREE.with(|f| f.borrow().last().map(|s| s.base as usize));
        assert!(first.is_some());
        assert_eq!(first, second, "the same mapping serves both calls");
    }

    #[test]
    fn nested_calls_get_their_own_stacks_and_panics_pass_through() {
        let size = 16 << 20;
        let inner = on_big_stack(size, || {
            let outer_sp = psm::stack_pointer() as usize;
            on_big_stack(size, move || {
                let inner_sp = psm::stack_pointer() as usize;
                outer_sp.abs_diff(inner_sp) > size / 2
            })
        });
        assert!(inner, "a nested call runs on a different stack");
        let caught = catch_unwind(|| on_big_stack(size, || panic!("inside")));
        assert!(caught.is_err());
        assert_eq!(on_big_stack(size, || 7), 7, "usable after a panic");
    }
}
