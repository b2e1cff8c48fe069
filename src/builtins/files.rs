//! Builtins: Files and ports.

use super::Registry;

/// Registers the Files and ports builtins.
pub fn register(r: &mut Registry) {
    r.category("Files and ports");
}
