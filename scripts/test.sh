#!/usr/bin/env bash
# The whole test suite: installs what is missing, then runs `swift test`. Tests that need moto or
# PostgreSQL start those services themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# Formatting (.swift-format: the swift-nio/hummingbird style, 150 columns) and doc citations are checked first.
swift format lint --strict -r Sources Tests Fuzz Package.swift
scripts/check-doc-citations.sh
swift build --build-tests
# A short fuzz run of every parser target (scripts/fuzz.sh; longer runs: --seconds S): a crash fails the suite.
scripts/fuzz.sh --seconds 3
swift test --skip-build --parallel 2>&1 | tee .build/test-output.txt
