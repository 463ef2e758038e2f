#!/usr/bin/env bash
# Checks every feed in a folder with independent tools:
#   xmllint --noout      well-formed XML (RSS, Atom, OPML)
#   Python feedparser    bozo = 0 and at least one entry (RSS, Atom)
#   Python json          JSON Feed 1.1 required fields (JSON)
# Usage: scripts/validate-feeds.sh [FEEDS_DIR]   (default: feeds)
# Needs: xmllint (Debian libxml2-utils), python3 with feedparser (pip install feedparser).
set -euo pipefail
dir="${1:-feeds}"
command -v xmllint >/dev/null || { echo "xmllint missing: apt-get install libxml2-utils" >&2; exit 2; }
python3 -c 'import feedparser' 2>/dev/null || { echo "feedparser missing: pip install feedparser" >&2; exit 2; }

failed=0
while IFS= read -r -d '' file; do
  xmllint --noout "$file" || { echo "NOT WELL-FORMED: $file"; failed=1; }
done < <(find "$dir" -type f \( -name '*.xml' -o -name '*.atom' -o -name '*.opml' \) -print0)

python3 - "$dir" <<'PY' || failed=1
import json, pathlib, sys
import feedparser

root = pathlib.Path(sys.argv[1])
bad = 0
count = 0
for path in sorted(root.rglob("*")):
    if path.suffix in (".xml", ".atom"):
        count += 1
        feed = feedparser.parse(path.read_bytes())
        if feed.bozo or not feed.entries:
            print(f"FEEDPARSER: {path}: bozo={feed.bozo} {feed.get('bozo_exception', '')} entries={len(feed.entries)}")
            bad += 1
        for entry in feed.entries:
            if not entry.get("id") or not entry.get("published_parsed"):
                print(f"FEEDPARSER: {path}: entry without id or date: {entry.get('title')}")
                bad += 1
    elif path.suffix == ".json":
        count += 1
        feed = json.loads(path.read_text(encoding="utf-8"))
        problems = []
        if feed.get("version") != "https://jsonfeed.org/version/1.1":
            problems.append("version")
        if not isinstance(feed.get("title"), str):
            problems.append("title")
        for item in feed.get("items", []):
            if not isinstance(item.get("id"), str):
                problems.append("item id")
            if "content_html" not in item and "content_text" not in item:
                problems.append(f"item {item.get('id')} has no content")
        if problems:
            print(f"JSONFEED: {path}: {', '.join(problems)}")
            bad += 1
print(f"{count} feeds checked, {bad} with problems")
sys.exit(1 if bad else 0)
PY
exit $failed
