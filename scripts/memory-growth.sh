#!/usr/bin/env bash
# Long runs do not grow: trains the cnn preset (default 30 epochs) and samples the
# resident set size (VmRSS) of the training process, or of each rank, as each
# epoch's line appears; prints the series and the growth from epoch 3 to the last,
# and fails when it is over the limit (default 3 %).
#
#   scripts/memory-growth.sh [ANNEAL] [RANKS] [EPOCHS] [TRAIN OPTIONS…]
#
# RANKS 1 (default) or more: train --ranks N, one thread each. MEMORY_LIMIT_PERCENT
# sets the limit.
set -euo pipefail
anneal="${1:-.build/release/anneal}"
ranks="${2:-1}"
epochs="${3:-30}"
shift $(( $# >= 3 ? 3 : $# ))
options=(--model cnn --epochs "$epochs" "$@")
((ranks > 1)) && options+=(--ranks "$ranks" --threads 1)
limit="${MEMORY_LIMIT_PERCENT:-3}"
work="$(mktemp -d)"
trap 'pkill -KILL -P $$ 2>/dev/null || true; rm -rf "$work"' EXIT

"$anneal" train "${options[@]}" --no-progress --out "$work/run" > "$work/log" 2>&1 & pid=$!
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
processes() {
    if ((ranks == 1)); then echo "$pid"; else
        local mpirun; mpirun=$(pgrep -P "$pid" mpirun | head -1 || true)
        [[ -n $mpirun ]] && pgrep -P "$mpirun" | sort -n | tr '\n' ' '
    fi
}
declare -A series
seen=0
while kill -0 "$pid" 2>/dev/null; do
    lines=$(grep -c '^epoch ' "$work/log" || true)
    if ((lines > seen)); then
        seen=$lines
        k=0
        for p in $(processes); do series[$k]+="$(rss "$p") "; k=$((k + 1)); done
    fi
    sleep 0.2
done
wait "$pid" || { tail -5 "$work/log"; echo "memory-growth: the run failed"; exit 1; }
# The last epoch's line may come as the process ends; then its series ends one epoch early.
((seen >= epochs - 1 && seen >= 4)) || { echo "memory-growth: saw $seen of $epochs epochs"; exit 1; }
status=0
for k in $(seq 0 $(( ${#series[@]} - 1 ))); do
    read -ra values <<< "${series[$k]}"
    label=$( ((ranks > 1)) && echo "rank $k" || echo "process")
    echo "memory-growth: $label VmRSS per epoch (MiB): $(printf '%s\n' "${values[@]}" | awk '{ printf "%.1f ", $1 / 1024 }')"
    verdict=$(awk -v a="${values[2]}" -v b="${values[$((${#values[@]} - 1))]}" -v l="$limit" \
        -v n="${#values[@]}" 'BEGIN { g = 100 * (b - a) / a; printf "%+.2f %% from epoch 3 to epoch %d (limit %s %%)", g, n, l; exit !(g <= l) }') || status=1
    echo "memory-growth: $label: $verdict"
done
exit $status
