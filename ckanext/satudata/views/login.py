# -*- coding: utf-8 -*-
"""The login form refuses an account locked after too many failed logins
(:mod:`..lib.login_attempts`): the login page again, with a message, and
HTTP 429, before CKAN checks the password.

Where to go after logging in (``came_from``, ``next``) is a path of the
portal: CKAN takes any other local-looking value (``foo``, ``dataset``) for
the name of a route and answered 500 once the user was logged in. Such a
value is dropped (the user lands on their dashboard)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from werkzeug.datastructures import ImmutableMultiDict

import ckan.plugins.toolkit as tk

from ..lib import login_attempts

satudata_login = Blueprint("satudata_login", __name__)


@satudata_login.before_app_request
def refuse_locked_account() -> Any:
    if request.endpoint != "user.login" or request.method != "POST":
        return None
    if not login_attempts.locked(request.form.get("login")):
        return None
    tk.h.flash_error(tk._(
        "Too many failed logins to this account. For its safety, logging in is "
        "paused for %(minutes)s minutes; try again later or reset your password.")
        % {"minutes": tk.config["satudata.login.lock_minutes"]})
    return tk.render("user/login.html", {}), 429


#: how long "Remember me" keeps a login, in milliseconds: CKAN's login view
#: reads the checkbox's value as milliseconds (its form sends 63072000, 17.5
#: hours, meant as two years of seconds): 30 days
REMEMBER_MS = 30 * 24 * 3600 * 1000


@satudata_login.before_app_request
def remember_as_ticked() -> None:
    """A ticked "Remember me" lasts :data:`REMEMBER_MS`, whatever value the
    form sent: CKAN's ``int(remember)`` answered 500 to ``remember=abc`` (and
    logged the user in behind the error page to a huge one)."""
    if request.endpoint != "user.login" or request.method != "POST" \
            or not request.form.get("remember"):
        return
    request.form = ImmutableMultiDict(  # type: ignore[misc]
        [(k, str(REMEMBER_MS) if k == "remember" else v)
         for k, v in request.form.items(multi=True)])


#: the arguments CKAN's login views redirect to
_TARGETS = ("came_from", "next")


@satudata_login.before_app_request
def drop_unusable_target() -> None:
    if request.endpoint not in ("user.login", "user.logged_in", "user.logout"):
        return
    if not any(_unusable(v) for name in _TARGETS for v in request.args.getlist(name)):
        return
    request.args = ImmutableMultiDict(  # type: ignore[misc]
        [(k, v) for k, v in request.args.items(multi=True)
         if k not in _TARGETS or not _unusable(v)])


def _unusable(target: str) -> bool:
    """A target CKAN would read as a route's name: not an address (an
    absolute one is CKAN's to judge: it refuses another site's)."""
    return bool(target) and not target.startswith("/") and "://" not in target
