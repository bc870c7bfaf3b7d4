# -*- coding: utf-8 -*-
"""Background jobs of the workflow: e-mail notifications and reminders.

Enqueued from :mod:`.subscriptions` (after the transaction that changed a
request committed) and by ``ckan satudata send-reminders --queue``; run by
``ckan jobs worker``. Every message goes through CKAN's mailer
(``ckan.lib.mailer.mail_user``) in the portal's default language
(``ckan.locale_default``, Indonesian).
"""
from __future__ import annotations

import contextlib
import datetime
import logging
from typing import Iterator, Optional

import flask
import sqlalchemy as sa

import ckan.lib.mailer as mailer
import ckan.model as model
import ckan.plugins.toolkit as tk

from . import roles
from .model import CollectionRound, DaftarData, DataRequest, RequestEvent
from .states import Actor, State, next_actors

log = logging.getLogger(__name__)

__all__ = ["notify_transition", "notify_round_sent", "send_reminders_job",
           "portal_context", "request_url", "send_mail"]


@contextlib.contextmanager
def portal_context() -> Iterator[None]:
    """A request context in the portal's default language, for the
    translations and URLs of a message composed outside a web request (in a
    worker or a command)."""
    import flask_babel

    locale = tk.config.get("ckan.locale_default") or "en"
    if flask.has_request_context():
        with flask_babel.force_locale(locale):
            yield
        return
    from ckan.config import middleware
    ctx = middleware._internal_test_request_context
    if ctx is None:  # no application built in this process
        yield
        return
    with ctx:
        with flask_babel.force_locale(locale):
            yield


def request_url(request_id: str) -> str:
    return tk.url_for("satudata_workflow.request_read", id=request_id, _external=True)


def send_mail(users: list[model.User], subject: str, body: str) -> int:
    """Send one message to each user with an e-mail address; the number
    sent. Raises ``MailerException`` after trying everyone if any failed."""
    sent, failures = 0, []
    seen = set()
    for user in users:
        if not user.email or user.id in seen:
            continue
        seen.add(user.id)
        try:
            mailer.mail_user(user, subject, body)
            sent += 1
        except mailer.MailerException as e:
            log.error("Could not e-mail %s: %s", user.name, e)
            failures.append(user.name)
    if failures:
        raise mailer.MailerException("not delivered to: " + ", ".join(failures))
    return sent


def _site() -> str:
    return tk.config.get("ckan.site_title") or "CKAN"


def _footer() -> str:
    return "\n\n-- \n" + tk._("This message was sent automatically by %(site)s.") % {
        "site": _site()}


def _load(request_id: str) -> Optional[tuple[DataRequest, DaftarData, CollectionRound,
                                              model.Group]]:
    row = model.Session.execute(
        sa.select(DataRequest, DaftarData, CollectionRound, model.Group)
        .join(DaftarData, DaftarData.id == DataRequest.item_id)
        .join(CollectionRound, CollectionRound.id == DataRequest.round_id)
        .join(model.Group, model.Group.id == DataRequest.owner_org)
        .where(DataRequest.id == request_id)).first()
    return tuple(row) if row else None  # type: ignore[return-value]


def _level_after(event: RequestEvent) -> int:
    return int((event.data or {}).get("approval_level_after", event.approval_level))


#: states whose producers hear of a step even when they need not act
_INFORM_PRODUCERS = frozenset({State.RETURNED, State.CANCELLED, State.SCHEDULED,
                               State.PUBLISHED, State.WITHDRAWN, State.ARCHIVED})


def recipients_for(event: RequestEvent, org_id: str) -> list[model.User]:
    """Who hears of a step: the actors its target state waits for (from the
    state table, at the level and revision recorded on the event, not the
    request's current ones, which may have moved on), and the producers of
    the OPD when it is about their data."""
    chain = roles.approval_chain()
    state = State(event.to_state)
    level = _level_after(event)
    kinds = next_actors(state, bool((event.data or {}).get("revision_of")))
    users: list[model.User] = []
    if Actor.PRODUCER in kinds or state in _INFORM_PRODUCERS:
        users += roles.producers_of([org_id])[org_id]
    if Actor.VERIFIER in kinds and chain:
        users += roles.users_with_role(chain[0])
    if Actor.APPROVER in kinds and 0 <= level < len(chain):
        users += roles.users_with_role(chain[level])
    if Actor.WALIDATA_ADMIN in kinds:
        users += roles.walidata_admins()
    unique: dict[str, model.User] = {}
    for user in users:
        unique.setdefault(user.id, user)
    return list(unique.values())


def _transition_text(event: RequestEvent, item: DaftarData,
                     round_: CollectionRound, org: model.Group, actor: str
                     ) -> tuple[str, str]:
    """Subject and first paragraph of a transition message."""
    values = {"title": item.title, "round": round_.title, "org": org.title or org.name,
              "actor": actor, "site": _site()}
    chain = roles.approval_chain()
    name = event.transition
    if name == "submit":
        return (tk._("[%(site)s] Data submitted for verification: %(title)s") % values,
                tk._('%(org)s has submitted the requested data "%(title)s" (%(round)s). '
                     "Please verify it.") % values)
    if name == "revise":
        return (tk._("[%(site)s] Revision of published data submitted: %(title)s") % values,
                tk._('%(org)s has submitted a revision of the published data "%(title)s" '
                     "(%(round)s). Please verify it; the published version stays as it "
                     "is until the revision is published.") % values)
    if name == "cancel_revision":
        return (tk._("[%(site)s] Revision cancelled: %(title)s") % values,
                tk._('The revision of "%(title)s" (%(round)s) was cancelled by '
                     "%(actor)s. The data stays as it was.") % values)
    if name == "unschedule":
        return (tk._("[%(site)s] Release cancelled, ready to publish: %(title)s") % values,
                tk._('The scheduled release of "%(title)s" (%(round)s) was cancelled by '
                     "%(actor)s. The data is ready to be published.") % values)
    if name == "resubmit":
        return (tk._("[%(site)s] Revised data resubmitted: %(title)s") % values,
                tk._('%(org)s has resubmitted the revised data "%(title)s" (%(round)s). '
                     "Please verify it again.") % values)
    if name in ("return", "return_approval"):
        return (tk._("[%(site)s] Data request returned for revision: %(title)s") % values,
                tk._('The data "%(title)s" (%(round)s) was returned for revision by '
                     "%(actor)s. Please revise the dataset and resubmit it.") % values)
    if name == "cancel":
        return (tk._("[%(site)s] Data request cancelled: %(title)s") % values,
                tk._('The data request "%(title)s" (%(round)s) was cancelled by '
                     "%(actor)s.") % values)
    if event.to_state == State.READY.value:
        return (tk._("[%(site)s] Data ready to publish: %(title)s") % values,
                tk._('"%(title)s" from %(org)s (%(round)s) has been approved at every '
                     "level and is ready to be published.") % values)
    level = _level_after(event)
    values["role"] = chain[level] if 0 <= level < len(chain) else ""
    if name == "verify":
        return (tk._("[%(site)s] Data waiting for your approval: %(title)s") % values,
                tk._('"%(title)s" from %(org)s (%(round)s) was verified by %(actor)s and '
                     "waits for your approval (%(role)s).") % values)
    return (tk._("[%(site)s] Data waiting for your approval: %(title)s") % values,
            tk._('"%(title)s" from %(org)s (%(round)s) was approved by %(actor)s and '
                 "waits for your approval (%(role)s).") % values)


def _due_text(event: RequestEvent) -> str:
    due = (event.data or {}).get("due_date")
    if not due:
        return ""
    return "\n" + tk._("Deadline: %(date)s") % {"date": due}


def notify_transition(event_id: str) -> int:
    """E-mail the people a transition concerns: the producers of the OPD on
    a return or a cancellation, the verifiers on a (re)submission, the
    approvers of the next level on a verification or approval, the walidata
    administrators once a request is ready. Returns the number of messages."""
    event = model.Session.get(RequestEvent, event_id)
    if event is None:
        return 0
    loaded = _load(event.request_id)
    if loaded is None:
        return 0
    request, item, round_, org = loaded
    actor_obj = model.Session.get(model.User, event.user_id) if event.user_id else None
    actor = actor_obj.display_name if actor_obj else _site()
    recipients = recipients_for(event, request.owner_org)
    if not recipients:
        return 0
    with portal_context():
        subject, text = _transition_text(event, item, round_, org, actor)
        lines = [text]
        if event.note:
            lines.append(tk._("Note: %(note)s") % {"note": event.note})
        if event.field_notes:
            lines.append(tk._("Notes per field:"))
            for field, reasons in event.field_notes.items():
                for reason in reasons:
                    lines.append(f"  - {field}: {reason}")
        body_end = _due_text(event) + "\n\n" + tk._("Open the request: %(url)s") % {
            "url": request_url(request.id)} + _footer()
        sent = 0
        for user in recipients:
            greeting = tk._("Dear %(name)s,") % {"name": user.display_name}
            body = greeting + "\n\n" + "\n\n".join(lines) + "\n" + body_end
            sent += send_mail([user], subject, body)
    return sent


def notify_round_sent(round_id: str, request_ids: list[str]) -> int:
    """E-mail each producer one message listing the requests a round sent
    to their OPD, with the submission deadline."""
    round_ = model.Session.get(CollectionRound, round_id)
    if round_ is None or not request_ids:
        return 0
    rows = model.Session.execute(
        sa.select(DataRequest, DaftarData.title, model.Group)
        .join(DaftarData, DaftarData.id == DataRequest.item_id)
        .join(model.Group, model.Group.id == DataRequest.owner_org)
        .where(DataRequest.id.in_(request_ids))
        .order_by(model.Group.title, DaftarData.title)).all()
    by_org: dict[str, list[tuple[DataRequest, str]]] = {}
    orgs: dict[str, model.Group] = {}
    for request, title, org in rows:
        by_org.setdefault(org.id, []).append((request, title))
        orgs[org.id] = org
    producers = roles.producers_of(list(by_org))
    sent = 0
    with portal_context():
        for org_id, requests in by_org.items():
            values = {"site": _site(), "round": round_.title,
                      "org": orgs[org_id].title or orgs[org_id].name,
                      "count": len(requests), "date": round_.submit_due.isoformat()}
            subject = tk._("[%(site)s] New data requests: %(round)s") % values
            listing = "\n".join(
                f"  - {title}: {request_url(request.id)}" for request, title in requests)
            for user in producers.get(org_id, []):
                body = (tk._("Dear %(name)s,") % {"name": user.display_name} + "\n\n"
                        + tk._("The walidata requests %(count)s data item(s) from %(org)s "
                               "for %(round)s. Please prepare each dataset with its "
                               "metadata and submit it by %(date)s.") % values
                        + "\n\n" + listing + _footer())
                sent += send_mail([user], subject, body)
    return sent


def send_reminders_job(today: Optional[str] = None) -> dict[str, int]:
    """The job form of ``ckan satudata send-reminders``."""
    from . import reminders
    day = datetime.date.fromisoformat(today) if today else None
    return reminders.send_reminders(day)
