//! The JIT tier: lowers core IR lambdas to native code with Cranelift.
