# -*- coding: utf-8 -*-
"""An account's logins are paused after too many failed ones
(lib/login_attempts.py, views/login.py), counted in the real Redis."""
from __future__ import annotations

from typing import Any, Iterator

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories, helpers

from ..factories import csrf_token, log_out as _log_out, login

LOCKED = "Terlalu banyak percobaan masuk yang gagal ke akun ini"


@pytest.fixture
def counters(ckan_config) -> Iterator[None]:
    """No failed logins (nor reset requests) counted before or after the test."""
    redis = connect_to_redis()

    def forget() -> None:
        for kind in ("login-failures", "reset-requests"):
            for key in redis.scan_iter(f"{ckan_config['ckan.site_id']}:satudata:{kind}:*"):
                redis.delete(key)

    forget()
    yield
    forget()


def _log_in(client, login: str, password: str, address: str = "127.0.0.1", **more: str):
    """A login on ``client`` from the client address ``address``."""
    environ = {"REMOTE_ADDR": address}
    page = client.get("/user/login", environ_base=environ)
    return client.post("/user/login", data={
        "login": login, "password": password, "_csrf_token": csrf_token(page.body), **more},
        follow_redirects=False, environ_base=environ)


@pytest.mark.usefixtures("clean_db", "counters")
def test_opening_the_logout_address_ends_no_session(app):
    """An image in a dataset's description addressed to the logout page
    (``![logo](/user/_logout)``) logged out every officer who opened the
    dataset: opening the address asks, its form logs out."""
    factories.User(name="operator", password="correct123")
    office = app.test_client()
    assert _log_in(office, "operator", "correct123").status_code == 302
    asked = office.get("/user/_logout")
    assert asked.status_code == 200 and "Keluar dari portal?" in asked.body
    assert office.head("/user/_logout").status_code == 200
    assert 'name="login"' not in office.get("/dashboard/datasets").body
    assert _log_out(office).status_code == 302
    assert 'name="login"' in office.get("/dashboard/datasets").body


@pytest.mark.usefixtures("clean_db", "counters")
@pytest.mark.parametrize("remember", ["63072000", "abc", "999999999999999"])
def test_a_login_lasts_its_browser_session_whatever_the_form_sends(app, remember):
    """CKAN's remember cookie is the account's id and a signature, the same
    for every login: a copy of it stayed a login after the user logged out,
    changed or reset the password (and ``remember=abc`` answered 500). No
    "Remember me": no such cookie."""
    factories.User(name="warga", password="correct123")
    client = app.test_client()
    assert 'name="remember"' not in client.get("/user/login").body
    response = _log_in(client, "warga", "correct123", remember=remember)
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert not [c for c in cookies if c.startswith("remember_token=")], cookies
    assert 'name="login"' not in client.get("/dashboard/datasets").body


@pytest.mark.usefixtures("clean_db", "counters")
def test_a_remember_cookie_issued_before_is_no_login(app):
    """Issued before the portal stopped offering "Remember me", such a cookie
    (the account's id and a signature) stayed a login for good."""
    from flask_login.utils import encode_cookie

    user = factories.User(name="operator", password="correct123")
    with app.flask_app.test_request_context():
        remembered = encode_cookie(user["id"])
    client = app.test_client()
    client.set_cookie("remember_token", remembered, domain="test.ckan.net")
    assert 'name="login"' in client.get("/dashboard/datasets").body


@pytest.mark.usefixtures("clean_db", "counters")
def test_an_ended_session_stays_ended_however_many_logouts_follow(app, monkeypatch):
    """The account remembered the last 50 ended logins: a copy of a session
    that logged out worked again after 50 more logouts."""
    from ckanext.satudata.lib import sessions

    monkeypatch.setattr(sessions, "KEPT", 2)
    factories.User(name="operator", password="correct123")
    office = app.test_client()
    assert _log_in(office, "operator", "correct123").status_code == 302
    copied = _session_cookie(office)
    _log_out(office)
    for _ in range(3):  # more logouts than are kept
        later = app.test_client()
        _log_in(later, "operator", "correct123")
        _log_out(later)
    thief = app.test_client()
    thief.set_cookie("ckan", copied[0], domain=copied[1])
    assert 'name="login"' in thief.get("/dashboard/datasets").body
    fresh = app.test_client()
    assert _log_in(fresh, "operator", "correct123").status_code == 302
    assert 'name="login"' not in fresh.get("/dashboard/datasets").body


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
    # a new password (the reset the message offers) ends the lock: the
    # account stayed locked after it
    helpers.call_action("user_patch", context={"user": "warga", "ignore_auth": True},
                        id="warga", password="baru-sekali-123")
    assert _log_in(app.test_client(), "warga", "baru-sekali-123").status_code == 302


@pytest.mark.usefixtures("clean_db", "counters")
@pytest.mark.ckan_config("satudata.login.max_failures", 3)
def test_who_guesses_an_officers_password_locks_out_themselves_not_the_officer(
        app, ckan_config):
    """Ten wrong logins every quarter of an hour, from anywhere, kept an
    officer locked out for good; a typed name of megabytes was a Redis key
    of megabytes. Counted per client address, the guesser waits; the
    account is locked for everyone only past ten times the limit."""
    kadis = factories.User(name="kadis", password="correct123")
    guesser = app.test_client()
    for _ in range(3):
        assert _log_in(guesser, "kadis", "tebakan", "10.9.9.9").status_code == 200
    assert _log_in(guesser, "kadis", "correct123", "10.9.9.9").status_code == 429
    assert _log_in(app.test_client(), "kadis", "correct123", "10.1.1.1").status_code == 302
    # the officer's login forgets their address's count only: the guesser
    # got ten more tries with every login of the owner
    assert _log_in(guesser, "kadis", "correct123", "10.9.9.9").status_code == 429
    # from many addresses: past ten times the limit, locked for all
    for n in range(30):
        _log_in(app.test_client(), "kadis", "tebakan", f"10.8.0.{n}")
    assert _log_in(app.test_client(), "kadis", "correct123", "10.1.1.1").status_code == 429
    # a name nobody has is counted under a digest of it, not the name itself
    _log_in(guesser, "x" * 100_000, "tebakan", "10.9.9.9")
    site = ckan_config["ckan.site_id"]
    keys = [key.decode() for key in connect_to_redis().keys(f"{site}:satudata:login-*")]
    assert keys and max(len(key) for key in keys) < 200, sorted(keys)
    assert kadis["id"] in " ".join(keys)


@pytest.mark.usefixtures("clean_db", "counters")
@pytest.mark.ckan_config("satudata.login.max_failures", 3)
def test_the_profile_forms_old_password_is_not_guessed_past_the_lock(app):
    """Whoever held a session (a shared computer) could guess the password
    on the profile form without end, and its failures locked the owner's
    logins: past the lock, its check of the old password is refused too."""
    person = factories.User(name="operator", email="operator@example.org",
                            password="correct123")
    client = login(app, "operator")
    url = "/user/edit/operator"

    def save(old_password: str):
        page = client.get(url).body
        return client.post(url, data={
            "_csrf_token": csrf_token(page), "name": "operator", "fullname": "Operator",
            "email": "baru@example.org", "old_password": old_password, "save": ""},
            follow_redirects=False)

    for _ in range(3):
        assert save("tebakan").status_code == 200
    refused = save("correct123")
    assert refused.status_code == 303
    assert model.User.get(person["id"]).email == "operator@example.org"
    assert "Terlalu banyak" in client.get(url).body


@pytest.mark.usefixtures("clean_db", "counters")
def test_where_to_go_after_logging_in_is_a_path_of_the_portal(app):
    """``came_from=foo``: CKAN took "foo" for a route's name and answered 500
    to a user it had just logged in."""
    factories.User(name="warga", password="correct123")
    # a line break: the redirect's header answered 500
    for target in ("foo", "dataset", "user.logout", "/dataset%0D%0AX-H%3A%201", "/dataset%0AX"):
        client = app.test_client()
        page = client.get("/user/login")
        landed = client.post(f"/user/login?came_from={target}", data={
            "login": "warga", "password": "correct123",
            "_csrf_token": csrf_token(page.body)}, follow_redirects=False)
        assert landed.status_code == 302, target
        assert "/dashboard" in landed.headers["Location"] or \
            landed.headers["Location"].rstrip("/").endswith("/user/warga"), target
        assert _log_out(client, f"?came_from={target}").status_code == 302
    # a path of the portal is still where the user goes
    client = app.test_client()
    page = client.get("/user/login")
    landed = client.post("/user/login?came_from=/dataset/", data={
        "login": "warga", "password": "correct123",
        "_csrf_token": csrf_token(page.body)}, follow_redirects=False)
    assert landed.headers["Location"].endswith("/dataset/")
    # the login page switched to English: the page after it is English (an
    # e-mail's link is an Indonesian address); a target of its own language
    # keeps it (it became /en/id/…, a 404)
    for target, lands in (("/dataset/", "/en/dataset/"), ("/id/dataset/", "/id/dataset/")):
        client = app.test_client()
        page = client.get(f"/en/user/login?came_from={target}")
        landed = client.post(f"/en/user/login?came_from={target}", data={
            "login": "warga", "password": "correct123",
            "_csrf_token": csrf_token(page.body)}, follow_redirects=False)
        assert landed.headers["Location"].endswith(lands), landed.headers["Location"]
        assert "/en/id/" not in landed.headers["Location"]
    # the header's "Log in" (no came_from) comes back to the page it was
    # opened from: a citizen reading a dataset landed on "you have not
    # created any datasets"
    client = app.test_client()
    site = "http://test.ckan.net"
    asked = client.get("/user/login", base_url=site, follow_redirects=False,
                       headers={"Referer": f"{site}/dataset/?q=bidan"})
    assert asked.status_code == 302
    login_url = asked.headers["Location"]
    assert "came_from=/dataset/?q%3Dbidan" in login_url or \
        "came_from=%2Fdataset%2F%3Fq%3Dbidan" in login_url, login_url
    page = client.get(login_url, base_url=site)
    landed = client.post(login_url, base_url=site, data={
        "login": "warga", "password": "correct123",
        "_csrf_token": csrf_token(page.body)}, follow_redirects=False)
    assert landed.headers["Location"].endswith("/dataset/?q=bidan"), landed.headers["Location"]
    # another site's page, the registration or reset page, or none: CKAN's own landing
    for referrer in ("https://contoh.example/dataset/", f"{site}/user/reset", None):
        answer = app.test_client().get("/user/login", base_url=site, follow_redirects=False,
                                       headers={"Referer": referrer} if referrer else {})
        assert answer.status_code == 200, referrer


@pytest.mark.usefixtures("clean_db", "counters")
@pytest.mark.ckan_config("ckan.auth.create_user_via_web", False)
def test_a_failed_login_keeps_the_name_and_the_page_says_how_to_get_an_account(app):
    factories.User(name="warga", password="correct123")
    client = app.test_client()
    failed = _log_in(client, "warga<b>", "salah")
    assert failed.status_code == 200
    assert 'name="login" value="warga&lt;b&gt;"' in failed.body
    page = client.get("/user/login").body
    assert "Akun portal ini dibuat oleh walidata" in page
    # the sign-up address leads there (it answered CKAN's 403, "you might
    # need to log in")
    signup = client.get("/user/register", follow_redirects=False)
    assert signup.status_code == 302 and "/user/login" in signup.headers["Location"]


def test_the_about_page_says_how_to_reach_the_walidata(app, world_of):
    """The login page's "Contact the walidata" led to CKAN's generic about text."""
    from ..factories import build_region

    world_of("region", build_region)
    page = app.get("/about").body
    assert "Hubungi walidata" in page and "Diskominfo" in page
    # the portal and its procedure, not CKAN's marketing text
    assert "data.gov.uk" not in page and "Bagaimana data sampai ke portal" in page
    english = app.get("/en/about").body
    assert "How data reaches the portal" in english and "data.gov.uk" not in english


def _csrf_of(client) -> str:
    return csrf_token(client.get("/dashboard/datasets").body)


def _session_cookie(client, name: str = "ckan") -> tuple[str, str]:
    """The value and domain of the session cookie."""
    found = [c for c in client._cookies.values() if c.key == name]
    assert len(found) == 1
    return found[0].value, found[0].domain


@pytest.mark.usefixtures("clean_db", "counters")
def test_a_copy_of_the_cookie_of_a_session_that_logged_out_is_no_login(app):
    """"Keluar" only told the browser to forget its session cookie: a copy
    of it (a shared office computer, a proxy's log) went on opening the
    producer's dashboard, as did the other sessions of an account whose
    password was changed. A session that logged out, or began before its
    account's password changed, is anonymous."""
    factories.User(name="operator", password="correct123")
    office = app.test_client()
    assert _log_in(office, "operator", "correct123").status_code == 302
    assert 'name="login"' not in office.get("/dashboard/datasets").body
    copied = _session_cookie(office)
    phone = app.test_client()
    assert _log_in(phone, "operator", "correct123").status_code == 302

    assert _log_out(office).status_code == 302
    thief = app.test_client()
    thief.set_cookie("ckan", copied[0], domain=copied[1])
    assert 'name="login"' in thief.get("/dashboard/datasets").body
    # that session only, as in CKAN: not the account's other devices
    assert 'name="login"' not in phone.get("/dashboard/datasets").body
    # a new login is a new session; the copy stays out
    again = app.test_client()
    assert _log_in(again, "operator", "correct123").status_code == 302
    assert 'name="login"' not in again.get("/dashboard/datasets").body
    assert 'name="login"' in thief.get("/dashboard/datasets").body

    # a changed password ends every other session, not the one that changed it
    token = factories.APIToken(user="operator")["token"]
    helpers.call_action("user_patch", context={"user": "operator"}, id="operator",
                        password="baru-sekali-123", old_password="correct123")
    for client in (phone, again):
        assert 'name="login"' in client.get("/dashboard/datasets").body
    assert app.get("/api/3/action/dashboard_activity_list",
                   headers={"Authorization": token}).status_code == 200  # tokens stay
    fresh = app.test_client()
    assert _log_in(fresh, "operator", "baru-sekali-123").status_code == 302
    response = fresh.post("/api/3/action/user_patch", json={
        "id": "operator", "password": "lagi-lagi-12345", "old_password": "baru-sekali-123"},
        headers={"X-CSRFToken": _csrf_of(fresh)})
    assert response.status_code == 200, response.body
    assert 'name="login"' not in fresh.get("/dashboard/datasets").body


@pytest.mark.usefixtures("clean_db", "counters")
@pytest.mark.ckan_config("satudata.login.max_failures", 3)
def test_a_token_alone_does_not_change_the_password_or_the_email(app):
    """An API token (a leaked one) changed its owner's password and e-mail
    address: the owner logged out everywhere, the resets sent to the new
    address. The current password is asked, as the profile form asks it; a
    sysadmin changes another's account without."""
    factories.User(name="operator", email="operator@example.org", password="correct123")
    admin = factories.Sysadmin()
    token = factories.APIToken(user="operator")["token"]

    def patch(auth: str, **data) -> Any:
        return app.post("/api/3/action/user_patch", json={"id": "operator", **data},
                        headers={"Authorization": auth})

    for change in ({"password": "milik-penyerang-1"}, {"email": "penyerang@example.org"},
                   {"password": "milik-penyerang-1", "old_password": "salah-salah-1"}):
        refused = patch(token, **change)
        assert refused.status_code == 409, (change, refused.body)
        assert "old_password" in refused.json["error"]
    assert model.User.get("operator").email == "operator@example.org"
    assert model.User.get("operator").validate_password("correct123")
    assert patch(token, fullname="Operator Data").status_code == 200  # the rest as ever
    assert patch(token, email="baru@example.org",
                 old_password="correct123").status_code == 200
    admin_token = factories.APIToken(user=admin["name"])["token"]
    assert patch(admin_token, password="diatur-admin-123").status_code == 200
    model.Session.remove()
    assert model.User.get("operator").email == "baru@example.org"
    assert model.User.get("operator").validate_password("diatur-admin-123")
    # the current password is not guessed past the logins' lock
    for guess in ("tebakan-1", "tebakan-2", "tebakan-3"):
        assert patch(token, password="x-" + guess, old_password=guess).status_code == 409
    locked = patch(token, password="milik-penyerang-1", old_password="diatur-admin-123")
    assert locked.status_code == 409 and "menit" in str(locked.json["error"]), locked.body


@pytest.mark.usefixtures("clean_db")
def test_a_token_does_not_create_another_token(app):
    """A leaked token minted a second one, and revoking the leaked one
    locked nobody out: a token is created by its owner logged in."""
    factories.User(name="operator", password="correct123")
    token = factories.APIToken(user="operator")["token"]
    refused = app.post("/api/3/action/api_token_create",
                       json={"user": "operator", "name": "cadangan"},
                       headers={"Authorization": token})
    assert refused.status_code == 403, refused.body
    assert "tidak dapat membuat token lain" in refused.json["error"]["message"]
    # logged in (the token page, or the API with the session's cookie): as ever
    client = login(app, "operator")
    page = client.get("/user/operator/api-tokens")
    made = client.post("/user/operator/api-tokens", data={
        "name": "skrip-harian", "_csrf_token": csrf_token(page.body)})
    assert made.status_code == 200 and "skrip-harian" in made.body
    names = {t["name"] for t in helpers.call_action(
        "api_token_list", context={"user": "operator"}, user_id="operator")}
    assert "skrip-harian" in names and "cadangan" not in names
    # a script acting as its user in a request context of its own, no token
    # sent (the benchmark's seeding: CKAN marks such a request as a token's)
    with app.flask_app.test_request_context():
        assert not tk.current_user.is_authenticated  # (CKAN's token lookup ran)
        made = tk.get_action("api_token_create")({"user": "operator"}, {
            "user": "operator", "name": "seeding"})
    assert made["token"]


@pytest.mark.usefixtures("clean_db")
def test_a_post_without_its_csrf_token_is_told_what_it_lacks(app):
    """An API call with a login's cookie and no CSRF token was told its
    "form was opened before the last login": a script opened no form."""
    factories.User(name="operator", password="correct123")
    client = login(app, "operator")
    api = client.post("/api/3/action/user_patch", json={"id": "operator", "about": "x"})
    assert api.status_code in (400, 403), api.body
    message = api.json["error"]["message"]
    assert "X-CSRFToken" in message and "Authorization" in message, message
    stale = client.post("/api/3/action/user_patch", json={"id": "operator", "about": "x"},
                        headers={"X-CSRFToken": "token-of-an-earlier-session"})
    assert "tidak cocok" in stale.json["error"]["message"], stale.json
    form = client.post("/user/edit/operator", data={"about": "x"})
    assert "Formulir tidak dapat dikirim" in form.body


@pytest.mark.usefixtures("clean_db", "counters")
def test_a_reset_request_sends_a_few_emails_an_hour_and_answers_as_ever(app, smtp):
    """Fifteen requests on the reset form sent an officer fifteen e-mails
    (anyone may ask, for anyone)."""
    factories.User(name="kadis", email="kadis@example.org")
    client = app.test_client()
    answers = []
    for _ in range(5):
        page = client.get("/user/reset")
        answers.append(client.post("/user/reset", data={
            "user": "kadis", "_csrf_token": csrf_token(page.body)}, follow_redirects=True))
    assert len([m for m in smtp.take() if "kadis@example.org" in m["to"]]) == 3
    # the same answer every time (whether the account exists is not told)
    assert all("Tautan pengaturan ulang telah dikirim" in a.body for a in answers)
    # the owner's own request, from elsewhere, is not swallowed by them
    owner, elsewhere = app.test_client(), {"REMOTE_ADDR": "10.1.1.1"}
    page = owner.get("/user/reset", environ_base=elsewhere)
    owner.post("/user/reset", data={"user": "kadis", "_csrf_token": csrf_token(page.body)},
               environ_base=elsewhere)
    assert len([m for m in smtp.take() if "kadis@example.org" in m["to"]]) == 1


@pytest.mark.usefixtures("clean_db", "counters")
def test_the_login_form_needs_its_token(app):
    """A hostile page posting the login form logged a citizen into the
    attacker's account (login CSRF): the form's token is required, as on
    every other form."""
    factories.User(name="warga", password="correct123")
    client = app.test_client()
    response = client.post("/user/login", data={"login": "warga", "password": "correct123"},
                           headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert response.status_code == 400
    assert "formulir" in response.body.lower()
    assert client.get("/dashboard/datasets", follow_redirects=False).status_code != 200
    assert _log_in(client, "warga", "correct123").status_code == 302


@pytest.mark.usefixtures("clean_db", "counters")
def test_a_password_set_from_its_e_mail_leads_to_the_login_form(app):
    """An invited producer who set their password landed on the home page,
    logged out, with only "your password has been reset" (the request
    e-mail they had been sent asked for a login)."""
    from ckan.lib import mailer

    person = factories.User(name="undangan", password="sementara-123")
    user = model.User.get(person["id"])
    mailer.create_reset_key(user)
    key = user.reset_key
    model.repo.commit()
    client = app.test_client()
    url = f"/user/reset/{person['id']}?key={key}"
    page = client.get(url)
    done = client.post(url, data={"_csrf_token": csrf_token(page.body),
                                  "password1": "kata-sandi-baru-1",
                                  "password2": "kata-sandi-baru-1"}, follow_redirects=False)
    assert done.status_code == 302 and done.headers["Location"].endswith("/user/login"), \
        done.headers.get("Location")
    landed = client.get("/user/login").body
    assert "Kata sandi Anda telah diatur ulang" in landed and 'name="login"' in landed
    assert _log_in(client, "undangan", "kata-sandi-baru-1").status_code == 302


@pytest.mark.usefixtures("clean_db", "counters")
@pytest.mark.ckan_config("satudata.reverse_proxies", 1)
def test_behind_a_proxy_the_guesser_is_told_from_the_officer(app_of_the_ini):
    """Behind nginx every client had the proxy's address: anyone's ten wrong
    passwords locked an officer out for everyone."""
    factories.User(name="kadis", password="correct123")
    app = app_of_the_ini
    guesser = app.test_client()
    for _ in range(10):
        assert _proxied_log_in(guesser, "kadis", "tebakan", "203.0.113.9").status_code == 200
    assert _proxied_log_in(guesser, "kadis", "correct123", "203.0.113.9").status_code == 429
    assert _proxied_log_in(app.test_client(), "kadis", "correct123",
                           "198.51.100.7").status_code == 302


@pytest.mark.usefixtures("clean_db", "counters")
def test_without_a_proxy_a_forwarded_address_is_not_believed(app):
    """With no proxy configured a client's own X-Forwarded-For would let a
    guesser change address at every try."""
    factories.User(name="kadis", password="correct123")
    guesser = app.test_client()
    for n in range(10):
        _proxied_log_in(guesser, "kadis", "tebakan", f"203.0.113.{n}")
    assert _proxied_log_in(guesser, "kadis", "correct123", "203.0.113.99").status_code == 429


def _proxied_log_in(client, login: str, password: str, forwarded: str):
    """A login through a proxy at 127.0.0.1 for the client ``forwarded``."""
    environ, headers = {"REMOTE_ADDR": "127.0.0.1"}, {"X-Forwarded-For": forwarded}
    page = client.get("/user/login", environ_base=environ, headers=headers)
    return client.post("/user/login", data={
        "login": login, "password": password, "_csrf_token": csrf_token(page.body)},
        follow_redirects=False, environ_base=environ, headers=headers)


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckan.csrf_protection.ignore_extensions", True)
def test_the_portals_forms_check_their_token_whatever_the_ini_says(app_of_the_ini):
    """CKAN's default exempts the extensions' pages from the CSRF check: on
    a portal whose ini left the option out, a hostile page posted the
    workflow's forms in a logged-in officer's name."""
    sysadmin = factories.Sysadmin(password="correct123")
    client = login(app_of_the_ini, sysadmin["name"])
    forged = client.post("/permintaan-data/putaran/new", data={
        "title": "Putaran palsu", "name": "putaran-palsu", "year": "2026"})
    assert forged.status_code == 400, forged.status_code
    assert "Formulir tidak dapat dikirim" in forged.body
    assert not model.Session.execute(sa.text(
        "SELECT 1 FROM satudata_round WHERE name = 'putaran-palsu'")).first()
