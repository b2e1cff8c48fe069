//! Builtins: Maps.

use super::Registry;

/// Registers the Maps builtins.
pub fn register(r: &mut Registry) {
    r.category("Maps");
}
