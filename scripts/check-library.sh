#!/usr/bin/env bash
# The library is the product (issue 32): checks that
# 1. the `Anneal` product's target closure holds no MPI target, and the training
#    engine's (AnnealTraining) no protobuf, liblinear or MPI;
# 2. Example (a), a program that imports Anneal, links no libmpi;
# 3. Example (a) writes the same files as `anneal train` with the same configuration,
#    and the same metrics.csv but for its `seconds` column;
# 4. Examples (b) and (c) run: a custom model and callback under Trainer, an
#    ensemble of (a)'s and anneal train's weights through a Predictor.
#   bash scripts/check-library.sh [BUILD_DIR]   (holding anneal and the three examples)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-.build/release}"
anneal="$build/anneal" example="$build/train-preset"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "check-library: FAILED: $*" >&2; exit 1; }

swift package describe --type json > "$work/package.json"
python3 - "$work/package.json" <<'PY' || fail "target closures"
import json, sys
package = json.load(open(sys.argv[1]))
targets = {t["name"]: t for t in package["targets"]}
def closure(name):
    seen, stack = set(), [name]
    while stack:
        t = stack.pop()
        if t in seen: continue
        seen.add(t)
        stack += targets[t].get("target_dependencies", []) if t in targets else []
        if t in targets: seen.update(targets[t].get("product_dependencies", []) or [])
    return seen
product = next(p for p in package["products"] if p["name"] == "Anneal")
anneal = set().union(*(closure(t) for t in product["targets"]))
engine = closure("AnnealTraining")
bad = sorted(t for t in anneal if "MPI" in t)
print(f"check-library: the Anneal product: {len(anneal)} targets, MPI among them: {bad or 'none'}")
print(f"check-library: AnnealTraining: {sorted(engine)}")
banned = sorted(t for t in engine if t in ("SwiftProtobuf", "CLinear") or "MPI" in t)
sys.exit(1 if bad or banned else 0)
PY

if ldd "$example" | grep -i mpi; then fail "$example links MPI"; fi
echo "check-library: ldd $example lists no libmpi"

"$example" "$work/example" 2 3000 > "$work/example.log"
"$anneal" train --model mlp --epochs 2 --train-subset 3000 --seed 0 --no-progress --out "$work/cli" > "$work/cli.log"
files() { (cd "$1" && find . -type f | sed 's/events\.out\.tfevents\..*/events.out.tfevents.*/' | sort); }
diff <(files "$work/example") <(files "$work/cli") || fail "example (a) and anneal train write different files"
metrics() { python3 -c "import csv,sys; r=list(csv.reader(open(sys.argv[1]))); k=[i for i,h in enumerate(r[0]) if h!='seconds']; print('\n'.join(','.join(x[i] for i in k) for x in r))" "$1"; }
diff <(metrics "$work/example/metrics.csv") <(metrics "$work/cli/metrics.csv") || fail "metrics.csv differs"
echo "check-library: example (a) wrote the same $(files "$work/cli" | wc -l) files as anneal train, and the same metrics.csv"

"$build/custom-model" 1 2000 > "$work/custom.log" || fail "example (b) failed"
grep -q "^epoch 1: train loss" "$work/custom.log" && grep -q "final test accuracy 0\." "$work/custom.log" || { cat "$work/custom.log"; fail "example (b) output"; }
"$build/evaluate-ensemble" "$work/example/model.safetensors" "$work/cli/model.safetensors" --csv "$work/ensemble.csv" > "$work/ensemble.log" \
    || fail "example (c) failed"
grep -q "^ensemble of 2: test accuracy 0\." "$work/ensemble.log" && [[ $(wc -l < "$work/ensemble.csv") -eq 10001 ]] \
    || { cat "$work/ensemble.log"; fail "example (c) output"; }
echo "check-library: examples (b) and (c) ran: $(tail -1 "$work/custom.log"); $(tail -2 "$work/ensemble.log" | head -1)"
