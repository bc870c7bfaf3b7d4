# -*- coding: utf-8 -*-
"""The ``ckan satudata`` command group."""
from __future__ import annotations

import click

from . import demo

__all__ = ["satudata"]


@click.group(short_help="Satu Data: demo data, rounds, imports, reminders")
def satudata():
    """Commands of ckanext-satudata."""


@satudata.command("load-demo")
@click.option("--password", envvar="SATUDATA_DEMO_PASSWORD", default="satudata-demo",
              show_default=True, help="Password given to every demo user.")
def load_demo(password: str):
    """Create the demo walidata, OPDs and users (idempotent) and print the
    credentials."""
    for line in demo.load(password):
        click.echo(line)


# the data-request workflow commands (round-create, daftar-data-import,
# send-reminders) live in their own module
from .cli_workflow import register as _register_workflow  # noqa: E402

_register_workflow(satudata)

# the dissemination commands (release-due, build-publication)
from .cli_dissemination import register as _register_dissemination  # noqa: E402

_register_dissemination(satudata)
