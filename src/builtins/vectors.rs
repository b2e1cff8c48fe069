//! Builtins: Vectors.

use super::Registry;

/// Registers the Vectors builtins.
pub fn register(r: &mut Registry) {
    r.category("Vectors");
}
