# -*- coding: utf-8 -*-
"""One indicator, many periods (Maluku Utara collects twice a year): the
second round's request for an item is made on the item's published dataset;
its table is staged and reviewed while the first period stays public and
unchanged; publishing adds the period; withdrawing or archiving one period
acts on that period only. Played on a frozen clock, through the real
actions, and checked as the public sees it over HTTP."""
from __future__ import annotations

import datetime
import re
import urllib.parse

import pytest
from freezegun import freeze_time

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.satudata.lib import publishing

from ..factories import (
    VARIABLES, CollectionRound, DaftarDataItem, add_csv, build_region, complete_metadata, csv_upload, is_public,
    login, publish, request_state, seen, to_ready,
)

#: the second period's table: nobody but its producers and the walidata
#: may see it before its request is published
MARKER = "Tabel Semester II rahasia 4b7e"
FIRST = "Tabel Semester I 2026"
#: the declared columns (text), one cell holding a plausible NIK
NIK_TABLE = "tahun,jumlah\n2026,NIK 3273014506900001\n"


def _public(action: str, **data):
    return helpers.call_action(action, context={"user": "", "ignore_auth": False}, **data)


def _resource_names(package_id: str) -> list[str]:
    return [r["name"] for r in _public("package_show", id=package_id)["resources"]]


def _found(text: str) -> int:
    return _public("package_search", q=f'res_name:"{text}"')["count"]


def _review(region, request: dict) -> None:
    """The second period through the same chain (its metadata is the
    published dataset's, complete already)."""
    region.call("producer", "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    region.call("kadis", "satudata_request_approve", id=request["id"])


def _publish_second(region, second: dict) -> None:
    """The second period's table added, reviewed and published (6 July)."""
    with freeze_time("2026-07-06 03:00:00"):
        add_csv(region, "producer", second["package_id"], "tahun,jumlah\n2026,12\n",
                name=MARKER)
        _review(region, second)
        publish(region, second)


def _create_second_round(region) -> dict:
    """Semester II 2026 of the same Daftar Data, created on 22 June to start
    on 1 July."""
    with freeze_time("2026-06-22 02:00:00"):
        return helpers.call_action(
            "satudata_round_create", context={"user": region.users["sysadmin"]["name"]},
            name="semester-2-2026", title="Semester II 2026", year=2026, period="S2",
            start_date="2026-07-01")


def _send_second_round(region) -> tuple[dict, dict]:
    """Semester II 2026 (:func:`_create_second_round`), sent on 1 July: the
    round and what sending it answered."""
    site = {"user": region.users["sysadmin"]["name"]}
    round_ = _create_second_round(region)
    with freeze_time("2026-07-01 01:00:00"):
        sent = helpers.call_action("satudata_round_send", context=dict(site),
                                   id=round_["id"])
    return round_, sent


def _second_round(region) -> dict:
    round_, sent = _send_second_round(region)
    assert sent["new_periods"] == 2  # both OPDs' items were published before
    return round_


def _first_periods(release_a: bool = True) -> tuple:
    """The region and OPD A's first-period request, approved in March and
    published unless ``release_a`` is false; OPD B's published."""
    region = build_region()
    first = region.request_of(region.opd_a)
    with freeze_time("2026-03-02 03:00:00"):
        add_csv(region, "producer", first["package_id"], "tahun,jumlah\n2025,10\n", name=FIRST)
        to_ready(region, first)
        if release_a:
            publish(region, first)
        other = region.request_of(region.opd_b)
        to_ready(region, other)
        publish(region, other)
    return region, first


def _build_two_periods() -> tuple:
    """The region, the first period of OPD A's item published (March), the
    second round sent (July)."""
    region, first = _first_periods()
    round_ = _second_round(region)
    second = next(r for r in region.call("sysadmin", "satudata_request_list",
                                         round_id=round_["id"])["results"]
                  if r["owner_org"] == region.opd_a["id"])
    return region, first, second


@pytest.fixture
def two_periods(world_of):
    """``(region, first, second)``: :func:`_build_two_periods`, built once
    and put back for each test (``world_of``)."""
    return world_of("two-periods", _build_two_periods)


@pytest.fixture
def second_published(world_of):
    """``(region, first, second)``: the world of :func:`two_periods` with
    the second period's table added, reviewed and published
    (:func:`_publish_second`); built once and put back for each test."""

    def build() -> tuple:
        region, first, second = world_of("two-periods", _build_two_periods)
        _publish_second(region, second)
        return region, first, second

    return world_of("two-periods-second-published", build)


def _pages(app, pkg: dict, resource_id: str) -> dict[str, int | str]:
    """What an anonymous visitor gets: the dataset page, the resource page,
    its download, the DCAT catalogue and the API."""
    return {
        "page": app.get(tk.url_for("dataset.read", id=pkg["name"])).body,
        "resource": app.get(tk.url_for("resource.read", id=pkg["name"],
                                       resource_id=resource_id)).status_code,
        "download": app.get(tk.url_for("resource.download", id=pkg["name"],
                                       resource_id=resource_id,
                                       filename="tabel.csv")).status_code,
        "dcat": app.get("/catalog.ttl").body,
        "api": app.get("/api/3/action/package_show",
                       query_string={"id": pkg["id"]}).body,
        "activity": app.get("/api/3/action/package_activity_list",
                            query_string={"id": pkg["id"]}).body
        + app.get(f"/dataset/activity/{pkg['name']}").body,
    }


def test_two_rounds_give_one_public_dataset_with_both_periods(two_periods, app):
    region, first, second = two_periods
    pkg_id = first["package_id"]
    assert second["package_id"] == pkg_id  # the item's published dataset, reused
    assert second["period"] == "Semester II 2026"
    shown = region.call("producer", "satudata_request_show", id=second["id"])
    assert shown["new_period"] is True
    assert [(p["title"], p["public"]) for p in shown["periods"]] == [
        ("Semester I 2026", True), ("Semester II 2026", False)]

    with freeze_time("2026-07-06 03:00:00"):
        # nothing of its own yet: the new period cannot be submitted
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "satudata_request_submit", id=second["id"])
        assert "resources" in err.value.error_dict
        # the first period's table cannot be changed through the second's request
        live_first = _public("package_show", id=pkg_id)["resources"][0]
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "resource_patch", id=live_first["id"],
                        name="Diubah lewat periode lain")
        assert "resources" in err.value.error_dict
        # nor does the first period's page offer to (its form refused to save)
        first_page = login(app, region.users["producer"]["name"]).get(
            tk.url_for("satudata_request.read", id=first["id"])).body
        assert f'/resource/{live_first["id"]}/edit"' not in first_page
        # nor the new period's page (the first period's table is not its own)
        second_page = login(app, region.users["producer"]["name"]).get(
            tk.url_for("satudata_request.read", id=second["id"])).body
        assert f'/resource/{live_first["id"]}/edit"' not in second_page

        # the second period's table is staged; the public sees the first only
        staged = add_csv(region, "producer", pkg_id, "tahun,jumlah\n2026,12\n", name=MARKER)
        assert [r["name"] for r in region.call("producer", "satudata_request_show",
                                               id=second["id"])["new_period_resources"]] \
            == [MARKER]
        pkg = _public("package_show", id=pkg_id)
        before = _pages(app, pkg, staged["id"])

        assert _resource_names(pkg_id) == [FIRST]
        assert MARKER not in before["page"] and MARKER not in before["dcat"]
        assert MARKER not in before["api"]
        assert (before["resource"], before["download"]) == (404, 404)
        assert _found(MARKER) == 0 and _found(FIRST) == 1

        # the verifier reads the period's own table on the request page and
        # downloads it (the page offered only the earlier period's file)
        region.call("producer", "satudata_request_submit", id=second["id"])
        verifier = login(app, region.users["verifier"]["name"])
        page = verifier.get(tk.url_for("satudata_request.read", id=second["id"])).body
        download = re.search(r'href="([^"]*/resource/%s/download/[^"]*)"' % staged["id"], page)
        assert download, page[page.find("review-files"):][:1500]
        got = verifier.get(urllib.parse.urlsplit(download.group(1)).path)
        assert got.status_code == 200 and "2026,12" in got.body

        # reviewed through the same chain; still invisible while ready
        region.call("verifier", "satudata_request_verify", id=second["id"])
        region.call("kabid", "satudata_request_approve", id=second["id"])
        region.call("kadis", "satudata_request_approve", id=second["id"])
        assert request_state(region, second) == "ready"
        assert _resource_names(pkg_id) == [FIRST] and _found(MARKER) == 0

        publish(region, second)

    pkg = _public("package_show", id=pkg_id)
    after = _pages(app, pkg, pkg["resources"][1]["id"])
    assert [(r["name"], r["period"]) for r in pkg["resources"]] == [
        (FIRST, "Semester I 2026"), (MARKER, "Semester II 2026")]
    assert [(p["title"], p["status"]) for p in pkg["satudata_dissemination"]["periods"]] == [
        ("Semester I 2026", "published"), ("Semester II 2026", "published")]
    assert MARKER in after["page"] and MARKER in after["dcat"] and MARKER in after["api"]
    assert (after["resource"], after["download"]) == (200, 200)
    assert "Semester I 2026" in after["page"] and "Semester II 2026" in after["page"]
    assert _found(MARKER) == 1
    # one public dataset per indicator, however many periods
    assert _public("package_search", q="title:Puskesmas", rows=10)["count"] == 2  # 2 OPDs


def test_withdrawing_the_second_period_leaves_the_first_public(second_published, app,
                                                              smtp, run_jobs):
    region, first, second = second_published
    pkg_id = first["package_id"]
    second_resource = _public("package_show", id=pkg_id)["resources"][1]
    assert second_resource["name"] == MARKER
    run_jobs()
    # its producers heard of a new period, not of a first publication
    published = [" ".join(m["body"].split()) for m in smtp.take()
                 if "Data dipublikasikan" in m["subject"]]
    second_period = [body for body in published if "Semester II 2026" in body]
    assert second_period and all(
        "Data periode Semester II 2026 kini dipublikasikan" in body
        and "di samping periode sebelumnya" in body for body in second_period), published

    with freeze_time("2026-07-20 03:00:00"):
        region.call("walidata_admin", "satudata_request_withdraw", id=second["id"],
                    note="Angka semester II salah")
    run_jobs()
    mail = [m["body"] for m in smtp.take() if "ditarik" in m["subject"]]
    assert mail and all("Angka semester II salah" in b and "periode lain" in b.lower()
                        and "ditarik dari portal" not in b for b in mail)
    assert is_public(pkg_id)
    assert request_state(region, first) == "published"
    assert _resource_names(pkg_id) == [FIRST]
    pkg = _public("package_show", id=pkg_id)
    gone = _pages(app, pkg, second_resource["id"])
    assert MARKER not in gone["page"] and MARKER not in gone["api"]
    assert MARKER not in gone["dcat"]
    # nor in the dataset's history (its first period's steps stay there)
    assert MARKER not in gone["activity"] and FIRST in gone["activity"]
    # a citizen following a link to the period's table is told it was
    # withdrawn, and when, not "the page does not exist"
    assert (gone["resource"], gone["download"]) == (410, 410)
    assert app.get(f"/datastore/dump/{second_resource['id']}").status_code == 410
    # nor are its views listed (their ids and its dataset's were, to anyone)
    views = app.get(f"/api/3/action/resource_view_list?id={second_resource['id']}")
    assert views.status_code == 404, views.body
    table_page = app.get(tk.url_for("resource.read", id=pkg["name"],
                                    resource_id=second_resource["id"]))
    assert "20 Juli 2026 10.00 WIB" in table_page.body and "Periode lain" in table_page.body
    assert "Angka semester II salah" not in table_page.body
    # still once its row is gone: CKAN purges a dataset's deleted resources
    # at its next update (another period revised), and the page said 404
    model.Resource.get(second_resource["id"]).purge()
    model.repo.commit_and_remove()
    assert app.get(tk.url_for("resource.read", id=pkg["name"],
                              resource_id=second_resource["id"])).status_code == 410
    assert _pages(app, pkg, second_resource["id"])["download"] == 410
    assert _found(MARKER) == 0 and _found(FIRST) == 1
    assert [p["title"] for p in pkg["satudata_dissemination"]["periods"]] == ["Semester I 2026"]
    first_file = app.get(tk.url_for("resource.download", id=pkg["name"],
                                    resource_id=pkg["resources"][0]["id"],
                                    filename="tabel.csv"))
    assert first_file.status_code == 200 and first_file.body == "tahun,jumlah\n2025,10\n"

    # published again: the period's own table comes back, nothing else changes
    with freeze_time("2026-07-21 03:00:00"):
        region.call("walidata_admin", "satudata_request_publish", id=second["id"],
                    version=seen(second["id"]))
    assert _resource_names(pkg_id) == [FIRST, MARKER]
    assert _public("package_show", id=pkg_id)["resources"][1]["id"] == second_resource["id"]
    assert MARKER in _pages(app, pkg, second_resource["id"])["activity"]

    # withdrawing the first period now leaves the second public
    with freeze_time("2026-07-22 03:00:00"):
        region.call("walidata_admin", "satudata_request_withdraw", id=first["id"],
                    note="Semester I ditarik")
    assert is_public(pkg_id) and _resource_names(pkg_id) == [MARKER]
    # its request page does not take it for a new period still owing a table
    # (it said so, with a "new period" badge, while the second was public)
    shown = region.call("walidata_admin", "satudata_request_show", id=first["id"])
    assert shown["new_period"] is False and shown["new_period_resources"] == []
    # and withdrawing the last public period makes the dataset private
    with freeze_time("2026-07-23 03:00:00"):
        # (published again after a withdrawal: the version seen is sent)
        region.call("walidata_admin", "satudata_request_withdraw", id=second["id"],
                    note="Semua ditarik", version=seen(second["id"]))
    assert not is_public(pkg_id) and _found(MARKER) == 0
    run_jobs()
    mail = [m["body"] for m in smtp.take()
            if "ditarik" in m["subject"] and "Semua ditarik" in m["body"]]
    assert mail and all("ditarik dari portal" in b and "periode lain" not in b.lower()
                        for b in mail)


def test_an_earlier_periods_table_is_corrected_through_its_own_request(second_published):
    """Correcting the first period's table once the second was published
    staged the change for the second period's request: revising the first
    was refused ("the staged changes belong to Semester II"), and the
    second's revision published a change of a table that is not its own."""
    region, first, second = second_published
    pkg_id = first["package_id"]
    table = next(r for r in _public("package_show", id=pkg_id)["resources"]
                 if r["name"] == FIRST)
    with freeze_time("2026-07-21 03:00:00"):
        region.call("producer", "resource_patch", id=table["id"],
                    description="Koreksi keterangan semester I")
        with pytest.raises(tk.ValidationError) as refused:
            region.call("producer", "satudata_request_revise", id=second["id"])
        assert "revision" in refused.value.error_dict
        region.call("producer", "satudata_request_revise", id=first["id"])
    assert request_state(region, first) == "submitted"
    assert request_state(region, second) == "published"


def test_archiving_one_period_labels_it_and_keeps_the_dataset_in_search(
        second_published, app, smtp, run_jobs):
    region, first, second = second_published
    pkg_id = first["package_id"]
    run_jobs()
    smtp.take()
    with freeze_time("2026-07-06 04:00:00"):
        region.call("walidata_admin", "satudata_request_archive", id=first["id"])
    run_jobs()
    # the producers are told that only this period was archived
    mail = [m["body"] for m in smtp.take() if "diarsipkan" in m["subject"]]
    assert mail and all("Semester I 2026" in b and "periode lain" in b.lower()
                        and "tidak lagi muncul dalam pencarian" not in b for b in mail)

    pkg = _public("package_show", id=pkg_id)
    assert [(p["title"], p["status"]) for p in pkg["satudata_dissemination"]["periods"]] == [
        ("Semester I 2026", "archived"), ("Semester II 2026", "published")]
    assert pkg["satudata_dissemination"]["status"] == "published"
    assert _resource_names(pkg_id) == [FIRST, MARKER]
    assert _found(FIRST) == 1  # the dataset stays in the default search
    page = app.get(tk.url_for("dataset.read", id=pkg["name"])).body
    assert "satudata-archived-banner" not in page
    assert page.count("satudata-resource-period") == 2

    # the last published period archived: the dataset is archived
    with freeze_time("2026-07-07 03:00:00"):
        region.call("walidata_admin", "satudata_request_archive", id=second["id"])
    assert _public("package_show", id=pkg_id)["satudata_dissemination"]["status"] == "archived"
    assert _found(FIRST) == 0
    run_jobs()
    mail = [m["body"] for m in smtp.take() if "diarsipkan" in m["subject"]]
    assert mail and all("tidak lagi muncul dalam pencarian" in b
                        and "periode lain" not in b.lower() for b in mail)


def test_a_dataset_whose_only_public_period_is_archived_is_archived(second_published):
    """Semester I archived, Semester II withdrawn: the dataset read
    "published" (in the default search, a next release expected) while its
    only public period was archived."""
    region, first, second = second_published
    pkg_id = first["package_id"]
    with freeze_time("2026-07-06 04:00:00"):
        region.call("walidata_admin", "satudata_request_archive", id=first["id"])
        region.call("walidata_admin", "satudata_request_withdraw", id=second["id"],
                    note="Semester II ditarik", version=seen(second["id"]))
    facts = _public("package_show", id=pkg_id)["satudata_dissemination"]
    assert [(p["title"], p["status"]) for p in facts["periods"]] == [
        ("Semester I 2026", "archived")]
    assert facts["status"] == "archived" and facts["archived"]
    assert _found(FIRST) == 0  # out of the default search, as archived data is

def test_an_archived_periods_table_is_not_changed_through_another_periods_revision(
        second_published):
    """Semester I archived: its table's description was changed through
    Semester II's revision (200), its reviewers not told it was archived."""
    region, first, second = second_published
    pkg_id = first["package_id"]
    first_id, second_id = [r["id"] for r in _public("package_show", id=pkg_id)["resources"]]
    with freeze_time("2026-07-06 04:00:00"):
        region.call("walidata_admin", "satudata_request_archive", id=first["id"])
        for action, data in (("resource_patch", {"id": first_id, "description": "Baru"}),
                             ("resource_delete", {"id": first_id})):
            with pytest.raises(tk.ValidationError) as refused:
                region.call("producer", action, **data)
            assert "archived period" in refused.value.error_dict["resources"][0]
        # the published period's table is still corrected
        region.call("producer", "resource_patch", id=second_id, description="Koreksi")
    staged = region.call("producer", "satudata_revision_show", id=pkg_id)["data"]
    assert [r.get("description") for r in staged["resources"]
            if r["id"] == second_id] == ["Koreksi"]
    assert _public("package_show", id=pkg_id)["resources"][0].get("description") != "Baru"

def test_a_period_with_a_correction_staged_is_not_archived(second_published):
    """Archived with a correction of its table staged, the producers could
    no longer change the dataset at all: every edit carried that correction
    (refused: archived), and revising either period was refused."""
    region, first, second = second_published
    pkg_id = first["package_id"]
    first_id = _public("package_show", id=pkg_id)["resources"][0]["id"]
    with freeze_time("2026-07-06 04:00:00"):
        region.call("producer", "resource_patch", id=first_id, description="Koreksi")
        with pytest.raises(tk.ValidationError) as refused:
            region.call("walidata_admin", "satudata_request_archive", id=first["id"])
        assert "staged" in refused.value.error_dict["state"][0]
        region.call("producer", "satudata_revision_discard", id=pkg_id)
        region.call("walidata_admin", "satudata_request_archive", id=first["id"])
        # and the other period is corrected as before
        region.call("producer", "package_patch", id=pkg_id, notes="Catatan semester II")

def test_a_dataset_is_not_archived_while_its_new_period_is_collected(two_periods, app):
    """Archived with its new period's request still with its producers,
    the dataset could not take that period's table ("an archived dataset
    cannot be changed"), and the request could not be submitted without
    one. Once archived, the catalogue's modified_since finds the change."""
    region, first, second = two_periods
    pkg_id = first["package_id"]
    with freeze_time("2026-07-02 04:00:00"):
        with pytest.raises(tk.ValidationError) as refused:
            region.call("walidata_admin", "satudata_request_archive", id=first["id"])
        assert "Semester II 2026" in refused.value.error_dict["state"][0]
        assert region.call("sysadmin", "satudata_request_show", id=first["id"])[
            "state"] == "published"
        region.call("walidata_admin", "satudata_request_cancel", id=second["id"],
                    note="Tidak dihimpun lagi")
        before = _public("package_show", id=pkg_id)["metadata_modified"]
    with freeze_time("2026-07-03 04:00:00"):
        region.call("walidata_admin", "satudata_request_archive", id=first["id"])
    # its public record changed: a harvest of what changed since finds it
    modified = _public("package_show", id=pkg_id)["metadata_modified"]
    assert modified > before and modified.startswith("2026-07-03")
    changed = app.get("/catalog.ttl?modified_since=2026-07-03T00:00:00").body
    assert pkg_id in changed


def test_a_dataset_whose_new_period_is_reviewed_says_so(two_periods, app):
    """An edit while the second period was reviewed was told "a revision of
    this dataset is being reviewed"; a table's change that it "is being
    reviewed for publication … once its request is returned" (the dataset
    was published), and its page that "a revision is staged"."""
    region, first, second = two_periods
    with freeze_time("2026-07-06 03:00:00"):
        table = add_csv(region, "producer", second["package_id"], "tahun,jumlah\n2026,12\n",
                        name=MARKER)
        # staged, not sent: the page names the period, not a revision
        staged = region.call("producer", "satudata_revision_show", id=second["package_id"])
        assert staged["period"] == "Semester II 2026"
        page = login(app, region.users["producer"]["name"]).get(
            f"/dataset/{second['package_id']}").get_data(as_text=True)
        assert "Data periode baru (Semester II 2026)" in page
        assert "Revisi dataset ini sudah disiapkan" not in page
        staged_page = login(app, region.users["producer"]["name"]).get(
            f"/dataset/{second['package_id']}/revisi").get_data(as_text=True)
        assert "Semester II 2026" in staged_page and "Revisi yang disiapkan" not in staged_page
        # its staged table's address leads there, saying whose data it is
        told = login(app, region.users["producer"]["name"]).get(
            f"/dataset/{second['package_id']}/resource/{table['id']}",
            follow_redirects=True).get_data(as_text=True)
        assert "data periode baru" in told and "bagian dari revisi" not in told
        region.call("producer", "satudata_request_submit", id=second["id"])
        with pytest.raises(tk.ValidationError) as refused:
            region.call("producer", "package_patch", id=second["package_id"], notes="Baru")
        assert "new period" in refused.value.error_dict["state"][0]
        with pytest.raises(tk.ValidationError) as refused:
            region.call("producer", "resource_patch", id=table["id"], description="Baru")
        assert "new period" in refused.value.error_dict["state"][0]

def test_the_new_period_table_is_screened_for_personal_data(two_periods, app):
    region, first, second = two_periods
    pkg_id = first["package_id"]
    with freeze_time("2026-07-06 03:00:00"):
        region.call("producer", "resource_create", package_id=pkg_id, name=MARKER,
                    format="CSV", url="tabel.csv", upload=csv_upload(NIK_TABLE))
        with app.flask_app.test_request_context("/"):
            with pytest.raises(tk.ValidationError) as err:
                region.call("producer", "satudata_request_submit", id=second["id"])
    assert "data pribadi" in err.value.error_dict["resources"][0]
    assert request_state(region, second) == "requested"
    assert _resource_names(pkg_id) == [FIRST]


def test_a_new_period_answers_for_its_own_tables_only(two_periods, app):
    """A producer set the new period's data year (2026): the first period's
    table of 2025, which this request cannot change, held back every
    submission as not matching the year; its own table is still checked."""
    region, first, second = two_periods
    pkg_id = first["package_id"]
    with freeze_time("2026-07-06 03:00:00"):
        region.call("producer", "package_patch", id=pkg_id, data_year="2026",
                    variables=VARIABLES)  # a year column of numbers: checked against it
        table = region.call("producer", "resource_create", package_id=pkg_id, name=MARKER,
                            format="CSV", url="tabel.csv",
                            upload=csv_upload("tahun,jumlah\n2024,12\n"))
        with app.flask_app.test_request_context("/"):
            with pytest.raises(tk.ValidationError) as err:
                region.call("producer", "satudata_request_submit", id=second["id"])
        assert [MARKER in m for m in err.value.error_dict["resources"]] == [True]
        region.call("producer", "resource_patch", id=table["id"],
                    upload=csv_upload("tahun,jumlah\n2026,12\n"), url="tabel.csv")
        with app.flask_app.test_request_context("/"):
            region.call("producer", "satudata_request_submit", id=second["id"])
    assert request_state(region, second) == "submitted"
    assert _resource_names(pkg_id) == [FIRST]
    # published, then corrected: its revision answers for its own tables too
    with freeze_time("2026-07-07 03:00:00"):
        region.call("verifier", "satudata_request_verify", id=second["id"])
        region.call("kabid", "satudata_request_approve", id=second["id"])
        region.call("kadis", "satudata_request_approve", id=second["id"])
        publish(region, second)
        region.call("producer", "package_patch", id=pkg_id, notes="Catatan diperbaiki")
        with app.flask_app.test_request_context("/"):
            region.call("producer", "satudata_request_revise", id=second["id"])
    assert request_state(region, second) != "published"


def test_each_periods_table_holds_the_year_of_its_round(region, app):
    """A yearly indicator asked again by the next year's round (the Daftar
    Data 2027 names it again): its table of 2027 was refused "outside the
    declared period (2026)", the dataset's data year; and once the producer
    set the data year to 2027, the first period's table of 2026 was reported
    invalid on both requests' pages."""
    first = region.request_of(region.opd_a)
    pkg_id = first["package_id"]
    with freeze_time("2026-03-02 03:00:00"):
        add_csv(region, "producer", pkg_id, "tahun,jumlah\n2026,10\n", name=FIRST)
        to_ready(region, first, data_year="2026", variables=VARIABLES)
        publish(region, first)
    site = {"user": region.users["sysadmin"]["name"]}
    with freeze_time("2026-12-01 02:00:00"):
        DaftarDataItem(title="Jumlah Puskesmas", owner_org=region.opd_a["name"], year=2027)
        round_ = helpers.call_action("satudata_round_create", context=dict(site),
                                     name="tahunan-2027", title="Tahunan 2027", year=2027,
                                     start_date="2027-01-04")
    with freeze_time("2027-01-04 01:00:00"):
        assert helpers.call_action("satudata_round_send", context=dict(site),
                                   id=round_["id"])["new_periods"] == 1
        second = next(r for r in region.call("sysadmin", "satudata_request_list",
                                             round_id=round_["id"])["results"])
        assert second["package_id"] == pkg_id
        table = add_csv(region, "producer", pkg_id, "tahun,jumlah\n2027,12\n", name=MARKER)
        with app.flask_app.test_request_context("/"):
            region.call("producer", "satudata_request_submit", id=second["id"])
        assert request_state(region, second) == "submitted"
    checks = {f["name"]: f for f in region.call("producer", "satudata_data_check_list",
                                                 id=pkg_id)["files"]}
    assert checks[FIRST]["status"] == "valid" and checks[MARKER]["status"] == "valid"
    # each request's page lists the files it answers for (the first, published,
    # listed the new period's staged table under "cannot be submitted while…")
    for request, names in ((first, [FIRST]), (second, [MARKER])):
        listed = region.call("producer", "satudata_data_check_list", id=pkg_id,
                             request_id=request["id"])
        assert [f["name"] for f in listed["files"]] == names
        assert listed["request_id"] == request["id"]
    # a year of neither period is still refused; the table the period adds
    # keeps its id when its file is replaced (it took a new one each time)
    with freeze_time("2027-01-05 01:00:00"):
        region.call("verifier", "satudata_request_return", id=second["id"], note="Tahun")
    with freeze_time("2027-01-05 02:00:00"):
        patched = region.call("producer", "resource_patch", id=table["id"], url="tabel.csv",
                              upload=csv_upload("tahun,jumlah\n2020,12\n"))
        assert patched["id"] == table["id"]
        with app.flask_app.test_request_context("/"):
            with pytest.raises(tk.ValidationError) as err:
                region.call("producer", "satudata_request_resubmit", id=second["id"])
    assert [MARKER in m for m in err.value.error_dict["resources"]] == [True]
    assert region.call("producer", "resource_show", id=table["id"])["name"] == MARKER


def test_a_round_can_still_create_new_datasets(region):
    first = region.request_of(region.opd_a)
    with freeze_time("2026-03-02 03:00:00"):
        to_ready(region, first)
        publish(region, first)
    site = {"user": region.users["sysadmin"]["name"]}
    with freeze_time("2026-06-22 02:00:00"):
        round_ = helpers.call_action("satudata_round_create", context=dict(site),
                                     name="semester-2-2026", title="Semester II 2026",
                                     year=2026, start_date="2026-07-01")
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("satudata_round_send", context=dict(site),
                                id=round_["id"], new_datasets="kadang")
        assert "new_datasets" in err.value.error_dict
        sent = helpers.call_action("satudata_round_send", context=dict(site),
                                   id=round_["id"], new_datasets=True)
    assert sent["new_periods"] == 0
    second = next(r for r in region.call("sysadmin", "satudata_request_list",
                                         round_id=round_["id"])["results"]
                  if r["owner_org"] == region.opd_a["id"])
    assert second["package_id"] and second["package_id"] != first["package_id"]
    assert second["dataset"]["private"] is True


def test_the_request_and_queue_pages_name_the_period(two_periods, app):
    from ..factories import login

    region, _first, second = two_periods
    producer = login(app, "produsen-a")
    page = producer.get(tk.url_for("satudata_request.read", id=second["id"])).body
    assert "satudata-request-periods" in page
    assert "Semester I 2026" in page and "Semester II 2026" in page
    queue = producer.get(tk.url_for("satudata_request.index")).body
    assert "Semester II 2026" in queue
    assert publishing.ROUND_KEY not in page


def test_the_staged_period_belongs_to_its_request_and_leaves_with_it(two_periods):
    region, first, second = two_periods
    pkg_id = first["package_id"]
    with freeze_time("2026-07-06 03:00:00"):
        add_csv(region, "producer", pkg_id, "tahun,jumlah\n2026,12\n", name=MARKER)
        # the first period's request cannot carry the second period's table
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "satudata_request_revise", id=first["id"])
        assert "of the period Semester II 2026;" in err.value.error_dict["revision"][0]
        assert request_state(region, first) == "published"
        # a cancelled new period: its staged table never goes live
        region.call("walidata_admin", "satudata_request_cancel", id=second["id"],
                    note="Tidak jadi dikumpulkan")
    assert region.call("sysadmin", "satudata_revision_show", id=pkg_id) is None
    assert is_public(pkg_id) and _resource_names(pkg_id) == [FIRST]


def test_a_period_published_again_after_both_were_withdrawn_gets_its_tables_back(
        second_published, app):
    """Withdraw the first period, then the second (the dataset goes private
    with the second's table still in it), then publish the first again: its
    own table comes back, the second's stays out until it is published."""
    region, first, second = second_published
    pkg_id = first["package_id"]
    first_id, second_id = [r["id"] for r in _public("package_show", id=pkg_id)["resources"]]
    with freeze_time("2026-07-20 03:00:00"):
        region.call("walidata_admin", "satudata_request_withdraw", id=first["id"],
                    note="Semester I ditarik")
    with freeze_time("2026-07-21 03:00:00"):
        region.call("walidata_admin", "satudata_request_withdraw", id=second["id"],
                    note="Semester II ditarik")
    assert not is_public(pkg_id)

    with freeze_time("2026-07-22 03:00:00"):
        region.call("walidata_admin", "satudata_request_publish", id=first["id"],
                    version=seen(first["id"]))
    pkg = _public("package_show", id=pkg_id)
    assert [(r["id"], r["name"]) for r in pkg["resources"]] == [(first_id, FIRST)]
    assert [p["title"] for p in pkg["satudata_dissemination"]["periods"]] == [
        "Semester I 2026"]
    assert _found(FIRST) == 1 and _found(MARKER) == 0
    gone = _pages(app, pkg, second_id)
    assert MARKER not in gone["page"] and MARKER not in gone["api"]
    assert (gone["resource"], gone["download"]) == (410, 410)  # its period is withdrawn
    first_file = app.get(tk.url_for("resource.download", id=pkg["name"],
                                    resource_id=first_id, filename="tabel.csv"))
    assert first_file.status_code == 200 and first_file.body == "tahun,jumlah\n2025,10\n"

    # the second period published again: its table comes back beside the first
    with freeze_time("2026-07-23 03:00:00"):
        region.call("walidata_admin", "satudata_request_publish", id=second["id"],
                    version=seen(second["id"]))
    assert [r["id"] for r in _public("package_show", id=pkg_id)["resources"]] == [
        first_id, second_id]
    assert _found(MARKER) == 1


def _rows(resource_id: str) -> list[tuple[int, int]]:
    """The table's rows as the public reads them through the data API."""
    found = _public("datastore_search", resource_id=resource_id, sort="tahun")
    return [(int(r["tahun"]), int(r["jumlah"])) for r in found["records"]]


def test_a_period_published_again_has_its_table_in_the_datastore_again(
        two_periods, run_jobs, smtp):
    """Withdrawing a period drops its table from the DataStore with its
    resource; publishing the period again restores the resource under the
    same id and loads its file again, so the preview and the data API answer
    as before the withdrawal."""
    region, first, second = two_periods
    pkg_id = first["package_id"]
    _publish_second(region, second)
    run_jobs()
    first_id, second_id = [r["id"] for r in _public("package_show", id=pkg_id)["resources"]]
    assert _rows(first_id) == [(2025, 10)] and _rows(second_id) == [(2026, 12)]

    with freeze_time("2026-07-20 03:00:00"):
        region.call("walidata_admin", "satudata_request_withdraw", id=first["id"],
                    note="Semester I ditarik")
    run_jobs()
    with pytest.raises(tk.ObjectNotFound):
        _public("datastore_search", resource_id=first_id)
    # and its row purged meanwhile (CKAN purges a dataset's deleted
    # resources at its next update): it came back from the withdrawal's copy
    # saying "in the DataStore", its load skipped as unchanged, no rows
    model.Resource.get(first_id).purge()
    model.repo.commit_and_remove()

    with freeze_time("2026-07-22 03:00:00"):
        region.call("walidata_admin", "satudata_request_publish", id=first["id"],
                    version=seen(first["id"]))
    run_jobs()
    restored = next(r for r in _public("package_show", id=pkg_id)["resources"]
                    if r["id"] == first_id)
    assert restored["datastore_active"] is True
    assert _rows(first_id) == [(2025, 10)] and _rows(second_id) == [(2026, 12)]


def test_a_second_period_waits_while_the_first_is_approved_but_not_released(clean_db,
                                                                             clean_index):
    """Maluku Utara sends Semester II while Semester I of an indicator is
    approved but not released yet: the item waits (a second dataset would
    split the indicator), the other OPD's item gets its new period; once the
    first period is public, sending again adds the second to the same dataset."""
    region, first = _first_periods(release_a=False)  # A's approved, not released
    site = {"user": region.users["sysadmin"]["name"]}
    round_, sent = _send_second_round(region)
    assert (sent["created"], sent["new_periods"]) == (1, 1)
    assert [i["owner_org"] for i in sent["held_back"]] == [region.opd_a["id"]]
    datasets = _public("package_search", q="*:*", include_private=False)["count"]

    with freeze_time("2026-07-02 03:00:00"):
        publish(region, first)
        again = helpers.call_action("satudata_round_send", context=dict(site),
                                    id=round_["id"])
    assert (again["created"], again["new_periods"], again["held_back"]) == (1, 1, [])
    second = next(r for r in region.call("sysadmin", "satudata_request_list",
                                         round_id=round_["id"])["results"]
                  if r["owner_org"] == region.opd_a["id"])
    assert second["package_id"] == first["package_id"]  # one dataset, two periods
    assert _public("package_search", q="*:*")["count"] == datasets + 1  # A's, now public


def test_each_rounds_publication_shows_its_own_periods_table(second_published):
    """A dataset of two periods: the compilation of each round holds that
    round's table, not the dataset's first one, and the first round's
    publication keeps the dataset once the second period is published."""
    from ckanext.satudata.lib import publication
    from ckanext.satudata.model import CollectionRound
    import ckan.model as model

    region, first, second = second_published
    books, dated = {}, {}
    for request in (first, second):
        round_ = model.Session.get(CollectionRound, request["round_id"])
        book = publication.collect(round_)
        entries = [e for e in book.entries if e.pkg["id"] == first["package_id"]]
        books[request["round_id"]] = [e.table.source for e in entries]
        dated[request["round_id"]] = (book.date, book)
    assert books[second["round_id"]] == [MARKER], books
    assert books[first["round_id"]] == [FIRST], books
    # each book is dated the day its period went public (the second one's
    # record of the dataset names the first round: it was dated the round's start)
    assert dated[first["round_id"]][0] == datetime.date(2026, 3, 2)
    assert dated[second["round_id"]][0] == datetime.date(2026, 7, 6)
    assert "6 Juli 2026" in publication.book_html(dated[second["round_id"]][1])



def test_a_dataset_change_written_by_a_step_on_another_period_is_no_edit(two_periods):
    """Four eyes counts who changed the dataset while a submission was
    prepared. A Kepala Dinas whose publication of another period of the same
    dataset wrote it did not edit this period: still a second pair of eyes
    (the request was stuck at the last level, nobody could approve it). An
    edit of their own still counts."""
    from ckanext.activity.model import Activity
    from ckanext.satudata.lib import roles
    from ckanext.satudata.model import DataRequest, RequestEvent
    import ckan.model as model

    region, first, second = two_periods
    kadis = model.User.get(region.users["kadis"]["name"])
    request = model.Session.get(DataRequest, second["id"])
    now = datetime.datetime.utcnow()

    def changed_by_kadis(at):
        activity = Activity(user_id=kadis.id, object_id=second["package_id"],
                            activity_type="changed package", data={})
        activity.timestamp = at
        model.Session.add(activity)

    # the publication of the first period (its step, its write of the dataset)
    model.Session.add(RequestEvent(
        request_id=first["id"], user_id=kadis.id, timestamp=now, transition="publish",
        from_state="ready", to_state="published", version=99, approval_level=0))
    changed_by_kadis(now + datetime.timedelta(seconds=1))
    model.Session.flush()
    assert not roles.took_part(kadis.name, request, "approve")
    # a staged edit they began, which a producer's upload wrote last
    from ckanext.satudata.model import StagedRevision
    producer = model.User.get(region.users["producer"]["name"])
    model.Session.add(StagedRevision(package_id=second["package_id"], request_id=second["id"],
                                     data={}, created_by=kadis.id, modified_by=producer.id,
                                     writers=[kadis.id, producer.id]))
    model.Session.flush()
    assert roles.took_part(kadis.name, request, "approve")
    model.Session.rollback()
    # an edit of their own an hour later
    changed_by_kadis(now + datetime.timedelta(hours=1))
    model.Session.flush()
    assert roles.took_part(kadis.name, request, "approve")
    model.Session.rollback()


def test_a_third_period_waits_while_the_second_is_open_on_the_dataset(two_periods):
    """The second round's new periods are open on both OPDs' datasets: a
    third round's items wait (their uploads would be staged for the second
    period only), all of them here, so sending is refused with the reason."""
    region, first, second = two_periods
    site = {"user": region.users["sysadmin"]["name"]}
    with freeze_time("2026-08-03 02:00:00"):
        round_ = helpers.call_action("satudata_round_create", context=dict(site),
                                     name="triwulan-3-2026", title="Triwulan III 2026",
                                     year=2026, period="Q3", start_date="2026-08-03")
        with pytest.raises(tk.ValidationError) as refused:
            helpers.call_action("satudata_round_send", context=dict(site), id=round_["id"])
    assert "earlier period" in refused.value.error_dict["state"][0]
    assert region.call("sysadmin", "satudata_request_list",
                       round_id=round_["id"])["count"] == 0


def test_a_second_period_waits_while_the_first_periods_correction_is_reviewed(
        clean_db, clean_index):
    """Semester II sent while Semester I's correction was in review: its
    table could only be staged into the correction, which published it as
    Semester I's without its own review, and Semester II's request waited
    for good. The item waits until the correction is published."""
    region, first = _first_periods()
    with freeze_time("2026-06-01 03:00:00"):
        region.call("producer", "package_patch", id=first["package_id"],
                    notes="Catatan koreksi semester I")
        region.call("producer", "satudata_request_revise", id=first["id"])
    round_, sent = _send_second_round(region)
    assert [i["owner_org"] for i in sent["held_back"]] == [region.opd_a["id"]]
    assert (sent["created"], sent["new_periods"]) == (1, 1)

    with freeze_time("2026-07-02 03:00:00"):
        region.call("verifier", "satudata_request_verify", id=first["id"])
        region.call("kabid", "satudata_request_approve", id=first["id"])
        region.call("kadis", "satudata_request_approve", id=first["id"])
        publish(region, first)
        again = helpers.call_action("satudata_round_send", context={
            "user": region.users["sysadmin"]["name"]}, id=round_["id"])
    assert (again["created"], again["new_periods"], again["held_back"]) == (1, 1, [])


def test_a_correction_staged_before_the_next_period_opened_is_not_revised_as_the_first(
        clean_db, clean_index):
    """A correction staged (not sent) when Semester II was sent: the
    first request could still be revised, one staged revision then reviewed
    as Semester I's correction while labelled Semester II's, and Semester
    II's producers locked out of their dataset until that review ended."""
    region, first = _first_periods()
    with freeze_time("2026-06-01 03:00:00"):
        region.call("producer", "package_patch", id=first["package_id"],
                    notes="Catatan koreksi semester I")
    _round, sent = _send_second_round(region)
    assert sent["new_periods"] == 2
    with freeze_time("2026-07-02 03:00:00"):
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "satudata_request_revise", id=first["id"])
        # nor offered on its page (its button could only be refused): it says why
        shown = region.call("producer", "satudata_request_show", id=first["id"])
    assert "Semester II 2026" in err.value.error_dict["revision"][0]
    assert shown["state"] == "published" and "revise" not in shown["allowed_transitions"]
    assert err.value.error_dict["revision"][0] in shown["held_back"]


def test_the_round_create_command_names_the_items_it_held_back(clean_db, clean_index, cli):
    """``round-create --send`` printed "Sent 1 request(s)." alone: the
    officer believed the whole Daftar Data was requested."""
    from ckanext.satudata import cli as satudata_cli

    region, first = _first_periods()
    with freeze_time("2026-06-01 03:00:00"):
        region.call("producer", "package_patch", id=first["package_id"],
                    notes="Catatan koreksi semester I")
        region.call("producer", "satudata_request_revise", id=first["id"])
    with freeze_time("2026-06-22 02:00:00"):
        result = cli.invoke(satudata_cli.satudata, [
            "round-create", "semester-2-2026", "--title", "Semester II 2026", "--year", "2026",
            "--start-date", "2026-07-01", "--send"])
    assert result.exit_code == 0, result.output
    assert "Held back 1 item(s)" in result.output, result.output
    assert first["item_title"] in result.output


def test_a_round_sent_while_a_correction_is_revised_waits_for_it(clean_db, clean_index):
    """A round sent at the same moment as the first period's correction
    (revise) did not see it: the new period was sent, and could take no
    table while the correction was reviewed."""
    from ..conftest import answer_while_held

    region, first = _first_periods()
    site = {"user": region.users["sysadmin"]["name"]}
    with freeze_time("2026-06-01 03:00:00"):
        region.call("producer", "package_patch", id=first["package_id"],
                    notes="Catatan koreksi semester I")
    round_ = _create_second_round(region)
    with freeze_time("2026-07-01 01:00:00"):
        # the correction's revise, not committed yet
        helpers.call_action("satudata_request_revise", context={
            "user": region.users["producer"]["name"], "defer_commit": True}, id=first["id"])
        sent = answer_while_held(lambda: helpers.call_action(
            "satudata_round_send", context=dict(site), id=round_["id"]))
    assert [i["owner_org"] for i in sent["held_back"]] == [region.opd_a["id"]], sent


def test_a_second_period_waits_for_a_withdrawn_first_and_skips_an_archived_one(
        clean_db, clean_index):
    """Semester I of OPD A's indicator withdrawn: Semester II got a second
    dataset, and publishing Semester I again gave the indicator two public
    datasets. OPD B's archived: its new period went onto the archived
    dataset, which its producers cannot change (a request nobody could
    complete). Now A's item waits, B's gets a dataset of its own."""
    region, first = _first_periods()
    other = region.request_of(region.opd_b)
    with freeze_time("2026-06-01 03:00:00"):
        region.call("walidata_admin", "satudata_request_withdraw", id=first["id"],
                    note="Angka keliru")
        region.call("walidata_admin", "satudata_request_archive", id=other["id"])
    round_, sent = _send_second_round(region)
    assert [i["owner_org"] for i in sent["held_back"]] == [region.opd_a["id"]]
    assert (sent["created"], sent["new_periods"]) == (1, 0)
    (b_second,) = region.call("sysadmin", "satudata_request_list",
                              round_id=round_["id"])["results"]
    assert b_second["package_id"] != other["package_id"]
    # the producers of B can work on it
    add_csv(region, "producer_b", b_second["package_id"], "tahun,jumlah\n2026,3\n")


def test_an_item_still_collected_in_another_round_waits(region):
    """An item whose request in another round is still with its producers
    (returned for revision) was sent again: a second request and a second
    dataset for one indicator, two e-mails to the OPD asking for it with two
    deadlines. It waits, unless the walidata asks for new datasets."""
    first = region.request_of(region.opd_a)
    complete_metadata(first["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=first["id"])
    region.call("verifier", "satudata_request_return", id=first["id"], note="Lengkapi")
    second = CollectionRound(name="semester-2-2026", title="Semester II 2026")
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_round_send", id=second["id"])
    assert "state" in err.value.error_dict
    assert not region.call("sysadmin", "satudata_request_list",
                           round_id=second["id"])["results"]
    sent = region.call("walidata_admin", "satudata_round_send", id=second["id"],
                       new_datasets=True)
    assert sent["created"] == 2 and sent["held_back"] == []


def _download(app, pkg_id: str, resource_id: str):
    return app.get(tk.url_for("resource.download", id=pkg_id, resource_id=resource_id,
                              filename="tabel.csv"))


def test_a_withdrawn_first_periods_table_stays_out_of_the_open_second_period(
        two_periods, app):
    """Semester I withdrawn (the dataset private) while Semester II was
    open on it: its table was changed and deleted through Semester II's
    staging (200), Semester II's publication took it out for good, and
    publishing Semester I again did not bring it back."""
    region, first, second = two_periods
    pkg_id = first["package_id"]
    (table,) = _public("package_show", id=pkg_id)["resources"]
    with freeze_time("2026-07-03 03:00:00"):
        region.call("walidata_admin", "satudata_request_withdraw", id=first["id"],
                    note="Semester I ditarik")
    with freeze_time("2026-07-04 03:00:00"):
        for action, data in (("resource_patch", {"name": "Diganti semester II"}),
                             ("resource_update", {"name": "Diganti", "url": "http://x.test/a.csv",
                                                  "format": "CSV"}),
                             ("resource_delete", {})):
            with pytest.raises(tk.ValidationError) as refused:
                region.call("producer", action, id=table["id"], **data)
            assert FIRST in str(refused.value.error_dict), action
    _publish_second(region, second)
    assert _resource_names(pkg_id) == [MARKER]
    with freeze_time("2026-07-22 03:00:00"):
        region.call("walidata_admin", "satudata_request_publish", id=first["id"],
                    version=seen(first["id"]))
    assert _resource_names(pkg_id) == [FIRST, MARKER]
    assert _public("package_show", id=pkg_id)["resources"][0]["id"] == table["id"]
    assert _download(app, pkg_id, table["id"]).body == "tahun,jumlah\n2025,10\n"


def test_a_periods_table_withdrawn_while_a_revision_is_staged_leaves_the_revision(
        second_published, app):
    """Both periods public, a correction of Semester II staged (its staging
    holds both tables), then Semester I withdrawn: its table stayed in the
    staged revision, where a producer could still change it (200) — the
    correction's publication then kept the change as Semester I's."""
    region, first, second = second_published
    pkg_id = first["package_id"]
    first_id, second_id = [r["id"] for r in _public("package_show", id=pkg_id)["resources"]]
    with freeze_time("2026-07-20 03:00:00"):
        region.call("producer", "package_patch", id=pkg_id, notes="Catatan semester II")
        region.call("walidata_admin", "satudata_request_withdraw", id=first["id"],
                    note="Semester I ditarik")
    with freeze_time("2026-07-21 03:00:00"):
        with pytest.raises(tk.ObjectNotFound):
            region.call("producer", "resource_patch", id=first_id, name="Diganti")
        staged = helpers.call_action("package_show", context=dict(
            region.ctx("producer"), for_update=True), id=pkg_id)
        assert [r["id"] for r in staged["resources"]] == [second_id]
        region.call("producer", "satudata_request_revise", id=second["id"])
        region.call("verifier", "satudata_request_verify", id=second["id"])
        region.call("kabid", "satudata_request_approve", id=second["id"])
        region.call("kadis", "satudata_request_approve", id=second["id"])
        publish(region, second)
    assert _resource_names(pkg_id) == [MARKER]
    assert _public("package_show", id=pkg_id)["notes"] == "Catatan semester II"
    with freeze_time("2026-07-22 03:00:00"):
        region.call("walidata_admin", "satudata_request_publish", id=first["id"],
                    version=seen(first["id"]))
    assert _resource_names(pkg_id) == [FIRST, MARKER]
    assert _download(app, pkg_id, first_id).body == "tahun,jumlah\n2025,10\n"


def test_a_period_published_again_goes_back_into_the_revision_staged_meanwhile(
        second_published, app):
    """Semester I withdrawn, a correction of Semester II staged without its
    table, Semester I published again: the correction's publication then
    deleted Semester I's table (the page still said "published — 0 tables",
    its address answered 404 to everyone)."""
    region, first, second = second_published
    pkg_id = first["package_id"]
    first_id, second_id = [r["id"] for r in _public("package_show", id=pkg_id)["resources"]]
    with freeze_time("2026-07-20 03:00:00"):
        region.call("walidata_admin", "satudata_request_withdraw", id=first["id"],
                    note="Semester I ditarik", version=seen(first["id"]))
        region.call("producer", "package_patch", id=pkg_id, notes="Catatan semester II")
    with freeze_time("2026-07-21 03:00:00"):
        region.call("walidata_admin", "satudata_request_publish", id=first["id"],
                    version=seen(first["id"]))
        staged = helpers.call_action("package_show", context=dict(
            region.ctx("producer"), for_update=True), id=pkg_id)
        assert [r["id"] for r in staged["resources"]] == [first_id, second_id]
        region.call("producer", "satudata_request_revise", id=second["id"])
        region.call("verifier", "satudata_request_verify", id=second["id"])
        region.call("kabid", "satudata_request_approve", id=second["id"])
        region.call("kadis", "satudata_request_approve", id=second["id"])
        publish(region, second)
    assert _resource_names(pkg_id) == [FIRST, MARKER]
    assert _public("package_show", id=pkg_id)["notes"] == "Catatan semester II"
    assert _download(app, pkg_id, first_id).body == "tahun,jumlah\n2025,10\n"

def test_archiving_a_period_while_another_is_on_its_way_says_what_follows(two_periods, app):
    """The archive form said nothing, and the dataset page then said it was
    archived and "no longer updated" while its next period was reviewed."""
    region, first, second = two_periods
    page = login(app, "admin-walidata").get(
        tk.url_for("satudata_request.read", id=first["id"])).body
    form = re.search(r'<form[^>]*satudata-transition-archive.*?</form>', page, re.S).group(0)
    assert "Periode lain dataset ini masih berjalan: Semester II 2026" in form


def test_an_item_waiting_on_a_request_of_a_closed_round_says_how_to_free_it(
        clean_db, clean_index, app):
    """The earlier request of an item was still with its producers when its
    round was closed: the next round held the item back "until the earlier
    period is released", which a closed round never lets happen. The round's
    page says to cancel that request or to reopen its round."""
    from ..factories import csrf_token, login

    region = build_region()
    site = {"user": region.users["sysadmin"]["name"]}
    with freeze_time("2026-06-15 02:00:00"):
        helpers.call_action("satudata_round_update", context=dict(site), id=region.round["id"],
                            state="closed")
    round_ = _create_second_round(region)
    with freeze_time("2026-07-01 01:00:00"):
        admin = login(app, region.users["sysadmin"]["name"])
        page = admin.get(f"/permintaan-data/putaran/{round_['name']}")
        answer = admin.post(f"/permintaan-data/putaran/{round_['name']}/send", data={
            "_csrf_token": csrf_token(page.body), "confirm": "1"}, follow_redirects=True)
    body = re.sub(r"\s+", " ", answer.body)
    assert "Batalkan permintaan itu, atau buka kembali putarannya" in body, body[:3000]
    assert f"({region.round['title']})" in body
    sent = helpers.call_action("satudata_round_show", context=dict(site), id=round_["id"])
    assert sent["state"] == "draft"  # nothing was sent: every item waits
