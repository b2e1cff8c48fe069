//! Channels: Go-style, multi-producer multi-consumer, on crossbeam-channel.
//!
//! Closing drops the channel's own sender; receivers then drain what is
//! buffered and get `Closed` once no send is in progress. Sends after the
//! close fail. Nothing sent is lost or duplicated: crossbeam moves each
//! message to exactly one receiver.

use crate::value::Value;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TryRecvError};
use parking_lot::Mutex;
use std::time::Duration;

/// A channel: buffered or rendezvous, closable.
pub struct Channel {
    sender: Mutex<Option<Sender<Value>>>,
    receiver: Receiver<Value>,
}

/// The outcome of a receive.
pub enum Received {
    Value(Value),
    /// The channel is closed and drained.
    Closed,
    /// Nothing arrived in time (timed receive) or nothing is ready (try).
    NotReady,
}

impl Channel {
    /// A rendezvous channel (`capacity` 0) or a buffered one.
    pub fn new(capacity: usize) -> Channel {
        let (sender, receiver) = crossbeam_channel::bounded(capacity);
        Channel {
            sender: Mutex::new(Some(sender)),
            receiver,
        }
    }

    /// Sends `v`, blocking until it is accepted. Fails once closed.
    pub fn send(&self, v: Value) -> Result<(), Value> {
        let Some(sender) = self.sender.lock().clone() else {
            return Err(v);
        };
        sender.send(v).map_err(|e| e.0)
    }

    /// Receives, blocking until a value arrives or the channel is closed
    /// and drained.
    pub fn recv(&self) -> Received {
        match self.receiver.recv() {
            Ok(v) => Received::Value(v),
            Err(_) => Received::Closed,
        }
    }

    /// Receives, waiting at most `timeout`.
    pub fn recv_timeout(&self, timeout: Duration) -> Received {
        match self.receiver.recv_timeout(timeout) {
            Ok(v) => Received::Value(v),
            Err(RecvTimeoutError::Timeout) => Received::NotReady,
            Err(RecvTimeoutError::Disconnected) => Received::Closed,
        }
    }

    /// Receives without blocking.
    pub fn try_recv(&self) -> Received {
        match self.receiver.try_recv() {
            Ok(v) => Received::Value(v),
            Err(TryRecvError::Empty) => Received::NotReady,
            Err(TryRecvError::Disconnected) => Received::Closed,
        }
    }

    /// Closes the channel; closing twice is harmless.
    pub fn close(&self) {
        self.sender.lock().take();
    }

    pub fn is_closed(&self) -> bool {
        self.sender.lock().is_none()
    }

    /// The receiving end, for `select` over several channels.
    pub fn receiver(&self) -> &Receiver<Value> {
        &self.receiver
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffered_channel_drains_then_reports_closed() {
        let ch = Channel::new(2);
        ch.send(Value::int(1)).unwrap();
        ch.send(Value::int(2)).unwrap();
        ch.close();
        ch.close();
        assert!(ch.send(Value::int(3)).is_err());
        assert!(matches!(ch.recv(), Received::Value(v) if v.as_fixnum() == Some(1)));
        assert!(matches!(ch.try_recv(), Received::Value(v) if v.as_fixnum() == Some(2)));
        assert!(matches!(ch.recv(), Received::Closed));
    }

    #[test]
    fn rendezvous_send_waits_for_a_receiver() {
        let ch = std::sync::Arc::new(Channel::new(0));
        assert!(matches!(ch.try_recv(), Received::NotReady));
        let c = ch.clone();
        let t = std::thread::spawn(move || c.send(Value::int(7)).is_ok());
        assert!(
            matches!(ch.recv_timeout(Duration::from_secs(5)), Received::Value(v) if v.as_fixnum() == Some(7))
        );
        assert!(t.join().unwrap());
    }
}
