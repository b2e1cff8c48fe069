//! Registering Rust closures as Lisp procedures, with typed arguments.

use super::convert::{FromValue, IntoValue};
use lisp_runtime::object::{Foreign, ForeignFn};
use lisp_runtime::{Arity, Exception, Object, Value};

/// A Rust closure usable as a Lisp procedure taking `Args`.
///
/// Implemented for closures of zero to four arguments whose parameter
/// types implement [`FromValue`] and whose result implements
/// [`IntoValue`]. A conversion failure is raised as a Lisp error naming
/// the procedure and the argument.
pub trait IntoProcedure<Args> {
    fn arity(&self) -> Arity;
    fn into_foreign(self, name: String) -> Box<ForeignFn>;
}

fn convert<T: FromValue>(name: &str, pos: usize, v: &Value) -> Result<T, Exception> {
    T::from_value(v).map_err(|e| {
        Exception::error(
            format!("bad argument #{pos} to '{name}' ({})", e.message),
            vec![],
        )
    })
}

macro_rules! procedure {
    ($n:expr $(, $t:ident $i:tt)*) => {
        impl<F, R, $($t),*> IntoProcedure<($($t,)*)> for F
        where
            F: Fn($($t),*) -> R + Send + Sync + 'static,
            R: IntoValue,
            $($t: FromValue,)*
        {
            fn arity(&self) -> Arity {
                Arity::exactly($n)
            }
            #[allow(unused_variables)]
            fn into_foreign(self, name: String) -> Box<ForeignFn> {
                Box::new(move |_ctx, args: &[Value]| {
                    Ok((self)($(convert::<$t>(&name, $i + 1, &args[$i])?),*).into_value())
                })
            }
        }
    };
}

procedure!(0);
procedure!(1, A 0);
procedure!(2, A 0, B 1);
procedure!(3, A 0, B 1, C 2);
procedure!(4, A 0, B 1, C 2, D 3);

/// Builds the procedure value of a registered closure.
pub fn foreign_value<Args, F: IntoProcedure<Args>>(name: &str, f: F) -> Value {
    let arity = f.arity();
    Value::object(Object::Foreign(Box::new(Foreign {
        name: name.to_string(),
        arity,
        func: f.into_foreign(name.to_string()),
    })))
}
