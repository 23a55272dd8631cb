#!/usr/bin/env bash
# msklint beside other linters on the same material, so the speed-ups quoted
# against them are measured again rather than remembered. The table and what
# it does and does not show are in docs/performance.md ("Peers, side by side").
#
#   scripts/peers.sh [--workdir DIR] [--rounds N] [--keep]
#
# Installs pinned versions of the peers under the work directory (default
# /tmp/msklint-peers, never inside the repository): bpmnlint,
# @stoplight/spectral-cli and markdownlint-cli2 from npm, proselint from PyPI
# in a virtual environment. Then writes the inputs:
#
#   - 1,000 pathways of 40 services (examples/gen_corpus.rs, seed 1), and the
#     same pathways as BPMN 2.0 XML and as YAML (scripts/peers_convert.py);
#   - 1,000 Markdown policies of about 5 KB (scripts/gen_policies.py, the
#     generator scripts/bench.sh --policies uses);
#
# and times, 1 warm-up + N interleaved rounds (default 3), medians of wall
# and CPU (user + system) seconds:
#
#   bpmnlint (recommended rules) on the BPMN   | msklint on the .pathway files
#                                              | (and on the same .bpmn files)
#   spectral lint, scripts/peers-spectral.yaml | msklint on the .pathway files
#     (14 rules) on the YAML                   |
#   proselint on the policies                  | msklint --include '*.md'
#   markdownlint-cli2 (default rules) on them  |   on the same policies
#
# A peer that cannot be installed or run gets a row saying so, not a number.
# Needs cargo, node and npm, python3 with venv; installs GNU time with apt-get
# if missing. About 6 minutes on 2 cores after the build, most of it in the peers.
set -euo pipefail
export LC_ALL=C # a '.' decimal point in $EPOCHREALTIME and awk

BPMNLINT=11.15.0 SPECTRAL=6.16.3 MARKDOWNLINT=0.22.1 PROSELINT=0.16.0
# markdownlint-cli2 0.23 and later need node 22; this machine has node 20.

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK=/tmp/msklint-peers
ROUNDS=3
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --workdir) WORK="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
case "$WORK/" in "$ROOT"/*) echo "error: --workdir must be outside the repository" >&2; exit 2 ;; esac

cd "$ROOT"
export CARGO_TERM_COLOR=never
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET" in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
MSKLINT="$TARGET/release/msklint"
TOOLS="$WORK/tools" IN="$WORK/input" OUT="$WORK/out"
say() { printf '\n==> %s\n' "$*" >&2; }
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

if [ ! -x /usr/bin/time ]; then
  say "installing GNU time"
  { apt-get install -y -qq time || { apt-get update -qq && apt-get install -y -qq time; }; } >/dev/null 2>&1 ||
    { echo "error: cannot install GNU time (/usr/bin/time); install it and retry" >&2; exit 1; }
fi

say "building msklint and gen_corpus (release)"
cargo build --release --quiet --bin msklint --example gen_corpus

# ---- peers ------------------------------------------------------------------------
# missing[peer] holds why a peer cannot be timed; version[peer] what ran.
declare -A missing=() version=()
say "installing the peers under $TOOLS"
mkdir -p "$TOOLS"
[ -f "$TOOLS/package.json" ] || printf '{ "private": true }\n' >"$TOOLS/package.json"
npm_peer() { # npm_peer NAME PACKAGE VERSION
  # --ignore-scripts: none of the three needs an install script to run.
  if (cd "$TOOLS" && npm install --ignore-scripts --no-audit --no-fund --silent --save-exact "$2@$3") >&2; then
    version[$1]="$2 $(node -p "require('$TOOLS/node_modules/$2/package.json').version")"
  else
    missing[$1]="npm install $2@$3 failed"
  fi
}
npm_peer bpmnlint bpmnlint "$BPMNLINT"
npm_peer spectral @stoplight/spectral-cli "$SPECTRAL"
npm_peer markdownlint markdownlint-cli2 "$MARKDOWNLINT"
if { [ -x "$TOOLS/venv/bin/pip" ] || python3 -m venv "$TOOLS/venv"; } &&
  "$TOOLS/venv/bin/pip" install -q --disable-pip-version-check "proselint==$PROSELINT" >&2; then
  version[proselint]="$("$TOOLS/venv/bin/proselint" version 2>&1 | tr -d '\n')"
else
  missing[proselint]="pip install proselint==$PROSELINT (in a venv) failed"
fi

# ---- inputs -----------------------------------------------------------------------
say "writing the inputs under $IN"
rm -rf "$IN" "$OUT"; mkdir -p "$IN/bpmn" "$IN/yaml" "$OUT"
"$TARGET/release/examples/gen_corpus" --files 1000 --services 40 --out "$IN/pathways" --seed 1 >&2
python3 "$ROOT/scripts/peers_convert.py" "$IN/pathways" "$IN/bpmn" "$IN/yaml"
python3 "$ROOT/scripts/gen_policies.py" "$IN/gen" "$ROOT"/fixtures/examples/hip-knee-policy.md "$ROOT"/fixtures/pdf/src/*-policy.md
mv "$IN/gen/each" "$IN/policies" && rm -r "$IN/gen" # all.md, the one-file copy, is bench.sh's alone
printf '{ "extends": "bpmnlint:recommended" }\n' >"$IN/bpmnlintrc"
cp "$ROOT/scripts/peers-spectral.yaml" "$IN/spectral.yaml"
mb() { find "$IN/$1" -type f -name "$2" -exec cat {} + | wc -c | awk '{ printf "%.1f", $1 / 1e6 }'; }
find "$IN" -type f -exec cat {} + >/dev/null # warm the page cache

# ---- the commands -----------------------------------------------------------------------
# cmd[KEY] is run with `eval` from $IN, where no peer finds a configuration
# file of the repository's. Globs are quoted: each peer expands its own.
MSK="'$MSKLINT' check --no-cache --no-config --format json"
NM="$TOOLS/node_modules/.bin"
declare -A cmd=(
  [msk_pathways]="$MSK pathways"
  [msk_bpmn]="$MSK bpmn"
  [msk_policies]="$MSK --include '*.md' policies"
  [bpmnlint]="'$NM/bpmnlint' --config bpmnlintrc 'bpmn/*.bpmn'"
  [spectral]="'$NM/spectral' lint --ruleset spectral.yaml --format json --quiet 'yaml/*.yaml'"
  [proselint]="'$TOOLS/venv/bin/proselint' check policies"
  [markdownlint]="'$NM/markdownlint-cli2' 'policies/*.md'"
)
keys=(msk_pathways msk_bpmn msk_policies bpmnlint spectral proselint markdownlint)

# time_one KEY: one run of cmd[KEY]; stdout and stderr to $OUT/KEY.out, wall
# and CPU seconds appended to $OUT/KEY.wall and .cpu. Exit 0 or 1 (findings)
# is a run; anything else marks the tool as failed, with its last words.
time_one() {
  local key="$1" t0 t1 rc=0
  t0=$EPOCHREALTIME
  (cd "$IN" && eval "/usr/bin/time -f '%U %S' -o '$OUT/cpu.tmp' ${cmd[$key]}") >"$OUT/$key.out" 2>&1 || rc=$?
  t1=$EPOCHREALTIME
  if [ "$rc" -gt 1 ]; then
    missing[$key]="exited $rc: $(grep -v '^Command exited' "$OUT/$key.out" | tail -n 1 | cut -c1-100)"
    return
  fi
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$OUT/$key.wall"
  tail -n 1 "$OUT/cpu.tmp" | awk '{ printf "%.2f\n", $1 + $2 }' >>"$OUT/$key.cpu"
}

say "timing: 1 warm-up + $ROUNDS interleaved rounds"
for round in $(seq 0 "$ROUNDS"); do
  echo "  round $round" >&2
  for key in "${keys[@]}"; do
    if [ -z "${missing[$key]:-}" ]; then time_one "$key"; fi
  done
  if [ "$round" = 0 ]; then rm -f "$OUT"/*.wall "$OUT"/*.cpu; fi
done

# findings KEY: how many findings the last run printed, read from its output.
findings() {
  local f="$OUT/$1.out"
  case "$1" in
    msk_*) grep -c '"rule":' "$f" || true ;;
    bpmnlint) sed -n 's/.* \([0-9][0-9]*\) problems* (.*/\1/p' "$f" | tail -n 1 ;;
    spectral) python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$f" 2>/dev/null || echo '?' ;;
    proselint) grep -c -E '^[^ ]*\.md:[0-9]+:[0-9]+: ' "$f" || true ;; # one per finding; messages may wrap
    markdownlint) sed -n 's/^Summary: \([0-9]*\) error.*/\1/p' "$f" ;;
  esac
}
median() { sort -g "$OUT/$1.$2" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "inf" }'; }
for key in "${keys[@]}"; do
  if [ -z "${missing[$key]:-}" ]; then echo "  $key: wall $(tr '\n' ' ' <"$OUT/$key.wall")" >&2; fi
done

# ---- report ---------------------------------------------------------------------------
row() { printf '| %-30s | %-28s | %7s | %7s | %8s | %7s | %7s | %8s | %6s | %6s |\n' "$@"; }
# line PEER INPUT MSK_KEY: one row of the table, or why there is none.
line() {
  local peer="$1" input="$2" msk="$3" why=""
  why="${missing[$peer]:-}${missing[$msk]:+msklint: ${missing[$msk]}}"
  local name="${version[$peer]:-$peer}"
  if [ -n "$why" ]; then
    printf '| %-30s | %-28s | not run: %s |\n' "$name" "$input" "$why"
    return
  fi
  local pw pc mw mc
  pw=$(median "$peer" wall); pc=$(median "$peer" cpu); mw=$(median "$msk" wall); mc=$(median "$msk" cpu)
  row "$name" "$input" "$pw" "$pc" "$(findings "$peer")" "$mw" "$mc" "$(findings "$msk")" \
    "$(ratio "$pw" "$mw")" "$(ratio "$pc" "$mc")"
}
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
if ! git -C "$ROOT" diff --quiet HEAD 2>/dev/null; then commit="$commit + local changes"; fi
echo
echo "msklint beside its peers, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit"
echo "machine: $(nproc) cores, $(uname -sm); load average at the start $load_start, at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runtimes: node $(node --version), $(python3 --version); $("$MSKLINT" --version)"
echo "inputs: 1,000 pathways of 40 services ($(mb pathways '*.pathway') MB), as BPMN ($(mb bpmn '*.bpmn') MB)" \
  "and as YAML ($(mb yaml '*.yaml') MB); 1,000 Markdown policies ($(mb policies '*.md') MB)"
echo "seconds: median of $ROUNDS interleaved rounds after a warm-up; wall = elapsed, CPU = user + system;"
echo "ratio = peer / msklint (above 1: msklint is faster); findings as each tool counts them"
echo
row "peer" "input" "wall s" "CPU s" "findings" "msklint" "msklint" "msklint" "wall" "CPU"
row "" "" "" "" "" "wall s" "CPU s" "findings" "ratio" "ratio"
row "------------------------------" "----------------------------" "-------" "-------" "--------" "-------" "-------" "--------" "------" "------"
line bpmnlint "pathways as BPMN" msk_pathways
line bpmnlint "BPMN; msklint reads it too" msk_bpmn
line spectral "pathways as YAML" msk_pathways
line proselint "Markdown policies" msk_policies
line markdownlint "Markdown policies" msk_policies
if [ "$KEEP" = 1 ]; then echo "inputs and outputs kept in $WORK"; else rm -rf "$IN" "$OUT"; fi
