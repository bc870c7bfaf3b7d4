# -*- coding: utf-8 -*-
"""A session that logged out stays logged out.

CKAN keeps the session in a signed cookie (``SESSION_TYPE = cookie``): "Keluar"
only told the browser to forget it, and a copy of the cookie (from a shared
office computer, a proxy log) went on working for as long as the cookie
lives. So each login writes its time into the session (CKAN's ``logged_in``
signal) and the account remembers, in ``plugin_extras["satudata"]`` (read with
the user on every request: no query of its own):

* ``ended``: the login times of the sessions that logged out (the latest
  :data:`KEPT`; an older one moves ``signed_out_at`` on to its time): a copy
  of such a session is no login any more. Logging out
  ends that session only, as in CKAN (an image pointing at the logout
  address logs out the one who views it, not the account's other devices);
* ``signed_out_at``: when the password was changed or reset: every session
  that began until then has ended, but the one that changed it.

:func:`refuse_ended` (the plugin's ``IAuthenticator.identify``) makes such a
session anonymous. API tokens are not sessions and are revoked on their own
page.
"""
from __future__ import annotations

import time
from typing import Any, Callable, Optional

import flask
import flask_login
import sqlalchemy as sa

import ckan.model as model

#: the session's key holding when it logged in (seconds since the epoch)
SINCE = "satudata_since"
#: the session's key holding the account last logged in on it (kept after the
#: logout: a form sent after it is kept for that account, views/public_requests)
LAST_USER = "satudata_last_user"
#: how many ended sessions an account remembers
KEPT = 50
#: ``flask.g`` flag: the logout is this module's, not the user's
_ENDING = "satudata_ending_session"


def _remember(user: model.User, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Store ``change(facts)`` into the account's facts, its row locked
    (two sessions logging out at once each wrote over the other's ended
    login: a copy of one of them stayed a login)."""
    locked = model.Session.execute(
        sa.select(model.User).where(model.User.id == user.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()
    extras = dict(locked.plugin_extras or {})
    facts = dict(extras.get("satudata") or {})
    extras["satudata"] = dict(facts, **change(facts))
    locked.plugin_extras = extras
    model.Session.commit()


def _facts(user: model.User) -> dict[str, Any]:
    return (user.plugin_extras or {}).get("satudata") or {}


def started(sender: Any, user: Any = None, **kwargs: Any) -> None:
    """CKAN's ``logged_in`` signal: the session's login time, and its account."""
    flask.session[SINCE] = time.time()
    if isinstance(user, model.User):
        flask.session[LAST_USER] = user.id


def ended(sender: Any, user: Any = None, **kwargs: Any) -> None:
    """CKAN's ``logged_out`` signal: this session has ended (a session that
    began before this was recorded: every session until now)."""
    if flask.g.get(_ENDING) or not isinstance(user, model.User):
        return
    since = flask.session.get(SINCE)
    if since is None:
        now = time.time()
        _remember(user, lambda facts: {"signed_out_at": now})
        return

    def end(facts: dict[str, Any]) -> dict[str, Any]:
        ended_logins = [*(facts.get("ended") or []), since]
        values: dict[str, Any] = {"ended": ended_logins[-KEPT:]}
        if ended_logins[:-KEPT]:
            # one forgotten would be a login again (a copy of a session that
            # logged out 51 logouts ago worked): every session that began
            # by then has ended
            values["signed_out_at"] = max(float(facts.get("signed_out_at") or 0),
                                          *map(float, ended_logins[:-KEPT]))
        return values
    _remember(user, end)


def password_changed(sender: Any, user: Any = None, **kwargs: Any) -> None:
    """A password changed (the user's form, the API) or reset (CKAN's
    ``perform_password_reset`` signal): every other session of the account
    ends; the one that changed it goes on."""
    if not isinstance(user, model.User):
        return
    now = time.time()
    _remember(user, lambda facts: {"signed_out_at": now})
    if flask.has_request_context() and flask.session.get("_user_id") == user.id:
        flask.session[SINCE] = now + 0.001


def signed_out_at(user: model.User) -> Optional[float]:
    return _facts(user).get("signed_out_at")


def refuse_ended() -> None:
    """The request's session is anonymous when it ended (a copy of the
    cookie of a session that logged out, or that began before the
    account's password changed)."""
    if "_user_id" not in flask.session:  # no session login (anonymous, API token)
        return
    user = flask_login.current_user
    if not user.is_authenticated or not isinstance(user, model.User):
        return
    since = flask.session.get(SINCE)
    out = signed_out_at(user)
    if since in (_facts(user).get("ended") or ()) or (
            out is not None and float(since or 0) <= out):
        setattr(flask.g, _ENDING, True)  # not a logout of the account's other sessions
        flask_login.logout_user()
        flask.session.pop(SINCE, None)
