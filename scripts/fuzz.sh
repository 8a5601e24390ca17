#!/usr/bin/env bash
# Fuzzes pushgate's parsers with libFuzzer (swiftc -sanitize=fuzzer,address; docs/build-notes.md).
#
#   scripts/fuzz.sh [TARGET...] [--runs N] [--seconds S]
#
# TARGET: json (the JSON parser: parse, then serialise and parse again to the same value), template (a base
# job template: parse, validate, render, secret values), credentials (the credentials file with every profile
# kind), responses (provider and token-endpoint answers, Retry-After, handles, Modal's protobuf and gRPC
# framing) or kubeconfig (a YAML or JSON kubeconfig read by KubeconfigFile and KubeconfigYAML); default all.
# json and template are their entry in Fuzz/ compiled into PushgateCore (no C dependency); the others are their
# entry as a module of its own over PushgateProviders, PushgateSigning and PushgateCore built once as static
# libraries with the same instrumentation (.build/fuzz/lib). Seeds are the repository's templates, reference
# templates, credentials.example and Fuzz/Seeds/TARGET/. A crash, leak or timeout writes its input under
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
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        json|template|credentials|responses|kubeconfig) targets+=("$1"); shift ;;
        *) echo "fuzz.sh: unknown argument '$1' (targets: json, template, credentials, responses, kubeconfig; --runs N, --seconds S)" >&2; exit 2 ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=(json template credentials responses kubeconfig)
mkdir -p .build/fuzz .build/fuzz-crashes
declare -A entry=([json]=Fuzz/JSONParserFuzz.swift [template]=Fuzz/TemplateFuzz.swift [credentials]=Fuzz/CredentialsFileFuzz.swift
    [responses]=Fuzz/ProviderResponsesFuzz.swift [kubeconfig]=Fuzz/KubeconfigFuzz.swift)
declare -A module=([json]=PushgateCore [template]=PushgateCore [credentials]=PushgateProviders [responses]=PushgateProviders
    [kubeconfig]=PushgateProviders)
flags=(-swift-version 6 -O -sanitize=fuzzer,address -parse-as-library -package-name pushgate)
sources_of() { find "Sources/$1" -name '*.swift' | sort; }
# A static library and module of one target, rebuilt when its sources change.
# library NAME "UPSTREAM LIBRARIES" [swiftc flags]: rebuilt when its sources or a library it uses changed.
library() {
    local name="$1" upstream="$2"; shift 2
    local lib=".build/fuzz/lib/lib$name.a"
    mkdir -p .build/fuzz/lib
    # shellcheck disable=SC2046,SC2086
    if [ ! -f "$lib" ] || [ -n "$(find $(sources_of "$name") $upstream -newer "$lib" | head -1)" ]; then
        echo "fuzz.sh: building $name" >&2
        # shellcheck disable=SC2046
        swiftc "${flags[@]}" -module-name "$name" "$@" -emit-module -emit-module-path ".build/fuzz/lib/$name.swiftmodule" \
            -emit-library -static -o "$lib" $(sources_of "$name") >&2 || { echo "fuzz.sh: $name did not build" >&2; exit 2; }
    fi
}
status=0
for target in "${targets[@]}"; do
    binary=".build/fuzz/$target"
    name="${module[$target]}"
    extra=()
    deps=()
    sources=$(sources_of "$name")
    module_name="$name"
    if [ "$name" = PushgateProviders ]; then
        # PushgateProviders is built once as a library (the slow part); each target's entry is a module of its
        # own over it, calling its package API.
        library PushgateCore ""
        library PushgateSigning "" -I Sources/CCrypto
        library PushgateProviders ".build/fuzz/lib/libPushgateCore.a .build/fuzz/lib/libPushgateSigning.a" -I .build/fuzz/lib -I Sources/CCrypto
        deps=(.build/fuzz/lib/libPushgateProviders.a .build/fuzz/lib/libPushgateSigning.a .build/fuzz/lib/libPushgateCore.a)
        extra=(-I .build/fuzz/lib -I Sources/CCrypto "${deps[@]}" -lcrypto)
        sources=""
        module_name="Fuzz_$target"
    fi
    if [ ! -x "$binary" ] || [ -n "$(find ${entry[$target]} $sources "${deps[@]}" -newer "$binary" | head -1)" ]; then
        echo "fuzz.sh: building $target" >&2
        # shellcheck disable=SC2086
        swiftc "${flags[@]}" -module-name "$module_name" $sources "${entry[$target]}" "${extra[@]}" -o "$binary" 2>&1 \
            | grep -v 'ld.gold: warning: Cannot export local symbol' >&2 || true
        [ -x "$binary" ] || { echo "fuzz.sh: $target did not build" >&2; exit 2; }
    fi
    corpus=".build/fuzz/corpus-$target"
    mkdir -p "$corpus"
    for seed in templates/*.json; do cp "$seed" "$corpus/shipped-$(basename "$seed")"; done
    for seed in Tests/Fixtures/reference-templates/*.json; do cp "$seed" "$corpus/reference-$(basename "$seed")"; done
    cp credentials.example "$corpus/credentials.example"
    if [ -d "Fuzz/Seeds/$target" ]; then cp Fuzz/Seeds/"$target"/* "$corpus/"; fi
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
