//! Links the `feedwright` binary with packed relative relocations (DT_RELR) where the C
//! library loading it understands them: the table of pointers the loader fixes up at start
//! shrinks from 2.3 MB, read from disk and kept resident in every run, to a few KB.
//!
//! Only for a build that runs where it is built (not cross-compiled) against glibc 2.36 or
//! later: an older glibc refuses such a binary, and would refuse the build scripts and tests
//! too, so the flag goes to the binary alone.

use std::process::Command;

/// The first glibc whose loader reads DT_RELR.
const DT_RELR_SINCE: (u32, u32) = (2, 36);

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let native = var("TARGET") == var("HOST");
    if native
        && var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && glibc().is_some_and(|version| version >= DT_RELR_SINCE)
    {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// This machine's glibc version, as `getconf GNU_LIBC_VERSION` says it ("glibc 2.36").
fn glibc() -> Option<(u32, u32)> {
    let output = Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let (major, minor) = text.trim().strip_prefix("glibc ")?.split_once('.')?;
    let minor = minor.split(|c: char| !c.is_ascii_digit()).next()?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}
