# -*- coding: utf-8 -*-
"""Revisions of published data: the producer's edits are staged, the live
version stays byte-identical for the public until the revision is verified,
approved and published; the activity stream records both versions."""
from __future__ import annotations

import logging
import os

import pytest

import ckan.lib.uploader as uploader
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.satudata.lib import publishing

from ..conftest import answer_while_held
from ..factories import (
    add_csv, csrf_token, csv_upload, form_fields, login, publish, request_state, seen,
    to_ready,
)

SECRET_TITLE = "Judul Revisi Rahasia 7f3a"
SECRET_NOTES = "Catatan revisi belum disetujui 9c1e"


def _api_show(app, package_id: str) -> bytes:
    response = app.get("/api/3/action/package_show", query_string={"id": package_id})
    assert response.status_code == 200
    return response.data


def _file(resource: dict) -> bytes:
    with open(uploader.get_resource_uploader(resource).get_path(resource["id"]), "rb") as f:
        return f.read()


def _published_with_a_table(region) -> tuple[dict, str, dict]:
    """OPD A's request, its dataset id and its table, published."""
    request = region.request_of(region.opd_a)
    table = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2024,10\n")
    to_ready(region, request)
    publish(region, request)
    return request, request["package_id"], table


def test_revision_stays_invisible_until_approved_and_published(region, app):
    request, pkg_id, _table = _published_with_a_table(region)
    live = helpers.call_action("package_show", context={"user": "", "ignore_auth": False},
                               id=pkg_id)
    live_resource = live["resources"][0]
    before = _api_show(app, pkg_id)
    live_file = _file(live_resource)

    # the producer edits the published dataset: metadata, a resource, a new file
    staged = region.call("producer", "package_patch", id=pkg_id, title=SECRET_TITLE,
                         notes=SECRET_NOTES)
    assert staged["title"] == SECRET_TITLE
    region.call("producer", "resource_patch", id=live_resource["id"],
                description="Deskripsi revisi", upload=csv_upload("tahun,jumlah\n2025,12\n"))
    new_resource = region.call("producer", "resource_create", package_id=pkg_id,
                               name="Tabel 2025", upload=csv_upload("tahun,jumlah\n2025,99\n"),
                               url="tabel-2025.csv", format="CSV")

    assert _api_show(app, pkg_id) == before
    assert _file(live_resource) == live_file
    page = app.get(tk.url_for("dataset.read", id=live["name"]))
    assert SECRET_TITLE not in page.body and SECRET_NOTES not in page.body
    assert app.get(tk.url_for("dataset.read", id=live["name"]) + "/resource/"
                   + new_resource["id"], status=404)
    # what the producer edits next is the staged version
    form = region.call("producer", "package_show", id=pkg_id)
    assert form["title"] == live["title"]  # a plain read shows the live version
    revision = region.call("producer", "satudata_revision_show", id=pkg_id)
    assert {"title", "notes", "resources"} <= set(revision["changed_fields"])
    # the producers' draft until they send it: not the walidata's officers
    # (the chain read it, its new file too), nor another OPD
    for who in ("producer_b", "verifier", "kadis"):
        with pytest.raises(tk.NotAuthorized):
            region.call(who, "satudata_revision_show", id=pkg_id)
    with pytest.raises((tk.NotAuthorized, tk.ObjectNotFound)):
        region.call("verifier", "resource_show", id=new_resource["id"])

    # through verification and approval again, still invisible
    result = region.call("producer", "satudata_request_revise", id=request["id"])
    assert result["state"] == "submitted"
    revision = region.call("verifier", "satudata_revision_show", id=pkg_id)
    assert {"title", "notes", "resources"} <= set(revision["changed_fields"])
    assert region.call("verifier", "resource_show", id=new_resource["id"])["name"] \
        == "Tabel 2025"
    with pytest.raises(tk.ValidationError):
        region.call("producer", "package_patch", id=pkg_id, title="Lagi")
    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    region.call("kadis", "satudata_request_approve", id=request["id"])
    assert request_state(region, request) == "ready"
    assert _api_show(app, pkg_id) == before
    staged_file = region.call("verifier", "satudata_revision_show", id=pkg_id)[
        "data"]["resources"][0]
    assert staged_file["id"] != live_resource["id"]
    staged_path = uploader.get_resource_uploader(staged_file).get_path(staged_file["id"])
    assert os.path.isfile(staged_path)

    publish(region, request)

    after = helpers.call_action("package_show", context={"user": "", "ignore_auth": False},
                                id=pkg_id)
    assert after["title"] == SECRET_TITLE and after["notes"] == SECRET_NOTES
    assert [r["name"] for r in after["resources"]] == [live_resource["name"], "Tabel 2025"]
    assert after["resources"][0]["description"] == "Deskripsi revisi"
    assert _file(after["resources"][0]) == b"tahun,jumlah\n2025,12\n"
    assert _file(after["resources"][1]) == b"tahun,jumlah\n2025,99\n"
    # the new file took the place of the published one: the table kept its
    # id, so a link to it (its page, its download, DCAT's distribution) holds
    assert after["resources"][0]["id"] == live_resource["id"]
    assert _file(live_resource) == b"tahun,jumlah\n2025,12\n"
    page = app.get(tk.url_for("resource.read", id=live["name"],
                              resource_id=live_resource["id"]))
    assert "Deskripsi revisi" in page.body
    assert not os.path.exists(staged_path)  # no copy left behind
    activities = helpers.call_action(
        "package_activity_list", context={"user": "", "ignore_auth": False}, id=pkg_id)
    titles = [a["data"]["package"]["title"] for a in activities]
    # newest first: the applied revision, then the first publication
    assert titles[0] == SECRET_TITLE
    assert live["title"] in titles[1:]
    # no activity was written for the staged edits (they changed nothing live)
    public = [a for a in activities if not a["data"]["package"]["private"]]
    assert [a["data"]["package"]["title"] for a in public] == [SECRET_TITLE, live["title"]]


def test_revise_needs_staged_changes_and_the_producer(region):
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    publish(region, request)
    with pytest.raises(tk.ValidationError) as err:
        region.call("producer", "satudata_request_revise", id=request["id"])
    assert "revision" in err.value.error_dict
    region.call("producer", "package_patch", id=request["package_id"], title="Baru")
    for who in ("verifier", "walidata_admin"):
        with pytest.raises(tk.NotAuthorized):
            region.call(who, "satudata_request_revise", id=request["id"])
    for who in ("producer_b", "public"):  # another OPD, a citizen: as if there were none
        with pytest.raises(tk.ObjectNotFound):
            region.call(who, "satudata_request_revise", id=request["id"])
    # an incomplete staged version cannot be submitted
    region.call("producer", "package_patch", id=request["package_id"], notes="")
    with pytest.raises(tk.ValidationError) as err:
        region.call("producer", "satudata_request_revise", id=request["id"])
    assert "notes" in err.value.error_dict


def test_revise_checks_the_revision_as_an_edit_committed_while_it_waited(region):
    """An edit racing the producer's "submit the revision" committed after
    the revision was read (its copy in the session, from before the
    request's lock): the reviewers received, and the walidata published, a
    revision without its unit. Here the other edit commits on a connection
    of its own once this session holds the complete copy."""
    import json
    import sqlalchemy as sa

    request = region.request_of(region.opd_a)
    to_ready(region, request)
    publish(region, request)
    region.call("producer", "package_patch", id=request["package_id"], title="Baru")
    held = publishing.staged_for(request["package_id"])  # read before the step: complete
    incomplete = dict(held.data, unit="")
    with model.meta.engine.begin() as other:
        other.execute(sa.text("UPDATE satudata_staged_revision SET data = :data "
                              "WHERE package_id = :id"),
                      {"data": json.dumps(incomplete), "id": request["package_id"]})
    # this session still holds the complete copy
    assert publishing.staged_for(request["package_id"]) is held and held.data["unit"]
    with pytest.raises(tk.ValidationError) as err:
        region.call("producer", "satudata_request_revise", id=request["id"])
    assert "unit" in err.value.error_dict
    assert region.call("producer", "satudata_request_show",
                       id=request["id"])["state"] == "published"


def test_withdrawal_keeps_an_unreviewed_revision_out_of_sight(region, app):
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    publish(region, request)
    region.call("producer", "package_patch", id=request["package_id"], title=SECRET_TITLE)
    region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                note="Perlu diperiksa ulang")
    # the producers' work is kept, still staged: it goes live only through review
    staged = region.call("producer", "satudata_revision_show", id=request["package_id"])
    assert staged["data"]["title"] == SECRET_TITLE
    publish(region, request)  # straight from withdrawn: nothing unreviewed goes live
    live = helpers.call_action("package_show", context={"user": "", "ignore_auth": False},
                               id=request["package_id"])
    assert live["title"] != SECRET_TITLE


def test_an_approved_revision_withdrawn_before_its_release_is_what_goes_back_out(region):
    """A scheduled revision withdrawn, then published again: the version
    before it went out, and the approved revision stayed staged as if
    nobody had approved it. An edit after the withdrawal voids it; a save
    that changed nothing (the form saved as it opened) does not."""
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    publish(region, request)
    for approved in (True, False):
        title = f"{SECRET_TITLE} {approved}"
        region.call("producer", "package_patch", id=request["package_id"], title=title)
        region.call("producer", "satudata_request_revise", id=request["id"])
        region.call("verifier", "satudata_request_verify", id=request["id"])
        region.call("kabid", "satudata_request_approve", id=request["id"])
        region.call("kadis", "satudata_request_approve", id=request["id"])
        region.call("walidata_admin", "satudata_request_schedule", id=request["id"],
                    release_at="2099-01-05 09:00")
        region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                    version=seen(request["id"]), note="Perlu dicek")
        # the producers save it again as it is, or change it
        region.call("producer", "package_patch", id=request["package_id"],
                    title=title if approved else title + " diubah")
        publish(region, request)
        live = helpers.call_action("package_show", context={"user": "", "ignore_auth": False},
                                   id=request["package_id"])
        if approved:
            assert live["title"] == title
            # nothing left staged
            assert region.call("producer", "satudata_revision_show",
                               id=request["package_id"]) is None
        else:  # the last approved version: the one before
            assert live["title"] == f"{SECRET_TITLE} True"


@pytest.fixture
def ckan_errors():
    """The errors CKAN's actions log (their logger is off in the tests)."""
    errors: list[logging.LogRecord] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = errors.append  # type: ignore[method-assign]
    logger = logging.getLogger("ckan.logic")
    was_disabled, logger.disabled = logger.disabled, False
    logger.addHandler(handler)
    yield errors
    logger.removeHandler(handler)
    logger.disabled = was_disabled


def test_the_reviewers_of_a_revision_read_its_whole_new_table(region, app):
    """A revision's new file (a new period's alike) has no DataStore table,
    preview or chart until it is published: its reviewers read its first
    ten rows and had to download it to read the rest."""
    request, pkg_id, live_resource = _published_with_a_table(region)
    rows = "".join(f"{2000 + n},{n}\n" for n in range(150))
    region.call("producer", "resource_patch", id=live_resource["id"],
                upload=csv_upload("tahun,jumlah\n" + rows))
    # a table uploaded without a name is named after its file (it was listed by
    # its id or its whole address, its chart headed "Grafik: ")
    unnamed = region.call("producer", "resource_create", package_id=pkg_id, name="",
                          upload=csv_upload("tahun,jumlah\n2025,1\n", "puskesmas-2025.csv"),
                          url="puskesmas-2025.csv", format="CSV")
    assert unnamed["name"] == "puskesmas-2025.csv"
    region.call("producer", "resource_delete", id=unnamed["id"])
    region.call("producer", "satudata_request_revise", id=request["id"])
    staged, = region.call("producer", "satudata_revision_show", id=pkg_id)["data"]["resources"]
    verifier = login(app, region.users["verifier"]["name"])
    page = verifier.get(f"/permintaan-data/{request['id']}").body
    whole = f"/dataset/{region.call('producer', 'package_show', id=pkg_id)['name']}" \
        f"/revisi/tabel/{staged['id']}"
    assert f'href="{whole}"' in page
    first = verifier.get(whole).body
    assert "<td>2099</td>" in first and "<td>2100</td>" not in first
    assert f'href="{whole}?page=2"' in first
    second = verifier.get(whole, query_string={"page": 2}).body
    assert "<td>2100</td>" in second and "<td>2149</td>" in second and "page=3" not in second
    # nobody else reads it
    for client in (app, login(app, region.users["producer_b"]["name"])):
        assert client.get(whole, follow_redirects=False).status_code in (302, 403, 404)


def test_a_live_table_the_revision_removes_says_so_when_changed(region):
    """A published table staged for removal answered "not found" to its
    producer's edits, while its page (the published version) still showed it."""
    request, pkg_id, live_resource = _published_with_a_table(region)
    region.call("producer", "resource_create", package_id=pkg_id, name="Tabel baru",
                upload=csv_upload("tahun,jumlah\n2025,12\n"), url="baru.csv", format="CSV")
    region.call("producer", "resource_delete", id=live_resource["id"])
    for action, extra in (("resource_patch", {"description": "x"}), ("resource_delete", {})):
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", action, id=live_resource["id"], **extra)
        assert "discard the revision" in err.value.error_dict["id"][0], action
    with pytest.raises(tk.ObjectNotFound):  # a table that is none
        region.call("producer", "resource_patch", id="bukan-tabel", description="x")


def test_a_staged_table_is_corrected_and_removed_like_a_live_one(region, app, ckan_errors):
    """A table the revision adds, or a file it replaces, is kept under a new
    resource id until the revision is published: the producer still opens,
    corrects and removes it (through the API and its forms) before the
    revision goes to review, and a second change of the live table changes
    the staged one, never nothing."""
    request, pkg_id, live_resource = _published_with_a_table(region)

    def staged() -> dict:
        return region.call("producer", "satudata_revision_show", id=pkg_id)["data"]

    # a replaced file: its staged table has a new id
    region.call("producer", "resource_patch", id=live_resource["id"],
                upload=csv_upload("tahun,jumlah\n2025,12\n"))
    [replaced] = staged()["resources"]
    assert replaced["id"] != live_resource["id"]
    # with the new file's size (published without one: no byteSize in DCAT)
    assert replaced["size"] == len("tahun,jumlah\n2025,12\n")
    # changed again through the live table's id (its edit form): the staged one changes
    region.call("producer", "resource_patch", id=live_resource["id"],
                description="Tabel diperbaiki")
    assert [r["description"] for r in staged()["resources"]] == ["Tabel diperbaiki"]
    # and through the staged table's own id
    shown = region.call("producer", "resource_show", id=replaced["id"])
    assert shown["package_id"] == pkg_id
    region.call("producer", "resource_patch", id=replaced["id"], name="Tabel 2025")
    assert [r["name"] for r in staged()["resources"]] == ["Tabel 2025"]

    added = region.call("producer", "resource_create", package_id=pkg_id,
                        name="Tabel tambahan", upload=csv_upload("tahun,jumlah\n2025,9\n"),
                        url="tambahan.csv", format="CSV")
    assert added["size"] == len("tahun,jumlah\n2025,9\n")
    region.call("producer", "resource_patch", id=added["id"], description="Salah unggah")
    assert staged()["resources"][-1]["description"] == "Salah unggah"
    # the revision's page names the replaced file as changed, the new one as added,
    # each with a link to its edit form; the form saves into the revision
    client = login(app, "produsen-a")
    page = client.get(f"/dataset/{pkg_id}/revisi").body
    assert page.count('class="satudata-file-changed"') == 1 and "satudata-file-removed" not in page
    # what changed in it, beside what is published (it said "changed" only)
    row = page.split('class="satudata-file-changed"')[1].split("</tr>")[0]
    assert "Tabel 2025" in row and "Tabel diperbaiki" in row
    assert row.count("/download/") == 2  # the published file and the new one
    assert f"/resource/{added['id']}/edit" in page and f"/resource/{replaced['id']}/edit" in page
    form = client.get(f"/dataset/{pkg_id}/resource/{added['id']}/edit")
    assert form.status_code == 200 and "Tabel tambahan" in form.body
    # no tab of a DataStore table the staged file does not have yet (a 403)
    assert f"/resource_data/{added['id']}" not in form.body
    client.get(f"/dataset/{pkg_id}/resource_data/{added['id']}", status=403)
    live_form = client.get(f"/dataset/{pkg_id}/resource/{live_resource['id']}/edit")
    assert f"/resource_data/{replaced['id']}" not in live_form.body
    saved = client.post(f"/dataset/{pkg_id}/resource/{added['id']}/edit", data={
        "_csrf_token": csrf_token(form.body), "id": added["id"], "name": "Tabel tambahan",
        "description": "Diperbaiki lewat formulir", "url": "tambahan.csv", "format": "CSV",
        "save": ""}, follow_redirects=True)
    assert saved.status_code == 200 and "revisi" in saved.body.lower()
    # its page (and its views') is the table's own: the whole file (the
    # revision's page was a dead end), why it is not public, the way on
    views = client.get(f"/dataset/{pkg_id}/resource/{added['id']}/views", follow_redirects=True)
    assert views.status_code == 200 and "/revisi\"" in views.body  # (now a link)
    table = client.get(f"/dataset/{pkg_id}/resource/{replaced['id']}", follow_redirects=True)
    assert "satudata-staged-table" in table.body and "<td>12</td>" in table.body
    assert "/revisi\"" in table.body
    assert staged()["resources"][-1]["description"] == "Diperbaiki lewat formulir"
    # nobody else opens it
    # (a visitor is asked to log in first, as on any edit page)
    assert app.get(f"/dataset/{pkg_id}/resource/{added['id']}/edit",
                   follow_redirects=False).status_code in (302, 403, 404)
    assert login(app, "produsen-b").get(
        f"/dataset/{pkg_id}/resource/{added['id']}/edit").status_code in (403, 404)
    assert app.get(f"/dataset/{pkg_id}/resource/{added['id']}").status_code == 404
    with pytest.raises(tk.ObjectNotFound):
        region.call("anonymous", "resource_show", id=added["id"])
    with pytest.raises((tk.ObjectNotFound, tk.NotAuthorized)):
        region.call("producer_b", "resource_show", id=added["id"])

    region.call("producer", "resource_delete", id=added["id"])
    assert [r["name"] for r in staged()["resources"]] == ["Tabel 2025"]
    live = region.call("anonymous", "package_show", id=pkg_id)
    assert [r["id"] for r in live["resources"]] == [live_resource["id"]]
    # reading the replaced table to change it is no error in CKAN's log
    assert not [r.getMessage() for r in ckan_errors]


def test_a_staged_table_is_its_own_producers_whatever_another_revision_claims(region):
    published = {}
    for opd, producer in ((region.opd_a, "producer"), (region.opd_b, "producer_b")):
        request = region.request_of(opd)
        add_csv(region, producer, request["package_id"], "tahun,jumlah\n2024,10\n")
        to_ready(region, request)
        publish(region, request)
        published[producer] = request["package_id"]
    # OPD B stages a new table; OPD A's producer names it in its own revision
    b_table = region.call("producer_b", "resource_create",
                          package_id=published["producer_b"], name="Tabel B 2025",
                          url="b.csv", upload=csv_upload("tahun,jumlah\n2025,7\n", "b.csv"))
    a_table = region.call("producer", "resource_create", package_id=published["producer"],
                          name="Tabel A 2025", url="a.csv", satudata_replaces=b_table["id"],
                          upload=csv_upload("tahun,jumlah\n2025,8\n", "a.csv"))
    assert "satudata_replaces" not in a_table
    region.call("producer", "resource_patch", id=a_table["id"],
                satudata_replaces=b_table["id"], description="Tabel A")
    # or gives a table of its own revision that id: the table gets its own
    twin = region.call("producer", "resource_create", package_id=published["producer"],
                       id=b_table["id"], name="Tabel A kembar", url="https://example.org/a")
    assert twin["name"] == "Tabel A kembar" and twin["id"] != b_table["id"]
    # OPD B keeps reading and correcting its own table (its revision last written)
    region.call("producer_b", "resource_patch", id=b_table["id"], description="Tabel B")
    shown = region.call("producer_b", "resource_show", id=b_table["id"])
    assert (shown["name"], shown["description"]) == ("Tabel B 2025", "Tabel B")
    region.call("producer_b", "resource_patch", id=b_table["id"], name="Tabel B revisi")
    assert region.call("producer_b", "resource_show", id=b_table["id"])["name"] == \
        "Tabel B revisi"
    # and OPD A neither reads nor changes it
    with pytest.raises((tk.NotAuthorized, tk.ObjectNotFound)):
        region.call("producer", "resource_show", id=b_table["id"])
    with pytest.raises((tk.NotAuthorized, tk.ObjectNotFound)):
        region.call("producer", "resource_patch", id=b_table["id"], name="Diambil A")
    a_shown = region.call("producer", "resource_show", id=a_table["id"])
    assert a_shown["name"] == "Tabel A 2025" and "satudata_replaces" not in a_shown


def test_a_table_of_a_dataset_not_yet_published_takes_no_portal_keys(region):
    """A producer's table claimed DataStore rows it had not, a replaced table
    and a period: only the portal writes those."""
    request = region.request_of(region.opd_a)
    theirs = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2024,1\n")
    table = region.call("producer", "resource_create", package_id=request["package_id"],
                        name="Tabel", url="https://example.org/t.csv", format="CSV",
                        satudata_replaces=theirs["id"], datastore_active=True,
                        satudata_round=region.round["id"], period="2025")
    shown = region.call("producer", "resource_show", id=table["id"])
    assert shown["period"] == "2025"
    for key in ("satudata_replaces", "satudata_round"):
        assert key not in shown, key
    assert not shown.get("datastore_active")
    patched = region.call("producer", "resource_patch", id=table["id"], datastore_active=True,
                          satudata_round=region.round["id"])
    assert not patched.get("datastore_active") and "satudata_round" not in patched


def test_the_producer_discards_a_staged_revision_and_keeps_the_published_one(region, app):
    request, pkg_id, live_table = _published_with_a_table(region)
    live = region.call("producer", "package_show", id=pkg_id)
    before = _api_show(app, pkg_id)

    # a title changed, the live table removed, a new table added: all staged
    region.call("producer", "package_patch", id=pkg_id, title=SECRET_TITLE)
    region.call("producer", "resource_delete", id=live_table["id"])
    region.call("producer", "resource_create", package_id=pkg_id, name="Tabel 2025",
                upload=csv_upload("tahun,jumlah\n2025,99\n"), url="t.csv", format="CSV")
    for who in ("producer_b", "verifier", "walidata_admin", "public"):
        with pytest.raises(tk.NotAuthorized):
            region.call(who, "satudata_revision_discard", id=pkg_id)

    # sent for review: the revision is the reviewers' now, returned too
    region.call("producer", "satudata_request_revise", id=request["id"])
    region.call("verifier", "satudata_request_return", id=request["id"],
                note="Tabel 2024 jangan dihapus")
    with pytest.raises(tk.ValidationError) as err:
        region.call("producer", "satudata_revision_discard", id=pkg_id)
    assert "walidata" in err.value.error_dict["id"][0]
    assert region.call("producer", "satudata_revision_show", id=pkg_id)["data"]["title"] \
        == SECRET_TITLE
    region.call("walidata_admin", "satudata_request_cancel_revision", id=request["id"],
                note="Revisi dibatalkan")

    assert region.call("producer", "satudata_revision_discard", id=pkg_id) == {"id": pkg_id,
                                                                           "withdrawn": False}
    assert region.call("producer", "satudata_revision_show", id=pkg_id) is None
    # the edit form reads the published version again, the removed table included
    editing = dict(region.ctx("producer"), for_edit=True)
    form = helpers.call_action("package_show", context=dict(editing), id=pkg_id)
    assert form["title"] == live["title"]
    assert [r["id"] for r in form["resources"]] == [live_table["id"]]
    assert helpers.call_action("resource_show", context=dict(editing),
                               id=live_table["id"])["id"] == live_table["id"]
    assert _api_show(app, pkg_id) == before
    with pytest.raises(tk.ValidationError) as err:
        region.call("producer", "satudata_revision_discard", id=pkg_id)
    assert list(err.value.error_dict) == ["id"]
    # the producer can revise again from the published version
    region.call("producer", "package_patch", id=pkg_id, notes="Catatan baru")
    assert region.call("producer", "satudata_revision_show", id=pkg_id)["data"]["resources"][0][
        "id"] == live_table["id"]


def test_the_producer_discards_a_revision_left_when_the_data_was_archived(region, app):
    """Archived with unsent changes staged: the producers could neither send
    them (archived data does not change) nor discard them ("only the
    producers of this dataset"), and the dataset said "changes staged" for
    good."""
    request, pkg_id, live_table = _published_with_a_table(region)
    region.call("producer", "package_patch", id=pkg_id, title=SECRET_TITLE)
    region.call("walidata_admin", "satudata_request_archive", id=request["id"])
    with pytest.raises(tk.ValidationError):
        region.call("producer", "satudata_request_revise", id=request["id"])
    for who in ("producer_b", "verifier", "public"):
        with pytest.raises(tk.NotAuthorized):
            region.call(who, "satudata_revision_discard", id=pkg_id)
    assert region.call("producer", "satudata_revision_discard", id=pkg_id) == {"id": pkg_id,
                                                                           "withdrawn": False}
    assert region.call("producer", "satudata_revision_show", id=pkg_id) is None
    assert helpers.call_action("package_show", id=pkg_id)["title"] != SECRET_TITLE


def test_a_metadata_workbook_imported_into_a_revision_keeps_its_tables_and_edits(region):
    """The workbook was merged into the live version and staged over the
    revision: a table the producer had uploaded into it was gone without a
    word, one they had removed came back, and their other edits were undone."""
    import base64
    import io

    import openpyxl

    from ckanext.satudata.lib import metadata_workbook

    request, pkg_id, live_table = _published_with_a_table(region)
    region.call("producer", "package_patch", id=pkg_id, title=SECRET_TITLE)
    region.call("producer", "resource_create", package_id=pkg_id, name="Tabel 2025",
                upload=csv_upload("tahun,jumlah\n2025,99\n"), url="t.csv", format="CSV")
    region.call("producer", "resource_delete", id=live_table["id"])
    template = region.call("producer", "satudata_metadata_template", id=pkg_id)
    wb = openpyxl.load_workbook(io.BytesIO(base64.b64decode(template["content"])))
    sheet = wb[metadata_workbook.METADATA_SHEET]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "notes")
    sheet.cell(row=row, column=metadata_workbook.VALUE_COL, value="Catatan dari berkas")
    filled = io.BytesIO()
    wb.save(filled)
    filled.seek(0)
    region.call("producer", "satudata_metadata_import", id=pkg_id, upload=filled)
    staged = region.call("producer", "satudata_revision_show", id=pkg_id)["data"]
    assert [r["name"] for r in staged["resources"]] == ["Tabel 2025"]
    assert (staged["title"], staged["notes"]) == (SECRET_TITLE, "Catatan dari berkas")


def test_a_new_table_of_a_revision_claims_no_live_table_nor_period(region):
    """A client's new table said it replaced the live one (and belonged to
    another round): the producer was told "this revision brings a new file
    for this table", the reviewers "file changed", and the publication
    added a table beside the one it claimed to replace."""
    request, pkg_id, live_table = _published_with_a_table(region)
    added = region.call("producer", "resource_create", package_id=pkg_id, name="Tabel baru",
                        upload=csv_upload("tahun,jumlah\n2025,99\n"), url="t.csv",
                        format="CSV", satudata_replaces=live_table["id"],
                        satudata_round="another-round", datastore_active=True)
    staged = region.call("producer", "satudata_revision_show", id=pkg_id)["data"]
    new = next(r for r in staged["resources"] if r["id"] == added["id"])
    assert not {"satudata_replaces", "satudata_round", "datastore_active"} & {
        k for k, v in new.items() if v}
    # nor through the whole dataset sent back with the claim
    staged["resources"][-1]["satudata_replaces"] = live_table["id"]
    region.call("producer", "package_update", **staged)
    again = region.call("producer", "satudata_revision_show", id=pkg_id)["data"]
    assert [r.get("satudata_replaces") for r in again["resources"]] == [None, None]


def test_a_revision_keeps_the_address_of_the_published_data(region, app):
    """A revision renamed the dataset: reviewed and published, its old
    address (linked from the national portal) answered 404."""
    request, pkg_id, _ = _published_with_a_table(region)
    name = helpers.call_action("package_show", id=pkg_id)["name"]
    with pytest.raises(tk.ValidationError) as refused:
        region.call("producer", "package_patch", id=pkg_id, name="alamat-baru",
                    notes="Catatan baru")
    assert list(refused.value.error_dict) == ["name"]
    assert region.call("producer", "satudata_revision_show", id=pkg_id) is None
    region.call("producer", "package_patch", id=pkg_id, name=name, notes="Catatan baru")
    assert app.get(f"/dataset/{name}").status_code == 200


def test_a_revision_never_deletes_or_retypes_the_published_dataset(region, app):
    """A producer patched ``state: deleted`` into the revision of published
    data; reviewers saw no change, and its publication deleted the data."""
    request, pkg_id, _table = _published_with_a_table(region)
    draft = region.request_of(region.opd_b)
    for package_id in (pkg_id, draft["package_id"]):  # published, and still a draft
        for change in ({"state": "deleted"}, {"state": "draft"}, {"type": "harvest"}):
            with pytest.raises(tk.ValidationError) as err:
                region.call("producer" if package_id == pkg_id else "producer_b",
                            "package_patch", id=package_id, **change)
            assert list(err.value.error_dict) == list(change)
    # a revision staged otherwise is published as an active dataset of its type
    region.call("producer", "package_patch", id=pkg_id, notes="Catatan baru")
    staged = publishing.staged_for(pkg_id)
    staged.data = dict(staged.data, state="deleted")  # as an older version stored it
    model.Session.commit()
    region.call("producer", "satudata_request_revise", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    region.call("kadis", "satudata_request_approve", id=request["id"])
    publish(region, request)
    shown = region.call("anonymous", "package_show", id=pkg_id)
    assert (shown["state"], shown["type"], shown["notes"]) == ("active", "dataset",
                                                               "Catatan baru")
    assert app.get(f"/dataset/{pkg_id}").status_code == 200


def test_a_revision_of_hostile_shape_is_refused_or_cleaned_never_a_crash(region):
    """Ids and replaced tables that are not texts, tables that are not
    objects: a clear error or nothing of it kept (they answered 500)."""
    request = region.request_of(region.opd_a)
    pkg_id = request["package_id"]
    add_csv(region, "producer", pkg_id, "tahun,jumlah\n2024,10\n")
    draft = region.call("producer", "package_show", id=pkg_id)
    with pytest.raises(tk.ValidationError):  # unpublished data too
        region.call("producer", "package_update", **dict(draft, resources=[
            dict(draft["resources"][0], url=5)]))
    to_ready(region, request)
    publish(region, request)
    published = region.call("producer", "package_show", id=pkg_id)
    table = published["resources"][0]

    def whole(**changes):
        """The dataset sent whole, as read from its staged changes (a whole
        published version sent back over them is refused as such)."""
        staged = region.call("producer", "satudata_revision_show", id=pkg_id)["data"]
        return dict(published, metadata_modified=staged["metadata_modified"], **changes)

    for hostile in (["x"], {"a": 1}, 5, True):
        region.call("producer", "resource_create", package_id=pkg_id, name="Tabel",
                    url="http://example.com/t.csv", format="CSV", satudata_replaces=hostile)
        region.call("producer", "package_update", **whole(resources=[
            dict(table, satudata_replaces=hostile)]))
        # what CKAN reads before it validates (its uploader, the bigint of a size)
        for field in ("id", "url", "name", "format", "description"):
            for action, data in (
                    ("package_update", whole(resources=[dict(table, **{field: hostile})])),
                    ("package_revise", {"match": {"id": pkg_id},
                                        "update__resources__0": {field: hostile}})):
                with pytest.raises(tk.ValidationError) as err:
                    region.call("producer", action, **data)
                assert list(err.value.error_dict["resources"][0]) == [field]
    with pytest.raises(tk.ValidationError) as err:
        region.call("producer", "package_patch", id=pkg_id,
                    resources=[dict(table, size=10**20)])
    assert list(err.value.error_dict["resources"][0]) == ["size"]
    for resources in (["abc"], [5], "abc", {"a": 1}):
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "package_update", **whole(resources=resources))
        assert "resources" in err.value.error_dict
    staged = region.call("producer", "satudata_revision_show", id=pkg_id)["data"]["resources"]
    assert [r["id"] for r in staged] == [table["id"]]
    assert staged[0].get("satudata_replaces") is None


def test_a_revision_stored_with_hostile_values_still_opens_for_review(region, app):
    """A revision an earlier version stored with a list as the table it
    replaces (and a table that is not an object) made the request page
    answer 500 to the producer and to every reviewer."""
    from ckanext.satudata.lib import publishing

    request, pkg_id, table = _published_with_a_table(region)
    region.call("producer", "package_patch", id=pkg_id, notes="Catatan revisi")
    region.call("producer", "satudata_request_revise", id=request["id"])
    staged = publishing.staged_for(pkg_id)
    staged.data = dict(staged.data, resources=[
        dict(staged.data["resources"][0], satudata_replaces=[table["id"]]),
        dict(staged.data["resources"][0], id="tambahan", satudata_replaces={"a": 1}),
        "bukan tabel"])
    model.Session.commit()

    for who in ("verifier", "producer"):
        page = login(app, region.users[who]["name"]).get(
            f"/permintaan-data/{request['id']}")
        assert page.status_code == 200, who
        assert "Catatan revisi" in page.body


def test_a_form_edit_of_published_data_keeps_its_tables(region, app):
    """The dataset form sends no tables (CKAN keeps them: a partial
    update): a revision saved from it removed every table, the staged new
    file included, and could not be sent for review."""
    from ckanext.satudata.lib import publishing

    request, pkg_id, table = _published_with_a_table(region)
    client = login(app, region.users["producer"]["name"])
    name = region.call("producer", "package_show", id=pkg_id)["name"]

    def save_form(notes: str) -> None:
        edit = tk.url_for("dataset.edit", id=name)
        form = form_fields(client.get(edit).body)
        form.update(notes=notes, save="")
        response = client.post(edit, data=form, follow_redirects=False)
        assert response.status_code == 302, response.body[-2000:]

    save_form("Deskripsi baru")
    staged = publishing.staged_for(pkg_id).data
    assert staged["notes"] == "Deskripsi baru"
    assert [r["id"] for r in staged["resources"]] == [table["id"]]

    # a new file for the table, then the form again: the new file stays staged
    region.call("producer", "resource_update", id=table["id"], name=table["name"],
                upload=csv_upload("tahun,jumlah\n2024,11\n"), url="tabel.csv")
    new_file = publishing.staged_for(pkg_id).data["resources"][0]
    assert new_file["id"] != table["id"]
    save_form("Deskripsi lagi")
    staged = publishing.staged_for(pkg_id).data
    assert staged["notes"] == "Deskripsi lagi"
    assert [(r["id"], r.get(publishing.REPLACES_KEY)) for r in staged["resources"]] == [
        (new_file["id"], table["id"])]
    region.call("producer", "satudata_request_revise", id=request["id"])
    assert request_state(region, request) == "submitted"


def test_a_revision_of_withdrawn_data_is_cancelled_not_withdrawn(region):
    """Withdrawing is for data on the portal: a revision of withdrawn data
    was "withdrawn" again, which ended the producer's review and told them
    their data had been taken off the portal. It is cancelled instead; a
    revision of published data can still be withdrawn (the data is live)."""
    request = region.request_of(region.opd_a)
    add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2024,1\n")
    to_ready(region, request)
    publish(region, request)
    region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                note="Salah angka")
    region.call("producer", "package_patch", id=request["package_id"], notes="Diperbaiki")
    # revising withdrawn data undoes the withdrawal's end of the review: the
    # producer sends the version they saw (a second "revise" click sent
    # before a withdrawal put the withdrawn data back into review)
    with pytest.raises(tk.ValidationError) as unseen:
        region.call("producer", "satudata_request_revise", id=request["id"])
    assert "version" in unseen.value.error_dict
    seen = region.call("producer", "satudata_request_show", id=request["id"])
    region.call("producer", "satudata_request_revise", id=request["id"],
                version=seen["version"])
    shown = region.call("walidata_admin", "satudata_request_show", id=request["id"])
    assert "withdraw" not in shown["allowed_transitions"]
    with pytest.raises(tk.ValidationError):
        region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                    note="Tarik lagi")
    assert request_state(region, request) == "submitted"
    region.call("walidata_admin", "satudata_request_cancel", id=request["id"], note="Batal")
    assert request_state(region, request) == "withdrawn"


def test_the_producers_hear_what_a_publication_brings(region, smtp, run_jobs):
    """A revision (or withdrawn data back) was announced as a first
    publication; then a revision as withdrawn data back ("in its last
    approved version"): each e-mail says what it brings."""
    request, pkg_id, _table = _published_with_a_table(region)
    run_jobs()
    first = [m for m in smtp.take() if "produsen-a@example.org" in m["to"]
             and "Data dipublikasikan" in m["subject"]]
    assert len(first) == 1 and "kini dipublikasikan di portal" in " ".join(
        first[0]["body"].split())
    region.call("producer", "package_patch", id=pkg_id, notes="Catatan direvisi")
    region.call("producer", "satudata_request_revise", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    region.call("kadis", "satudata_request_approve", id=request["id"])
    publish(region, request)
    run_jobs()
    # a revision is told as one (it read as withdrawn data back)
    revised = [m for m in smtp.take() if "produsen-a@example.org" in m["to"]
               and "Revisi dipublikasikan" in m["subject"]]
    assert len(revised) == 1
    assert "menggantikan versi sebelumnya" in " ".join(revised[0]["body"].split())
    region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                note="Salah unggah", version=seen(request["id"]))
    publish(region, request)
    run_jobs()
    again = [m for m in smtp.take() if "produsen-a@example.org" in m["to"]
             and "Data dipublikasikan" in m["subject"]]
    assert len(again) == 1
    assert "kembali dipublikasikan di portal, dalam versi terakhir yang disetujui" \
        in " ".join(again[0]["body"].split())


def test_the_edit_address_of_a_revision_in_review_tells_nobody_else(region, app):
    """The edit address of a published dataset whose revision is in review
    sent a visitor, a citizen or another OPD to its page with "it is being
    reviewed; it can be changed again later" (where one without a revision
    answered 403): that a revision exists, and that they might edit it."""
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    publish(region, request)
    name = region.call("producer", "package_show", id=request["package_id"])["name"]
    region.call("producer", "package_patch", id=request["package_id"], notes="Catatan baru")
    region.call("producer", "satudata_request_revise", id=request["id"])
    edit = tk.url_for("dataset.edit", id=name)
    for who in (app, login(app, "produsen-b")):
        answer = who.get(edit, follow_redirects=False)
        assert answer.status_code != 302 or "/user/login" in answer.headers["Location"], \
            answer.headers.get("Location")
    own = login(app, "produsen-a").get(edit, follow_redirects=False)
    assert own.status_code == 302 and own.headers["Location"].endswith(
        tk.url_for("dataset.read", id=name))


def test_the_metadata_workbook_of_a_revision_holds_the_revision(region):
    """The workbook its producers download to change a published dataset
    held the live metadata: filled in and imported again, it threw away
    the revision's changes prepared since."""
    import base64
    import io

    import openpyxl

    from ckanext.satudata.lib import metadata_workbook

    request = region.request_of(region.opd_a)
    to_ready(region, request)
    publish(region, request)
    region.call("producer", "package_patch", id=request["package_id"], notes=SECRET_NOTES)

    def notes_in(who: str) -> str:
        content = region.call(who, "satudata_metadata_template", id=request["package_id"])
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(content["content"])))[
            metadata_workbook.METADATA_SHEET]
        row = next(r for r in range(2, sheet.max_row + 1)
                   if sheet.cell(row=r, column=1).value == "notes")
        return str(sheet.cell(row=row, column=metadata_workbook.VALUE_COL).value or "")

    assert notes_in("producer") == SECRET_NOTES


def test_the_edit_form_of_a_revision_shows_its_tags(region, app):
    """A published dataset's edit form showed the live dataset's tags, not
    its revision's: the next save of the form removed the revision's."""
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    publish(region, request)
    region.call("producer", "package_patch", id=request["package_id"],
                tag_string="delta,epsilon")
    name = region.call("producer", "package_show", id=request["package_id"])["name"]
    form = form_fields(login(app, "produsen-a").get(tk.url_for("dataset.edit", id=name)).body)
    assert {t.strip() for t in form["tag_string"].split(",")} == {"delta", "epsilon"}


def test_an_edit_waiting_for_a_discard_does_not_bring_the_discarded_changes_back(
        region, app):
    """A producer's patch that had read the staged revision before another
    tab discarded it wrote the discarded changes back with its own (a
    revision thrown away could then be sent for review and published)."""
    request, pkg_id, _table = _published_with_a_table(region)
    producer = region.users["producer"]["name"]
    region.call("producer", "package_patch", id=pkg_id, notes="Catatan yang dibuang")
    helpers.call_action("satudata_revision_discard", context={
        "user": producer, "defer_commit": True}, id=pkg_id)
    outcome = answer_while_held(lambda: helpers.call_action("package_patch", context={
        "user": producer, "ignore_auth": False}, id=pkg_id, title="Judul Baru"), app)
    assert not isinstance(outcome, Exception), outcome
    staged = region.call("producer", "satudata_revision_show", id=pkg_id)["data"]
    live = helpers.call_action("package_show", id=pkg_id)
    assert staged["title"] == "Judul Baru"
    assert staged["notes"] == live["notes"] != "Catatan yang dibuang"


def test_two_first_edits_of_a_published_dataset_make_one_revision(region, app):
    """The first edit of a published dataset adds its revision: a second
    one at the same moment added one too (HTTP 500, a duplicate key)."""
    request, pkg_id, _table = _published_with_a_table(region)
    producer = region.users["producer"]["name"]
    live = helpers.call_action("package_show", id=pkg_id)
    helpers.call_action("package_patch", context={
        "user": producer, "defer_commit": True}, id=pkg_id, notes="Catatan pertama")
    # the whole dataset as the second tab's page had it
    outcome = answer_while_held(lambda: helpers.call_action("package_update", context={
        "user": producer, "ignore_auth": False}, **dict(live, title="Judul Kedua")), app)
    # one revision, the first edit's: the second tab's whole dataset, read
    # from the published version, is refused (it replaced the first edit
    # unseen), not a duplicate key
    assert isinstance(outcome, tk.ValidationError), outcome
    assert list(outcome.error_dict) == ["revision"]
    staged = region.call("producer", "satudata_revision_show", id=pkg_id)["data"]
    assert (staged["notes"], staged["title"]) == ("Catatan pertama", live["title"])


def test_a_whole_dataset_not_read_from_the_staged_changes_does_not_replace_them(region):
    """The published version sent back with its read time left out, or
    written with a "Z" as clients re-serialise it, replaced the staged
    changes unseen (notes, unit, a staged table: gone, answered 200). The
    staged version sent back as read still saves, and a second editor's
    whole dataset read before the first one's change is refused."""
    request, pkg_id, _table = _published_with_a_table(region)
    region.call("producer", "package_patch", id=pkg_id, notes="Catatan bertahap")
    live = helpers.call_action("package_show", id=pkg_id)
    stamp = live["metadata_modified"]
    without = {key: value for key, value in live.items() if key != "metadata_modified"}
    # (without its tables too: it emptied the revision's tables)
    tableless = {key: value for key, value in live.items() if key != "resources"}
    for sent in (without, dict(live, metadata_modified=stamp + "Z"), tableless):
        with pytest.raises(tk.ValidationError) as refused:
            region.call("producer", "package_update", **dict(sent, title="Judul Lain"))
        assert list(refused.value.error_dict) == ["revision"], sent.get("metadata_modified")
    staged = region.call("producer", "satudata_revision_show", id=pkg_id)["data"]
    assert staged["notes"] == "Catatan bertahap" and staged["title"] != "Judul Lain"
    # the staged version, read as it is, sent back whole: saved
    read = region.call("producer", "satudata_revision_show", id=pkg_id)["data"]
    region.call("producer", "package_update",
                **dict(read, metadata_modified=read["metadata_modified"] + "Z",
                       title="Judul Baru"))
    assert region.call("producer", "satudata_revision_show",
                       id=pkg_id)["data"]["title"] == "Judul Baru"
    # the same read again, after that change: another editor's, refused
    with pytest.raises(tk.ValidationError) as stale:
        region.call("producer", "package_update", **dict(read, title="Judul Ketiga"))
    assert list(stale.value.error_dict) == ["revision"]

def test_a_revise_of_ckan_takes_the_datasets_locks_in_the_portals_order(region, app):
    """CKAN's package_revise locked the dataset's row first, then waited for
    the revision another change held while that change waited for the row:
    a deadlock (HTTP 500 to one of them, under 10 producers at once)."""
    import sqlalchemy as sa

    request, pkg_id, _table = _published_with_a_table(region)
    producer = region.users["producer"]["name"]
    region.call("producer", "package_patch", id=pkg_id, notes="Catatan revisi")
    # another change holding the revision, about to write the dataset's row
    publishing.lock_staged(pkg_id)
    outcome = answer_while_held(
        lambda: helpers.call_action(
            "package_revise", context={"user": producer, "ignore_auth": False},
            match={"id": pkg_id}, update={"title": "Judul Revisi"}),
        app, then=lambda: model.Session.execute(  # the other change writing the row
            sa.select(model.Package.id).where(model.Package.id == pkg_id).with_for_update()))
    assert not isinstance(outcome, Exception), outcome
    staged = region.call("producer", "satudata_revision_show", id=pkg_id)["data"]
    assert (staged["title"], staged["notes"]) == ("Judul Revisi", "Catatan revisi")


def test_a_revision_saved_from_a_page_in_a_language_changes_no_table_by_its_address(
        region, app):
    """An edit saved from an /id/ page kept the tables' download addresses as
    that page wrote them ("/id/dataset/…"): the revision page listed every
    table as "changed", and a new period could be refused for changing the
    other periods' tables."""
    from ckanext.satudata.lib import review

    request, pkg_id, table = _published_with_a_table(region)
    # a page asked as /id/… (CKAN's middleware marks the language as asked)
    with app.flask_app.test_request_context("/dataset/", environ_base={
            "CKAN_LANG": "id", "CKAN_LANG_IS_DEFAULT": False}):
        region.call("producer", "package_patch", id=pkg_id, notes="Catatan dari halaman")
        staged = region.call("producer", "satudata_revision_show", id=pkg_id)["data"]
    assert "/id/dataset/" in staged["resources"][0]["url"]  # as that page wrote it
    live = helpers.call_action("package_show", id=pkg_id)
    assert "/id/dataset/" not in live["resources"][0]["url"]
    changes = review.changes(live, staged)
    assert [f["field_name"] for f in changes["fields"]] == ["notes"]
    assert changes["changed"] == [] and changes["added"] == [] and changes["removed"] == []


def test_a_table_added_while_another_is_added_by_the_form_is_kept(region, app):
    """CKAN's "Add" of a table saves it, then reads the dataset and writes
    it again (as active): a table another tab or producer added in between
    was dropped from that write (every producer told "added", 2 of 4 kept)."""
    request = region.request_of(region.opd_a)
    pkg_id = request["package_id"]
    producer = region.users["producer"]["name"]
    read_before = helpers.call_action("package_show", id=pkg_id)  # the "Add" view's read
    region.call("producer", "resource_create", package_id=pkg_id, name="Tabel tab lain",
                format="CSV", url="lain.csv", upload=csv_upload("tahun,jumlah\n2025,2\n"))
    helpers.call_action("package_update", context={"user": producer,
                                                   "allow_state_change": True},
                        **dict(read_before, state="active"))
    names = [r["name"] for r in region.call("producer", "package_show", id=pkg_id)["resources"]]
    assert "Tabel tab lain" in names, names
    # a table deleted on purpose by a later update stays deleted
    now = helpers.call_action("package_show", id=pkg_id)
    helpers.call_action("package_update", context={"user": producer}, **dict(
        now, resources=[r for r in now["resources"] if r["name"] != "Tabel tab lain"]))
    assert "Tabel tab lain" not in [r["name"] for r in region.call(
        "producer", "package_show", id=pkg_id)["resources"]]


@pytest.mark.parametrize("published", [False, True])
def test_two_forms_of_one_version_saved_at_once_are_not_both_saved(region, app, published):
    """Six tabs of one dataset's form saved at once: each compared the
    version it was built from before any lock, and four saved over each
    other, every one told it was saved."""
    if published:
        _request, pkg_id, _table = _published_with_a_table(region)
    else:
        pkg_id = region.request_of(region.opd_a)["package_id"]
    producer = region.users["producer"]["name"]
    seen = publishing.form_version(model.Package.get(pkg_id))
    form = helpers.call_action("package_show", context={"user": producer, "for_edit": True},
                               id=pkg_id)
    model.Session.remove()
    # the first tab's save, not committed yet
    helpers.call_action("package_update", context={"user": producer, "defer_commit": True},
                        **dict(form, notes="Tab pertama", satudata_seen=seen))
    outcome = answer_while_held(lambda: helpers.call_action(
        "package_update", context={"user": producer},
        **dict(form, notes="Tab kedua", satudata_seen=seen)), app)
    assert isinstance(outcome, tk.ValidationError), outcome
    assert list(outcome.error_dict) == [publishing.SEEN_KEY]


def test_a_published_tables_form_version_is_its_revisions(region):
    """The table form's version was the live table's, which staged edits
    never change: a colleague's staged change was saved over unseen."""
    _request, pkg_id, live_resource = _published_with_a_table(region)
    producer = region.users["producer"]["name"]
    before = publishing.resource_form_version(producer, live_resource["id"])
    region.call("producer", "resource_patch", id=live_resource["id"],
                description="Diubah rekan", upload=csv_upload("tahun,jumlah\n2025,3\n"))
    assert publishing.resource_form_version(producer, live_resource["id"]) != before
    # a staged table's id answers a stranger as a made-up one does
    staged, = region.call("producer", "satudata_revision_show", id=pkg_id)["data"]["resources"]
    for ref in (staged["id"], "00000000-0000-4000-8000-000000000000"):
        with pytest.raises(tk.ObjectNotFound) as err:
            region.call("producer_b", "resource_show", id=ref)
        assert not str(err.value.message or ""), err.value.message


def test_an_approved_revision_is_refused_an_edit_as_approved(region):
    """A producer's edit of a revision approved and waiting for its release
    was refused as "being reviewed", a table's upload as "approved and
    waits for publication"."""
    request, pkg_id, live_resource = _published_with_a_table(region)
    region.call("producer", "package_patch", id=pkg_id, notes="Catatan revisi")
    region.call("producer", "satudata_request_revise", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    region.call("kadis", "satudata_request_approve", id=request["id"])
    said = []
    for change in (lambda: region.call("producer", "package_patch", id=pkg_id, notes="Lagi"),
                   lambda: region.call("producer", "resource_patch", id=live_resource["id"],
                                       upload=csv_upload("tahun,jumlah\n2025,5\n"))):
        with pytest.raises(tk.ValidationError) as err:
            change()
        said.append(err.value.error_dict["state"][0])
    assert said[0] == said[1] and "approved" in said[0], said


def test_a_published_dataset_the_walidata_put_in_a_group_stays_its_producers(region):
    """The producers were refused every change of a dataset the walidata
    had put in a group (a theme): its edits, its new tables, a new
    period's delivery. Adding it to a group of their own choosing stays
    refused."""
    from ckan.tests import factories

    request, package_id, _table = _published_with_a_table(region)
    theme = factories.Group(name="kesehatan", title="Kesehatan")
    other = factories.Group(name="ekonomi", title="Ekonomi")
    region.call("sysadmin", "member_create", id=theme["id"], object=package_id,
                object_type="package", capacity="public")
    region.call("producer", "package_patch", id=package_id, title="Judul lain")
    region.call("producer", "package_revise", match={"id": package_id},
                update={"title": "Judul baru"})
    add_csv(region, "producer", package_id, "tahun,jumlah\n2025,12\n")
    staged = publishing.staged_for(package_id)
    assert staged is not None and staged.data["title"] == "Judul baru"
    assert len(staged.data["resources"]) == 2
    with pytest.raises(tk.NotAuthorized):
        region.call("producer", "package_patch", id=package_id,
                    groups=[{"name": "kesehatan"}, {"name": other["name"]}])
    assert [g["name"] for g in region.call(
        "sysadmin", "package_show", id=package_id)["groups"]] == ["kesehatan"]
