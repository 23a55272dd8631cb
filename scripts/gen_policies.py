#!/usr/bin/env python3
"""Writes 1,000 Markdown policies of about 5 KB each for the benchmarks
(scripts/bench.sh --policies, scripts/peers.sh): paragraphs of the given
policy documents, cut and mixed with a fixed seed, so every run writes the
same bytes. OUT/each/policy-NNNN.md holds one policy per file; OUT/all.md
the same text as one file.

    gen_policies.py OUT SOURCE.md...
"""
import os
import random
import sys

out, sources = sys.argv[1], sys.argv[2:]
os.makedirs(f"{out}/each", exist_ok=True)
paras = [p for f in sources for p in open(f, encoding="utf-8").read().split("\n\n") if p.strip()]
rng = random.Random(1)
with open(f"{out}/all.md", "w", encoding="utf-8") as whole:
    for i in range(1000):
        text, j = [], rng.randrange(len(paras))
        while sum(len(p) + 2 for p in text) < 5000:
            text.append(paras[j % len(paras)]); j += 1
        doc = "\n\n".join(text) + "\n"
        open(f"{out}/each/policy-{i:04}.md", "w", encoding="utf-8").write(doc)
        whole.write(doc + "\n")
