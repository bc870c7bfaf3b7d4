# -*- coding: utf-8 -*-
"""The procedure enforced in one place: the state table alone says
who may act, the engine re-checks it under the row lock, and a dataset's
public state follows its request through one function — through every side
door a producer, an approver or a walidata administrator could try."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm.attributes import set_committed_value

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.lib import publication, publishing, states
from ckanext.satudata.lib import engine, notifications, roles
from ckanext.satudata.model import DataRequest, Release

from ..factories import (
    DaftarDataItem, add_csv, build_region, complete_metadata, csrf_token, is_public, login,
    publish, request_state, seen, to_ready,
)

MARKER = "Teks belum ditinjau 5d1f"


@pytest.fixture
def region(world_of):
    return world_of("puskesmas-posyandu", lambda: build_region(("Jumlah Puskesmas", "Jumlah Posyandu")))


def _public_title(package_id: str) -> str:
    return helpers.call_action("package_show", context={"user": "", "ignore_auth": False},
                               id=package_id)["title"]


def _requests(region, org):
    return [r for r in region.requests if r["owner_org"] == org["id"]]


def _published(region, request):
    add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2025,10\n")
    to_ready(region, request)
    publish(region, request)
    return region.call("sysadmin", "package_show", id=request["package_id"])


# -- finding 1: the engine re-checks the table under the lock ----------------------

def test_an_approver_cannot_approve_the_next_level_too(region):
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    # what a second, concurrent call of kabid finds once it gets the lock:
    # refused, by where the request is now (409; it was a 403 "only the
    # approver of the current level", an access-denied page for their click)
    with pytest.raises(tk.ValidationError):
        region.call("kabid", "satudata_request_approve", id=request["id"])
    # the verifier is told where it is now, as one who lost a race is
    with pytest.raises(tk.NotAuthorized) as err:
        region.call("verifier", "satudata_request_return", id=request["id"], note="x")
    assert "moved on past your level" in str(err.value)
    shown = region.call("sysadmin", "satudata_request_show", id=request["id"])
    assert (shown["state"], shown["approval_level"]) == ("verified", 2)
    assert shown["waiting_for"] == "kadis"
    assert shown["waiting_for_label"] in ("Head of Agency", "Kepala Dinas")  # not the code


def test_nobody_decides_on_a_submission_they_took_a_step_of(region):
    """Four eyes: one user given the producer's and every chain role
    submitted, verified and approved their own data at every level."""
    request = region.request_of(region.opd_a)
    producer = region.users["producer"]["name"]
    for role in ("verifikator", "kabid", "kadis"):
        region.call("walidata_admin", "satudata_role_create", user=producer, role=role)
    region.call("walidata_admin", "satudata_role_create", user=region.users["verifier"]["name"],
                role="kabid")
    region.call("walidata_admin", "satudata_role_create", user=region.users["kabid"]["name"],
                role="kadis")
    complete_metadata(request["package_id"], producer)
    region.call("producer", "satudata_request_submit", id=request["id"])

    def refused(who: str, action: str, **data: Any) -> str:
        for ignore_auth in (False, True):  # the auth function, then the engine alone
            with pytest.raises(tk.NotAuthorized) as err:
                helpers.call_action(action, context={"user": region.users[who]["name"],
                                                     "ignore_auth": ignore_auth},
                                    id=request["id"], **data)
        return str(err.value)

    assert "another officer" in refused("producer", "satudata_request_verify")
    refused("producer", "satudata_request_return", note="x")
    region.call("verifier", "satudata_request_verify", id=request["id"])
    for who in ("producer", "verifier"):  # the submitter, the verifier: not kabid too
        refused(who, "satudata_request_approve")
        refused(who, "satudata_request_return", note="x")
    # (Kabid and Kadis both: on the version seen, at the level seen)
    region.call("kabid", "satudata_request_approve", id=request["id"],
                version=seen(request["id"]))
    refused("kabid", "satudata_request_approve")  # not kadis too
    region.call("kadis", "satudata_request_approve", id=request["id"])
    assert request_state(region, request) == "ready"
    events = region.call("sysadmin", "satudata_request_event_list", id=request["id"])
    actors = [e["user_id"] for e in events if e["transition"] in ("submit", "verify", "approve")]
    assert len(actors) == len(set(actors)) == 4

    # a returned submission is a new one: who verified it before verifies it again
    other = region.request_of(region.opd_b)
    complete_metadata(other["package_id"], region.users["producer_b"]["name"])
    region.call("producer_b", "satudata_request_submit", id=other["id"])
    region.call("verifier", "satudata_request_return", id=other["id"], note="Lengkapi")
    region.call("producer_b", "satudata_request_resubmit", id=other["id"], note="Sudah")
    region.call("verifier", "satudata_request_verify", id=other["id"])


def test_a_reviewer_barred_by_four_eyes_is_neither_offered_queued_nor_told(
        region, smtp, run_jobs):
    """The verifier who also holds the Kabid role verified a submission:
    the approval was refused to them, yet their request page offered it,
    their queue listed it and they were e-mailed to take it."""
    request = region.request_of(region.opd_a)
    verifier = region.users["verifier"]["name"]
    region.call("walidata_admin", "satudata_role_create", user=verifier, role="kabid")
    # another OPD's request submitted more often (its submissions' versions
    # are higher: the queue once compared with the latest of all requests)
    other = region.request_of(region.opd_b)
    complete_metadata(other["package_id"], "produsen-b")
    region.call("producer_b", "satudata_request_submit", id=other["id"])
    for _ in range(2):
        region.call("verifier", "satudata_request_return", id=other["id"], note="Lengkapi")
        region.call("producer_b", "satudata_request_resubmit", id=other["id"], note="Sudah")
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    run_jobs()
    smtp.take()
    region.call("verifier", "satudata_request_verify", id=request["id"])
    run_jobs()
    # only the other Kabid is asked to approve (the producers hear that it was verified)
    assert smtp.recipients(smtp.take()) == {"kabid@example.org", "produsen-a@example.org"}

    shown = region.call("verifier", "satudata_request_show", id=request["id"])
    assert shown["allowed_transitions"] == []
    assert roles.four_eyes_message() in shown["held_back"]
    queue = region.call("verifier", "satudata_request_list", actionable=True)
    assert request["id"] not in [r["id"] for r in queue["results"]]
    assert queue["count"] == len(queue["results"])
    other_kabid = region.call("kabid", "satudata_request_list", actionable=True)
    assert request["id"] in [r["id"] for r in other_kabid["results"]]
    assert "approve" in region.call("kabid", "satudata_request_show",
                                    id=request["id"])["allowed_transitions"]


def _editor_of_opd_a(region, user: str) -> None:
    """``user`` (a walidata officer) an editor of OPD A too (a small
    regency's statistics officer who also keys data for an OPD)."""
    helpers.call_action("organization_member_create", context={"ignore_auth": True},
                        id=region.opd_a["id"], username=user, role="editor")


def _verify_refused(user: str, request: dict) -> None:
    """The verification of ``request`` refused to ``user``: by the auth
    function, then by the engine alone."""
    for ignore_auth in (False, True):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("satudata_request_verify",
                                context={"user": user, "ignore_auth": ignore_auth},
                                id=request["id"])


def test_an_editor_of_the_opd_does_not_verify_data_they_changed(region):
    """An officer who is both an editor of the OPD and the verifier changed
    a returned request's table, the producer resubmitted it, and the
    officer verified data they wrote."""
    request = region.request_of(region.opd_a)
    verifier = region.users["verifier"]["name"]
    _editor_of_opd_a(region, verifier)
    table = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2024,10\n")
    complete_metadata(request["package_id"], region.users["producer"]["name"])
    region.call("producer", "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_return", id=request["id"], note="Lengkapi")
    region.call("verifier", "resource_patch", id=table["id"], description="Diisi verifikator")
    region.call("producer", "satudata_request_resubmit", id=request["id"])
    _verify_refused(verifier, request)
    # nor is it in their queue ("Menunggu tindakan saya" listed it)
    queue = region.call("verifier", "satudata_request_list", actionable=True)
    assert request["id"] not in [r["id"] for r in queue["results"]]
    assert queue["count"] == len(queue["results"])
    # another verifier takes it; an edit before the last return is no hand in it
    region.call("walidata_admin", "satudata_role_create", user=region.users["kabid"]["name"],
                role="verifikator")
    region.call("kabid", "satudata_request_return", id=request["id"], note="Sekali lagi")
    region.call("producer", "satudata_request_resubmit", id=request["id"], note="Sudah")
    assert region.call("verifier", "satudata_request_verify",
                       id=request["id"])["state"] == "verified"


def test_an_editor_of_the_opd_does_not_verify_a_revision_they_wrote_in_between(region):
    """The four-eyes rule knew who began a staged revision and who wrote it
    last: an officer (an editor of the OPD too) who wrote between them
    verified a revision with their own file in it."""
    request = region.request_of(region.opd_a)
    table = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2024,10\n")
    to_ready(region, request)
    publish(region, request)
    verifier = region.users["verifier"]["name"]
    _editor_of_opd_a(region, verifier)
    region.call("producer", "package_patch", id=request["package_id"], notes="Dimulai produsen")
    region.call("verifier", "resource_patch", id=table["id"], description="Diisi verifikator")
    region.call("producer", "package_patch", id=request["package_id"],
                notes="Ditulis terakhir oleh produsen")
    region.call("producer", "satudata_request_revise", id=request["id"])
    assert "verify" not in region.call("verifier", "satudata_request_show",
                                       id=request["id"])["allowed_transitions"]
    _verify_refused(verifier, request)
    queue = region.call("verifier", "satudata_request_list", actionable=True)
    assert request["id"] not in [r["id"] for r in queue["results"]]


def test_an_editor_of_the_opd_does_not_verify_a_dataset_they_created(region):
    """A dataset made whole in one call (its metadata and table) by an
    officer who is also an editor of the OPD, then linked to the request,
    left its author uncounted (no "changed package" of theirs): they
    verified it."""
    request = region.request_of(region.opd_a)
    verifier = region.users["verifier"]["name"]
    _editor_of_opd_a(region, verifier)
    made = helpers.call_action("package_create", context={"user": verifier},
                               name="dibuat-verifikator", title="Dibuat verifikator",
                               owner_org=region.opd_a["id"])
    region.call("producer", "satudata_request_link_dataset", id=request["id"],
                package_id=made["id"])
    complete_metadata(made["id"], region.users["producer"]["name"])
    region.call("producer", "satudata_request_submit", id=request["id"])
    _verify_refused(verifier, request)
    # the round's sender, whose sending created the request's first dataset,
    # is no author of it: a verifier too, they verify it
    region.call("walidata_admin", "satudata_role_create",
                user=region.users["sysadmin"]["name"], role="verifikator")
    other = region.request_of(region.opd_b)
    complete_metadata(other["package_id"], region.users["producer_b"]["name"])
    region.call("producer_b", "satudata_request_submit", id=other["id"])
    assert region.call("sysadmin", "satudata_request_verify", id=other["id"])[
        "state"] == "verified"


def test_the_engine_refuses_what_the_table_refuses_even_without_auth(region):
    """Auth is the early check; the engine alone would still refuse."""
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    for who in ("verifier", "kadis", "walidata_admin", "sysadmin", "producer"):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("satudata_request_approve",
                                context={"user": region.users[who]["name"],
                                         "ignore_auth": True}, id=request["id"])
    events = region.call("sysadmin", "satudata_request_event_list", id=request["id"])
    assert [e["transition"] for e in events] == ["request", "submit", "verify"]
    assert events[-1]["role"] == "verifikator"


def test_verify_then_return_by_the_verifier_leaves_it_verified(region):
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    with pytest.raises(tk.NotAuthorized) as err:  # where it is: with the Head of Division
        region.call("verifier", "satudata_request_return", id=request["id"], note="kurang")
    assert "waits for the Head of Division" in str(err.value)
    assert request_state(region, request) == "verified"


def test_approvals_are_recorded_with_the_role_of_their_level(region):
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    events = region.call("sysadmin", "satudata_request_event_list", id=request["id"])
    assert [(e["transition"], e["approval_level"], e["role"], e["user_name"])
            for e in events if e["transition"] in ("verify", "approve")] == [
        ("verify", 0, "verifikator", "verifikator"),
        ("approve", 1, "kabid", "kabid"),
        ("approve", 2, "kadis", "kadis"),
    ]


def test_an_officer_of_two_levels_approves_at_the_level_they_saw(region):
    """One who is both Kabid and Kadis, approving without the version while
    the request waited for a Kabid, had the call taken once the other Kabid
    had approved: as the Kadis's final approval, the request never seen at
    that level. They send the version they saw; one level's approvers need
    not."""
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    kabid_level = seen(request["id"])
    region.call("walidata_admin", "satudata_role_create",
                user=region.users["kadis"]["name"], role="kabid")
    region.call("kabid", "satudata_request_approve", id=request["id"])  # the other Kabid first
    with pytest.raises(tk.ValidationError) as err:
        region.call("kadis", "satudata_request_approve", id=request["id"])
    assert "more than one approval level" in err.value.error_dict["version"][0]
    assert "Head of Agency" in err.value.error_dict["version"][0]
    with pytest.raises(tk.ValidationError) as err:  # the Kabid level they saw is past
        region.call("kadis", "satudata_request_approve", id=request["id"],
                    version=kabid_level)
    assert "version" in err.value.error_dict
    assert region.call("sysadmin", "satudata_request_show", id=request["id"])[
        "approval_level"] == 2
    # on the request as it is now: the final approval
    assert region.call("kadis", "satudata_request_approve", id=request["id"],
                       version=seen(request["id"]))["state"] == "ready"
    events = region.call("sysadmin", "satudata_request_event_list", id=request["id"])
    assert [(e["approval_level"], e["user_name"]) for e in events
            if e["transition"] == "approve"] == [(1, "kabid"), (2, "kadis")]


# -- findings 2 and 3: no unreviewed edit goes live -------------------------------

def test_a_staged_revision_cannot_ride_on_another_request(region):
    first, second = _requests(region, region.opd_a)
    _published(region, first)
    region.call("producer", "package_patch", id=first["package_id"], title=MARKER)
    with pytest.raises(tk.ValidationError) as err:
        region.call("producer", "satudata_request_link_dataset", id=second["id"],
                    package_id=first["package_id"])
    assert "package_id" in err.value.error_dict
    assert _public_title(first["package_id"]) != MARKER


def test_linking_a_deleted_dataset_says_it_is_deleted(region):
    """A deleted dataset of the requested OPD was refused as not belonging
    to the OPD it belongs to."""
    first, second = _requests(region, region.opd_a)
    gone = model.Package(name="tabel-lama-dihapus", title="Tabel lama", type="dataset",
                         owner_org=region.opd_a["id"], private=True, state="deleted")
    model.Session.add(gone)
    model.Session.commit()
    with pytest.raises(tk.ValidationError) as err:
        region.call("producer", "satudata_request_link_dataset", id=second["id"],
                    package_id="tabel-lama-dihapus")
    assert "deleted" in err.value.error_dict["package_id"][0], err.value.error_dict


def test_republishing_withdrawn_data_publishes_the_approved_version(region):
    request = region.request_of(region.opd_a)
    approved = _published(region, request)["title"]
    region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                note="Salah angka")
    assert not is_public(request["package_id"])
    # the producer's edit of withdrawn data is staged, not applied, and a
    # staged file the check flags does not hold up the approved version
    # (a file with a NIK refused the publication, though it would not go live)
    region.call("producer", "package_patch", id=request["package_id"], title=MARKER)
    assert region.call("sysadmin", "package_show", id=request["package_id"])["title"] == approved
    flagged = add_csv(region, "producer", request["package_id"],
                      "nama,nik\nBudi,3273014506900001\n", name="Tabel bernik")
    region.call("walidata_admin", "satudata_request_publish", id=request["id"],
                version=seen(request["id"]))
    assert _public_title(request["package_id"]) == approved

    # through review, the edit goes live (the flagged table taken out first)
    region.call("walidata_admin", "satudata_request_withdraw", id=request["id"], note="lagi",
                version=seen(request["id"]))
    region.call("producer", "resource_delete", id=flagged["id"])
    region.call("producer", "satudata_request_revise", id=request["id"],
                version=seen(request["id"]))
    assert not is_public(request["package_id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    region.call("kadis", "satudata_request_approve", id=request["id"])
    region.call("walidata_admin", "satudata_request_publish", id=request["id"])
    assert _public_title(request["package_id"]) == MARKER


# -- finding 4: nothing stays public that its request does not make so -------------

def test_cancelling_a_revision_goes_back_to_published_and_can_be_withdrawn(region):
    request = region.request_of(region.opd_a)
    approved = _published(region, request)["title"]
    region.call("producer", "package_patch", id=request["package_id"], title=MARKER)
    region.call("producer", "satudata_request_revise", id=request["id"])
    region.call("verifier", "satudata_request_return", id=request["id"], note="kurang")
    assert _public_title(request["package_id"]) == approved
    result = region.call("walidata_admin", "satudata_request_cancel", id=request["id"],
                         note="Revisi dibatalkan")
    assert result["state"] == "published" and result["revision_of"] is None
    assert _public_title(request["package_id"]) == approved
    region.call("walidata_admin", "satudata_request_withdraw", id=request["id"], note="x")
    assert not is_public(request["package_id"])


def test_archived_data_can_be_withdrawn(region):
    request = region.request_of(region.opd_a)
    _published(region, request)
    published = seen(request["id"])
    region.call("walidata_admin", "satudata_request_archive", id=request["id"])
    assert is_public(request["package_id"])
    # a withdrawal decided on the published data (sent with an archiving, or
    # without the version seen) does not take down what was archived meanwhile
    for version in (None, published):
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                        note="x", version=version)
        assert "version" in err.value.error_dict
        assert is_public(request["package_id"])
    region.call("walidata_admin", "satudata_request_withdraw", id=request["id"], note="x",
                version=seen(request["id"]))
    assert not is_public(request["package_id"])
    assert request_state(region, request) == "withdrawn"


def test_an_archive_sent_while_withdrawn_does_not_archive_the_data_published_again(region):
    """An archive fired while the data was withdrawn (refused then) was
    taken once another officer had published it again: archived at once,
    the producers told "published" then "archived"."""
    request = region.request_of(region.opd_a)
    _published(region, request)
    region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                note="Angka keliru")
    withdrawn = seen(request["id"])
    publish(region, request)
    for version in (None, withdrawn):
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_request_archive", id=request["id"],
                        version=version)
        assert "version" in err.value.error_dict
        assert request_state(region, request) == "published"
    region.call("walidata_admin", "satudata_request_archive", id=request["id"],
                version=seen(request["id"]))
    assert request_state(region, request) == "archived"
    # data never withdrawn is archived as before, version or not
    other = region.request_of(region.opd_b)
    to_ready(region, other)
    publish(region, other)
    region.call("walidata_admin", "satudata_request_archive", id=other["id"])
    assert request_state(region, other) == "archived"


def test_a_sysadmin_cannot_make_a_requested_dataset_public_by_hand(region):
    request = region.request_of(region.opd_a)
    # refused with the reason (it answered 200 and kept it private, without a word)
    for who in ("sysadmin", "producer"):
        with pytest.raises(tk.ValidationError) as err:
            region.call(who, "package_patch", id=request["package_id"], private=False)
        assert "private" in err.value.error_dict
    region.call("producer", "package_patch", id=request["package_id"], private=True,
                notes="Tetap privat")  # its visibility as it is: no refusal
    assert not is_public(request["package_id"])
    with pytest.raises(tk.NotAuthorized):
        region.call("sysadmin", "bulk_update_public", datasets=[request["package_id"]],
                    org_id=region.opd_a["id"])
    assert not is_public(request["package_id"])


# -- finding 5: a cancelled release is not announced and breaks nothing ------------

def test_cancelling_a_scheduled_request_cancels_its_release(region, cli):
    from freezegun import freeze_time

    from ckanext.satudata.cli import satudata as satudata_command

    request = region.request_of(region.opd_a)
    to_ready(region, request)
    region.call("walidata_admin", "satudata_request_schedule", id=request["id"],
                release_at="2099-01-02 09:00")
    region.call("walidata_admin", "satudata_request_cancel", id=request["id"], note="batal",
                version=seen(request["id"]))
    assert helpers.call_action("satudata_release_calendar",
                               context={"user": "", "ignore_auth": False})["results"] == []
    release = model.Session.query(Release).filter_by(request_id=request["id"]).one()
    assert release.status == "cancelled"
    with freeze_time("2099-01-02 03:00:00"):
        # the command group itself: the `ckan` entry cron runs is
        # test_release.py's (each `ckan` invocation builds a whole app)
        out = cli.invoke(satudata_command, ["release-due"])
    assert out.exit_code == 0, out.output
    assert "0 published" in out.output
    assert not is_public(request["package_id"])


# -- finding 6: withdrawn data leaves the publication -----------------------------------

def test_withdrawn_data_leaves_the_rounds_publication(region):
    first, second = region.request_of(region.opd_a), region.request_of(region.opd_b)
    region.call("producer", "package_patch", id=first["package_id"],
                title="Data Yang Ditarik 3b7c")
    _published(region, first)
    add_csv(region, "producer_b", second["package_id"], "tahun,jumlah\n2025,3\n")
    to_ready(region, second)
    publish(region, second)
    assert set(publication.published_package_ids(region.round["id"])) == {
        first["package_id"], second["package_id"]}
    region.call("walidata_admin", "satudata_publication_build", round_id=region.round["id"])
    row = helpers.call_action("satudata_publication_show", round_id=region.round["id"])
    built = publication.build_and_attach(row["id"])
    assert built["dataset_count"] == 2

    region.call("walidata_admin", "satudata_request_withdraw", id=first["id"], note="x")
    assert publication.published_package_ids(region.round["id"]) == [second["package_id"]]
    # what the worker runs after the withdrawal
    refreshed = publication.refresh_for(first["id"])
    assert refreshed["dataset_count"] == 1
    first_title = "Data Yang Ditarik 3b7c"
    book = helpers.call_action("package_show", context={"user": "", "ignore_auth": False},
                               id=refreshed["package_id"])
    pdf = next(r for r in book["resources"] if r["format"] == "PDF")
    import io

    import ckan.lib.uploader as uploader
    from pypdf import PdfReader
    with open(uploader.get_resource_uploader(pdf).get_path(pdf["id"]), "rb") as f:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(f.read())).pages)
    assert first_title not in text
    assert region.call("sysadmin", "package_show", id=second["package_id"])["title"] in text
    # archived data stays in its period's book (it took the book down with
    # it: every book vanished once its data was archived)
    region.call("walidata_admin", "satudata_request_archive", id=second["id"])
    assert publication.published_package_ids(region.round["id"]) == [second["package_id"]]
    assert publication.refresh_for(second["id"])["dataset_count"] == 1
    assert helpers.call_action("package_show", context={"user": "", "ignore_auth": False},
                               id=refreshed["package_id"])["id"] == refreshed["package_id"]


# -- finding 7: the reviewers read what they verify ------------------------------------

def test_reviewers_read_the_dataset_at_their_step_and_the_public_does_not(region, app):
    request = region.request_of(region.opd_a)
    resource = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2025,42\n")
    complete_metadata(request["package_id"], "produsen-a")
    name = region.call("sysadmin", "package_show", id=request["package_id"])["name"]
    region.call("producer", "satudata_request_submit", id=request["id"])

    def can_read(who: str) -> bool:
        try:
            region.call(who, "package_show", id=request["package_id"])
            return True
        except tk.ObjectNotFound:  # an unreadable dataset is not found
            return False

    # the chain's officers read it once it is submitted (the kabid before it
    # reaches them); nobody else does
    assert can_read("verifier") and can_read("kabid") and can_read("kadis")
    assert not can_read("public") and not can_read("producer_b")
    verifier = login(app, "verifikator")
    assert verifier.get(f"/dataset/{name}").status_code == 200
    download = verifier.get(f"/dataset/{name}/resource/{resource['id']}/download/tabel.csv")
    assert download.status_code == 200 and b"2025,42" in download.data
    app.get(f"/dataset/{name}", status=404)
    app.get(f"/dataset/{name}/resource/{resource['id']}/download/tabel.csv", status=404)

    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    # the earlier levels still read what they passed
    assert can_read("kadis") and can_read("kabid") and can_read("verifier")
    kabid = login(app, "kabid")
    assert kabid.get(f"/dataset/{name}/resource/{resource['id']}").status_code == 200


# -- finding 8: every step notifies whom it concerns -------------------------------------

def test_a_revision_notifies_the_verifiers(region):
    request = region.request_of(region.opd_a)
    _published(region, request)
    region.call("producer", "package_patch", id=request["package_id"], notes=MARKER)
    result = region.call("producer", "satudata_request_revise", id=request["id"])
    from ckanext.satudata.model import RequestEvent
    event = model.Session.get(RequestEvent, result["event"]["id"])
    recipients = [u.name for u in notifications.recipients_for(event, request["owner_org"])]
    assert recipients == ["verifikator"]


def test_every_target_state_has_someone_to_tell():
    """No transition of the table can be forgotten by the notifications:
    each target state either waits for someone or informs the producers."""
    for transition in states.TABLE:
        targets = states.TARGET_STATES.get(transition.target, [transition.target])
        for target in targets:
            assert (states.next_actors(target, False) or
                    target in notifications.INFORM_PRODUCERS), (transition.name, target)


# -- finding 9: a dataset under review does not change -------------------------------------

def test_a_dataset_under_review_cannot_be_deleted_or_changed(region, app):
    request = region.request_of(region.opd_a)
    resource = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2025,1\n")
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    with pytest.raises(tk.NotAuthorized):
        region.call("producer", "package_delete", id=request["package_id"])
    with pytest.raises(tk.ValidationError):
        region.call("producer", "resource_delete", id=resource["id"])
    with pytest.raises(tk.ValidationError):
        region.call("producer", "resource_patch", id=resource["id"], name="baru")
    with pytest.raises(tk.ValidationError):
        add_csv(region, "producer", request["package_id"], "a\n1\n")
    token = helpers.call_action("api_token_create", context={"user": "produsen-a"},
                                user="produsen-a", name="uji")["token"]
    response = app.post("/api/3/action/resource_delete", json={"id": resource["id"]},
                        headers={"Authorization": token})
    assert response.status_code == 409
    pkg = region.call("sysadmin", "package_show", id=request["package_id"])
    assert pkg["state"] == "active" and len(pkg["resources"]) == 1
    assert model.Session.get(DataRequest, request["id"]).state == "submitted"
    assert publishing.under_review(request["package_id"])


def test_the_last_holder_of_a_chain_level_keeps_the_role(region):
    """Removed from its only holder, a level of the approval chain had
    nobody to approve at it: every request reaching it waited for ever."""
    kadis = region.users["kadis"]["name"]
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_role_delete", user=kadis, role="kadis")
    assert "role" in err.value.error_dict
    assert [r["user_name"] for r in region.call(
        "walidata_admin", "satudata_role_list", role="kadis")] == [kadis]
    # a deleted account is no holder: it may not be given a role, nor count as one
    gone = factories.User(name="mantan-kadis")
    region.call("walidata_admin", "satudata_role_create", user=gone["name"], role="kadis")
    helpers.call_action("user_delete", id=gone["id"])
    with pytest.raises(tk.ValidationError):
        region.call("walidata_admin", "satudata_role_delete", user=kadis, role="kadis")
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_role_create", user=gone["name"], role="kabid")
    assert "user" in err.value.error_dict
    # nor is a role taken from someone who does not hold it
    with pytest.raises(tk.ValidationError):
        region.call("walidata_admin", "satudata_role_delete",
                    user=region.users["producer"]["name"], role="kabid")
    # with a second holder, either may go
    region.call("walidata_admin", "satudata_role_create",
                user=region.users["kabid"]["name"], role="kadis")
    region.call("walidata_admin", "satudata_role_delete", user=kadis, role="kadis")
    assert [r["user_name"] for r in region.call(
        "walidata_admin", "satudata_role_list", role="kadis")] == [region.users["kabid"]["name"]]


def test_who_gave_or_took_a_role_and_when_is_kept(region, app):
    """A role taken away left no trace (only the current holders were
    kept): a supervisor could not tell who could approve at a level last
    month, nor who gave them the right."""
    from ..factories import csrf_token, login

    officer = factories.User(name="petugas-baru", fullname="Petugas Baru")
    admin = region.users["walidata_admin"]
    client = login(app, admin["name"])
    page = client.get("/permintaan-data/peran")
    client.post("/permintaan-data/peran", data={
        "_csrf_token": csrf_token(page.body), "user": officer["name"], "role": "kabid"})
    region.call("walidata_admin", "satudata_role_create", user=officer["name"], role="kabid")
    region.call("sysadmin", "satudata_role_delete", user=officer["name"], role="kabid")
    # a refused removal is no change
    with pytest.raises(tk.ValidationError):
        region.call("walidata_admin", "satudata_role_delete", user=officer["name"],
                    role="kabid")
    trail = region.call("verifier", "satudata_role_event_list", user=officer["name"])
    assert trail["count"] == 2
    assert [(e["step"], e["role"], e["user_name"], e["actor_name"])
            for e in trail["results"]] == [
        ("revoke", "kabid", "petugas-baru", region.users["sysadmin"]["name"]),
        ("grant", "kabid", "petugas-baru", admin["name"])]
    # the page shows it, newest first, in the portal's words
    rows = client.get("/permintaan-data/peran").body.split(
        'class="table table-sm satudata-role-trail"')[1].split("</table>")[0]
    mine = [row for row in rows.split("<tr>") if "petugas-baru" in row]
    assert len(mine) == 2
    assert "Dicabut" in mine[0] and "Kepala Bidang" in mine[0]
    assert "Diberikan" in mine[1] and (admin["fullname"] or admin["name"]) in mine[1]
    # the staff read it; an OPD's producer does not
    with pytest.raises(tk.NotAuthorized):
        region.call("producer", "satudata_role_event_list")
    # an account deleted ends its roles, in the trail (they stayed, hidden:
    # the trail said it still held them)
    region.call("walidata_admin", "satudata_role_create", user=officer["name"], role="kadis")
    helpers.call_action("user_delete", context={"user": region.users["sysadmin"]["name"]},
                        id=officer["id"])
    latest = region.call("verifier", "satudata_role_event_list",
                         user=officer["id"])["results"][0]
    assert (latest["step"], latest["role"], latest["actor_name"]) == (
        "revoke", "kadis", region.users["sysadmin"]["name"])


def test_a_late_step_is_chased_from_the_request_page(region, app, smtp, run_jobs):
    """A late OPD was chased only by the daily cron (near and after the
    deadline): the walidata had no way to remind it, with a word of their
    own, from the request's page."""
    from ..factories import csrf_token, login

    request = region.request_of(region.opd_a)
    run_jobs()
    smtp.take()
    admin = login(app, region.users["walidata_admin"]["name"])
    url = f"/permintaan-data/{request['id']}"
    page = admin.get(url).body
    assert "satudata-remind" in page
    page = admin.post(f"{url}/ingatkan", data={"_csrf_token": csrf_token(page),
                                               "note": "Mohon segera, rapat forum Jumat"}).body
    assert "Pengingat dikirim ke 1 orang" in page  # back on the request's page
    sent = page.split('id="satudata-reminders-title"')[1].split("</section>")[0]
    assert "Mohon segera, rapat forum Jumat" in sent and "(diminta)" in sent
    run_jobs()
    mails = smtp.take()
    assert mails and region.users["producer"]["email"] in mails[0]["to"]
    assert all(region.users["producer_b"]["email"] not in m["to"] for m in mails)
    assert "Pengingat" in mails[0]["subject"]
    assert "Mohon segera, rapat forum Jumat" in mails[0]["body"]
    assert url in mails[0]["body"]
    # once a day per step (the form is no longer offered); from a page of a
    # step since taken, refused (it chased the next step's officers)
    assert "satudata-remind " not in page and "satudata-reminders" in page
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_request_remind", id=request["id"])
    assert "today" in err.value.error_dict["remind"][0]
    # from the page as it was (two officers): refused, the note kept with the refusal
    again = admin.post(f"{url}/ingatkan", data={"_csrf_token": csrf_token(page),
                                                "note": "Catatan kedua"}, status=400).body
    box = again[again.index("satudata-step-refused"):]
    assert "Catatan kedua" in box[:box.index("</div>")]
    other = region.request_of(region.opd_b)
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_request_remind", id=other["id"],
                    version=seen(other["id"]) - 1)
    assert list(err.value.error_dict) == ["remind"]
    # a refused note is kept on the page, and says it is the note
    form = admin.get(f"/permintaan-data/{other['id']}").body
    refused = admin.post(f"/permintaan-data/{other['id']}/ingatkan", data={
        "_csrf_token": csrf_token(form), "note": "x" * 10_001}, status=400).body
    assert "Catatan: " in refused and "x" * 10_001 in refused
    # the officer who sends it is not among whom it reminds
    to_ready(region, other)
    run_jobs()
    smtp.take()
    region.call("walidata_admin", "satudata_request_remind", id=other["id"])
    run_jobs()
    assert all(region.users["walidata_admin"]["email"] not in m["to"] for m in smtp.take())
    # a closed round takes no more data: its producers are not chased (their
    # submission would be refused), as the daily reminders do not chase them
    region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                state="closed")
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_request_remind", id=request["id"])
    assert "Nobody has a step" in err.value.error_dict["remind"][0]
    with pytest.raises(tk.NotAuthorized):
        region.call("producer", "satudata_request_remind", id=request["id"])
    with pytest.raises(tk.NotAuthorized):
        region.call("verifier", "satudata_request_remind", id=request["id"])
    # the producer does not see who chased them from the walidata's list
    assert "satudata-reminders-title" not in login(
        app, region.users["producer"]["name"]).get(url).body


def test_an_opd_keeps_a_producer_while_its_requests_wait_for_one(region, app):
    """The OPD's only producer was removed while a request waited for its
    producers (returned): the request waited for nobody, its return was
    e-mailed to nobody, the queues looked normal."""
    from ..factories import login

    producer = region.users["producer"]
    sysadmin = {"user": region.users["sysadmin"]["name"]}
    opd = region.opd_a["id"]
    # the sysadmin who set the OPD up is no producer of it
    assert [u.name for u in notifications.Directory([opd]).producers[opd]] == [producer["name"]]
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("organization_member_delete", context=dict(sysadmin),
                            id=opd, username=producer["name"])
    assert "Dinas Kesehatan" in err.value.error_dict["username"][0]
    with pytest.raises(tk.ValidationError):  # nor made a plain member
        helpers.call_action("organization_member_create", context=dict(sysadmin),
                            id=opd, username=producer["name"], role="member")
    with pytest.raises(tk.NotAuthorized):  # nor their account deleted
        helpers.call_action("user_delete", context=dict(sysadmin), id=producer["name"])
    # nor by any other of CKAN's ways to the same
    for action, data in (
            ("member_delete", {"id": opd, "object": producer["name"], "object_type": "user"}),
            ("member_create", {"id": opd, "object": producer["name"], "object_type": "user",
                               "capacity": "member"}),
            ("group_member_delete", {"id": opd, "username": producer["name"]}),
            ("organization_patch", {"id": opd, "users": []}),
            ("organization_patch", {"id": opd, "users": [
                {"name": region.users["sysadmin"]["name"], "capacity": "admin"}]}),
            ("user_patch", {"id": producer["name"], "state": "deleted"})):
        with pytest.raises(tk.ValidationError):
            helpers.call_action(action, context=dict(sysadmin), **data)
    assert model.User.get(producer["name"]).state == "active"
    # the members' page says why (CKAN's view answered 500)
    admin = login(app, region.users["sysadmin"]["name"])
    url = tk.url_for("organization.member_delete", id=region.opd_a["name"],
                     user=producer["id"])
    page = admin.get(url)
    answer = admin.post(url, data={"_csrf_token": csrf_token(page.body), "delete": "1"})
    assert answer.status_code == 200 and "Dinas Kesehatan" in answer.body
    assert producer["name"] in [u.name for u in notifications.Directory([opd]).producers[opd]]

    other = factories.User(name="produsen-a2")
    helpers.call_action("organization_member_create", context=dict(sysadmin),
                        id=opd, username=other["name"], role="editor")
    helpers.call_action("organization_member_delete", context=dict(sysadmin),
                        id=opd, username=producer["name"])
    assert [u.name for u in notifications.Directory([opd]).producers[opd]] == [other["name"]]


def test_an_opd_keeps_a_producer_while_its_data_is_under_review(region):
    """The only producer removed while the OPD's data was with the verifier:
    the verifier's return then went to an OPD of nobody (no e-mail, no page
    saying why). Once published, they may go."""
    sysadmin = {"user": region.users["sysadmin"]["name"]}
    producer = region.users["producer"]
    opd = region.opd_a["id"]
    own = [r for r in region.requests if r["owner_org"] == opd]
    for request in own:
        complete_metadata(request["package_id"], producer["name"])
        region.call("producer", "satudata_request_submit", id=request["id"])
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("organization_member_delete", context=dict(sysadmin),
                            id=opd, username=producer["name"])
    assert "under review" in err.value.error_dict["username"][0]
    for request in own:
        region.call("verifier", "satudata_request_verify", id=request["id"])
        region.call("kabid", "satudata_request_approve", id=request["id"])
        region.call("kadis", "satudata_request_approve", id=request["id"])
        publish(region, request)
    helpers.call_action("organization_member_delete", context=dict(sysadmin),
                        id=opd, username=producer["name"])
    assert notifications.Directory([opd]).producers[opd] == []


def test_an_account_deleted_while_the_opds_other_producer_leaves_is_refused(region):
    """The OPD's two producers, one taken out of it while the other's account
    was deleted at the same moment: both were done, and the OPD's waiting
    requests had nobody (the account's deletion did not wait for the
    removal, as a second removal does)."""
    from ckanext.satudata.logic.action._common import lock_name

    from ..conftest import answer_while_held

    sysadmin = {"user": region.users["sysadmin"]["name"]}
    opd = region.opd_a["id"]
    other = factories.User(name="produsen-a2")
    helpers.call_action("organization_member_create", context=dict(sysadmin),
                        id=opd, username=other["name"], role="editor")
    model.Session.remove()
    # the removal of the other producer, not committed yet (as
    # organization_member_delete does it, under the OPD's producers lock)
    lock_name("producers", opd)
    model.Session.query(model.Member).filter(
        model.Member.group_id == opd, model.Member.table_id == other["id"],
        model.Member.state == "active").one().state = "deleted"
    outcome = answer_while_held(lambda: helpers.call_action(
        "user_delete", context=dict(sysadmin), id=region.users["producer"]["name"]))
    assert isinstance(outcome, tk.NotAuthorized), outcome
    assert [u.name for u in notifications.Directory([opd]).producers[opd]] == [
        region.users["producer"]["name"]]


def test_the_last_holder_of_a_chain_level_keeps_their_account(region):
    """Deleting the account of a level's only holder took the level away as
    surely as taking the role (the role removal was refused, the account's
    deletion was not): it is refused the same way, until another officer
    holds the role."""
    kadis = region.users["kadis"]
    with pytest.raises(tk.NotAuthorized) as err:
        helpers.call_action("user_delete", context={"user": region.users["sysadmin"]["name"]},
                            id=kadis["name"])
    assert kadis["name"] in str(err.value) or kadis["fullname"] in str(err.value)
    assert model.User.get(kadis["id"]).state == "active"
    # nor by setting the account's state (user_patch as a sysadmin)
    for state in ("deleted", "pending"):
        with pytest.raises(tk.ValidationError) as refused:
            helpers.call_action("user_patch",
                                context={"user": region.users["sysadmin"]["name"]},
                                id=kadis["name"], state=state)
        assert "state" in refused.value.error_dict
    assert model.User.get(kadis["id"]).state == "active"
    helpers.call_action("user_patch", context={"user": region.users["sysadmin"]["name"]},
                        id=kadis["name"], state="active", fullname="Kepala Dinas")
    # a picture that is not a link (it was stored: a broken image on every page)
    with pytest.raises(tk.ValidationError) as refused:
        helpers.call_action("user_patch", context={"user": kadis["name"]},
                            id=kadis["name"], image_url="javascript:alert(1)")
    assert "image_url" in refused.value.error_dict
    assert [r["user_name"] for r in region.call(
        "walidata_admin", "satudata_role_list", role="kadis")] == [kadis["name"]]

    region.call("walidata_admin", "satudata_role_create",
                user=region.users["kabid"]["name"], role="kadis")
    helpers.call_action("user_delete", context={"user": region.users["sysadmin"]["name"]},
                        id=kadis["name"])
    model.Session.remove()
    assert model.User.get(kadis["id"]).state == "deleted"


def test_a_step_the_request_is_past_is_refused_as_such(region):
    """Verifying a request one had just verified was refused as a second
    pair of eyes ("you took the step before"), not as a step it is past."""
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("satudata_request_verify", context={
            "user": region.users["verifier"]["name"], "ignore_auth": False}, id=request["id"])
    assert roles.four_eyes_message() not in str(err.value)
    assert "state" in err.value.error_dict


def test_a_second_click_on_a_step_just_taken_says_where_the_request_is(region):
    """The kabid's second click on "approve" (or "return") got "only the
    approver of the current level may approve" (403), an access-denied page
    for a step they had just taken: it says where the request is (409)."""
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    with pytest.raises(tk.ValidationError) as err:
        region.call("kabid", "satudata_request_approve", id=request["id"])
    assert "state" in err.value.error_dict
    # whoever did not take it is still refused as before
    with pytest.raises(tk.NotAuthorized):
        region.call("verifier", "satudata_request_approve", id=request["id"])
    # a verifier the review has moved past is told where it is and whom it
    # waits for, not "only the verifier or the current approver can return
    # this request"; in the same words as one let in before the approval
    # committed (a race: it said another thing)
    words = ("The request has moved on past your level: it is now verified, in approval "
             "and waits for the Head of Agency")
    with pytest.raises(tk.NotAuthorized) as refused:
        region.call("verifier", "satudata_request_return", id=request["id"], note="Kurang")
    assert str(refused.value) == words
    with pytest.raises(tk.NotAuthorized) as err:
        engine.apply_transition({"user": region.users["verifier"]["name"]}, request["id"],
                                "return_approval", note="Kurang")
    assert str(err.value) == words
    region.call("kadis", "satudata_request_return", id=request["id"], note="Kurang")
    with pytest.raises(tk.ValidationError):
        region.call("kadis", "satudata_request_return", id=request["id"], note="Kurang")



def test_an_officer_returning_what_another_returned_first_is_told_where_it_is(region):
    """Two Kabids returned one request at once: the loser was told "only the
    verifier or the current approver may return this request" (403)."""
    request = region.request_of(region.opd_a)
    second = factories.User(name="kabid-2")
    region.call("walidata_admin", "satudata_role_create", user=second["name"], role="kabid")
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_return", id=request["id"], note="Kurang")
    with pytest.raises(tk.NotAuthorized) as err:
        helpers.call_action("satudata_request_return", context={"user": second["name"],
                                                               "ignore_auth": False},
                            id=request["id"], note="Kurang juga")
    assert "is not possible while the request is returned" in str(err.value)


def test_a_reviewer_who_may_still_take_the_step_is_told_to_reload_not_passed(region):
    """A verifier returning data made ready since their page was read was
    told "moved on past your level" (they may return ready data); the
    approvers of a revision the walidata cancelled were told so too."""
    request, other = _requests(region, region.opd_a)[:2]
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    read = seen(request["id"])
    region.call("kadis", "satudata_request_approve", id=request["id"])
    with pytest.raises(tk.ValidationError) as err:
        region.call("verifier", "satudata_request_return", id=request["id"],
                    note="Ada kesalahan analisis", version=read)
    assert "version" in err.value.error_dict, err.value.error_dict
    region.call("verifier", "satudata_request_return", id=request["id"],
                note="Ada kesalahan analisis", version=read + 1)
    assert request_state(region, request) == "returned"

    _published(region, other)
    region.call("producer", "package_patch", id=other["package_id"], unit="Jiwa")
    region.call("producer", "satudata_request_revise", id=other["id"])
    region.call("verifier", "satudata_request_verify", id=other["id"])
    region.call("walidata_admin", "satudata_request_cancel_revision", id=other["id"],
                note="Revisi dibatalkan")
    for action in ("satudata_request_approve", "satudata_request_return"):
        with pytest.raises(tk.NotAuthorized) as refused:
            region.call("kabid", action, id=other["id"], note="x")
        assert str(refused.value) == ("The review of this request was cancelled: it is "
                                      "now published"), action


def test_the_other_officer_of_a_level_is_told_where_it_is_at_every_level(region):
    """Two Kadis (or two verifiers) took one step at once: the loser got 409
    "'Approve' is not possible while the request is ready" where the losing
    Kabid got 403 "moved on past your level"; and a Kabid sending publish to
    published data was told the state forbids it, not who publishes."""
    request = region.request_of(region.opd_a)
    for name, role in (("verifikator-2", "verifikator"), ("kadis-2", "kadis")):
        factories.User(name=name)
        region.call("walidata_admin", "satudata_role_create", user=name, role=role)

    def step(user: str, action: str) -> Any:
        return helpers.call_action(action, context={"user": user, "ignore_auth": False},
                                   id=request["id"])

    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    for refused_by in (step, lambda user, action: engine.apply_transition(
            {"user": user}, request["id"], action.rsplit("_", 1)[1])):
        with pytest.raises(tk.NotAuthorized) as refused:
            refused_by("verifikator-2", "satudata_request_verify")
        assert str(refused.value) == ("The request has moved on past your level: it is now "
                                      "verified, in approval and waits for the Head of Division")
    seen_by_both = seen(request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    region.call("kadis", "satudata_request_approve", id=request["id"])
    words = "The request has moved on past your level: it is now ready to publish"
    with pytest.raises(tk.NotAuthorized) as refused:  # with the version its page had
        engine.apply_transition({"user": "kadis-2"}, request["id"], "approve",
                                expected_version=seen_by_both + 1)
    assert str(refused.value) == words
    with pytest.raises(tk.NotAuthorized) as refused:  # a later click
        step("kadis-2", "satudata_request_approve")
    assert str(refused.value) == words
    with pytest.raises(tk.NotAuthorized) as refused:  # let in before the approval committed
        engine.apply_transition({"user": "kadis-2"}, request["id"], "approve")
    assert str(refused.value) == words
    with pytest.raises(tk.ValidationError):  # the winner's second click: by its state
        region.call("kadis", "satudata_request_approve", id=request["id"])
    region.call("walidata_admin", "satudata_request_publish", id=request["id"])
    with pytest.raises(tk.NotAuthorized) as refused:
        region.call("kabid", "satudata_request_publish", id=request["id"])
    assert "is not possible while" not in str(refused.value)
    assert "publish" in str(refused.value)


def test_an_approval_let_in_while_the_same_officers_first_one_commits_says_where_it_is(region):
    """Twenty clicks of the kabid at once: a call whose auth function read the
    request before the first approval committed (still at the kabid level)
    but its trail after it was refused as a second pair of eyes ("take the
    step to another officer", 403) instead of being left to the engine,
    which says where the request is now (409)."""
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    stale = model.Session.get(DataRequest, request["id"])
    level, version = stale.approval_level, stale.version
    region.call("kabid", "satudata_request_approve", id=request["id"])
    context = {"user": region.users["kabid"]["name"]}
    with model.Session.no_autoflush:
        model.Session.refresh(stale)
        set_committed_value(stale, "approval_level", level)  # as read before the commit
        set_committed_value(stale, "version", version)
        assert tk.check_access("satudata_request_approve", context, {"id": request["id"]})
        # nor was a return of theirs, sent with the approval (approve and
        # return clicked in two tabs): the engine says where it is now
        assert tk.check_access("satudata_request_return", context, {"id": request["id"]})
    model.Session.expire_all()
    with pytest.raises(tk.ValidationError) as err:
        region.call("kabid", "satudata_request_approve", id=request["id"])
    assert "state" in err.value.error_dict
    with pytest.raises(tk.NotAuthorized) as refused:  # where it is now, and whom it waits for
        engine.apply_transition(context, request["id"], "return_approval", note="Kurang")
    assert "moved on past your level" in str(refused.value)


def test_an_opd_with_requests_or_listed_items_stays(region, app):
    """``group_purge`` of an OPD purged its requests, Daftar Data items and
    their trail (CKAN checks datasets only in ``organization_purge``), its
    published data left ownerless (its page 500); ``group_delete`` and an
    update to "deleted" soft-deleted one with requests waiting; and an OPD
    with only listed items, deleted, was sent a round's requests nobody
    could open."""
    sysadmin = {"user": region.users["sysadmin"]["name"]}
    opd = region.opd_a
    for action, data in (("group_purge", {}), ("organization_purge", {}),
                         ("group_delete", {}), ("organization_delete", {}),
                         ("organization_patch", {"state": "deleted"})):
        with pytest.raises(tk.ValidationError) as refused:
            helpers.call_action(action, context=dict(sysadmin), id=opd["name"], **data)
        assert "Daftar Data" in str(refused.value.error_dict), action
    assert model.Group.get(opd["id"]).state == "active"
    # the OPD's delete page says why (CKAN's page read the refusal's
    # "message": 500)
    admin = login(app, "sysadmin-uji")
    page = admin.get(f"/organization/delete/{opd['name']}")
    refused_page = admin.post(f"/organization/delete/{opd['name']}",
                              data={"_csrf_token": csrf_token(page.body), "delete": "1"},
                              follow_redirects=True)
    # not a dead-end "403": its edit page again, saying why
    assert refused_page.status_code == 200 and "Daftar Data" in refused_page.body
    assert 'id="group-edit"' in refused_page.body or "organization-edit" in refused_page.body \
        or f"/organization/edit/{opd['name']}" in refused_page.request.url
    # nor is its only producer made a sysadmin (no OPD's producer then)
    with pytest.raises(tk.ValidationError) as promoted:
        helpers.call_action("user_patch", context=dict(sysadmin), id="produsen-a",
                            sysadmin=True)
    assert list(promoted.value.error_dict) == ["sysadmin"]
    assert promoted.value.message == promoted.value.error_dict["sysadmin"][0]  # flashed
    assert not model.User.get("produsen-a").sysadmin
    # the producer sending the flag themselves: dropped as CKAN drops it, not
    # refused for a promotion that does not happen
    itself = helpers.call_action("user_patch", context={"user": "produsen-a",
                                                        "ignore_auth": False},
                                 id="produsen-a", sysadmin=True, fullname="Produsen A")
    assert itself["fullname"] == "Produsen A" and not model.User.get("produsen-a").sysadmin
    with pytest.raises(tk.ValidationError):  # a number: CKAN's validator answered 500
        helpers.call_action("user_patch", context=dict(sysadmin), id="warga", sysadmin=1)
    assert model.Session.get(DataRequest, region.request_of(opd)["id"]) is not None
    # an OPD with listed items only: deleted once they are deactivated
    listed = factories.Organization(name="dinas-baru")
    item = DaftarDataItem(title="Jumlah Pasar", owner_org="dinas-baru")
    with pytest.raises(tk.ValidationError):
        helpers.call_action("organization_delete", context=dict(sysadmin), id="dinas-baru")
    helpers.call_action("satudata_daftar_data_update", context=dict(sysadmin),
                        id=item["id"], active=False)
    helpers.call_action("organization_delete", context=dict(sysadmin), id="dinas-baru")
    assert model.Group.get(listed["id"]).state == "deleted"
    # in the trash: CKAN purged the deleted OPDs one by one and stopped at
    # the first it may not purge, so the others were never purged; the
    # others go, the kept one is named
    empty = factories.Organization(name="dinas-kosong")
    helpers.call_action("organization_delete", context=dict(sysadmin), id="dinas-kosong")
    trash = admin.get("/ckan-admin/trash")
    for action in ("organization", "all"):
        done = admin.post("/ckan-admin/trash", data={
            "_csrf_token": csrf_token(trash.body), "action": action}, follow_redirects=True)
        assert done.status_code == 200 and listed["title"] in done.body, action
        assert model.Group.get(empty["id"]) is None
        assert model.Group.get(listed["id"]).state == "deleted"
        empty = factories.Organization(name="dinas-kosong")
        helpers.call_action("organization_delete", context=dict(sysadmin), id="dinas-kosong")


def test_an_opd_whose_data_went_out_is_told_so_not_to_cancel(region):
    """An OPD whose only request was published, its items deactivated, was
    told to "deactivate its items and cancel its open requests first": there
    was nothing to do, and the same refusal came back for ever."""
    from ckanext.satudata.model import DaftarData

    opd = model.Group.get(region.opd_b["id"])
    for request in region.requests:
        if request["owner_org"] == opd.id:
            to_ready(region, request)
            publish(region, request)
    for item in model.Session.query(DaftarData).filter_by(owner_org=opd.id):
        item.active = False
    model.Session.commit()
    said = roles.opd_in_use(opd)
    assert said and "published" in said and "cancel" not in said, said
    # with a request still running, what to do first
    open_one = region.request_of(region.opd_a)
    assert "cancel its open requests" in roles.opd_in_use(
        model.Group.get(open_one["owner_org"]))


def test_the_portals_own_account_holds_no_walidata_role(region):
    """The site account (jobs, the CLI; nobody logs in as it) was given a
    chain role: it counted as another holder of the level, so the last
    real holder could be taken out and the level wait for no one."""
    site_user = helpers.call_action("get_site_user", context={"ignore_auth": True})
    with pytest.raises(tk.ValidationError) as err:
        region.call("walidata_admin", "satudata_role_create", user=site_user["name"],
                    role="kadis")
    assert "portal's own account" in err.value.error_dict["user"][0]
