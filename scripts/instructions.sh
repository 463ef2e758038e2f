#!/usr/bin/env bash
# Instructions per page, stage by stage, in a whole cold run: counted by valgrind's callgrind
# (exact and repeatable where CPU time moves with the machine's load). Serves SECTIONS
# (default 50) of the pages scripts/bench.sh serves (60 items in 77 KB on 20 loopback hosts)
# with the same selectors, runs `feedwright run` once under callgrind, and prints per page:
# html5ever's parse (the floor), extraction, normalisation (the loop over a page's items),
# their ratio to the parse, and the whole process.
#
# Usage: scripts/instructions.sh [SECTIONS]     Needs: valgrind (Debian package "valgrind").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sections="${1:-50}"
port="${PORT:-18183}"
command -v valgrind >/dev/null || { echo "needs valgrind: apt-get install valgrind" >&2; exit 2; }
work="$(mktemp -d)"
cd "$root"
cargo build --release --quiet
cargo build --release --quiet --example bench_server
./target/release/examples/bench_server "$sections" 20 "$port" 60 77 > "$work/server.log" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q ready "$work/server.log" && break; sleep 0.1; done
{
  printf '[output]\nformats = ["rss"]\n\n[fetch]\nhost_delay_ms = 0\nretries = 0\n\n'
  printf '[[site]]\nid = "bench"\n  [site.items]\n  item = "div.item"\n  title = "a.title"\n  link = "a.title@href"\n  date = "time@datetime"\n  summary = "p.teaser"\n  image = "img"\n'
  for i in $(seq 0 $((sections - 1))); do
    h=$(( i % 20 ))
    printf '  [[site.section]]\n  id = "s%d"\n  url = "http://127.0.0.%d:%s/s/%d.html"\n' "$i" $(( h + 1 )) "$port" "$i"
  done
} > "$work/feedwright.toml"
valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" \
  ./target/release/feedwright run --config "$work/feedwright.toml" > /dev/null 2> "$work/valgrind.log"
callgrind_annotate --inclusive=yes "$work/callgrind.out" > "$work/annotated.txt" 2>/dev/null
count() { grep -F "$1" "$work/annotated.txt" | head -1 | awk '{gsub(",", "", $1); print $1}'; }
python3 - "$sections" \
  "$(count 'scraper::html::Html::parse_document [')" \
  "$(count 'feedwright::extract::items::extract_items [')" \
  "$(count 'feedwright::pipeline::gather::gather::{{closure}} [')" \
  "$(grep 'PROGRAM TOTALS' "$work/annotated.txt" | awk '{gsub(",", "", $1); print $1}')" <<'PY'
import sys
pages, parse, extract, normalize, total = (int(a) for a in sys.argv[1:])
for name, value in (("parse (floor)", parse), ("extract", extract), ("normalize", normalize), ("whole run", total)):
    print(f"{name:14} {value / pages:>12,.0f} instructions per page")
print(f"(parse + extract + normalize) / parse = {(parse + extract + normalize) / parse:.2f}")
PY
