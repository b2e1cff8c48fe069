//! Where JIT code finds things in runtime memory: byte offsets of the
//! fields it reads inline (an object's kind, a pair's car and cdr, a
//! closure's template and captured values, a template's direct entry and
//! arity, the thread's global table and stack limit, an Arc's strong count).
//!
//! Struct fields use `offset_of!`. What Rust does not promise a layout for
//! (the fields inside `Vec`, `Box<[T]>` and `ArcInner`) is *probed* once on
//! real values: the layout of a type is fixed within one compiled binary,
//! so a probe is exact for the program that runs. Any probe that does not
//! come out unambiguous disables the JIT (`Bail::UnsupportedLayout`)
//! instead of guessing.

use lisp_runtime::object::{Arity, Closure, Template};
use lisp_runtime::value::HEAP_TAG;
use lisp_runtime::{Ctx, Object, Value};
use std::mem::offset_of;
use std::sync::Arc;

/// Offsets JIT code uses, all in bytes.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    /// The `Object` discriminant byte (offset 0, `repr(u8)`) of a closure and a pair.
    pub closure_kind: u8,
    pub pair_kind: u8,
    /// The discriminant bytes of the heap numbers: a big integer and a
    /// boxed float (`number?`).
    pub bigint_kind: u8,
    pub float_kind: u8,
    /// From an object's address: `Pair::car` and `Pair::cdr`.
    pub car: i32,
    pub cdr: i32,
    /// From an object's address: the `Arc<Template>` pointer of a closure.
    pub closure_template: i32,
    /// From an object's address: a closure's first captured value when its
    /// template captures at most `Closure::INLINE` values (inline), and the
    /// data pointer of the boxed captured values when it captures more.
    pub closure_inline: i32,
    pub closure_boxed: i32,
    /// From the pointer stored in an `Arc<Template>` to the `Template`.
    pub arc_data: i32,
    /// From a `Template`: `jit_direct` and `arity.required`.
    pub template_direct: i32,
    pub template_required: i32,
    /// From a `Ctx`: the globals' data pointer and length.
    pub ctx_globals_ptr: i32,
    pub ctx_globals_len: i32,
    /// From an object's address: its Arc's strong count (negative).
    pub strong_count: i32,
    /// From a `Ctx`: the `Arc<Interrupt>` pointer of `interrupt`, and from
    /// that pointer to its `jit_limit` and its flag.
    pub ctx_interrupt: i32,
    pub interrupt_jit_limit: i32,
    pub interrupt_flag: i32,
    /// From a `Ctx`: the `prims_redefined` byte.
    pub ctx_prims_redefined: i32,
    /// `Ctx::jit_result`.
    pub ctx_jit_result: i32,
}

/// Probes the layout; `None` when something is not as the JIT expects.
pub fn probe() -> Option<Layout> {
    let pair = lisp_runtime::list::cons(Value::fixnum(1), Value::fixnum(2));
    let pair_addr = object_address(&pair)?;
    let Some(Object::Pair(p)) = pair.as_object() else {
        return None;
    };
    let car = field_offset(pair_addr, &p.car)?;
    let cdr = field_offset(pair_addr, &p.cdr)?;
    let template = probe_template(Closure::INLINE);
    let captured = |i: usize| Value::fixnum(7 + i as i64);
    let closure = Value::object(Object::Closure(Closure::new(template.clone(), captured)));
    let closure_addr = object_address(&closure)?;
    let Some(Object::Closure(c)) = closure.as_object() else {
        return None;
    };
    let closure_template = field_offset(closure_addr, &c.template)?;
    // SAFETY: an `Arc<T>` field is one pointer-sized word; reading it as a
    // usize only inspects the bits.
    let stored = unsafe { *(std::ptr::addr_of!(c.template) as *const usize) };
    let arc_data = (Arc::as_ptr(&template) as usize).checked_sub(stored)?;
    // Inline: the values themselves, inside the closure (whose words are
    // all initialized: a template pointer and two value or slice words).
    let words = std::mem::size_of::<Closure>() / 8;
    let closure_field = field_offset(closure_addr, c)?;
    let closure_inline = field_offset(closure_addr, c.captured().first()?)?;
    for i in 0..Closure::INLINE {
        let raw = captured(i).raw() as usize;
        let word = find_word((c as *const Closure).cast(), words, raw)?;
        (closure_field + 8 * word as i32 == closure_inline + 8 * i as i32).then_some(())?;
    }
    // Boxed: the only word of the closure holding the data pointer.
    let boxed = Value::object(Object::Closure(Closure::new(
        probe_template(Closure::INLINE + 1),
        captured,
    )));
    let boxed_addr = object_address(&boxed)?;
    let Some(Object::Closure(b)) = boxed.as_object() else {
        return None;
    };
    let data = b.captured().as_ptr() as usize;
    let data_word = find_word((b as *const Closure).cast(), words, data)?;
    let closure_boxed = field_offset(boxed_addr, b)? + 8 * data_word as i32;

    let mut globals = Vec::with_capacity(5);
    globals.extend([Value::NIL, Value::NIL, Value::NIL]);
    let globals_ptr = globals.as_ptr() as usize;
    let vec_base: *const usize = std::ptr::addr_of!(globals).cast();
    let ptr_word = find_word(vec_base, 3, globals_ptr)?;
    let len_word = find_word(vec_base, 3, 3)?;
    let ctx_globals = offset_of!(Ctx, globals) as i32;

    let strong_count = probe_strong_count(&pair, pair_addr)?;
    let flag = Arc::new(lisp_runtime::ctx::Interrupt::new());
    let flag_field: *const Arc<lisp_runtime::ctx::Interrupt> = &flag;
    // SAFETY: an `Arc<T>` is one pointer-sized word; reading it as a usize
    // only inspects the bits.
    let flag_stored = unsafe { *(flag_field as *const usize) };
    let jit_limit = flag.jit_limit() as *const std::sync::atomic::AtomicUsize as usize;
    let interrupt_jit_limit = jit_limit.checked_sub(flag_stored)?;
    let flag_byte = flag.flag() as *const std::sync::atomic::AtomicBool as usize;
    let interrupt_flag = flag_byte.checked_sub(flag_stored)?;
    let bigint = Value::object(Object::BigInt(Box::new(
        num_bigint::BigInt::from(1u8) << 70,
    )));
    let float = Value::float(f64::MAX);
    let layout = Layout {
        closure_kind: kind_byte(closure_addr),
        pair_kind: kind_byte(pair_addr),
        bigint_kind: kind_byte(object_address(&bigint)?),
        float_kind: kind_byte(object_address(&float)?),
        car,
        cdr,
        closure_template,
        closure_inline,
        closure_boxed,
        arc_data: i32::try_from(arc_data).ok()?,
        template_direct: offset_of!(Template, jit_direct) as i32,
        template_required: (offset_of!(Template, arity) + offset_of!(Arity, required)) as i32,
        ctx_globals_ptr: ctx_globals + 8 * ptr_word as i32,
        ctx_globals_len: ctx_globals + 8 * len_word as i32,
        strong_count,
        ctx_interrupt: offset_of!(Ctx, interrupt) as i32,
        ctx_prims_redefined: offset_of!(Ctx, prims_redefined) as i32,
        ctx_jit_result: offset_of!(Ctx, jit_result) as i32,
        interrupt_jit_limit: i32::try_from(interrupt_jit_limit).ok()?,
        interrupt_flag: i32::try_from(interrupt_flag).ok()?,
    };
    let kinds = [
        layout.closure_kind,
        layout.pair_kind,
        layout.bigint_kind,
        layout.float_kind,
    ];
    let distinct = (1..kinds.len()).all(|i| !kinds[..i].contains(&kinds[i]));
    distinct.then_some(layout)
}

/// A template for probe closures with `captures` captured values.
fn probe_template(captures: usize) -> Arc<Template> {
    Arc::new(Template::new(
        Arity::exactly(0),
        Arc::new(()),
        captures as u32,
    ))
}

/// The address of the `Object` a heap value points to.
fn object_address(v: &Value) -> Option<usize> {
    v.is_heap().then(|| (v.raw() - HEAP_TAG) as usize)
}

fn field_offset<T>(base: usize, field: &T) -> Option<i32> {
    let at = field as *const T as usize;
    i32::try_from(at.checked_sub(base)?).ok()
}

/// The index of the only word among `count` at `base` equal to `wanted`.
fn find_word(base: *const usize, count: usize, wanted: usize) -> Option<usize> {
    // SAFETY: callers pass the address of a live value at least `count`
    // words long; we only read the words.
    let words: Vec<usize> = (0..count).map(|i| unsafe { *base.add(i) }).collect();
    let mut hits = words.iter().enumerate().filter(|(_, &w)| w == wanted);
    let (index, _) = hits.next()?;
    hits.next().is_none().then_some(index)
}

fn kind_byte(object_addr: usize) -> u8 {
    // SAFETY: `Object` is `repr(u8)`, so its first byte is the discriminant
    // and the object is live for the duration of the probe.
    unsafe { *(object_addr as *const u8) }
}

/// Finds the strong count as the word before the object whose value
/// follows clones and drops of the value.
fn probe_strong_count(v: &Value, object_addr: usize) -> Option<i32> {
    let read = |offset: isize| {
        // SAFETY: the Arc header (one count word, or strong and weak
        // words) sits right before the payload; the probe reads the word
        // just before it first, and the one before that only if that word
        // did not follow the count (a two-word header).
        unsafe { *((object_addr as isize + offset) as *const usize) }
    };
    for offset in [-8isize, -16] {
        let before = read(offset);
        let extra = v.clone();
        let after = read(offset);
        drop(extra);
        if after == before + 1 && read(offset) == before {
            return Some(offset as i32);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_probe_succeeds_on_this_build() {
        let layout = probe().expect("layout probe");
        assert_ne!(layout.car, layout.cdr);
        assert!(layout.strong_count < 0);
    }
}
