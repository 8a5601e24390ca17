#!/usr/bin/env bash
# Installs what pushgate needs on a fresh Debian 12 machine: the C libraries it wraps, PostgreSQL
# (for the store tests), Chromium and chromedriver (the browser tests of the web pages) and the Python
# peers the tests start (moto for AWS, grpcio for the Modal fake, the official kubernetes client, PyYAML), and
# podman, runc and busybox-static for the Docker provider's tests against a real engine (docs/build-notes.md §6).
# Idempotent: it installs only what is missing.
set -euo pipefail
need_apt=()
for pkg in libcurl4-openssl-dev libssl-dev libsqlite3-dev libpq-dev libmicrohttpd-dev postgresql pkg-config systemd chromium chromium-driver \
    podman runc busybox-static; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "installing Debian packages: ${need_apt[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
need_pip=()
python3 -c 'import moto, flask' 2>/dev/null || need_pip+=("moto[server]")
python3 -c 'import botocore' 2>/dev/null || need_pip+=("botocore")
python3 -c 'import grpc' 2>/dev/null || need_pip+=("grpcio")
# PyYAML: the independent reader the YAML kubeconfig tests compare against (KubeconfigYAMLTests).
python3 -c 'import yaml' 2>/dev/null || need_pip+=("PyYAML")
if [ ${#need_pip[@]} -gt 0 ]; then
    echo "installing Python packages: ${need_pip[*]}" >&2
    python3 -m pip install -q "${need_pip[@]}"
fi
# The store tests start a throwaway PostgreSQL cluster with initdb and pg_ctl (Debian keeps them out of PATH,
# in /usr/lib/postgresql/<version>/bin); fail here, not in the middle of the tests, when they are missing.
pg_bindir="$(pg_config --bindir 2>/dev/null || true)"
if [ ! -x "$pg_bindir/initdb" ]; then
    pg_bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
fi
if [ ! -x "$pg_bindir/initdb" ] || [ ! -x "$pg_bindir/pg_ctl" ]; then
    echo "PostgreSQL server tools (initdb, pg_ctl) not found; install Debian's postgresql package" >&2
    exit 1
fi
# The Prefect bridge's tests run a real Prefect server and its CLI and SDK (docs/build-notes.md §3), pinned,
# in their own virtual environment .venv-prefect/ at the repository root (prefect's dependencies would
# clash with moto's in the system Python). Quick when already there.
prefect_version=3.9.1
prefect_venv="$(cd "$(dirname "$0")/.." && pwd)/.venv-prefect"
if ! "$prefect_venv/bin/python" -c "import prefect, sys; sys.exit(prefect.__version__ != '$prefect_version')" 2>/dev/null; then
    echo "installing prefect $prefect_version into $prefect_venv" >&2
    python3 -m venv "$prefect_venv"
    "$prefect_venv/bin/pip" install -q --disable-pip-version-check "prefect==$prefect_version"
fi
# The Kubernetes tests read what the kube-apiserver fake holds with the official Python client (PyPI's
# kubernetes), pinned, in its own virtual environment .venv-kubernetes/ (its urllib3 and google-auth pins
# are its own). Quick when already there.
kubernetes_client_version=33.1.0
kubernetes_venv="$(cd "$(dirname "$0")/.." && pwd)/.venv-kubernetes"
if ! "$kubernetes_venv/bin/python" -c "import kubernetes, sys; sys.exit(kubernetes.__version__ != '$kubernetes_client_version')" 2>/dev/null; then
    echo "installing the kubernetes Python client $kubernetes_client_version into $kubernetes_venv" >&2
    python3 -m venv "$kubernetes_venv"
    "$kubernetes_venv/bin/pip" install -q --disable-pip-version-check "kubernetes==$kubernetes_client_version"
fi
