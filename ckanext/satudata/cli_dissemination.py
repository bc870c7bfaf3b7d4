# -*- coding: utf-8 -*-
"""``ckan satudata`` commands of dissemination: publish the scheduled
releases whose time has come (for cron, every minute) and build a round's
publication. Attached to the group in :mod:`.cli`."""
from __future__ import annotations

import click

import ckan.plugins.toolkit as tk

__all__ = ["register"]


def _site_context() -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"]}


@click.command("release-due")
@click.option("--enqueue", is_flag=True,
              help="Hand the work to the jobs worker instead of running it here.")
@click.option("--limit", type=int, default=None,
              help="The most releases to publish in one run "
                   "(default: satudata.release.batch_size).")
def release_due(enqueue: bool, limit: int | None):
    """Publish the scheduled releases whose time has come. Meant for cron,
    every minute: ``* * * * * ckan -c /etc/ckan/ckan.ini satudata release-due``.
    A release is never published before its time."""
    if enqueue:
        from . import dissemination_jobs
        job = tk.enqueue_job(dissemination_jobs.release_due_job, [],
                             title="satudata: scheduled releases")
        click.echo(f"Enqueued job {job.id}")
        return
    data = {"limit": limit} if limit else {}
    result = tk.get_action("satudata_release_run_due")(_site_context(), data)
    for request_id in result["published"]:
        click.echo(f"published {request_id}")
    for failure in result["failed"]:
        click.secho(f"failed {failure['request_id']}: {failure['error']}", fg="red", err=True)
    click.echo(f"{len(result['published'])} published, {len(result['failed'])} failed")
    if result["failed"]:
        raise click.exceptions.Exit(1)


@click.command("build-publication")
@click.argument("round_id")
@click.option("--now", "inline", is_flag=True,
              help="Build here and wait, instead of in the jobs worker.")
def build_publication(round_id: str, inline: bool):
    """Build the publication (PDF book and XLSX compilation) of the round
    ROUND_ID (id or name)."""
    from . import dissemination_jobs

    try:
        result = tk.get_action("satudata_publication_build")(
            _site_context(), {"round_id": round_id})
    except tk.ValidationError as e:
        for field, messages in (e.error_dict or {}).items():
            for message in messages if isinstance(messages, list) else [messages]:
                click.secho(f"{field}: {message}", fg="red", err=True)
        raise click.exceptions.Exit(1)
    if not inline:
        click.echo(f"Enqueued job {result['job_id']} (publication {result['id']})")
        return
    if result.get("job_id"):
        tk.job_from_id(result["job_id"]).cancel()
    click.echo("Building (progress: satudata_publication_show) ...")
    done = dissemination_jobs.build_publication_job(result["id"])
    assert done
    click.echo(f"{done['dataset_count']} datasets; dataset {done['package_id']}; "
               f"PDF sha256 {done['pdf_sha256']}; XLSX sha256 {done['xlsx_sha256']}")


def register(group: click.Group) -> None:
    group.add_command(release_due)
    group.add_command(build_publication)
