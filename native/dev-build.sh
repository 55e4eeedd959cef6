#!/bin/sh
# Developer loop: build the extension and drop it beside the Python package (what the editable
# install does), without reinstalling.
set -eu
cd "$(dirname "$0")"
cargo build --release --quiet --locked
cp target/release/lib_native.so ../screening/_native.abi3.so
