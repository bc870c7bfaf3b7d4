# -*- coding: utf-8 -*-
"""The letters of a collection round, generated as PDF (WeasyPrint, as the
publication book):

* a **Surat Permintaan Data** per round and OPD: the walidata's letterhead,
  number and date, the addressee OPD, the requested items with their
  deadlines, the round's schedule and the signature block of the configured
  official. Issued by :func:`issue_request_letters` when the round is sent
  (in the send's transaction), one per OPD and send; attached to the
  round's e-mail to that OPD's producers;
* a **Berita Acara Verifikasi** per round: every request with the decisions
  taken on it (verified, returned, approved: by whom, when, with the note),
  the requests still open listed as such. Issued by the walidata
  (:func:`issue_verification_record`); issuing it again after decisions
  changed gives a new version with a new number, the earlier ones are kept.

Numbers (:func:`number_for`) follow ``satudata.letter.number_pattern``; the
sequence is counted per kind and year in ``satudata_letter_counter``, whose
row the issuing transaction updates (and so locks) until it commits:
concurrent issues wait for each other and get consecutive numbers, and a
rolled-back issue gives its number back, so there are no gaps.

What a letter says is recorded in ``content`` when it is issued; the PDF is
rendered from it (:func:`pdf_bytes`), so downloading it again, or the worker
attaching it to an e-mail later, gives the same number, date and text.
Letters are official documents in Indonesian whatever the portal's language:
their templates (``templates/satudata/letters/``) are written in Indonesian.
"""
from __future__ import annotations

import datetime
import functools
import os
import zoneinfo
from typing import Any, Optional

import jinja2
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
import ckan.plugins.toolkit as tk

from . import cells, roles, workdays
from ..model import (
    CollectionRound, DaftarData, DataRequest, Letter, LetterCounter, RequestEvent,
)
from .states import State

__all__ = ["PERMINTAAN", "BERITA_ACARA", "next_seq", "number_for", "issue_request_letters",
           "issue_verification_record", "letter_html", "pdf_bytes", "file_name",
           "tanggal", "DECISIONS"]

PERMINTAAN = "permintaan"
BERITA_ACARA = "berita_acara"
_TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "templates", "satudata",
                          "letters")
_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
#: the transitions a Berita Acara records as decisions, in Indonesian
DECISIONS = {
    "verify": "Diverifikasi",
    "return": "Dikembalikan untuk perbaikan",
    "return_approval": "Dikembalikan untuk perbaikan",
    "return_ready": "Dikembalikan untuk perbaikan",
    "approve": "Disetujui",
    "cancel": "Dibatalkan",
}
#: the states in Indonesian (the letter's language, not the portal's)
_STATES = {
    State.REQUESTED: "diminta",
    State.OPD_REVIEW: "menunggu persetujuan kepala perangkat daerah",
    State.SUBMITTED: "dikirim, menunggu verifikasi",
    State.RETURNED: "dikembalikan untuk perbaikan",
    State.RESUBMITTED: "dikirim ulang, menunggu verifikasi",
    State.VERIFIED: "terverifikasi, dalam persetujuan", State.READY: "siap terbit",
    State.SCHEDULED: "dijadwalkan terbit", State.PUBLISHED: "terbit",
    State.WITHDRAWN: "ditarik", State.ARCHIVED: "diarsipkan", State.CANCELLED: "dibatalkan",
}
#: states of a request whose verification is not done (listed as open)
OPEN_STATES = frozenset({State.REQUESTED, State.OPD_REVIEW, State.SUBMITTED, State.RETURNED,
                         State.RESUBMITTED})


def tanggal(value: Optional[str | datetime.date]) -> str:
    """An ISO date (or date) written as in Indonesian letters: 2 Desember 2026."""
    if not value:
        return ""
    date = datetime.date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


# -- numbering -----------------------------------------------------------------------------

def next_seq(kind: str, year: int) -> int:
    """The next sequence number of ``kind`` in ``year``, counted in the
    current transaction: the counter row stays locked until it commits or
    rolls back (then the number is given back)."""
    table = LetterCounter.__table__
    stmt = insert(table).values(kind=kind, year=year, last=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.kind, table.c.year],
        set_={"last": table.c.last + 1}).returning(table.c.last)
    return model.Session.execute(stmt).scalar_one()


def _org_code(org: Optional[model.Group]) -> str:
    if org is None:
        return ""
    extras = org.extras or {}
    return (extras.get("opd_code") or extras.get("short_name") or org.name or "").upper()


def number_for(kind: str, seq: int, date: datetime.date,
               opd: Optional[model.Group] = None) -> str:
    """The number of a letter by ``satudata.letter.number_pattern``; a
    ``ValidationError`` when the pattern names an unknown placeholder or
    cannot be formatted."""
    pattern = tk.config.get("satudata.letter.number_pattern")
    values = {
        "seq": seq, "kind": tk.config.get(f"satudata.letter.code.{kind}") or "",
        "org": tk.config.get("satudata.letter.org_code") or _org_code(
            roles.walidata_organization()),
        "opd": _org_code(opd), "day": f"{date.day:02d}", "month": f"{date.month:02d}",
        "month_roman": _ROMAN[date.month - 1], "year": date.year,
    }
    try:
        return pattern.format(**values)
    except (KeyError, IndexError, ValueError) as e:
        raise tk.ValidationError({"number_pattern": [tk._(
            "The letter number pattern (satudata.letter.number_pattern) is not valid: "
            "%(error)s") % {"error": f"{type(e).__name__}: {e}"}]})


# -- what a letter says ----------------------------------------------------------------------

def _letterhead() -> dict[str, str]:
    walidata = roles.walidata_organization()
    extras = (walidata.extras or {}) if walidata else {}
    title = (walidata.title or walidata.name) if walidata else ""
    contact = [extras.get(k) for k in ("address", "phone", "email", "website")]
    return {
        "title": tk.config.get("satudata.letter.letterhead_title") or title,
        "address": tk.config.get("satudata.letter.letterhead_address")
        or " · ".join(c for c in contact if c),
        "place": tk.config.get("satudata.letter.place") or "",
        "position": tk.config.get("satudata.letter.signatory_position")
        or (f"Kepala {title}" if title else ""),
        "name": tk.config.get("satudata.letter.signatory_name") or extras.get("head_name")
        or "",
        "nip": tk.config.get("satudata.letter.signatory_nip") or extras.get("head_nip") or "",
    }


def _local(timestamp: datetime.datetime) -> str:
    """A UTC time of the database as written in the portal's time zone, as
    the pages write it: 2 Desember 2026 10.15 WIB."""
    local = timestamp.replace(tzinfo=datetime.timezone.utc).astimezone(
        zoneinfo.ZoneInfo(tk.config.get("satudata.timezone")))
    return f"{tanggal(local.date())} {local:%H.%M} {local.tzname() or ''}".rstrip()


def _round(round_: CollectionRound) -> dict[str, Any]:
    """The round as its letters print it, with the years of its deadlines
    whose holidays are only estimated (``estimated_years``: the letter gave
    such dates as fixed, the round's page said they might move)."""
    shown = {key: value for key, value in round_.dictize().items() if key in (
        "id", "name", "title", "year", "period", "description", "start_date", "prepare_due",
        "submit_due", "verify_due", "submit_days", "verify_days", "approval_days",
        "late_policy", "verify_when_complete")}
    shown["estimated_years"] = workdays.estimated_years(
        round_.prepare_due, round_.submit_due, round_.verify_due)
    # the working days its dates give (a deadline typed by hand: the letter
    # said the count it replaced, "(15 hari kerja)" for 19, as its page did not)
    shown["submit_days"] = workdays.working_days_between(round_.prepare_due,
                                                         round_.submit_due)
    shown["verify_days"] = workdays.working_days_between(round_.submit_due,
                                                         round_.verify_due)
    return shown


def _issue(round_: CollectionRound, kind: str, opd: Optional[model.Group],
           content: dict[str, Any], user_id: Optional[str]) -> Letter:
    today = workdays.today()
    version = model.Session.execute(
        sa.select(sa.func.coalesce(sa.func.max(Letter.version), 0)).where(
            Letter.round_id == round_.id, Letter.kind == kind,
            Letter.owner_org == opd.id if opd is not None else Letter.owner_org.is_(None))
    ).scalar_one() + 1
    seq = next_seq(kind, today.year)
    letter = Letter(id=model.types.make_uuid(), round_id=round_.id, kind=kind,
                    owner_org=opd.id if opd is not None else None, version=version,
                    year=today.year, seq=seq, number=number_for(kind, seq, today, opd),
                    issued_on=today, issued_at=datetime.datetime.utcnow(),
                    issued_by=user_id, content=content)
    model.Session.add(letter)
    return letter


def issue_request_letters(round_: CollectionRound, request_ids: list[str],
                          user_id: Optional[str]) -> dict[str, str]:
    """A Surat Permintaan Data to each OPD among the requests
    ``request_ids`` (just sent, not committed yet), listing its items; in
    the caller's transaction. ``{organization id: letter id}``."""
    if not request_ids:
        return {}
    rows = model.Session.execute(
        sa.select(DataRequest, DaftarData, model.Group)
        .join(DaftarData, DaftarData.id == DataRequest.item_id)
        .join(model.Group, model.Group.id == DataRequest.owner_org)
        .where(DataRequest.id.in_(request_ids))
        .order_by(model.Group.title, DaftarData.title, DataRequest.id)).all()
    by_org: dict[str, tuple[model.Group, list[dict[str, Any]]]] = {}
    for request, item, org in rows:
        by_org.setdefault(org.id, (org, []))[1].append({
            "title": item.title, "description": item.description or "",
            "unit": item.unit or "", "due_date": request.submit_due.isoformat()
            if request.submit_due else "",
        })
    head = _letterhead()
    issued = {}
    for org_id, (org, items) in by_org.items():
        extras = org.extras or {}
        content = {"letterhead": head, "round": _round(round_), "items": items,
                   "opd": {"title": org.title or org.name, "head_name":
                           extras.get("head_name") or "", "address": extras.get("address")
                           or ""}}
        issued[org_id] = _issue(round_, PERMINTAAN, org, content, user_id).id
    model.Session.flush()
    return issued


def _decisions(round_id: str) -> list[dict[str, Any]]:
    """Every request of the round (by OPD and item) with its decisions, in
    order. Two queries."""
    requests = model.Session.execute(
        sa.select(DataRequest.id, DataRequest.state, DaftarData.title, model.Group.title,
                  model.Group.name)
        .join(DaftarData, DaftarData.id == DataRequest.item_id)
        .join(model.Group, model.Group.id == DataRequest.owner_org)
        .where(DataRequest.round_id == round_id)
        .order_by(model.Group.title, DaftarData.title, DataRequest.id)).all()
    chain = roles.approval_chain(round_id)  # the round's own chain, if it has one
    events: dict[str, list[dict[str, Any]]] = {}
    for event, user_name, full_name in model.Session.execute(
            sa.select(RequestEvent, model.User.name, model.User.fullname)
            .outerjoin(model.User, model.User.id == RequestEvent.user_id)
            .join(DataRequest, DataRequest.id == RequestEvent.request_id)
            .where(DataRequest.round_id == round_id,
                   RequestEvent.transition.in_(list(DECISIONS)))
            .order_by(RequestEvent.timestamp, RequestEvent.id)).all():
        level = event.approval_level
        # a verifier's or an approver's decision: the role of its level in the
        # round's chain; another's (a walidata administrator's cancellation,
        # printed "(verifikator)", the role of the level the request stood
        # at): the role it recorded, if any
        data = event.data or {}
        level_role = "actor" not in data or {"verifier", "approver"} & set(data["actor"])
        events.setdefault(event.request_id, []).append({
            "transition": event.transition, "decision": DECISIONS[event.transition],
            "at": _local(event.timestamp),
            "by": full_name or user_name or "",
            "role": (chain[level] if 0 <= level < len(chain) else "") if level_role
            else data.get("role") or "",
            "note": event.note or "",
        })
    return [{"id": rid, "opd": org_title or org_name, "item": title, "state": state,
             "state_label": _STATES.get(State(state), state),
             "open": State(state) in OPEN_STATES, "decisions": events.get(rid, [])}
            for rid, state, title, org_title, org_name in requests]


def issue_verification_record(round_: CollectionRound, user_id: Optional[str]) -> Letter:
    """A new Berita Acara Verifikasi of ``round_`` (lock the round row
    first), in the caller's transaction. A ``ValidationError`` when nothing
    was decided yet, or nothing changed since the latest version."""
    requests = _decisions(round_.id)
    # a cancellation is listed, but is no verification: a round of
    # cancelled requests only took a letter number for "0 verified"
    if not any(d["transition"] != "cancel" for r in requests for d in r["decisions"]):
        raise tk.ValidationError({"kind": [tk._(
            "Nothing in this round has been verified, returned or approved yet: there is "
            "no verification to record")]})
    latest = model.Session.execute(
        sa.select(Letter).where(Letter.round_id == round_.id, Letter.kind == BERITA_ACARA)
        .order_by(Letter.version.desc()).limit(1)).scalar_one_or_none()
    if latest is not None and latest.content.get("requests") == requests:
        raise tk.ValidationError({"kind": [tk._(
            "No decision changed since Berita Acara %(number)s: it is still valid") % {
                "number": latest.number}]})
    summary = {
        "total": len(requests),
        "verified": sum(1 for r in requests if not r["open"]
                        and r["state"] != State.CANCELLED.value),
        "returned": sum(1 for r in requests if r["state"] == State.RETURNED.value),
        "open": sum(1 for r in requests if r["open"]),
        # the three add up to the total (the cancelled ones were in no line)
        "cancelled": sum(1 for r in requests if r["state"] == State.CANCELLED.value),
    }
    content = {"letterhead": _letterhead(), "round": _round(round_), "requests": requests,
               "summary": summary,
               "replaces": latest.number if latest is not None else None}
    letter = _issue(round_, BERITA_ACARA, None, content, user_id)
    model.Session.flush()
    return letter


# -- writing ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _env() -> jinja2.Environment:
    """The letters' template environment, one per process: each template is
    compiled once (a new environment compiled the letter's two templates
    again for every letter), and reloaded when its file changes."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["tanggal"] = tanggal
    env.filters["breakable"] = cells.breakable
    return env


def letter_html(letter: Letter) -> str:
    """The HTML of a letter (rendered by WeasyPrint) from what it recorded."""
    template = "permintaan.html" if letter.kind == PERMINTAAN else "berita_acara.html"
    return _env().get_template(template).render(letter=letter, c=letter.content)


def pdf_bytes(letter: Letter) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=cells.printable_runs(letter_html(letter)),
                           base_url=_TEMPLATES).write_pdf()


def file_name(letter: Letter, opd_name: Optional[str] = None) -> str:
    """``surat-permintaan-data-<round>-<opd>.pdf`` or
    ``berita-acara-verifikasi-<round>-v<n>.pdf`` (``opd_name``: the
    addressee's URL name, looked up when not given)."""
    round_name = letter.content.get("round", {}).get("name", "")
    if letter.kind == PERMINTAAN:
        if opd_name is None and letter.owner_org:
            org = model.Session.get(model.Group, letter.owner_org)
            opd_name = org.name if org is not None else None
        suffix = opd_name or letter.id[:8]
        version = f"-{letter.version}" if letter.version > 1 else ""
        return f"surat-permintaan-data-{round_name}-{suffix}{version}.pdf"
    return f"berita-acara-verifikasi-{round_name}-v{letter.version}.pdf"
