# -*- coding: utf-8 -*-
"""The security headers of every answer (CKAN sets none and leaves them to
the reverse proxy; a portal run as the README says still has them, and a
proxy's own headers win, as they are only set when missing):

* ``X-Content-Type-Options: nosniff``: a browser takes the declared type;
* ``X-Frame-Options: SAMEORIGIN``: no other site can frame a page under a
  decoy to make a logged-in officer click (clickjacking), except a resource
  view (``/dataset/<id>/resource/<resource_id>/view/<view_id>``), which
  CKAN's "Embed" button offers to other sites;
* ``Content-Security-Policy: frame-ancestors 'self'; object-src 'none';
  base-uri 'self'`` (a resource view: no ``frame-ancestors``): framing as
  above for browsers that read only CSP, no plugins, no ``<base>`` pointing
  a page's links elsewhere (an uploaded file keeps its own ``sandbox``);
  on an officer's pages (requests, rounds, Daftar Data) and the pages of a
  dataset the public cannot read ``img-src 'self' data: blob:`` too: no
  image from another site tells anyone when a reviewer opened a request
  or its dataset;
* ``Referrer-Policy: strict-origin-when-cross-origin``: another site sees
  the portal's address, not the page (a request's, a search's);
* ``Cache-Control: private`` for a logged-in caller (an API token or the
  session's cookie): CKAN marks an answer ``public`` (a shared proxy may
  keep it) unless a page template was rendered for a logged-in user, so a
  private dataset's API answer, DCAT export, DataStore rows or file, a
  letter or a round's document read by its officer was cacheable for
  everyone behind the same proxy; and ``no-store``: a browser keeps none
  of it on disk (a shared computer's next user). Static files stay
  cacheable.

and the catalogue's RDF says its charset (UTF-8).
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, request

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..logic.validators import site_types
from ..middleware import SECURITY_HEADERS
from .login import STAFF_PAGES

satudata_headers = Blueprint("satudata_headers", __name__)


#: the text types (ckanext-dcat's catalogue) served without their charset:
#: a client reading them as Latin-1 printed "â" for the catalogue's dashes
_TEXT_WITHOUT_CHARSET = frozenset({"text/turtle", "text/n3", "application/n-triples",
                                   "application/rdf+xml", "application/ld+json"})


def _unpublished_dataset() -> bool:
    """Whether the page is one of a dataset (or of its tables) the public
    cannot read: a draft or one under review, which its reviewers open from
    the request (an image of another site in its description told that site
    when each of them did)."""
    blueprint = request.blueprint or ""
    view_args = request.view_args or {}
    dataset_id = view_args.get("id")
    if request.endpoint == "satudata_dissemination.revision":
        return True  # the staged changes, unreviewed, shown to their reviewers
    # a dataset type's pages, its activity and history (an old version), or a
    # table's (CKAN's, and the portal's own page of a staged table)
    if not dataset_id or not isinstance(dataset_id, str) or "\x00" in dataset_id or (
            "resource_id" not in view_args and blueprint != "activity"
            and blueprint not in site_types("dataset")):
        return False  # (a NUL, which PostgreSQL refuses in a text: the page's 500)
    package = model.Package.get(dataset_id)
    return package is not None and (package.private or package.state != "active")


@satudata_headers.after_app_request
def security_headers(response: Any) -> Any:
    headers = response.headers
    if response.mimetype in _TEXT_WITHOUT_CHARSET and not response.mimetype_params.get(
            "charset"):
        response.mimetype_params["charset"] = "utf-8"
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    embeddable = (request.endpoint or "").endswith("resource.view")
    if not embeddable:
        headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    # an officer's pages load no image from another site: a producer's
    # ![](https://…) in a note told them when, and from where, a reviewer
    # opened the request
    own_images = (request.endpoint or "").startswith(STAFF_PAGES) or _unpublished_dataset()
    headers.setdefault("Content-Security-Policy", "object-src 'none'; base-uri 'self'" + (
        "" if embeddable else "; frame-ancestors 'self'") + (
        "; img-src 'self' data: blob:" if own_images else ""))
    # an unknown address is CKAN's catch-all static route: its 404 page
    # shows the logged-in user's name and queue
    if request.environ.get("__no_cache__") or (
            request.endpoint in _STATIC and response.status_code >= 400 and _logged_in()):
        # nor kept by the browser itself: on a shared office computer the Back
        # button or the disk cache showed a logged-out producer's unpublished
        # dataset, data file or request
        response.cache_control.private = True
        response.cache_control.public = False
        response.cache_control.no_store = True
    return response


#: the endpoints of static files (the same for everyone)
_STATIC = ("static", "webassets.index")


def _logged_in() -> bool:
    """Whether the caller is someone: an API token (the header CKAN reads,
    ``apitoken_header_name``, and its old name) or a session."""
    names = (tk.config.get("apitoken_header_name") or "Authorization", "X-CKAN-API-Key")
    return any(request.headers.get(name) for name in names) or bool(
        tk.current_user.is_authenticated)


@satudata_headers.before_app_request
def private_for_a_user() -> None:
    if request.endpoint in _STATIC:
        return
    if _logged_in():
        request.environ["__no_cache__"] = True  # CKAN then says private
