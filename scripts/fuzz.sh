#!/usr/bin/env bash
# Longer fuzzing of decode → extract → normalize → render with cargo-fuzz (libFuzzer).
# Usage: scripts/fuzz.sh [SECONDS]   (default 300). Installs cargo-fuzz if missing.
# The machine's toolchain is stable, so nightly-only flags are enabled with RUSTC_BOOTSTRAP.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz
mkdir -p fuzz/corpus/pipeline
cp -n tests/fixtures/*/*.html tests/fixtures/*/*.xml fuzz/corpus/pipeline/ 2>/dev/null || true
RUSTC_BOOTSTRAP=1 cargo fuzz run pipeline fuzz/corpus/pipeline -- -max_total_time="$seconds" -max_len=65536
