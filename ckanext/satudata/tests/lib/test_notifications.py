# -*- coding: utf-8 -*-
"""Every e-mail of the portal comes from a template (``templates/emails/``),
renders in Indonesian and in English, reads as plain text, and every step of
the state table has its message."""
from __future__ import annotations

import datetime
from pathlib import Path

import flask_babel
import pytest

from ckanext.satudata.lib import states
from ckanext.satudata.lib import notifications

TEMPLATE_DIR = Path(notifications.__file__).parents[1] / "templates" / "emails"

VALUES = {
    "user_name": "Siti Aminah",
    "title": 'Jumlah "Puskesmas" & Posyandu',
    "round": "Permintaan Data 2026",
    "org": "Dinas Kesehatan",
    "actor": "Budi Verifikator",
    "role": "kabid",
    "transition": "verify",
    "note": "Satuan belum diisi",
    "field_notes": [("Satuan", "Isi satuan")],
    "due_date": "2026-12-22",
    "release_at": datetime.datetime(2026, 12, 22, 2, 0),
    "dataset_url": "http://test.ckan.net/dataset/jumlah-puskesmas",
    "request_url": "http://test.ckan.net/permintaan-data/abc",
    "requests": [("Jumlah Puskesmas", "http://test.ckan.net/permintaan-data/abc", "2026-12-22")],
    "moves": [('Jumlah "Puskesmas" & Posyandu', "http://test.ckan.net/permintaan-data/abc",
               "2026-12-15", "2026-12-22")],
    "state": "Diminta",
    "days": 2,
    "round_title": "Semester I 2026",
    "stage": "Kompilasi dan analisis data",
    "round_url": "http://test.ckan.net/permintaan-data/putaran/semester-1-2026",
    "report_url": "http://test.ckan.net/permintaan-data/putaran/semester-1-2026/laporan",
    "step": "approve",
    "waiting": True,
    "sender": "Admin Walidata",
    "count": 3,
    "queue_url": "http://test.ckan.net/permintaan-data/?mine=1",
}
#: the requests of a reminder or escalation digest (reminders.send_reminders)
VALUES["entries"] = [
    {key: VALUES[key] for key in ("title", "org", "round", "state", "due_date", "days",
                                  "request_url")},
    {"title": "Jumlah Posyandu", "org": "Dinas Kesehatan", "round": "Permintaan Data 2026",
     "state": "Dikembalikan", "due_date": "2026-12-21", "days": 0,
     "request_url": "http://test.ckan.net/permintaan-data/def"}]


#: CKAN's own messages, kept in its file names (ckan/lib/mailer.py renders them)
CORE_MESSAGES = ("reset_password", "invite_user")


@pytest.mark.parametrize("locale,greeting", [("id", "Yth. budi,"), ("en", "Dear budi,")])
def test_ckans_password_reset_message_keeps_its_lines(app, locale, greeting):
    """CKAN's one translated block arrived as a single line, the reset link
    inside the paragraph."""
    import flask

    with app.flask_app.test_request_context(), flask_babel.force_locale(locale):
        body = flask.render_template("emails/reset_password.txt", user_name="budi",
                                     site_title='Portal "Satu Data" & Uji',
                                     site_url="http://test.ckan.net",
                                     reset_link="http://test.ckan.net/user/reset/abc?key=1")
    lines = [line.strip() for line in body.strip().splitlines()]
    assert lines[0] == greeting
    assert "http://test.ckan.net/user/reset/abc?key=1" in lines  # a line of its own
    assert len([line for line in lines if line]) >= 6
    assert 'Portal "Satu Data" & Uji' in body  # plain text, not HTML escapes


@pytest.mark.usefixtures("clean_db")
def test_ckans_password_reset_message_greets_by_the_full_name(app):
    """It greeted "Yth. operator-dinkes," where every other e-mail of the
    portal uses the account's full name."""
    import flask
    from ckan.tests import factories

    factories.User(name="operator-dinkes", fullname="Siti Aminah")
    with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
        body = flask.render_template("emails/reset_password.txt", user_name="operator-dinkes",
                                     site_title="Portal", site_url="http://test.ckan.net",
                                     reset_link="http://test.ckan.net/user/reset/abc?key=1")
    assert body.strip().startswith("Yth. Siti Aminah,"), body


def _render(app, name: str, locale: str) -> tuple[str, str]:
    with app.flask_app.test_request_context(), flask_babel.force_locale(locale):
        return notifications.render(name, **VALUES)


def test_every_template_is_listed_and_every_listed_template_exists():
    on_disk = {p.stem for p in TEMPLATE_DIR.glob("*.txt") if not p.stem.startswith(("_", "base"))
               and p.stem not in CORE_MESSAGES}
    assert on_disk == set(notifications.TEMPLATES)


@pytest.mark.parametrize("name", notifications.TEMPLATES)
def test_each_message_renders_in_indonesian_and_english(app, name):
    subject_en, body_en = _render(app, name, "en")
    subject_id, body_id = _render(app, name, "id")
    for subject, body in ((subject_en, body_en), (subject_id, body_id)):
        assert subject.startswith("[Portal Satu Data (uji)]"), subject
        assert "\n" not in subject
        # plain text: what the producer typed, not HTML entities
        assert "&amp;" not in subject + body and "&#34;" not in subject + body
        assert "{{" not in body and "%(" not in body and "{%" not in body
        assert body.rstrip().endswith("Portal Satu Data (uji).")
        assert "\n-- \n" in body
    assert body_en.startswith("Dear Siti Aminah,")
    assert body_id.startswith("Yth. Siti Aminah,")
    assert subject_id != subject_en and body_id != body_en
    if name in ("round_stage_reminder", "report_step", "stage_started"):  # about a round
        assert "Semester I 2026" in subject_id and "/putaran/semester-1-2026" in body_id
    elif name not in ("round_sent", "round_state"):  # about the round's requests
        assert 'Puskesmas" & Posyandu' in subject_en + body_en


def test_a_title_with_a_line_break_stays_in_the_subject(app):
    """A producer's title with a line break ended the subject there, and
    the rest ("Bcc: …") opened the body of the verifiers' e-mail."""
    with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
        subject, body = notifications.render(
            "submitted", **dict(VALUES, title="Jumlah\r\nBcc: penyerang@example.org"))
    assert "Bcc: penyerang@example.org" in subject and "\n" not in subject
    assert body.startswith("Yth. Siti Aminah,"), body


def test_a_request_made_ready_by_its_verification_says_so(app):
    """A round of one level (Kota Metro): "approved at every level" of a
    request nobody approved, only verified."""
    with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
        _subject, verified = notifications.render("ready", **dict(VALUES, transition="verify"))
        _subject, approved = notifications.render("ready", **dict(VALUES, transition="approve"))
    assert "telah diverifikasi" in verified and "semua tingkat" not in verified
    assert "semua tingkat" in approved


def test_a_revision_of_withdrawn_data_is_not_called_published(app):
    with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
        withdrawn = notifications.render("revision_submitted",
                                         **dict(VALUES, from_state="withdrawn"))
        published = notifications.render("revision_submitted",
                                         **dict(VALUES, from_state="published"))
    assert "ditarik" in withdrawn[0] and "terpublikasi" not in " ".join(withdrawn)
    assert "terpublikasi" in published[0]


def test_a_review_of_a_revision_says_what_it_changes(app):
    """The approvers of a revision and its producers got the e-mails of a
    first delivery: nothing said the data was public already."""
    with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
        first = notifications.render("waiting_approval", **VALUES)
        revision = notifications.render("waiting_approval",
                                        **dict(VALUES, revision_of="published"))
        ready = notifications.render("accepted", **dict(VALUES, revision_of="withdrawn",
                                                        ready=True))
    assert first[0].startswith("[Portal Satu Data (uji)] Data menunggu") and "revisi" not in (
        first[1].lower())
    assert "Revisi menunggu" in revision[0] and "versi publik tetap" in revision[1]
    assert "revisi data yang ditarik" in ready[1]


def test_notes_and_the_deadline_stand_as_paragraphs_of_their_own(app):
    """A revision's and an archive's note were left out of their e-mails;
    the step's deadline stuck to the line above it."""
    for name in ("revision_submitted", "archived"):
        assert "Catatan: Satuan belum diisi" in _render(app, name, "id")[1], name
    _subject, body = _render(app, "waiting_approval", "id")
    assert ".\n\nTenggat langkah ini: 22 Desember 2026" in body, body


def test_a_reminder_on_the_deadline_day_says_today(app):
    """It read "0 working day(s) left"."""
    with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
        for name in ("reminder", "public_request_reminder", "round_stage_reminder"):
            _subject, body = notifications.render(name, **dict(VALUES, days=0, kind="reminder"))
            assert "hari ini" in body and "0 hari kerja" not in body, (name, body)
        # a digest's entry of the deadline's day, the other with its days left
        _subject, body = notifications.render("reminder_digest", **dict(VALUES, kind="reminder"))
        assert "Dikembalikan; tenggatnya hari ini" in body, body
        assert "sisa 2 hari kerja" in body and "0 hari kerja" not in body, body


def test_a_return_lists_the_reason_and_the_notes_by_label(app):
    _subject, body = _render(app, "returned", "id")
    assert "Satuan belum diisi" in body
    assert "  - Satuan: Isi satuan" in body
    assert "http://test.ckan.net/permintaan-data/abc" in body


def test_every_step_of_the_state_table_has_a_message():
    class Event:
        def __init__(self, name, from_state, to_state):
            self.transition, self.from_state, self.to_state = name, from_state, to_state

    for row in states.TABLE:
        targets = ([states.State.VERIFIED, states.State.READY]
                   if row.target == states.Target.CHAIN else
                   [states.State.PUBLISHED] if row.target == states.Target.REVISION_BASE else
                   [row.target])
        for source in row.sources:
            for target in targets:
                name = notifications._template_of(Event(row.name, source.value, target.value))
                assert name in notifications.TEMPLATES, (row.name, source, target)


def test_a_deadline_in_a_year_of_estimated_holidays_says_it_may_move(app):
    """The letter warned that a deadline counted on estimated holidays may
    move; the e-mails with the same dates gave them as fixed."""
    later = "2028-03-06"  # the holidays of 2028 are the library's estimates
    values = dict(VALUES, requests=[("Jumlah Puskesmas", "http://test.ckan.net/x", later)],
                  moves=[("Jumlah Puskesmas", "http://test.ckan.net/x", "2028-02-28", later)],
                  deadlines=[later])
    with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
        for name in ("round_sent", "deadline_moved", "reminder"):
            body = notifications.render(name, **dict(values, due_date=later))[1]
            assert "Hari libur tahun 2028 belum ditetapkan" in body, (name, body)
        digest = dict(VALUES, kind="reminder", entries=[dict(VALUES["entries"][0],
                                                              due_date=later)])
        assert "tahun 2028 belum ditetapkan" in notifications.render("reminder_digest", **digest)[1]
        # deadlines of a year whose holidays are fixed: no warning
        for name in ("round_sent", "deadline_moved", "reminder", "reminder_digest"):
            assert "belum ditetapkan" not in notifications.render(name, **dict(
                VALUES, kind="reminder"))[1], name
    with app.flask_app.test_request_context(), flask_babel.force_locale("en"):
        body = notifications.render("round_sent", **dict(values, due_date=later))[1]
        assert "The holidays of 2028 are not fixed yet" in body, body
        # a message that states no deadline warns of none (the reviewers' one
        # of a return carries the producers' deadline, which it does not give)
        for name in ("returned_upchain", "published", "accepted"):
            body = notifications.render(name, **dict(values, due_date=later))[1]
            assert "not fixed yet" not in body, (name, body)
