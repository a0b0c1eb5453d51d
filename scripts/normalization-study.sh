#!/usr/bin/env bash
# The input-normalization study of docs/accuracy.md: each preset at its recipe's budget
# with --normalize none and --normalize global, 2 seeds each; prints a Markdown table of
# the final test accuracy.
#
#   scripts/normalization-study.sh [ANNEAL] [PRESETS…]    (default: mlp cnn resnet20)
#
# NORMALIZE (default "none global"), SEEDS (default "0 1") and THREADS (default: anneal's)
# pick a part of it: two parts on one thread each can run side by side.
set -euo pipefail
anneal="${1:-.build/release/anneal}"; shift $(( $# ? 1 : 0 ))
presets=("$@"); ((${#presets[@]})) || presets=(mlp cnn resnet20)
work="${NORMALIZATION_DIR:-$(mktemp -d)}"
echo "| preset | --normalize | seed | test accuracy | seconds |"
echo "|---|---|---|---|---|"
for preset in "${presets[@]}"; do
    for normalize in ${NORMALIZE:-none global}; do
        for seed in ${SEEDS:-0 1}; do
            dir="$work/$preset-$normalize-$seed"
            start=$(date +%s)
            "$anneal" train --model "$preset" --normalize "$normalize" --seed "$seed" ${THREADS:+--threads "$THREADS"} --out "$dir" --no-progress > "$dir.log"
            accuracy=$(grep -o '^test accuracy: [0-9.]*' "$dir.log" | cut -d' ' -f3)
            echo "| $preset | $normalize | $seed | $accuracy | $(( $(date +%s) - start )) |"
        done
    done
done
