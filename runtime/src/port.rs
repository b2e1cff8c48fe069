//! Ports: string ports for `with-output-to-string`, file and socket ports.

use parking_lot::Mutex;

/// An input or output port.
pub struct Port {
    pub kind: Mutex<PortKind>,
}

/// What a port reads from or writes to.
pub enum PortKind {
    /// Collects output in memory.
    StringOutput(String),
    /// Reads from an in-memory string at a byte position.
    StringInput {
        text: String,
        pos: usize,
    },
    Closed,
}
