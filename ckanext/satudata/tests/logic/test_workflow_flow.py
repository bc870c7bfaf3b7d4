# -*- coding: utf-8 -*-
"""The full TJB procedure through the actions: round → requests → submit →
return with reason → resubmit → verify → each approval → ready."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from ckanext.satudata.lib import metadata

from ..factories import complete_metadata


def test_full_tjb_flow(region):
    req = region.request_of(region.opd_a)
    assert req["state"] == "requested"
    assert req["dataset"]["private"] is True
    assert req["due_date"] == region.round["submit_due"]

    # the private draft dataset is not complete: submitting is refused
    with pytest.raises(tk.ValidationError) as err:
        region.call("producer", "satudata_request_submit", id=req["id"])
    assert "notes" in err.value.error_dict
    pkg = complete_metadata(req["package_id"], "produsen-a")
    assert metadata.completeness(pkg)["complete"]

    r = region.call("producer", "satudata_request_submit", id=req["id"],
                    note="Data 2025 terlampir", version=req["version"])
    assert r["state"] == "submitted"

    with pytest.raises(tk.ValidationError) as err:
        region.call("verifier", "satudata_request_return", id=req["id"])
    assert "note" in err.value.error_dict

    # a note on something that is no field of the dataset is no note at all:
    # the producer could not find what to correct
    with pytest.raises(tk.ValidationError) as err:
        region.call("verifier", "satudata_request_return", id=req["id"],
                    note="Satuan belum diisi", field_notes={"bogus_field": ["x"]})
    assert "bogus_field" in str(err.value.error_dict["field_notes"])
    with pytest.raises(tk.ValidationError) as err:  # nor ten thousand of them
        region.call("verifier", "satudata_request_return", id=req["id"],
                    note="Satuan belum diisi", field_notes={"notes": ["x"] * 10_000})
    assert "200" in str(err.value.error_dict["field_notes"])
    with pytest.raises(tk.ValidationError) as err:  # one too long says so (it read "no pairs")
        region.call("verifier", "satudata_request_return", id=req["id"],
                    note="Satuan belum diisi", field_notes={"notes": ["x" * 5001]})
    # and names the field (its label), not "a note on a field"
    assert "5000" in str(err.value.error_dict["field_notes"])
    assert "Description" in str(err.value.error_dict["field_notes"]) or \
        "Deskripsi" in str(err.value.error_dict["field_notes"])

    r = region.call("verifier", "satudata_request_return", id=req["id"],
                    note="Satuan belum diisi",
                    field_notes={"notes": ["Tambahkan definisi operasional"]})
    assert r["state"] == "returned"

    r = region.call("producer", "satudata_request_resubmit", id=req["id"],
                    note="Sudah diperbaiki")
    assert r["state"] == "resubmitted"
    r = region.call("verifier", "satudata_request_verify", id=req["id"], note="Lengkap")
    assert (r["state"], r["approval_level"]) == ("verified", 1)
    r = region.call("kabid", "satudata_request_approve", id=req["id"], note="Setuju")
    assert (r["state"], r["approval_level"]) == ("verified", 2)
    r = region.call("kadis", "satudata_request_approve", id=req["id"], note="Setujui rilis")
    assert r["state"] == "ready"

    events = region.call("verifier", "satudata_request_event_list", id=req["id"])
    steps = [(e["transition"], e["user_name"], e["from_state"], e["to_state"], e["note"])
             for e in events]
    assert steps == [
        ("request", "sysadmin-uji", None, "requested", None),
        ("submit", "produsen-a", "requested", "submitted", "Data 2025 terlampir"),
        ("return", "verifikator", "submitted", "returned", "Satuan belum diisi"),
        ("resubmit", "produsen-a", "returned", "resubmitted", "Sudah diperbaiki"),
        ("verify", "verifikator", "resubmitted", "verified", "Lengkap"),
        ("approve", "kabid", "verified", "verified", "Setuju"),
        ("approve", "kadis", "verified", "ready", "Setujui rilis"),
    ]
    assert events[2]["field_notes"] == {"notes": ["Tambahkan definisi operasional"]}
    assert [e["role"] for e in events[4:]] == ["verifikator", "kabid", "kadis"]
    assert [e["completeness"] for e in events[1:]] == [100] * 6


def test_a_returned_request_comes_back_changed_or_with_a_reason(region):
    """"Dikembalikan untuk dilengkapi": sent back exactly as it was returned,
    the request is refused unless the producer says why; a saved change of
    the dataset lets it through without a note."""
    req = region.request_of(region.opd_a)
    complete_metadata(req["package_id"], "produsen-a")
    region.call("producer", "satudata_request_submit", id=req["id"])
    region.call("verifier", "satudata_request_return", id=req["id"],
                note="Satuan belum sesuai")

    with pytest.raises(tk.ValidationError) as err:
        region.call("producer", "satudata_request_resubmit", id=req["id"])
    assert "Nothing was changed" in err.value.error_dict["note"][0]
    assert region.call("producer", "satudata_request_show",
                       id=req["id"])["state"] == "returned"

    # a reply in a note is enough: the data was right
    r = region.call("producer", "satudata_request_resubmit", id=req["id"],
                    note="Satuan sudah sesuai standar BPS")
    assert r["state"] == "resubmitted"

    # the second return: the producer edits the dataset, no note needed
    region.call("verifier", "satudata_request_return", id=req["id"],
                note="Definisi belum jelas")
    region.call("producer", "package_patch", id=req["package_id"],
                notes="Jumlah tenaga kesehatan menurut jenis, definisi BPS")
    r = region.call("producer", "satudata_request_resubmit", id=req["id"])
    assert r["state"] == "resubmitted"
