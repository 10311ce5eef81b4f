# Sourced by every script: the repository root, and the tool paths the project pins.
# npm's wasm-opt (binaryen 132) must come before any Debian wasm-opt (docs/toolchain.md).
ONSHI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ONSHI_ROOT
export PATH="$ONSHI_ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
cd "$ONSHI_ROOT"
