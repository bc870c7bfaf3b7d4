#!/usr/bin/env bash
# Speed and memory benchmarks of ckanext-satudata against the real services,
# on a database, Redis db and Solr site id of their own. Each benchmark
# prints what it measured and fails when a target is missed.
#   bench/run.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
export SATUDATA_TEST_DB_NAME=ckan_satudata_bench SATUDATA_EXTRA_DBS=ckan_satudata_bench
# one process: a benchmark measures alone
export SATUDATA_TEST_REDIS_DB=5 SATUDATA_TEST_SITE_ID=satudata_bench SATUDATA_TEST_WORKERS=1
exec ./scripts/test.sh bench -o python_files='bench_*.py' -o testpaths=bench -s -q -p no:randomly "$@"
