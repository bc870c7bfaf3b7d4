# -*- coding: utf-8 -*-
"""Pages of public data requests (permohonan data): the public list, the
form a logged-in citizen fills in, one request with its steps, and the
walidata's answers. Thin: parse, call the action, render."""
from __future__ import annotations

import json
import secrets
from typing import Any, Optional

from flask import Blueprint, jsonify, session

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

from ..lib import public_requests, sessions, workdays
from ..logic.schema import LONG_MAX, SHORT_MAX, TITLE_MAX
from ..lib.states import PUBLIC_STEPS, PublicState, public_state_label
from ._common import (PAGE_SIZE, args, call, context, error_list, organization_options,
                      page_number, save)

satudata_public_request = Blueprint("satudata_public_request", __name__,
                                    url_prefix="/permohonan-data")

_FIELDS = ("title", "description", "purpose", "owner_org", "email", "phone")
#: the walidata's answers a request page may post (``published`` is the portal's)
_STEPS = tuple(s for s in PUBLIC_STEPS if s != "published")


#: how long a request typed by a visitor whose session had ended is kept
#: for them to log in and send it (seconds)
DRAFT_SECONDS = 2 * 60 * 60
#: the drafts kept for one account in an hour
DRAFTS_PER_HOUR = 20
#: a draft is kept only within the form's limits (megabytes were kept)
_DRAFT_LIMITS = {"title": TITLE_MAX, "description": LONG_MAX, "purpose": LONG_MAX,
                 "owner_org": SHORT_MAX, "email": SHORT_MAX, "phone": SHORT_MAX}
_DRAFT_SESSION_KEY = "satudata_public_request_draft"


def _draft_key(name: str) -> str:
    return f"{tk.config.get('ckan.site_id')}:satudata:public_request_draft:{name}"


def _keep_draft(data: dict[str, str]) -> bool:
    """Keep a request typed and sent by someone no longer logged in (their
    session ended in another tab): it was lost at the login page. For the
    account last logged in on the session (:data:`.sessions.LAST_USER`;
    none: not kept), in Redis (a description of 10,000 characters does not
    fit the session cookie), its key in the session, which a login keeps;
    within the form's limits, one per session, a few an hour per account,
    for two hours. Whether it was kept."""
    owner = session.get(sessions.LAST_USER)
    if not isinstance(owner, str) or not any(data.values()) or any(
            len(value) > _DRAFT_LIMITS[key] for key, value in data.items()):
        return False
    redis = connect_to_redis()
    counted = _draft_key(f"for:{owner}")
    count = redis.incr(counted)
    if count == 1:
        redis.expire(counted, 3600)
    if count > DRAFTS_PER_HOUR:
        return False
    earlier = session.get(_DRAFT_SESSION_KEY)
    if isinstance(earlier, str):
        redis.delete(_draft_key(earlier))
    token = secrets.token_urlsafe(24)
    redis.setex(_draft_key(token), DRAFT_SECONDS, json.dumps({"owner": owner, "data": data}))
    session[_DRAFT_SESSION_KEY] = token
    return True


def _kept_draft(user_id: str) -> Optional[dict[str, str]]:
    """The request :func:`_keep_draft` kept for this session, once, for
    the account ``user_id`` it was typed in (another person logging in on
    the browser does not see it)."""
    if _DRAFT_SESSION_KEY not in session:  # (a pop would rewrite the cookie)
        return None
    token = session.get(_DRAFT_SESSION_KEY)
    if not isinstance(token, str):
        session.pop(_DRAFT_SESSION_KEY, None)
        return None
    redis = connect_to_redis()
    kept = redis.get(_draft_key(token))
    try:
        data = json.loads(kept) if kept else None
    except ValueError:
        data = None
    owner = data.get("owner") if isinstance(data, dict) else None
    if owner and owner != user_id:
        # another account on the browser (a shared office computer): left
        # for the one who typed it (it was destroyed before they came back)
        return None
    session.pop(_DRAFT_SESSION_KEY, None)
    redis.delete(_draft_key(token))
    if not owner or not isinstance(data.get("data"), dict):  # type: ignore[union-attr]
        return None
    return {k: str(data["data"].get(k) or "") for k in _FIELDS}  # type: ignore[index]


def _not_found() -> str:
    """A citizen's request that is not (a "permohonan", not an OPD's
    "permintaan")."""
    return tk._("Public data request not found")


@satudata_public_request.route("")
@satudata_public_request.route("/")  # the address with a trailing slash too
def index() -> Any:
    """Every public data request with its status (no requester details)."""
    page = page_number()
    state = tk.request.args.get("state") or None
    # a citizen's own requests (the dashboard links here)
    mine = tk.request.args.get("mine") == "1" and tk.current_user.is_authenticated
    data: dict[str, Any] = {"limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE}
    if state == "waiting":  # owed an answer, the soonest deadline first
        data["waiting"] = True
    elif state:
        data["state"] = state
    if mine:
        data["mine"] = True
    # the walidata finds a request among many: by its words, by its OPD
    filters = args("q", "owner_org")
    errors: list[str] = []
    try:
        result = tk.get_action("satudata_public_request_list")(context(), {**data, **filters})
    except tk.ValidationError as e:  # the list again, the search kept, why beside it
        result, errors = {"count": 0, "results": []}, error_list(e)
    pages = max(1, -(-result["count"] // PAGE_SIZE))
    if page > pages and not errors:  # past the last page: it said "no data requests yet"
        kept = {k: v for k, v in (("state", state), ("mine", "1" if mine else None))
                if v}
        return tk.redirect_to("satudata_public_request.index", page=pages, **kept, **filters)
    return tk.render("satudata/public_requests/index.html", {
        "result": result, "page": page, "state": state, "mine": mine, "page_size": PAGE_SIZE,
        "filters": filters, "org_options": organization_options(tk._("All OPDs")),
        "errors": errors,
        "states": [{"value": s.value, "text": public_state_label(s)} for s in PublicState],
    }), (400 if errors else 200)


@satudata_public_request.route("/baru", methods=["GET", "POST"])
def new() -> Any:
    """Ask for data (logged-in users; others are sent to the login page)."""
    if not tk.current_user.is_authenticated:  # back here once logged in
        if tk.request.method == "POST":
            # sent after the session ended: kept, and shown again after the login
            if _keep_draft({k: tk.request.form.get(k, "") for k in _FIELDS}):
                tk.h.flash_notice(tk._("Your request was not sent: you are no longer "
                                       "logged in. Log in; what you typed is kept for you "
                                       "to send."))
            else:
                tk.h.flash_notice(tk._("Your request was not sent: you are no longer "
                                       "logged in. Log in and send it again."))
        else:
            # said why (the login page appeared without a word)
            tk.h.flash_notice(tk._("Log in to ask for data: your request and its answers "
                                   "are kept in your account."))
        return tk.redirect_to("user.login", came_from=tk.h.url_for(
            "satudata_public_request.new"))
    data: dict[str, Any] = {"email": tk.current_user.email}  # type: ignore[attr-defined]
    errors: dict[str, Any] = {}
    earlier: Optional[str] = None
    kept = _kept_draft(tk.current_user.id) if tk.request.method == "GET" else None  # type: ignore[attr-defined]
    if kept:
        data = dict(kept, email=kept["email"] or data["email"])
        tk.h.flash_notice(tk._("Your request is not sent yet: check it and press Send the request."))
    if tk.request.method == "POST":
        data = {k: tk.request.form.get(k, "") for k in _FIELDS}
        saved, errors = save("satudata_public_request_create",
                             {k: v for k, v in data.items() if v != ""},
                             forbidden=tk._("Log in to ask for data"),
                             not_found=_not_found())
        earlier = (errors.pop("earlier", None) or [None])[0]
        if saved:
            tk.h.flash_success(tk._(
                "Your request has been sent. The walidata answers by %(date)s.")
                % {"date": tk.h.render_datetime(saved["due_date"])})
            return tk.redirect_to("satudata_public_request.read", id=saved["id"])
    org_options = organization_options(tk._("I do not know"))
    # said when the form opens (it was said once it was filled in, its
    # other errors mended), with the way to the requests
    waiting = public_requests.open_over_limit(tk.current_user)  # type: ignore[arg-type]
    shown = {k: v for k, v in errors.items() if not (waiting and k == "open_requests")}
    return tk.render("satudata/public_requests/new.html", {
        "data": data, "errors": shown, "org_options": org_options,
        "earlier": earlier and tk.h.url_for("satudata_public_request.read", id=earlier),
        "waiting": waiting,
        # the refusal said once: by the notice above the form (it was said
        # again, in other words and without the link, as the form's error)
    }), (400 if errors else 200)


@satudata_public_request.route("/<id>")
def read(id: str, step: str = "", values: Any = None, errors: Any = None) -> Any:
    """One request, its steps and, for the walidata, the answer forms (the
    form of a refused ``step`` keeps its ``values`` and shows its
    ``errors``)."""
    request = call("satudata_public_request_show", {"id": id})
    org_options = organization_options() if "plan" in request["allowed_steps"] else []
    this_year = workdays.today().year
    return tk.render("satudata/public_requests/read.html", {
        "r": request, "org_options": org_options, "refused_step": step,
        "values": values or {}, "errors": errors or {},
        "plan_years": [this_year, this_year + 1],
    }), (400 if errors else 200)


@satudata_public_request.route("/<id>/datasets")
def datasets(id: str) -> Any:
    """The answer form's dataset picker: the datasets the request may be
    fulfilled with, as CKAN's dataset autocomplete answers (CKAN's found
    none of those being prepared for the walidata's officers)."""
    found = call("satudata_public_request_datasets", {
        "id": id, "q": tk.request.args.get("incomplete", ""),
        "limit": tk.request.args.get("limit", 10)})
    return jsonify({"ResultSet": {"Result": found}})


@satudata_public_request.route("/<id>/<step>", methods=["GET", "POST"])
def take(id: str, step: str) -> Any:
    """The walidata's answer from the request page. The address of a refused
    answer (the page shown again with its error) leads back to the request
    when reloaded, or opened in another language (a 404 before)."""
    if step not in _STEPS:
        return tk.abort(404, tk._("Not found"))
    if tk.request.method == "GET":
        return tk.redirect_to("satudata_public_request.read", id=id)
    form = tk.request.form
    data = {"id": id, "note": form.get("note", "")}
    for key in ("package_id", "owner_org", "year", "update_frequency", "version"):
        if form.get(key):
            data[key] = form[key]
    if step == "fulfil" and not form.get("package_id", "").strip():
        # said at the field ("Missing value" alone named nothing)
        return read(id, step, dict(form), {"package_id": [tk._(
            "Choose the dataset that fulfils the request: type a few letters of its "
            "title")]})
    saved, errors = save(f"satudata_public_request_{step}", data,
                         not_found=_not_found(),
                         forbidden=tk._("You may not take this step on the data request"))
    if not saved:  # the answer's form again, as typed, with the errors at its fields
        return read(id, step, dict(form), errors)
    tk.h.flash_success(tk._("The data request is updated."))
    return tk.redirect_to("satudata_public_request.read", id=id)
