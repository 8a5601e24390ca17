#!/usr/bin/env bash
# The whole test suite: installs what is missing, then runs `swift test`. Tests that need moto or
# PostgreSQL start those services themselves.
#
#   scripts/test.sh                       the whole suite (what .ci/run runs)
#   scripts/test.sh --sanitize thread     the concurrency-heavy suites under ThreadSanitizer
#   scripts/test.sh --sanitize address    the same under AddressSanitizer
#
# A sanitizer build has its own scratch path (.build-thread, .build-address); a report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=""
while [ $# -gt 0 ]; do
    case "$1" in
        --sanitize) sanitize="${2:-}"; shift 2 || { echo "test.sh: --sanitize needs thread or address" >&2; exit 2; } ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "test.sh: unknown argument '$1' (--sanitize thread|address)" >&2; exit 2 ;;
    esac
done
scripts/install-deps.sh
if [ -n "$sanitize" ]; then
    case "$sanitize" in
        thread|address) ;;
        *) echo "test.sh: --sanitize takes thread or address, not '$sanitize'" >&2; exit 2 ;;
    esac
    # The dispatcher, poller and wake-up signal, the store's group commit and concurrent claims (SQLite and
    # PostgreSQL pool), and the HTTP client's multi handle and server: where the threads meet.
    suites='DispatcherTests|PollerTests|WakeSignalTests|ConcurrentClaimTests|SubmissionBatchTests|CrashDurabilityTests'
    suites+='|PostgresStoreTests|CurlHTTPClientTests|CurlHTTPClientCancellationTests|HTTPServerTests|PrefectBridgeTests'
    swift build --build-tests --sanitize="$sanitize" --scratch-path ".build-$sanitize"
    export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ASAN_OPTIONS="halt_on_error=1 detect_leaks=0"
    swift test --skip-build --sanitize="$sanitize" --scratch-path ".build-$sanitize" --filter "$suites" 2>&1 \
        | tee ".build-$sanitize/test-output.txt"
    ! grep -q 'WARNING: ThreadSanitizer\|ERROR: AddressSanitizer' ".build-$sanitize/test-output.txt"
    exit
fi
# Formatting (.swift-format: the swift-nio/hummingbird style, 150 columns) and doc citations are checked first.
swift format lint --strict -r Sources Tests Fuzz Package.swift
scripts/check-doc-citations.sh
swift build --build-tests
# A short fuzz run of every parser target (scripts/fuzz.sh; longer runs: --seconds S): a crash fails the suite.
scripts/fuzz.sh --seconds 3
swift test --skip-build --parallel 2>&1 | tee .build/test-output.txt
