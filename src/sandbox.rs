//! sandbox (to be written).
