#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser (libFuzzer + AddressSanitizer).
#
#   scripts/fuzz.sh [SECONDS] [TARGET…]      (default: 30 seconds for each target)
#   FUZZ_RUNS=1000000 scripts/fuzz.sh 900    (each target until 10^6 executions or 15 minutes)
#   FUZZ_SEED=1 scripts/fuzz.sh 30           (a fixed mutation sequence: what the tests run, so that
#                                             CI repeats the inputs already checked here; campaigns
#                                             leave it unset and explore afresh each time)
#
# Builds Fuzz/ (a package of its own) with -sanitize=fuzzer,address and runs each
# target on a scratch copy of its seed corpus Fuzz/corpus/TARGET: an input that
# traps, throws an untyped error, allocates more than 256 MB at once, uses more than
# 2 GB or runs over 10 s is a failure, saved under Fuzz/artifacts/. Prints one line
# per target (executions, seconds) and exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
shift $(( $# > 0 ? 1 : 0 ))
targets=("$@")
if ((${#targets[@]} == 0)); then
    targets=(idx npy safetensors png jpeg data-source augment-spec search-space schedule run-config checkpoint)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if ! (cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library) > "$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    echo "fuzz: the fuzz targets did not build" >&2
    exit 1
fi
binary=Fuzz/.build/release/AnnealFuzz
mkdir -p Fuzz/artifacts
for target in "${targets[@]}"; do
    [[ -d "Fuzz/corpus/$target" ]] || { echo "fuzz: no seed corpus Fuzz/corpus/$target" >&2; exit 1; }
    mkdir -p "$work/$target"
    cp -r "Fuzz/corpus/$target/." "$work/$target/"
    log="$work/$target.log"
    if ! ANNEAL_FUZZ_TARGET="$target" ASAN_OPTIONS=detect_leaks=1 "$binary" "$work/$target" \
        -max_total_time="$seconds" ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} ${FUZZ_SEED:+-seed=$FUZZ_SEED} -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256 -max_len=65536 \
        -artifact_prefix="Fuzz/artifacts/$target-" -print_final_stats=1 > "$log" 2>&1; then
        tail -40 "$log" >&2
        echo "fuzz: $target FAILED (input saved under Fuzz/artifacts/)" >&2
        exit 1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    took=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || echo "$seconds")
    echo "fuzz: $target: $runs executions in ${took}s, no crash, leak or timeout (corpus $(ls "$work/$target" | wc -l) inputs)"
done
