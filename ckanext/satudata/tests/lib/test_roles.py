# -*- coding: utf-8 -*-
"""Walidata roles: the page where walidata admins give and take them, and
the CLI."""
from __future__ import annotations

import html
import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.lib import roles
from ckanext.satudata.cli import satudata as satudata_cli


def _env(user: dict) -> dict:
    token = helpers.call_action("api_token_create", context={"user": user["name"]},
                                user=user["name"], name="t")["token"]
    return {"Authorization": token}


@pytest.mark.usefixtures("clean_db")
class TestRolesPage:
    def test_walidata_admin_gives_and_takes_a_role(self, app):
        admin = factories.User()
        factories.Organization(name="walidata",
                               users=[{"name": admin["name"], "capacity": "admin"}])
        staff = factories.User(name="pak-kabid")

        url = tk.url_for("satudata_roles.index")
        page = app.get(url, headers=_env(admin))
        assert page.status_code == 200
        # the chain and the roles by their titles, as the request pages say
        assert "Verifikator → Kepala Bidang → Kepala Dinas" in page.body
        # the user is found as typed (a full name, an e-mail address), as on
        # an OPD's member form: the exact user name alone was taken
        assert 'data-module-source="/api/2/util/user/autocomplete' in page.body

        response = app.post(url, headers=_env(admin),
                            data={"user": "pak-kabid", "role": "kabid"},
                            follow_redirects=False)
        assert response.status_code == 302
        assert roles.user_roles(staff["id"]) == {"kabid"}
        given = app.get(url, headers=_env(admin)).body
        assert "pak-kabid" in given and "<td>Kepala Bidang <code" in given

        # the only kabid keeps the role: the page says why
        refused = app.post(url, headers=_env(admin),
                           data={"user": "pak-kabid", "role": "kabid", "remove": "1"})
        assert refused.status_code == 400 and "satu-satunya" in refused.body
        assert roles.user_roles(staff["id"]) == {"kabid"}
        factories.User(name="bu-kabid")
        given = app.post(url, headers=_env(admin), data={"user": "bu-kabid", "role": "kabid"})
        # told by the role's name on the page, not its code
        assert "Peran Kepala Bidang diberikan kepada bu-kabid" in given.body
        # given again: said so ("given to", though nothing changed)
        again = app.post(url, headers=_env(admin), data={"user": "bu-kabid", "role": "kabid"})
        assert "bu-kabid sudah memegang peran Kepala Bidang" in again.body
        app.post(url, headers=_env(admin),
                 data={"user": "pak-kabid", "role": "kabid", "remove": "1"})
        assert roles.user_roles(staff["id"]) == set()

    def test_unknown_role_is_a_translated_error_and_saves_nothing(self, app):
        admin = factories.Sysadmin()
        user = factories.User()
        response = app.post(tk.url_for("satudata_roles.index"), headers=_env(admin),
                            data={"user": user["name"], "role": "bupati"})
        assert response.status_code == 400
        assert "Peran walidata tidak dikenal" in response.body
        assert roles.user_roles(user["id"]) == set()
        # an unknown user: the error names the field by its label, not its key
        response = app.post(tk.url_for("satudata_roles.index"), headers=_env(admin),
                            data={"user": "tidak-ada", "role": "kabid"})
        assert response.status_code == 400
        assert 'Tidak ada pengguna bernama "tidak-ada"' in html.unescape(response.body)
        assert "user:" not in response.body and "role:" not in response.body

    def test_producers_and_the_public_cannot_manage_roles(self, app):
        producer = factories.User()
        factories.Organization(users=[{"name": producer["name"], "capacity": "editor"}])
        url = tk.url_for("satudata_roles.index")
        # a visitor is asked to log in; a producer is refused
        assert "/user/login" in app.get(url, follow_redirects=False).headers["Location"]
        assert app.get(url, headers=_env(producer)).status_code == 403
        response = app.post(url, headers=_env(producer),
                            data={"user": producer["name"], "role": "kadis"})
        assert response.status_code == 403
        assert roles.user_roles(producer["id"]) == set()


@pytest.mark.usefixtures("clean_db")
def test_cli_gives_lists_and_removes_roles(cli):
    user = factories.User(name="bu-verifikator")

    result = cli.invoke(satudata_cli, ["role-add", "bu-verifikator", "verifikator"])
    assert result.exit_code == 0, result.output
    assert roles.user_roles(user["id"]) == {"verifikator"}
    listing = cli.invoke(satudata_cli, ["roles"])
    assert "bu-verifikator" in listing.output and "verifikator" in listing.output

    bad = cli.invoke(satudata_cli, ["role-add", "bu-verifikator", "bupati"])
    assert bad.exit_code == 1
    # a refusal is said once (a control character was refused by two checks,
    # and said twice)
    bad = cli.invoke(satudata_cli, ["role-add", "bu-veri\x01fikator", "verifikator"])
    assert bad.exit_code == 1 and bad.output.count("user:") == 1, bad.output

    # the only verifier keeps the role (the command says why and fails)
    refused = cli.invoke(satudata_cli, ["role-remove", "bu-verifikator", "verifikator"])
    assert refused.exit_code == 1 and roles.user_roles(user["id"]) == {"verifikator"}
    factories.User(name="pak-verifikator")
    cli.invoke(satudata_cli, ["role-add", "pak-verifikator", "verifikator"])
    removed = cli.invoke(satudata_cli, ["role-remove", "bu-verifikator", "verifikator"])
    assert removed.exit_code == 0, removed.output
    assert roles.user_roles(user["id"]) == set()
    # the trail names no officer for a command (it named CKAN's site user,
    # called as the site's id, as if someone of that name had done it)
    from ckan.tests import helpers
    trail = helpers.call_action("satudata_role_event_list")["results"]
    assert trail and all(e["actor_name"] is None for e in trail), trail


@pytest.mark.usefixtures("clean_db")
def test_the_walidata_administrator_check_agrees_with_ckan_in_one_query():
    """roles.is_walidata_admin decides as CKAN's permission check (an admin of
    the walidata's organization, a sysadmin, an admin of an organization
    above it), with one query of the user's memberships (CKAN's takes five
    or six: the group twice, the user twice, the membership, the hierarchy)."""
    import ckan.authz as authz
    import ckan.model as model

    from ..conftest import statements_run

    for name in ("admin", "editor", "member", "other-admin", "parent-admin", "left"):
        factories.User(name=name)
    factories.Sysadmin(name="sysadmin")
    walidata = factories.Organization(name="walidata", users=[
        {"name": "admin", "capacity": "admin"}, {"name": "editor", "capacity": "editor"},
        {"name": "member", "capacity": "member"}, {"name": "left", "capacity": "admin"}])
    factories.Organization(users=[{"name": "other-admin", "capacity": "admin"}])
    helpers.call_action("organization_member_delete", context={"user": "sysadmin"},
                        id=walidata["id"], username="left")
    expected = {"admin": True, "sysadmin": True, "editor": False, "member": False,
                "other-admin": False, "left": False, "parent-admin": False}
    for name, verdict in expected.items():
        assert roles.is_walidata_admin(name) is verdict, name
        assert authz.has_user_permission_for_group_or_org(walidata["id"], name, "admin") is verdict

    model.Session.remove()
    assert roles.is_walidata_admin("member") is False  # the organization, once per session
    with statements_run() as statements:
        assert roles.is_walidata_admin("editor") is False
    assert len(statements) == 2, statements  # the user, their memberships

    # an admin of an organization above the walidata's (CKAN's cascading roles)
    parent = factories.Organization(users=[{"name": "parent-admin", "capacity": "admin"}])
    model.Session.add(model.Member(table_name="group", group=model.Group.get(walidata["id"]),
                                   table_id=parent["id"], capacity="parent", state="active"))
    model.Session.commit()
    model.Session.remove()
    assert authz.has_user_permission_for_group_or_org(walidata["id"], "parent-admin", "admin")
    assert roles.is_walidata_admin("parent-admin") is True
    assert roles.is_walidata_admin("editor") is False
