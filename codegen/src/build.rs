//! The body of modelrt's `build.rs`: load, report, emit, write if changed.
//! (Being written.)
