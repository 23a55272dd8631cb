#!/usr/bin/env python3
"""Does a verdict survive a change of specifics?

Every labelled sentence of the real-wording sets (fixtures/prose/real/ and
fixtures/prose/real-heldout*/) is checked as written and again with its
specifics changed the way a rewording changes them:

  num   each number in figures made another (35 -> 40, 6 -> 8)
  word  each number written as a word made another ("six" -> "eight",
        "twelve" -> "fifteen")
  name  each capitalised word inside the sentence, other than the common
        words of these policies (BMI, NHS, GP, ...), made "Wexcombe"

A verdict that flips (the rules found differ from those on the sentence as
written) shows wording the checks read through its specifics rather than
its construction. "name" flips are often fair (the name was part of the
meaning: "Joint School", "Oxford Hip Score"); "num" and "word" flips
should be none.

Usage:
    scripts/reword_specifics.py BINARY [--keep DIR]

Prints the counts and every flip, and per corpus file the figures of the
sentences as written (each in a file of its own, as measure.py does).
Exits 1 if a "num" or "word" variant flips.
"""

import argparse
import collections
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULES = {
    "bmi-threshold", "smoking-restriction", "oxford-score-threshold",
    "symptom-duration-gate", "address-required", "education-gate",
    "digital-only-access", "opioid-conservative-treatment",
    "conservative-treatment-gate", "dna-discharge",
}
WORDS = {
    "two": "three", "three": "four", "four": "five", "five": "seven",
    "six": "eight", "eight": "ten", "ten": "twelve", "twelve": "fifteen",
}
KEEP = {
    "BMI", "NHS", "GP", "GPs", "ICB", "CCG", "MSK", "Oxford", "Hip", "Knee",
    "I", "A", "The", "If", "We", "You", "Patients", "Patient", "Referral",
    "Referrals", "Surgery", "Policy", "DNA", "OHS", "OKS", "UK", "England",
    "Trust", "Service", "Services", "Clinical", "Criteria", "Please", "Our",
    "This", "These", "All", "Any", "In", "For", "To", "Where", "When", "Who",
    "What", "Physiotherapy", "Pain", "Smoking", "Smokers", "Appointments",
    "Appointment",
}


def entries():
    files = sorted(set(glob.glob(os.path.join(ROOT, "fixtures/prose/real*/**/*.yaml"), recursive=True)))
    out = []
    for path in files:
        try:
            data = yaml.safe_load(open(path, encoding="utf-8"))
        except yaml.YAMLError:
            continue
        if not isinstance(data, list):
            continue
        for e in data:
            if isinstance(e, dict) and "text" in e and "expect" in e:
                out.append((os.path.relpath(path, ROOT), e["text"], set(e["expect"] or [])))
    return out


def variants(text):
    out = []

    def number(m):
        n = int(m.group(0))
        return str(n + (5 if n >= 20 else 2 if n >= 3 else 1))

    v = re.sub(r"(?<![\d.])\d{1,3}(?![\d.])", number, text)
    if v != text:
        out.append(("num", v))
    v = text
    for a, b in WORDS.items():
        v = re.sub(r"\b%s\b" % a, b, v)
    if v != text:
        out.append(("word", v))

    def name(m):
        w = m.group(0)
        return w if w in KEEP or w.isupper() else "Wexcombe"

    v = re.sub(r"(?<=[a-z,] )[A-Z][a-z]+", name, text)
    if v != text:
        out.append(("name", v))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--keep", help="write the variant files here and keep them")
    ap.add_argument("--verdicts", help="write each sentence's verdict as written here (TSV), to compare two binaries")
    args = ap.parse_args()
    all_entries = entries()
    work = args.keep or tempfile.mkdtemp(prefix="msk-reword-")
    os.makedirs(work, exist_ok=True)
    meta = {}
    k = 0
    for idx, (_, text, _) in enumerate(all_entries):
        for kind, v in [("orig", text)] + variants(text):
            name = f"e{k:06d}.md"
            k += 1
            with open(os.path.join(work, name), "w", encoding="utf-8") as fh:
                fh.write(v.rstrip("\n") + "\n")
            meta[name] = (idx, kind, v)
    proc = subprocess.run(
        [args.binary, "check", "--no-cache", "--no-config", "--format", "json", "--include", "*.md", work],
        capture_output=True, text=True,
    )
    if proc.returncode not in (0, 1):
        sys.exit(f"msklint exited {proc.returncode}: {proc.stderr.strip()}")
    fired = collections.defaultdict(set)
    for d in json.loads(proc.stdout)["diagnostics"]:
        if d["rule"] in RULES:
            fired[os.path.basename(d["path"])].add(d["rule"])
    by = collections.defaultdict(list)
    for name, (idx, kind, v) in meta.items():
        by[idx].append((kind, v, fired.get(name, set())))
    total = collections.Counter()
    flips = collections.Counter()
    per_file = collections.defaultdict(lambda: [0, 0, 0])
    for idx, vs in sorted(by.items()):
        path, text, expect = all_entries[idx]
        orig = next(got for kind, _, got in vs if kind == "orig")
        counts = per_file[path]
        counts[0] += len(orig & expect)
        counts[1] += len(orig - expect)
        counts[2] += len(expect - orig)
        for kind, v, got in vs:
            if kind == "orig":
                continue
            total[kind] += 1
            if got != orig:
                flips[kind] += 1
                print(f"[{kind}] {path}\n  expected {sorted(expect)}, as written {sorted(orig)}, reworded {sorted(got)}\n  as written: {text}\n  reworded:   {v}")
    print(f"\n{len(all_entries)} sentences; variants (flipped): "
          + ", ".join(f"{kind} {total[kind]} ({flips[kind]})" for kind in ("num", "word", "name")))
    if args.verdicts:
        with open(args.verdicts, "w", encoding="utf-8") as fh:
            for idx, vs in sorted(by.items()):
                path, text, expect = all_entries[idx]
                orig = next(got for kind, _, got in vs if kind == "orig")
                fh.write(f"{path}\t{','.join(sorted(expect))}\t{','.join(sorted(orig))}\t{text}\n")
    for path, (tp, fp, fn) in sorted(per_file.items()):
        print(f"{path:60s} found {tp:4d}  false alarms {fp:3d}  missed {fn:3d}"
              f"  precision {tp / max(1, tp + fp):.2f}  recall {tp / max(1, tp + fn):.2f}")
    if not args.keep:
        for name in meta:
            os.remove(os.path.join(work, name))
        os.rmdir(work)
    sys.exit(1 if flips["num"] or flips["word"] else 0)


if __name__ == "__main__":
    main()
