//! Builtins: Control and errors.

use super::Registry;

/// Registers the Control and errors builtins.
pub fn register(r: &mut Registry) {
    r.category("Control and errors");
}
