#!/usr/bin/env bash
# Builds msklint's web page into target/web/: index.html at the top, with
# the JavaScript, the style sheet and msklint compiled to WebAssembly
# beside it, a folder any static web server can serve as it is
# (docs/web.md).
#
#   scripts/build-web.sh            install what is missing, then build
#   scripts/build-web.sh --tools    only install what is missing
#
# It installs what it needs: Rust's wasm32-unknown-unknown target (with
# rustup) and wasm-bindgen-cli at exactly the version of the wasm-bindgen
# crate in Cargo.lock, built from source with `cargo install --locked`
# into ~/.cache/msklint/ (XDG_CACHE_HOME is honoured), so it never
# replaces a wasm-bindgen of another version.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

tools_only=false
case "${1:-}" in
  --tools) tools_only=true ;;
  "") ;;
  *) echo "usage: scripts/build-web.sh [--tools]" >&2; exit 2 ;;
esac

target=wasm32-unknown-unknown
out="$root/target/web"
cargo_target=${CARGO_TARGET_DIR:-$root/target}

# The one version of wasm-bindgen that the crate and the tool must share.
version=$(awk '
  $0 == "name = \"wasm-bindgen\"" { found = 1; next }
  found && /^version = / { gsub(/version = |"/, ""); print; exit }
' Cargo.lock)
if [ -z "$version" ]; then
  echo "error: Cargo.lock names no wasm-bindgen crate" >&2
  exit 1
fi

if command -v rustup >/dev/null 2>&1; then
  if ! rustup target list --installed | grep -qx "$target"; then
    echo "installing the Rust target $target"
    rustup target add "$target"
  fi
else
  echo "note: no rustup; the Rust target $target must already be installed" >&2
fi

tools="${XDG_CACHE_HOME:-$HOME/.cache}/msklint/wasm-bindgen-cli-$version"
bindgen="$tools/bin/wasm-bindgen"
if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $version" ]; then
  bindgen=$(command -v wasm-bindgen)
elif [ "$("$bindgen" --version 2>/dev/null)" != "wasm-bindgen $version" ]; then
  echo "installing wasm-bindgen-cli $version into $tools (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "$version" --locked --root "$tools"
fi
echo "using $("$bindgen" --version) ($bindgen)"
if $tools_only; then
  exit 0
fi

cargo build --release --locked -p msklint-web --target "$target"

rm -rf "$out"
mkdir -p "$out"
# The reset function lets the page start msklint afresh after a panic,
# which leaves a WebAssembly instance unusable, without loading it again.
"$bindgen" --target web --no-typescript --experimental-reset-state-function --out-dir "$out" \
  "$cargo_target/$target/release/msklint_web.wasm"
cp web/static/index.html web/static/app.js web/static/style.css "$out/"
# The service worker's cache is named after a digest of the files it keeps.
digest=$(cd "$out" && cat index.html app.js style.css msklint_web.js msklint_web_bg.wasm | sha256sum | cut -c1-16)
sed "s/@VERSION@/$digest/" web/static/sw.js >"$out/sw.js"

wasm="$out/msklint_web_bg.wasm"
raw=$(wc -c <"$wasm")
packed=$(gzip -9 -c "$wasm" | wc -c)
echo "built $out/index.html (WebAssembly: $raw bytes, $packed gzipped)"
