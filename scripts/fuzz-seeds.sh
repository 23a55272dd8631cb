#!/usr/bin/env bash
# Seeds the cargo-fuzz corpora from the fixtures. docs/robustness.md explains
# how to run the fuzzers.
#
#   scripts/fuzz-seeds.sh [TARGET...]     (default: parse check)
#
# Copies every fixtures/**/*.pathway (fixtures/fuzz/ included, so crashes
# found earlier stay in the corpus) into fuzz/corpus/<target>/, named after
# its path under fixtures/ (`rules/dead-end/fires.pathway` becomes
# `rules__dead-end__fires.pathway`), since several fixtures share a file
# name. Existing corpus entries are kept; the corpora are generated, not
# committed (fuzz/.gitignore).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(parse check)
fi

for target in "${targets[@]}"; do
    dest="$ROOT/fuzz/corpus/$target"
    mkdir -p "$dest"
    n=0
    while IFS= read -r -d '' file; do
        rel="${file#"$ROOT/fixtures/"}"
        cp "$file" "$dest/seed__${rel//\//__}"
        n=$((n + 1))
    done < <(find "$ROOT/fixtures" -type f -name '*.pathway' -print0 | sort -z)
    echo "fuzz/corpus/$target: $n seed files"
done
