#!/usr/bin/env bash
# Start a local single-node Kafka in the background (fetching the jars first if needed) and print
# its bootstrap servers; stop it with `python -m devtools.local_kafka stop`.
#   deploy/kafka/start.sh [--port 9092] [--data-dir DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
exec "${PYTHON:-.venv/bin/python}" -m devtools.local_kafka start "$@"
