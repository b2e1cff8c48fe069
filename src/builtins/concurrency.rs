//! Builtins: Concurrency.

use super::Registry;

/// Registers the Concurrency builtins.
pub fn register(r: &mut Registry) {
    r.category("Concurrency");
}
