#!/usr/bin/env bash
# A full disk stays harmless: trains into a small tmpfs (mounted and removed here;
# needs root) and fills it, once during training (a checkpoint every 10 steps) and
# once just before a SIGTERM, so that the preemption checkpoint finds the disk full.
# Each time: the run stops with a non-zero status and one line naming the file it
# could not write; the last complete checkpoint, copied elsewhere, resumes to
# weights identical to the bit to an uninterrupted run's.
#
#   scripts/full-disk.sh [ANNEAL]
set -euo pipefail
anneal="$(realpath "${1:-.build/release/anneal}")"
work="$(mktemp -d)"
disk="$work/disk"
mkdir -p "$disk"
cleanup() { pkill -KILL -P $$ 2>/dev/null || true; umount "$disk" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mount -t tmpfs -o size=24m tmpfs "$disk" || { echo "full-disk: cannot mount a tmpfs (needs root)"; exit 1; }
fail() { echo "full-disk: FAIL: $*"; exit 1; }

options=(--model cnn --train-subset 6000 --epochs 2 --no-progress)
"$anneal" train "${options[@]}" --checkpoint-every 10 --out "$work/reference" > "$work/reference.log" 2>&1 || fail "reference run"
"$anneal" train "${options[@]}" --out "$work/reference-epochs" > /dev/null 2>&1 || fail "reference run"

# run NAME WAIT_FOR SIGNAL TRAIN_OPTIONS…: trains into the tmpfs; once WAIT_FOR exists there,
# fills the disk (and sends SIGNAL unless it is -); checks the stop and the resume.
run() {
    local name=$1 wait_for=$2 signal=$3; shift 3
    local dir="$disk/$name"
    "$anneal" train "${options[@]}" "$@" --out "$dir" > "$work/$name.out" 2> "$work/$name.err" & local pid=$!
    until [[ -e $dir/$wait_for ]] || ! kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    dd if=/dev/zero of="$disk/filler" bs=64k > /dev/null 2>&1 || true   # until "No space left on device"
    [[ $signal == - ]] || kill -"$signal" "$pid"
    local status=0; wait "$pid" || status=$?
    rm -f "$disk/filler"
    ((status != 0 && status != 75)) || fail "$name: exit status $status with a full disk"
    local lines; lines=$(grep -c . "$work/$name.err" || true)
    ((lines == 1)) && grep -q "$dir/.*No space left on device" "$work/$name.err" \
        || { cat "$work/$name.err"; fail "$name: not one line naming the file and the full disk"; }
    echo "full-disk: $name: exit status $status; $(cat "$work/$name.err")"
    cp -r "$dir" "$work/$name-elsewhere"
    "$anneal" resume "$work/$name-elsewhere" --no-progress > "$work/$name.resume" 2>&1 || { tail -3 "$work/$name.resume"; fail "$name: resume"; }
    echo "full-disk: $name: resumed elsewhere, $(grep -o 'resumed .*' "$work/$name.resume" || echo 'from the start')"
}

# During training: the disk fills between two checkpoints; the next file written fails (without
# TensorBoard, the next checkpoint; with it, the event file).
for tensorboard in --no-tensorboard --tensorboard; do
    run "during-training$tensorboard" checkpoint.previous.safetensors - --checkpoint-every 10 $tensorboard
    cmp -s "$work/reference/model.safetensors" "$work/during-training$tensorboard-elsewhere/model.safetensors" || fail "during-training: weights differ"
    echo "full-disk: during-training$tensorboard: bit-identical to the uninterrupted run"
done

# During the preemption checkpoint: the disk fills in epoch 2, then SIGTERM.
run during-preemption metrics.csv TERM
cmp -s "$work/reference-epochs/model.safetensors" "$work/during-preemption-elsewhere/model.safetensors" || fail "during-preemption: weights differ"
echo "full-disk: during-preemption: bit-identical to the uninterrupted run"
