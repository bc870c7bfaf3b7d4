# -*- coding: utf-8 -*-
"""The ``ckan satudata`` command group."""
from __future__ import annotations

import click

import ckan.plugins.toolkit as tk

from . import demo

__all__ = ["satudata"]


@click.group(short_help="Satu Data: demo data, roles, rounds, imports, reminders, releases")
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


@satudata.command("role-add")
@click.argument("user")
@click.argument("role")
def role_add(user: str, role: str):
    """Give USER the walidata ROLE (a role of satudata.approval_chain)."""
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


def _site_context() -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"]}


def _role_action(action: str, user: str, role: str) -> None:
    try:
        tk.get_action(action)(_site_context(), {"user": user, "role": role})
    except tk.ValidationError as e:
        for field, errors in e.error_dict.items():
            click.secho(f"{field}: {'; '.join(map(str, errors))}", fg="red", err=True)
        raise click.exceptions.Exit(2)


# the data-request workflow commands (round-create, daftar-data-import,
# send-reminders) live in their own module
from .cli_workflow import register as _register_workflow  # noqa: E402

_register_workflow(satudata)

# the dissemination commands (release-due, build-publication)
from .cli_dissemination import register as _register_dissemination  # noqa: E402

_register_dissemination(satudata)
