//! Builtins: Numbers.

use super::Registry;

/// Registers the Numbers builtins.
pub fn register(r: &mut Registry) {
    r.category("Numbers");
}
