#!/usr/bin/env bash
# The validation study behind the `best` recipe (issue 38, docs/accuracy.md): every
# configuration tried, trained on 90 % of the training set and scored on the other
# 10 % (never the test set), with the wall time each cost in units of R, the
# 30-minute recipe's wall time measured on this machine:
#
#   R = anneal train --model fast --widths 32,64,128,256 --epochs 20 --augment flip,crop:2,erase:0.25
#
#   scripts/quality-study.sh [ANNEAL] [DIR] [ROW…]
#
# ROWs are names from the table below (default: all). Each finished row is kept in
# DIR/results.jsonl and skipped when the script runs again, so a stopped study goes on
# where it stopped. R_SECONDS=S reuses a measured R instead of measuring it; THREADS
# (default 2) and SEED (default 0) apply to every row. Timings count only on a quiet
# machine; accuracies are the same on any load (same threads, same bits): QUIET=0 marks
# rows trained beside other work, whose budget is then read from their epochs.
set -euo pipefail
anneal="${1:-.build/release/anneal}"; shift $(( $# ? 1 : 0 ))
dir="${1:-runs/quality-study}"; shift $(( $# ? 1 : 0 ))
threads="${THREADS:-2}"; seed="${SEED:-0}"
mkdir -p "$dir"
results="$dir/results.jsonl"; touch "$results"

recipe=(--model fast --widths 32,64,128,256 --epochs 20 --augment flip,crop:2,erase:0.25)
# name | options after --model fast (each row is one hypothesis; see docs/accuracy.md)
rows=(
    # budget: the recipe's network costs 63 M multiply-adds per image; --residual-blocks 83 M
    # (23 epochs ≈ 1.5 R); widths 48…384 142 M (13 epochs ≈ 1.5 R). Widths stay multiples of
    # 16, which oneDNN's blocked layouts pad to.
    "recipe      | --widths 32,64,128,256 --epochs 20 --augment flip,crop:2,erase:0.25"
    "epochs30    | --widths 32,64,128,256 --epochs 30 --augment flip,crop:2,erase:0.25"
    "residual23  | --widths 32,64,128,256 --epochs 23 --augment flip,crop:2,erase:0.25 --residual-blocks"
    "wide48      | --widths 48,96,192,384 --epochs 13 --augment flip,crop:2,erase:0.25"
    "erase50     | --widths 32,64,128,256 --epochs 30 --augment flip,crop:2,erase:0.5"
    "smooth20    | --widths 32,64,128,256 --epochs 30 --augment flip,crop:2,erase:0.25 --label-smoothing 0.2"
    "wd1e-3      | --widths 32,64,128,256 --epochs 30 --augment flip,crop:2,erase:0.25 --weight-decay 1e-3"
    "ema         | --widths 32,64,128,256 --epochs 30 --augment flip,crop:2,erase:0.25 --ema 0.999 --ema-bn-update"
)

seconds() { python3 -c "import time; print(time.time())"; }
if [ -n "${R_SECONDS:-}" ]; then
    r="$R_SECONDS"
elif grep -q '"row": "R"' "$results"; then
    r=$(python3 -c "import json,sys; print([json.loads(l) for l in open(sys.argv[1]) if '\"row\": \"R\"' in l][-1]['wall_s'])" "$results")
else
    echo "measuring R (the 30-minute recipe on the full training set, $threads threads)" >&2
    start=$(seconds)
    "$anneal" train "${recipe[@]}" --threads "$threads" --seed "$seed" --no-progress --no-tensorboard --out "$dir/R" > "$dir/R.log"
    r=$(python3 -c "print(round($(seconds) - $start, 1))")
    accuracy=$(sed -n 's/^test accuracy: //p' "$dir/R.log")
    echo "{\"row\": \"R\", \"wall_s\": $r, \"test_accuracy\": $accuracy, \"threads\": $threads, \"cpu\": \"$(lscpu | sed -n 's/^Model name: *//p')\", \"date\": \"$(date -u +%F)\"}" >> "$results"
fi
echo "R = $r s" >&2

wanted=" $* "
for row in "${rows[@]}"; do
    name=$(echo "${row%%|*}" | xargs); options=$(echo "${row#*|}" | xargs)
    [ "$wanted" = "  " ] || [[ "$wanted" == *" $name "* ]] || continue
    grep -q "\"row\": \"$name\"" "$results" && continue
    echo "row $name: $options" >&2
    start=$(seconds)
    # shellcheck disable=SC2086
    "$anneal" train --model fast $options --val-split 0.1 --threads "$threads" --seed "$seed" --no-progress --no-tensorboard \
        --out "$dir/$name" > "$dir/$name.log"
    wall=$(python3 -c "print(round($(seconds) - $start, 1))")
    accuracy=$(sed -n 's/^validation accuracy: //p' "$dir/$name.log")
    echo "{\"row\": \"$name\", \"options\": \"$options\", \"validation_accuracy\": $accuracy, \"wall_s\": $wall, \"wall_R\": $(python3 -c "print(round($wall / $r, 2))"), \"threads\": $threads, \"seed\": $seed, \"quiet\": $( [ "${QUIET:-1}" = 0 ] && echo false || echo true )}" >> "$results"
done

python3 - "$results" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print("| row | options (after `--model fast`) | validation accuracy | wall | R |")
print("|---|---|---|---|---|")
for r in rows:
    if r["row"] == "R":
        print(f"| R | the 30-minute recipe, full training set (test {r['test_accuracy'] * 100:.2f} %) | – | {r['wall_s']:.0f} s | 1 |")
    else:
        beside = "" if r.get("quiet", True) else " (beside other work)"
        print(f"| {r['row']} | `{r['options']}` | {r['validation_accuracy'] * 100:.2f} % | {r['wall_s']:.0f} s{beside} | {r['wall_R']:.2f} |")
EOF
