# -*- coding: utf-8 -*-
"""The ``ckan satudata`` command group: demo data, walidata roles, rounds and
the Daftar Data import, reminders (cron), scheduled releases (cron),
publications, the outbox (cron) and the static files the web processes serve
(``build-assets``).

One convention for every command: it acts as the site user and does the
work here; ``--enqueue`` hands it to the jobs worker instead (and prints the
job id). A refused input prints each error as ``field: message`` on stderr
and exits with status 1; a partial failure (a reminder or a release that
could not be delivered or published) also exits with 1 after doing the rest.
"""
from __future__ import annotations

from typing import Any, Optional

import click

import ckan.plugins.toolkit as tk

from . import demo
from .lib import notifications

__all__ = ["satudata"]

ENQUEUE_HELP = "Hand the work to the jobs worker instead of running it here."


@click.group(short_help="Satu Data: demo data, roles, rounds, imports, reminders, releases")
def satudata():
    """Commands of ckanext-satudata."""


def _site_context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"]}


def _fail(error: tk.ValidationError) -> None:
    """Print a refused input, one ``field: message`` per line, and exit 1."""
    for field, messages in (error.error_dict or {}).items():
        # each once (a name refused by two checks said the same thing twice)
        for message in dict.fromkeys(messages if isinstance(messages, list) else [messages]):
            click.secho(f"{field}: {message}", fg="red", err=True)
    raise click.exceptions.Exit(1)


def _enqueued(job: Any) -> None:
    click.echo(f"Enqueued job {job.id}")


# -- demo and roles ----------------------------------------------------------------------

@satudata.command("load-demo")
@click.option("--password", envvar="SATUDATA_DEMO_PASSWORD", default="satudata-demo",
              show_default=True, help="Password given to every demo user.")
def load_demo(password: str):
    """Create the demo walidata, OPDs and users (idempotent) and print the
    credentials. The demo is made in the portal's language (what CKAN makes
    on the way, such as the titles of a table's previews, is stored)."""
    with notifications.portal_context():
        for line in demo.load(password):
            click.echo(line)


@satudata.command("role-add")
@click.argument("user")
@click.argument("role")
def role_add(user: str, role: str):
    """Give USER the walidata ROLE (a role of satudata.approval_chain, or of a
    duty: satudata.roles.draft/send/publish/archive)."""
    _role_action("satudata_role_create", user, role)
    click.secho(f"{user}: {role}", fg="green")


@satudata.command("role-remove")
@click.argument("user")
@click.argument("role")
def role_remove(user: str, role: str):
    """Take the walidata ROLE away from USER."""
    _role_action("satudata_role_delete", user, role)
    click.secho(f"{user}: {role} removed", fg="green")


@satudata.command("roles")
def roles_list():
    """List who holds which walidata role."""
    for item in tk.get_action("satudata_role_list")(_site_context(), {}):
        click.echo(f"{item['role']:<14} {item['user_name']:<24} {item['display_name']}")


def _role_action(action: str, user: str, role: str) -> None:
    try:
        tk.get_action(action)(_site_context(), {"user": user, "role": role})
    except tk.ValidationError as e:
        _fail(e)


# -- rounds, Daftar Data, reminders ------------------------------------------------------

@satudata.command("round-create")
@click.argument("name")
@click.option("--title", required=True, help='e.g. "Semester I 2026"')
@click.option("--year", type=int, required=True, help="Year of the Daftar Data requested.")
@click.option("--start-date", required=True, help="YYYY-MM-DD")
@click.option("--period", default=None, help='Free text, e.g. "S1".')
@click.option("--submit-days", type=int, default=None,
              help="Working days producers have after the preparation days "
                   "(satudata.deadline.prepare_days) to submit (default: "
                   "satudata.deadline.submit_days).")
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
        round_ = tk.get_action("satudata_round_create")(_site_context(), data)
    except tk.ValidationError as e:
        _fail(e)
        return
    click.echo(f"Round {round_['name']}: submit by {round_['submit_due']}, "
               f"verify by {round_['verify_due']}")
    if send:
        try:
            result = tk.get_action("satudata_round_send")(_site_context(),
                                                          {"id": round_["id"]})
        except tk.ValidationError as e:
            # the round stays, as a draft: say so (run again, the name was taken)
            click.secho(f"Round {round_['name']} was created but not sent "
                        f"(send it from its page once this is fixed):", fg="red", err=True)
            _fail(e)
            return
        click.echo(f"Sent {result['created']} request(s).")
        # what the round's page says of the items it did not send (an officer
        # using the command believed the whole Daftar Data was requested)
        held = result.get("held_back") or []
        if held:
            click.secho(f"Held back {len(held)} item(s): an earlier period of their "
                        "dataset is not public yet; send the round again once it is:",
                        fg="yellow")
            for item in held:
                # one whose earlier request sits in a closed round waits for ever
                stuck = (f" (its earlier request is open in the closed round "
                         f"{item['round']['title']}: cancel it, or reopen that round)"
                         if (item.get("round") or {}).get("closed") else "")
                click.echo(f"  - {item['title']}{stuck}")
        for org in result.get("without_producers") or []:
            click.secho(f"OPD {org['title']} has no producer to tell: add one.", fg="yellow")


@satudata.command("daftar-data-import")
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
            _site_context(), {"upload": content, "year": year, "dry_run": dry_run})
    except tk.ValidationError as e:
        for line in (e.error_dict or {}).get("rows", []):
            click.secho(line, fg="red", err=True)
        _fail(tk.ValidationError({k: v for k, v in e.error_dict.items() if k != "rows"}))
        return
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb}: {result['created']} new, {result['updated']} updated, "
               f"{result['unchanged']} unchanged.")


@satudata.command("send-reminders")
@click.option("--date", "day", default=None,
              help="Act as if today were this date (YYYY-MM-DD).")
@click.option("--enqueue", is_flag=True, help=ENQUEUE_HELP)
def send_reminders(day: Optional[str], enqueue: bool):
    """Send the deadline reminders and overdue escalations that are due.
    Safe to run from cron as often as wanted: nothing is sent twice."""
    from . import jobs
    from .lib import reminders, workdays
    from .logic.validators import satudata_date
    try:
        # an empty --date (a cron line's unset variable) is no date: it sent
        # today's reminders; 20261207 was taken as a date (Python reads it),
        # 2026-02-30 was told its format was wrong
        today = satudata_date(day) if day is not None else None
    except tk.Invalid as error:
        _fail(tk.ValidationError({"date": [error.error]}))
        return
    if enqueue:
        # the date as read here (the job reads an ISO date only)
        _enqueued(tk.enqueue_job(jobs.send_reminders, [today.isoformat() if today else None],
                                 title="satudata: reminders"))
        return
    when = today or workdays.today()
    if not workdays.is_working_day(when):
        click.echo(f"{when.isoformat()} is not a working day: no reminder is sent "
                   "(they go out on the next working day).")
        return
    pending = reminders.due(today)
    with click.progressbar(  # type: ignore[var-annotated]
            length=len(pending), label="Sending reminders") as bar:
        counts = reminders.send_reminders(today, progress=bar.update, pending=pending)
    click.echo(f"Reminders: {counts['reminder']}, escalations: {counts['escalation']}, "
               f"public data requests: {counts['public_requests']}, "
               f"round stages: {counts['rounds']}, "
               f"messages: {counts['messages']}, failed: {counts['failed']}")
    if counts["failed"]:
        raise click.exceptions.Exit(1)


# -- releases and publications ----------------------------------------------------------

@satudata.command("release-due")
@click.option("--enqueue", is_flag=True, help=ENQUEUE_HELP)
@click.option("--limit", type=click.IntRange(1, 1000), default=None,
              help="The most releases to publish in one run, 1 to 1000 "
                   "(default: satudata.release.batch_size).")
def release_due(enqueue: bool, limit: int | None):
    """Publish the scheduled releases whose time has come. Meant for cron,
    every minute: ``* * * * * ckan -c /etc/ckan/ckan.ini satudata release-due``.
    A release is never published before its time."""
    if enqueue:
        from . import jobs
        _enqueued(tk.enqueue_job(jobs.release_due, [], title="satudata: scheduled releases"))
        return
    data = {"limit": limit} if limit else {}
    with notifications.portal_context():  # the steps' notes in the portal's language
        result = tk.get_action("satudata_release_run_due")(_site_context(), data)
    for request_id in result["published"]:
        click.echo(f"published {request_id}")
    for failure in result["failed"]:
        click.secho(f"failed {failure['request_id']}: {failure['error']}", fg="red", err=True)
    click.echo(f"{len(result['published'])} published, {len(result['failed'])} failed")
    if result["failed"]:
        raise click.exceptions.Exit(1)


@satudata.command("build-publication")
@click.argument("round_id")
@click.option("--enqueue", is_flag=True, help=ENQUEUE_HELP)
def build_publication(round_id: str, enqueue: bool):
    """Build the publication (PDF book and XLSX compilation) of the round
    ROUND_ID (id or name)."""
    from .lib import outbox, publication

    try:
        result = tk.get_action("satudata_publication_build")(
            _site_context(), {"round_id": round_id})
    except tk.ValidationError as e:
        _fail(e)
        return
    if enqueue:
        click.echo(f"Enqueued job {result['job_id']} (publication {result['id']})")
        return
    if result.get("job_id"):
        outbox.cancel(result["job_id"])  # built here instead
    click.echo("Building (progress: satudata_publication_show) ...")
    done = publication.build_and_attach(result["id"])
    assert done
    click.echo(f"{done['dataset_count']} datasets; dataset {done['package_id']}; "
               f"PDF sha256 {done['pdf_sha256']}; XLSX sha256 {done['xlsx_sha256']}")


# -- serving ----------------------------------------------------------------------------

@satudata.command("build-assets")
def build_assets():
    """Build the files the web processes serve, before they start: the
    JavaScript translations, every webassets bundle and its gzip copy (sent to
    browsers that accept it). Run it after every install or upgrade, before
    starting gunicorn or uWSGI (``ckan run`` builds the translations itself).
    ``scripts/web.sh`` runs it."""
    from . import middleware
    middleware.build_assets(echo=click.echo)


@satudata.command("worker")
@click.argument("queues", nargs=-1)
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--max-jobs", type=click.IntRange(min=1), default=None,
              help="Stop after this many jobs (a supervisor starts a fresh one).")
def worker(queues: tuple[str, ...], burst: bool, max_jobs: Optional[int]):
    """Run background jobs as ``ckan jobs worker`` does, each in this
    process: CKAN's worker loads CKAN's whole environment again in a fork for
    every job (seconds per e-mail). QUEUES as ``ckan jobs worker``'s
    (default: the default queue)."""
    from .jobs import Worker

    Worker(list(queues)).work(burst=burst, max_jobs=max_jobs)


# -- the outbox ----------------------------------------------------------------------------

@satudata.group("outbox")
def outbox_group():
    """The background work kept in PostgreSQL until the jobs queue has it."""


@outbox_group.command("drain")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Hand over at most this many rows.")
def outbox_drain(limit: Optional[int]):
    """Hand the outbox's pending work (e-mails, publications) to the jobs
    queue, and forget the rows done long ago (satudata.outbox.keep_days).
    Meant for cron, every minute: ``* * * * * ckan -c /etc/ckan/ckan.ini
    satudata outbox drain``. Exits with 1 when the jobs queue (Redis) could
    not be reached: the rows stay and the next run hands them over. (No
    ``--enqueue``: this command is what reaches the queue.)"""
    from .lib import outbox

    result = outbox.drain(limit)
    pruned = outbox.prune()
    click.echo(f"{result.enqueued} handed to the jobs queue, {result.left} waiting, "
               f"{pruned} old row(s) deleted")
    if result.error:
        click.secho(f"jobs queue: {result.error}", fg="red", err=True)
        raise click.exceptions.Exit(1)


@outbox_group.command("status")
def outbox_status():
    """Count the outbox's rows (pending, on the queue, done, given up) and
    list those given up after satudata.outbox.max_attempts hand-overs."""
    from .lib import outbox

    counts = outbox.status()
    click.echo(f"pending: {counts['pending']}, on the queue: {counts['enqueued']}, "
               f"done: {counts['done']}, given up: {counts['given_up']}")
    for entry in counts["stuck"]:
        click.secho(f"given up {entry['id']} {entry['title']} (created {entry['created']}, "
                    f"{entry['attempts']} attempts): {entry['error'] or 'never finished'}",
                    fg="red")
