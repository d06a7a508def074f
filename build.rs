//! Generates the provider modules from `providers/` (or `$MODELRT_PROVIDERS_DIR`) into OUT_DIR,
//! and sets `cfg(modelrt_live)` under `MODELRT_LIVE=1`, which un-ignores the live tests.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(modelrt_live)");
    println!("cargo::rerun-if-env-changed=MODELRT_LIVE");
    if std::env::var("MODELRT_LIVE").is_ok_and(|v| v.trim() == "1") {
        println!("cargo::rustc-cfg=modelrt_live");
    }
    modelrt_codegen::build::run();
}
