//! Builtins: Characters.

use super::Registry;

/// Registers the Characters builtins.
pub fn register(r: &mut Registry) {
    r.category("Characters");
}
