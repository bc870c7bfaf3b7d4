# -*- coding: utf-8 -*-
"""A session that logged out stays logged out.

CKAN keeps the session in a signed cookie (``SESSION_TYPE = cookie``): "Keluar"
only told the browser to forget it, and a copy of the cookie (from a shared
office computer, a proxy log) went on working for as long as the cookie
lives. So each login writes its time into the session (CKAN's ``logged_in``
signal), each logout writes the time into the account
(``plugin_extras["satudata"]["signed_out_at"]``, read with the user on every
request: no query of its own), and a session that began before the
account's latest logout is not a login any more (:func:`refuse_ended`, the
plugin's ``IAuthenticator.identify``). Logging out ends every session of the
account (the other devices log in again). API tokens are not sessions and
are revoked on their own page.
"""
from __future__ import annotations

import time
from typing import Any, Optional

import flask
import flask_login

import ckan.model as model

#: the session's key holding when it logged in (seconds since the epoch)
SINCE = "satudata_since"
#: ``flask.g`` flag: the logout is this module's, not the user's
_ENDING = "satudata_ending_session"


def started(sender: Any, user: Any = None, **kwargs: Any) -> None:
    """CKAN's ``logged_in`` signal: the session's login time."""
    flask.session[SINCE] = time.time()


def ended(sender: Any, user: Any = None, **kwargs: Any) -> None:
    """CKAN's ``logged_out`` signal: every session of the account that
    began until now has ended."""
    if flask.g.get(_ENDING) or not isinstance(user, model.User):
        return
    extras = dict(user.plugin_extras or {})
    extras["satudata"] = dict(extras.get("satudata") or {}, signed_out_at=time.time())
    user.plugin_extras = extras
    model.Session.commit()


def signed_out_at(user: model.User) -> Optional[float]:
    return ((user.plugin_extras or {}).get("satudata") or {}).get("signed_out_at")


def refuse_ended() -> None:
    """The request's session is anonymous when it began before its account's
    latest logout (a copy of a cookie of a session that logged out)."""
    if "_user_id" not in flask.session:  # no session login (anonymous, API token)
        return
    user = flask_login.current_user
    if not user.is_authenticated or not isinstance(user, model.User):
        return
    out = signed_out_at(user)
    if out is not None and float(flask.session.get(SINCE) or 0) <= out:
        setattr(flask.g, _ENDING, True)  # not a logout of the account's other sessions
        flask_login.logout_user()
        flask.session.pop(SINCE, None)
