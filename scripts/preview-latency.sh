#!/usr/bin/env bash
# How long the builder's live preview takes per edit: starts `feedwright serve` (the release
# binary) and a local copy of real listing pages of about 100 KB, loads each page once through
# the app, then asks for the preview ROUNDS times per page, alternating the item selector as
# a person editing would, and prints the median and the slowest answer, as the client sees
# it (wall) and as the server measured it.
#
#   scripts/preview-latency.sh            # ROUNDS=30
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-30}"
PAGES="${PAGES:-autopager-86.html autopager-101.html autopager-106.html autopager-95.html}"
cargo build --release --quiet
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
site_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
app_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd tests/fixtures/real && exec python3 -m http.server "$site_port" --bind 127.0.0.1 >/dev/null 2>&1) &
printf '[output]\ndir = "feeds"\n[fetch]\nhost_delay_ms = 0\nrobots_txt = false\n' > "$work/config.toml"
target/release/feedwright serve --config "$work/config.toml" --addr "127.0.0.1:$app_port" 2>/dev/null &
for _ in $(seq 50); do curl -s "http://127.0.0.1:$app_port/healthz" >/dev/null && break; sleep 0.1; done
python3 - "$app_port" "$site_port" "$ROUNDS" $PAGES <<'PY'
import json, statistics, sys, time, urllib.request
app, site, rounds, pages = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
def post(path, body):
    request = urllib.request.Request(f"http://127.0.0.1:{app}{path}", json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)
for page in pages:
    detected = post("/api/detect", {"url": f"http://127.0.0.1:{site}/{page}"})
    best = detected["candidates"][0]["items"]
    walls, served = [], []
    for i in range(rounds):
        items = dict(best)
        if i % 2:
            items["title"] = "a"
        start = time.perf_counter()
        answer = post("/api/preview", {"snapshot": detected["snapshot"], "items": items})
        walls.append((time.perf_counter() - start) * 1000)
        served.append(answer["millis"])
    size = len(urllib.request.urlopen(f"http://127.0.0.1:{site}/{page}").read()) // 1024
    print(f"{page} ({size} KB, {len(answer['items'])} items): preview median {statistics.median(walls):.0f} ms, "
          f"slowest {max(walls):.0f} ms (server {statistics.median(served):.0f} / {max(served)} ms)")
PY
