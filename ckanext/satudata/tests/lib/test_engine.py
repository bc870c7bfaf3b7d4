# -*- coding: utf-8 -*-
"""The transition engine on its own: refusals, targets, events, signals after commit."""
from __future__ import annotations

import datetime

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.satudata.lib import engine, workdays
from ckanext.satudata.model import CollectionRound, DaftarData, DataRequest, RequestEvent

from ..factories import complete_metadata


def _request(org_id: str, package_id: str | None = None) -> DataRequest:
    start = datetime.date(2026, 1, 5)
    round_ = CollectionRound(
        name="r-" + model.types.make_uuid()[:8], title="Semester I 2026", year=2026,
        start_date=start, prepare_days=5, submit_days=60, verify_days=15, approval_days=1,
        prepare_due=start, submit_due=datetime.date(2026, 4, 10),
        verify_due=datetime.date(2026, 5, 4), state="open")
    item = DaftarData(title="Jumlah Puskesmas", owner_org=org_id, year=2026)
    model.Session.add_all([round_, item])
    model.Session.flush()
    req = DataRequest(round_id=round_.id, item_id=item.id, owner_org=org_id,
                      package_id=package_id, state="requested",
                      due_date=round_.submit_due)
    model.Session.add(req)
    model.Session.commit()
    return req


def _people() -> dict[str, dict]:
    """A sysadmin, an OPD with its producer, and a holder of each chain role."""
    from ckan.tests import helpers

    people = {"sysadmin": factories.Sysadmin()}
    people["producer"] = factories.User()
    people["org"] = factories.Organization(
        users=[{"name": people["producer"]["name"], "capacity": "editor"}])
    for role in ("verifikator", "kabid", "kadis"):
        people[role] = factories.User()
        helpers.call_action("satudata_role_create",
                            context={"user": people["sysadmin"]["name"]},
                            user=people[role]["name"], role=role)
    return people


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestApplyTransition:
    def test_refusals_and_targets(self):
        people = _people()
        org = people["org"]
        pkg = factories.Dataset(owner_org=org["id"], private=True)
        complete_metadata(pkg["id"], people["sysadmin"]["name"])
        req = _request(org["id"], pkg["id"])

        def ctx(who: str) -> dict:
            return {"user": people[who]["name"]}

        with pytest.raises(tk.ValidationError) as err:
            engine.apply_transition(ctx("verifikator"), req.id, "verify")
        assert "state" in err.value.error_dict
        # the table, not CKAN's sysadmin rule, decides who submits
        with pytest.raises(tk.NotAuthorized):
            engine.apply_transition(ctx("sysadmin"), req.id, "submit")

        res = engine.apply_transition(ctx("producer"), req.id, "submit", expected_version=1)
        assert res["state"] == "submitted" and res["version"] == 2

        with pytest.raises(tk.ValidationError) as err:
            engine.apply_transition(ctx("verifikator"), req.id, "return", expected_version=1)
        assert "version" in err.value.error_dict

        with pytest.raises(tk.ValidationError) as err:
            engine.apply_transition(ctx("verifikator"), req.id, "return")
        assert "note" in err.value.error_dict

        with pytest.raises(tk.NotAuthorized):
            engine.apply_transition(ctx("kabid"), req.id, "verify")
        res = engine.apply_transition(ctx("verifikator"), req.id, "verify")
        assert (res["state"], res["approval_level"]) == ("verified", 1)
        with pytest.raises(tk.NotAuthorized):
            engine.apply_transition(ctx("kadis"), req.id, "approve")
        res = engine.apply_transition(ctx("kabid"), req.id, "approve")
        assert (res["state"], res["approval_level"]) == ("verified", 2)
        assert res["event"]["data"]["role"] == "kabid"
        # kabid again (a second click): refused by where the request is now
        with pytest.raises(tk.ValidationError):
            engine.apply_transition(ctx("kabid"), req.id, "approve")
        res = engine.apply_transition(ctx("kadis"), req.id, "approve")
        assert res["state"] == "ready"
        assert res["event"]["data"]["role"] == "kadis"
        events = model.Session.query(RequestEvent).filter_by(request_id=req.id).count()
        assert events == 4

    def test_signal_only_after_commit(self):
        people = _people()
        org = people["org"]
        pkg = factories.Dataset(owner_org=org["id"], private=True)
        complete_metadata(pkg["id"], people["sysadmin"]["name"])
        req = _request(org["id"], pkg["id"])
        producer = people["producer"]["name"]
        received = []

        def receiver(sender, **kw):
            received.append((sender, kw["to_state"]))

        engine.request_transition.connect(receiver)
        try:
            engine.apply_transition(
                {"user": producer, "defer_commit": True}, req.id, "submit")
            assert received == []
            model.Session.rollback()
            assert received == []
            assert model.Session.get(DataRequest, req.id).state == "requested"
            engine.apply_transition(
                {"user": producer, "defer_commit": True}, req.id, "submit")
            model.Session.commit()
            assert received == [("submit", "submitted")]
        finally:
            engine.request_transition.disconnect(receiver)


def test_a_submission_is_verified_by_the_date_its_round_gives():
    """The round's letter gives the OPDs and the walidata one verification
    deadline: an early submission was due for verification weeks before it
    (its own ``verify_days``), then flagged overdue and escalated; a late
    one still gets its ``verify_days``."""
    round_ = CollectionRound(verify_days=15, submit_due=datetime.date(2026, 4, 10),
                             verify_due=datetime.date(2026, 5, 4))
    early = engine.due_date_for(round_, "submitted", today=datetime.date(2026, 3, 2))
    assert early == datetime.date(2026, 5, 4)
    late = engine.due_date_for(round_, "resubmitted", today=datetime.date(2026, 4, 30))
    assert late == workdays.add_working_days(datetime.date(2026, 4, 30), 15)
    assert late > datetime.date(2026, 5, 4)
