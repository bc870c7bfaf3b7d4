# -*- coding: utf-8 -*-
"""The letters of a round as generated documents: the Surat Permintaan Data
issued to each OPD when the round is sent (and attached to its e-mail), the
Berita Acara Verifikasi issued by the walidata, their numbers by the
configured pattern without gaps or duplicates under concurrent issues, and
the documents the walidata uploads to a round. The PDFs are read back with
pypdf."""
from __future__ import annotations

import base64
import datetime
import io
import re
import threading
from typing import Any

import pypdf
import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.satudata.lib import letters, workdays
from ckanext.satudata.model import Letter, LetterCounter, RoundDocument

from ..factories import CollectionRound, DaftarDataItem, complete_metadata, pdf_text

#: a 1×1 PNG image
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
                       "60e6kgAAAABJRU5ErkJggg==")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _upload(content: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=name)


def _decide(region) -> tuple[dict, dict]:
    """OPD A's request verified, OPD B's returned with a reason."""
    a, b = region.request_of(region.opd_a), region.request_of(region.opd_b)
    for who, request in (("producer", a), ("producer_b", b)):
        complete_metadata(request["package_id"], region.users[who]["name"])
        region.call(who, "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=a["id"])
    region.call("verifier", "satudata_request_return", id=b["id"],
                note="Satuan belum sesuai standar")
    return a, b


def test_sending_a_round_issues_a_request_letter_to_each_opd(region):
    today = workdays.today()
    found = region.call("walidata_admin", "satudata_letter_list", id=region.round["name"])
    assert [(x["kind"], x["opd_title"]) for x in found] == [
        ("permintaan", "Dinas Kesehatan"), ("permintaan", "Dinas Pendidikan")]
    # the default pattern {seq:03d}/{kind}/{org}/{month_roman}/{year}, in order
    assert [x["number"] for x in found] == [
        f"{seq:03d}/SPD/WALIDATA/{ROMAN[today.month - 1]}/{today.year}" for seq in (1, 2)]
    letter_a = found[0]
    assert letter_a["issued_on"] == today.isoformat()

    pdf = region.call("producer", "satudata_letter_export", id=letter_a["id"])
    assert pdf["mimetype"] == "application/pdf"
    assert pdf["filename"] == "surat-permintaan-data-semester-1-2026-dinas-kesehatan.pdf"
    text = pdf_text(pdf)
    round_ = region.call("sysadmin", "satudata_round_show", id=region.round["id"])
    for expected in ("Permintaan Data Sektoral Semester I 2026", "Dinas Kesehatan",
                     "Jumlah Puskesmas", letter_a["number"], "Diskominfo",
                     letters.tanggal(round_["submit_due"]), letters.tanggal(today)):
        assert expected in text, expected
    assert "Dinas Pendidikan" not in text

    # the number and the date are kept: downloading again gives the same letter
    again = region.call("verifier", "satudata_letter_export", id=letter_a["id"])
    assert pdf_text(again) == text
    assert region.call("walidata_admin", "satudata_letter_list",
                       id=region.round["id"]) == found

    # an OPD's producers see only their own letter
    mine = region.call("producer", "satudata_letter_list", id=region.round["id"])
    assert [x["id"] for x in mine] == [letter_a["id"]]
    # another OPD's letter is not found, as a made-up id (a 403 confirmed it exists)
    answers = []
    for ref in (letter_a["id"], "00000000-0000-4000-8000-000000000000"):
        with pytest.raises(tk.ObjectNotFound) as err:
            region.call("producer_b", "satudata_letter_export", id=ref)
        answers.append(str(err.value))
    assert answers[0] == answers[1]
    for who in ("public", "anonymous"):
        with pytest.raises(tk.NotAuthorized):
            region.call(who, "satudata_letter_list", id=region.round["id"])


def test_berita_acara_records_the_decisions_and_is_reissued_as_a_new_version(region):
    with pytest.raises(tk.ValidationError) as nothing:
        region.call("verifier", "satudata_letter_issue", id=region.round["id"])
    assert "kind" in nothing.value.error_dict
    assert not model.Session.execute(sa.select(Letter).where(
        Letter.kind == "berita_acara")).first()

    _decide(region)
    first = region.call("verifier", "satudata_letter_issue", id=region.round["name"])
    assert first["version"] == 1 and first["kind"] == "berita_acara"
    text = pdf_text(region.call("walidata_admin", "satudata_letter_export", id=first["id"]))
    for expected in ("BERITA ACARA VERIFIKASI", first["number"], "Semester I 2026",
                     "Dinas Kesehatan", "Dinas Pendidikan", "Jumlah Puskesmas",
                     "Diverifikasi", "Dikembalikan untuk perbaikan",
                     "Satuan belum sesuai standar", "verifikator"):
        assert expected in text, expected
    # the returned request is still open and listed as such, counted once
    assert "Permintaan yang masih terbuka" in text
    assert "di antaranya dikembalikan untuk perbaikan" in text
    # decisions at the time the pages write ("… 10.15 WIB")
    assert re.search(r"\d{2}\.\d{2} WIB", text), text
    assert "Dinas Pendidikan: Jumlah Puskesmas (dikembalikan untuk perbaikan)" in text
    # the round's own trail says who issued it (the letters list did not)
    issued = [e for e in region.call("walidata_admin", "satudata_round_show",
                                     id=region.round["id"])["events"]
              if e["step"] == "letter_issue"]
    assert [(e["user_name"], e["data"]["number"]) for e in issued] == [
        (region.users["verifier"]["name"], first["number"])]

    # nothing changed: no new version
    with pytest.raises(tk.ValidationError) as unchanged:
        region.call("walidata_admin", "satudata_letter_issue", id=region.round["id"])
    assert first["number"] in unchanged.value.error_dict["kind"][0]

    # a decision changes: a new version with a new number, the old one kept
    region.call("kabid", "satudata_request_approve",
                id=region.request_of(region.opd_a)["id"])
    # a walidata administrator's cancellation: in no role of the chain (it
    # was printed "(verifikator)", the role of the level the request stood at)
    region.call("walidata_admin", "satudata_request_cancel",
                id=region.request_of(region.opd_b)["id"], note="Tidak jadi diminta")
    second = region.call("walidata_admin", "satudata_letter_issue", id=region.round["id"])
    assert second["version"] == 2 and second["number"] != first["number"]
    assert second["seq"] == first["seq"] + 1
    text2 = pdf_text(region.call("verifier", "satudata_letter_export", id=second["id"]))
    assert "Disetujui" in text2
    cancelled = " ".join(text2.split())
    cancelled = cancelled[cancelled.index("Dibatalkan"):][:200]
    assert "Tidak jadi diminta" in cancelled and "(verifikator)" not in cancelled
    # its summary counts the cancelled one too: its lines add up to the total
    assert "Tidak lagi diminta (dibatalkan) 1" in " ".join(text2.split())
    # it says which number it replaces (the line may break inside the number)
    assert f"menggantikanBeritaAcaraVerifikasinomor{first['number']}" in text2.replace(" ", "")
    assert "Disetujui" not in pdf_text(
        region.call("verifier", "satudata_letter_export", id=first["id"]))
    records = [x for x in region.call("verifier", "satudata_letter_list",
                                      id=region.round["id"]) if x["kind"] == "berita_acara"]
    assert [x["version"] for x in records] == [2, 1]

    # the Berita Acara covers every OPD: not for producers
    assert all(x["kind"] == "permintaan" for x in region.call(
        "producer", "satudata_letter_list", id=region.round["id"]))
    with pytest.raises(tk.ObjectNotFound):
        region.call("producer", "satudata_letter_export", id=first["id"])
    with pytest.raises(tk.NotAuthorized):
        region.call("producer", "satudata_letter_issue", id=region.round["id"])


@pytest.mark.ckan_config("satudata.letter.number_pattern",
                         "{org}/{kind}-{seq:04d}/{opd}/{day}.{month}.{year}")
@pytest.mark.ckan_config("satudata.letter.org_code", "DKF")
@pytest.mark.ckan_config("satudata.letter.code.berita_acara", "BA")
def test_numbers_follow_the_configured_pattern(region):
    today = workdays.today()
    _decide(region)
    record = region.call("verifier", "satudata_letter_issue", id=region.round["id"])
    assert record["number"] == f"DKF/BA-0001//{today:%d.%m}.{today.year}"

    # a second send: a new request letter to OPD A, with its code in the number
    opd_a = model.Group.get(region.opd_a["id"])
    opd_a.extras = {**opd_a.extras, "opd_code": "DINKES"}
    model.Session.commit()
    DaftarDataItem(title="Jumlah Posyandu", owner_org=region.opd_a["name"])
    region.call("walidata_admin", "satudata_round_send", id=region.round["id"])
    newest = [x for x in region.call("walidata_admin", "satudata_letter_list",
                                     id=region.round["id"])
              if x["kind"] == "permintaan" and x["version"] == 2]
    assert [x["number"] for x in newest] == [
        f"DKF/SPD-0003/DINKES/{today:%d.%m}.{today.year}"]


@pytest.mark.ckan_config("satudata.letter.number_pattern", "{seq}/{nomor_surat}")
def test_a_broken_pattern_is_a_clear_error_and_uses_no_number(region):
    _decide(region)
    with pytest.raises(tk.ValidationError) as error:
        region.call("verifier", "satudata_letter_issue", id=region.round["id"])
    assert "nomor_surat" in error.value.error_dict["number_pattern"][0]
    model.Session.rollback()
    last = model.Session.execute(sa.select(LetterCounter.last).where(
        LetterCounter.kind == "berita_acara")).scalar()
    assert last is None  # the number was given back with the rollback


def _waiting_on_a_lock(pid: int) -> bool:
    with model.meta.engine.connect() as conn:
        return bool(conn.execute(sa.text(
            "select wait_event_type = 'Lock' from pg_stat_activity where pid = :pid"),
            {"pid": pid}).scalar())


def test_two_concurrent_issues_get_distinct_consecutive_numbers(region):
    """Two walidata officers issue the Berita Acara of two rounds at the same
    moment: the first holds the counter row until it commits, the second
    waits for it and takes the next number."""
    _decide(region)
    other = CollectionRound(name="semester-2-2026", title="Semester II 2026")
    # its own datasets: the first round's periods are not released
    region.call("walidata_admin", "satudata_round_send", id=other["id"], new_datasets=True)
    second = helpers.call_action("satudata_request_list", context={"user": "sysadmin-uji"},
                                 round_id=other["id"])["results"][0]
    who = "producer" if second["owner_org"] == region.opd_a["id"] else "producer_b"
    complete_metadata(second["package_id"], region.users[who]["name"])
    region.call(who, "satudata_request_submit", id=second["id"])
    region.call("verifier", "satudata_request_verify", id=second["id"])
    model.Session.remove()

    first_holds = threading.Event()
    release = threading.Event()
    pids: dict[str, int] = {}
    results: dict[str, object] = {}

    def issue(slot: str, round_id: str, hold: bool) -> None:
        try:
            pids[slot] = model.Session.execute(sa.text("select pg_backend_pid()")).scalar()
            context = {"user": "verifikator", "defer_commit": hold}
            letter = helpers.call_action("satudata_letter_issue", context=context,
                                         id=round_id)
            if hold:  # the number is taken, the transaction still open
                first_holds.set()
                assert release.wait(30)
                model.Session.commit()
            results[slot] = letter
        except Exception as e:  # reported by the assertions
            results[slot] = e
            first_holds.set()
        finally:
            model.Session.remove()

    a = threading.Thread(target=issue, args=("a", region.round["id"], True))
    a.start()
    assert first_holds.wait(30)
    b = threading.Thread(target=issue, args=("b", other["id"], False))
    b.start()
    deadline = threading.Event()
    for _ in range(300):  # the second waits on the counter row's lock
        if "b" in pids and _waiting_on_a_lock(pids["b"]):
            break
        deadline.wait(0.1)
    else:
        pytest.fail("the second issue did not wait for the first")
    assert "b" not in results
    release.set()
    a.join(30)
    b.join(30)
    first, later = results["a"], results["b"]
    assert isinstance(first, dict) and isinstance(later, dict), results
    assert later["seq"] == first["seq"] + 1
    assert later["number"] != first["number"]


def test_the_round_email_carries_the_letter_and_links_the_documents(smtp, region, run_jobs):
    run_jobs()
    smtp.take()
    DaftarDataItem(title="Jumlah Posyandu", owner_org=region.opd_a["name"])
    document = region.call("walidata_admin", "satudata_round_document_create",
                           id=region.round["id"], title="Matriks Indikator 2026",
                           upload=_upload(b"kode,indikator\n1,Posyandu\n", "matriks.csv"))
    # sent twice (a double click, two tabs): one document, one line in the trail
    again = region.call("walidata_admin", "satudata_round_document_create",
                        id=region.round["id"], title="Matriks Indikator 2026",
                        upload=_upload(b"kode,indikator\n1,Posyandu\n", "matriks.csv"))
    assert again["id"] == document["id"]
    assert len(region.call("walidata_admin", "satudata_round_document_list",
                           id=region.round["id"])) == 1
    region.call("walidata_admin", "satudata_round_send", id=region.round["id"])
    run_jobs()
    with smtp.lock:
        messages, smtp.messages = smtp.messages, []
    assert [str(m["To"]).split("<")[-1] for m in messages] == ["produsen-a@example.org>"]
    message = messages[0]
    body = message.get_body(("plain",)).get_content()
    letter = next(x for x in region.call("walidata_admin", "satudata_letter_list",
                                         id=region.round["id"]) if x["version"] == 2)
    assert letter["number"] in body
    assert "Matriks Indikator 2026" in body
    assert f"/permintaan-data/putaran/semester-1-2026/dokumen/{document['id']}" in body
    attachments = list(message.iter_attachments())
    assert [a.get_filename() for a in attachments] == [letter["file_name"]]
    assert attachments[0].get_content_type() == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(attachments[0].get_content()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Jumlah Posyandu" in text and letter["number"] in text
    assert "Jumlah Puskesmas" not in text  # requested by the first send's letter


def test_uploaded_documents_reach_the_rounds_opds_and_staff_only(region):
    created = region.call("verifier", "satudata_round_document_create",
                          id=region.round["name"],
                          upload=_upload(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"
                                         b"trailer<<>>\n%%EOF\n", "SK Walikota 12.pdf"))
    assert created["title"] == "SK Walikota 12.pdf"
    assert created["file_name"] == "SK_Walikota_12.pdf"
    assert created["mimetype"] == "application/pdf"
    # a name that turns its text around is no title ("SK\u202efdp.exe" shows
    # as "SKexe.pdf"); a name of no ASCII keeps its extension
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    turned = region.call("verifier", "satudata_round_document_create", id=region.round["id"],
                         upload=_upload(pdf, "SK\u202egnp.pdf"))
    assert turned["title"] == "SKgnp.pdf" and turned["file_name"] == "SKgnp.pdf"
    emoji = region.call("verifier", "satudata_round_document_create", id=region.round["id"],
                        upload=_upload(pdf, "\U0001F600.PDF"))
    assert emoji["file_name"] == "dokumen.pdf"
    # a name of marks only is no title; spaces of any kind are one space
    marks = region.call("verifier", "satudata_round_document_create", id=region.round["id"],
                        upload=_upload(pdf, "\u202e\u202d.pdf"))
    assert (marks["title"], marks["file_name"]) == ("dokumen.pdf", "dokumen.pdf")
    spaced = region.call("verifier", "satudata_round_document_create", id=region.round["id"],
                         upload=_upload(pdf, "SK  spasi\u00a0\u2003ganda.pdf"))
    assert spaced["title"] == "SK spasi ganda.pdf"
    for document in (turned, emoji, marks, spaced):
        region.call("walidata_admin", "satudata_round_document_delete", id=document["id"])
    for who in ("producer", "producer_b", "verifier", "kadis", "walidata_admin"):
        listed = region.call(who, "satudata_round_document_list", id=region.round["id"])
        assert [d["id"] for d in listed] == [created["id"]]
        got = region.call(who, "satudata_round_document_export", id=created["id"])
        assert base64.b64decode(got["content"]).startswith(b"%PDF-1.4")
    for who in ("public", "anonymous"):
        answers = []  # as a made-up id: a visitor asked to log in, a user not found
        for ref in (created["id"], "00000000-0000-4000-8000-000000000000"):
            with pytest.raises(tk.ObjectNotFound if who == "public" else tk.NotAuthorized) \
                    as err:
                region.call(who, "satudata_round_document_export", id=ref)
            answers.append(str(err.value))
        assert answers[0] == answers[1]
        with pytest.raises(tk.NotAuthorized):
            region.call(who, "satudata_round_document_list", id=region.round["id"])
    with pytest.raises(tk.NotAuthorized):
        region.call("producer", "satudata_round_document_create", id=region.round["id"],
                    upload=_upload(b"a,b\n", "x.csv"))
    with pytest.raises(tk.NotAuthorized):
        region.call("producer", "satudata_round_document_delete", id=created["id"])
    region.call("walidata_admin", "satudata_round_document_delete", id=created["id"])
    assert region.call("verifier", "satudata_round_document_list", id=region.round["id"]) == []


@pytest.mark.ckan_config("satudata.round_document.max_size", 1)
@pytest.mark.parametrize("content,name,message", [
    (None, None, "Pilih berkas"),
    (b"", "kosong.pdf", "Berkas kosong"),
    (b"a,b\n" * 300_000, "besar.csv", "terlalu besar: batasnya 1 MB"),
    (PNG, "gambar.pdf", "gambar.pdf tidak dapat diunggah: isinya bukan"),
    (b"MZ\x90\x00" + b"\x00" * 200, "program.xlsx", "tidak dapat diunggah"),
    (b"echo hai\n", "skrip.exe", "skrip.exe tidak dapat diunggah"),
    (b"a,b\n", "x" * 300 + ".exe", "x" * 195 + ".exe tidak dapat diunggah"),
], ids=["missing", "empty", "too-large", "image", "program", "extension", "long"])
def test_a_refused_upload_is_a_clear_error_and_stores_nothing(app, region, content, name,
                                                             message):
    upload = _upload(content, name) if content is not None else None
    with app.flask_app.test_request_context("/"):  # the portal's locale: id
        with pytest.raises(tk.ValidationError) as error:
            region.call("walidata_admin", "satudata_round_document_create",
                        id=region.round["id"], upload=upload)
    assert message in error.value.error_dict["upload"][0]
    model.Session.rollback()
    assert model.Session.execute(sa.select(sa.func.count()).select_from(
        RoundDocument)).scalar() == 0


def test_a_document_name_is_stored_as_a_page_can_show_it(region):
    """A NUL in the file name answered 500; a 300-character name became a
    300-character title (the limit is 200)."""
    stored = region.call("walidata_admin", "satudata_round_document_create",
                         id=region.round["id"], upload=_upload(b"a,b\n", "nul\x00.csv"))
    assert (stored["title"], stored["file_name"]) == ("nul.csv", "nul.csv")
    long = region.call("walidata_admin", "satudata_round_document_create",
                       id=region.round["id"], upload=_upload(b"a,b\n", "x" * 300 + ".csv"))
    assert long["title"] == "x" * 196 + ".csv"


def test_the_berita_acara_names_every_state_in_indonesian():
    from ckanext.satudata.lib.states import State

    assert set(letters._STATES) == set(State)


def test_the_berita_acara_names_the_roles_of_the_rounds_own_chain(region):
    """A round with its own approval chain (Kota Metro: only the Kasi) has
    its decisions recorded under that chain's roles, not the site's."""
    from ckanext.satudata.model import CollectionRound as Round
    _decide(region)
    round_ = model.Session.get(Round, region.round["id"])
    round_.approval_chain = ["kasi"]
    model.Session.commit()
    letter = region.call("verifier", "satudata_letter_issue", id=region.round["id"])
    text = pdf_text(region.call("walidata_admin", "satudata_letter_export", id=letter["id"]))
    assert "kasi" in text
    assert "verifikator" not in text


def test_the_letters_schedule_points_to_the_items_own_deadlines():
    """A letter listed an item due on 11 December (a week per data item)
    while its schedule said the data was due on 23 March, nothing else."""
    from ckanext.satudata.model import Letter

    round_ = {"title": "Putaran 2027", "year": 2027, "start_date": "2026-12-07",
              "prepare_due": "2026-12-14", "submit_due": "2027-03-23", "verify_due":
              "2027-04-15", "submit_days": 60, "verify_days": 15, "approval_days": 5}
    item = {"title": "Jumlah Posyandu", "unit": "unit", "due_date": "2027-03-23"}
    letter = Letter(kind=letters.PERMINTAAN, number="001/SPD",
                    issued_on=datetime.date(2026, 12, 5), content={
                        "round": round_, "opd": {"title": "Dinas Kesehatan"}, "items": [item],
                        "letterhead": {"title": "Diskominfo", "position": "Kepala"}})
    assert "batas waktu tersendiri" not in letters.letter_html(letter)
    letter.content = dict(letter.content, items=[item, dict(item, due_date="2026-12-11")])
    page = letters.letter_html(letter)
    assert "23 Maret 2027" in page and "11 Desember 2026" in page
    assert "data dengan batas waktu tersendiri paling lambat pada tanggal yang tercantum" in page


def test_an_all_in_rounds_letter_says_verification_waits_for_every_opd():
    """SOP 002 (Balikpapan): verification "ketika semua data sudah
    terkumpul". The letter gave the deadline alone."""
    letter = _request_letter("001/SPD", [{"title": "Jumlah Posyandu", "unit": "unit",
                                          "due_date": "2027-03-23"}])
    assert "setelah semua perangkat daerah" not in letters.letter_html(letter)
    letter.content = dict(letter.content, round=dict(letter.content["round"],
                                                     verify_when_complete=True))
    assert "dimulai setelah semua perangkat daerah menyampaikan datanya; paling lambat " \
        "15 April 2027" in letters.letter_html(letter)


def test_a_letters_deadlines_in_a_year_of_estimated_holidays_say_they_may_move(region):
    """The round's page warned that the holidays of the deadlines' year were
    estimated and the dates might move; its letter gave them as fixed."""
    letter = _request_letter("001/SPD", [{"title": "Jumlah Posyandu", "unit": "unit",
                                          "due_date": "2027-03-23"}])
    assert "hari libur perkiraan" not in letters.letter_html(letter)
    letter.content = dict(letter.content, round=dict(letter.content["round"],
                                                     estimated_years=[2027]))
    page = " ".join(letters.letter_html(letter).split())
    assert "cuti bersama tahun 2027 belum ditetapkan" in page
    assert "hari libur perkiraan dan dapat bergeser" in page
    # issued, a letter carries the years of its own deadlines
    from ckanext.satudata.model import CollectionRound
    round_ = model.Session.get(CollectionRound, region.round["id"])
    assert letters._round(round_)["estimated_years"] == workdays.estimated_years(
        round_.prepare_due, round_.submit_due, round_.verify_due)


def test_a_letter_counts_the_working_days_its_dates_give(region):
    """A submission deadline typed by hand: the round's page said "(19 hari
    kerja)", its letters the 15 days it replaced."""
    from ckanext.satudata.model import CollectionRound

    round_ = model.Session.get(CollectionRound, region.round["id"])
    typed = workdays.add_working_days(round_.prepare_due, round_.submit_days + 4)
    round_.submit_due = typed
    shown = letters._round(round_)
    assert shown["submit_days"] == round_.submit_days + 4
    assert shown["verify_days"] == workdays.working_days_between(typed, round_.verify_due)
    model.Session.rollback()


def _request_letter(number: str, items: list[dict[str, str]]) -> Any:
    """A request letter (not saved) of a 2027 round to Dinas Kesehatan."""
    from ckanext.satudata.model import Letter

    round_ = {"title": "Putaran 2027", "year": 2027, "start_date": "2026-12-07",
              "prepare_due": "2026-12-14", "submit_due": "2027-03-23", "verify_due":
              "2027-04-15", "submit_days": 60, "verify_days": 15, "approval_days": 5}
    return Letter(kind=letters.PERMINTAAN, number=number,
                  issued_on=datetime.date(2026, 12, 5), content={
                      "round": round_, "opd": {"title": "Dinas Kesehatan"},
                      "letterhead": {"title": "Diskominfo", "position": "Kepala Diskominfo"},
                      "items": items})


@pytest.mark.parametrize("items", [1, 9, 14, 18])
def test_the_closing_sentence_and_the_signature_share_a_page(items):
    """A letter whose list filled its first page printed the signature
    alone on the second."""
    letter = _request_letter("001/SPD", [
        {"title": f"Data nomor {n}", "unit": "unit", "description": "Keterangan data " * 6,
         "due_date": "2027-03-23"} for n in range(items)])
    pages = [page.extract_text() for page in pypdf.PdfReader(
        io.BytesIO(letters.pdf_bytes(letter))).pages]
    closing = [text for text in pages if "Demikian disampaikan" in text]
    assert len(closing) == 1 and "Kepala Diskominfo" in closing[0], len(pages)


def test_a_long_word_wraps_inside_the_letters_table():
    """An item titled with an unbroken word of 300 characters (an address,
    a code) pushed the letter's unit and deadline columns off the A4 page:
    the OPD read no unit and no deadline for any item."""
    letter = _request_letter("002/SPD", [{"title": "Data" + "x" * 300, "unit": "satuanunik",
                                          "description": "", "due_date": "2027-03-23"}])
    placed: list[tuple[float, str]] = []
    for page in pypdf.PdfReader(io.BytesIO(letters.pdf_bytes(letter))).pages:
        width = float(page.mediabox.width)
        page.extract_text(visitor_text=lambda text, cm, tm, *_: placed.append(
            (tm[4] * cm[0] + cm[4], text)))
    assert "satuanunik" in "".join(text for _x, text in placed).replace("\n", "")
    beyond = [(round(x), text[:20]) for x, text in placed if text.strip() and x > width]
    assert beyond == [], beyond


def test_a_round_of_cancelled_requests_has_no_verification_to_record(region):
    """A Berita Acara was issued for a round whose requests were only
    cancelled: "0 verified", a letter number taken, the cancellation's
    internal reason printed."""
    for request in region.requests:
        region.call("walidata_admin", "satudata_request_cancel", id=request["id"],
                    note="Indikator dihapus")
    with pytest.raises(tk.ValidationError) as refused:
        region.call("walidata_admin", "satudata_letter_issue", id=region.round["id"])
    assert "kind" in refused.value.error_dict
    assert not model.Session.execute(sa.select(Letter).where(
        Letter.kind == "berita_acara")).first()
