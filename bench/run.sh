#!/usr/bin/env bash
# Speed and memory benchmarks of ckanext-satudata against the real services,
# on databases, a Redis db and Solr site ids of their own. Each benchmark
# prints what it measured and fails when a target is missed.
#   bench/run.sh [pytest args]
# The names can be overridden to run beside another benchmark:
#   SATUDATA_BENCH_DB_NAME (its A/B sites use <name>_a and <name>_b, or
#   SATUDATA_BENCH_DB_A / SATUDATA_BENCH_DB_B), SATUDATA_BENCH_REDIS_DB,
#   SATUDATA_BENCH_SITE_ID (A/B: <id>_a, <id>_b, or SATUDATA_BENCH_SITE_ID_A/_B).
# SATUDATA_BENCH_DATASETS (10,000) and SATUDATA_BENCH_CALLS (200) size the
# A/B comparison (bench_ab.py); lower them for a quick run.
set -euo pipefail
cd "$(dirname "$0")/.."
DB="${SATUDATA_BENCH_DB_NAME:-ckan_satudata_bench}"
export SATUDATA_BENCH_DB_A="${SATUDATA_BENCH_DB_A:-${DB}_a}"
export SATUDATA_BENCH_DB_B="${SATUDATA_BENCH_DB_B:-${DB}_b}"
export SATUDATA_TEST_DB_NAME="$DB"
export SATUDATA_EXTRA_DBS="$DB $SATUDATA_BENCH_DB_A $SATUDATA_BENCH_DB_B"
SITE="${SATUDATA_BENCH_SITE_ID:-satudata_bench}"
export SATUDATA_BENCH_SITE_ID_A="${SATUDATA_BENCH_SITE_ID_A:-${SITE}_a}"
export SATUDATA_BENCH_SITE_ID_B="${SATUDATA_BENCH_SITE_ID_B:-${SITE}_b}"
# one process: a benchmark measures alone
export SATUDATA_TEST_REDIS_DB="${SATUDATA_BENCH_REDIS_DB:-5}" SATUDATA_TEST_SITE_ID="$SITE"
export SATUDATA_TEST_WORKERS=1
exec ./scripts/test.sh bench -o python_files='bench_*.py' -o testpaths=bench -s -q -p no:randomly "$@"
