#!/usr/bin/env bash
# The class-imbalance study of docs/accuracy.md: an image folder of Fashion-MNIST
# (scripts/make-image-folder.py, 10 classes × 600 training images, one tint for all, so
# that colour does not give the class away) in which class 2
# keeps 1/30 of its images, trained as it is, with --class-weights balanced and with
# --sampler balanced, 2 seeds each; prints a Markdown table of the small class's test
# accuracy and the mean per-class accuracy (from `anneal diagnose --json`).
#
#   scripts/imbalance-study.sh [ANNEAL] [TRAIN OPTIONS…]    (default: --model cnn, its preset's epochs)
set -euo pipefail
anneal="${1:-.build/release/anneal}"; shift $(( $# ? 1 : 0 ))
options=("$@"); ((${#options[@]})) || options=(--model cnn)
py="${ANNEAL_PYTHON:-$HOME/.cache/anneal/venv/bin/python}"
work="${IMBALANCE_DIR:-$(mktemp -d)}"
"$py" scripts/make-image-folder.py "$work/folder" --classes 10 --train 600 --test 300 --keep 2=0.0333 --same-tint --formats png > /dev/null
echo "| setting | seed | class 2 (20 training images) | mean per-class accuracy | seconds |"
echo "|---|---|---|---|---|"
for setting in none class-weights sampler; do
    extra=()
    [[ $setting == class-weights ]] && extra=(--class-weights balanced)
    [[ $setting == sampler ]] && extra=(--sampler balanced)
    for seed in 0 1; do
        dir="$work/$setting-$seed"
        start=$(date +%s)
        "$anneal" train "${options[@]}" "${extra[@]}" --data "imagefolder:$work/folder" --seed "$seed" --out "$dir" --no-progress > "$dir.log"
        seconds=$(( $(date +%s) - start ))
        "$anneal" diagnose "$dir" --json | "$py" -c '
import json, sys
d = json.load(sys.stdin)
accuracies = [c["accuracy"] for c in d["classes"]]
print(f"| {sys.argv[1]} | {sys.argv[2]} | {100 * accuracies[2]:.1f} % | {100 * sum(accuracies) / len(accuracies):.2f} % | {sys.argv[3]} |")
' "${extra[*]:-none}" "$seed" "$seconds"
    done
done
