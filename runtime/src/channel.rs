//! Channels (Go-style, MPMC, on crossbeam-channel). See the concurrency
//! section of LANGUAGE.md for the semantics.

use crate::value::Value;

/// A channel: buffered or rendezvous, closable.
pub struct Channel {
    pub sender: parking_lot::Mutex<Option<crossbeam_channel::Sender<Value>>>,
    pub receiver: crossbeam_channel::Receiver<Value>,
}
