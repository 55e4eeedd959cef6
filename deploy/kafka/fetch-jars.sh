#!/usr/bin/env bash
# Download the Kafka 3.9.2 broker jars from Maven Central into the cache (once; ~50 MB):
#   ~/.cache/paymon/kafka-3.9.2/lib, or $PAYMON_KAFKA_LIB. Needs mvn and Java 17.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec "${PYTHON:-.venv/bin/python}" -m devtools.local_kafka fetch "$@"
