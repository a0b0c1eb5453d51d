#!/usr/bin/env bash
# Data-parallel scaling on this machine: training images/s of resnet20 (or MODEL) for
# 1 process × 1 thread, 1 process × 2 threads and 2 ranks × 1 thread (batch 128 per
# rank), each measured ROUNDS times in turn; prints every JSON line, then the medians
# and the ratios the data-parallel issue asks for. Run on a quiet machine.
#
#   benchmarks/data_parallel.sh [ROUNDS] [MODEL]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
model="${2:-resnet20}"
anneal=.build/release/anneal
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for _ in $(seq "$rounds"); do
    "$anneal" bench train --model "$model" --threads 1 --steps 20 | tee -a "$log"
    "$anneal" bench train --model "$model" --threads 2 --steps 20 | tee -a "$log"
    "$anneal" bench train --model "$model" --ranks 2 --threads 1 --steps 20 | tee -a "$log"
done
python3 - "$log" << 'PYTHON'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
def median(ranks, threads, key="train_images_per_s"):
    return statistics.median(r[key] for r in rows if r["ranks"] == ranks and r["threads"] == threads)
one, two, dp = median(1, 1), median(1, 2), median(2, 1)
print(json.dumps({"model": rows[0]["model"], "rounds": len(rows) // 3,
                  "one_process_one_thread": one, "one_process_two_threads": two, "two_ranks_one_thread": dp,
                  "ratio_to_two_threads": round(dp / two, 3), "ratio_to_one_thread": round(dp / one, 3),
                  "allreduce_percent": median(2, 1, "allreduce_percent")}))
PYTHON
