#!/usr/bin/env bash
# Seeds the cargo-fuzz corpora from the fixtures. docs/robustness.md explains
# how to run the fuzzers.
#
#   scripts/fuzz-seeds.sh [TARGET...]     (default: parse check prose pdf)
#
# Copies every fixtures/**/*.pathway (for the prose target, every
# fixtures/**/*.md and each labelled statement of fixtures/prose/*.yaml; for
# the pdf target, every fixtures/**/*.pdf; for an import_KIND target, the
# drawings of that kind: *.mmd and *.mermaid, *.drawio, *.bpmn, *.pptx,
# *.vsdx) (fixtures/fuzz/ included, so crashes
# found earlier stay in the corpus) into fuzz/corpus/<target>/, named after
# its path under fixtures/ (`rules/dead-end/fires.pathway` becomes
# `rules__dead-end__fires.pathway`), since several fixtures share a file
# name. Existing corpus entries are kept; the corpora are generated, not
# committed (fuzz/.gitignore).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(parse check prose pdf)
fi

for target in "${targets[@]}"; do
    dest="$ROOT/fuzz/corpus/$target"
    mkdir -p "$dest"
    n=0
    while IFS= read -r -d '' file; do
        rel="${file#"$ROOT/fixtures/"}"
        cp "$file" "$dest/seed__${rel//\//__}"
        n=$((n + 1))
    done < <(if [ "$target" = prose ]; then
        find "$ROOT/fixtures" -type f -name '*.md' -print0
    elif [ "$target" = pdf ]; then
        find "$ROOT/fixtures" -type f -name '*.pdf' -print0
    elif [[ "$target" = import_* ]]; then
        # Each diagram reader from the drawings of its own kind.
        case "$target" in
            import_mermaid) find "$ROOT/fixtures" -type f \( -name '*.mmd' -o -name '*.mermaid' \) -print0 ;;
            import_drawio) find "$ROOT/fixtures" -type f -name '*.drawio' -print0 ;;
            *) find "$ROOT/fixtures" -type f -name "*.${target#import_}" -print0 ;;
        esac
    else
        find "$ROOT/fixtures" -type f -name '*.pathway' -print0
    fi | sort -z)
    if [ "$target" = prose ]; then
        # One seed per labelled statement: short, varied policy wording.
        i=0
        while IFS= read -r -d '' text; do
            printf '%s' "$text" > "$dest/statement-$i.md"
            i=$((i + 1)); n=$((n + 1))
        done < <(python3 -c 'import sys, yaml, glob
for f in sorted(glob.glob(sys.argv[1] + "/fixtures/prose/*.yaml")):
    for e in yaml.safe_load(open(f)):
        sys.stdout.write(e["text"] + chr(0))' "$ROOT" 2>/dev/null || true)
    fi
    echo "fuzz/corpus/$target: $n seed files"
done
