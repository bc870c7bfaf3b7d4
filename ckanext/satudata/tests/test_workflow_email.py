# -*- coding: utf-8 -*-
"""Notifications are really delivered: a real SMTP server (aiosmtpd) listens
on a free loopback port, the transitions enqueue jobs through the signal
subscriptions, a real ``ckan jobs worker --burst`` process runs them with
``smtp.server`` pointed at that server, and the test reads what arrived."""
from __future__ import annotations

import datetime
import email
import email.policy
import os
import socket
import subprocess
import sys
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

import ckan.model as model

from ckanext.satudata.model import DataRequest, ReminderSent

from .workflow_fixtures import complete_metadata, region  # noqa: F401


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def take(self) -> list[dict[str, str]]:
        with self.lock:
            taken, self.messages = self.messages, []
        return [{"to": str(m["To"]), "subject": str(m["Subject"]),
                 "body": m.get_body(("plain",)).get_content()} for m in taken]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(ckan_config, monkeypatch):
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    # the worker process reads its settings from the environment as CKAN does;
    # the test process too, for the reminders sent in-process
    monkeypatch.setitem(ckan_config, "smtp.server", f"127.0.0.1:{port}")
    monkeypatch.setenv("CKAN_SMTP_SERVER", f"127.0.0.1:{port}")
    yield inbox
    controller.stop()


def run_worker(ckan_config) -> None:
    ckan_cmd = os.path.join(os.path.dirname(sys.executable), "ckan")
    proc = subprocess.run(
        [ckan_cmd, "-c", ckan_config["__file__"], "jobs", "worker", "--burst"],
        capture_output=True, text=True, timeout=180, env=dict(os.environ))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr


def _to(messages: list[dict[str, str]]) -> set[str]:
    return {m["to"].split("<")[-1].rstrip(">") for m in messages}


@pytest.mark.usefixtures("clean_queues")
def test_each_notifying_transition_delivers_mail(smtp, region, ckan_config):
    run_worker(ckan_config)
    sent = smtp.take()
    # the round's requests: one message per producer, listing their requests
    assert _to(sent) == {"produsen-a@example.org", "produsen-b@example.org"}
    assert all("Jumlah Puskesmas" in m["body"] for m in sent)

    req = region.request_of(region.opd_a)
    complete_metadata(req["package_id"], "produsen-a")
    steps = [
        ("producer", "satudata_request_submit", {}, {"verifikator@example.org"}),
        ("verifier", "satudata_request_return",
         {"note": "Satuan belum diisi", "field_notes": {"unit": ["Isi satuan"]}},
         {"produsen-a@example.org"}),
        ("producer", "satudata_request_resubmit", {}, {"verifikator@example.org"}),
        ("verifier", "satudata_request_verify", {}, {"kabid@example.org"}),
        ("kabid", "satudata_request_approve", {}, {"kadis@example.org"}),
        ("kadis", "satudata_request_approve", {}, {"admin-walidata@example.org"}),
    ]
    for who, action, extra, recipients in steps:
        region.call(who, action, id=req["id"], **extra)
        run_worker(ckan_config)
        sent = smtp.take()
        assert _to(sent) == recipients, (action, sent)
        assert all("Jumlah Puskesmas" in m["subject"] for m in sent), sent
        assert all(f"/permintaan-data/{req['id']}" in m["body"] for m in sent), sent
        if action == "satudata_request_return":
            assert "Satuan belum diisi" in sent[0]["body"]
            assert "Satuan: Isi satuan" in sent[0]["body"]  # the field label, not its key

    other = region.request_of(region.opd_b)
    region.call("walidata_admin", "satudata_request_cancel", id=other["id"],
                note="Tidak lagi diperlukan")
    run_worker(ckan_config)
    sent = smtp.take()
    assert _to(sent) == {"produsen-b@example.org"}
    assert "Tidak lagi diperlukan" in sent[0]["body"]


def test_reminders_and_escalations_are_sent_once(smtp, region, cli):
    from ckanext.satudata import cli as satudata_cli

    req = region.request_of(region.opd_a)
    due = datetime.date.fromisoformat(req["due_date"])
    # the day before the deadline: a reminder to each OPD's producers
    result = cli.invoke(satudata_cli.satudata, ["send-reminders", "--date",
                                                (due - datetime.timedelta(days=1)).isoformat()])
    assert result.exit_code == 0, result.output
    sent = smtp.take()
    assert _to(sent) == {"produsen-a@example.org", "produsen-b@example.org"}
    # the rerun (cron) sends nothing again
    result = cli.invoke(satudata_cli.satudata, ["send-reminders", "--date",
                                                (due - datetime.timedelta(days=1)).isoformat()])
    assert result.exit_code == 0, result.output
    assert smtp.take() == []
    # past the deadline: an escalation, also to the walidata administrators
    late = (due + datetime.timedelta(days=7)).isoformat()
    result = cli.invoke(satudata_cli.satudata, ["send-reminders", "--date", late])
    assert result.exit_code == 0, result.output
    sent = smtp.take()
    assert _to(sent) == {"produsen-a@example.org", "produsen-b@example.org",
                         "admin-walidata@example.org"}
    assert "Escalations: 2" in result.output or "escalations: 2" in result.output
    assert model.Session.execute(sa.select(sa.func.count()).select_from(
        ReminderSent)).scalar_one() == 4
    cli.invoke(satudata_cli.satudata, ["send-reminders", "--date", late])
    assert smtp.take() == []
    assert model.Session.get(DataRequest, req["id"]).state == "requested"


@pytest.mark.usefixtures("clean_queues")
def test_reminders_run_as_a_background_job(smtp, region, cli, ckan_config):
    from ckanext.satudata import cli as satudata_cli

    run_worker(ckan_config)          # the round's "new requests" messages
    smtp.take()
    req = region.request_of(region.opd_b)
    late = (datetime.date.fromisoformat(req["due_date"])
            + datetime.timedelta(days=10)).isoformat()
    result = cli.invoke(satudata_cli.satudata, ["send-reminders", "--enqueue", "--date", late])
    assert result.exit_code == 0, result.output
    assert smtp.take() == []         # nothing sent inline
    run_worker(ckan_config)
    sent = smtp.take()
    assert _to(sent) == {"produsen-a@example.org", "produsen-b@example.org",
                         "admin-walidata@example.org"}
    assert all("Jumlah Puskesmas" in m["subject"] for m in sent)
