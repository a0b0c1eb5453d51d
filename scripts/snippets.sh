#!/usr/bin/env bash
# Builds and runs every snippet of the documentation (Snippets/*.swift, embedded in the
# DocC articles as they stand), in a scratch directory, so the docs cannot rot: each
# must exit 0, and the ones that state a result must state the right one.
# Distributed runs alone and as 2 ranks under mpirun.
#   bash scripts/snippets.sh [BUILD_DIR]   (default .build/release; builds the snippets there)
set -euo pipefail
cd "$(dirname "$0")/.."
build="$(cd "${1:-.build/release}" 2>/dev/null && pwd || echo "$PWD/.build/release")"
snippets=($(ls Snippets/*.swift | xargs -n1 basename | sed 's/\.swift$//'))
for s in "${snippets[@]}"; do swift build -c release --product "$s" 2>&1 | grep -E "error|warning: .*Snippets/" && exit 1 || true; done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "snippets: FAIL: $*" >&2; exit 1; }
for s in "${snippets[@]}"; do
    start=$(date +%s)
    (cd "$work" && "$build/$s" > "$work/$s.log" 2>&1) || { tail -20 "$work/$s.log"; fail "$s exited non-zero"; }
    echo "snippets: $s ran in $(( $(date +%s) - start )) s: $(tail -1 "$work/$s.log" | cut -c1-110)"
done
# What the snippets say they show.
grep -q "weights identical to the uninterrupted run's: true" "$work/ReproducibleRuns.log" || fail "ReproducibleRuns: the resumed run differs"
grep -q "preempted and continued, identical: true" "$work/ReproducibleRuns.log" || fail "ReproducibleRuns: the preempted run differs"
grep -q "squareplus: gradient within" "$work/ExtendingAnneal.log" || fail "ExtendingAnneal: no gradient check"
grep -q "^1 rank(s)" "$work/Distributed.log" || fail "Distributed: alone, not a group of one"
(cd "$work" && mpirun --allow-run-as-root --oversubscribe -np 2 -x ANNEAL_NUM_THREADS=1 "$build/Distributed" > "$work/Distributed-2.log" 2>&1) \
    || { tail -20 "$work/Distributed-2.log"; fail "Distributed under mpirun -np 2"; }
grep -q "^2 rank(s)" "$work/Distributed-2.log" || fail "Distributed under mpirun: not 2 ranks"
echo "snippets: ${#snippets[@]} snippets ran; Distributed also as 2 ranks: $(grep "rank(s)" "$work/Distributed-2.log")"
