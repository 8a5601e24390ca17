#!/usr/bin/env bash
# Fuzzes pushgate's parsers with libFuzzer (swiftc -sanitize=fuzzer,address; docs/build-notes.md).
#
#   scripts/fuzz.sh [TARGET...] [--runs N] [--seconds S]
#
# TARGET: json (the JSON parser: parse, then serialise and parse again to the same value) or template (a base
# job template: parse, validate, render, secret values); default all. Each target is its entry in Fuzz/
# compiled into the PushgateCore module (Core has no C dependency, so swiftc builds it alone). Seeds are the
# repository's templates and reference templates. A crash, leak or timeout writes its input under
# .build/fuzz-crashes/ and the script exits 1; defaults: 10 seconds a target, no run limit.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=()
runs=-1
seconds=10
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        json|template) targets+=("$1"); shift ;;
        *) echo "fuzz.sh: unknown argument '$1' (targets: json, template; --runs N, --seconds S)" >&2; exit 2 ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=(json template)
mkdir -p .build/fuzz .build/fuzz-crashes
declare -A entry=([json]=Fuzz/JSONParserFuzz.swift [template]=Fuzz/TemplateFuzz.swift)
status=0
for target in "${targets[@]}"; do
    binary=".build/fuzz/$target"
    sources=$(find Sources/PushgateCore -name '*.swift' | sort)
    if [ ! -x "$binary" ] || [ -n "$(find ${entry[$target]} $sources -newer "$binary" | head -1)" ]; then
        echo "fuzz.sh: building $target" >&2
        # shellcheck disable=SC2086
        swiftc -swift-version 6 -O -sanitize=fuzzer,address -parse-as-library -package-name pushgate -module-name PushgateCore \
            $sources "${entry[$target]}" -o "$binary" 2>&1 | grep -v 'ld.gold: warning: Cannot export local symbol' >&2 || true
        [ -x "$binary" ] || { echo "fuzz.sh: $target did not build" >&2; exit 2; }
    fi
    corpus=".build/fuzz/corpus-$target"
    mkdir -p "$corpus"
    for seed in templates/*.json; do cp "$seed" "$corpus/shipped-$(basename "$seed")"; done
    for seed in Tests/Fixtures/reference-templates/*.json; do cp "$seed" "$corpus/reference-$(basename "$seed")"; done
    echo "fuzz.sh: $target for ${seconds}s" >&2
    if ASAN_OPTIONS=symbolize=0:detect_leaks=0 "$binary" -max_total_time="$seconds" -runs="$runs" -max_len=65536 -timeout=10 \
        -artifact_prefix=".build/fuzz-crashes/$target-" "$corpus" > ".build/fuzz/$target.log" 2>&1; then
        echo "fuzz.sh: $target: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' ".build/fuzz/$target.log" | tail -1), no crash" >&2
    else
        echo "fuzz.sh: $target FAILED (input under .build/fuzz-crashes/; log .build/fuzz/$target.log)" >&2
        tail -20 ".build/fuzz/$target.log" >&2
        status=1
    fi
done
exit $status
