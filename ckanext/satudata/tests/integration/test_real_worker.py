# -*- coding: utf-8 -*-
"""The tests with a real ``ckan satudata worker`` process (the others run
their jobs in the test process, ``run_jobs``): a job enqueued by the portal
runs in another process, on the same Redis queue, and finishes; the
worker runs every job in its own process (no fork), yet each job sees the
configuration of the moment and a failed job leaves nothing behind."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

import ckan.model as model
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
        [ckan_cmd, "-c", ckan_config["__file__"], "satudata", "worker", "--burst"],
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
        [ckan_cmd, "-c", ckan_config["__file__"], "satudata", "worker", "--burst"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert connect_to_redis().get(key) == b"Tabel", proc.stderr[-2000:]


@pytest.mark.usefixtures("clean_db", "clean_queues")
def test_the_worker_runs_its_jobs_without_a_fork_and_reads_what_changed(ckan_config):
    """CKAN's worker forks and loads CKAN's environment again for every job
    (2-3 s each: the portal's e-mails queued up by the hundred). One process
    runs them all here, and still: a site title changed on the admin's
    config page meanwhile (by a web process) is the next job's; a job that
    fails in an aborted transaction fails alone."""
    from ckan.lib.app_globals import app_globals

    key = "satudata-worker-" + uuid.uuid4().hex
    app_globals._check_uptodate()  # the configuration the worker starts from
    tk.enqueue_job(jobs_for_tests.record_site_title, [key], title="before")
    tk.enqueue_job(jobs_for_tests.retitle_site_elsewhere, ["Portal Baru"], title="retitle")
    failing = tk.enqueue_job(jobs_for_tests.fail_in_a_transaction, [], title="fails")
    tk.enqueue_job(jobs_for_tests.record_site_title, [key], title="after")
    ckan_cmd = os.path.join(os.path.dirname(sys.executable), "ckan")
    try:
        proc = subprocess.run(
            [ckan_cmd, "-c", ckan_config["__file__"], "satudata", "worker", "--burst"],
            capture_output=True, text=True, timeout=120,
        )
    finally:  # the site's title as it was, for the tests that follow
        model.delete_system_info("ckan.site_title")
        model.delete_system_info("ckan.config_update")
        app_globals._check_uptodate()
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = [item.decode().split(" ", 1) for item in connect_to_redis().lrange(key, 0, -1)]
    assert [title for _pid, title in seen] == [tk.config.get("ckan.site_title"),
                                               "Portal Baru"], proc.stderr[-3000:]
    pids = {pid for pid, _title in seen}
    assert len(pids) == 1 and int(pids.pop()) != os.getpid()
    failing.refresh()
    assert failing.get_status() == "failed"
    assert "a job that fails" in proc.stderr
    failing.failed_job_registry.remove(failing, delete_job=True)  # not the next test's
