# -*- coding: utf-8 -*-
"""The login form refuses an account locked after too many failed logins
(:mod:`..lib.login_attempts`): the login page again, with a message, and
HTTP 429, before CKAN checks the password.

A visitor opening an officer's page is asked to log in first
(:func:`log_in_first`). Where to go after logging in (``came_from``,
``next``) is a path of the portal: CKAN takes any other local-looking value (``foo``, ``dataset``) for
the name of a route and answered 500 once the user was logged in. Such a
value is dropped (the user lands on their dashboard)."""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, request
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError
from werkzeug.datastructures import ImmutableMultiDict

import ckan.plugins.toolkit as tk

from ..lib import login_attempts

log = logging.getLogger(__name__)

satudata_login = Blueprint("satudata_login", __name__)

#: where CKAN sends one who set a password (a reset, an invitation's first)
#: or asked for the link to set it, as CKAN leaves it
_RESET_LANDING_DEFAULT = "home.index"


def configure(config: Any) -> None:
    """After setting a password, the login form (called by the plugin's
    ``update_config``, unless ``ckan.user_reset_landing_page`` names
    another page): CKAN's home page left an invited producer logged out
    with "your password has been reset", and the request e-mail they had
    already been sent asked for a login."""
    if config.get("ckan.user_reset_landing_page") in (None, "", _RESET_LANDING_DEFAULT):
        config["ckan.user_reset_landing_page"] = "user.login"
    # Every form of the portal checks its security token: CKAN's default
    # (``ckan.csrf_protection.ignore_extensions = true``) exempts the
    # extensions' pages, and a hostile page could post the workflow's steps,
    # a role grant or a round's sending in an officer's name on a portal
    # whose ini left it out
    if tk.asbool(config.get("ckan.csrf_protection.ignore_extensions", True)):
        log.warning("ckanext-satudata: ckan.csrf_protection.ignore_extensions set to false "
                    "(the forms of the extensions check their security token too)")
        config["ckan.csrf_protection.ignore_extensions"] = False


@satudata_login.before_app_request
def login_form_token() -> None:
    """The login form carries its security token, as every other form: a
    hostile page posting it logged a citizen into the attacker's account
    (their next data request, with their e-mail and phone, went there)."""
    if request.endpoint != "user.login" or request.method != "POST":
        return
    try:
        validate_csrf(request.form.get(tk.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"))
    except ValidationError as error:
        raise CSRFError(str(error)) from error


@satudata_login.before_app_request
def refuse_locked_account() -> Any:
    """A locked account's login, and its profile form's check of the old
    password (which counts as a login: whoever held a session could guess
    it without end, and the failures locked the owner out), are refused."""
    if request.method != "POST" or request.endpoint not in ("user.login", "user.edit"):
        return None
    if request.endpoint == "user.edit":
        if not request.form.get("old_password") or not tk.current_user.is_authenticated:
            return None
        login = tk.current_user.name  # type: ignore[union-attr]
    else:
        login = request.form.get("login")
    if not login_attempts.locked(login):
        return None
    tk.h.flash_error(tk._(
        "Too many failed logins to this account. For its safety, logging in is "
        "paused for %(minutes)s minutes; try again later or reset your password.")
        % {"minutes": tk.config["satudata.login.lock_minutes"]})
    if request.endpoint == "user.edit":
        return tk.redirect_to(request.path), 303
    return tk.render("user/login.html", {}), 429


@satudata_login.before_app_request
def no_remembered_login() -> None:
    """A login lasts as long as its browser session: "Remember me" is not
    offered (its form field is dropped). CKAN's remember cookie holds the
    account's id and a signature, the same for every login: a copy of it
    stayed a login after the user logged out, changed or reset the password
    (and CKAN answered 500 to ``remember=abc``)."""
    if request.endpoint != "user.login" or request.method != "POST" \
            or "remember" not in request.form:
        return
    request.form = ImmutableMultiDict(  # type: ignore[misc]
        [(k, v) for k, v in request.form.items(multi=True) if k != "remember"])


@satudata_login.before_app_request
def few_reset_emails() -> Any:
    """Past :func:`...lib.login_attempts.reset_allowed`, a reset request is
    answered as CKAN answers every one (whether the account exists or not)
    and sends nothing: fifteen requests sent an officer fifteen e-mails."""
    if request.endpoint != "user.request_reset" or request.method != "POST" \
            or login_attempts.reset_allowed(request.form.get("user")):
        return None
    tk.h.flash_success(tk._("A reset link has been emailed to you "
                            "(unless the account specified does not exist)"))
    return tk.redirect_to(tk.config.get("ckan.user_reset_landing_page"))


#: the blueprints of the officers' pages (requests, rounds, the Daftar Data,
#: roles, forum): a visitor opening one is asked to log in
STAFF_PAGES = ("satudata_request.", "satudata_round.", "satudata_daftar_data.",
               "satudata_roles.", "satudata_forum.")


#: CKAN's pages that add or change a dataset, a table or an OPD: only a
#: logged-in user has anything to do there
_EDIT_PAGES = frozenset({
    "dataset.new", "dataset.edit", "dataset.delete", "dataset.resources",
    "resource.new", "resource.edit", "resource.delete", "resource.views",
    "resource.edit_view", "resource.new_view", "dataset_resource.new", "dataset_resource.edit",
    "dataset_resource.delete", "dataset_resource.views", "dataset_resource.edit_view",
    "dataset_resource.new_view", "satudata_staged.views",
    "organization.new", "organization.edit", "organization.delete", "organization.members",
    "organization.member_new", "group.new", "group.edit", "group.delete",
    # a round's publication and its build: the walidata's
    "satudata_dissemination.publication",
    # a form sent once the session had ended answered "not found" (a
    # metadata workbook) or "not authorized" (an account's edit, its tokens,
    # the site's settings, the trash, an OPD's bulk page): what was typed lost
    "satudata_dissemination.discard_revision", "satudata_metadata.import_form",
    "user.edit", "user.api_tokens", "admin.config", "admin.trash",
    "organization.bulk_process",
})

#: step addresses whose GET leads to their request's page (public for a
#: citizen's): only a step sent once the session had ended asks to log in
#: (publish, withdraw, archive, the walidata's answer to a citizen said
#: "not found" or "not authorized")
_STEP_PAGES = frozenset({"satudata_dissemination.take", "satudata_public_request.take"})


@satudata_login.before_app_request
def log_in_first() -> Any:
    """A visitor opening an officer's page or an edit page (the link of a
    workflow e-mail or a reminder: the session ended with the browser) is
    asked to log in and comes back to it, whatever the id: a request
    answered 404 "not found", a round 403 with a login link that led to the
    dashboard. A form sent once the session ended (a logout in another tab)
    said "not found" too, as if the dataset or request had been deleted:
    the sender is told the session ended and what they sent was not saved,
    and comes back to the form's page after logging in."""
    endpoint = request.endpoint or ""
    if tk.current_user.is_authenticated \
            or not (endpoint.startswith(STAFF_PAGES) or endpoint in _EDIT_PAGES
                    or (endpoint in _STEP_PAGES and request.method == "POST")):
        return None
    if request.method in ("GET", "HEAD"):
        tk.h.flash_notice(tk._("Log in to open this page."))
        # in the page's language (/en/...: Flask's path has no language prefix)
        return tk.redirect_to("user.login",
                              came_from=tk.h.url_for(request.full_path.rstrip("?")))
    tk.h.flash_error(tk._("Your session has ended, so what you sent was not saved. Log in "
                          "again, then fill in and send the form again."))
    page = _same_site_referrer()
    if page is None and endpoint in _EDIT_PAGES:  # the form's own address
        page = tk.h.url_for(request.full_path.rstrip("?"))
    response = tk.redirect_to("user.login", came_from=page) if page \
        else tk.redirect_to("user.login")
    response.status_code = 303  # the login page, by GET
    return response


@satudata_login.before_app_request
def no_register_page() -> Any:
    """Where registration is closed (CKAN's default), the sign-up address
    answered CKAN's 403 ("you might need to log in"): the login page, which
    says how to get an account, instead; a sysadmin keeps CKAN's page (the
    walidata creates accounts there)."""
    if request.endpoint != "user.register" or request.method not in ("GET", "HEAD"):
        return None
    try:
        tk.check_access("user_create", {"user": tk.current_user.name
                                        if tk.current_user.is_authenticated else ""})
    except tk.NotAuthorized:
        if tk.current_user.is_authenticated:
            return None  # CKAN's own refusal for a logged-in account
        tk.h.flash_notice(tk._("Accounts of this portal are created by the walidata "
                               "(Diskominfo): ask them for one."))
        return tk.redirect_to("user.login")
    return None


def _same_site_referrer() -> Any:
    """The path (and query) of the page of this portal the request came
    from, or None."""
    referrer = urlsplit(request.referrer or "")
    if not referrer.path or referrer.netloc != request.host:
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


#: the arguments CKAN's login views redirect to
_TARGETS = ("came_from", "next")


@satudata_login.before_app_request
def confirm_logout() -> Any:
    """Opening the logout address asks first; the form's POST logs out.
    CKAN logs out on a GET too: an image addressed to it in a dataset's
    description logged out every officer who opened the dataset (a form
    open in another tab then lost what was sent)."""
    if request.endpoint != "user.logout" or request.method not in ("GET", "HEAD") \
            or not tk.current_user.is_authenticated:  # (Flask answers HEAD with the GET view)
        return None
    return tk.render("user/logout_confirm.html")


@satudata_login.before_app_request
def drop_unusable_target() -> None:
    if request.endpoint not in ("user.login", "user.logged_in", "user.logout"):
        return
    if not any(_unusable(v) for name in _TARGETS for v in request.args.getlist(name)):
        return
    request.args = ImmutableMultiDict(  # type: ignore[misc]
        [(k, v) for k, v in request.args.items(multi=True)
         if k not in _TARGETS or not _unusable(v)])


@satudata_login.before_app_request
def target_in_the_login_language() -> None:
    """The language chosen on the login page itself stays after it: a
    producer opening an e-mail's link (an Indonesian address) who switched
    the login page to English landed on the Indonesian page."""
    if request.endpoint != "user.login" or request.method != "POST":
        return
    lang = tk.h.lang()
    if not lang or lang == tk.config.get("ckan.locale_default"):
        return
    prefix = f"/{lang}"
    locales = {str(tk.config.get("ckan.locale_default") or "")} | set(
        tk.aslist(tk.config.get("ckan.locales_offered") or []))

    def unprefixed(value: str) -> bool:
        # a path of the portal without a language (an "/id/…" one keeps its own)
        return value.startswith("/") and not value.startswith("//") \
            and value.split("/")[1].split("?")[0] not in locales

    targets = [(k, v) for k, v in request.args.items(multi=True)]
    if not any(k in _TARGETS and unprefixed(v) for k, v in targets):
        return
    request.args = ImmutableMultiDict(  # type: ignore[misc]
        [(k, prefix + v if k in _TARGETS and unprefixed(v) else v) for k, v in targets])


def _unusable(target: str) -> bool:
    """A target CKAN would read as a route's name: not an address (an
    absolute one is CKAN's to judge: it refuses another site's); or one
    with a line break, which no address has (the login's redirect answered
    500: "Header values must not contain newline characters")."""
    return bool(target) and (not target.startswith("/") and "://" not in target
                             or any(c in target for c in "\r\n"))


@satudata_login.before_app_request
def back_where_they_were() -> Any:
    """The header's "Log in" (no ``came_from``) took a visitor reading a
    dataset to their dashboard ("you have not created any datasets", to a
    citizen): the login form comes back to the page it was opened from (a
    page of this portal, not the login or logout pages themselves)."""
    if request.endpoint != "user.login" or request.method != "GET" \
            or any(request.args.get(name) for name in _TARGETS) \
            or tk.current_user.is_authenticated:
        return None
    target = _same_site_referrer()
    if target is None or any(part in target.split("?")[0] for part in (
            "/user/login", "/user/_logout", "/user/logged_in", "/user/logout",
            "/user/register", "/user/reset")):  # back there: nothing to do logged in
        return None
    # in the page's language: the login form of /en keeps /en
    return tk.redirect_to("user.login", came_from=target)
