# -*- coding: utf-8 -*-
"""Failed logins and password-reset requests per account, counted in Redis
(:func:`reset_allowed`: at most ``satudata.login.max_resets_per_hour``
reset e-mails an hour). After
``satudata.login.max_failures`` failed logins, each within
``satudata.login.lock_minutes`` of the one before, the account's logins are
refused until that many minutes have passed since the last failure. A
password can no longer be guessed by trying (CKAN lets anyone try without
end), and the owner of a locked account waits minutes, not for an
administrator.

An account is counted by its user, whether it was named by its user name or
its e-mail address (an unknown name by what was typed). Redis out of reach
locks nothing: logging in does not depend on it.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

import redis.exceptions

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

log = logging.getLogger(__name__)

_REDIS_ERRORS = (redis.exceptions.RedisError, OSError)


def _key(login: str) -> str:
    """The counter of the account ``login`` names (a user name or e-mail)."""
    typed = login.strip()
    user = model.User.by_name(typed) or model.User.by_email(typed)
    return _account_key(user.id if user is not None else typed.lower())


def _account_key(account: str, kind: str = "login-failures") -> str:
    return f"{tk.config['ckan.site_id']}:satudata:{kind}:{account}"


def reset_allowed(login: Any) -> bool:
    """Counts a password-reset request for the account ``login`` names
    (typed into the reset form) and says whether its e-mail may go."""
    if not isinstance(login, str) or not login.strip():
        return True
    typed = login.strip()
    user = model.User.by_name(typed) or model.User.by_email(typed)
    key = _account_key(user.id if user is not None else typed.lower(), "reset-requests")
    try:
        with connect_to_redis().pipeline() as pipe:
            # the hour starts at the first request
            _new, count = pipe.set(key, 0, ex=3600, nx=True).incr(key).execute()
    except _REDIS_ERRORS:
        log.warning("Redis is out of reach: reset requests are not counted", exc_info=True)
        return True
    return int(count) <= tk.config["satudata.login.max_resets_per_hour"]


def _lock_seconds() -> int:
    return 60 * tk.config["satudata.login.lock_minutes"]


def locked(login: Optional[str]) -> bool:
    """Whether logins to the account ``login`` names are refused now."""
    if not login or not login.strip():
        return False
    try:
        failures = connect_to_redis().get(_key(login))
    except _REDIS_ERRORS:
        log.warning("Redis is out of reach: failed logins are not counted", exc_info=True)
        return False
    return int(failures or 0) >= tk.config["satudata.login.max_failures"]


def failed(login: Any, **kwargs: Any) -> None:
    """Counts a failed login (CKAN's ``failed_login`` signal; ``login`` is
    what was typed)."""
    if not isinstance(login, str) or not login.strip():
        return
    try:
        with connect_to_redis().pipeline() as pipe:
            key = _key(login)
            pipe.incr(key).expire(key, _lock_seconds()).execute()
    except _REDIS_ERRORS:
        log.warning("Redis is out of reach: a failed login is not counted", exc_info=True)


def succeeded(sender: Any, user: Any = None, **kwargs: Any) -> None:
    """Forgets an account's failed logins when it logs in (CKAN's
    ``logged_in`` signal) or its password is changed (the reset the lock's
    message offers: the account stayed locked after it)."""
    user_id = getattr(user, "id", None)
    if not user_id:
        return
    try:
        connect_to_redis().delete(_account_key(user_id))
    except _REDIS_ERRORS:
        log.warning("Redis is out of reach: failed logins are not forgotten", exc_info=True)
