#!/usr/bin/env bash
# Serves tests/fixtures on 127.0.0.1, runs `feedwright check` and `run` on a config pointing at
# it, then validates every output with scripts/validate-feeds.sh. Usage: scripts/demo-fixtures.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
port="${PORT:-$((20000 + RANDOM % 10000))}"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$root/tests/fixtures" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
sleep 1
base="http://127.0.0.1:$port"
cat > "$work/config.toml" <<TOML
[output]
base_url = "https://feeds.example.org/"
[fetch]
host_delay_ms = 0
robots_txt = true

[[site]]
id = "spacedaily"
title = "SpaceDaily"
  [site.items]
  item = "p:has(span.BH)"
  date = "span.BHS"
  image = "img"
  [[site.section]]
  id = "industry"
  title = "Space Industry"
  url = "$base/spacemedia/index-space-industry.html"
  [[site.section]]
  id = "feed-2013"
  title = "Site feed (2013)"
  url = "$base/spacemedia/spacedaily-2013.xml"
  source = "feed"

[[site]]
id = "ground"
title = "Ground Segment Notes"
timezone = "America/Los_Angeles"
  [site.items]
  item = "article.post"
  summary = "div.entry-summary"
  author = "span.author"
  [[site.section]]
  id = "posts"
  url = "$base/generic/blog.html"

[[site]]
id = "nachrichten"
timezone = "Europe/Berlin"
date_order = "dmy"
  [site.items]
  item = "li.n"
  date = "span.d"
  [[site.section]]
  id = "all"
  url = "$base/generic/latin1-no-meta.html"
TOML
cd "$root"
cargo build --release --quiet
./target/release/feedwright check --config "$work/config.toml"
summarise() {
  python3 -c 'import json,sys; r=json.load(sys.stdin)["sections"]; print("%s: %d sections, %d requests, %d answered 304, %d new, %d files written" % (sys.argv[1], len(r), sum(s["requests"] for s in r), sum(s["not_modified"] for s in r), sum(s["new"] for s in r), sum(s["written"] for s in r)))' "$1"
}
for pass in cold warm; do
  start=$(date +%s%N)
  ./target/release/feedwright run --json --config "$work/config.toml" | summarise "$pass run"
  echo "  wall time: $(( ($(date +%s%N) - start) / 1000000 )) ms"
done
"$root/scripts/validate-feeds.sh" "$work/feeds"
