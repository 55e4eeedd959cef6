#!/bin/sh
# Installs Prometheus and promtool (Debian's `prometheus` package) for the rules and dashboard
# tests, when they are missing. Run by `make tools`; safe to re-run (does nothing when present).
#
# The package would normally start a prometheus service on install: a temporary policy-rc.d
# (the Debian mechanism invoke-rc.d consults) forbids that, and --no-install-recommends keeps
# prometheus-node-exporter (another service) out. The tests start their own Prometheus.
set -eu

if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
    exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    cat >&2 <<'MSG'
tools: promtool/prometheus not found and cannot be installed automatically (needs root and apt-get).
  Debian/Ubuntu:  sudo apt-get install --no-install-recommends prometheus
  elsewhere:      put the `prometheus` and `promtool` binaries of a Prometheus 2.x release on PATH
Until then the tests marked `prometheus` are skipped with this reason.
MSG
    exit 0
fi

POLICY=/usr/sbin/policy-rc.d
created_policy=no
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\n# paymon tools: do not start services during apt-get install.\nexit 101\n' >"$POLICY"
    chmod 755 "$POLICY"
    created_policy=yes
fi
cleanup() {
    if [ "$created_policy" = yes ]; then rm -f "$POLICY"; fi
}
trap cleanup EXIT INT TERM

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends prometheus

# Check the package really started nothing (policy-rc.d is honoured by invoke-rc.d; a system
# with its own service manager policy could still start it): say so rather than kill blindly.
if command -v pgrep >/dev/null 2>&1 && pgrep -u prometheus -x prometheus >/dev/null 2>&1; then
    echo "tools: warning: a packaged prometheus service is running (user prometheus);" \
         "stop it with your service manager if you do not want it (the tests start their own)." >&2
fi
promtool --version | head -n 1
