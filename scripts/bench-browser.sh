#!/usr/bin/env bash
# Browser rendering benchmark: N sections (default 50) with render = "browser", half built from
# inline JSON, half from a JSON API fetched after load, served on 127.0.0.1 by Python's
# http.server. Reports wall time, rendering cost per page, CPU time and peak memory of
# feedwright and its Chromium together (every process is sampled every 50 ms: proportional set
# size, which shares pages used by several processes fairly, summed over the processes alive
# at once; CPU summed over all of them; Chromium's processes are those of its process groups),
# for `tabs` 1, 2 and 4.
#
# Usage: scripts/bench-browser.sh [SECTIONS]     Needs: chromium (apt-get install chromium).
# TABS="2" limits the tabs tried; BROWSER=chromium-headless-shell sets [browser] path.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sections="${1:-50}"
port="${PORT:-18191}"
work="$(mktemp -d)"
cd "$root"
cargo build --release --quiet
mkdir -p "$work/site/api"
cp tests/fixtures/browser/inline-json.html tests/fixtures/browser/api.html "$work/site/"
cp tests/fixtures/browser/api-items.json "$work/site/api/items.json"
echo "body { margin: 0 }" > "$work/site/style.css"
(cd "$work/site" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
sleep 1

for tabs in ${TABS:-1 2 4}; do
  {
    printf '[output]\ndir = "%s/feeds-%s"\n\n[state]\npath = "%s/state-%s.db"\n\n' "$work" "$tabs" "$work" "$tabs"
    printf '[fetch]\nhost_delay_ms = 0\nrobots_txt = false\ntimeout_secs = 30\n\n[browser]\ntabs = %s\n' "$tabs"
    [ -n "${BROWSER:-}" ] && printf 'path = "%s"\n' "$BROWSER"
    printf '\n'
    printf '[[site]]\nid = "bench"\nrender = "browser"\n'
    for i in $(seq 0 $((sections - 1))); do
      if (( i % 2 )); then page="api.html"; else page="inline-json.html"; fi
      printf '  [[site.section]]\n  id = "s%d"\n  url = "http://127.0.0.1:%s/%s?s=%d"\n' "$i" "$port" "$page" "$i"
    done
  } > "$work/config-$tabs.toml"
  mkdir -p "$work/tmp-$tabs"
  python3 - "$work" "$tabs" "$sections" <<'PY'
import os, subprocess, sys, time
work, tabs, sections = sys.argv[1], sys.argv[2], int(sys.argv[3])
marker = f"{work}/tmp-{tabs}"
env = dict(os.environ, TMPDIR=marker)
tick = os.sysconf("SC_CLK_TCK")
start = time.monotonic()
run = subprocess.Popen(["target/release/feedwright", "run", "--quiet", "--config", f"{work}/config-{tabs}.toml"], env=env)
peak, cpu = 0, {}
def stat(pid):
    # Fields after the command name: state, ppid, pgrp, ... utime (12th), stime (13th).
    return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()

while run.poll() is None:
    pids = [p for p in os.listdir("/proc") if p.isdigit()]
    groups = set()
    for pid in pids:
        try:
            if int(pid) == run.pid or marker in open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace"):
                groups.add(stat(pid)[2])
        except OSError:
            continue
    total = 0
    for pid in pids:
        try:
            fields = stat(pid)
            if fields[2] not in groups:
                continue
            cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
            rollup = open(f"/proc/{pid}/smaps_rollup").read()
            total += int(rollup.split("Pss:")[1].split()[0]) * 1024
        except (OSError, IndexError):
            continue
    peak = max(peak, total)
    time.sleep(0.05)
wall = time.monotonic() - start
print(f"tabs={tabs}: {sections} pages in {wall:.1f} s wall ({1000 * wall / sections:.0f} ms a page), "
      f"CPU {sum(cpu.values()):.1f} s ({1000 * sum(cpu.values()) / sections:.0f} ms a page), "
      f"peak memory {peak / 2**20:.0f} MiB PSS (feedwright + Chromium), exit {run.returncode}")
PY
done
