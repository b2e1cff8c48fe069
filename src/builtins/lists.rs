//! Builtins: Lists.

use super::Registry;

/// Registers the Lists builtins.
pub fn register(r: &mut Registry) {
    r.category("Lists");
}
