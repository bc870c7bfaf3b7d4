# -*- coding: utf-8 -*-
"""An account's logins are paused after too many failed ones
(lib/login_attempts.py, views/login.py), counted in the real Redis."""
from __future__ import annotations

from typing import Iterator

import pytest

from ckan.lib.redis import connect_to_redis
from ckan.tests import factories

from ..factories import csrf_token

LOCKED = "Terlalu banyak percobaan masuk yang gagal ke akun ini"


@pytest.fixture
def counters(ckan_config) -> Iterator[None]:
    """No failed logins counted before or after the test."""
    redis = connect_to_redis()

    def forget() -> None:
        for key in redis.scan_iter(f"{ckan_config['ckan.site_id']}:satudata:login-failures:*"):
            redis.delete(key)

    forget()
    yield
    forget()


def _log_in(client, login: str, password: str):
    page = client.get("/user/login")
    return client.post("/user/login", data={
        "login": login, "password": password, "_csrf_token": csrf_token(page.body)},
        follow_redirects=False)


@pytest.mark.usefixtures("clean_db", "counters")
@pytest.mark.ckan_config("satudata.login.max_failures", 3)
def test_guessing_a_password_pauses_the_accounts_logins(app, ckan_config):
    warga = factories.User(name="warga", email="warga@example.org", password="correct123")
    other = factories.User(name="tetangga", password="correct123")
    client = app.test_client()

    # a failure then a success: the count starts again
    assert _log_in(client, "warga", "salah-1").status_code == 200
    assert _log_in(client, "warga", "correct123").status_code == 302
    assert 'name="login"' not in client.get("/dashboard/datasets").body
    client = app.test_client()
    # three failures, by name and by e-mail address: the account is one
    for login in ("warga", "warga@example.org", "warga"):
        assert _log_in(client, login, "tebakan").status_code == 200
    refused = _log_in(client, "warga", "correct123")
    assert refused.status_code == 429
    assert LOCKED in refused.body and "15 menit" in refused.body
    # not logged in: the dashboard asks for the login form
    assert 'name="login"' in client.get("/dashboard/datasets").body
    # for the lock's minutes after the last failure, counted by Redis
    key = f"{ckan_config['ckan.site_id']}:satudata:login-failures:{warga['id']}"
    assert 14 * 60 < connect_to_redis().ttl(key) <= 15 * 60
    # another account is not affected
    assert _log_in(app.test_client(), other["name"], "correct123").status_code == 302
