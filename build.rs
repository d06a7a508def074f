//! Generates the provider modules from `providers/` (or `$MODELRT_PROVIDERS_DIR`) into OUT_DIR.

fn main() {
    modelrt_codegen::build::run();
}
