//! Channels: Go-style, multi-producer multi-consumer, on crossbeam-channel.
//!
//! A `Channel` owns one crossbeam `Sender`/`Receiver` pair plus a *close
//! signal*: a second, never-used crossbeam channel whose sender is dropped
//! when the channel closes, which makes it permanently ready.
//!
//! - **Sending** first tries a non-blocking send under a read lock (the fast
//!   path: buffer space, or a receiver already waiting on a rendezvous
//!   channel). Otherwise the sender clones the crossbeam `Sender` and blocks
//!   in a `Select` over "send the value" and "the close signal fired". So a
//!   sender blocked when the channel closes is woken and fails, like a Go
//!   send on a channel closed under it (Go panics; we raise an error).
//! - **Closing** drops the channel's own `Sender` and the close signal's.
//!   Once the blocked senders have woken and dropped their clones, crossbeam
//!   reports the channel disconnected, so receivers drain what is buffered
//!   and then get `Closed`.
//! - **Receiving** is a plain crossbeam receive: no lock on that path.
//!
//! Nothing sent is lost or duplicated: crossbeam moves each message to
//! exactly one receiver, and a send that reports success has put its value
//! where a receiver will find it (a send racing with `close` may succeed or
//! fail, but never both). Receivers see `Closed` only after every sender
//! holding a clone has finished, so no value can arrive after the eof.

use crate::value::Value;
use crossbeam_channel::{Receiver, RecvTimeoutError, Select, Sender, TryRecvError, TrySendError};
use crossbeam_utils::{Backoff, CachePadded};
use parking_lot::RwLock;
use std::time::Duration;

/// A channel: buffered or rendezvous, closable.
pub struct Channel {
    /// `None` once closed. The close signal's sender lives here too, so one
    /// lock decides "open" for both.
    open: CachePadded<RwLock<Option<OpenEnds>>>,
    receiver: Receiver<Value>,
    /// Never carries a message; disconnected (and so ready) once closed.
    close_signal: Receiver<()>,
    capacity: usize,
}

struct OpenEnds {
    sender: Sender<Value>,
    /// Kept only to be dropped by `close`.
    _close_trigger: Sender<()>,
}

/// The outcome of a receive.
pub enum Received {
    Value(Value),
    /// The channel is closed and drained.
    Closed,
    /// Nothing arrived in time (timed receive) or nothing is ready (try).
    NotReady,
}

/// Why a send failed; the value is handed back.
pub enum SendFailed {
    /// The channel was already closed when the send began.
    Closed(Value),
    /// The sender was blocked (no receiver or no buffer space) when another
    /// thread closed the channel.
    ClosedWhileBlocked(Value),
    /// The sender was blocked and its `interrupted` check said stop.
    Interrupted(Value),
}

impl Channel {
    /// A rendezvous channel (`capacity` 0) or a buffered one.
    pub fn new(capacity: usize) -> Channel {
        let (sender, receiver) = crossbeam_channel::bounded(capacity);
        let (close_trigger, close_signal) = crossbeam_channel::bounded(0);
        Channel {
            open: CachePadded::new(RwLock::new(Some(OpenEnds {
                sender,
                _close_trigger: close_trigger,
            }))),
            receiver,
            close_signal,
            capacity,
        }
    }

    /// The buffer size given at creation (0 for a rendezvous channel).
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Sends `v`, blocking until a receiver or buffer space accepts it.
    /// Fails if the channel is closed before or while it waits.
    pub fn send(&self, v: Value) -> Result<(), SendFailed> {
        self.send_interruptible(v, Duration::MAX, &|| false)
    }

    /// `send`, but while blocked it calls `interrupted` every `poll` and
    /// gives up with `SendFailed::Interrupted` when that returns true (the
    /// REPL's Ctrl-C reaches a thread blocked in `channel-send` this way).
    pub fn send_interruptible(
        &self,
        v: Value,
        poll: Duration,
        interrupted: &dyn Fn() -> bool,
    ) -> Result<(), SendFailed> {
        let (sender, mut v) = {
            let open = self.open.read();
            let Some(ends) = &*open else {
                return Err(SendFailed::Closed(v));
            };
            match ends.sender.try_send(v) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Full(v)) => (ends.sender.clone(), v),
                // Unreachable while `ends.sender` is alive; treat as closed.
                Err(TrySendError::Disconnected(v)) => return Err(SendFailed::Closed(v)),
            }
        };
        // Spin briefly before blocking, as crossbeam's own `send` does: a
        // receiver usually frees a slot within microseconds, and parking
        // costs two system calls.
        let backoff = Backoff::new();
        while !backoff.is_completed() {
            backoff.snooze();
            match sender.try_send(v) {
                Ok(()) => return Ok(()),
                Err(TrySendError::Full(back) | TrySendError::Disconnected(back)) => v = back,
            }
        }
        let mut select = Select::new();
        let send_index = select.send(&sender);
        select.recv(&self.close_signal);
        let op = loop {
            match select.select_timeout(poll) {
                Ok(op) => break op,
                Err(_) if interrupted() => return Err(SendFailed::Interrupted(v)),
                Err(_) => {}
            }
        };
        if op.index() == send_index {
            return op
                .send(&sender, v)
                .map_err(|e| SendFailed::ClosedWhileBlocked(e.into_inner()));
        }
        // The close signal fired; completing the operation is required by
        // crossbeam and yields `Err(RecvError)` as the signal never sends.
        let _ = op.recv(&self.close_signal);
        Err(SendFailed::ClosedWhileBlocked(v))
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

    /// Closes the channel: wakes blocked senders (their sends fail) and,
    /// once the buffer is drained, blocked receivers. Closing twice is
    /// harmless.
    pub fn close(&self) {
        let ends = self.open.write().take();
        // Dropped outside the lock: dropping the last sender wakes threads.
        drop(ends);
    }

    /// Whether `close` has been called.
    pub fn is_closed(&self) -> bool {
        self.open.read().is_none()
    }

    /// The receiving end, for `select` over several channels. Ready with a
    /// value, or with a disconnection once the channel is closed and drained.
    pub fn receiver(&self) -> &Receiver<Value> {
        &self.receiver
    }
}

impl SendFailed {
    /// The value that was not sent.
    pub fn value(&self) -> &Value {
        match self {
            SendFailed::Closed(v)
            | SendFailed::ClosedWhileBlocked(v)
            | SendFailed::Interrupted(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;

    fn int(r: Received) -> Option<i64> {
        match r {
            Received::Value(v) => v.as_fixnum(),
            _ => None,
        }
    }

    #[test]
    fn buffered_channel_drains_then_reports_closed() {
        let ch = Channel::new(2);
        assert!(ch.send(Value::int(1)).is_ok());
        assert!(ch.send(Value::int(2)).is_ok());
        ch.close();
        ch.close();
        assert!(ch.is_closed());
        assert!(matches!(ch.send(Value::int(3)), Err(SendFailed::Closed(_))));
        assert_eq!(int(ch.recv()), Some(1));
        assert_eq!(int(ch.try_recv()), Some(2));
        assert!(matches!(ch.recv(), Received::Closed));
        assert!(matches!(ch.try_recv(), Received::Closed));
        assert!(matches!(
            ch.recv_timeout(Duration::from_millis(1)),
            Received::Closed
        ));
    }

    #[test]
    fn rendezvous_send_waits_for_a_receiver() {
        let ch = Arc::new(Channel::new(0));
        assert!(matches!(ch.try_recv(), Received::NotReady));
        let c = ch.clone();
        let t = std::thread::spawn(move || c.send(Value::int(7)).is_ok());
        assert_eq!(int(ch.recv_timeout(Duration::from_secs(10))), Some(7));
        assert!(t.join().unwrap());
    }

    #[test]
    fn timed_receive_on_an_idle_channel_times_out() {
        let ch = Channel::new(0);
        let start = Instant::now();
        assert!(matches!(
            ch.recv_timeout(Duration::from_millis(20)),
            Received::NotReady
        ));
        assert!(start.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn close_wakes_a_sender_blocked_on_a_rendezvous_channel() {
        let ch = Arc::new(Channel::new(0));
        let c = ch.clone();
        let t = std::thread::spawn(move || c.send(Value::int(1)));
        std::thread::sleep(Duration::from_millis(30));
        ch.close();
        let outcome = t.join().unwrap();
        assert!(matches!(
            outcome,
            Err(SendFailed::ClosedWhileBlocked(v)) if v.as_fixnum() == Some(1)
        ));
        assert!(matches!(ch.recv(), Received::Closed));
    }

    #[test]
    fn close_wakes_a_sender_blocked_on_a_full_buffer_and_keeps_the_buffer() {
        let ch = Arc::new(Channel::new(1));
        assert!(ch.send(Value::int(1)).is_ok());
        let c = ch.clone();
        let t = std::thread::spawn(move || c.send(Value::int(2)));
        std::thread::sleep(Duration::from_millis(30));
        ch.close();
        assert!(matches!(
            t.join().unwrap(),
            Err(SendFailed::ClosedWhileBlocked(_))
        ));
        assert_eq!(int(ch.recv()), Some(1));
        assert!(matches!(ch.recv(), Received::Closed));
    }

    #[test]
    fn an_interrupted_blocked_send_gives_its_value_back() {
        let ch = Channel::new(0);
        let outcome = ch.send_interruptible(Value::int(5), Duration::from_millis(5), &|| true);
        assert!(matches!(outcome, Err(SendFailed::Interrupted(v)) if v.as_fixnum() == Some(5)));
        assert!(matches!(ch.try_recv(), Received::NotReady));
    }

    #[test]
    fn close_wakes_blocked_receivers() {
        let ch = Arc::new(Channel::new(0));
        let receivers: Vec<_> = (0..3)
            .map(|_| {
                let c = ch.clone();
                std::thread::spawn(move || matches!(c.recv(), Received::Closed))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(30));
        ch.close();
        for r in receivers {
            assert!(r.join().unwrap());
        }
    }

    /// Several producers and consumers, some blocked in the slow path, with
    /// the channel closed after the producers finish: every successfully
    /// sent value is received exactly once.
    #[test]
    fn many_producers_and_consumers_lose_and_duplicate_nothing() {
        for capacity in [0, 1, 16] {
            let ch = Arc::new(Channel::new(capacity));
            let producers: Vec<_> = (0..4)
                .map(|p| {
                    let c = ch.clone();
                    std::thread::spawn(move || {
                        for i in 0..2000 {
                            assert!(c.send(Value::int(p * 2000 + i)).is_ok());
                        }
                    })
                })
                .collect();
            let consumers: Vec<_> = (0..3)
                .map(|_| {
                    let c = ch.clone();
                    std::thread::spawn(move || {
                        let mut got = Vec::new();
                        while let Some(n) = int(c.recv()) {
                            got.push(n);
                        }
                        got
                    })
                })
                .collect();
            for p in producers {
                p.join().unwrap();
            }
            ch.close();
            let mut all: Vec<i64> = consumers
                .into_iter()
                .flat_map(|c| c.join().unwrap())
                .collect();
            all.sort_unstable();
            assert_eq!(all, (0..8000).collect::<Vec<_>>(), "capacity {capacity}");
        }
    }

    /// Sends racing with `close`: each send either fails or is delivered,
    /// and nothing is received after the channel reports closed.
    #[test]
    fn sends_racing_with_close_are_delivered_or_refused() {
        for round in 0..20 {
            let ch = Arc::new(Channel::new(round % 3));
            let senders: Vec<_> = (0..3)
                .map(|p| {
                    let c = ch.clone();
                    std::thread::spawn(move || {
                        let mut sent = Vec::new();
                        for i in 0..200 {
                            if c.send(Value::int(p * 1000 + i)).is_ok() {
                                sent.push(p * 1000 + i);
                            }
                        }
                        sent
                    })
                })
                .collect();
            let c = ch.clone();
            let receiver = std::thread::spawn(move || {
                let mut got = Vec::new();
                while let Some(n) = int(c.recv()) {
                    got.push(n);
                }
                assert!(matches!(c.try_recv(), Received::Closed));
                got
            });
            std::thread::sleep(Duration::from_micros(200));
            ch.close();
            let mut sent: Vec<i64> = senders
                .into_iter()
                .flat_map(|s| s.join().unwrap())
                .collect();
            let mut got = receiver.join().unwrap();
            sent.sort_unstable();
            got.sort_unstable();
            assert_eq!(sent, got);
        }
    }
}
