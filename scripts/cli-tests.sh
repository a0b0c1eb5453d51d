#!/usr/bin/env bash
# End-to-end checks of the `anneal` command on real Fashion-MNIST (release build):
# a short training run, evaluate and predict on its weights, and the error paths
# (one clear line, non-zero exit, nothing half-written).
set -euo pipefail
anneal="${1:-.build/release/anneal}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "cli-tests: FAIL: $*" >&2; exit 1; }
expect_error() {   # expect_error PATTERN COMMAND…: non-zero exit and one line matching PATTERN
    local pattern="$1"; shift
    if "$@" > "$work/out.log" 2>&1; then fail "expected failure: $*"; fi
    grep -q -- "$pattern" "$work/out.log" || { cat "$work/out.log"; fail "message for: $*"; }
}

echo "cli-tests: short training run"
"$anneal" train --model mlp --epochs 2 --train-subset 10000 --hidden 256 --out "$work/run" --no-progress | tee "$work/train.log"
grep -Eq '^test accuracy: 0\.(8[0-9]|9[0-9])' "$work/train.log" || fail "train did not reach 80% test accuracy"
[[ $(head -1 "$work/run/metrics.csv") == "epoch,train_loss,train_acc,test_loss,test_acc,lr,seconds" ]] || fail "metrics.csv header"
[[ $(wc -l < "$work/run/metrics.csv") -eq 3 ]] || fail "metrics.csv rows"

echo "cli-tests: evaluate reproduces the final test accuracy (the model comes from the weights file)"
trained=$(grep '^test accuracy' "$work/train.log")
"$anneal" evaluate --weights "$work/run/model.safetensors" | tee "$work/eval.log"
grep -qx "$trained" "$work/eval.log" || fail "evaluate gave a different accuracy than training"

echo "cli-tests: predict writes N×10 logits"
"$anneal" predict --weights "$work/run/model.safetensors" \
    --input /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz --out "$work/logits.npy"
# .npy header: shape (10000, 10), little-endian float32.
head -c 128 "$work/logits.npy" | grep -aq "'shape': (10000, 10)" || fail "predict output shape"
[[ $(stat -c %s "$work/logits.npy") -eq $((128 + 10000 * 10 * 4)) ]] || fail "predict output size"

echo "cli-tests: export writes an ONNX model; ONNX Runtime gives what predict gives on the 10,000 test images"
"$anneal" export --weights "$work/run/model.safetensors" --out "$work/run.onnx" | grep -q "^wrote $work/run.onnx: images \[batch, 1, 28, 28\]" \
    || fail "export"
if [[ -n "${ANNEAL_PYTHON:-}" ]] && "$ANNEAL_PYTHON" -c "import onnx, onnxruntime, numpy" 2>/dev/null; then
    "$ANNEAL_PYTHON" Tests/python/onnx_check.py "$work/run.onnx" /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz "$work/logits.npy" \
        | tee "$work/onnx.json" | "$ANNEAL_PYTHON" -c 'import json, sys; r = json.load(sys.stdin); sys.exit(0 if r["relative_difference"] <= 1e-4 and r["reference_relative_difference"] <= 1e-4 and r["top1_differences_not_near_ties"] == 0 else 1)' \
        || { cat "$work/onnx.json"; fail "ONNX Runtime disagrees with anneal predict"; }
else
    echo "cli-tests: (skipped the ONNX Runtime check: set ANNEAL_PYTHON to a Python with onnx and onnxruntime)"
fi
expect_error "opset 99 is not supported; the exporter writes opsets 14...21" \
    "$anneal" export --weights "$work/run/model.safetensors" --opset 99 --out "$work/never.onnx"
expect_error "/nonexistent/dir/model.onnx" "$anneal" export --weights "$work/run/model.safetensors" --out /nonexistent/dir/model.onnx
[[ ! -e "$work/never.onnx" ]] || fail "a failed export left a file"

echo "cli-tests: a preset's recipe fills in what the command line leaves unset"
"$anneal" train --model resnet20 --epochs 1 --train-subset 256 --out "$work/resnet" --no-progress > "$work/resnet.log"
head -1 "$work/resnet.log"
grep -q "(zero-init residual, stochastic depth 0.1); optimizer sgd lr 0.1 (cosine, warmup 0.0333333 epochs), momentum 0.9, weight decay 0.001; label smoothing 0.1; 1 epochs of 256 training images, batch 64," \
    "$work/resnet.log" || fail "resnet20 recipe defaults"
"$anneal" train --model resnet20 --epochs 1 --train-subset 256 --batch-size 32 --lr 0.05 --warmup 0 --label-smoothing 0 \
    --weight-decay 0 --stochastic-depth 0 --no-zero-init-residual --out "$work/resnet" --no-progress > "$work/resnet.log"
head -1 "$work/resnet.log" | grep -q "parameters; optimizer sgd lr 0.05 (cosine), momentum 0.9, weight decay 0.0; 1 epochs of 256 training images, batch 32," \
    || fail "explicit options override the recipe"
# The recipe's momentum is SGD's: another optimizer starts from its own defaults, all of them on the first line.
"$anneal" train --model mlp --hidden 32 --optimizer rmsprop --epochs 1 --train-subset 256 --out "$work/rmsprop" --no-progress > "$work/rmsprop.log"
head -1 "$work/rmsprop.log" | grep -q "optimizer rmsprop lr 0.001 (cosine), alpha 0.99, eps 1e-08, momentum 0.0, weight decay 0.0005;" \
    || { head -1 "$work/rmsprop.log"; fail "rmsprop takes its own defaults"; }
grep -q '"momentum" : 0' "$work/rmsprop/run.json" && grep -q '"version" : 3' "$work/rmsprop/run.json" || fail "run.json: rmsprop momentum and schema version"

echo "cli-tests: weight averaging and test-time flips: evaluate reproduces what train reports"
"$anneal" train --model resnet20 --epochs 1 --train-subset 512 --batch-size 64 --augment flip --ema 0.99 --tta flip \
    --out "$work/ema" --no-progress > "$work/ema.log"
grep -q "^weight averaging: exponential moving average, decay 0.99" "$work/ema.log" || fail "no weight-averaging line"
"$anneal" evaluate --weights "$work/ema/model.safetensors" --tta flip > "$work/ema-eval.log"
grep -qx "$(grep '^test accuracy' "$work/ema.log")" "$work/ema-eval.log" || fail "evaluate --tta flip differs from train --ema --tta flip"

echo "cli-tests: early stopping on the test set is flagged"
"$anneal" train --model mlp --epochs 1 --train-subset 1000 --hidden 32 --early-stop 3 --out "$work/es" --no-progress 2> "$work/es.err" > /dev/null
grep -q "^warning: --early-stop watches the test set's loss" "$work/es.err" || fail "no warning for early stopping on the test set"
"$anneal" train --model mlp --epochs 1 --train-subset 1000 --hidden 32 --early-stop 3 --val-split 0.1 --out "$work/es" --no-progress 2> "$work/es.err" > /dev/null
[[ ! -s "$work/es.err" ]] || fail "warning despite a validation split"

echo "cli-tests: run.json replays a run exactly (every metrics.csv column but the time)"
[[ -s "$work/run/run.json" ]] || fail "no run.json"
"$anneal" train --config "$work/run/run.json" --out "$work/replay" --no-progress > /dev/null
diff <(cut -d, -f1-6 "$work/run/metrics.csv") <(cut -d, -f1-6 "$work/replay/metrics.csv") || fail "--config did not reproduce metrics.csv"
cmp -s "$work/run/model.safetensors" "$work/replay/model.safetensors" || fail "--config did not reproduce the weights"

echo "cli-tests: killed runs resume bit-identical (mlp; scripts/kill-resume.sh runs the cnn acceptance version)"
bash "$(dirname "$0")/kill-resume.sh" "$anneal" 3 --model mlp --hidden 64 --train-subset 3000 --epochs 2 --checkpoint-every 5

echo "cli-tests: a damaged checkpoint is reported and the previous one used"
if (ANNEAL_KILL_AT=evaluation:2 "$anneal" train --model mlp --hidden 32 --epochs 2 --train-subset 2000 --checkpoint-every 4 \
    --out "$work/damaged" --no-progress > /dev/null 2>&1; exit $?) 2>/dev/null; then fail "the injected kill did not happen"; fi
size=$(stat -c %s "$work/damaged/checkpoint.safetensors")
truncate -s $((size / 2)) "$work/damaged/checkpoint.safetensors"
"$anneal" resume "$work/damaged" --no-progress > "$work/damaged.log" 2> "$work/damaged.err"
grep -q "^warning: .*checkpoint.safetensors.*; using the previous checkpoint" "$work/damaged.err" || { cat "$work/damaged.err"; fail "no warning for the damaged checkpoint"; }
grep -q "^resumed in epoch 2 of 2 after step 8$" "$work/damaged.log" || fail "did not resume from the previous checkpoint"
[[ ! -e "$work/damaged/checkpoint.safetensors" ]] || fail "checkpoints left after the run finished"

echo "cli-tests: preprocessing, whitening and augmentation options; cnn with another activation and initializer"
"$anneal" train --model cnn --epochs 1 --train-subset 512 --normalize per-channel --whiten zca --augment flip,crop:2 \
    --activation gelu --init xavier --out "$work/cnn" --no-progress > "$work/cnn.log"
grep -q "^preprocessing: .*ZCA whitening.*augmentation: hflip" "$work/cnn.log" || { head -3 "$work/cnn.log"; fail "preprocessing line"; }
grep -q '"initializer" : "xavier"' "$work/cnn/run.json" && grep -q '"initGain" : 1' "$work/cnn/run.json" || fail "run.json lacks the initializer"
"$anneal" evaluate --weights "$work/cnn/model.safetensors" --mc-samples 3 | grep -q "^test accuracy: 0\." || fail "evaluate --mc-samples"
"$anneal" train --model mlp --epochs 1 --train-subset 512 --hidden 32 --whiten pca --pca-components 40 --out "$work/pca" --no-progress \
    | grep -q "^test accuracy" || fail "mlp on PCA features"
out=$("$anneal" evaluate --weights "$work/pca/model.safetensors" --mc-samples 3 2>&1) && fail "--mc-samples on a model without dropout was accepted"
grep -q "this one has no dropout layer" <<< "$out" || fail "--mc-samples without dropout: $out"

echo "cli-tests: ensembles of different presets, each with its own preprocessing"
"$anneal" evaluate --weights "$work/run/model.safetensors,$work/cnn/model.safetensors" > "$work/ensemble.log"
grep -q "^ensemble of 2 models (probs)" "$work/ensemble.log" && grep -q "^test accuracy: 0\." "$work/ensemble.log" || fail "ensemble evaluate"
"$anneal" predict --weights "$work/run/model.safetensors,$work/pca/model.safetensors" --combine vote \
    --input /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz --out "$work/ensemble.npy" | grep -q "ensemble log-probabilities" || fail "ensemble predict"

echo "cli-tests: ensemble training resumes after a kill, snapshots and weight averaging"
if (ANNEAL_KILL_AT=checkpoint-write:2 "$anneal" ensemble train --members 2 --model mlp --hidden 32 --epochs 1 --train-subset 1000 \
    --out "$work/members" --no-progress > /dev/null 2>&1; exit $?) 2>/dev/null; then fail "the injected kill did not happen"; fi
"$anneal" ensemble train --members 2 --model mlp --hidden 32 --epochs 1 --train-subset 1000 --out "$work/members" --no-progress > "$work/members.log"
grep -q "^member 1/2: finished earlier" "$work/members.log" && grep -q "^ensemble test accuracy: 0\.[0-9]* (" "$work/members.log" \
    || { cat "$work/members.log"; fail "ensemble train did not resume"; }
"$anneal" ensemble report "$work/members" --combine vote | grep -q "^ensemble test accuracy: .*vote)" || fail "ensemble report"
if (ANNEAL_KILL_AT=checkpoint-write:1 "$anneal" ensemble train --members 3 --model mlp --hidden 32 --epochs 1 --train-subset 1000 \
    --out "$work/members" --no-progress > /dev/null 2>&1; exit $?) 2>/dev/null; then fail "the injected kill did not happen"; fi
"$anneal" ensemble report "$work/members" > "$work/partial.log"
grep -q "^member 3: not finished, left out" "$work/partial.log" && grep -q "^ensemble test accuracy: 0\." "$work/partial.log" \
    || { cat "$work/partial.log"; fail "ensemble report while a member trains"; }
"$anneal" ensemble train --members 3 --parallel 2 --vary 'lr=0.03|0.08' --model mlp --hidden 32 --epochs 1 --train-subset 1000 \
    --out "$work/parallel" > "$work/parallel.log"
grep -q "^training 3 members, 2 at a time" "$work/parallel.log" && grep -q "^member 2/3 (seed 1, optimizer.learningRate=0.08): training" "$work/parallel.log" \
    && grep -q "^ensemble test accuracy" "$work/parallel.log" || { cat "$work/parallel.log"; fail "parallel ensemble with varied hyperparameters"; }
[[ $("$anneal" ensemble train --members 3 --parallel 2 --vary 'lr=0.03|0.08' --model mlp --hidden 32 --epochs 1 --train-subset 1000 \
    --out "$work/parallel" | grep -c "finished earlier") -eq 3 ]] || fail "a finished parallel ensemble trains again"
"$anneal" train --model mlp --hidden 32 --epochs 2 --train-subset 1000 --snapshots 2 --out "$work/snapshots" --no-progress > /dev/null
"$anneal" evaluate --weights "$work"/snapshots/snapshot-*.safetensors | grep -q "^ensemble of 2 models" || fail "snapshot ensemble"
"$anneal" train --model cnn --epochs 2 --train-subset 512 --swa-start 2 --swa-lr 0.01 --out "$work/swa" --no-progress > "$work/swa.log"
grep -q "^stochastic weight averaging from epoch 2" "$work/swa.log" || fail "swa"
"$anneal" evaluate --weights "$work/swa/model.safetensors" | grep -qx "$(grep '^test accuracy' "$work/swa.log")" || fail "swa weights differ from the reported accuracy"

echo "cli-tests: the recipe commands"
"$anneal" doctor --model mlp --hidden 64 --train-subset 2000 --overfit-steps 100 --range-steps 40 --out "$work/doctor" --json > "$work/doctor.json"
grep -q '"overfit_passed":true' "$work/doctor.json" || { cat "$work/doctor.json"; fail "doctor could not overfit 20 examples"; }
[[ -s "$work/doctor/lr-range.png" ]] || fail "doctor wrote no range plot"
[[ $(grep -o '"validation_loss":' "$work/doctor.json" | wc -l) -eq 5 ]] || { cat "$work/doctor.json"; fail "doctor: 5 short runs"; }
grep -q '"lr_trial_epochs":3' "$work/doctor.json" || { cat "$work/doctor.json"; fail "doctor: short runs of 3 epochs by default"; }
"$anneal" search --model mlp --hidden 32 --train-subset 1000 --epochs 1 --space 'lr=log(0.01,0.3),batch-size=choice(64,128)' \
    --trials 2 --workers 2 --out "$work/search" > "$work/search.log"
[[ $(wc -l < "$work/search/trials.jsonl") -eq 2 ]] || fail "search did not log 2 trials"
grep -q '"learningRate"' "$work/search/trials/coarse-0/run.json" || fail "trials are not run configurations"
"$anneal" search --model mlp --hidden 32 --train-subset 1000 --epochs 1 --space 'lr=log(0.01,0.3),batch-size=choice(64,128)' \
    --trials 3 --workers 1 --out "$work/search" --resume > "$work/search2.log"
grep -q "2 trials already logged" "$work/search2.log" && [[ $(wc -l < "$work/search/trials.jsonl") -eq 3 ]] || fail "search --resume"

echo "cli-tests: the layer watch: identical weights with and without it; diagnose reads its update/weight ratios"
"$anneal" train --model cnn --train-subset 2000 --epochs 1 --watch-every 5 --out "$work/watched" --no-progress > /dev/null
"$anneal" train --model cnn --train-subset 2000 --epochs 1 --out "$work/unwatched" --no-progress > /dev/null
cmp -s "$work/watched/model.safetensors" "$work/unwatched/model.safetensors" || fail "--watch-every changed the weights"
diff <(cut -d, -f1-6 "$work/watched/metrics.csv") <(cut -d, -f1-6 "$work/unwatched/metrics.csv") > /dev/null || fail "--watch-every changed metrics.csv"
[[ $(cut -d, -f1 "$work/watched/layers.csv" | sort -u | wc -l) -eq 4 ]] || fail "layers.csv: header and 3 watched steps (16 steps, every 5)"
grep -q "<h2>Layers</h2>" "$work/watched/report.html" && [[ -s "$work/watched/filters-end.png" ]] || fail "report.html Layers section, filter grids"
for lr in 2 1e-5; do
    "$anneal" train --model cnn --train-subset 2000 --epochs 1 --lr $lr --watch-every 5 --out "$work/lr-$lr" --no-progress > /dev/null 2>&1 || true
done
"$anneal" diagnose "$work/lr-2" | grep -q "^diagnosis: learning rate too high — update/weight ratio" || fail "diagnose: lr 2 not named too high"
"$anneal" diagnose "$work/lr-1e-5" | grep -q "^diagnosis: learning rate too low — update/weight ratio" || fail "diagnose: lr 1e-5 not named too low"
"$anneal" doctor --model resnet20 --train-subset 500 --overfit-steps 5 --range-steps 20 --validate-epochs 0 --out "$work/doctor-resnet" > "$work/doctor-resnet.log"
[[ $(grep -c "^   layer3\.2\.\|^   layer1\.0\." "$work/doctor-resnet.log") -ge 10 ]] || fail "doctor: resnet20's layers one by one"

echo "cli-tests: TensorBoard event files and HTML reports"
ls "$work"/search/trials/coarse-0/events.out.tfevents.* > /dev/null || fail "a search trial wrote no TensorBoard events"
grep -q "<th>validation accuracy</th>" "$work/search/report.html" && grep -q "<svg" "$work/search/report.html" || fail "search report"
ls "$work"/run/events.out.tfevents.* > /dev/null && grep -q "Per-class test accuracy" "$work/run/report.html" || fail "train writes events and report.html"
"$anneal" train --model mlp --hidden 32 --epochs 1 --train-subset 500 --no-tensorboard --out "$work/quiet" --no-progress > /dev/null
! ls "$work"/quiet/events.out.tfevents.* > /dev/null 2>&1 || fail "--no-tensorboard still wrote events"
rm "$work/quiet/report.html"
"$anneal" report "$work/quiet" | grep -qx "wrote $work/quiet/report.html" || fail "anneal report"
"$anneal" diagnose "$work/run" > "$work/diagnose.log"
grep -q "orange test" "$work/diagnose.log" || fail "diagnose did not read run.json"
"$anneal" ablate --model mlp --hidden 32 --train-subset 500 --epochs 1 --techniques none,l2 --out "$work/ablate" > /dev/null
[[ $(wc -l < "$work/ablate/ablation.csv") -eq 3 ]] || fail "ablate rows"
"$anneal" schedule --schedule step --lr 0.1 --epochs 4 --steps-per-epoch 2 --csv | grep -qx "6,0.001" || fail "schedule"
"$anneal" augment-preview --augment flip,crop:2 --columns 4 --rows 2 --out "$work/preview.png" > /dev/null
[[ -s "$work/preview.png" ]] || fail "augment-preview"
"$anneal" bench data --images 2000 --repeats 1 --threads 1 | grep -q '"bench":"data"' || fail "bench data"
[[ $("$anneal" bench conv --layers 32x8 --batch-size 4 --repeats 1 --threads 1 | grep -c '"algorithm":"\(direct\|winograd\)"') -eq 2 ]] || fail "bench conv"
# The fast preset trains and reloads (a few images; its recipe's figures are in docs/accuracy.md).
# Its recipe carries flips, crops, global normalization and flip TTA, and evaluates after the last epoch only.
"$anneal" train --model fast --widths 16,32,32,32 --stem-patch 2 --train-subset 512 --epochs 2 --no-progress --out "$work/fast" > "$work/fast.log"
grep -q "normalize (mean .*augmentation: hflip(p 0.5), crop(pad 1 zero)" "$work/fast.log" && grep -q "^test-time augmentation: flip" "$work/fast.log" \
    && grep -q "^epoch 1/2  train loss [0-9.]* acc [0-9.]*  lr" "$work/fast.log" && grep -q "^epoch 2/2 .* test loss" "$work/fast.log" || fail "fast preset recipe"
"$anneal" evaluate --weights "$work/fast/model.safetensors" > "$work/fast-eval.log"
grep -q "^test-time augmentation: flip (the preset's" "$work/fast-eval.log" && grep -q "accuracy" "$work/fast-eval.log" || fail "fast preset evaluate"
# The last epoch's evaluation, the report and `anneal evaluate` agree.
[[ $(grep "^test accuracy" "$work/fast.log") == $(grep "^test accuracy" "$work/fast-eval.log") ]] || fail "fast: train and evaluate disagree"

expect_error "^Error: --widths: block widths does not apply to the cnn model" "$anneal" train --model cnn --widths 8,8,8,8 --out "$work/bad"
expect_error "^Error: --widths: needs 4 positive widths" "$anneal" train --model fast --widths 8,8 --out "$work/bad"
expect_error "^Error: --eval-every: early stopping compares the evaluation of every epoch" "$anneal" train --model fast --early-stop 2 --eval-every 2 --out "$work/bad"
expect_error "^Error: --stem-patch: must be in 1...4, got 9" "$anneal" train --model fast --stem-patch 9 --out "$work/bad"
echo "cli-tests: transfer learning: class splits, --init-from, frozen features with liblinear heads, fine-tuning"
"$anneal" train --model cnn --classes 0-4 --epochs 1 --train-subset 3000 --out "$work/source" --no-progress > /dev/null
"$anneal" train --model cnn --classes 5-9 --per-class 40 --epochs 2 --init-from "$work/source/model.safetensors" --reset-head \
    --backbone-lr-scale 0.1 --unfreeze-every 1 --out "$work/finetune" --no-progress > "$work/finetune.log"
grep -q "^initialized from .*, head reset$" "$work/finetune.log" && grep -q "one more layer group unfrozen every 1 epochs, backbone learning rate ×0.1" "$work/finetune.log" \
    || { cat "$work/finetune.log"; fail "fine-tuning summary"; }
grep -q "of 200 training images" "$work/finetune.log" || fail "--per-class 40 of 5 classes"
"$anneal" features --weights "$work/source/model.safetensors" --classes 5-9 --per-class 40 --out "$work/f.npy" --labels-out "$work/y.npy" \
    | grep -q "200×128 features of layer 12 (its input)" || fail "features"
for head in logistic svm; do
    "$anneal" fit-head --features "$work/f.npy" --labels "$work/y.npy" --head $head --out "$work/$head.safetensors" | grep -q "^$head head on 200×128 features, 5 classes" || fail "fit-head $head"
    "$anneal" evaluate --weights "$work/source/model.safetensors" --head "$work/$head.safetensors" --classes 5-9 | grep -Eq '^test accuracy: 0\.[5-9]' || fail "evaluate --head $head"
done
"$anneal" features --weights "$work/source/model.safetensors" --layer 4 --input /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz \
    --out "$work/conv.npy" | grep -q "10000×12544 features of layer 4" || fail "features of a named layer"
expect_error "^Error: --init-from: .*shape mismatches: 12.weight expects \[10, 128\], file has \[5, 128\]" \
    "$anneal" train --model cnn --epochs 1 --init-from "$work/source/model.safetensors" --out "$work/bad"
expect_error "^Error: --layer: the model has no layer 'nope'" "$anneal" features --weights "$work/source/model.safetensors" --layer nope --out "$work/never.npy"
expect_error "^Error: --freeze-until: the model has no layer '7'" "$anneal" train --model cnn --freeze-until 7 --out "$work/bad"
head -c 200 "$work/y.npy" > "$work/short.npy"
expect_error "short.npy" "$anneal" fit-head --features "$work/f.npy" --labels "$work/short.npy" --out "$work/never.safetensors"
printf 'not weights' > "$work/text.safetensors"
expect_error "text.safetensors" "$anneal" train --model cnn --init-from "$work/text.safetensors" --out "$work/bad"
expect_error "has 5 classes, the test images 10" "$anneal" evaluate --weights "$work/source/model.safetensors" --head "$work/svm.safetensors"
"$anneal" fit-head --features "$work/f.npy" --labels "$work/y.npy" --layer 4 --out "$work/wrong-layer.safetensors" > /dev/null
expect_error "^Error: --head: .*the head takes 128 features but layer 4 gives 12544" \
    "$anneal" evaluate --weights "$work/source/model.safetensors" --head "$work/wrong-layer.safetensors" --classes 5-9
"$anneal" fit-head --features "$work/f.npy" --labels "$work/y.npy" --out "$work/never.safetensors" -C 0 2>/dev/null && fail "-C 0 accepted"
[[ ! -e "$work/never.npy" && ! -e "$work/never.safetensors" ]] || fail "a failed transfer command left output behind"
if [[ -n "${ANNEAL_PYTHON:-}" ]] && "$ANNEAL_PYTHON" -c "import safetensors, numpy" 2>/dev/null; then
    # A PyTorch-named state dict (int64 num_batches_tracked) with a 7-class head: only the head stays fresh.
    "$ANNEAL_PYTHON" Tests/python/transfer_interop.py write-cnn "$work/torch.safetensors" 7
    # A file without Anneal's model description: export asks for the preset, and writes nothing.
    expect_error "has no model description.*(--model)" "$anneal" export --weights "$work/torch.safetensors" --out "$work/torch.onnx"
    [[ ! -e "$work/torch.onnx" ]] || fail "a failed export left a file"
    "$anneal" train --model cnn --epochs 1 --train-subset 256 --init-from "$work/torch.safetensors" --allow-partial --out "$work/torch" --no-progress > "$work/torch.log"
    grep -qx "initialized from $work/torch.safetensors; kept fresh: 12.weight (\[7, 128\] in the file, \[10, 128\] here), 12.bias (\[7\] in the file, \[10\] here)" "$work/torch.log" \
        || { grep initialized "$work/torch.log"; fail "PyTorch state dict with another head"; }
else
    echo "cli-tests: (skipped the PyTorch state-dict check: set ANNEAL_PYTHON to a Python with safetensors and numpy)"
fi

echo "cli-tests: your own data: an image folder (PNG and JPEG, colour), CIFAR-10's binary format, NumPy arrays"
py="${ANNEAL_PYTHON:-python3}"
if "$py" -c 'import numpy, PIL' 2> /dev/null; then
    "$py" scripts/make-image-folder.py "$work/folder" --classes 3 --train 100 --test 30 --size 32 > /dev/null
    "$anneal" train --model cnn --data "imagefolder:$work/folder" --epochs 3 --normalize per-channel --augment flip,jitter:0.2 \
        --out "$work/own" --no-progress > "$work/own.log"
    grep -qx "data imagefolder:$work/folder: 300 training images of 3×32×32 in 3 classes; 90 test images" "$work/own.log" \
        || { head -3 "$work/own.log"; fail "image folder summary"; }
    grep -Eq '^test accuracy: (0\.[89]|1\.0)' "$work/own.log" || { tail -3 "$work/own.log"; fail "image folder: under 80% test accuracy"; }
    "$anneal" evaluate --weights "$work/own/model.safetensors" --data "imagefolder:$work/folder" > "$work/own-eval.log"
    grep -qx "$(grep '^test accuracy' "$work/own.log")" "$work/own-eval.log" || fail "evaluate on the image folder"
    "$anneal" predict --weights "$work/own/model.safetensors" --input "$work/folder/test/class-2" "$work/folder/test/class-0/000001.jpg" \
        --out "$work/own.npy" --csv "$work/own.csv" > /dev/null
    [[ $(wc -l < "$work/own.csv") -eq 32 ]] || fail "predict --csv: one row per image"
    grep -q "^$work/folder/test/class-0/000001.jpg,0,class-0," "$work/own.csv" || { tail -2 "$work/own.csv"; fail "predict on a JPEG file"; }
    [[ $(grep -c ',2,class-2,' "$work/own.csv") -ge 25 ]] || fail "predict on a folder: class names"
    "$anneal" augment-preview --data "imagefolder:$work/folder" --augment flip,jitter:0.4 --out "$work/own-preview.png" > /dev/null
    [[ $(od -An -tu1 -j25 -N1 "$work/own-preview.png") -eq 2 ]] || fail "augmentation preview of colour images is not RGB"
    "$anneal" train --model mlp --hidden 64 --data "imagefolder:$work/folder" --epochs 1 --whiten zca --out "$work/own-zca" --no-progress > /dev/null
    # An under-represented class is named; the balancing remedies train.
    "$py" scripts/make-image-folder.py "$work/imbalanced" --classes 3 --train 150 --test 20 --keep 1=0.1 --formats png > /dev/null
    "$anneal" train --model mlp --hidden 32 --data "imagefolder:$work/imbalanced" --epochs 1 --out "$work/imb" --no-progress > /dev/null
    "$anneal" diagnose "$work/imb" | grep -q "^diagnosis: under-represented class — class-1 has 15 training images" || fail "diagnose: the small class"
    "$anneal" train --model mlp --hidden 32 --data "imagefolder:$work/imbalanced" --epochs 1 --sampler balanced --class-weights balanced \
        --out "$work/imb-balanced" --no-progress > /dev/null || fail "--sampler balanced --class-weights balanced"

    # Bad data: one line naming the file; --skip-bad-images counts instead; nothing written.
    cp -r "$work/folder" "$work/badfolder"
    head -c 300 "$work/folder/train/class-1/000001.jpg" > "$work/badfolder/train/class-1/000001.jpg"
    expect_error "^Error: $work/badfolder/train/class-1/000001.jpg: .* JPEG: .*(--skip-bad-images" \
        "$anneal" train --model cnn --data "imagefolder:$work/badfolder" --epochs 1 --out "$work/bad"
    "$anneal" train --model cnn --data "imagefolder:$work/badfolder" --skip-bad-images --epochs 1 --out "$work/skipped" --no-progress > "$work/skipped.log" 2>&1
    grep -q "warning: left out 1 unreadable image of $work/badfolder/train" "$work/skipped.log" || fail "--skip-bad-images warning"
    "$py" -c "from PIL import Image; Image.new('RGB', (28, 28)).save('$work/badfolder/train/class-0/odd.png')"
    expect_error "odd.png: is 28×28 but .* is 32×32; give an image size" "$anneal" train --data "imagefolder:$work/badfolder" --skip-bad-images --out "$work/bad"
    "$anneal" train --model mlp --hidden 32 --data "imagefolder:$work/badfolder" --skip-bad-images --image-size 16x16 --epochs 1 --out "$work/resized" \
        --no-progress > "$work/resized.log" 2>&1
    grep -q "300 training images of 3×16×16" "$work/resized.log" || fail "--image-size"
    mkdir "$work/badfolder/train/class-9"
    expect_error "class-9: empty class folder" "$anneal" train --data "imagefolder:$work/badfolder" --out "$work/bad"
    expect_error "^Error: --data: 'png:x': unknown kind 'png'" "$anneal" train --data png:x --out "$work/bad"
    [[ ! -e "$work/bad/model.safetensors" ]] || fail "a failed train on bad data wrote weights"

    # CIFAR-10's binary format, written here: 32×32×3 images whose class sets their colour and bright quadrant.
    "$py" - "$work/cifar" << 'PYTHON'
import os, sys
import numpy as np
root = sys.argv[1]
os.makedirs(root)
rng = np.random.default_rng(0)
def batch(name, n):
    labels = rng.integers(0, 10, n)
    images = rng.integers(0, 60, (n, 3, 32, 32))
    for i, c in enumerate(labels):
        y, x = (c % 4) // 2 * 16, (c % 2) * 16
        images[i, c % 3, y:y + 16, x:x + 16] += 150 + 10 * (c // 3)
    records = np.concatenate([labels[:, None], images.reshape(n, -1)], axis=1).astype(np.uint8)
    records.tofile(os.path.join(root, name))
for k in range(1, 6):
    batch(f"data_batch_{k}.bin", 200)
batch("test_batch.bin", 200)
PYTHON
    "$anneal" train --model resnet20 --data "cifar10:$work/cifar" --epochs 1 --normalize per-channel --out "$work/cifar-run" --no-progress > "$work/cifar.log"
    grep -q "^data cifar10:$work/cifar: 1000 training images of 3×32×32 in 10 classes; 200 test images" "$work/cifar.log" || fail "cifar10 summary"
    grep -q "^test accuracy" "$work/cifar.log" || fail "resnet20 on CIFAR-10 binaries"

    # NumPy arrays (uint8, NHWC) with labels, test images from another pair of files.
    "$py" - "$work" << 'PYTHON'
import sys
import numpy as np
root = sys.argv[1]
rng = np.random.default_rng(1)
for split, n in (("train", 300), ("test", 60)):
    labels = rng.integers(0, 3, n)
    images = rng.integers(0, 80, (n, 12, 12, 3)).astype(np.uint8)
    for i, c in enumerate(labels):
        images[i, :, :, c] += 150
    np.save(f"{root}/{split}-x.npy", images)
    np.save(f"{root}/{split}-y.npy", labels)
PYTHON
    "$anneal" train --model cnn --data "npy:$work/train-x.npy,$work/train-y.npy" --test-data "npy:$work/test-x.npy,$work/test-y.npy" \
        --epochs 2 --out "$work/npy-run" --no-progress > "$work/npy.log"
    grep -q "^data npy:$work/train-x.npy,$work/train-y.npy: 300 training images of 3×12×12 in 3 classes; 60 test images from npy:" "$work/npy.log" \
        || { head -3 "$work/npy.log"; fail "npy summary"; }
    expect_error "has no test images; name them (--test-data SPEC)" "$anneal" train --data "npy:$work/train-x.npy,$work/train-y.npy" --out "$work/bad"
else
    echo "cli-tests: (skipped your-own-data checks: set ANNEAL_PYTHON to a Python with numpy and Pillow)"
fi

# compare_weights per-tensor|whole BAR A B LABEL: relative weight difference of two
# weights files, the largest per tensor (max |Δ| / max |w|) or of all weights (‖Δw‖/‖w‖);
# fails above BAR. Skipped without a Python that has safetensors and numpy.
compare_weights() {
    [[ -n "${ANNEAL_PYTHON:-}" ]] && "$ANNEAL_PYTHON" -c 'import safetensors, numpy' 2> /dev/null || return 0
    "$ANNEAL_PYTHON" - "$@" << 'PYTHON'
import sys
import numpy as np
from safetensors.numpy import load_file
metric, bar, label = sys.argv[1], float(sys.argv[2]), sys.argv[5]
a, b = load_file(sys.argv[3]), load_file(sys.argv[4])
if metric == "per-tensor":
    difference = max(float(np.abs(a[k] - b[k]).max() / (np.abs(a[k]).max() + 1e-12)) for k in a)
    name = "largest relative weight difference"
else:
    difference = sum(float(((a[k] - b[k]) ** 2).sum()) for k in a) ** 0.5 / sum(float((a[k] ** 2).sum()) for k in a) ** 0.5
    name = "‖Δw‖/‖w‖ ="
print(f"cli-tests: {label}: {name} {difference:.2e}")
sys.exit(0 if difference <= bar else 1)
PYTHON
}
echo "cli-tests: data parallelism over OpenMPI: 2 ranks × batch 64 train as 1 process × batch 128; a killed rank ends the job"
"$anneal" train --model mlp --hidden 128 --epochs 1 --train-subset 6400 --batch-size 128 --threads 1 --out "$work/dp1" --no-progress > /dev/null
"$anneal" train --ranks 2 --model mlp --hidden 128 --epochs 1 --train-subset 6400 --batch-size 64 --threads 1 --out "$work/dp2" --no-progress > "$work/dp2.log"
grep -q "^data parallel: 2 ranks × batch 64 = 128 images per step, 3200 training images per rank and epoch" "$work/dp2.log" \
    || { head -5 "$work/dp2.log"; fail "data-parallel summary"; }
diff <(cut -d, -f1-5 "$work/dp1/metrics.csv") <(cut -d, -f1-5 "$work/dp2/metrics.csv") > /dev/null || fail "2 ranks: other metrics than 1 process"
# Gradient accumulation: 2 batches of 64 per step are one batch of 128, also over 2 ranks × 2 batches of 32.
"$anneal" train --model mlp --hidden 128 --epochs 1 --train-subset 6400 --batch-size 64 --accumulate 2 --threads 1 --out "$work/dpacc" --no-progress > /dev/null
diff <(cut -d, -f1-5 "$work/dp1/metrics.csv") <(cut -d, -f1-5 "$work/dpacc/metrics.csv") > /dev/null || fail "--accumulate 2: other metrics than one batch of 128"
"$anneal" train --ranks 2 --model mlp --hidden 128 --epochs 1 --train-subset 6400 --batch-size 32 --accumulate 2 --threads 1 --out "$work/dpacc2" --no-progress > /dev/null
diff <(cut -d, -f1-5 "$work/dp1/metrics.csv") <(cut -d, -f1-5 "$work/dpacc2/metrics.csv") > /dev/null || fail "2 ranks × --accumulate 2: other metrics"
compare_weights per-tensor 1e-4 "$work/dp1/model.safetensors" "$work/dp2/model.safetensors" "50 steps, 2 ranks against 1 process" \
    || fail "2 ranks: other weights than 1 process"
# Exact resume on 2 ranks: killed at its 7th checkpoint write (mid-epoch 2), resumed, it ends as an uninterrupted run.
"$anneal" train --ranks 2 --model mlp --hidden 64 --epochs 2 --train-subset 6400 --batch-size 64 --threads 1 --checkpoint-every 10 \
    --out "$work/dprun" --no-progress > /dev/null
if ANNEAL_KILL_AT=checkpoint-write:7 "$anneal" train --ranks 2 --model mlp --hidden 64 --epochs 2 --train-subset 6400 --batch-size 64 \
    --threads 1 --checkpoint-every 10 --out "$work/dpresume" --no-progress > /dev/null 2>&1; then fail "the injected kill did not happen"; fi
"$anneal" resume --ranks 2 --threads 1 "$work/dpresume" --no-progress > "$work/dpresume.log"
grep -q "resumed in epoch 2 of 2 after step 10" "$work/dpresume.log" || { cat "$work/dpresume.log"; fail "2-rank resume position"; }
diff <(cut -d, -f1-6 "$work/dprun/metrics.csv") <(cut -d, -f1-6 "$work/dpresume/metrics.csv") > /dev/null || fail "2-rank resume: other metrics"
cmp -s "$work/dprun/model.safetensors" "$work/dpresume/model.safetensors" || fail "2-rank resume: other weights"
# The mpirun process of the --ranks 2 job writing DIR, once both ranks run (and 3 s into training).
mpirun_with_two_ranks() {
    local launcher=""
    for _ in $(seq 100); do
        launcher=$(pgrep -f "mpirun -np 2 .*$1" || true)
        [[ -n "$launcher" ]] && [[ $(pgrep -P "$launcher" | wc -l) -ge 2 ]] && break
        sleep 0.2
    done
    sleep 3
    echo "$launcher"
}
# SIGKILL one rank mid-epoch: mpirun must end the job, non-zero, within 30 s.
(status=0; "$anneal" train --ranks 2 --model mlp --epochs 3 --batch-size 64 --threads 1 --out "$work/dpkill" --no-progress > "$work/dpkill.log" 2>&1 || status=$?
 echo "$status" > "$work/dpkill.status") &
launcher=$(mpirun_with_two_ranks "$work/dpkill")
victim=$(pgrep -P "$launcher" | tail -1)
kill -9 "$victim"
killed_at=$(date +%s)
while [[ ! -e "$work/dpkill.status" ]] && (( $(date +%s) - killed_at < 40 )); do sleep 0.2; done
[[ -e "$work/dpkill.status" ]] || fail "the job did not end within 40 s of a rank's SIGKILL"
(( $(date +%s) - killed_at <= 30 )) || fail "the job took over 30 s to end after a rank's SIGKILL"
[[ $(cat "$work/dpkill.status") -ne 0 ]] || fail "a job with a killed rank exited 0"
grep -q "exited on signal 9" "$work/dpkill.log" || { cat "$work/dpkill.log"; fail "no line naming the killed rank"; }
[[ ! -e "$work/dpkill/model.safetensors" ]] || fail "a killed job wrote final weights"
# A rank that stops answering (SIGSTOP): the watchdog of the others ends the job.
(status=0; ANNEAL_COLLECTIVE_TIMEOUT=5 "$anneal" train --ranks 2 --model mlp --epochs 3 --batch-size 64 --threads 1 --out "$work/dphang" \
    --no-progress > "$work/dphang.log" 2>&1 || status=$?
 echo "$status" > "$work/dphang.status") &
launcher=$(mpirun_with_two_ranks "$work/dphang")
kill -STOP "$(pgrep -P "$launcher" | tail -1)"
stopped_at=$(date +%s)
while [[ ! -e "$work/dphang.status" ]] && (( $(date +%s) - stopped_at < 40 )); do sleep 0.2; done
[[ -e "$work/dphang.status" && $(cat "$work/dphang.status") -ne 0 ]] || fail "a hanging rank did not end the job"
grep -q "^anneal: rank 0 of 2: the other ranks did not answer for 5.0 s in " "$work/dphang.log" || { cat "$work/dphang.log"; fail "watchdog message"; }

echo "cli-tests: pipeline parallelism: 2 stages × 4 micro-batches train as 1 process; a killed stage ends the job"
"$anneal" train --ranks 2 --pipeline-stages 2 --micro-batches 4 --model mlp --hidden 128 --epochs 1 --train-subset 6400 --batch-size 128 \
    --threads 1 --out "$work/pp" --no-progress > "$work/pp.log"
grep -q "^pipeline: 2 stages × 4 micro-batches per batch of 128, gpipe schedule; stage 1 links 1–[0-9] (" "$work/pp.log" \
    || { head -5 "$work/pp.log"; fail "pipeline summary"; }
diff <(cut -d, -f1-5 "$work/dp1/metrics.csv") <(cut -d, -f1-5 "$work/pp/metrics.csv") > /dev/null || fail "pipeline: other metrics than 1 process"
"$anneal" train --ranks 2 --pipeline-stages 2 --micro-batches 4 --pipeline-schedule 1f1b --model mlp --hidden 128 --epochs 1 \
    --train-subset 6400 --batch-size 128 --threads 1 --out "$work/pp1f1b" --no-progress > /dev/null
cmp -s "$work/pp/model.safetensors" "$work/pp1f1b/model.safetensors" || fail "1f1b: other weights than gpipe"
compare_weights per-tensor 1e-5 "$work/dp1/model.safetensors" "$work/pp/model.safetensors" \
    "mlp, 50 steps, 2 stages × 4 micro-batches against 1 process × batch 128" || fail "pipeline: other weights than 1 process"
# cnn without batch norm: the same sums as one process accumulating 4 batches of 32, to the bit.
"$anneal" train --model cnn --batchnorm-off --dropout 0 --epochs 1 --train-subset 2560 --batch-size 32 --accumulate 4 --threads 1 \
    --out "$work/ppacc" --no-progress > /dev/null
"$anneal" train --ranks 2 --pipeline-stages 2 --micro-batches 4 --model cnn --batchnorm-off --dropout 0 --epochs 1 --train-subset 2560 \
    --batch-size 128 --threads 1 --out "$work/ppcnn" --no-progress > /dev/null
cmp -s "$work/ppacc/model.safetensors" "$work/ppcnn/model.safetensors" || fail "cnn pipeline: other weights than 1 process accumulating"
# Against one plain batch of 128 the sums run in another order: the weights as a whole agree to 1e-5.
"$anneal" train --model cnn --batchnorm-off --dropout 0 --epochs 1 --train-subset 2560 --batch-size 128 --threads 1 \
    --out "$work/ppplain" --no-progress > /dev/null
compare_weights whole 1e-5 "$work/ppplain/model.safetensors" "$work/ppcnn/model.safetensors" \
    "cnn, 20 steps, 2 stages × 4 micro-batches against 1 process × batch 128" || fail "cnn pipeline: other weights than 1 process × batch 128"
# Killed at its second checkpoint (end of epoch 2) and resumed, it ends as an uninterrupted run.
"$anneal" train --ranks 2 --pipeline-stages 2 --model mlp --hidden 64 --epochs 3 --train-subset 1280 --batch-size 128 --threads 1 \
    --out "$work/pprun" --no-progress > /dev/null
if ANNEAL_KILL_AT=checkpoint-write:2 "$anneal" train --ranks 2 --pipeline-stages 2 --model mlp --hidden 64 --epochs 3 --train-subset 1280 \
    --batch-size 128 --threads 1 --out "$work/ppresume" --no-progress > /dev/null 2>&1; then fail "the injected kill did not happen"; fi
"$anneal" resume --ranks 2 --threads 1 "$work/ppresume" --no-progress > "$work/ppresume.log"
grep -q "resumed after epoch 1 of 3" "$work/ppresume.log" || { cat "$work/ppresume.log"; fail "pipeline resume position"; }
cmp -s "$work/pprun/model.safetensors" "$work/ppresume/model.safetensors" || fail "pipeline resume: other weights"
(status=0; "$anneal" train --ranks 2 --pipeline-stages 2 --model mlp --epochs 3 --batch-size 64 --threads 1 --out "$work/ppkill" \
    --no-progress > "$work/ppkill.log" 2>&1 || status=$?
 echo "$status" > "$work/ppkill.status") &
launcher=$(mpirun_with_two_ranks "$work/ppkill")
kill -9 "$(pgrep -P "$launcher" | tail -1)"
killed_at=$(date +%s)
while [[ ! -e "$work/ppkill.status" ]] && (( $(date +%s) - killed_at < 40 )); do sleep 0.2; done
[[ -e "$work/ppkill.status" ]] && (( $(date +%s) - killed_at <= 30 )) || fail "the pipeline did not end within 30 s of a stage's SIGKILL"
[[ $(cat "$work/ppkill.status") -ne 0 ]] && grep -q "exited on signal 9" "$work/ppkill.log" || { cat "$work/ppkill.log"; fail "killed stage"; }
"$anneal" bench pipeline --micro-batches 1,4 --schedules gpipe,1f1b --steps 2 --batch-size 64 > "$work/ppbench.json"
[[ $(grep -c '"stages":2,"micro_batches":[14],"schedule":"\(gpipe\|1f1b\)".*"idle_fraction":0\.[0-9]*,"gpipe_bubble"' "$work/ppbench.json") -eq 4 ]] \
    || { cat "$work/ppbench.json"; fail "bench pipeline JSON"; }
expect_error "^Error: --pipeline-stages: 2 stages need 2 ranks (--ranks 2, or mpirun -np 2); this job has 1" \
    "$anneal" train --pipeline-stages 2 --out "$work/bad"
expect_error "^Error: --ema: weight averaging (EMA) does not work with pipeline stages" \
    "$anneal" train --ranks 2 --pipeline-stages 2 --ema 0.99 --out "$work/bad"

echo "cli-tests: error paths"
expect_error "The value 'lion' is invalid for '--optimizer" "$anneal" train --optimizer lion --out "$work/bad"
expect_error "The value 'vit' is invalid for '--model" "$anneal" train --model vit --out "$work/bad"
expect_error "The value 'swish' is invalid for '--activation" "$anneal" train --activation swish --out "$work/bad"
expect_error "^Error: --ema: must be a decay in (0, 1)" "$anneal" train --ema 1.5 --out "$work/bad"
expect_error "^Error: --activation: the resnet20 model uses ReLU" "$anneal" train --model resnet20 --activation gelu --out "$work/bad"
expect_error "^Error: --dropout: dropout does not apply to the resnet20 model" "$anneal" train --model resnet20 --dropout 0.3 --out "$work/bad"
expect_error "^Error: --gamma: does not apply to the cosine schedule" "$anneal" train --gamma 0.5 --out "$work/bad"
expect_error "^Error: --space: unknown configuration field 'speed'" "$anneal" search --space 'speed=log(1,2)' --out "$work/bad"
printf '{"optimizer": {"lerningRate": 0.1}}' > "$work/typo.json"
expect_error "^Error: optimizer.lerningRate: unknown field" "$anneal" train --config "$work/typo.json" --out "$work/bad"
expect_error "^Error: $work/run/metrics.csv: exists and is not a directory" "$anneal" train --out "$work/run/metrics.csv"
expect_error "^Error: $work/nothing: no run.json here" "$anneal" resume "$work/nothing"
"$anneal" resume "$work/damaged" | grep -q "the run is already complete" || fail "resuming a finished run"
if (ANNEAL_KILL_AT=checkpoint-write:2 "$anneal" train --model mlp --hidden 32 --epochs 2 --train-subset 1000 --out "$work/unfinished" \
    --no-progress > /dev/null 2>&1; exit $?) 2>/dev/null; then fail "the injected kill did not happen"; fi
expect_error "holds an unfinished run of another configuration (epochs differ)" \
    "$anneal" train --model mlp --hidden 32 --epochs 3 --train-subset 1000 --out "$work/unfinished"
cp -r "$work/unfinished" "$work/unfinished-2"
"$anneal" train --model mlp --hidden 32 --epochs 2 --train-subset 1000 --out "$work/unfinished" --no-progress > "$work/continued.log"
grep -q "^resumed after epoch 1" "$work/continued.log" || fail "the same train command did not continue its unfinished run"
"$anneal" train --model mlp --hidden 32 --epochs 1 --train-subset 1000 --out "$work/unfinished-2" --overwrite --no-progress > /dev/null
expect_error "^Error: --stop-signals: unknown signal 'NOPE'" "$anneal" train --stop-signals TERM,NOPE --out "$work/bad"
expect_error "tta" "$anneal" evaluate --weights "$work/run/model.safetensors" --tta mirror
expect_error "Fashion-MNIST not found" "$anneal" train --data-dir "$work" --out "$work/bad"
expect_error "file not found" "$anneal" evaluate --weights "$work/missing.safetensors"
head -c 100 "$work/run/model.safetensors" > "$work/truncated.safetensors"
expect_error "truncated.safetensors" "$anneal" evaluate --weights "$work/truncated.safetensors"
printf 'garbage' > "$work/bad.idx"
expect_error "bad.idx" "$anneal" predict --weights "$work/run/model.safetensors" --input "$work/bad.idx" --out "$work/never.npy"
[[ ! -e "$work/never.npy" ]] || fail "predict left output behind after an error"
[[ ! -e "$work/bad/model.safetensors" ]] || fail "a failed train wrote weights"
expect_error "^Error: $work/bad: no metrics.csv (a run) or trials.jsonl (a search) to report on" "$anneal" report "$work/bad"
echo "cli-tests: a parent killed with SIGKILL leaves no child alive 5 s later; one writer per run directory"
# Every process below PID, children first found by their parent ids.
descendants() { local c; for c in $(pgrep -P "$1" || true); do echo "$c"; descendants "$c"; done; }
kill_and_check() {
    local name=$1; shift
    "$@" > "$work/$name-kill.log" 2>&1 &
    local parent=$! children=() i
    # Wait until the job has started its children (or grandchildren: the ranks under mpirun).
    for ((i = 0; i < 150; i++)); do
        mapfile -t children < <(descendants "$parent")
        ((${#children[@]} >= 2)) && break
        sleep 0.2
    done
    ((${#children[@]} >= 2)) || { cat "$work/$name-kill.log"; fail "$name: never started its child processes"; }
    sleep 1
    mapfile -t children < <(descendants "$parent")
    kill -9 "$parent"
    wait "$parent" 2>/dev/null || true
    sleep 5
    local alive=()
    for c in "${children[@]}"; do kill -0 "$c" 2>/dev/null && alive+=("$c ($(tr '\0' ' ' < "/proc/$c/cmdline" 2>/dev/null | cut -c1-80))"); done
    ((${#alive[@]} == 0)) || { kill -9 "${children[@]}" 2>/dev/null || true; fail "$name: children alive 5 s after SIGKILL: ${alive[*]}"; }
    echo "cli-tests: $name: ${#children[@]} descendants, none alive 5 s after SIGKILL"
}
long=(--model mlp --hidden 512 --epochs 50 --train-subset 20000 --no-progress)
kill_and_check "ensemble-parallel" "$anneal" ensemble train --members 2 --parallel 2 "${long[@]}" --out "$work/kill-ensemble"
kill_and_check "search" "$anneal" search --space 'lr=log(0.01,0.1)' --trials 2 --workers 2 --no-test "${long[@]}" --out "$work/kill-search"
kill_and_check "train-ranks" "$anneal" train --ranks 2 --threads 1 "${long[@]}" --out "$work/kill-ranks"
# A second writer into a run directory that is being written is refused.
"$anneal" train --model mlp --hidden 512 --epochs 50 --train-subset 20000 --no-progress --out "$work/locked" > /dev/null 2>&1 &
writer=$!
for ((i = 0; i < 100; i++)); do [[ -e "$work/locked/run.json" ]] && break; sleep 0.1; done
expect_error "another process is writing into this directory" "$anneal" train --model mlp --epochs 1 --out "$work/locked" --overwrite
kill -9 "$writer"; wait "$writer" 2>/dev/null || true
# The kernel released the killed writer's claim: starting over in the directory works at once.
"$anneal" train --model mlp --hidden 32 --epochs 1 --train-subset 1000 --out "$work/locked" --overwrite --no-progress > /dev/null \
    || fail "a killed writer's directory stays locked"
echo "cli-tests: preemption: a stop signal checkpoints the step and exits 75; full disks; Slurm's requeue"
scripts=$(dirname "$0")
# No computing thread takes a stop signal (oneDNN 2.6's GEMM kernels point the stack pointer into the heap while
# they run; a signal frame pushed there corrupted it): every thread of a training process blocks TERM, INT and
# USR1 (mask 0x4202) but the one that waits for them in sigwait.
"$anneal" train --model mlp --hidden 512 --epochs 50 --train-subset 20000 --no-progress --out "$work/masks" > /dev/null 2>&1 &
trainer=$!
for ((i = 0; i < 300; i++)); do [[ -e "$work/masks/metrics.csv" ]] && break; sleep 0.1; done
unblocked=()
for task in /proc/$trainer/task/*; do
    mask=$(awk '/^SigBlk/ { print $2 }' "$task/status")
    (( (16#$mask & 16#4202) == 16#4202 )) || [[ $(cat "$task/wchan") == do_sigtimedwait* ]] || unblocked+=("$(basename "$task") ($mask)")
done
threads=$(ls /proc/$trainer/task | wc -l)
kill -9 "$trainer"; wait "$trainer" 2>/dev/null || true
((${#unblocked[@]} == 0)) || fail "threads that may take a stop signal while they compute: ${unblocked[*]}"
echo "cli-tests: $threads threads of a training process: stop signals reach only the one that waits for them"
bash "$scripts/preempt-resume.sh" "$anneal" single 3
bash "$scripts/preempt-resume.sh" "$anneal" ranks 1
bash "$scripts/full-disk.sh" "$anneal"
bash "$scripts/slurm/requeue-test.sh" "$anneal"
# stop_job NAME WAIT_FOR COMMAND…: SIGTERM once WAIT_FOR exists; the job must exit 75 with its line within 10 s.
stop_job() {
    local name=$1 wait_for=$2; shift 2
    "$@" > "$work/$name.log" 2>&1 & local pid=$!
    for ((i = 0; i < 600; i++)); do [[ -e $wait_for ]] && break; sleep 0.1; done
    local sent; sent=$(date +%s.%N)
    kill -TERM "$pid"
    local status=0; wait "$pid" || status=$?
    awk -v a="$sent" -v b="$(date +%s.%N)" 'BEGIN { exit !(b - a <= 10) }' || fail "$name: took over 10 s to stop"
    ((status == 75)) && grep -q "preempted" "$work/$name.log" || { cat "$work/$name.log"; tail -n 40 "$work/stop-$name"/{,trials/}*/train.log 2>/dev/null; fail "$name: exit status $status, not 75 with its line"; }
}
medium=(--model mlp --hidden 512 --epochs 20 --train-subset 20000 --no-progress)
stop_job ensemble "$work/stop-ensemble/member-2/metrics.csv" "$anneal" ensemble train --members 2 --parallel 2 "${medium[@]}" --out "$work/stop-ensemble"
"$anneal" ensemble train --members 2 --parallel 2 "${medium[@]}" --out "$work/stop-ensemble" > "$work/stop-ensemble.log" \
    && grep -q "^ensemble test accuracy" "$work/stop-ensemble.log" && grep -q "^resumed" "$work/stop-ensemble/member-1/train.log" \
    || fail "the stopped ensemble did not go on"
stop_job search "$work/stop-search/trials/coarse-1/metrics.csv" \
    "$anneal" search --space 'lr=log(0.01,0.1)' --trials 2 --workers 2 --no-halving --no-test "${medium[@]}" --out "$work/stop-search"
"$anneal" search --space 'lr=log(0.01,0.1)' --trials 2 --workers 2 --no-halving --no-test "${medium[@]}" --out "$work/stop-search" --resume \
    > "$work/stop-search-resume.log" 2>&1 \
    && (($(wc -l < "$work/stop-search/trials.jsonl") == 2)) && grep -q "^resumed" "$work/stop-search/trials/coarse-0/train.log" \
    || { tail -5 "$work/search.log" "$work/stop-search-resume.log" "$work/stop-search/trials.jsonl" "$work/stop-search"/trials/coarse-*/train.log
         fail "the stopped search did not go on"; }
echo "cli-tests: all passed"
