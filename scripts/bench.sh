#!/usr/bin/env bash
# Whole-run benchmark: N sections (default 1000) of index pages across 20 loopback hosts,
# served by examples/bench_server.rs: 60 items in 77 KB each (ITEMS, KB; ITEMS=0 for the mixed
# shapes of 40–60 items in 60–150 KB), RSS only (FORMATS, e.g. '"rss", "atom", "json"'),
# concurrency 8 (CONCURRENCY). With SHAPE=smn the pages are shaped like the Space Media
# Network's instead: windows-1252 named only in a <META>, `p` items with a `span.BH` headline, a
# `(SPX)` dateline and a teaser ending in "... read more" (60 items in 77 KB unless ITEMS/KB
# say otherwise). Measures a cold run, a warm run (every page 304) (median of
# five) and a run where 10 % of the pages changed: wall time, CPU time, peak RSS
# (/usr/bin/time -v), requests, and where feedwright's CPU went, stage by stage
# (FEEDWRIGHT_STAGES; "other" is HTTP, TLS, the runtime and start-up). Then runs rsspls 0.12
# (cargo install rsspls) on the same pages with equivalent selectors and prints the ratios,
# for the median runs and for each alternating cold run.
#
# With SHARDS=N (N > 1) it then runs N workers side by side (`run --shard K/N`, each its own
# state, one output folder), cold then warm, and prints each worker's wall, CPU and peak RSS.
#
# Usage: [SHAPE=smn] [HOSTS=20] [SHARDS=4] [BENCH_DIR=/dev/shm] [COLD=3] [SYSCALLS=1]
#        scripts/bench.sh [SECTIONS]
# With SYSCALLS=1 a cold and a warm run are also made under `strace -c -f` (package "strace"):
# system calls per section, futex calls among them.
# Needs: /usr/bin/time (Debian package "time"). BENCH_DIR (default $TMPDIR or /tmp) holds the
# feeds and states. A cold run creates thousands of files, and ext4 without a journal creates
# files more slowly for up to six minutes after a large deletion (it passes over recently
# deleted inodes one by one), so earlier runs' files are moved aside, not deleted, until the
# end; the previous bench's deletion can still slow the first runs of the next.
# Politeness delays are off here (host_delay_ms = 0): this measures the work, not the waiting.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sections="${1:-1000}"
hosts="${HOSTS:-20}"
port="${PORT:-18181}"
items="${ITEMS:-60}"
kb="${KB:-77}"
formats="${FORMATS:-\"rss\"}"
concurrency="${CONCURRENCY:-8}"
layout="${SHAPE:-news}"
shape=()
[ "$items" -gt 0 ] && shape=("$items" "$kb")
if [ "$layout" = smn ]; then
  [ "$items" -gt 0 ] || { echo "SHAPE=smn needs ITEMS > 0" >&2; exit 2; }
  shape+=(smn)
fi
work="$(mktemp -d -p "${BENCH_DIR:-${TMPDIR:-/tmp}}")"
cd "$root"
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time: apt-get install time" >&2; exit 2; }
command -v rsspls >/dev/null || cargo install rsspls --version 0.12.0
cargo build --release --quiet
cargo build --release --quiet --example bench_server
./target/release/examples/bench_server "$sections" "$hosts" "$port" "${shape[@]}" > "$work/server.log" &
server=$!
trap 'kill $server 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q ready "$work/server.log" && break; sleep 0.1; done

# Host h (from 0) is 127.0.h/250.h%250+1, as bench_server binds them.
url() { local h=$(( $1 % hosts )); echo "http://127.0.$(( h / 250 )).$(( h % 250 + 1 )):$port/s/$1.html"; }

# feedwright: one site, N sections.
{
  printf '[output]\nbase_url = "https://feeds.example.org/"\nformats = [%s]\n\n[fetch]\nconcurrency = %d\nhost_delay_ms = 0\nretries = 0\nrobots_txt = true\n\n' "$formats" "$concurrency"
  if [ "$layout" = smn ]; then
    printf '[[site]]\nid = "bench"\n  [site.items]\n  item = "p:has(span.BH)"\n  title = "span.BH a"\n  link = "span.BH a@href"\n  date = "span.BHS"\n  image = "img"\n'
  else
    printf '[[site]]\nid = "bench"\n  [site.items]\n  item = "div.item"\n  title = "a.title"\n  link = "a.title@href"\n  date = "time@datetime"\n  summary = "p.teaser"\n  image = "img"\n'
  fi
  for i in $(seq 0 $((sections - 1))); do
    printf '  [[site.section]]\n  id = "s%d"\n  url = "%s"\n' "$i" "$(url "$i")"
  done
} > "$work/feedwright.toml"

# rsspls: the same pages and selectors.
{
  printf '[rsspls]\noutput = "%s/rsspls-feeds"\n\n' "$work"
  for i in $(seq 0 $((sections - 1))); do
    # rsspls's selectors have no :has(): its items are every `p`, and those without a headline
    # are left out with an error line each.
    if [ "$layout" = smn ]; then
      printf '[[feed]]\ntitle = "s%d"\nfilename = "s%d.rss"\n[feed.config]\nurl = "%s"\nitem = "p"\nheading = "span.BH a"\nlink = "span.BH a"\ndate = "span.BHS"\nmedia = "img"\n\n' "$i" "$i" "$(url "$i")"
    else
      printf '[[feed]]\ntitle = "s%d"\nfilename = "s%d.rss"\n[feed.config]\nurl = "%s"\nitem = "div.item"\nheading = "a.title"\nlink = "a.title"\nsummary = "p.teaser"\ndate = "time"\nmedia = "img"\n\n' "$i" "$i" "$(url "$i")"
    fi
  done
} > "$work/rsspls.toml"
mkdir -p "$work/rsspls-feeds"

# measure NAME COMMAND...: prints "NAME wall_s cpu_s rss_mib" and keeps stdout in $work/NAME.out
measure() {
  local name=$1; shift
  /usr/bin/time -v -o "$work/$name.time" "$@" > "$work/$name.out" 2> "$work/$name.err" || true
  grep '^cpu ms:' "$work/$name.err" >> "$work/$name.stages" || true
  python3 - "$work/$name.time" "$name" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
get = lambda key: re.search(re.escape(key) + r":\s*(.+)", text).group(1).strip()
wall = get("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")
wall_s = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
cpu = float(get("User time (seconds)")) + float(get("System time (seconds)"))
rss = int(get("Maximum resident set size (kbytes)")) / 1024
print(f"{sys.argv[2]} {wall_s:.2f} {cpu:.2f} {rss:.1f}")
PY
}

# measure_median NAME RUNS COMMAND...: like measure, RUNS times; keeps the run of median CPU
# time (one warm run takes a tenth of a second, the clock ticks in hundredths).
measure_median() {
  local name=$1 runs=$2; shift 2
  for i in $(seq "$runs"); do measure "$name" "$@"; done | sort -k3 -n | sed -n "$(( (runs + 1) / 2 ))p"
}

requests() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["sections"]; print(sum(s["requests"] for s in r), sum(s["not_modified"] for s in r), sum(s["status"]!="ok" for s in r))' "$1"; }

# Before a cold run: earlier runs' files are written out, so neither tool pays for them.
settle() { sync; }

# Moves earlier runs' files aside (deleting them would slow the next run's file creation).
retired=0
retire() {
  mkdir -p "$work/retired"
  for path in "$@"; do
    retired=$((retired + 1))
    if [ -e "$path" ]; then mv "$path" "$work/retired/$retired"; fi
  done
}

export XDG_CACHE_HOME="$work/cache"
export FEEDWRIGHT_STAGES=1
results="$work/results"
: > "$results"
# Cold runs alternate between the tools, COLD times each (default 3), each from nothing (no
# feeds, no state, no cache); the run of median wall time is kept. The last ones are left for
# the warm and changed runs.
cold_runs="${COLD:-3}"
for i in $(seq "$cold_runs"); do
  retire "$work/feeds" "$work/.feedwright" "$work/cache/feedwright"
  settle
  measure fw_cold ./target/release/feedwright run --json --config "$work/feedwright.toml" | tee -a "$work/fw_cold.rows"
  cp "$work/fw_cold.out" "$work/fw_cold.$i.out"
  retire "$work/rsspls-feeds" "$work/cache/rsspls" && mkdir -p "$work/rsspls-feeds"
  settle
  measure rsspls_cold rsspls --config "$work/rsspls.toml" >&3
done 3> "$work/rsspls_cold.rows" | sort -k2 -n | sed -n "$(( (cold_runs + 1) / 2 ))p" >> "$results"
sort -k2 -n "$work/rsspls_cold.rows" | sed -n "$(( (cold_runs + 1) / 2 ))p" > "$work/rsspls_cold.row"
measure_median fw_warm 5 ./target/release/feedwright run --json --config "$work/feedwright.toml" >> "$results"
curl -s "http://127.0.0.1:$port/__change/10" > /dev/null
measure fw_changed ./target/release/feedwright run --json --config "$work/feedwright.toml" >> "$results"
cat "$work/rsspls_cold.row" >> "$results"
measure_median rsspls_warm 5 rsspls --config "$work/rsspls.toml" >> "$results"
curl -s "http://127.0.0.1:$port/__change/10" > /dev/null
measure rsspls_changed rsspls --config "$work/rsspls.toml" >> "$results"

# N workers side by side on the same pages: one output folder, a state per shard.
shards="${SHARDS:-1}"
if [ "$shards" -gt 1 ]; then
  mkdir -p "$work/sharded"
  sed -e 's|^\[output\]$|[output]\ndir = "sharded/feeds"|' \
      -e 's|^\[fetch\]$|[state]\npath = "sharded/state-{shard}.db"\n\n[fetch]|' \
      "$work/feedwright.toml" > "$work/sharded.toml"
  for kind in cold warm; do
    workers=()
    for k in $(seq 0 $((shards - 1))); do
      measure "shard${k}_$kind" ./target/release/feedwright run --json --shard "$k/$shards" \
        --config "$work/sharded.toml" > "$work/shard${k}_$kind.row" &
      workers+=($!)
    done
    wait "${workers[@]}"
    cat "$work"/shard*_"$kind".row >> "$results"
  done
  listed=$(grep -o 'xmlUrl=' "$work/sharded/feeds/feeds.opml" | wc -l)
  echo "$shards shards: feeds.opml lists $listed feeds"
fi

# System calls of a cold and a warm run, per section (strace -c -f counts every thread's).
if [ -n "${SYSCALLS:-}" ]; then
  retire "$work/feeds" "$work/.feedwright" "$work/cache/feedwright"
  settle
  for kind in cold warm; do
    # Without FEEDWRIGHT_STAGES: its per-stage clock reads are system calls of their own.
    env -u FEEDWRIGHT_STAGES strace -c -f -o "$work/strace_$kind" ./target/release/feedwright run --json \
      --config "$work/feedwright.toml" > /dev/null 2>&1 || true
    python3 - "$work/strace_$kind" "$sections" "$kind" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip() and l.split()[0][0].isdigit()]
calls = {r[-1]: int(r[3]) for r in rows if r[-1] != "total"}
sections = int(sys.argv[2])
total = sum(calls.values())
top = ", ".join(f"{name} {n / sections:.1f}" for name, n in sorted(calls.items(), key=lambda c: -c[1])[:10])
print(f"syscalls per section, {sys.argv[3]}: {total / sections:.1f} (futex {calls.get('futex', 0) / sections:.1f}); {top}")
PY
  done
fi

echo "sections: $sections across $hosts hosts, shape $layout${KEEP:+ (files kept in $work)}"
for run in fw_cold fw_warm fw_changed; do
  echo "$run requests/304s/failed: $(requests "$work/$run.out")"
done
python3 - "$results" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, cpu, rss = line.split()
    rows[name] = (float(wall), float(cpu), float(rss))
print(f"{'run':<16}{'wall s':>9}{'CPU s':>9}{'peak RSS MiB':>14}")
for name, (wall, cpu, rss) in rows.items():
    if name.startswith("shard"):
        continue
    print(f"{name:<16}{wall:>9.2f}{cpu:>9.2f}{rss:>14.1f}")
shards = sorted(n for n in rows if n.startswith("shard"))
if shards:
    print("per shard, side by side: wall s / CPU s / peak RSS MiB")
    for kind in ("cold", "warm"):
        cells = [f"{rows[n][0]:.2f} / {rows[n][1]:.2f} / {rows[n][2]:.1f}" for n in shards if n.endswith(kind)]
        print(f"  {kind:<6}" + "   ".join(cells))
for kind in ("cold", "warm", "changed"):
    fw, rs = rows[f"fw_{kind}"], rows[f"rsspls_{kind}"]
    print(f"{kind:<8} CPU feedwright/rsspls = {fw[1] / max(rs[1], 0.01):.2f}   wall = {fw[0] / max(rs[0], 0.01):.2f}")
print(f"warm CPU / cold CPU (feedwright) = {rows['fw_warm'][1] / rows['fw_cold'][1] * 100:.1f} %")
PY
# Each alternating cold run beside the rsspls run after it.
paste -d' ' "$work/fw_cold.rows" "$work/rsspls_cold.rows" | python3 -c '
import sys
for i, line in enumerate(sys.stdin, 1):
    w = line.split()
    print(f"cold run {i}: CPU feedwright/rsspls = {float(w[2]) / max(float(w[6]), 0.01):.2f}   wall = {float(w[1]) / max(float(w[5]), 0.01):.2f}")
'

python3 - "$work" <<'PY'
import os, statistics, sys
work = sys.argv[1]
table = {}
for run in ("fw_cold", "fw_warm", "fw_changed"):
    path = os.path.join(work, run + ".stages")
    if not os.path.exists(path):
        continue
    runs = []
    for line in open(path):
        words = line.split(":", 1)[1].split()
        runs.append({k: float(v) for k, v in zip(words[::2], words[1::2])})
    table[run] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
if table:
    stages = list(next(iter(table.values())))
    print("feedwright CPU by stage, ms (median of the runs; fsync is part of write):")
    print(f"{'stage':<10}" + "".join(f"{run:>12}" for run in table))
    for stage in stages:
        print(f"{stage:<10}" + "".join(f"{table[run][stage]:>12.1f}" for run in table))
    for i, line in enumerate(open(os.path.join(work, "fw_cold.stages")), 1):
        words = line.split(":", 1)[1].split()
        run = {k: float(v) for k, v in zip(words[::2], words[1::2])}
        if run["parse"] > 0:
            ratio = (run["parse"] + run["extract"] + run["normalize"]) / run["parse"]
            print(f"cold run {i}: (parse + extract + normalize) / parse = {ratio:.2f}")
    cold = table.get("fw_cold")
    if cold and cold["parse"] > 0:
        ratio = (cold["parse"] + cold["extract"] + cold["normalize"]) / cold["parse"]
        print(f"cold: (parse + extract + normalize) / parse = {ratio:.2f}")
PY
