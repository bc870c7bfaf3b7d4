# -*- coding: utf-8 -*-
"""The login form refuses an account locked after too many failed logins
(:mod:`..lib.login_attempts`): the login page again, with a message, and
HTTP 429, before CKAN checks the password."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, request

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
