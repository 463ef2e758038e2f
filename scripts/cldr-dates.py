#!/usr/bin/env python3
"""Extracts the words dates are written with from the Unicode CLDR into
src/locale/cldr-dates.txt: for every CLDR language (and script variant), the month, weekday
and day-period names in all their forms, the literal words of its date and time patterns
(`г.`, `um`, `klo`, `de`), and its relative-time words and patterns (`позавчера`,
`{0} дня назад`).

Source: the official CLDR JSON release as the npm registry serves it (`cldr-dates-full`,
`cldr-core`). Run: `python3 scripts/cldr-dates.py [VERSION]` (needs `npm`); commit the result.

Format, one record a line, tab-separated: `@tag` starts a language; `m N forms…` month N
(1-12); `w N forms…` weekday N (0 = Sunday); `p CLASS forms…` a day period (`am`, `pm`,
`noon`, `midnight`, `night`: the hours around midnight); `l words…` literal words of patterns;
`r UNIT OFFSET word` a relative word (`day -1 вчера`); `t UNIT past|future patterns…`
relative-time patterns with `{0}` for the number.
"""

import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

VERSION = sys.argv[1] if len(sys.argv) > 1 else "48.2.0"
OUT = os.path.join(os.path.dirname(__file__), "..", "src", "locale", "cldr-dates.txt")
# Forms pages write that CLDR does not list (as months.rs adds forms glibc lacks): a short
# period before a time.
SUPPLEMENT = {
    "zh": ["p\tpm\t晚"],
    "zh-Hant": ["p\tpm\t晚"],
}
UNITS = ["year", "quarter", "month", "week", "day", "hour", "minute", "second"]
# CJK signs stay in the text: the CJK date form reads them.
CJK = re.compile(r"^[\u3000-\u9fff\uac00-\ud7af\s]+$")


def unpack(workdir, package):
    subprocess.run(["npm", "pack", f"{package}@{VERSION}"], cwd=workdir, check=True,
                   capture_output=True)
    archive = os.path.join(workdir, f"{package}-{VERSION}.tgz")
    target = os.path.join(workdir, package)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return os.path.join(target, "package")


def forms(*tables):
    """Distinct non-empty values, in order, of several CLDR name tables."""
    seen = []
    for table in tables:
        for value in table:
            for v in (value, value.rstrip(".")):
                v = v.strip()
                if v and v not in seen:
                    seen.append(v)
    return seen


def names(node, key, index):
    """Every form of one name (`months`, `days`, `dayPeriods`) across contexts and widths."""
    out = []
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated", "short"):
            table = node.get(key, {}).get(context, {}).get(width, {})
            value = table.get(index)
            if value:
                out.append(value)
    return out


def literals(pattern):
    """The quoted words and unquoted non-ASCII letters of a CLDR date pattern."""
    found = []
    for quoted in re.findall(r"'([^']+)'", pattern):
        found.append(quoted)
    bare = re.sub(r"'[^']*'", " ", pattern)
    bare = re.sub(r"\{\d\}", " ", bare)
    for word in re.findall(r"[^\sA-Za-z0-9'.,:;/\-–—()\[\]{}|@+·]+\.?", bare):
        found.append(word)
    return found


def period_class(name, rule):
    if name in ("am", "pm", "noon", "midnight"):
        return name
    if not rule or "_from" not in rule:
        return None
    start = int(rule["_from"][:2])
    end = int(rule["_before"][:2])
    if start > end:
        return "night"
    return "am" if end <= 12 else "pm"


def language(tag, main, rules):
    cal = json.load(open(os.path.join(main, tag, "ca-gregorian.json"), encoding="utf-8"))
    g = cal["main"][tag]["dates"]["calendars"]["gregorian"]
    fields = json.load(open(os.path.join(main, tag, "dateFields.json"), encoding="utf-8"))
    f = fields["main"][tag]["dates"]["fields"]
    lines = [f"@{tag}"]
    words = set()
    for month in range(1, 13):
        v = forms(names(g, "months", str(month)))
        words.update(x.lower() for x in v)
        lines.append("\t".join(["m", str(month)] + v))
    for day, key in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"]):
        v = forms(names(g, "days", key))
        words.update(x.lower() for x in v)
        lines.append("\t".join(["w", str(day)] + v))
    periods = {}
    rule_set = rules.get(tag) or rules.get(tag.split("-")[0]) or {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for name, value in g.get("dayPeriods", {}).get(context, {}).get(width, {}).items():
                if name.endswith("-alt-variant"):
                    name = name[: -len("-alt-variant")]
                cls = period_class(name, rule_set.get(name))
                if cls and value.strip() and value.lower() not in ("am", "pm"):
                    periods.setdefault(cls, [])
                    for v in (value, value.rstrip(".")):
                        if v.strip() and v not in periods[cls]:
                            periods[cls].append(v)
    for cls, values in periods.items():
        words.update(x.lower() for x in values)
        lines.append("\t".join(["p", cls] + values))
    patterns = []
    for group in ("dateFormats", "timeFormats", "dateTimeFormats", "dateTimeFormats-atTime"):
        node = g.get(group, {})
        for key, value in node.items():
            if isinstance(value, str):
                patterns.append(value)
            elif isinstance(value, dict) and key in ("standard", "availableFormats"):
                # Week-of-year patterns ('week' w 'of' Y) hold words that relative dates need.
                patterns.extend(v for k, v in value.items()
                                if isinstance(v, str) and "w" not in k.lower())
    found = []
    for pattern in patterns:
        for word in literals(pattern):
            word = word.strip()
            if (len(word.strip(".")) > 0 and word.lower() not in words and not CJK.match(word)
                    and word not in found):
                found.append(word)
    if found:
        lines.append("\t".join(["l"] + found))
    for unit in UNITS:
        for variant in ("", "-short", "-narrow"):
            node = f.get(unit + variant)
            if not node:
                continue
            for key, value in node.items():
                if key.startswith("relative-type-"):
                    lines.append("\t".join(["r", unit, key[len("relative-type-"):], value]))
            for sign in ("past", "future"):
                table = node.get(f"relativeTime-type-{sign}", {})
                values = forms(table.values())
                if values:
                    lines.append("\t".join(["t", unit, sign] + values))
    lines.extend(SUPPLEMENT.get(tag, []))
    # Identical lines of the short and narrow variants add nothing.
    out = []
    for line in lines:
        if line not in out:
            out.append(line)
    return out


def main():
    with tempfile.TemporaryDirectory() as workdir:
        dates = unpack(workdir, "cldr-dates-full")
        core = unpack(workdir, "cldr-core")
        rules = json.load(open(os.path.join(core, "supplemental", "dayPeriods.json")))
        rules = rules["supplemental"]["dayPeriodRuleSet"]
        main = os.path.join(dates, "main")
        tags = sorted(t for t in os.listdir(main)
                      if not re.search(r"-([A-Z]{2}|\d{3})$", t) and t != "und")
        out = [f"# CLDR {VERSION} (Unicode License v3), made by scripts/cldr-dates.py"]
        for tag in tags:
            out.extend(language(tag, main, rules))
    with open(OUT, "w", encoding="utf-8") as file:
        file.write("\n".join(out) + "\n")
    print(f"{len(tags)} languages, {os.path.getsize(OUT)} bytes -> {OUT}")


if __name__ == "__main__":
    main()
