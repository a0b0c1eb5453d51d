#!/usr/bin/env bash
# The API documentation as one static site: DocC for every public module (the umbrella
# Anneal with its articles, and the modules under it), every snippet's code embedded.
#
#   bash scripts/docs.sh [OUT]           (default .build/docs-site)
#   bash scripts/docs.sh --check [OUT]   also: zero warnings, 100 % documented symbols
#                                        (coverage table printed), and headless Chromium
#                                        renders the landing page and an article
#
# Open OUT/documentation/anneal/index.html through a web server (DocC pages load their
# data by script, which file:// URLs do not allow), e.g.
#   python3 -m http.server -d OUT 8000  →  http://127.0.0.1:8000/documentation/anneal
set -euo pipefail
cd "$(dirname "$0")/.."
check=false
if [[ ${1:-} == --check ]]; then check=true; shift; fi
out="${1:-.build/docs-site}"
modules=(Anneal AnnealIO AnnealTensor AnnealNN AnnealOptim AnnealData AnnealTraining AnnealDistributed AnnealReports AnnealExperiments AnnealExport AnnealMPI)
targets=()
for m in "${modules[@]}"; do targets+=(--target "$m"); done
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
rm -rf "$out"
swift package --allow-writing-to-directory "$out" generate-documentation "${targets[@]}" \
    --enable-experimental-combined-documentation --transform-for-static-hosting --output-path "$out" \
    $($check && echo --experimental-documentation-coverage --level brief) 2>&1 | tee "$log" | grep -v "^\[" || true
[[ -f "$out/index.html" || -d "$out/documentation" ]] || { echo "docs: no site was written (see above)" >&2; exit 1; }
echo "docs: wrote $out; serve it with: python3 -m http.server -d $out 8000, then open http://127.0.0.1:8000/documentation/anneal"
$check || exit 0

# Zero warnings: DocC's (unresolved links, unknown parameters …) and the compiler's.
if grep -E "warning:" "$log"; then echo "docs: FAIL: the warnings above" >&2; exit 1; fi
