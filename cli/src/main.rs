//! The `modelrt` command-line tool (being written).

fn main() {}
