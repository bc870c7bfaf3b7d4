# -*- coding: utf-8 -*-
"""Who hears of what, and what they read: every e-mail the portal sends.

One place for the three things a message is made of:

* **recipients** — :func:`recipients_for` (a step of a request) and
  :class:`Directory` (everyone a run of reminders may write to) read the
  state table (:func:`.states.next_actors`): whom the target state waits
  for, plus the producers when the step concerns their data;
* **wording** — one template per message under ``templates/emails/``,
  rendered in the portal's language (``ckan.locale_default``; CKAN has no
  per-user language, so the portal's is the recipient's). The first line of
  a rendered template is ``Subject: …``, the rest is the body; the body
  templates extend ``emails/base.txt`` (greeting, link, signature). They
  are plain text: rendered with autoescaping off, so a title with ``&`` or
  quotes reads as written;
* **sending** — :func:`send`, through CKAN's mailer, one message per user.

The background jobs (:mod:`..jobs`) only load the facts and call
:func:`notify_transition`, :func:`notify_round_sent` or :func:`send_message`.
"""
from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import logging
import re
from typing import Any, Iterable, Iterator, Optional

import flask
import sqlalchemy as sa

import ckan.lib.mailer as mailer
import ckan.model as model
import ckan.plugins.toolkit as tk

from . import letters, outbox, review, roles, round_report, rounds, workdays
from ..model import (
    CollectionRound, DaftarData, DataRequest, Letter, Release, RequestEvent, RoundDocument,
    RoundEvent, RoundReport, RoundReportEvent,
)
from .states import DUTY_ACTORS, Actor, State, next_actors, state_label

log = logging.getLogger(__name__)

__all__ = ["portal_context", "request_url", "recipients_for", "Directory", "render",
           "send", "send_message", "message_key", "message_for_transition", "notify_transition",
           "notify_round_sent", "notify_deadline_moved", "notify_round_state",
           "notify_public_request",
           "notify_report_step", "notify_stage_started",
           "send_to_address", "TEMPLATES"]

#: states whose producers hear of a step even when they need not act
INFORM_PRODUCERS = frozenset({State.RETURNED, State.CANCELLED, State.SCHEDULED,
                              State.PUBLISHED, State.WITHDRAWN, State.ARCHIVED})

#: every message template (``templates/emails/<name>.txt``)
TEMPLATES = ("submitted", "resubmitted", "revision_submitted", "revision_cancelled",
             "returned", "returned_upchain", "ready_returned", "cancelled",
             "verification_started",
             "waiting_approval", "ready", "accepted",
             "release_cancelled", "scheduled", "published", "withdrawn", "archived",
             "round_sent", "opd_review", "reminder", "reminder_manual", "escalation",
             "reminder_digest", "escalation_digest", "public_request_reminder_digest",
             "public_request_answer", "public_request_new", "public_request_back",
             "public_request_reminder", "round_stage_reminder", "report_step", "deadline_moved", "stage_started",
             "round_state")


# -- language and URLs -------------------------------------------------------------------

@contextlib.contextmanager
def portal_context() -> Iterator[None]:
    """A request context in the portal's language, for the translations,
    dates and URLs of a message composed outside a web request (in a worker
    or a command)."""
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
    return tk.url_for("satudata_request.read", id=request_id, _external=True)


def _site() -> str:
    return tk.config.get("ckan.site_title") or "CKAN"


# -- recipients --------------------------------------------------------------------------

class Directory:
    """The people who may receive a message, each group read once: the
    producers of ``org_ids``, the holders of each chain role, the walidata
    administrators."""

    def __init__(self, org_ids: Iterable[str]) -> None:
        self.chain = roles.approval_chain()
        # an invited producer too: sent the round's letter, they are told of
        # its changes (a deadline moved earlier reached nobody)
        self.producers = roles.producers_of(set(org_ids), invited=True)
        self._by_role: dict[str, list[model.User]] = {}
        self._admins: Optional[list[model.User]] = None

    def with_role(self, role: str) -> list[model.User]:
        if role not in self._by_role:
            self._by_role[role] = roles.users_with_role(role)
        return self._by_role[role]

    def with_duty(self, duty: str) -> list[model.User]:
        """The holders of the roles ``satudata.roles.<duty>`` names."""
        return [user for role in roles.duty_roles(duty) for user in self.with_role(role)]

    @property
    def admins(self) -> list[model.User]:
        if self._admins is None:
            self._admins = roles.walidata_admins()
        return self._admins

    def waiting(self, kinds: set[Actor], org_id: str, level: int,
                producers: bool = False, chain: Optional[list[str]] = None,
                request: Optional[DataRequest] = None,
                upto: Optional[int] = None) -> list[model.User]:
        """The users of the actor ``kinds`` a request of ``org_id`` at approval
        ``level`` of ``chain`` (the site's when None) waits for (and its
        producers if ``producers``), each once. Given the ``request``, a
        reviewer who took an earlier step of its submission is left out: the
        decision is another officer's (four eyes, :func:`.roles.took_part`;
        ``upto``: by the steps up to that version, the step being told: a
        message sent after the reviewer took the next step still goes)."""
        chain = self.chain if chain is None else chain
        users: list[model.User] = []
        if Actor.PRODUCER in kinds or producers:
            users += self.producers.get(org_id, [])
        if Actor.OPD_HEAD in kinds:
            users += roles.opd_heads_of(org_id)
        reviewers: list[model.User] = []
        if Actor.VERIFIER in kinds and chain:
            reviewers += self.with_role(chain[0])
        if Actor.APPROVER in kinds and 0 <= level < len(chain):
            reviewers += self.with_role(chain[level])
        barred = roles.hands_in({u.id for u in reviewers if u not in users}, request, upto) \
            if request is not None else set()
        users += [user for user in reviewers if user.id not in barred]
        if Actor.WALIDATA_ADMIN in kinds:
            users += self.admins
        for kind, duty in DUTY_ACTORS.items():
            if kind in kinds:
                users += self.with_duty(duty)
        return list({user.id: user for user in users}.values())

    def for_request(self, request: DataRequest) -> list[model.User]:
        """Whom ``request`` waits for now (reminders)."""
        return self.waiting(next_actors(request.state, bool(request.revision_of)),
                            request.owner_org, request.approval_level,
                            chain=roles.chain_of(request), request=request)


def _level_after(event: RequestEvent) -> int:
    return int((event.data or {}).get("approval_level_after", event.approval_level))


def recipients_for(event: RequestEvent, org_id: str,
                   directory: Optional[Directory] = None,
                   chain: Optional[list[str]] = None,
                   request: Optional[DataRequest] = None) -> list[model.User]:
    """Who hears of a step: the actors its target state waits for (from the
    state table, at the level and revision recorded on the event, not the
    request's current ones, which may have moved on), and the producers of
    the OPD when it is about their data; given the ``request``, not a
    reviewer who may not take the next decision (:meth:`Directory.waiting`)."""
    state = State(event.to_state)
    kinds = next_actors(state, bool((event.data or {}).get("revision_of")))
    directory = directory or Directory([org_id])
    # a release cancelled: the producers were told when their data would
    # be public (release_cancelled)
    cancelled = event.transition == "unschedule"
    return directory.waiting(kinds, org_id, _level_after(event),
                             producers=state in INFORM_PRODUCERS or cancelled, chain=chain,
                             request=request, upto=event.version)


# -- wording -----------------------------------------------------------------------------

def render(name: str, **values: Any) -> tuple[str, str]:
    """Subject and body of ``templates/emails/<name>.txt`` in the current
    language (use inside :func:`portal_context`)."""
    app = flask.current_app
    env = app.extensions.get("satudata_mail_env")
    if env is None:  # CKAN's environment (loader, i18n, trimming), plain text
        env = app.extensions["satudata_mail_env"] = app.jinja_env.overlay(autoescape=False)
    values.setdefault("site_title", _site())
    values.setdefault("site_url", tk.config.get("ckan.site_url") or "")
    values.setdefault("h", tk.h)
    values.setdefault("estimated_years", workdays.estimated_years(*_deadlines(values)))
    template = env.get_template(f"emails/{name}.txt")
    text = template.render(**values).lstrip()
    # the subject as its block renders it: a title with a line break in it
    # ended the subject there, and the rest opened the body
    subject = "".join(template.blocks["subject"](template.new_context(values)))
    if not text.startswith("Subject:"):
        raise ValueError(f"emails/{name}.txt must start with a 'Subject:' line")
    body = text[len("Subject: ") + len(subject):]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in body.split("\n")))
    # the signature separator is "-- " with its space (RFC 3676)
    body = body.replace("\n--\n", "\n-- \n")
    return " ".join(subject.split()), body.strip() + "\n"


def _deadlines(values: dict[str, Any]) -> list[datetime.date]:
    """The deadlines a message states: its step's (``due_date``), its
    digest entries' and those it lists (``deadlines``), as ISO dates. A
    deadline in a year of estimated holidays is said to be one (the letter
    said so, the e-mail with the same date did not)."""
    given = [values.get("due_date"), *(values.get("deadlines") or ()),
             *(entry.get("due_date") for entry in values.get("entries") or ()
               if isinstance(entry, dict))]
    days = []
    for value in given:
        try:
            days.append(datetime.date.fromisoformat(str(value)[:10]))
        except ValueError:  # none ("") or not a date
            continue
    return days


def _template_of(event: RequestEvent) -> str:
    """The message of a step, by transition (and target, for approvals)."""
    name, target = event.transition, event.to_state
    if name == "approve" or name == "verify":
        return "ready" if target == State.READY.value else "waiting_approval"
    if target == State.OPD_REVIEW.value:  # a (re)submission, to the OPD's head
        return "opd_review"
    if name == "publish" and event.from_state == State.SCHEDULED.value:
        return "published"
    return {
        "submit": "submitted", "resubmit": "resubmitted", "revise": "revision_submitted",
        "cancel_revision": "revision_cancelled", "return": "returned",
        "return_approval": "returned", "return_ready": "returned", "cancel": "cancelled",
        "unschedule": "release_cancelled", "schedule": "scheduled", "publish": "published",
        "withdraw": "withdrawn", "archive": "archived",
        "opd_approve": "submitted" if target == State.SUBMITTED.value else "resubmitted",
        "opd_return": "returned",
    }[name]


def _field_notes(notes: Optional[dict[str, list[str]]]) -> list[tuple[str, str]]:
    """(field label, note) pairs of a return's per-field notes."""
    return [(note["label"], reason) for note in review.labelled_notes(notes)
            for reason in note["reasons"]]


def message_for_transition(event: RequestEvent, request: DataRequest, item: DaftarData,
                           round_: CollectionRound, org: model.Group,
                           actor: str) -> tuple[str, dict[str, Any]]:
    """The template and values of the message about ``event``."""
    chain = roles.approval_chain(round_)
    level = _level_after(event)
    pkg = model.Package.get(request.package_id) if request.package_id else None
    # the release time this step set (a later postponement has its own e-mail)
    release_at = (event.data or {}).get("release_at")
    if event.transition == "schedule" and not release_at:  # an event of an earlier version
        release = model.Session.execute(
            sa.select(Release).where(Release.request_id == request.id,
                                     Release.status == "scheduled")).scalar_one_or_none()
        release_at = release.release_at if release else None
    due = (event.data or {}).get("due_date")
    values = {
        "title": (pkg.title if pkg and pkg.title else None) or item.title,
        "round": round_.title, "org": org.title or org.name, "actor": actor,
        "role": roles.role_label(chain[level]) if 0 <= level < len(chain) else "",
        "note": event.note or "", "field_notes": _field_notes(event.field_notes),
        "due_date": due or "",
        "release_at": release_at,
        # a release moved: from when, and why (a postponement's reason)
        "previous_release_at": (event.data or {}).get("previous_release_at"),
        "reason": (event.data or {}).get("reason") or "",
        "dataset_url": tk.url_for("dataset.read", id=pkg.name, _external=True) if pkg else "",
        "request_url": request_url(request.id), "transition": event.transition,
        "from_state": event.from_state or "",
        # a review of a revision (of published, or withdrawn, data) says so
        "revision_of": (event.data or {}).get("revision_of") or "",
        # a withdrawal or archive of one period: the others stay published
        "period_only": bool((event.data or {}).get("period_only")),
        # an all-in round: how many requests its verification still waits
        # for, or how many it starts with now (the last delivery)
        "waiting_for_all": (event.data or {}).get("waiting_for_all") or 0,
        "verification_opened": (event.data or {}).get("verification_opened") or 0,
        "published_as": _published_as(event, request) if event.transition == "publish" else "",
        # ready in a round whose report is not approved yet: published after it
        "report_wait": bool((event.data or {}).get("report_wait")),
    }
    return _template_of(event), values


def _published_as(event: RequestEvent, request: DataRequest) -> str:
    """What a publication brings (its e-mail says so): ``again`` (the
    request's withdrawn data back), ``revision`` (its published data
    revised), ``period`` (a new period of a dataset another request
    published) or ``first``."""
    earlier = (sa.select(RequestEvent.request_id)
               .where(RequestEvent.transition == "publish", RequestEvent.id != event.id,
                      RequestEvent.timestamp <= event.timestamp))
    if model.Session.execute(earlier.where(RequestEvent.request_id == request.id)
                             .limit(1)).first():
        # withdrawn data back, or a revision reviewed again (it was told as
        # withdrawn data back: "in its last approved version")
        return "again" if event.from_state == State.WITHDRAWN.value else "revision"
    if request.package_id and model.Session.execute(
            earlier.join(DataRequest, DataRequest.id == RequestEvent.request_id)
            .where(DataRequest.package_id == request.package_id,
                   DataRequest.id != request.id).limit(1)).first():
        return "period"
    return "first"


# -- sending -----------------------------------------------------------------------------

def message_key(user: model.User, subject: str, body: str) -> str:
    """What identifies one message to one user in an outbox delivery's
    ledger: the user and a digest of the text."""
    return f"{user.id}:{_digest(subject, body)}"


def _digest(subject: str, body: str) -> str:
    return hashlib.sha256(f"{subject}\n{body}".encode("utf-8")).hexdigest()[:16]


#: a file attached to a message: (file name, content, media type)
Attachment = tuple[str, bytes, str]


def send(users: Iterable[model.User], subject: str, body: str,
         attachments: Iterable[Attachment] = ()) -> int:
    """Send one message to each user with an e-mail address; the number
    sent. Raises ``MailerException`` after trying everyone if any failed.
    Inside an outbox delivery (:func:`.outbox.deliver`) a message its
    ledger lists as sent by an earlier attempt is not sent again, and each
    message is recorded there as soon as the SMTP server accepted it.
    ``attachments`` go with every message (the key of a message is its
    text: an attachment is rendered from what the text names)."""
    attachments = list(attachments)
    sent, failures, seen = 0, [], set()
    ledger = outbox.ledger()
    for user in users:
        if not user.email or user.id in seen:
            continue
        seen.add(user.id)
        key = message_key(user, subject, body) if ledger is not None else ""
        if ledger is not None and key in ledger.sent:
            continue
        try:
            mailer.mail_user(user, subject, body, attachments=[
                (name, io.BytesIO(content), mimetype)
                for name, content, mimetype in attachments])
            sent += 1
        except (mailer.MailerException, ValueError) as e:
            # ValueError: a header the account's name or address cannot make
            # (a line break in it); the others are still e-mailed
            log.error("Could not e-mail %s: %s", user.name, e)
            failures.append(user.name)
            continue
        if ledger is not None:
            ledger.record(key)
    if failures:
        raise mailer.MailerException("not delivered to: " + ", ".join(failures))
    return sent


def send_message(name: str, users: Iterable[model.User],
                 attachments: Iterable[Attachment] = (), **values: Any) -> int:
    """Render ``emails/<name>.txt`` for each user (greeted by name) and send
    it with ``attachments``; the number of messages sent. Use inside
    :func:`portal_context`."""
    sent = 0
    attachments = list(attachments)
    for user in users:
        subject, body = render(name, user_name=user.display_name, **values)
        sent += send([user], subject, body, attachments)
    return sent


def notify_transition(event_id: str) -> int:
    """E-mail the people a step concerns (:func:`recipients_for`): the
    producers on a return, a cancellation or a change on the portal, the
    verifiers on a (re)submission, the approvers of the next level, the
    walidata administrators once a request is ready; never the one who
    took it. The number sent."""
    event = model.Session.get(RequestEvent, event_id)
    if event is None:
        return 0
    row = model.Session.execute(
        sa.select(DataRequest, DaftarData, CollectionRound, model.Group)
        .join(DaftarData, DaftarData.id == DataRequest.item_id)
        .join(CollectionRound, CollectionRound.id == DataRequest.round_id)
        .join(model.Group, model.Group.id == DataRequest.owner_org)
        .where(DataRequest.id == event.request_id)).first()
    if row is None:
        return 0
    request, item, round_, org = row
    chain = roles.approval_chain(round_)
    directory = Directory([request.owner_org])
    recipients = recipients_for(event, request.owner_org, directory, chain, request)
    waiting = [u for u in waited_for(event, request, directory, chain) if u not in recipients]
    if event.transition == "cancel":
        # a cancellation: the officers it waited for hear it needs them no
        # more (only its producers were told; the verifiers kept it in mind)
        recipients, waiting = recipients + waiting, []
    # a cancellation of data returned from higher in the chain: the reviewers
    # the return told it would come back to them hear it will not
    recipients += [u for u in told_it_comes_back(event) if u not in recipients]
    # a return higher in the chain: the reviewers below it hear of it too
    # (the SOPs send a rejection back down the chain)
    reviewers = [u for u in earlier_reviewers(event) if u not in recipients]
    # a return of ready data: who was told it was ready to publish hears it
    # is not (under a chain of the verifier alone nobody told them)
    waiting = [u for u in waiting if u not in reviewers]
    # never the one who took the step (the Kadis, a walidata administrator
    # too, was told "ready to publish" of the approval they had just given)
    recipients, reviewers, waiting = ([u for u in users if u.id != event.user_id]
                                      for users in (recipients, reviewers, waiting))
    if event.to_state == State.READY.value:
        recipients += _publishers_else(recipients, directory, event.user_id)
    accepted = _accepted(event, directory, request.owner_org,
                         {u.id for u in recipients + reviewers + waiting})
    if not recipients and not reviewers and not waiting and not accepted:
        return 0
    actor_obj = model.Session.get(model.User, event.user_id) if event.user_id else None
    with portal_context():
        name, values = message_for_transition(
            event, request, item, round_, org, actor_obj.display_name if actor_obj else _site())
        return send_message(name, recipients, **values) + (
            send_message("returned_upchain", reviewers, **values) if reviewers else 0) + (
            send_message("ready_returned", waiting, **values) if waiting else 0) + (
            send_message("accepted", accepted, ready=event.to_state == State.READY.value,
                         **values) if accepted else 0) + (
            _verification_started(event, directory, chain, values))


def _publishers_else(told: list[model.User], directory: Directory,
                     actor_id: Optional[str]) -> list[model.User]:
    """The sysadmins, when data is ready and no other walidata administrator
    nor holder of the publishing duty is told: where the Kadis who gave the
    last approval was the walidata organization's only administrator, no
    publisher heard that data waited for publication (sysadmins publish)."""
    publishers = {u.id for u in directory.admins + directory.with_duty("publish")}
    # (CKAN's site user, an administrator of the organizations it created,
    # reads no e-mail)
    if any(user.id in publishers and user.email and user.name != tk.config.get("ckan.site_id")
           for user in told):
        return []
    return [u for u in roles.sysadmins() if u.id != actor_id and u not in told]


def _accepted(event: RequestEvent, directory: Directory, org_id: str,
              told: set[str]) -> list[model.User]:
    """The producers to tell that their delivery was accepted: verified, or
    approved at every level (ready to publish); not one told otherwise of
    the step, nor the one who took it."""
    if not (event.transition == "verify" or
            (event.transition == "approve" and event.to_state == State.READY.value)):
        return []
    return [user for user in directory.producers.get(org_id, [])
            if user.id not in told and user.id != event.user_id]


def _verification_started(event: RequestEvent, directory: Directory, chain: list[str],
                          values: dict[str, Any]) -> int:
    """A cancellation of the last request an all-in round's verification
    waited for: the verifiers, told they would hear when it starts, hear it
    now (a delivery's own e-mail says so to them)."""
    opened = (event.data or {}).get("verification_opened")
    if event.transition != "cancel" or not opened:
        return 0
    verifiers = [u for u in directory.waiting({Actor.VERIFIER}, "", 0, chain=chain)
                 if u.id != event.user_id]
    queue = tk.url_for("satudata_request.index", mine="1", _external=True)
    return send_message("verification_started", verifiers,
                        **dict(values, count=opened, queue_url=queue))


def waited_for(event: RequestEvent, request: DataRequest, directory: Directory,
               chain: Optional[list[str]] = None) -> list[model.User]:
    """Whom a request waited for when the step ``event`` cancelled it (the
    verifiers of a submission, the approvers of its level, the walidata
    administrators of a ready or scheduled request) or returned it from
    ready (who publishes it); none for another step."""
    if event.transition not in ("cancel", "return_ready") or not event.from_state:
        return []
    try:
        state = State(event.from_state)
    except ValueError:
        return []
    if state == State.SCHEDULED:
        # its release was the publishers' step (the table's rows out of a
        # scheduled request undo it: nobody "waited", and nobody heard)
        state = State.READY
    kinds = next_actors(state, bool(request.revision_of))
    return directory.waiting(kinds, request.owner_org, event.approval_level, chain=chain,
                             request=request, upto=event.version)


def earlier_reviewers(event: RequestEvent) -> list[model.User]:
    """Who verified or approved the request in the review a return higher
    in the approval chain (``return_approval``) or after it (``return_ready``)
    ends: the steps since its latest submission, their officers (still on
    the walidata's side) but the one returning it."""
    if event.transition not in ("return_approval", "return_ready"):
        return []
    e = RequestEvent
    submitted = (sa.select(sa.func.max(e.version))
                 .where(e.request_id == event.request_id, e.version < event.version,
                        e.transition.in_(("submit", "resubmit", "revise", "opd_approve")))
                 .scalar_subquery())
    officers = list(model.Session.execute(
        sa.select(model.User).join(e, e.user_id == model.User.id)
        .where(e.request_id == event.request_id, e.version < event.version,
               e.version > sa.func.coalesce(submitted, 0),
               e.transition.in_(("verify", "approve")),
               model.User.id != (event.user_id or ""), model.User.state == "active")
        .distinct()).scalars())
    # still on the walidata's side (a role, else an administrator): one whose
    # role was taken away since was told the data was back with them, with
    # the return's note (its link 404)
    holders = roles.role_holders(user.id for user in officers)
    return [user for user in officers
            if user.id in holders or roles.is_walidata_admin(user.name, user)]


def told_it_comes_back(event: RequestEvent) -> list[model.User]:
    """Whom the return a cancellation (``cancel``, ``cancel_revision``) ends
    told the request would come back to them: :func:`earlier_reviewers` of
    the request's last return, if it was one higher in the chain."""
    if event.transition not in ("cancel", "cancel_revision") \
            or event.from_state != State.RETURNED.value:
        return []
    e = RequestEvent
    last_return = model.Session.execute(
        sa.select(e).where(e.request_id == event.request_id, e.version < event.version,
                           e.transition.in_(("return", "return_approval", "return_ready",
                                             "opd_return")))
        .order_by(e.version.desc()).limit(1)).scalar_one_or_none()
    return earlier_reviewers(last_return) if last_return is not None else []


def _round_documents(round_: CollectionRound) -> list[tuple[str, str]]:
    """(title, download URL) of the documents uploaded to a round."""
    return [(doc.title, tk.url_for("satudata_round.document", round_id=round_.name,
                                   document_id=doc.id, _external=True))
            for doc in model.Session.execute(
                sa.select(RoundDocument).where(RoundDocument.round_id == round_.id)
                .order_by(RoundDocument.uploaded_at, RoundDocument.id)).scalars()]


def _letter_attachment(letter_id: Optional[str]) -> tuple[list[Attachment], Optional[Letter]]:
    """The PDF of a letter as an attachment, rendered from what it recorded
    (nothing when there is no such letter)."""
    letter = model.Session.get(Letter, letter_id) if letter_id else None
    if letter is None:
        return [], None
    return [(letters.file_name(letter), letters.pdf_bytes(letter), "application/pdf")], letter


def notify_round_sent(round_id: str, request_ids: list[str],
                      letter_ids: Optional[dict[str, str]] = None) -> int:
    """E-mail each producer one message listing the requests a round sent
    to their OPD, with the submission deadline, the OPD's Surat Permintaan
    Data attached (``letter_ids``: organization id → letter id) and links
    to the round's uploaded documents."""
    round_ = model.Session.get(CollectionRound, round_id)
    if round_ is None or not request_ids:
        return 0
    rows = model.Session.execute(
        sa.select(DataRequest, DaftarData.title, model.Group)
        .join(DaftarData, DaftarData.id == DataRequest.item_id)
        .join(model.Group, model.Group.id == DataRequest.owner_org)
        .where(DataRequest.id.in_(request_ids))
        .order_by(model.Group.title, DaftarData.title)).all()
    # each request with its own deadline (an item may have its own: Balikpapan)
    by_org: dict[str, list[tuple[str, str, str]]] = {}
    orgs: dict[str, model.Group] = {}
    for request, title, org in rows:
        due = request.submit_due or request.due_date or round_.submit_due
        by_org.setdefault(org.id, []).append((title, request_url(request.id), due.isoformat()))
        orgs[org.id] = org
    # an invited producer too: they read it once they set their password
    producers_by_org = roles.producers_of(set(by_org), invited=True)
    sent = 0
    with portal_context():
        documents = _round_documents(round_)
        for org_id, requests in by_org.items():
            producers = producers_by_org.get(org_id, [])
            attachments, letter = _letter_attachment((letter_ids or {}).get(org_id)) \
                if producers else ([], None)
            sent += send_message(
                "round_sent", producers, attachments, round=round_.title,
                org=orgs[org_id].title or orgs[org_id].name, requests=requests,
                due_date=round_.submit_due.isoformat(), documents=documents,
                deadlines=[due for _title, _url, due in requests],
                letter_number=letter.number if letter is not None else "",
                late_policy=round_.late_policy or "accept")
    return sent


def _per_opd(*where: Any) -> tuple[dict[str, list[tuple[str, str, str]]],
                                   dict[str, model.Group]]:
    """The requests ``where`` selects, per OPD in the order of its title and
    theirs: ``{org id: [(request id, item title, request url)]}``, and the
    OPDs by id. One query."""
    requests: dict[str, list[tuple[str, str, str]]] = {}
    orgs: dict[str, model.Group] = {}
    for request_id, title, org in model.Session.execute(
            sa.select(DataRequest.id, DaftarData.title, model.Group)
            .join(DaftarData, DaftarData.id == DataRequest.item_id)
            .join(model.Group, model.Group.id == DataRequest.owner_org)
            .where(*where).order_by(model.Group.title, DaftarData.title)).all():
        requests.setdefault(org.id, []).append((request_id, title, request_url(request_id)))
        orgs[org.id] = org
    return requests, orgs


def notify_deadline_moved(round_id: str, moves: dict[str, list[str]]) -> int:
    """E-mail each producer one message listing their OPD's requests whose
    submission deadline a change of the round moved (``moves``: request id
    → [before, after], ISO dates). The number sent."""
    round_ = model.Session.get(CollectionRound, round_id)
    if round_ is None or not moves:
        return 0
    requests, orgs = _per_opd(DataRequest.id.in_(list(moves)))
    by_org = {org_id: [(title, url, *moves[request_id]) for request_id, title, url in listed]
              for org_id, listed in requests.items()}
    directory = Directory(by_org)
    sent = 0
    with portal_context():
        for org_id, moved in by_org.items():
            sent += send_message("deadline_moved", directory.producers.get(org_id, []),
                                 round=round_.title, moves=moved,
                                 deadlines=[after for _t, _u, _before, after in moved],
                                 org=orgs[org_id].title or orgs[org_id].name)
    return sent


def notify_round_state(round_id: str) -> int:
    """E-mail each producer of the round's requests still with their OPD
    (requested, returned) one message listing them: the round was closed
    and takes no more data, or was opened again and takes it. The number
    sent."""
    round_ = model.Session.get(CollectionRound, round_id)
    if round_ is None or round_.state not in ("open", "closed"):
        return 0
    requests, orgs = _per_opd(DataRequest.round_id == round_.id,
                              DataRequest.state.in_(rounds.WITH_PRODUCERS))
    by_org = {org_id: [(title, url) for _id, title, url in listed]
              for org_id, listed in requests.items()}
    directory = Directory(by_org)
    sent = 0
    with portal_context():
        for org_id, requests in by_org.items():
            sent += send_message("round_state", directory.producers.get(org_id, []),
                                 round=round_.title, closed=round_.state == "closed",
                                 requests=requests, round_url=round_url(round_.name),
                                 org=orgs[org_id].title or orgs[org_id].name)
    return sent


def reminder_values(request: DataRequest, item: str, org: str, round_: str,
                    days: int) -> dict[str, Any]:
    """The values of a reminder or escalation about ``request``."""
    return {"title": item, "org": org, "round": round_, "state": state_label(request.state),
            "due_date": request.due_date.isoformat() if request.due_date else "",
            "days": days, "request_url": request_url(request.id)}


# -- public data requests (permohonan data) -----------------------------------------------

def notify_report_step(event_id: str) -> int:
    """E-mail the people a step of a round's report concerns: the holders of
    the level it now waits at (submitted, or approved at a lower level), or
    its drafters (returned with the reason, or approved at the last level).
    Never the one who took the step. The number sent."""
    event = model.Session.get(RoundReportEvent, event_id)
    report = model.Session.get(RoundReport, event.report_id) if event else None
    round_ = model.Session.get(CollectionRound, report.round_id) if report else None
    if event is None or round_ is None:
        return 0
    chain = roles.report_chain(round_)
    level = round_report.waiting_level(event)
    if level is not None and level < len(chain):
        # not one who wrote, submitted or approved it (four eyes: told the
        # report waited for them, they found nothing to do on its page)
        role, recipients = chain[level], [
            user for user in roles.users_with_role(chain[level])
            if not round_report.took_part(report, user.id, upto=event.timestamp)]
    elif event.step in ("return", "approve"):
        role, recipients = "", round_report.drafters(report)
    else:
        return 0
    recipients = [user for user in recipients if user.id != event.user_id]
    actor = model.Session.get(model.User, event.user_id) if event.user_id else None
    with portal_context():
        return send_message(
            "report_step", recipients, step=event.step, waiting=level is not None,
            round_title=round_.title, actor=actor.display_name if actor else _site(),
            role=roles.role_label(role) if role else "", note=event.note or "",
            # the deadline of the level the step left it waiting at, or, back
            # with its drafters, the report's (the return said none)
            due_date=(event.data or {}).get("due_date", "") if level is not None
            else report.due_date.isoformat() if event.step == "return" and report.due_date
            else "",
            report_url=tk.url_for("satudata_round.report", round_id=round_.name,
                                  _external=True),
            # the last approval: the round's data that may be published now
            ready=(event.data or {}).get("ready") or 0,
            publish_due=(event.data or {}).get("publish_due") or "")


def notify_stage_started(event_id: str) -> int:
    """E-mail the round's drafters (:func:`.round_report.drafters`) that it
    moved on to compiling its data or to its report, with the stage's
    deadline; not the officer who moved it. The number sent."""
    event = model.Session.get(RoundEvent, event_id)
    round_ = model.Session.get(CollectionRound, event.round_id) if event else None
    stage = (event.data or {}).get("to") if event else None
    if round_ is None or stage not in ("compile", "report"):
        return 0
    report = model.Session.execute(sa.select(RoundReport).where(
        RoundReport.round_id == round_.id)).scalar_one_or_none()
    recipients = [user for user in round_report.drafters(report) if user.id != event.user_id]
    actor = model.Session.get(model.User, event.user_id) if event.user_id else None
    due = round_.compile_due if stage == "compile" else round_.report_due
    with portal_context():
        return send_message(
            "stage_started", recipients, to=stage, stage=rounds.stage_label(stage),
            round_title=round_.title, actor=actor.display_name if actor else _site(),
            due_date=due.isoformat() if due else "", round_url=round_url(round_.name),
            report_url=tk.url_for("satudata_round.report", round_id=round_.name,
                                  _external=True))


def round_url(round_name: str) -> str:
    return tk.url_for("satudata_round.read", round_id=round_name, _external=True)


def public_request_url(request_id: str) -> str:
    return tk.url_for("satudata_public_request.read", id=request_id, _external=True)


def send_to_address(name: str, email: str, subject: str, body: str) -> int:
    """One message to an address that need not be an account's (the
    requester of a public data request gives one); raises
    ``MailerException`` when it could not be delivered. Inside an outbox
    delivery, as :func:`send`: not again once its ledger lists it."""
    ledger = outbox.ledger()
    key = f"{email}:{_digest(subject, body)}"
    if ledger is not None and key in ledger.sent:
        return 0
    # one line: a name with a line break cannot be an e-mail header
    mailer.mail_recipient(" ".join((name or "").split()), email, subject, body)
    if ledger is not None:
        ledger.record(key)
    return 1


def notify_public_request(event_id: str) -> int:
    """E-mail the requester at every step of a public data request (with
    the deadline while an answer is owed), and the walidata (its
    administrators and verifiers) when a request arrives or comes back to
    them (its planned data's request was cancelled). The number sent."""
    from ..model import PublicRequest, PublicRequestEvent
    from .states import PUBLIC_OPEN, PublicState, public_state_label

    event = model.Session.get(PublicRequestEvent, event_id)
    request = model.Session.get(PublicRequest, event.request_id) if event else None
    if event is None or request is None:
        return 0
    requester = model.Session.get(model.User, request.requester_id)
    pkg = model.Package.get(request.package_id) if request.package_id else None
    public_pkg = pkg is not None and pkg.state == "active" and not pkg.private
    # the message tells of its own step: the request may have moved on
    # before the e-mail is sent (accepted, then rejected a moment later)
    state = event.to_state
    with portal_context():
        values = {
            "title": request.title, "step": event.step, "note": event.note or "",
            "fulfilled": state == PublicState.FULFILLED.value,
            "state": public_state_label(state),
            "due_date": (event.due_date.isoformat()
                         if event.due_date and PublicState(state) in PUBLIC_OPEN else ""),
            # the dataset of a fulfilment (an "accepted" e-mail sent after
            # the walidata fulfilled it a moment later carried its link)
            "dataset_url": (tk.url_for("dataset.read", id=pkg.name, _external=True)
                            if public_pkg and state == PublicState.FULFILLED.value else ""),
            "request_url": public_request_url(request.id),
        }
        sent = 0
        # to the account's address: the one typed into the request is a
        # contact for the walidata, never verified (any account could have
        # had the portal mail its text to any address); an account deleted
        # since hears nothing (its link asked for a login it cannot give:
        # the request and its answer stay on the portal's public page)
        if requester is not None and requester.state == "active" and requester.email:
            subject, body = render("public_request_answer", user_name=requester.display_name,
                                   **values)
            sent += send_to_address(requester.display_name, requester.email, subject, body)
        if event.step in ("submit", "stopped"):
            # a new request, or a planned one whose data will not come: an
            # answer is owed (again) by the walidata
            chain = roles.approval_chain()
            staff = roles.walidata_admins() + (roles.users_with_role(chain[0]) if chain else [])
            staff = [user for user in staff if user.id != event.user_id]
            if event.step == "submit":
                sent += send_message("public_request_new", staff, **values)
            else:  # why: the step that ended its data, with its note (the staff's only)
                sent += send_message("public_request_back", staff,
                                     **{**values, **_why_stopped(request)})
    return sent


def _why_stopped(request: Any) -> dict[str, str]:
    """What ended the data a public request waited for: the latest
    cancellation or withdrawal (``cause``) of a data request of its dataset
    or of the Daftar Data item it was planned as, and that step's note (for
    the walidata: a withdrawal's reason is never the citizen's)."""
    ended = [DataRequest.package_id == request.package_id] if request.package_id else []
    if request.item_id:
        ended.append(DataRequest.item_id == request.item_id)
    if not ended:
        return {"cause": "", "note": ""}
    row = model.Session.execute(
        sa.select(RequestEvent.transition, RequestEvent.note)
        .join(DataRequest, DataRequest.id == RequestEvent.request_id)
        .where(sa.or_(*ended), RequestEvent.transition.in_(("cancel", "withdraw")))
        .order_by(RequestEvent.timestamp.desc()).limit(1)).first()
    return {"cause": row.transition if row else "", "note": (row.note or "") if row else ""}
