//! Builtins: Testing.

use super::Registry;

/// Registers the Testing builtins.
pub fn register(r: &mut Registry) {
    r.category("Testing");
}
