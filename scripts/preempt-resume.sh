#!/usr/bin/env bash
# Preemption without loss: trains a reference run, then K runs of the same
# configuration, each sent a stop signal, and checks every one of them:
#   - it exits with status 75 (not killed by the signal) within 10 s of the signal;
#   - its last line names the step it stopped at, and the resumed run starts there;
#   - resumed, it ends with weights identical to the bit to the reference's.
#
#   scripts/preempt-resume.sh [ANNEAL] [MODE] [K] [TRAIN OPTIONS…]
#
# MODE single (default): SIGTERM and SIGUSR1 in turn to `anneal train`, at random
#   moments; run 2, 7, … signals itself during its first checkpoint write, run 3,
#   8, … during its first evaluation, run 4, 9, … gets a second signal while its
#   preemption checkpoint is written (all through ANNEAL_KILL_AT).
# MODE ranks: the same on 2 ranks (train --ranks 2), SIGTERM to both rank
#   processes; then K runs with SIGKILL to one rank, each finished by running the
#   same command again; and one SIGTERM to the launcher (`anneal train --ranks 2`).
#
# Default options: the issue's acceptance run, cnn on 12,000 training images for 2
# epochs with the default checkpointing (once per epoch), 10 signals.
set -euo pipefail
anneal="${1:-.build/release/anneal}"
mode="${2:-single}"
count="${3:-10}"
shift $(( $# >= 3 ? 3 : $# ))
options=("$@")
((${#options[@]})) || options=(--model cnn --train-subset 12000 --epochs 2)
[[ $mode == ranks ]] && options+=(--ranks 2 --threads 1)
work="$(mktemp -d)"
trap 'pkill -KILL -P $$ 2>/dev/null || true; rm -rf "$work"' EXIT
RANDOM=${PREEMPT_SEED:-1}
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

start=$(now)
"$anneal" train "${options[@]}" --no-progress --out "$work/reference" > "$work/reference.log" 2>&1 \
    || { cat "$work/reference.log"; exit 1; }
duration=$(seconds "$start" "$(now)")
echo "preempt-resume ($mode): reference run took ${duration}s"

passed=0 tried=0
# check NAME DIR STATUS SENT_AT ENDED_AT RESUME_COMMAND…: the checks above for one stopped run.
check() {
    local name=$1 dir=$2 status=$3 sent=$4 ended=$5; shift 5
    tried=$((tried + 1))
    local took; took=$(seconds "$sent" "$ended")
    local line; line=$(grep -o 'preempted.*' "$dir.log" | head -1 || true)
    if ((status != 75)) || [[ -z $line ]]; then
        echo "preempt-resume: $name: exit status $status, not 75 with a preempted line"; tail -5 "$dir.log"; return
    fi
    local epoch step
    epoch=$(sed -E 's/.* at epoch ([0-9]+) step ([0-9]+).*/\1/' <<< "$line")
    step=$(sed -E 's/.* at epoch ([0-9]+) step ([0-9]+).*/\2/' <<< "$line")
    "$@" > "$dir.resume.log" 2>&1 || { echo "preempt-resume: $name: resume failed"; tail -5 "$dir.resume.log"; return; }
    local from expected
    from=$(grep -o 'resumed .*' "$dir.resume.log" | head -1 || true)
    expected=$( ((step > 0)) && echo "resumed in epoch $epoch of .* after step $step" || echo "resumed after epoch $((epoch - 1)) of ")
    local verdict="stopped in ${took}s at epoch $epoch step $step; $from"
    if ! grep -Eq "^$expected" <<< "$from"; then echo "preempt-resume: $name: $verdict: not where it stopped"; return; fi
    if awk -v t="$took" 'BEGIN { exit !(t > 10) }'; then echo "preempt-resume: $name: $verdict: over 10 s"; return; fi
    if ! cmp -s "$work/reference/model.safetensors" "$dir/model.safetensors"; then echo "preempt-resume: $name: $verdict: DIFFERENT weights"; return; fi
    passed=$((passed + 1))
    echo "preempt-resume: $name: $verdict; bit-identical"
}

# A delay between the end of start-up (or the fraction $1 of the run) and 90 % of the run (or the fraction $2).
random_delay() {
    awk -v d="$duration" -v a="${1:-0}" -v b="${2:-0.9}" -v r=$RANDOM \
        'BEGIN { lo = a * d > 1.5 ? a * d : 1.5; printf "%.2f", lo + (b * d - lo) * r / 32767 }'
}
# The pids of a launcher's ranks (the children of its mpirun).
# Always succeeds (set -e would end the script silently otherwise): empty while mpirun
# has not started its ranks yet, which a slow machine can take seconds to do.
ranks_of() {
    local mpirun; mpirun=$(pgrep -P "$1" mpirun | head -1 || true)
    [[ -n $mpirun ]] && pgrep -P "$mpirun" | tr '\n' ' ' || true
}
# The ranks of launcher $1 once both have started (up to 30 s; empty if the launcher ended).
started_ranks_of() {
    local ranks=() tries=0
    while ((tries++ < 300)) && kill -0 "$1" 2>/dev/null; do
        read -ra ranks <<< "$(ranks_of "$1")"
        ((${#ranks[@]} >= 2)) && { echo "${ranks[*]}"; return; }
        sleep 0.1
    done
    return 0
}

# stop NAME TARGET SIGNAL [ENV…]: trains into $work/NAME and signals TARGET (self: the
# process; ranks: both ranks; none: only the injected fault) after a random delay
# (within the first 40 % of the run, which is the first epoch, with $EARLY set).
stop() {
    local name=$1 target=$2 signal=$3; shift 3
    local dir="$work/$name" status sent ended delay
    delay=$(random_delay 0 "${EARLY:+0.4}")
    for attempt in 1 2 3; do
        rm -rf "$dir"
        env "$@" "$anneal" train "${options[@]}" --no-progress --out "$dir" > "$dir.log" 2>&1 & local pid=$!
        sent=""
        if [[ $target != none ]]; then
            sleep "$delay"
            local victims=$pid
            [[ $target == ranks ]] && victims=$(started_ranks_of "$pid")
            sent=$(now)
            kill -"$signal" $victims 2>/dev/null || true
        fi
        status=0; wait "$pid" || status=$?
        ended=$(now)
        ((status == 0)) || break
        delay=$(awk -v d="$delay" 'BEGIN { printf "%.2f", d / 2 }')   # it ended before the signal: earlier
    done
    # An injected signal's moment is in its fault-injection line; the stop counts from the first signal.
    local injected; injected=$(grep -o 'fault injection: .*' "$dir.log" | head -1 | sed 's/.*, //' || true)
    if [[ -n $injected ]] && [[ -z $sent ]] || awk -v a="${injected:-0}" -v b="${sent:-0}" 'BEGIN { exit !(a > 0 && a < b) }'; then
        sent=$injected
    fi
    local what="SIG$signal to the ${target/self/process}, ${delay}s in"
    [[ $target == none ]] && what="${1#*=}"
    [[ $target != none && $# -gt 0 ]] && what="$what; then ${1#*=}"
    check "$name ($what)" "$dir" "$status" "$sent" "$ended" "$anneal" resume "$dir" --no-progress
}

if [[ $mode == single ]]; then
    for ((i = 1; i <= count; i++)); do
        signal=$( ((i % 2)) && echo TERM || echo USR1)
        case $((i % 5)) in
            2) stop "run-$i" none "$signal" ANNEAL_KILL_AT="checkpoint-write:1:$signal" ;;
            3) stop "run-$i" none "$signal" ANNEAL_KILL_AT="evaluation:1:$signal" ;;
            4) EARLY=1 stop "run-$i" self "$signal" ANNEAL_KILL_AT="checkpoint-write:1:TERM" ;;
            *) stop "run-$i" self "$signal" ;;
        esac
    done
else
    for ((i = 1; i <= count; i++)); do stop "ranks-$i" ranks TERM; done
    stop "launcher" self TERM
    # SIGKILL to one rank at a random moment after the first checkpoint: the job ends; the same
    # command continues it from the last checkpoint.
    for ((i = 1; i <= count; i++)); do
        dir="$work/kill-$i"
        "$anneal" train "${options[@]}" --no-progress --out "$dir" > "$dir.log" 2>&1 & pid=$!
        until [[ -e $dir/checkpoint.safetensors ]] || ! kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
        sleep "$(awk -v d="$duration" -v r=$RANDOM 'BEGIN { printf "%.2f", 0.3 * d * r / 32767 }')"
        read -ra victims <<< "$(started_ranks_of "$pid")"; kill -KILL "${victims[1]:-$pid}" 2>/dev/null || true
        wait "$pid" || true
        tried=$((tried + 1))
        "$anneal" train "${options[@]}" --no-progress --out "$dir" > "$dir.resume.log" 2>&1 \
            || { echo "preempt-resume: kill-$i: the same command failed"; tail -3 "$dir.resume.log"; continue; }
        from=$(grep -o 'resumed .*' "$dir.resume.log" | head -1 || true)
        if [[ -z $from ]]; then
            echo "preempt-resume: kill-$i (SIGKILL to rank 1): the same command started over instead of resuming"
        elif cmp -s "$work/reference/model.safetensors" "$dir/model.safetensors"; then
            passed=$((passed + 1)); echo "preempt-resume: kill-$i (SIGKILL to rank 1): $from; bit-identical"
        else
            echo "preempt-resume: kill-$i (SIGKILL to rank 1): $from; DIFFERENT weights"
        fi
    done
fi
echo "preempt-resume ($mode): $passed/$tried stopped runs exited 75 in time where they said and resumed bit-identical"
((passed == tried))
