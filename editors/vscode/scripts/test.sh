#!/usr/bin/env bash
# Tests the TextMate grammar (every regex compiles under Oniguruma, as in
# VS Code; the examples get the expected scopes) and extension.js (it
# starts `msklint server` for the right documents), with node's own test
# runner. Needs Node.js 20 or newer and npm, and the npm registry.
set -euo pipefail
source "$(dirname "$0")/common.sh"
npm test
