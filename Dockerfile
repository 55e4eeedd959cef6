# paymon worker image: `docker build -t paymon .` then `docker run paymon` runs `paymon worker`
# (docker-compose.yml runs two of them, plus `paymon topics create` once).
#
# Two stages: the build stage compiles PyICU (PyPI ships it as source only) against ICU and the
# Rust extension with cargo; the runtime stage keeps just the virtualenv and the ICU runtime
# library. Bookworm is pinned so the ICU library of both stages is the same (libicu72).
FROM python:3.11-slim-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential pkg-config libicu-dev \
    && rm -rf /var/lib/apt/lists/*
# The Rust toolchain builds screening._native (native/, the matching hot path); Debian's rustc is
# older than PyO3 needs, so the official Rust image's toolchain is copied in (build stage only).
COPY --from=rust:1.95-slim-bookworm /usr/local/cargo /usr/local/cargo
COPY --from=rust:1.95-slim-bookworm /usr/local/rustup /usr/local/rustup
ENV RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo PATH=/usr/local/cargo/bin:$PATH
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/paymon
WORKDIR /src
# Dependencies first (pinned by constraints.txt, same as `make install`), so code changes reuse
# this layer.
COPY pyproject.toml constraints.txt README.md ./
COPY screening ./screening
COPY schemas ./schemas
COPY agents ./agents
COPY paymon_cli ./paymon_cli
COPY native ./native
RUN /opt/paymon/bin/pip install -c constraints.txt .

FROM python:3.11-slim-bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends libicu72 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/paymon --create-home paymon
COPY --from=build /opt/paymon /opt/paymon
ENV PATH=/opt/paymon/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PAYMON_DATA_DIR=/var/lib/paymon \
    PAYMON_METRICS_HOST=0.0.0.0 \
    PAYMON_METRICS_PORT=9464
USER paymon
WORKDIR /var/lib/paymon
# Metrics (/metrics), readiness (/ready) and liveness (/live) of agents.metrics.serve_metrics.
EXPOSE 9464
# Healthy only once the reference lists are loaded (/ready answers 200); no curl in slim images.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/ready' % os.environ.get('PAYMON_METRICS_PORT', '9464'), timeout=2)"]
CMD ["paymon", "worker"]
