//! The release executable is linked at a fixed address rather than position-independent: a PIE has the
//! dynamic loader read megabytes of relocations at start and write every pointer of its read-only tables,
//! and those pages stay resident for the life of the process (see BENCHMARKS.md). Debug and test builds keep
//! the toolchain's default.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if release && linux {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
