//! help (to be written).
