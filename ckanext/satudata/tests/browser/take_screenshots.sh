#!/usr/bin/env bash
# Saves the screenshots of the key pages at 1366 px and 390 px into
# docs/screenshots/ (test_pages.py, with the environment of scripts/test.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
SATUDATA_SCREENSHOTS_DIR="$ROOT/docs/screenshots" "$ROOT/scripts/test.sh" \
  "$ROOT/ckanext/satudata/tests/browser/test_pages.py" -q -p no:cacheprovider \
  -k screenshots "$@"
