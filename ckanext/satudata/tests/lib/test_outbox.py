# -*- coding: utf-8 -*-
"""The outbox (lib/outbox.py): a step taken while the jobs queue (Redis)
cannot be reached is committed with the work it owes; its e-mails arrive,
once, after the queue is back; a delivery that failed half-way sends only
the rest; a publish while the search index (Solr) cannot be reached is
refused cleanly and changes nothing.

"Cannot be reached" is a loopback port where nothing listens: the real
client meets a real refused connection. Stopping and restarting real
servers is in integration/test_service_faults.py (slow)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.lib.mailer as mailer
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata import cli as satudata_cli
from ckanext.satudata import jobs
from ckanext.satudata.model import OutboxEntry

from ..conftest import free_port
from ..factories import add_csv, complete_metadata, is_public, publish, request_state, to_ready


def _entries(job: str) -> list[OutboxEntry]:
    model.Session.remove()
    return list(model.Session.execute(
        sa.select(OutboxEntry).where(OutboxEntry.job == job)
        .order_by(OutboxEntry.created)).scalars())


def _nowhere() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


def test_mail_of_a_step_taken_while_redis_is_down_arrives_once_when_it_is_back(
        smtp, region, run_jobs, jobs_at, cli):
    run_jobs()
    smtp.take()
    redis_url = tk.config["ckan.redis.url"]
    req = region.request_of(region.opd_a)
    complete_metadata(req["package_id"], "produsen-a")

    jobs_at(_nowhere())
    region.call("producer", "satudata_request_submit", id=req["id"])
    # the step is committed, its e-mail is owed
    assert request_state(region, req) == "submitted"
    [owed] = _entries("notify_transition")
    assert owed.enqueued_at is None and owed.done_at is None
    result = cli.invoke(satudata_cli.satudata, ["outbox", "status"])
    assert "pending: 1," in result.output, result.output
    # cron's drain cannot reach the queue: the row stays, the command says so
    result = cli.invoke(satudata_cli.satudata, ["outbox", "drain"])
    assert result.exit_code == 1
    assert "0 handed to the jobs queue, 1 waiting" in result.output

    jobs_at(redis_url)
    result = cli.invoke(satudata_cli.satudata, ["outbox", "drain"])
    assert result.exit_code == 0, result.output
    assert "1 handed to the jobs queue, 0 waiting" in result.output
    run_jobs()
    sent = smtp.take()
    assert [m["to"].split("<")[-1].rstrip(">") for m in sent] == ["verifikator@example.org"]
    assert "Jumlah Puskesmas" in sent[0]["subject"]

    # the same job again (a duplicate on the queue) and another drain: nothing more
    tk.enqueue_job(jobs.deliver, [owed.id], title="duplicate")
    result = cli.invoke(satudata_cli.satudata, ["outbox", "drain"])
    assert "0 handed to the jobs queue, 0 waiting" in result.output
    run_jobs()
    assert smtp.take() == []
    assert _entries("notify_transition")[0].done_at is not None
    # nothing waits, and the queue is out of reach: cron is told all the same
    jobs_at(_nowhere())
    result = cli.invoke(satudata_cli.satudata, ["outbox", "drain"])
    assert result.exit_code == 1
    assert "0 handed to the jobs queue, 0 waiting" in result.output


def test_the_next_commit_hands_over_what_an_earlier_one_could_not(
        smtp, region, run_jobs, jobs_at):
    run_jobs()
    smtp.take()
    redis_url = tk.config["ckan.redis.url"]
    req = region.request_of(region.opd_a)
    complete_metadata(req["package_id"], "produsen-a")
    jobs_at(_nowhere())
    region.call("producer", "satudata_request_submit", id=req["id"])
    jobs_at(redis_url)
    region.call("verifier", "satudata_request_return", id=req["id"], note="Lengkapi satuan")
    assert [e.enqueued_at is not None for e in _entries("notify_transition")] == [True, True]
    run_jobs()
    assert sorted(m["to"].split("<")[-1].rstrip(">") for m in smtp.take()) == [
        "produsen-a@example.org", "verifikator@example.org"]


@pytest.mark.ckan_config("satudata.outbox.retry_after", 0)
def test_a_delivery_that_failed_half_way_sends_only_the_rest(smtp, region, run_jobs, cli):
    # the round's message to each OPD's producers is owed by the region's
    # round_send; the SMTP server refuses one of the two mailboxes
    [owed] = _entries("notify_round_sent")
    smtp.refused.add("produsen-b@example.org")
    with pytest.raises(mailer.MailerException):
        jobs.deliver(owed.id)
    first = smtp.take()
    assert smtp.recipients(first) == {"produsen-a@example.org"}
    [owed] = _entries("notify_round_sent")
    assert owed.done_at is None and len(owed.sent) == 1
    assert "produsen-b" in owed.error

    smtp.refused.clear()
    result = cli.invoke(satudata_cli.satudata, ["outbox", "drain"])
    assert result.exit_code == 0, result.output
    run_jobs()  # the region's own copy of the job and the retry: one sends
    again = smtp.take()
    assert [m["to"].split("<")[-1].rstrip(">") for m in again] == ["produsen-b@example.org"]
    assert _entries("notify_round_sent")[0].done_at is not None


def test_publish_while_solr_is_unreachable_is_refused_and_changes_nothing(
        region, run_jobs, search_at):
    solr_url = tk.config["solr_url"]
    req = region.request_of(region.opd_a)
    to_ready(region, req)
    search_at(f"http://127.0.0.1:{free_port()}/solr/ckan")
    with pytest.raises(tk.ValidationError) as refused:
        publish(region, req)
    assert "search" in refused.value.error_dict
    assert request_state(region, req) == "ready"
    assert not is_public(req["package_id"])

    search_at(solr_url)
    publish(region, req)
    assert request_state(region, req) == "published"
    found = tk.get_action("package_search")({"user": ""}, {"q": f"id:{req['package_id']}"})
    assert found["count"] == 1 and is_public(req["package_id"])


def test_a_message_goes_to_the_front_of_the_queue_past_the_data_work(region):
    """A producer saving datasets again and again owes data checks and
    DataStore loads; an e-mail owed after them is handed to the front of
    the jobs queue (a citizen's acknowledgement waited five minutes behind
    700 of them)."""
    from ckan.lib import jobs as ckan_jobs
    from ckanext.satudata.lib import datacheck, outbox

    req = region.request_of(region.opd_a)
    complete_metadata(req["package_id"], "produsen-a")
    for other in region.requests_of(region.opd_b)[:3]:
        datacheck.queue_check(other["package_id"])
    model.Session.commit()
    region.call("producer", "satudata_request_submit", id=req["id"])

    queued = ckan_jobs.get_queue().job_ids
    [message] = _entries("notify_transition")
    checks = [entry.id for entry in _entries("check_data")]
    assert checks and set(checks) <= set(queued)
    assert queued.index(message.id) < min(queued.index(i) for i in checks), queued
    assert outbox.status()["pending"] == 0


def test_saving_a_dataset_without_tables_owes_no_data_work(region):
    """The data check and the DataStore load read a dataset's tables: a
    change of the fields they read owes them only when it has tables."""
    req = region.request_of(region.opd_a)
    region.call("producer", "package_patch", id=req["package_id"], data_year="2024")
    assert not _entries("check_data") and not _entries("load_datastore")

    add_csv(region, "producer", req["package_id"], "tahun,jumlah\n2024,1\n")
    model.Session.remove()
    done = {e.id for e in _entries("check_data")}
    region.call("producer", "package_patch", id=req["package_id"], data_year="2025")
    assert {e.id for e in _entries("check_data")} - done
