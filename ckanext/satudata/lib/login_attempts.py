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
its e-mail address (an unknown name by a digest of what was typed: a typed
name of megabytes was a Redis key of megabytes, kept for the lock's
minutes). Failures and reset requests are counted per account and client
address: anyone guessing an officer's password locks out themselves, not
the officer (ten wrong logins every quarter of an hour kept an account
locked for good, three reset requests an hour swallowed its owner's own).
An account is locked for everyone only past :data:`ACCOUNT_FACTOR` times
the limit (guessing from many addresses). Redis out of reach locks nothing:
logging in does not depend on it.
"""
from __future__ import annotations

import hashlib
import logging
from typing import Any, Optional

import flask

import redis.exceptions

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

log = logging.getLogger(__name__)

_REDIS_ERRORS = (redis.exceptions.RedisError, OSError)


#: how many times an account's limit the failures (or reset requests) from
#: every address together may reach before the account is locked for all
ACCOUNT_FACTOR = 10


def _account(login: str) -> str:
    """The account ``login`` names (a user name or e-mail): its user's id,
    else a digest of what was typed."""
    typed = login.strip()
    user = model.User.by_name(typed) or model.User.by_email(typed)
    if user is not None:
        return user.id
    return hashlib.sha256(typed.lower().encode("utf-8", "replace")).hexdigest()


def _client() -> str:
    """The address the request comes from (behind the reverse proxy, the one
    it gives CKAN)."""
    if not flask.has_request_context():
        return "-"
    return (flask.request.remote_addr or "-")[:64]


def _keys(login: str, kind: str = "login-failures") -> tuple[str, str]:
    """The counters of the account ``login`` names: a hash of them per
    client address, and the count from every one."""
    return _counters(_account(login), kind)


def _counters(account: str, kind: str = "login-failures") -> tuple[str, str]:
    """An account's counters (its id or digest): per client, and in all."""
    total = _account_key(account, kind)
    return f"{total}:by-client", total


def _account_key(account: str, kind: str = "login-failures") -> str:
    return f"{tk.config['ckan.site_id']}:satudata:{kind}:{account}"


def _over(counts: list[Any], limit: int) -> bool:
    """Whether the client's count or the account's reached their limits."""
    mine, everyone = (int(count or 0) for count in counts)
    return mine >= limit or everyone >= limit * ACCOUNT_FACTOR


def reset_allowed(login: Any) -> bool:
    """Counts a password-reset request for the account ``login`` names
    (typed into the reset form) and says whether its e-mail may go."""
    if not isinstance(login, str) or not login.strip():
        return True
    by_client, everyone = _keys(login, "reset-requests")
    try:
        with connect_to_redis().pipeline() as pipe:
            # the hour starts at the account's first request
            pipe.hincrby(by_client, _client(), 1).expire(by_client, 3600, nx=True)
            pipe.incr(everyone).expire(everyone, 3600, nx=True)
            mine, _set, all_, _set2 = pipe.execute()
    except _REDIS_ERRORS:
        log.warning("Redis is out of reach: reset requests are not counted", exc_info=True)
        return True
    return not _over([int(mine) - 1, int(all_) - 1],
                     tk.config["satudata.login.max_resets_per_hour"])


def _lock_seconds() -> int:
    return 60 * tk.config["satudata.login.lock_minutes"]


def locked(login: Optional[str]) -> bool:
    """Whether logins to the account ``login`` names are refused now."""
    if not login or not login.strip():
        return False
    by_client, everyone = _keys(login)
    try:
        with connect_to_redis().pipeline() as pipe:
            failures = pipe.hget(by_client, _client()).get(everyone).execute()
    except _REDIS_ERRORS:
        log.warning("Redis is out of reach: failed logins are not counted", exc_info=True)
        return False
    return _over(failures, tk.config["satudata.login.max_failures"])


def failed(login: Any, **kwargs: Any) -> None:
    """Counts a failed login (CKAN's ``failed_login`` signal; ``login`` is
    what was typed)."""
    if not isinstance(login, str) or not login.strip():
        return
    try:
        by_client, everyone = _keys(login)
        with connect_to_redis().pipeline() as pipe:
            pipe.hincrby(by_client, _client(), 1).expire(by_client, _lock_seconds())
            pipe.incr(everyone).expire(everyone, _lock_seconds()).execute()
    except _REDIS_ERRORS:
        log.warning("Redis is out of reach: a failed login is not counted", exc_info=True)


def succeeded(sender: Any, user: Any = None, **kwargs: Any) -> None:
    """Forgets the failed logins from the address an account logged in from
    (CKAN's ``logged_in`` signal): the other addresses' counts stay (every
    login of the owner gave a guesser ten more tries)."""
    user_id = getattr(user, "id", None)
    if not user_id:
        return
    try:
        connect_to_redis().hdel(_counters(user_id)[0], _client())
    except _REDIS_ERRORS:
        log.warning("Redis is out of reach: failed logins are not forgotten", exc_info=True)


def password_changed(user: Any) -> None:
    """Forgets every failed login of an account whose password changed (the
    reset the lock's message offers: the account stayed locked after it)."""
    user_id = getattr(user, "id", None)
    if not user_id:
        return
    try:
        connect_to_redis().delete(*_counters(user_id))
    except _REDIS_ERRORS:
        log.warning("Redis is out of reach: failed logins are not forgotten", exc_info=True)
