#!/usr/bin/env bash
# Builds the VS Code extension as a .vsix with vsce, from a clean install
# of the versions package-lock.json records.
#
#   editors/vscode/scripts/package.sh [OUT.vsix]
#
# OUT defaults to target/editors/msklint-VERSION.vsix at the top of the
# repository. Needs Node.js 20 or newer and npm, and the npm registry.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
version=$(node -p 'require(process.argv[1]).version' "$here/package.json")
out=${1:-$here/../../target/editors/msklint-$version.vsix}
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

source "$here/scripts/common.sh"
# The repository has no LICENSE file of its own; the licence is the
# `license` field (MIT OR Apache-2.0), as in Cargo.toml.
npx --no-install vsce package --skip-license --out "$out"
echo "packaged $out"
