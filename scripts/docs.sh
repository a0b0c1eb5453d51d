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
    --enable-experimental-combined-documentation --enable-inherited-docs --experimental-skip-synthesized-symbols --transform-for-static-hosting --output-path "$out" \
    $($check && echo --experimental-documentation-coverage --coverage-summary-level brief) 2>&1 | tee "$log" | grep -v "^\[" || true
[[ -f "$out/index.html" || -d "$out/documentation" ]] || { echo "docs: no site was written (see above)" >&2; exit 1; }
echo "docs: wrote $out; serve it with: python3 -m http.server -d $out 8000, then open http://127.0.0.1:8000/documentation/anneal"
$check || exit 0

# Zero warnings: DocC's (unresolved links, unknown parameters …) and the compiler's.
if grep -E "warning:" "$log"; then echo "docs: FAIL: the warnings above" >&2; exit 1; fi

# Every public symbol documented: DocC's coverage table, the Abstract column at 100 % in every module.
echo "docs: documentation coverage (--level brief):"
grep -E "^\s*(\||Types|Members|Globals|Abstract|.*Abstract)" "$log" | sed 's/^/  /' || true
if grep -E "^\s*\|?\s*(Types|Members|Globals)\s*\|" "$log" | grep -vE "^\s*\|?\s*(Types|Members|Globals)\s*\|\s*(100%|\(0/0\))" ; then
    echo "docs: FAIL: symbols without a summary (the rows above)" >&2; exit 1
fi

# The site in a real browser: served over HTTP on 127.0.0.1 (DocC renders by script).
chromium=$(command -v chromium || command -v chromium-browser || true)
[[ -n $chromium ]] || { echo "docs: FAIL: no chromium for the browser check (apt-get install chromium)" >&2; exit 1; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$out" "$port" > /dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
for ((i = 0; i < 50; i++)); do python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break; sleep 0.1; done
render() { timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --virtual-time-budget=15000 --dump-dom "http://127.0.0.1:$port/$1" 2>/dev/null \
    | python3 -c 'import html, re, sys; print(html.unescape(re.sub(r"<[^>]+>", "", sys.stdin.read())))'; }   # DocC splits code words with tags
landing=$(render documentation/anneal)
for m in "${modules[@]}"; do grep -q "$m" <<< "$landing" || { echo "docs: FAIL: the rendered landing page does not name $m" >&2; exit 1; }; done
article=$(render documentation/anneal/gettingstarted)
grep -q "Getting started" <<< "$article" && grep -q "Run(config" <<< "$article" \
    || { echo "docs: FAIL: the rendered getting-started article lacks its title or its listing" >&2; exit 1; }
echo "docs: headless Chromium rendered the landing page (all ${#modules[@]} modules named) and the getting-started article (title and listing)"
