# Shared by the scripts in ci/: find or install what the project needs, the pinned way.
# Sourced, not run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PINNED_RUST="$(sed -n 's/^channel = "\(.*\)"/\1/p' "$ROOT/rust-toolchain.toml")"
MDBOOK_VERSION="0.5.4"
TOOLS="$ROOT/target/tools"
export PATH="$TOOLS/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The pinned toolchain, installed through rustup if it is missing; any other compiler is refused
# here, once, rather than as a wall of snapshot diffs later.
ensure_toolchain() {
  cd "$ROOT"
  if command -v rustup >/dev/null && ! rustup run "$PINNED_RUST" rustc --version >/dev/null 2>&1; then
    say "installing Rust $PINNED_RUST (rust-toolchain.toml)"
    rustup toolchain install "$PINNED_RUST" --profile minimal --component rustfmt,clippy
  fi
  local found
  found="$(rustc --version 2>/dev/null)" || die "no rustc found; install rustup, then run this again"
  case "$found" in
    "rustc $PINNED_RUST "*) ;;
    *) die "the book is pinned to rustc $PINNED_RUST (rust-toolchain.toml) but \`rustc\` here is: $found. Unset RUSTUP_TOOLCHAIN / drop the +toolchain override, or install $PINNED_RUST with rustup." ;;
  esac
}

# The book's tools, in one cargo call: the preprocessor, xtask (serve-book) and book-build (mdBook's
# library). tools/mdbook-under-the-await/run builds the same three, so that cargo resolves their
# dependencies' features as `cargo test --workspace` does and reuses that build; built alone, the
# preprocessor got features of its own and some twenty crates were compiled again.
build_book_tools() {
  (cd "$ROOT" && cargo build --quiet --locked --package mdbook-under-the-await --package xtask --package book-build)
}

# mdBook $MDBOOK_VERSION: the one on PATH if it is that version, otherwise built once into target/tools.
# Only ci/bench-pipeline needs the binary (plain mdBook is its baseline): the book itself is built
# by tools/book-build, mdBook's library at the same version.
ensure_mdbook() {
  if [ "$(mdbook --version 2>/dev/null)" != "mdbook v$MDBOOK_VERSION" ]; then
    say "installing mdBook $MDBOOK_VERSION into target/tools (once)"
    cargo install mdbook --version "$MDBOOK_VERSION" --locked --quiet --root "$TOOLS"
  fi
}

# The C++ compiler of chapter 8's appendix, as gxx-toolchain.toml pins it: installed from Debian
# when its command is missing. The listing tool itself refuses any other version, with one message.
ensure_gxx() {
  local command package
  command="$(sed -n 's/^command = "\(.*\)"/\1/p' "$ROOT/gxx-toolchain.toml")"
  package="$(sed -n 's/^debian-package = "\(.*\)"/\1/p' "$ROOT/gxx-toolchain.toml")"
  if ! command -v "$command" >/dev/null; then
    say "installing $package (Debian package, gxx-toolchain.toml)"
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq "$package" >/dev/null
    else sudo apt-get update -qq && sudo apt-get install -y -qq "$package" >/dev/null; fi
  fi
}

# valgrind (Debian's package): the cost chapter counts instructions with its tool callgrind, and
# ci/valgrind-examples runs every example under memcheck.
ensure_valgrind() {
  if ! command -v valgrind >/dev/null; then
    say "installing valgrind (Debian package)"
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq valgrind >/dev/null
    else sudo apt-get update -qq && sudo apt-get install -y -qq valgrind >/dev/null; fi
  fi
}
