#!/usr/bin/env bash
# The transfer-learning study of docs/transfer.md: a cnn trained on Fashion-MNIST
# classes 0–4 is the source; the target is classes 5–9 with N training images per
# class. For each N: training from scratch, frozen features + logistic regression,
# frozen features + linear SVM (features: the second conv stage's pooled output,
# layer 7, 64×7×7; the hidden layers above it are specific to the source classes),
# fine-tuning everything with the backbone at 0.1× the head's learning rate, and
# fine-tuning the top stage only (conv2 and above).
# Prints a markdown table (test accuracy on the target's 5000 test images, wall time).
#
#   scripts/transfer-study.sh [ANNEAL] [OUT] [N…]     (defaults: release build, /tmp/transfer-study, 10 100 1000 all)
set -euo pipefail
anneal="${1:-.build/release/anneal}"
out="${2:-/tmp/transfer-study}"
shift $(( $# > 2 ? 2 : $# ))
sizes=("$@")
((${#sizes[@]})) || sizes=(10 100 1000 all)
threads="${THREADS:-2}"
mkdir -p "$out"

accuracy() { grep -o 'test accuracy: [0-9.]*' "$1" | tail -1 | awk '{printf "%.2f", $3 * 100}'; }
timed() {   # timed LOG COMMAND…: runs, keeps the log, prints the seconds
    local log="$1"; shift
    local start=$(date +%s%N)
    "$@" > "$log" 2>&1 || { cat "$log" >&2; exit 1; }
    echo $(( ($(date +%s%N) - start + 500000000) / 1000000000 ))
}

source="$out/source"
if [[ ! -f "$source/model.safetensors" ]]; then
    seconds=$(timed "$out/source.log" "$anneal" train --model cnn --classes 0-4 --threads "$threads" --no-progress --overwrite --out "$source")
    echo "source: cnn on classes 0-4, $(accuracy "$out/source.log") % on their test images, ${seconds}s" >&2
fi

# Epochs by size, the same for every trained row: about 1000 steps or more for the small sets.
epochs_for() { case "$1" in 10) echo 100;; 100) echo 60;; 1000) echo 25;; *) echo 15;; esac; }

echo "| images per class | from scratch | frozen + logistic | frozen + SVM | fine-tune all, backbone lr ×0.1 | fine-tune conv2 and up |"
echo "|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
    d="$out/n$n"; mkdir -p "$d"
    subset=(); [[ "$n" == all ]] || subset=(--per-class "$n")
    epochs=$(epochs_for "$n")
    common=(--model cnn --classes 5-9 "${subset[@]}" --epochs "$epochs" --threads "$threads" --no-progress --overwrite)
    t=$(timed "$d/scratch.log" "$anneal" train "${common[@]}" --out "$d/scratch"); scratch="$(accuracy "$d/scratch.log") % (${t}s)"
    start=$(date +%s%N)
    "$anneal" features --weights "$source/model.safetensors" --layer 7 --classes 5-9 "${subset[@]}" --threads "$threads" \
        --out "$d/train-features.npy" --labels-out "$d/train-labels.npy" > "$d/features.log"
    features=$(( ($(date +%s%N) - start) / 1000000000 ))
    heads=()
    for head in logistic svm; do
        t=$(timed "$d/$head.log" bash -c "'$anneal' fit-head --features '$d/train-features.npy' --labels '$d/train-labels.npy' --head $head --layer 7 --out '$d/$head.safetensors' \
            && '$anneal' evaluate --weights '$source/model.safetensors' --head '$d/$head.safetensors' --classes 5-9 --threads $threads")
        heads+=("$(accuracy "$d/$head.log") % ($((t + features))s)")
    done
    t=$(timed "$d/finetune.log" "$anneal" train "${common[@]}" --init-from "$source/model.safetensors" --reset-head \
        --backbone-lr-scale 0.1 --out "$d/finetune"); finetune="$(accuracy "$d/finetune.log") % (${t}s)"
    t=$(timed "$d/top.log" "$anneal" train "${common[@]}" --init-from "$source/model.safetensors" --reset-head \
        --freeze-until 4 --out "$d/top"); top="$(accuracy "$d/top.log") % (${t}s)"
    echo "| $n | $scratch | ${heads[0]} | ${heads[1]} | $finetune | $top |"
done
