//! Builtins: Hash tables.

use super::Registry;

/// Registers the Hash tables builtins.
pub fn register(r: &mut Registry) {
    r.category("Hash tables");
}
