#!/usr/bin/env bash
# Scores the maintained full-text extraction crates side by side on tests/fixtures/fulltext/
# (240 labelled article pages): precision, recall, F1, milliseconds per page and peak memory,
# with html5ever's parse of the same pages as the floor. Builds a throwaway project from
# scripts/fulltext-engines/ (the candidates are not dependencies of feedwright).
set -euo pipefail
cd "$(dirname "$0")/.."
fixtures="$PWD/tests/fixtures/fulltext"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cp scripts/fulltext-engines/Cargo.toml.in "$work/Cargo.toml"
cp scripts/fulltext-engines/main.rs "$work/src/main.rs"
(cd "$work" && cargo build --release --quiet)
for engine in html5ever dom_smoothie readabilityrs rs-trafilatura readability rs-trafilatura-html \
    trafilatura-then-smoothie smoothie-then-trafilatura agreement dom_smoothie+clean \
    rs-trafilatura+clean trafilatura-then-smoothie+clean agreement+clean; do
  /usr/bin/time -f "  peak RSS %M KB" "$work/target/release/fulltext-engines" "$engine" "$fixtures"
done
