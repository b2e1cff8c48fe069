//! Builtins: control and errors — `apply`, exceptions (`raise`,
//! `with-exception-handler`, and the `%guard` behind `guard`), escape
//! continuations, `dynamic-wind`, multiple values, parameters, promises,
//! records, `eval` and `exit`.
//!
//! Handlers: `ctx.handlers` holds the handlers of the enclosing
//! `with-exception-handler`s, with `#f` marking a `guard`. A non-continuable
//! raise unwinds to the nearest frame, which then runs the handler (so
//! errors raised by builtins and by `raise` behave alike); if a handler
//! returns from a non-continuable raise, a secondary error is raised, as
//! R7RS specifies. `raise-continuable` calls the innermost handler at once
//! and returns its value.

use super::{args, Doc, Registry};
use crate::syntax::Datum;
use lisp_runtime::error::error_value;
use lisp_runtime::list::list_from;
use lisp_runtime::object::{Parameter, Promise, Record, RecordType};
use lisp_runtime::{Arity, Ctx, Exception, Object, Signal, Symbol, Value};
use parking_lot::{Mutex, RwLock};
use std::sync::atomic::{AtomicU64, Ordering};

type R = Result<Value, Exception>;

/// Registers the control and error builtins.
pub fn register(r: &mut Registry) {
    r.category("Control and errors");
    r.def("apply", Arity::at_least(2), apply, Doc {
        sig: "(apply proc arg ... list)",
        desc: "Calls PROC with the ARGs followed by the elements of LIST. A call of apply in tail position is a proper tail call.",
        example: "(apply + 1 2 '(3 4))", result: "10", see: "map call-with-values",
    });
    r.def("error", Arity::at_least(1), error, Doc {
        sig: "(error message irritant ...)",
        desc: "Raises a new error object with MESSAGE (a string) and the IRRITANTS. Catch it with guard or with-exception-handler.",
        example: "(guard (e (#t (error-object-message e))) (error \"bad thing\" 42))", result: "\"bad thing\"", see: "raise guard error-object-message",
    });
    r.def("raise", Arity::exactly(1), raise, Doc {
        sig: "(raise obj)",
        desc: "Raises OBJ as an exception (any value can be raised). Non-continuable: if a handler returns, a secondary error is raised.",
        example: "(guard (e ((symbol? e) e)) (raise 'oops))", result: "oops", see: "raise-continuable guard error",
    });
    r.def("raise-continuable", Arity::exactly(1), raise_continuable, Doc {
        sig: "(raise-continuable obj)",
        desc: "Calls the innermost exception handler with OBJ and returns the handler's value to the point of the raise.",
        example: "(with-exception-handler (lambda (e) 10) (lambda () (+ 1 (raise-continuable 'x))))", result: "11", see: "with-exception-handler raise",
    });
    r.def("with-exception-handler", Arity::exactly(2), with_exception_handler, Doc {
        sig: "(with-exception-handler handler thunk)",
        desc: "Calls THUNK with HANDLER installed. Errors and raised objects are passed to HANDLER; for raise-continuable its value is returned to the raise point, otherwise the handler should escape (e.g. through a continuation).",
        example: "(call/cc (lambda (k) (with-exception-handler (lambda (e) (k 'handled)) (lambda () (car '())))))", result: "handled", see: "guard raise-continuable call/cc",
    });
    r.def("%guard", Arity::exactly(2), guard, Doc {
        sig: "(%guard thunk handler)",
        desc: "The procedure behind the guard form: calls THUNK; if it raises, calls HANDLER with the raised object, re-raising when no guard clause matched.",
        example: "(%guard (lambda () (raise 1)) (lambda (e) (+ e 1)))", result: "2", see: "guard",
    });
    r.def(
        "error-object?",
        Arity::exactly(1),
        is_error_object,
        Doc {
            sig: "(error-object? obj)",
            desc: "True if OBJ is an error object (made by error or raised by the system).",
            example: "(guard (e (#t (error-object? e))) (car 1))",
            result: "#t",
            see: "error error-object-message",
        },
    );
    r.alias("error?", "error-object?");
    r.def(
        "error-object-message",
        Arity::exactly(1),
        error_object_message,
        Doc {
            sig: "(error-object-message err)",
            desc: "The message string of an error object.",
            example: "(guard (e (#t (error-object-message e))) (error \"boom\" 1 2))",
            result: "\"boom\"",
            see: "error-object-irritants error-msg",
        },
    );
    r.alias("error-msg", "error-object-message");
    r.def(
        "error-object-irritants",
        Arity::exactly(1),
        error_object_irritants,
        Doc {
            sig: "(error-object-irritants err)",
            desc: "The list of irritants of an error object.",
            example: "(guard (e (#t (error-object-irritants e))) (error \"boom\" 1 2))",
            result: "(1 2)",
            see: "error-object-message",
        },
    );
    r.def(
        "file-error?",
        Arity::exactly(1),
        is_file_error,
        Doc {
            sig: "(file-error? obj)",
            desc: "True if OBJ is an error raised by a file operation.",
            example: "(file-error? 1)",
            result: "#f",
            see: "error-object?",
        },
    );
    r.def(
        "read-error?",
        Arity::exactly(1),
        is_read_error,
        Doc {
            sig: "(read-error? obj)",
            desc: "True if OBJ is an error raised by the reader.",
            example: "(read-error? 1)",
            result: "#f",
            see: "error-object?",
        },
    );
    r.def(
        "exit",
        Arity::between(0, 1),
        exit,
        Doc {
            sig: "(exit [code])",
            desc:
                "Ends the program with exit status CODE (0 by default; #t means 0 and #f means 1).",
            example: "(procedure? exit)",
            result: "#t",
            see: "command-line",
        },
    );
    r.def(
        "current-time-ms",
        Arity::exactly(0),
        current_time_ms,
        Doc {
            sig: "(current-time-ms)",
            desc: "Milliseconds since the Unix epoch, as an integer.",
            example: "(integer? (current-time-ms))",
            result: "#t",
            see: "sleep",
        },
    );
    r.def("call/cc", Arity::exactly(1), call_cc, Doc {
        sig: "(call/cc proc)", desc: "Calls PROC with an escape continuation k; calling (k v) returns v from call/cc. Continuations are escape-only: they cannot be re-entered after call/cc returns.",
        example: "(+ 1 (call/cc (lambda (k) (* 10 (k 2)))))", result: "3", see: "call-with-current-continuation dynamic-wind",
    });
    r.alias("call-with-current-continuation", "call/cc");
    r.alias("call-with-escape-continuation", "call/cc");
    r.def("dynamic-wind", Arity::exactly(3), dynamic_wind, Doc {
        sig: "(dynamic-wind before thunk after)", desc: "Calls BEFORE, then THUNK, then AFTER, even when THUNK exits by an error or a continuation; returns THUNK's value.",
        example: "(dynamic-wind (lambda () 1) (lambda () 2) (lambda () 3))", result: "2", see: "call/cc",
    });
    r.def(
        "values",
        Arity::at_least(0),
        values,
        Doc {
            sig: "(values obj ...)",
            desc: "Returns its arguments as multiple values (see call-with-values, let-values).",
            example: "(call-with-values (lambda () (values 1 2)) +)",
            result: "3",
            see: "call-with-values let-values",
        },
    );
    r.def(
        "call-with-values",
        Arity::exactly(2),
        call_with_values,
        Doc {
            sig: "(call-with-values producer consumer)",
            desc: "Calls PRODUCER with no arguments and CONSUMER with the values it returns.",
            example: "(call-with-values (lambda () (values 1 2)) list)",
            result: "(1 2)",
            see: "values let-values",
        },
    );
    r.def("make-parameter", Arity::between(1, 2), make_parameter, Doc {
        sig: "(make-parameter value [converter])", desc: "A parameter object: calling it returns its current value; parameterize rebinds it for a dynamic extent. CONVERTER, if given, is applied to every new value.",
        example: "(let ((p (make-parameter 1))) (parameterize ((p 2)) (p)))", result: "2", see: "parameterize",
    });
    r.def(
        "%parameterize",
        Arity::exactly(3),
        parameterize,
        Doc {
            sig: "(%parameterize params values thunk)",
            desc: "The procedure behind parameterize.",
            example:
                "(let ((p (make-parameter 1))) (%parameterize (list p) (list 5) (lambda () (p))))",
            result: "5",
            see: "parameterize make-parameter",
        },
    );
    r.def(
        "%make-promise",
        Arity::exactly(1),
        make_lazy_promise,
        Doc {
            sig: "(%make-promise thunk)",
            desc: "The procedure behind delay: a promise that calls THUNK when first forced.",
            example: "(force (%make-promise (lambda () 3)))",
            result: "3",
            see: "delay force",
        },
    );
    r.def(
        "make-promise",
        Arity::exactly(1),
        make_promise,
        Doc {
            sig: "(make-promise obj)",
            desc: "A promise already forced to OBJ (OBJ itself if it is a promise).",
            example: "(force (make-promise 5))",
            result: "5",
            see: "delay force",
        },
    );
    r.def(
        "promise?",
        Arity::exactly(1),
        is_promise,
        Doc {
            sig: "(promise? obj)",
            desc: "True if OBJ is a promise.",
            example: "(promise? (delay 1))",
            result: "#t",
            see: "delay force",
        },
    );
    r.def("force", Arity::exactly(1), force, Doc {
        sig: "(force promise)", desc: "The value of PROMISE, computing it the first time and remembering it. A non-promise is returned as is.",
        example: "(force (delay (+ 1 2)))", result: "3", see: "delay make-promise",
    });
    r.def(
        "%make-record-type",
        Arity::exactly(2),
        make_record_type,
        Doc {
            sig: "(%make-record-type name fields)",
            desc: "The procedure behind define-record-type: a new record type.",
            example: "(%make-record-type 'point '(x y))",
            result: "#<record-type point>",
            see: "define-record-type",
        },
    );
    r.def(
        "%make-record",
        Arity::at_least(1),
        make_record,
        Doc {
            sig: "(%make-record type field ...)",
            desc: "The procedure behind record constructors.",
            example: "(%make-record (%make-record-type 'p '(x)) 1)",
            result: "#<p x: 1>",
            see: "define-record-type",
        },
    );
    r.def(
        "%record?",
        Arity::exactly(2),
        is_record,
        Doc {
            sig: "(%record? obj type)",
            desc: "The procedure behind record predicates.",
            example: "(%record? 1 (%make-record-type 'p '(x)))",
            result: "#f",
            see: "define-record-type",
        },
    );
    r.def("%record-ref", Arity::exactly(4), record_ref, Doc {
        sig: "(%record-ref obj type index accessor-name)", desc: "The procedure behind record accessors.",
        example: "(let ((t (%make-record-type 'p '(x)))) (%record-ref (%make-record t 7) t 0 \"p-x\"))", result: "7", see: "define-record-type",
    });
    r.def("%record-set!", Arity::exactly(5), record_set, Doc {
        sig: "(%record-set! obj type index value modifier-name)", desc: "The procedure behind record modifiers.",
        example: "(let* ((t (%make-record-type 'p '(x))) (r (%make-record t 7))) (%record-set! r t 0 8 \"set-p-x!\") (%record-ref r t 0 \"p-x\"))", result: "8", see: "define-record-type",
    });
    r.def("eval", Arity::between(1, 2), eval, Doc {
        sig: "(eval expr [environment])", desc: "Evaluates the datum EXPR at top level and returns its value. The environment argument is accepted and ignored: there is one global environment per thread.",
        example: "(eval '(+ 1 2))", result: "3", see: "quote load",
    });
    r.def(
        "interaction-environment",
        Arity::exactly(0),
        interaction_environment,
        Doc {
            sig: "(interaction-environment)",
            desc: "A token standing for the global environment, for use with eval.",
            example: "(eval '(* 2 3) (interaction-environment))",
            result: "6",
            see: "eval",
        },
    );
    r.def("command-line", Arity::exactly(0), command_line, Doc {
        sig: "(command-line)", desc: "The program's command line as a list of strings: the script name followed by its arguments.",
        example: "(list? (command-line))", result: "#t", see: "exit",
    });
    r.def(
        "%assert",
        Arity::exactly(2),
        assert,
        Doc {
            sig: "(%assert value text)",
            desc: "The procedure behind assert: raises an error quoting TEXT when VALUE is #f.",
            example: "(%assert #t \"x\")",
            result: "#t",
            see: "assert assert-true",
        },
    );
}

/// `(apply proc arg ... list)`
pub fn apply(ctx: &mut Ctx, a: &[Value]) -> R {
    let f = args::procedure("apply", 1, &a[0])?;
    let last = &a[a.len() - 1];
    let mut all: Vec<Value> = a[1..a.len() - 1].to_vec();
    all.extend(args::list("apply", a.len(), last)?);
    ctx.apply(f, &all)
}

fn error(_: &mut Ctx, a: &[Value]) -> R {
    let message = match a[0].as_str() {
        Some(s) => s.to_string(),
        None => lisp_runtime::printer::display_string(&a[0]),
    };
    Err(Exception::raise(error_value(
        "error",
        message,
        a[1..].to_vec(),
    )))
}

fn raise(_: &mut Ctx, a: &[Value]) -> R {
    Err(Exception::raise(a[0].clone()))
}

fn raise_continuable(ctx: &mut Ctx, a: &[Value]) -> R {
    let Some(handler) = ctx.handlers.last().filter(|h| h.is_true()).cloned() else {
        return Err(Exception::new(Signal::Raise {
            payload: a[0].clone(),
            continuable: true,
        }));
    };
    // The handler runs with the outer handlers installed.
    let depth = ctx.handlers.len() - 1;
    let saved = ctx.handlers.split_off(depth);
    let result = ctx.apply(&handler, &[a[0].clone()]);
    ctx.handlers.extend(saved);
    result.map_err(|mut e| {
        e.0.skip_handlers_from = e.0.skip_handlers_from.min(depth);
        e
    })
}

fn with_exception_handler(ctx: &mut Ctx, a: &[Value]) -> R {
    let handler = args::procedure("with-exception-handler", 1, &a[0])?.clone();
    let thunk = args::procedure("with-exception-handler", 2, &a[1])?;
    let depth = ctx.handlers.len();
    ctx.handlers.push(handler.clone());
    let result = ctx.apply(thunk, &[]);
    ctx.handlers.truncate(depth);
    let err = match result {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let payload = match &err.0.signal {
        Signal::Raise { payload, .. } if err.0.skip_handlers_from > depth => payload.clone(),
        _ => return Err(err),
    };
    ctx.apply(&handler, std::slice::from_ref(&payload))?;
    let mut secondary = Exception::raise(error_value(
        "error",
        "exception handler returned from a non-continuable raise".into(),
        vec![payload],
    ));
    secondary.0.span = err.0.span;
    secondary.0.backtrace = err.0.backtrace.clone();
    Err(secondary)
}

fn guard(ctx: &mut Ctx, a: &[Value]) -> R {
    let depth = ctx.handlers.len();
    ctx.handlers.push(Value::FALSE);
    let result = ctx.apply(&a[0], &[]);
    ctx.handlers.truncate(depth);
    let err = match result {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let payload = match &err.0.signal {
        Signal::Raise { payload, .. } if err.0.skip_handlers_from > depth => payload.clone(),
        _ => return Err(err),
    };
    let v = ctx.apply(&a[1], &[payload])?;
    if v.is(&crate::expand::guard_no_match()) {
        return Err(err);
    }
    Ok(v)
}

fn error_object(v: &Value) -> Option<&lisp_runtime::error::ErrorObject> {
    match v.as_object() {
        Some(Object::Error(e)) => Some(e),
        _ => None,
    }
}

fn is_error_object(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(error_object(&a[0]).is_some()))
}

fn error_object_message(_: &mut Ctx, a: &[Value]) -> R {
    let e = error_object(&a[0])
        .ok_or_else(|| Exception::wrong_type("error-object-message", 1, "error object", &a[0]))?;
    Ok(lisp_runtime::list::string(e.message.as_str()))
}

fn error_object_irritants(_: &mut Ctx, a: &[Value]) -> R {
    let e = error_object(&a[0])
        .ok_or_else(|| Exception::wrong_type("error-object-irritants", 1, "error object", &a[0]))?;
    Ok(list_from(e.irritants.clone()))
}

fn is_file_error(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(
        error_object(&a[0]).is_some_and(|e| &*e.kind.name() == "file-error"),
    ))
}

fn is_read_error(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(
        error_object(&a[0]).is_some_and(|e| &*e.kind.name() == "read-error"),
    ))
}

fn exit(_: &mut Ctx, a: &[Value]) -> R {
    let code = match a.first() {
        None => 0,
        Some(v) if v.is_bool() => i32::from(v.is_false()),
        Some(v) => v
            .as_fixnum()
            .map(|n| n as i32)
            .ok_or_else(|| Exception::wrong_type("exit", 1, "integer or boolean", v))?,
    };
    Err(Exception::new(Signal::Exit(code)))
}

fn current_time_ms(_: &mut Ctx, _: &[Value]) -> R {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    Ok(Value::int(ms))
}

fn call_cc(ctx: &mut Ctx, a: &[Value]) -> R {
    static NEXT_TAG: AtomicU64 = AtomicU64::new(1);
    let f = args::procedure("call/cc", 1, &a[0])?;
    let tag = NEXT_TAG.fetch_add(1, Ordering::Relaxed);
    let k = Value::object(Object::Continuation(tag));
    match ctx.apply(f, &[k]) {
        Err(e) => match &e.0.signal {
            Signal::Escape { tag: t, value } if *t == tag => Ok(value.clone()),
            _ => Err(e),
        },
        ok => ok,
    }
}

fn dynamic_wind(ctx: &mut Ctx, a: &[Value]) -> R {
    ctx.apply(&a[0], &[])?;
    let result = ctx.apply(&a[1], &[]);
    ctx.apply(&a[2], &[])?;
    result
}

fn values(_: &mut Ctx, a: &[Value]) -> R {
    Ok(match a.len() {
        1 => a[0].clone(),
        _ => Value::object(Object::Values(a.to_vec().into_boxed_slice())),
    })
}

fn call_with_values(ctx: &mut Ctx, a: &[Value]) -> R {
    let produced = ctx.apply(&a[0], &[])?;
    match produced.as_object() {
        Some(Object::Values(items)) => {
            let items = items.to_vec();
            ctx.apply(&a[1], &items)
        }
        _ => ctx.apply(&a[1], &[produced]),
    }
}

fn make_parameter(ctx: &mut Ctx, a: &[Value]) -> R {
    let converter = a.get(1).cloned().unwrap_or(Value::FALSE);
    let value = if converter.is_true() {
        ctx.apply(&converter, &[a[0].clone()])?
    } else {
        a[0].clone()
    };
    Ok(Value::object(Object::Parameter(Parameter {
        value: Mutex::new(value),
        converter,
    })))
}

fn parameterize(ctx: &mut Ctx, a: &[Value]) -> R {
    let params = args::list("parameterize", 1, &a[0])?;
    let vals = args::list("parameterize", 2, &a[1])?;
    let mut bindings = Vec::new();
    for (p, v) in params.iter().zip(vals) {
        let Some(Object::Parameter(param)) = p.as_object() else {
            return Err(Exception::wrong_type("parameterize", 1, "parameter", p));
        };
        let v = if param.converter.is_true() {
            ctx.apply(&param.converter, &[v])?
        } else {
            v
        };
        bindings.push((p.clone(), v));
    }
    let depth = ctx.params.len();
    ctx.params.extend(bindings);
    let result = ctx.apply(&a[2], &[]);
    ctx.params.truncate(depth);
    result
}

fn make_lazy_promise(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::object(Object::Promise(Mutex::new(
        Promise::Delayed(a[0].clone()),
    ))))
}

fn make_promise(_: &mut Ctx, a: &[Value]) -> R {
    if let Some(Object::Promise(_)) = a[0].as_object() {
        return Ok(a[0].clone());
    }
    Ok(Value::object(Object::Promise(Mutex::new(Promise::Forced(
        a[0].clone(),
    )))))
}

fn is_promise(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(matches!(
        a[0].as_object(),
        Some(Object::Promise(_))
    )))
}

fn force(ctx: &mut Ctx, a: &[Value]) -> R {
    let Some(Object::Promise(state)) = a[0].as_object() else {
        return Ok(a[0].clone());
    };
    loop {
        let thunk = match &*state.lock() {
            Promise::Forced(v) => return Ok(v.clone()),
            Promise::Delayed(thunk) => thunk.clone(),
        };
        let result = ctx.apply(&thunk, &[])?;
        let mut guard = state.lock();
        if let Promise::Forced(v) = &*guard {
            return Ok(v.clone()); // forced re-entrantly while we computed
        }
        match result.as_object() {
            // delay-force: adopt the inner promise's state and go on.
            Some(Object::Promise(inner)) => {
                let adopted = match &*inner.lock() {
                    Promise::Forced(v) => Promise::Forced(v.clone()),
                    Promise::Delayed(t) => Promise::Delayed(t.clone()),
                };
                *guard = adopted;
            }
            _ => {
                *guard = Promise::Forced(result.clone());
                return Ok(result);
            }
        }
    }
}

fn make_record_type(_: &mut Ctx, a: &[Value]) -> R {
    let name = args::symbol("%make-record-type", 1, &a[0])?;
    let fields = args::list("%make-record-type", 2, &a[1])?
        .iter()
        .map(|f| args::symbol("%make-record-type", 2, f))
        .collect::<Result<Vec<Symbol>, _>>()?;
    Ok(Value::object(Object::RecordType(RecordType {
        name,
        fields: fields.into_boxed_slice(),
    })))
}

fn make_record(_: &mut Ctx, a: &[Value]) -> R {
    let Some(Object::RecordType(t)) = a[0].as_object() else {
        return Err(Exception::wrong_type(
            "%make-record",
            1,
            "record type",
            &a[0],
        ));
    };
    let mut fields: Vec<Value> = a[1..].to_vec();
    fields.resize(t.fields.len(), Value::FALSE);
    Ok(Value::object(Object::Record(Box::new(Record {
        rtype: a[0].clone(),
        fields: RwLock::new(fields.into_boxed_slice()),
    }))))
}

fn record_of<'a>(v: &'a Value, rtype: &Value) -> Option<&'a Record> {
    match v.as_object() {
        Some(Object::Record(r)) if r.rtype.is(rtype) => Some(r),
        _ => None,
    }
}

fn is_record(_: &mut Ctx, a: &[Value]) -> R {
    Ok(Value::bool(record_of(&a[0], &a[1]).is_some()))
}

fn type_label(rtype: &Value) -> String {
    match rtype.as_object() {
        Some(Object::RecordType(t)) => t
            .name
            .name()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string(),
        _ => "record".into(),
    }
}

fn record_ref(_: &mut Ctx, a: &[Value]) -> R {
    let name = a[3].as_str().unwrap_or("record accessor");
    let r = record_of(&a[0], &a[1])
        .ok_or_else(|| Exception::wrong_type(name, 1, &type_label(&a[1]), &a[0]))?;
    let i = args::index(name, 2, &a[2])?;
    let fields = r.fields.read();
    fields
        .get(i)
        .cloned()
        .ok_or_else(|| Exception::error(format!("{name}: no field {i}"), vec![]))
}

fn record_set(_: &mut Ctx, a: &[Value]) -> R {
    let name = a[4].as_str().unwrap_or("record modifier");
    let r = record_of(&a[0], &a[1])
        .ok_or_else(|| Exception::wrong_type(name, 1, &type_label(&a[1]), &a[0]))?;
    let i = args::index(name, 2, &a[2])?;
    let mut fields = r.fields.write();
    let slot = fields
        .get_mut(i)
        .ok_or_else(|| Exception::error(format!("{name}: no field {i}"), vec![]))?;
    *slot = a[3].clone();
    Ok(Value::VOID)
}

fn eval(ctx: &mut Ctx, a: &[Value]) -> R {
    let host = ctx.host.clone();
    let host = host
        .downcast_ref::<crate::engine::Host>()
        .ok_or_else(|| Exception::error("eval: no engine", vec![]))?;
    host.eval_datum(ctx, Datum::from_value(&a[0], lisp_runtime::Span::default()))
}

fn interaction_environment(_: &mut Ctx, _: &[Value]) -> R {
    Ok(Value::symbol(Symbol::intern("interaction-environment")))
}

fn command_line(ctx: &mut Ctx, _: &[Value]) -> R {
    let host = ctx.host.clone();
    let args = host
        .downcast_ref::<crate::engine::Host>()
        .map(|h| h.command_line.clone())
        .unwrap_or_default();
    Ok(list_from(
        args.iter()
            .map(|s| lisp_runtime::list::string(s.as_str()))
            .collect::<Vec<_>>(),
    ))
}

fn assert(_: &mut Ctx, a: &[Value]) -> R {
    if a[0].is_false() {
        let text = a[1].as_str().unwrap_or("?");
        return Err(Exception::error(
            format!("assertion failed: {text}"),
            vec![],
        ));
    }
    Ok(a[0].clone())
}
