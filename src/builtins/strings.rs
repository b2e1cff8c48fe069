//! Builtins: Strings.

use super::Registry;

/// Registers the Strings builtins.
pub fn register(r: &mut Registry) {
    r.category("Strings");
}
