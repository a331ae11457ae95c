# The book's machine, for a student on macOS or Windows, for an author, and for the GitHub Pages
# workflow (.github/workflows/pages.yml builds this image and runs the test command in it):
# Debian 12 on x86-64, with everything the test command needs and pins.
#
#   - the Rust toolchain rust-toolchain.toml pins (1.95.0, with its target and components),
#     installed through rustup when the image is built, so that nothing is downloaded later;
#   - valgrind (chapter 9 and its exercises count instructions with callgrind);
#   - the g++ gxx-toolchain.toml pins for chapter 8's C++ appendix: Debian 12's g++-12 is
#     g++ 12.2.0, the release the C++ listings require (Ubuntu's g++-12 is a 12.3 release);
#   - gdb for chapter 8's debugger sessions: Debian 12's gdb is 13.1, the release they are pinned to;
#   - gcc and the C library's headers, which rustc links with.
#
# The packages include every one `cargo xtask system-packages` lists (a test of tools/xtask holds
# it). Build and use it from the checkout's root:
#
#   docker build --platform linux/amd64 -t under-the-await .
#   docker run --rm -it -v "$PWD":/book -w /book -e CARGO_TARGET_DIR=/book/target/container under-the-await ci/student-setup
#
# (podman takes the same arguments.) .devcontainer/devcontainer.json opens the checkout in it.
FROM --platform=linux/amd64 docker.io/library/debian:bookworm

ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        ca-certificates curl gcc libc6-dev valgrind g++-12 gdb \
    && rm -rf /var/lib/apt/lists/*

# rustup itself, at a fixed release, checked against its published SHA-256 (from
# https://static.rust-lang.org/rustup/archive/1.28.2/x86_64-unknown-linux-gnu/rustup-init.sha256).
ARG RUSTUP_VERSION=1.28.2
ARG RUSTUP_SHA256=20a06e644b0d9bd2fbdbfd52d42540bdde820ea7df86e92e533c073da0cdd43c
ENV RUSTUP_HOME=/usr/local/rustup \
    CARGO_HOME=/usr/local/cargo \
    PATH=/usr/local/cargo/bin:$PATH
RUN curl --proto '=https' --tlsv1.2 -sSf -o /tmp/rustup-init \
        "https://static.rust-lang.org/rustup/archive/${RUSTUP_VERSION}/x86_64-unknown-linux-gnu/rustup-init" \
    && echo "${RUSTUP_SHA256}  /tmp/rustup-init" | sha256sum -c - \
    && chmod +x /tmp/rustup-init \
    && /tmp/rustup-init -y --no-modify-path --profile minimal --default-toolchain none \
    && rm /tmp/rustup-init

# The pinned toolchain, as ci/common.sh installs it: rustup reads rust-toolchain.toml itself
# (copied alone, so that this layer is built again only when the pin changes).
WORKDIR /tmp/pin
COPY rust-toolchain.toml ./
RUN rustup toolchain install && rustc --version && rm -r /tmp/pin

WORKDIR /book
