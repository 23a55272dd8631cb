# Shared by package.sh and test.sh: checks Node.js, takes a lock so two
# runs never rebuild node_modules under each other, and installs exactly
# what package-lock.json records. Sourced, not run.
cd "$(dirname "${BASH_SOURCE[0]}")/.."

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || {
  echo "error: node is not on PATH; install Node.js 20 or newer and npm" >&2
  exit 1
}
if [ "$node_major" -lt 20 ]; then
  echo "error: Node.js $(node --version) is too old; @vscode/vsce needs 20 or newer" >&2
  exit 1
fi
command -v npm >/dev/null 2>&1 || {
  echo "error: npm is not on PATH; install it beside Node.js" >&2
  exit 1
}

if command -v flock >/dev/null 2>&1; then
  exec 9>.npm.lock
  flock 9
fi

# --ignore-scripts: nothing here needs an install script, and the one
# optional native module (keytar, for publishing) would try to download
# or compile a binary.
npm ci --ignore-scripts --no-audit --no-fund
