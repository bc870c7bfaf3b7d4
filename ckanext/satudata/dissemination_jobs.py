# -*- coding: utf-8 -*-
"""Background jobs of dissemination, run by ``ckan jobs worker``:

* :func:`build_publication_job` — builds a round's publication and attaches
  the PDF and XLSX to its publication dataset; progress on the
  :class:`~.model.Publication` row;
* :func:`release_due_job` — the job form of ``ckan satudata release-due``;
* :func:`notify_dissemination` — e-mails the producers when their data is
  published, scheduled, withdrawn or archived (enqueued from
  :mod:`.subscriptions` after the transition committed).
"""
from __future__ import annotations

import io
import logging
from typing import Any, Optional

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk

from . import dissemination, jobs, publication, roles
from .model import CollectionRound, DaftarData, DataRequest, Publication, Release, RequestEvent

log = logging.getLogger(__name__)

__all__ = ["build_publication_job", "refresh_publication_job", "release_due_job",
           "notify_dissemination"]


# -- publications ---------------------------------------------------------------------

def _set(publication_id: str, **values: Any) -> None:
    row = model.Session.get(Publication, publication_id)
    if row is None:
        return
    for key, value in values.items():
        setattr(row, key, value)
    model.repo.commit()


def _publication_dataset(context: dict[str, Any], round_: CollectionRound,
                         existing_id: Optional[str]) -> dict[str, Any]:
    """The public dataset of the walidata organization that holds the round's
    publication (created on the first build)."""
    pkg = model.Package.get(existing_id) if existing_id else None
    name = f"publikasi-{round_.name}"[:100]
    if pkg is None:
        pkg = model.Package.get(name)
    if pkg is not None and pkg.state == "active":
        return tk.get_action("package_show")(dict(context), {"id": pkg.id})
    walidata = roles.walidata_organization()
    if walidata is None:
        raise tk.ValidationError({"owner_org": [tk._(
            "The walidata organization (satudata.walidata_organization) does not exist")]})
    values = {"round": round_.title}
    return tk.get_action("package_create")(dict(context), {
        "name": name, "owner_org": walidata.id, "private": False,
        "title": tk._("Publication: %(round)s") % values,
        "notes": tk._("The sectoral statistics published in %(round)s, compiled as a "
                      "book (PDF) and a workbook (XLSX).") % values,
        "license_id": "cc-by",
    })


def _attach(context: dict[str, Any], pkg: dict[str, Any], name: str, file_name: str,
            data: bytes, fmt: str, mimetype: str) -> None:
    upload = FileStorage(stream=io.BytesIO(data), filename=file_name,
                         content_type=mimetype)
    existing = next((r for r in pkg.get("resources") or [] if r.get("name") == name), None)
    values = {"name": name, "format": fmt, "upload": upload, "url": file_name,
              "mimetype": mimetype}
    if existing:
        tk.get_action("resource_patch")(dict(context), dict(values, id=existing["id"]))
    else:
        tk.get_action("resource_create")(dict(context), dict(values, package_id=pkg["id"]))


def build_publication_job(publication_id: str) -> Optional[dict[str, Any]]:
    """Build the publication ``publication_id``: collect the round's
    published datasets, write the PDF and XLSX, attach them (replacing the
    previous files) and record checksums and progress."""
    row = model.Session.get(Publication, publication_id)
    if row is None:
        return None
    round_ = model.Session.get(CollectionRound, row.round_id)
    assert round_ is not None
    _set(publication_id, status="running", progress=1, started_at=dissemination.utcnow(),
         message=None)

    def progress(done: int, total: int) -> None:
        _set(publication_id, progress=1 + int(80 * done / max(total, 1)),
             message=tk._("Read %(done)s of %(total)s datasets") % {
                 "done": done, "total": total})

    try:
        with jobs.portal_context():
            book, pdf, xlsx = publication.build(round_, progress)
            _set(publication_id, progress=85, message=tk._("Attaching the files"))
            context = {"user": dissemination.site_user_name(), "ignore_auth": True}
            pkg = _publication_dataset(context, round_, row.package_id)
            pdf_name, xlsx_name = publication.file_names(round_)
            _attach(context, pkg, tk._("Publication book (PDF)"), pdf_name, pdf, "PDF",
                    "application/pdf")
            _attach(context, pkg, tk._("Data compilation (XLSX)"), xlsx_name, xlsx, "XLSX",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            message = tk._("%(count)s datasets") % {"count": len(book.entries)}
    except Exception as e:
        model.Session.rollback()
        _set(publication_id, status="failed", message=str(e)[:1000],
             finished_at=dissemination.utcnow())
        raise
    _set(publication_id, status="done", progress=100, package_id=pkg["id"],
         dataset_count=len(book.entries), pdf_sha256=publication.sha256(pdf),
         xlsx_sha256=publication.sha256(xlsx), message=message,
         finished_at=dissemination.utcnow())
    row = model.Session.get(Publication, publication_id)
    return row.dictize() if row else None


def refresh_publication_job(request_id: str) -> Optional[dict[str, Any]]:
    """Build the publication of a request's round again after its dataset
    left the public (withdrawn or archived), so that the public book and
    compilation contain only what is public. Nothing when the round's
    publication was never built."""
    request = model.Session.get(DataRequest, request_id)
    if request is None:
        return None
    row = model.Session.execute(
        sa.select(Publication).where(Publication.round_id == request.round_id)
    ).scalar_one_or_none()
    if row is None or row.package_id is None:
        return None
    return build_publication_job(row.id)


# -- scheduled releases ------------------------------------------------------------------

def release_due_job() -> dict[str, Any]:
    """Publish the releases whose time has come (as the site user)."""
    return tk.get_action("satudata_release_run_due")(
        {"user": dissemination.site_user_name()}, {})


# -- notifications ------------------------------------------------------------------------

def _message(event: RequestEvent, request: DataRequest, item: DaftarData,
             round_: CollectionRound, org: model.Group, pkg: Optional[model.Package]
             ) -> tuple[str, str]:
    values = {"title": (pkg.title if pkg else None) or item.title, "round": round_.title,
              "org": org.title or org.name, "site": tk.config.get("ckan.site_title") or "CKAN",
              "url": tk.url_for("dataset.read", id=pkg.name, _external=True) if pkg else "",
              "note": event.note or ""}
    name = event.transition
    if name == "publish":
        return (tk._("[%(site)s] Data published: %(title)s") % values,
                tk._('"%(title)s" (%(round)s) of %(org)s is now published on the portal: '
                     "%(url)s") % values)
    if name == "schedule":
        release = model.Session.execute(
            sa.select(Release).where(Release.request_id == request.id,
                                     Release.status == "scheduled")).scalar_one_or_none()
        values["when"] = dissemination.format_local(release.release_at) if release else ""
        return (tk._("[%(site)s] Release scheduled: %(title)s") % values,
                tk._('"%(title)s" (%(round)s) of %(org)s will be published on '
                     "%(when)s.") % values)
    if name == "withdraw":
        return (tk._("[%(site)s] Published data withdrawn: %(title)s") % values,
                tk._('"%(title)s" (%(round)s) of %(org)s was withdrawn from the portal. '
                     "Reason: %(note)s") % values)
    return (tk._("[%(site)s] Data archived: %(title)s") % values,
            tk._('"%(title)s" (%(round)s) of %(org)s was archived. It stays reachable '
                 "by its address but no longer appears in searches.") % values)


def notify_dissemination(event_id: str) -> int:
    """E-mail the producers of the OPD that their data was published,
    scheduled for release, withdrawn or archived. Returns the number of
    messages sent."""
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
    pkg = model.Package.get(request.package_id) if request.package_id else None
    recipients = jobs.recipients_for(event, request.owner_org)
    if not recipients:
        return 0
    sent = 0
    with jobs.portal_context():
        subject, text = _message(event, request, item, round_, org, pkg)
        for user in recipients:
            body = (tk._("Dear %(name)s,") % {"name": user.display_name} + "\n\n" + text
                    + "\n\n" + tk._("Open the request: %(url)s") % {
                        "url": jobs.request_url(request.id)}
                    + "\n\n-- \n" + tk._("This message was sent automatically by %(site)s.")
                    % {"site": tk.config.get("ckan.site_title") or "CKAN"})
            sent += jobs.send_mail([user], subject, body)
    return sent
