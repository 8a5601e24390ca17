#!/usr/bin/env bash
# Benchmarks pushgate against its Python peers and prints one table (README.md "Performance").
#
#   scripts/bench.sh [WORKLOAD...]     (default: render sign select e2e http claim; also claim-1m, ui-1m, prune, replicas;
#                                       see pushgate-bench --help)
#
# Installs the peers from PyPI into a throwaway virtual environment .venv-bench/ (prefect, prefect-aws; reused
# when present), builds the release benchmark, and runs it with that interpreter as PUSHGATE_BENCH_PYTHON.
# If the venv cannot be made (no network), the benchmark still runs: the peer columns show "-".
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-bench
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import prefect, prefect_aws, botocore" 2>/dev/null; then
    echo "bench.sh: installing prefect and prefect-aws into $venv (one-off)" >&2
    if python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check prefect prefect-aws >&2; then
        :
    else
        echo "bench.sh: could not set up $venv; running without the Python peers" >&2
    fi
fi
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import prefect" 2>/dev/null; then
    export PUSHGATE_BENCH_PYTHON="$PWD/$venv/bin/python"
else
    export PUSHGATE_BENCH_PYTHON="${PUSHGATE_BENCH_PYTHON:-$PWD/$venv/bin/python-missing}"
fi
# The replicas workload needs a PostgreSQL server: start a throwaway cluster on loopback, stopped on exit.
if [[ " $* " == *" replicas "* ]] && [ -z "${PUSHGATE_BENCH_POSTGRES_URL:-}" ]; then
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)
    pgdir=$(mktemp -d /tmp/pushgate-bench-pg.XXXXXX)
    chown postgres "$pgdir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    su postgres -c "$bindir/initdb -D $pgdir/data -A trust -U postgres" >/dev/null
    su postgres -c "$bindir/pg_ctl -D $pgdir/data -w -l $pgdir/log -o '-p $port -k $pgdir -c listen_addresses=127.0.0.1' start" >/dev/null
    trap 'su postgres -c "$bindir/pg_ctl -D $pgdir/data -m fast stop" >/dev/null 2>&1; rm -rf "$pgdir"' EXIT
    export PUSHGATE_BENCH_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres?sslmode=disable"
fi
swift build -c release --static-swift-stdlib --scratch-path .build-bench --product pushgate-bench >&2
swift build -c release --static-swift-stdlib --scratch-path .build-bench --product pushgate >&2  # the e2e workload's emulator process
echo "\$ scripts/bench.sh $*"
.build-bench/release/pushgate-bench "$@"
