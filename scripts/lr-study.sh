#!/usr/bin/env bash
# Does the doctor's learning rate train well? For each model: the doctor's suggestion
# (range test, then short runs at 5 rates around its loss minimum, as long as the
# budget up to 3 epochs, judged on the validation split) against a small grid of rates, every run with the same short
# budget and the preset's recipe otherwise; prints test accuracies and the gap.
#
#   scripts/lr-study.sh [THREADS]     (about 30 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-2}"
anneal=.build/release/anneal
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
accuracy() { grep '^test accuracy' "$1" | awk '{print $3}' || true; }
echo "| model | epochs | grid: lr → test accuracy | best of grid | doctor's lr | its test accuracy | gap (points) |"
echo "|---|---|---|---|---|---|---|"
for spec in mlp:5 cnn:3 resnet20:2; do
    model="${spec%%:*}" epochs="${spec##*:}"
    "$anneal" doctor --model "$model" --epochs "$epochs" --threads "$threads" --out "$work/doctor-$model" --json > "$work/doctor-$model.json"
    suggested=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["suggested_lr"])' "$work/doctor-$model.json")
    grid="" best=0 best_lr=""
    for lr in 0.003 0.01 0.03 0.1 0.3; do
        "$anneal" train --model "$model" --epochs "$epochs" --lr "$lr" --threads "$threads" --out "$work/$model-$lr" --no-progress \
            > "$work/$model-$lr.log" 2>&1 || true
        acc=$(accuracy "$work/$model-$lr.log"); acc="${acc:-diverged}"
        grid+="$lr → $acc, "
        if [[ "$acc" != diverged ]] && python3 -c "import sys; sys.exit(0 if $acc > $best else 1)"; then best=$acc best_lr=$lr; fi
    done
    "$anneal" train --model "$model" --epochs "$epochs" --lr "$suggested" --threads "$threads" --out "$work/$model-doctor" --no-progress \
        > "$work/$model-doctor.log" 2>&1
    acc=$(accuracy "$work/$model-doctor.log")
    gap=$(python3 -c "print(f'{100 * ($best - $acc):.2f}')")
    echo "| $model | $epochs | ${grid%, } | $best (lr $best_lr) | $(printf '%.3g' "$suggested") | $acc | $gap |"
done
