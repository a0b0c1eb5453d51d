#!/usr/bin/env bash
# Exact resume after SIGKILL: trains a reference run, then K more runs of the same
# configuration, each killed with SIGKILL at a random moment (or, for every fifth
# run from the second on, deliberately in the middle of a checkpoint write, and
# from the third on, during an evaluation), resumes each with `anneal resume`,
# and compares its final model.safetensors byte for byte with the reference.
#
#   scripts/kill-resume.sh [ANNEAL] [KILLS] [TRAIN OPTIONS…]
#
# Default: the acceptance run, cnn on 5000 training images for 3 epochs
# with a checkpoint every 20 steps, 10 kills. Exit 0 only if every resumed run is
# bit-identical.
set -euo pipefail
anneal="${1:-.build/release/anneal}"
kills="${2:-10}"
shift $(( $# >= 2 ? 2 : $# ))
options=("$@")
if ((${#options[@]} == 0)); then
    options=(--model cnn --train-subset 5000 --epochs 3 --checkpoint-every 20)
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
RANDOM=${KILL_RESUME_SEED:-1}

start=$(date +%s.%N)
"$anneal" train "${options[@]}" --no-progress --out "$work/reference" > "$work/reference.log"
duration=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
epochs=$(grep -c '^epoch ' "$work/reference.log")
echo "kill-resume: reference run took ${duration}s ($epochs epochs)"

identical=0
for ((i = 1; i <= kills; i++)); do
    dir="$work/run-$i"
    how="random"
    env=()
    if ((i % 5 == 2)); then how="checkpoint-write"; env=(ANNEAL_KILL_AT="checkpoint-write:$((1 + RANDOM % 4))")
    elif ((i % 5 == 3)); then how="evaluation"; env=(ANNEAL_KILL_AT="evaluation:$((1 + RANDOM % epochs))"); fi
    if [[ $how == random ]]; then
        # A moment between the end of start-up (run.json written) and the end of the run;
        # if the run is faster this time and ends first, again at half the delay.
        delay=$(awk -v d="$duration" -v r=$RANDOM 'BEGIN { printf "%.2f", 1 + (0.9 * d - 1) * r / 32767 }')
        for attempt in 1 2 3; do
            rm -rf "$dir"
            # In a subshell, so the shell's "Killed" notice goes nowhere.
            ( "$anneal" train "${options[@]}" --no-progress --out "$dir" > "$dir.log" 2>&1 & pid=$!
              sleep "$delay"; kill -9 "$pid" 2>/dev/null; wait "$pid"; exit $? ) 2>/dev/null && status=0 || status=$?
            ((status == 137)) && break
            delay=$(awk -v d="$delay" 'BEGIN { printf "%.2f", d / 2 }')
        done
        how="at a random moment, ${delay}s in"
    else
        ( env "${env[@]}" "$anneal" train "${options[@]}" --no-progress --out "$dir" > "$dir.log" 2>&1; exit $? ) 2>/dev/null && status=0 || status=$?
        how="$how (${env[0]})"
    fi
    if ((status != 137)); then
        echo "kill-resume: run $i was not killed ($how, exit $status); the kill came too late" >&2
        continue
    fi
    "$anneal" resume "$dir" --no-progress > "$dir.resume.log" 2> "$dir.resume.err" || { cat "$dir.resume.err" >&2; echo "kill-resume: run $i: resume failed" >&2; exit 1; }
    from=$(grep -o '^resumed .*' "$dir.resume.log" || echo "no checkpoint yet: started over")
    if cmp -s "$work/reference/model.safetensors" "$dir/model.safetensors"; then
        identical=$((identical + 1)); verdict="bit-identical"
    else
        verdict="DIFFERENT"
    fi
    echo "kill-resume: run $i killed $how; $from; $verdict"
    cat "$dir.resume.err" >&2
done
echo "kill-resume: $identical/$kills resumed runs bit-identical to the uninterrupted one"
((identical == kills))
