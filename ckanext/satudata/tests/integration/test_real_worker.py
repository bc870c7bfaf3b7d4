# -*- coding: utf-8 -*-
"""The one test with a real ``ckan jobs worker`` process (the others run
their jobs in the test process, ``run_jobs``): a job enqueued by the portal
runs in another process, on the same Redis queue, and finishes."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

from .. import jobs_for_tests

pytestmark = pytest.mark.slow


@pytest.mark.usefixtures("clean_db", "clean_queues")
def test_job_is_executed_by_a_real_worker(ckan_config):
    key = "satudata-smoke-" + uuid.uuid4().hex
    job = tk.enqueue_job(jobs_for_tests.record_pid, [key], title="smoke")
    redis = connect_to_redis()
    assert redis.get(key) is None

    ckan_cmd = os.path.join(os.path.dirname(sys.executable), "ckan")
    proc = subprocess.run(
        [ckan_cmd, "-c", ckan_config["__file__"], "jobs", "worker", "--burst"],
        capture_output=True, text=True, timeout=120,
    )

    assert proc.returncode == 0, proc.stderr
    worker_pid = redis.get(key)
    assert worker_pid is not None, proc.stderr
    assert int(worker_pid) != os.getpid()
    job.refresh()
    assert job.get_status() == "finished"


@pytest.mark.usefixtures("clean_db", "clean_queues")
def test_a_job_in_the_real_worker_speaks_the_portals_language(ckan_config):
    """The previews of every table were titled "Table" and "Chart" on the
    demo portal: its jobs worker created them in English."""
    key = "satudata-language-" + uuid.uuid4().hex
    tk.enqueue_job(jobs_for_tests.record_view_title, [key], title="language")
    ckan_cmd = os.path.join(os.path.dirname(sys.executable), "ckan")
    proc = subprocess.run(
        [ckan_cmd, "-c", ckan_config["__file__"], "jobs", "worker", "--burst"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert connect_to_redis().get(key) == b"Tabel", proc.stderr[-2000:]
