//! Builtins: Symbols, keywords and equivalence.

use super::Registry;

/// Registers the Symbols, keywords and equivalence builtins.
pub fn register(r: &mut Registry) {
    r.category("Symbols, keywords and equivalence");
}
