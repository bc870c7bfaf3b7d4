# -*- coding: utf-8 -*-
"""Publish, withdraw and archive against the real database, index and
activity stream: who sees what, and the audit trail."""
from __future__ import annotations

import re
import uuid

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ..conftest import answer_while_held, statements_run
from ..factories import (add_csv, complete_metadata, csv_upload, login, publish, seen,
                         to_ready)

# ``region``: the small region of tests/conftest.py, put back for each test


def _anon_show(package_id):
    return helpers.call_action("package_show", context={"user": "", "ignore_auth": False}, id=package_id)


def _anon_search(**params):
    return helpers.call_action("package_search", context={"user": "", "ignore_auth": False}, **params)


class TestPublish:
    def test_ready_request_is_private_until_published(self, region, app):
        request = region.request_of(region.opd_a)
        to_ready(region, request)
        # not found, as its page says: a 403 told that a dataset of that name exists
        with pytest.raises(tk.ObjectNotFound):
            _anon_show(request["package_id"])
        pkg = helpers.call_action("package_show", id=request["package_id"])
        for action in ("package_show", "package_activity_list", "dataset_follower_count",
                       "am_following_dataset", "package_collaborator_list",
                       "satudata_revision_show", "satudata_metadata_check",
                       "satudata_data_check_list"):
            # word for word the same answer as for a name nobody took
            answers = [app.get(f"/api/3/action/{action}", query_string={"id": ref},
                               status=404).json["error"]
                       for ref in (pkg["name"], "tidak-pernah-ada")]
            assert answers[0] == answers[1], (action, answers)
            assert answers[0]["__type"] == "Not Found Error", action
        for page in (f"/dataset/{pkg['name']}/metadata/template.xlsx",
                     "/dataset/tidak-pernah-ada/metadata/template.xlsx"):
            assert app.get(page).status_code == 404, page

        result = publish(region, request)

        assert result["state"] == "published"
        assert result["event"]["transition"] == "publish"
        pkg = _anon_show(request["package_id"])
        assert pkg["private"] is False
        facts = pkg["satudata_dissemination"]
        assert facts["status"] == "published" and facts["round_id"] == region.round["id"]
        assert facts["round_title"] == "Semester I 2026"
        found = _anon_search(q="*:*")["results"]
        assert [p["id"] for p in found] == [request["package_id"]]
        assert found[0]["satudata_dissemination"]["status"] == "published"

    def test_changing_an_unreadable_dataset_says_it_is_not_found(self, region, app):
        """Every action that names a dataset (or one of its tables) answers
        an outsider, logged in or not, word for word as for a name nobody
        took: CKAN's 403 or an "under review" told them the dataset exists."""
        request = region.request_of(region.opd_a)
        table = add_csv(region, "producer", request["package_id"], "a;b\n1;2\n")
        name = helpers.call_action("package_show", id=request["package_id"])["name"]
        outsider = factories.UserWithToken()
        group = factories.Group()
        by_dataset = {
            "package_update": lambda ref: {"id": ref, "title": "Diubah"},
            "package_patch": lambda ref: {"id": ref, "title": "Diubah"},
            "package_delete": lambda ref: {"id": ref},
            "dataset_purge": lambda ref: {"id": ref},
            "unfollow_dataset": lambda ref: {"id": ref},
            "package_collaborator_create": lambda ref: {
                "id": ref, "user_id": outsider["name"], "capacity": "editor"},
            "package_collaborator_delete": lambda ref: {"id": ref, "user_id": outsider["name"]},
            "resource_create": lambda ref: {"package_id": ref, "name": "Tabel",
                                            "url": "https://example.org/tabel.csv"},
            "member_create": lambda ref: {"id": group["id"], "object": ref,
                                          "object_type": "package", "capacity": "public"},
            "member_delete": lambda ref: {"id": group["id"], "object": ref,
                                          "object_type": "package"},
            "package_relationship_create": lambda ref: {"subject": ref, "object": ref,
                                                        "type": "depends_on"},
            "satudata_revision_discard": lambda ref: {"id": ref},
            "satudata_metadata_template": lambda ref: {"id": ref},
            "satudata_metadata_import": lambda ref: {"id": ref},
            "package_relationships_list": lambda ref: {"id": ref},
        }
        by_table = {
            "resource_show": lambda ref: {"id": ref},
            "resource_update": lambda ref: {"id": ref, "url": "https://example.org/b.csv"},
            "resource_patch": lambda ref: {"id": ref, "name": "Diubah"},
            "resource_delete": lambda ref: {"id": ref},
        }
        cases = [(action, body, (name, "tidak-pernah-ada"))
                 for action, body in by_dataset.items()] + [
                (action, body, (table["id"], str(uuid.uuid4())))
                for action, body in by_table.items()]
        told_apart = []
        for headers in ({}, {"Authorization": outsider["token"]}):
            for action, body, refs in cases:
                answers = [app.post(f"/api/3/action/{action}", json=body(ref), headers=headers)
                           for ref in refs]
                if [a.status_code for a in answers] != [404, 404] \
                        or answers[0].json["error"] != answers[1].json["error"]:
                    told_apart.append((action, bool(headers),
                                       [(a.status_code, a.json["error"]) for a in answers]))
        assert told_apart == []
        # nothing changed
        pkg = helpers.call_action("package_show", id=request["package_id"])
        assert pkg["title"] != "Diubah" and pkg["state"] == "active"
        assert [r["id"] for r in pkg["resources"]] == [table["id"]]

    def test_facts_come_from_the_index_without_a_query(self, region):
        """The search index keeps the publication facts: showing or
        searching a published dataset reads none of satudata's tables, and
        a renamed round shows its new title."""
        request = region.request_of(region.opd_a)
        to_ready(region, request)
        publish(region, request)
        model.Session.remove()
        with statements_run() as statements:
            pkg = _anon_show(request["package_id"])
            found = _anon_search(q="*:*")["results"]
        assert pkg["satudata_dissemination"]["status"] == "published"
        assert found[0]["satudata_dissemination"]["round_title"] == "Semester I 2026"
        # (failed once under load: which statements, to tell a fall-back to
        # the database when Solr was slow from a query of the extension's)
        assert not [s for s in statements if "satudata_" in s], statements

        region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                    title="Semester I 2026 (revisi)")
        assert _anon_show(request["package_id"])["satudata_dissemination"][
            "round_title"] == "Semester I 2026 (revisi)"
        assert _anon_search(q="*:*")["results"][0]["satudata_dissemination"][
            "round_title"] == "Semester I 2026 (revisi)"

    def test_facts_from_the_database_in_one_query(self, region):
        """Read from the database (by the indexer, or a dataset the index
        does not hold yet), the facts of a published dataset take one
        query: the record, the dataset's requests and their rounds."""
        from ckanext.satudata.lib import publishing
        request = region.request_of(region.opd_a)
        to_ready(region, request)
        publish(region, request)
        indexed = _anon_show(request["package_id"])["satudata_dissemination"]
        model.Session.remove()
        with statements_run() as statements:
            facts = publishing.public_facts(request["package_id"])
        assert len(statements) == 1
        assert facts == indexed
        assert facts["round_title"] == "Semester I 2026"
        assert [(p["title"], p["status"]) for p in facts["periods"]] == [
            ("Semester I 2026", "published")]

    def test_producer_cannot_make_a_dataset_public(self, region):
        request = region.request_of(region.opd_a)
        with pytest.raises(tk.ValidationError) as err:  # it was 200, ignored without a word
            region.call("producer", "package_patch", id=request["package_id"], private=False)
        assert "private" in err.value.error_dict
        assert region.call("producer", "package_show", id=request["package_id"])["private"]
        created = region.call("producer", "package_create", name="buatan-produsen",
                              title="Buatan Produsen", owner_org=region.opd_a["id"],
                              private=False)
        assert created["private"] is True
        with pytest.raises(tk.NotAuthorized):
            region.call("producer", "bulk_update_public", datasets=[created["id"]],
                        org_id=region.opd_a["id"])
        assert _anon_search(q="*:*")["count"] == 0

    def test_what_is_published_is_what_was_approved(self, region):
        request = region.request_of(region.opd_a)
        complete_metadata(request["package_id"], "produsen-a")
        region.call("producer", "satudata_request_submit", id=request["id"])
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "package_patch", id=request["package_id"],
                        title="Diubah saat diverifikasi")
        assert "state" in err.value.error_dict
        region.call("verifier", "satudata_request_return", id=request["id"],
                    note="Lengkapi satuan")
        region.call("producer", "package_patch", id=request["package_id"],
                    title="Diperbaiki setelah dikembalikan")
        region.call("producer", "satudata_request_resubmit", id=request["id"])
        region.call("verifier", "satudata_request_verify", id=request["id"])
        region.call("kabid", "satudata_request_approve", id=request["id"])
        region.call("kadis", "satudata_request_approve", id=request["id"])
        with pytest.raises(tk.ValidationError):
            region.call("producer", "package_patch", id=request["package_id"],
                        title="Diubah setelah disetujui")
        publish(region, request)
        assert _anon_show(request["package_id"])["title"] == "Diperbaiki setelah dikembalikan"

    def test_producer_cannot_delete_or_hide_published_data(self, region):
        request = region.request_of(region.opd_a)
        to_ready(region, request)
        publish(region, request)
        org_admin = region.users["producer"]["name"]
        helpers.call_action("organization_member_create", id=region.opd_a["id"],
                            username=org_admin, role="admin")
        with pytest.raises(tk.NotAuthorized):
            region.call("producer", "package_delete", id=request["package_id"])
        for action in ("bulk_update_private", "bulk_update_delete"):
            with pytest.raises(tk.NotAuthorized):
                region.call("producer", action, datasets=[request["package_id"]],
                            org_id=region.opd_a["id"])
        # nor hidden by an edit: refused, with the way (it answered 200 and
        # kept the data public, the caller believing it hidden)
        for user, action, data in (
                ("producer", "package_patch", {"id": request["package_id"], "private": True}),
                ("sysadmin", "package_patch", {"id": request["package_id"], "private": "on"}),
                ("producer", "package_revise", {"match": {"id": request["package_id"]},
                                                "update": {"private": True}}),
                ("producer", "package_revise", {"match__id": request["package_id"],
                                                "update__private": "true"})):
            with pytest.raises(tk.ValidationError) as err:
                region.call(user, action, **data)
            assert "withdraws" in err.value.error_dict["private"][0]
        assert region.call("producer", "satudata_revision_show",
                           id=request["package_id"]) is None
        assert _anon_show(request["package_id"])["private"] is False

    def test_not_even_a_sysadmin_purges_a_requests_dataset(self, region, app):
        """A purge took a dataset under review off the portal with no
        withdrawal and left its request to be verified with no dataset."""
        reviewed, published = region.request_of(region.opd_a), region.request_of(region.opd_b)
        # the dataset form offers no delete button that would lead to a refusal
        edit = tk.url_for("dataset.edit", id=reviewed["package_id"])
        for user in ("produsen-a", "sysadmin-uji"):
            form = login(app, user).get(edit).body
            assert "/dataset/delete/" not in form, user
        complete_metadata(reviewed["package_id"], region.users["producer"]["name"])
        region.call("producer", "satudata_request_submit", id=reviewed["id"])
        to_ready(region, published)
        publish(region, published)
        for request in (reviewed, published):
            with pytest.raises(tk.NotAuthorized):
                region.call("sysadmin", "dataset_purge", id=request["package_id"])
            assert region.call("sysadmin", "satudata_request_show",
                               id=request["id"])["package_id"] == request["package_id"]
        assert _anon_show(published["package_id"])["private"] is False
        # a dataset outside the workflow is purged as CKAN purges it
        other = region.call("sysadmin", "package_create", name="di-luar-alur",
                            owner_org=region.opd_a["id"])
        region.call("sysadmin", "dataset_purge", id=other["id"])
        with pytest.raises(tk.ObjectNotFound):
            region.call("sysadmin", "package_show", id=other["id"])

    def test_only_walidata_admin_publishes(self, region):
        request = region.request_of(region.opd_a)
        to_ready(region, request)
        for who in ("producer", "verifier", "kadis"):
            with pytest.raises(tk.NotAuthorized):
                region.call(who, "satudata_request_publish", id=request["id"])
        with pytest.raises(tk.ObjectNotFound):  # a citizen: as if there were none
            region.call("public", "satudata_request_publish", id=request["id"])
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_request_publish",
                        id=region.request_of(region.opd_b)["id"])
        assert "state" in err.value.error_dict


@pytest.mark.parametrize("change", ["upload", "patch", "update"])
def test_a_change_that_waited_for_the_first_publication_goes_into_a_revision(
        region, app, change):
    """A producer's upload (or edit) sent while the dataset was being
    published for the first time waited for the publication, then went
    into the public dataset unreviewed, a file the data check had flagged
    as personal data included: it had read the dataset as unpublished
    before it waited. After the wait it is staged as a revision."""
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    package_id = request["package_id"]
    before = helpers.call_action("package_show", id=package_id)
    # the publication, not committed yet (it holds the dataset's gate)
    helpers.call_action("satudata_request_publish", context={
        "user": region.users["walidata_admin"]["name"], "defer_commit": True},
        id=request["id"], version=seen(request["id"]))
    context = {"user": region.users["producer"]["name"], "ignore_auth": False}

    def change_it() -> object:
        if change == "upload":
            return helpers.call_action(
                "resource_create", context=context, package_id=package_id,
                name="Tambahan", format="CSV", url="p.csv",
                upload=csv_upload("nama,nik\nBudi,3201012505800001\n", "p.csv"))
        if change == "patch":
            return helpers.call_action("package_patch", context=context, id=package_id,
                                       notes="Diubah ketika diterbitkan")
        # the whole dataset, as the page had it
        return helpers.call_action("package_update", context=context,
                                   **dict(before, notes="Diubah ketika diterbitkan"))

    outcome = answer_while_held(change_it, app)
    assert not isinstance(outcome, Exception), outcome
    live = _anon_show(package_id)
    assert [r["id"] for r in live["resources"]] == [r["id"] for r in before["resources"]]
    assert live["notes"] == before["notes"]
    staged = region.call("producer", "satudata_revision_show", id=package_id)["data"]
    if change == "upload":
        assert [r["name"] for r in staged["resources"]][-1] == "Tambahan"
    else:
        assert staged["notes"] == "Diubah ketika diterbitkan"


class TestWithdrawArchive:
    def test_withdraw_needs_a_reason_and_hides_everything(self, region, app):
        request = region.request_of(region.opd_a)
        to_ready(region, request)
        publish(region, request)
        anonymous = {"user": "", "ignore_auth": False}

        def public_activity():
            """Activities of the dataset in the streams that rely on labels."""
            streams = (
                helpers.call_action("recently_changed_packages_activity_list",
                                    context=dict(anonymous)),
                # users' streams: logged-in readers only (public_user_details)
                helpers.call_action("user_activity_list", context={
                    "user": region.users["public"]["name"], "ignore_auth": False},
                                    id=region.users["walidata_admin"]["name"]),
            )
            return [a for stream in streams for a in stream
                    if a["object_id"] == request["package_id"]]

        assert public_activity()
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_request_withdraw", id=request["id"])
        assert "note" in err.value.error_dict
        result = region.call("walidata_admin", "satudata_request_withdraw",
                             id=request["id"], note="Angka keliru")

        assert result["state"] == "withdrawn"
        with pytest.raises(tk.ObjectNotFound):
            _anon_show(request["package_id"])
        assert _anon_search(q="*:*")["count"] == 0
        assert public_activity() == []
        # the producers still see their dataset and its whole history
        own = region.call("producer", "package_activity_list", id=request["package_id"])
        assert len(own) >= 3
        # a citizen following a link is told it was withdrawn (not "check the
        # address you typed"), never the reason
        pkg = helpers.call_action("package_show", id=request["package_id"])
        for page in (f"/dataset/{pkg['name']}",
                     f"/dataset/{pkg['name']}/resource/{pkg['resources'][0]['id']}"
                     if pkg["resources"] else f"/dataset/{pkg['id']}"):
            gone = app.get(page)
            assert gone.status_code == 410, page
            assert "ditarik dari publikasi" in gone.body and "Sudah Ditarik" in gone.body
            assert "Angka keliru" not in gone.body and pkg["title"] not in gone.body
            # and where to go next, as links
            for target in ("dataset.search", "satudata_public_request.new", "home.about"):
                assert f'href="{tk.url_for(target)}"' in gone.body, target
            # the date as every page writes it ("4 Desember 2026 21.59 WIB")
            assert re.search(r"pada \d{1,2} [A-Z][a-z]+ \d{4} \d{2}\.\d{2} WIB", gone.body), \
                gone.body[gone.body.index("ditarik"):][:200]
        assert app.get("/dataset/tidak-pernah-ada").status_code == 404
        # its DCAT export too (a harvester learns it is gone, not unknown)
        assert app.get(f"/dataset/{pkg['id']}.ttl").status_code == 410
        assert app.get("/dataset/tidak-pernah-ada.ttl").status_code == 404
        # and a table's DataStore download, an address without its dataset
        for res in pkg["resources"]:
            assert app.get(f"/datastore/dump/{res['id']}").status_code == 410

        # published again: public again, with its public history
        publish(region, request)
        assert _anon_show(request["package_id"])["private"] is False
        assert len(public_activity()) >= 2
        events = region.call("sysadmin", "satudata_request_event_list", id=request["id"])
        transitions = [e["transition"] for e in events]
        assert transitions[-3:] == ["publish", "withdraw", "publish"]
        assert events[-2]["note"] == "Angka keliru"

        # a withdrawal sent again after the republication (a second client
        # of the first one) does not take the data down unseen: it needs the
        # version its sender saw, and a stale one is refused
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                        note="Angka keliru")
        assert "version" in err.value.error_dict
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                        note="Angka keliru", version=events[-2]["version"])
        assert _anon_show(request["package_id"])["private"] is False
        seen = region.call("walidata_admin", "satudata_request_show", id=request["id"])
        assert region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                           note="Lagi", version=seen["version"])["state"] == "withdrawn"

    def test_archived_reachable_by_url_not_in_default_search(self, region, app):
        request = region.request_of(region.opd_a)
        add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2025,3\n")
        to_ready(region, request)
        publish(region, request)
        region.call("walidata_admin", "satudata_request_archive", id=request["id"])

        pkg = _anon_show(request["package_id"])
        assert pkg["satudata_dissemination"]["status"] == "archived"
        assert _anon_search(q="*:*")["count"] == 0
        archived = _anon_search(q="*:*", fq="satudata_status:archived")
        assert [p["id"] for p in archived["results"]] == [request["package_id"]]
        page = app.get(tk.url_for("dataset.read", id=pkg["name"]))
        assert page.status_code == 200
        assert "satudata-archived-banner" in page.body
        listing = app.get("/dataset/", query_string={"satudata_status": "archived"})
        assert pkg["title"] in listing.body
        # the active filter is named, in the reader's language ("None: archived")
        pills = listing.body[listing.body.index('class="filter-list"'):][:600]
        assert "Status:" in pills and "Diarsipkan" in pills and "None" not in pills, pills
        default = app.get("/dataset/").body
        assert pkg["title"] not in default
        assert "satudata_status=archived" in default  # the archive filter
        events = region.call("sysadmin", "satudata_request_event_list", id=request["id"])
        assert events[-1]["transition"] == "archive"
        # its producers are offered no edit (refused only once the form was filled in)
        assert region.may("package_update", ["producer"],
                          id=request["package_id"]) == {"producer": False}
        producer = login(app, "produsen-a")
        page = producer.get(tk.url_for("dataset.read", id=pkg["name"])).body
        assert f"/dataset/edit/{pkg['name']}" not in page
        assert producer.get(f"/dataset/edit/{pkg['name']}").status_code in (403, 404)
        # nor a table, told why in the same words (CKAN's refusal named the
        # dataset's id)
        table = pkg["resources"][0]["id"]
        for action, data in (("resource_create", {"package_id": pkg["id"], "url": "x.csv",
                                                  "name": "Baru"}),
                             ("resource_patch", {"id": table, "name": "Ganti"}),
                             ("resource_delete", {"id": table})):
            with pytest.raises(tk.NotAuthorized) as refused:
                region.call("producer", action, **data)
            assert "Archived datasets cannot be changed" in str(refused.value), action


def test_a_requests_dataset_stays_with_its_opd(region):
    """An editor of two OPDs cannot move a request's dataset (a draft, or
    published data through its revision) to the other OPD, nor can a
    sysadmin; a dataset outside the workflow moves as CKAN lets it."""
    region.call("sysadmin", "organization_member_create", id=region.opd_b["id"],
                username="produsen-a", role="editor")
    draft_request = region.request_of(region.opd_a)
    published_request = region.request_of(region.opd_b)
    to_ready(region, published_request)
    publish(region, published_request)
    for request, own, other in ((draft_request, region.opd_a, region.opd_b),
                                (published_request, region.opd_b, region.opd_a)):
        for org in (other["id"], other["name"]):
            with pytest.raises(tk.ValidationError) as err:
                region.call("producer", "package_patch", id=request["package_id"],
                            owner_org=org)
            assert list(err.value.error_dict) == ["owner_org"]
        for org in (other["id"], None):
            with pytest.raises(tk.ValidationError):
                region.call("sysadmin", "package_owner_org_update",
                            id=request["package_id"], organization_id=org)
        # its own OPD, by id or by name, is no move
        region.call("producer", "package_patch", id=request["package_id"],
                    owner_org=own["name"], notes="Tetap di OPD-nya")
        assert region.call("sysadmin", "package_show", id=request["package_id"])[
            "owner_org"] == own["id"]
    assert region.call("producer", "satudata_revision_show",
                       id=published_request["package_id"])["data"]["owner_org"] \
        == region.opd_b["id"]
    with pytest.raises(tk.NotAuthorized):
        region.call("producer", "package_owner_org_update",
                    id=draft_request["package_id"], organization_id=region.opd_b["id"])
    other = region.call("producer", "package_create", name="di-luar-alur", title="Di luar",
                        owner_org=region.opd_a["id"])
    moved = region.call("producer", "package_patch", id=other["id"],
                        owner_org=region.opd_b["id"])
    assert moved["owner_org"] == region.opd_b["id"]


def test_the_reports_counts_agree_with_the_berita_acara(region):
    """The report's draft counted a withdrawn dataset as never verified
    (the Berita Acara counts it) and a cancelled request as still asked for
    ("1 of 5 verified" with 4 cancelled)."""
    from ckanext.satudata.lib import round_report

    published, cancelled = region.request_of(region.opd_a), region.request_of(region.opd_b)
    to_ready(region, published)
    publish(region, published)
    region.call("walidata_admin", "satudata_request_withdraw", id=published["id"],
                note="Angka keliru")
    region.call("walidata_admin", "satudata_request_cancel", id=cancelled["id"],
                note="Tidak jadi dihimpun")
    summary = round_report.summary(region.round["id"])
    assert summary["total"] == len(region.requests) - 1
    assert summary["verified"] == 1


def test_a_publish_made_before_a_withdrawal_does_not_undo_it(region):
    """A withdrawal and a publish fired at once through the API (no
    ``version``) took turns: each publish undid the withdrawal before it,
    each with its e-mail and publication rebuild. Publishing a withdrawn (or
    scheduled) request again needs the version of the request one saw."""
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    publish(region, request)
    region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                note="Angka salah")
    with pytest.raises(tk.ValidationError) as err:  # clicked before the withdrawal
        region.call("walidata_admin", "satudata_request_publish", id=request["id"])
    assert "withdrawn" in err.value.error_dict["version"][0]
    assert region.call("walidata_admin", "satudata_request_show",
                       id=request["id"])["state"] == "withdrawn"
    # from its page, as it is now: published again
    shown = region.call("walidata_admin", "satudata_request_show", id=request["id"])
    assert region.call("walidata_admin", "satudata_request_publish", id=request["id"],
                       version=shown["version"])["state"] == "published"


def test_a_cancel_made_before_the_approval_does_not_end_a_scheduled_release(region):
    """A cancel fired while the request was still in review, taken once
    the chain had approved it and an officer had scheduled its release,
    ended both unseen (a cancellation cannot be undone); so did a revision's."""
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    region.call("walidata_admin", "satudata_request_schedule", id=request["id"],
                release_at="2099-01-05 09:00")
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_request_cancel", id=request["id"],
                    note="Tidak diperlukan")
    assert "version" in err.value.error_dict
    assert region.call("walidata_admin", "satudata_request_show",
                       id=request["id"])["state"] == "scheduled"
    # from its page, as it is now: ended
    assert region.call("walidata_admin", "satudata_request_cancel", id=request["id"],
                       note="Tidak diperlukan", version=seen(request["id"]))["state"] \
        == "cancelled"
    other = region.request_of(region.opd_b)
    to_ready(region, other)
    publish(region, other)
    region.call("producer_b", "package_patch", id=other["package_id"], notes="Revisi")
    region.call("producer_b", "satudata_request_revise", id=other["id"])
    region.call("verifier", "satudata_request_verify", id=other["id"])
    region.call("kabid", "satudata_request_approve", id=other["id"])
    region.call("kadis", "satudata_request_approve", id=other["id"])
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_request_cancel_revision", id=other["id"],
                    note="Tidak jadi")
    assert "version" in err.value.error_dict
    assert region.call("walidata_admin", "satudata_request_cancel_revision", id=other["id"],
                       note="Tidak jadi", version=seen(other["id"]))["state"] == "published"


def test_a_renamed_opd_is_searched_under_its_new_name(region):
    """CKAN indexes none of an organization's datasets again when it is
    renamed: its datasets in progress were listed under the old name and
    title (a facet of an OPD that no longer existed), and searching by the
    new name missed them."""
    request = region.request_of(region.opd_a)
    region.call("sysadmin", "organization_patch", id=region.opd_a["id"],
                name="dinas-kesehatan-baru", title="Dinas Kesehatan (baru)")
    found = helpers.call_action(
        "package_search", context={"user": region.users["sysadmin"]["name"]},
        fq="organization:dinas-kesehatan-baru", include_private=True, rows=100)["results"]
    assert request["package_id"] in {p["id"] for p in found}
    shown = next(p for p in found if p["id"] == request["package_id"])
    assert shown["organization"]["title"] == "Dinas Kesehatan (baru)"
    assert not helpers.call_action(
        "package_search", context={"user": region.users["sysadmin"]["name"]},
        fq="organization:" + region.opd_a["name"], include_private=True)["count"]


def test_an_uploaded_files_address_is_the_same_in_every_language(region, app):
    """A table uploaded from an English page kept "/en/" in its download
    address: the index copy that package_show, search and the DCAT feed
    serve carried the language of the page that indexed it, for everyone."""
    import flask_babel

    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    english = {"CKAN_LANG": "en", "CKAN_LANG_IS_DEFAULT": False}
    with app.flask_app.test_request_context("/en/dataset/", environ_overrides=english), \
            flask_babel.force_locale("en"):
        resource = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2026,1\n")
    site = tk.config.get("ckan.site_url").rstrip("/")
    shown = helpers.call_action("package_show", id=request["package_id"])
    url = next(r["url"] for r in shown["resources"] if r["id"] == resource["id"])
    assert url.startswith(f"{site}/dataset/"), url
    found = helpers.call_action("package_search", q=f"id:{request['package_id']}",
                                include_private=True)["results"][0]
    assert all("/en/" not in r["url"] for r in found["resources"])


def test_a_groups_editor_changes_no_reviewed_data_through_membership(region):
    """member_create/member_delete (the dataset's "Grup" tab) put data under
    review, or published data, into a group at once: the same change by
    package_patch is refused, or staged for review."""
    request = region.request_of(region.opd_a)
    group = factories.Group(name="tema-kesehatan", users=[
        {"name": "produsen-a", "capacity": "admin"},
        {"name": "admin-walidata", "capacity": "editor"}])
    membership = {"id": group["name"], "object": request["package_id"],
                  "object_type": "package", "capacity": "public"}
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    with pytest.raises(tk.ValidationError) as refused:  # under review
        region.call("producer", "member_create", **membership)
    assert "state" in refused.value.error_dict
    with pytest.raises(tk.ValidationError):  # nor through the group's own update
        region.call("sysadmin", "group_patch", id=group["name"],
                    packages=[{"id": request["package_id"]}])
    with pytest.raises(tk.ValidationError):  # nor a new group's
        region.call("sysadmin", "group_create", name="tema-baru",
                    packages=[{"id": request["package_id"]}])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    region.call("kadis", "satudata_request_approve", id=request["id"])
    publish(region, request)
    with pytest.raises(tk.ValidationError) as refused:  # published: through its revision
        region.call("producer", "member_create", **membership)
    assert "object" in refused.value.error_dict
    with pytest.raises(tk.ValidationError):
        region.call("producer", "group_patch", id=group["name"],
                    packages=[{"id": request["package_id"]}])
    assert helpers.call_action("package_show", context={"user": ""},
                               id=request["package_id"])["groups"] == []
    # the walidata curates its groups
    region.call("walidata_admin", "member_create", **membership)
    assert [g["name"] for g in helpers.call_action(
        "package_show", context={"user": ""}, id=request["package_id"])["groups"]] == [
            "tema-kesehatan"]
    with pytest.raises(tk.ValidationError):
        region.call("producer", "member_delete", id=group["name"],
                    object=request["package_id"], object_type="package")


def test_a_new_table_with_the_id_of_an_existing_one_is_refused(region):
    """resource_create with the id of a table of the same dataset replaced
    that table (its name, description and file) and added none."""
    request = region.request_of(region.opd_a)
    kept = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2026,1\n")
    region.call("producer", "resource_patch", id=kept["id"], description="Jangan hilang")
    with pytest.raises(tk.ValidationError) as refused:
        region.call("producer", "resource_create", package_id=request["package_id"],
                    id=kept["id"], name="Tabel kedua", url="https://example.org/lain.csv")
    assert list(refused.value.error_dict) == ["id"]
    shown = helpers.call_action("package_show", id=request["package_id"])["resources"]
    assert [(r["id"], r["description"]) for r in shown] == [(kept["id"], "Jangan hilang")]
    # nor a deleted table's (it came back with its deleted file), nor in capitals
    region.call("producer", "resource_delete", id=kept["id"])
    for given in (kept["id"], kept["id"].upper(), "{%s}" % kept["id"],
                  kept["id"].replace("-", "")):
        with pytest.raises(tk.ValidationError):
            region.call("producer", "resource_create", package_id=request["package_id"],
                        id=given, name="Lagi", url="https://example.org/lagi.csv")
    # nor through the dataset's own update
    with pytest.raises(tk.ValidationError) as refused:
        region.call("producer", "package_patch", id=request["package_id"],
                    resources=[{"id": kept["id"]}])
    assert list(refused.value.error_dict) == ["resources"]
    assert helpers.call_action("package_show", id=request["package_id"])["resources"] == []
