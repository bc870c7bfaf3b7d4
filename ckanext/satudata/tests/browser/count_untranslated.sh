#!/usr/bin/env bash
# Prints how many untranslated texts the crawl of test_untranslated.py finds
# (the count of issue 10's closing note) and writes each finding to
# .state/untranslated.txt. Takes the same environment as scripts/test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
REPORT="${SATUDATA_UNTRANSLATED_REPORT:-$ROOT/.state/untranslated.txt}"
mkdir -p "$(dirname "$REPORT")"
SATUDATA_UNTRANSLATED_REPORT="$REPORT" "$ROOT/scripts/test.sh" \
  "$ROOT/ckanext/satudata/tests/browser/test_untranslated.py" -q -s -p no:cacheprovider "$@" \
  | grep -E "^UNTRANSLATED:|^details in|passed|failed|error" || true
