#!/usr/bin/env bash
# Install what the tests need, then run every check and test. Used by CI (.ci/run) and by people.
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh -k api     # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

# Headless Chromium for the widget tests: Debian's package, never a downloaded browser.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "== installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "warning: /usr/bin/chromium is missing and cannot be installed here; browser tests will be skipped" >&2
  fi
fi

echo "== installing faqbot with its test dependencies"
python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"

echo "== lint"
python3 -m ruff check src tests benchmarks scripts
python3 -m ruff format --check src tests

echo "== knowledge base: schema, verbatim quotes, coverage"
faqbot check

echo "== committed index is fresh"
python3 scripts/index_is_fresh.py

echo "== quality gates on the held-out split"
# Out-of-scope rejection, refusal recall and over-refusal are gated at their product targets
# (met); answer accuracy (target 95%, met since the tenth session: 95.4-96.3%, 95.4% = 104/109 now) at a
# regression floor of 94%: one held-out question fewer is 94.5%, and CI should not fail on a
# single near-tie that tips (see README "Measured quality").
faqbot eval --quiet --min-answer 0.94 --min-nomatch 0.95 --min-refusal-recall 0.98 --max-over-refusal 0.03

echo "== tests"
python3 -m pytest -q "$@"
