//! Compile-time checks (DESIGN.md): every mismatch between a provider's YAML and its Rust, and
//! every capability a model's YAML does not declare, must fail to compile with a message a
//! person can act on. The expected compiler output is pinned in `tests/ui/**/*.stderr`
//! (rustc 1.95); regenerate with `TRYBUILD=overwrite` and review the diff.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/wiring/*.rs");
    cases.compile_fail("tests/ui/hooks/*.rs");
    cases.compile_fail("tests/ui/sdk/*.rs");
}
