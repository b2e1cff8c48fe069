//! Builtins: Output.

use super::Registry;

/// Registers the Output builtins.
pub fn register(r: &mut Registry) {
    r.category("Output");
}
