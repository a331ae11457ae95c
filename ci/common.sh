# Shared by the scripts in ci/: find or install what the project needs, the pinned way.
# Sourced, not run. No script parses a TOML file for a value: rustup reads rust-toolchain.toml,
# and `cargo xtask` the project's other files (ci/bench-pipeline only deletes lines of a copy of
# book.toml, for its plain-mdBook baseline).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MDBOOK_VERSION="0.5.4"
TOOLS="$ROOT/target/tools"
export PATH="$TOOLS/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# `apt_install PACKAGE...`: Debian packages, as root or through sudo.
apt_install() {
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  ${sudo[@]+"${sudo[@]}"} apt-get update -qq
  ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The pinned toolchain, installed through rustup if it is missing: rustup reads rust-toolchain.toml
# itself (with RUSTUP_TOOLCHAIN unset, the checkout's pin is its active toolchain). Any other
# compiler is refused here, once, before anything is built, rather than by every test later.
ensure_toolchain() {
  cd "$ROOT"
  command -v rustup >/dev/null || die "rustup is not installed: install it (https://rustup.rs), then run this again"
  if ! env -u RUSTUP_TOOLCHAIN rustup show active-toolchain >/dev/null 2>&1; then
    say "installing the Rust toolchain rust-toolchain.toml pins"
    env -u RUSTUP_TOOLCHAIN rustup toolchain install
  fi
  local active pinned found
  active="$(env -u RUSTUP_TOOLCHAIN rustup show active-toolchain)"
  case "$active" in
    *rust-toolchain.toml*) ;;
    *) die "rustup's toolchain here is $active, not rust-toolchain.toml's pin: remove that override (\`rustup override unset\`)" ;;
  esac
  # `1.95.0-x86_64-unknown-linux-gnu (overridden by '…/rust-toolchain.toml')`
  pinned="${active%%-*}"
  found="$(rustc --version 2>/dev/null)" || die "no rustc found; install rustup, then run this again"
  case "$found" in
    "rustc $pinned "*) ;;
    *) die "the book is pinned to rustc $pinned (rust-toolchain.toml) but \`rustc\` here is: $found. Unset RUSTUP_TOOLCHAIN / drop the +toolchain override." ;;
  esac
}

# Cargo's target directory, wherever CARGO_TARGET_DIR or a config file puts it: the book's tools
# are run from there, and write what they compute under it.
target_dir() {
  (cd "$ROOT" && cargo xtask target-dir)
}

# The book's tools, in one cargo call: the preprocessor, xtask (serve-book) and book-build (mdBook's
# library). Built together, their dependencies get the features `cargo test --workspace` gives
# them and that build is reused; built alone, the preprocessor got features of its own and some
# twenty crates were compiled again.
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

# What the tests run besides Rust (`cargo xtask system-packages`: valgrind, the g++ that
# gxx-toolchain.toml pins for chapter 8's appendix, and gdb for chapter 8's debugger sessions),
# installed from Debian when a command is missing. The listing tool itself refuses another g++,
# or another gdb, than the pinned one, with one message.
ensure_system_packages() {
  local command package missing=()
  while read -r command package; do
    command -v "$command" >/dev/null || missing+=("$package")
  done < <(cd "$ROOT" && cargo xtask system-packages)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} (Debian packages)"
    apt_install "${missing[@]}"
  fi
}
