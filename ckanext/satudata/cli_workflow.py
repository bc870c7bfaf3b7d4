# -*- coding: utf-8 -*-
"""``ckan satudata`` commands of the data-request workflow: create (and
send) a collection round, import the Daftar Data from Excel, send the
deadline reminders (for cron). Attached to the group in :mod:`.cli`."""
from __future__ import annotations

import datetime
from typing import Any, Optional

import click

import ckan.plugins.toolkit as tk

__all__ = ["register"]


def _context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _fail(error: tk.ValidationError) -> None:
    for field, messages in (error.error_dict or {}).items():
        for message in messages if isinstance(messages, list) else [messages]:
            click.secho(f"{field}: {message}", fg="red", err=True)
    raise click.exceptions.Exit(1)


@click.command("round-create")
@click.argument("name")
@click.option("--title", required=True, help='e.g. "Semester I 2026"')
@click.option("--year", type=int, required=True, help="Year of the Daftar Data requested.")
@click.option("--start-date", required=True, help="YYYY-MM-DD")
@click.option("--period", default=None, help='Free text, e.g. "S1".')
@click.option("--submit-days", type=int, default=None,
              help="Working days producers have (default: satudata.deadline.submit_days).")
@click.option("--send", is_flag=True, help="Send the round's requests right away.")
def round_create(name: str, title: str, year: int, start_date: str,
                 period: Optional[str], submit_days: Optional[int], send: bool):
    """Create the collection round NAME (and with --send, send its requests
    to the OPDs)."""
    data: dict[str, Any] = {"name": name, "title": title, "year": year,
                            "start_date": start_date}
    if period:
        data["period"] = period
    if submit_days is not None:
        data["submit_days"] = submit_days
    try:
        round_ = tk.get_action("satudata_round_create")(_context(), data)
    except tk.ValidationError as e:
        _fail(e)
        return
    click.echo(f"Round {round_['name']}: submit by {round_['submit_due']}, "
               f"verify by {round_['verify_due']}")
    if send:
        result = tk.get_action("satudata_round_send")(_context(), {"id": round_["id"]})
        click.echo(f"Sent {result['created']} request(s).")


@click.command("daftar-data-import")
@click.argument("xlsx_file", type=click.File("rb"))
@click.option("--year", type=int, required=True, help="Year of the Daftar Data.")
@click.option("--dry-run", is_flag=True, help="Only check the file.")
def daftar_data_import(xlsx_file: Any, year: int, dry_run: bool):
    """Import the Daftar Data from XLSX_FILE (the layout of the template at
    /permintaan-data/daftar-data/template.xlsx). Nothing is saved if any
    row has an error."""
    content = xlsx_file.read()
    try:
        result = tk.get_action("satudata_daftar_data_import")(
            _context(), {"upload": content, "year": year, "dry_run": dry_run})
    except tk.ValidationError as e:
        for line in (e.error_dict or {}).get("rows", []):
            click.secho(line, fg="red", err=True)
        _fail(tk.ValidationError({k: v for k, v in e.error_dict.items() if k != "rows"}))
        return
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb}: {result['created']} new, {result['updated']} updated.")


@click.command("send-reminders")
@click.option("--date", "day", default=None,
              help="Act as if today were this date (YYYY-MM-DD).")
@click.option("--queue", is_flag=True,
              help="Enqueue a background job instead of sending now.")
def send_reminders(day: Optional[str], queue: bool):
    """Send the deadline reminders and overdue escalations that are due.
    Safe to run from cron as often as wanted: nothing is sent twice."""
    from . import jobs, reminders
    today = datetime.date.fromisoformat(day) if day else None
    if queue:
        job = tk.enqueue_job(jobs.send_reminders_job, [day], title="satudata: reminders")
        click.echo(f"Enqueued job {job.id}")
        return
    pending = reminders.due(today)
    with click.progressbar(  # type: ignore[var-annotated]
            length=len(pending), label="Sending reminders") as bar:
        counts = reminders.send_reminders(today, progress=bar.update, pending=pending)
    click.echo(f"Reminders: {counts['reminder']}, escalations: {counts['escalation']}, "
               f"messages: {counts['messages']}, failed: {counts['failed']}")
    if counts["failed"]:
        raise click.exceptions.Exit(1)


def register(group: click.Group) -> None:
    for command in (round_create, daftar_data_import, send_reminders):
        group.add_command(command)
