//! Ports: where `display`, `write`, `read-line` and friends send and get
//! text. A port is a lock around its state, so several threads may share
//! one (each write is atomic with respect to the others).

use parking_lot::Mutex;
use std::io::{BufRead, Write};

/// An input or output port.
pub struct Port {
    pub kind: Mutex<PortKind>,
}

/// What a port reads from or writes to.
pub enum PortKind {
    /// Collects output in memory (`open-output-string`, `with-output-to-string`).
    StringOutput(String),
    /// Reads from an in-memory string at a byte position.
    StringInput {
        text: String,
        pos: usize,
    },
    /// The process's standard output.
    Stdout,
    /// A file or socket opened for writing.
    Writer(Box<dyn Write + Send>),
    /// A file or socket opened for reading.
    Reader(Box<dyn BufRead + Send>),
    /// A socket: both directions.
    Duplex {
        reader: Box<dyn BufRead + Send>,
        writer: Box<dyn Write + Send>,
    },
    Closed,
}

impl Port {
    pub fn new(kind: PortKind) -> Port {
        Port {
            kind: Mutex::new(kind),
        }
    }

    /// Writes `s`; fails on closed or input-only ports.
    pub fn write_str(&self, s: &str) -> Result<(), String> {
        let mut kind = self.kind.lock();
        let result = match &mut *kind {
            PortKind::StringOutput(buf) => {
                buf.push_str(s);
                Ok(())
            }
            PortKind::Stdout => std::io::stdout().lock().write_all(s.as_bytes()),
            PortKind::Writer(w) => w.write_all(s.as_bytes()),
            PortKind::Duplex { writer, .. } => {
                writer.write_all(s.as_bytes()).and_then(|_| writer.flush())
            }
            PortKind::Closed => return Err("port is closed".into()),
            PortKind::StringInput { .. } | PortKind::Reader(_) => {
                return Err("not an output port".into())
            }
        };
        result.map_err(|e| e.to_string())
    }

    /// Flushes buffered output.
    pub fn flush(&self) -> Result<(), String> {
        let mut kind = self.kind.lock();
        let result = match &mut *kind {
            PortKind::Stdout => std::io::stdout().flush(),
            PortKind::Writer(w) => w.flush(),
            PortKind::Duplex { writer, .. } => writer.flush(),
            _ => Ok(()),
        };
        result.map_err(|e| e.to_string())
    }

    /// Reads one line without its terminator; `None` at end of input.
    pub fn read_line(&self) -> Result<Option<String>, String> {
        let mut kind = self.kind.lock();
        match &mut *kind {
            PortKind::StringInput { text, pos } => {
                if *pos >= text.len() {
                    return Ok(None);
                }
                let rest = &text[*pos..];
                let end = rest.find('\n').map_or(rest.len(), |i| i);
                let line = rest[..end].trim_end_matches('\r').to_string();
                *pos += (end + 1).min(rest.len());
                Ok(Some(line))
            }
            PortKind::Reader(r) | PortKind::Duplex { reader: r, .. } => {
                let mut line = String::new();
                match r.read_line(&mut line) {
                    Ok(0) => Ok(None),
                    Ok(_) => {
                        while line.ends_with('\n') || line.ends_with('\r') {
                            line.pop();
                        }
                        Ok(Some(line))
                    }
                    Err(e) => Err(e.to_string()),
                }
            }
            PortKind::Closed => Err("port is closed".into()),
            _ => Err("not an input port".into()),
        }
    }

    /// Reads (or, with `peek`, looks at) one character; `None` at end.
    pub fn read_char(&self, peek: bool) -> Result<Option<char>, String> {
        let mut kind = self.kind.lock();
        match &mut *kind {
            PortKind::StringInput { text, pos } => {
                let c = text[*pos..].chars().next();
                if let (Some(c), false) = (c, peek) {
                    *pos += c.len_utf8();
                }
                Ok(c)
            }
            PortKind::Reader(r) | PortKind::Duplex { reader: r, .. } => {
                let buf = r.fill_buf().map_err(|e| e.to_string())?;
                if buf.is_empty() {
                    return Ok(None);
                }
                let width = utf8_width(buf[0]);
                let take = width.min(buf.len());
                let c = std::str::from_utf8(&buf[..take])
                    .ok()
                    .and_then(|s| s.chars().next())
                    .unwrap_or('\u{fffd}');
                if !peek {
                    r.consume(take);
                }
                Ok(Some(c))
            }
            PortKind::Closed => Err("port is closed".into()),
            _ => Err("not an input port".into()),
        }
    }

    /// Everything left to read.
    pub fn read_rest(&self) -> Result<String, String> {
        let mut kind = self.kind.lock();
        match &mut *kind {
            PortKind::StringInput { text, pos } => {
                let rest = text[*pos..].to_string();
                *pos = text.len();
                Ok(rest)
            }
            PortKind::Reader(r) | PortKind::Duplex { reader: r, .. } => {
                let mut out = String::new();
                r.read_to_string(&mut out).map_err(|e| e.to_string())?;
                Ok(out)
            }
            PortKind::Closed => Err("port is closed".into()),
            _ => Err("not an input port".into()),
        }
    }

    /// Turns a reader port into a string port holding everything left to
    /// read, so that a parser can look ahead and leave what follows a
    /// datum for later reads. Other ports are left as they are.
    pub fn buffer_rest(&self) -> Result<(), String> {
        let mut kind = self.kind.lock();
        if let PortKind::Reader(r) = &mut *kind {
            let mut text = String::new();
            r.read_to_string(&mut text).map_err(|e| e.to_string())?;
            *kind = PortKind::StringInput { text, pos: 0 };
        }
        Ok(())
    }

    pub fn is_input(&self) -> bool {
        matches!(
            &*self.kind.lock(),
            PortKind::StringInput { .. } | PortKind::Reader(_) | PortKind::Duplex { .. }
        )
    }

    pub fn is_output(&self) -> bool {
        matches!(
            &*self.kind.lock(),
            PortKind::StringOutput(_)
                | PortKind::Stdout
                | PortKind::Writer(_)
                | PortKind::Duplex { .. }
        )
    }

    /// Closes the port (flushing output); closing twice is harmless.
    pub fn close(&self) {
        let _ = self.flush();
        *self.kind.lock() = PortKind::Closed;
    }
}

fn utf8_width(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

use std::io::Read;
