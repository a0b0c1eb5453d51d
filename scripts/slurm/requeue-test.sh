#!/usr/bin/env bash
# Tests scripts/slurm/train.sbatch without Slurm: stub `srun` (drops its options and
# runs the command) and `scontrol` (logs its arguments) on PATH. A job sent SIGUSR1
# mid-run must exit 75 and call `scontrol requeue JOBID`; the requeued job (the
# script run again) must finish the run without requeueing, to weights identical to
# the bit to an uninterrupted run's.
#
#   scripts/slurm/requeue-test.sh [ANNEAL]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
anneal="$(realpath "${1:-.build/release/anneal}")"
work="$(mktemp -d)"
trap 'pkill -KILL -P $$ 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "slurm requeue test: FAIL: $*"; exit 1; }

mkdir "$work/bin"
ln -s "$anneal" "$work/bin/anneal"
cat > "$work/bin/srun" <<'STUB'
#!/usr/bin/env bash
while [[ $# -gt 0 && $1 == -* ]]; do shift; done
exec "$@"
STUB
cat > "$work/bin/scontrol" <<STUB
#!/usr/bin/env bash
echo "scontrol \$*" >> "$work/scontrol.log"
STUB
chmod +x "$work/bin/srun" "$work/bin/scontrol"
export PATH="$work/bin:$PATH" SLURM_JOB_ID=4242 SLURM_CPUS_PER_TASK=2 ANNEAL_OUT="$work/run"
options=(--model cnn --train-subset 6000 --epochs 2)

anneal train "${options[@]}" --no-progress --out "$work/reference" > /dev/null 2>&1 || fail "reference run"
# The first job: SIGUSR1 to the task (what --signal=USR1@90 does) 4 s in.
bash "$here/train.sbatch" "${options[@]}" > "$work/job1.log" 2>&1 & job=$!
sleep 4
pkill -USR1 -P "$job" anneal || fail "no task to signal"
status=0; wait "$job" || status=$?
((status == 75)) || { cat "$work/job1.log"; fail "the signalled job exited $status, not 75"; }
grep -qx "scontrol requeue 4242" "$work/scontrol.log" || fail "the job did not requeue itself"
echo "slurm requeue test: job 1: $(grep -o 'preempted.*' "$work/job1.log"); scontrol requeue 4242 called"
# The requeued job: the same script continues the run and does not requeue again.
bash "$here/train.sbatch" "${options[@]}" > "$work/job2.log" 2>&1 || { cat "$work/job2.log"; fail "the requeued job failed"; }
(($(wc -l < "$work/scontrol.log") == 1)) || fail "the finished job requeued itself"
cmp -s "$work/reference/model.safetensors" "$work/run/model.safetensors" || fail "the requeued run's weights differ"
echo "slurm requeue test: job 2: $(grep -o 'resumed .*' "$work/job2.log"); weights bit-identical to the uninterrupted run"
