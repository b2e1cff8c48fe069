//! Errors are data. An `ErrorObject` is the Lisp-visible error (message and
//! irritants); an `Exception` is what Rust code propagates with `Err`: the
//! raised value plus where it happened and the Lisp frames it crossed.

use crate::object::Object;
use crate::span::Span;
use crate::symbol::Symbol;
use crate::value::Value;

/// The payload of `(error "message" irritant ...)` and of every error the
/// system raises.
pub struct ErrorObject {
    pub message: String,
    pub irritants: Vec<Value>,
    /// A classification symbol: `error`, `read-error`, `file-error`, ...
    pub kind: Symbol,
}

/// One Lisp frame of a backtrace: the procedure and the call site.
#[derive(Clone, Debug)]
pub struct Frame {
    pub procedure: String,
    pub call_site: Span,
}

/// What is propagated through `Err`.
#[derive(Clone)]
pub enum Signal {
    /// `raise`, `raise-continuable` or an error raised by the system.
    Raise { payload: Value, continuable: bool },
    /// `(exit n)`: unwinds to the top level.
    Exit(i32),
    /// An escape-only continuation was invoked with these values.
    Escape { tag: u64, value: Value },
}

/// A raised condition travelling up the Rust stack.
#[derive(Clone)]
pub struct Exception(pub Box<ExceptionData>);

/// The contents of an `Exception`.
#[derive(Clone)]
pub struct ExceptionData {
    pub signal: Signal,
    /// Where the error was raised (the innermost call site), once known.
    pub span: Option<Span>,
    /// Lisp frames from innermost to outermost.
    pub backtrace: Vec<Frame>,
    /// Handlers at this depth of `Ctx::handlers` and above must not see
    /// this exception: it was raised by one of them (`usize::MAX`: none).
    pub skip_handlers_from: usize,
}

impl Exception {
    pub fn new(signal: Signal) -> Exception {
        Exception(Box::new(ExceptionData {
            signal,
            span: None,
            backtrace: Vec::new(),
            skip_handlers_from: usize::MAX,
        }))
    }

    /// Raises `payload` as `raise` does.
    pub fn raise(payload: Value) -> Exception {
        Exception::new(Signal::Raise {
            payload,
            continuable: false,
        })
    }

    /// An error object with `message` and `irritants`, kind `error`.
    pub fn error(message: impl Into<String>, irritants: Vec<Value>) -> Exception {
        Exception::raise(error_value("error", message.into(), irritants))
    }

    /// An error of the given kind, e.g. `file-error`.
    pub fn error_of_kind(kind: &str, message: impl Into<String>) -> Exception {
        Exception::raise(error_value(kind, message.into(), Vec::new()))
    }

    /// `bad argument #N to 'proc' (EXPECTED expected, got VALUE)`.
    pub fn wrong_type(procedure: &str, position: usize, expected: &str, got: &Value) -> Exception {
        Exception::error(
            format!(
                "bad argument #{position} to '{procedure}' ({expected} expected, got {})",
                crate::printer::write_string_truncated(got, 60)
            ),
            Vec::new(),
        )
    }

    /// `'proc' expects N arguments, got M`.
    pub fn arity(procedure: &str, expected: &str, got: usize) -> Exception {
        let plural = if matches!(expected, "1" | "at least 1") {
            ""
        } else {
            "s"
        };
        Exception::error(
            format!("'{procedure}' expects {expected} argument{plural}, got {got}"),
            Vec::new(),
        )
    }

    pub fn signal(&self) -> &Signal {
        &self.0.signal
    }

    /// The raised value, if this is a raise.
    pub fn payload(&self) -> Option<&Value> {
        match &self.0.signal {
            Signal::Raise { payload, .. } => Some(payload),
            _ => None,
        }
    }

    /// Records the innermost source position, if none is recorded yet.
    pub fn at(mut self, span: Span) -> Exception {
        if self.0.span.is_none() && !span.is_unknown() {
            self.0.span = Some(span);
        }
        self
    }

    /// Appends a frame while the exception unwinds through a procedure.
    pub fn push_frame(&mut self, procedure: String, call_site: Span) {
        if self.0.backtrace.len() < 10_000 {
            self.0.backtrace.push(Frame {
                procedure,
                call_site,
            });
        }
    }

    /// The message a user sees: an error object's message followed by its
    /// written irritants, or `uncaught exception: VALUE` for other payloads.
    pub fn message(&self) -> String {
        match &self.0.signal {
            Signal::Raise { payload, .. } => describe_payload(payload),
            Signal::Exit(code) => format!("exit {code}"),
            Signal::Escape { .. } => "continuation invoked outside its extent".to_string(),
        }
    }
}

impl std::fmt::Debug for Exception {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Exception({})", self.message())
    }
}

/// A new error object value.
pub fn error_value(kind: &str, message: String, irritants: Vec<Value>) -> Value {
    Value::object(Object::Error(Box::new(ErrorObject {
        message,
        irritants,
        kind: Symbol::intern(kind),
    })))
}

/// The text of a raised value as printed after `error: `.
pub fn describe_payload(payload: &Value) -> String {
    match payload.as_object() {
        Some(Object::Error(e)) => {
            let mut text = e.message.clone();
            for irritant in &e.irritants {
                text.push(' ');
                text.push_str(&crate::printer::write_string(irritant));
            }
            text
        }
        _ => format!(
            "uncaught exception: {}",
            crate::printer::write_string(payload)
        ),
    }
}
