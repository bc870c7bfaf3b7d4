# -*- coding: utf-8 -*-
"""IMiddleware: CKAN's static files served compressed and cacheable, by WhiteNoise.

CKAN serves its public folders and its compiled webassets through Flask
(``send_from_directory``): every stylesheet, script and image goes through the
whole request stack (session, user lookup, CSRF, SQLAlchemy session), comes
back uncompressed, and carries the page's ``Cache-Control: max-age=0,
must-revalidate`` (``ckan.cache_expires``), so a browser asks again on every
page. `WhiteNoise <https://whitenoise.readthedocs.io>`_, the static file
server that Python WSGI applications run behind gunicorn, answers them
before Flask, from a table of files it reads once when the process starts:

- a webasset (``/webassets/base/51d427fe_main.css``: webassets puts a hash of
  the bundle in its name, a change makes a new URL) is cached for ten years
  with ``immutable``; any other file of a public folder (``/base/images/…``,
  ``/satudata/satudata-logo.svg``) for ``satudata.static_max_age`` seconds,
  then revalidated with its ETag / Last-Modified;
- a file with a precompressed sibling (``main.css.gz``, also ``.br``) is
  sent compressed to a client that accepts it (``Vary: Accept-Encoding``).
  ``ckan satudata build-assets`` (:func:`build_assets`) builds every
  webassets bundle and compresses it before the web processes start, once,
  at the highest level, instead of in each request.

A file WhiteNoise did not see at start-up (a bundle CKAN builds later, an
upload under ``ckan.storage_path``) still goes to CKAN as before. The public
folders are looked up in CKAN's order (``extra_public_paths``, the plugins'
folders, CKAN's own): the first that has a file wins.

In front of it, a request's "Remember me" cookie is dropped
(:func:`without_remember_cookie`); behind it, an action's refusal a view lets
through is its HTTP error, not a 500.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import re
import shutil
from typing import Any, Callable, Iterable, Optional

import ckan
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig
from werkzeug.middleware.proxy_fix import ProxyFix
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

log = logging.getLogger(__name__)

#: the name webassets gives a bundle's output: its hash, then the name
#: (``51d427fe_main.css`` in CKAN's bundles, ``48bd5458-satudata.css`` in ours)
FINGERPRINTED = re.compile(r"/[0-9a-f]{8,}[_-][^/]+$")


def public_folders(config: CKANConfig) -> list[str]:
    """CKAN's public folders in the order it looks a file up in them (the
    first that has the file wins), as ``make_flask_stack`` lists them; the
    uploads of ``ckan.storage_path`` are left to CKAN."""
    core = os.path.join(os.path.dirname(ckan.__file__), config["ckan.base_public_folder"])
    extra = [path for path in (config.get("extra_public_paths") or "").split(",") if path]
    return extra + list(config.get("plugin_public_paths") or []) + [core]


def webassets_folder() -> str:
    """Where CKAN writes its compiled webassets (``ckan.webassets.path``, or
    ``webassets`` under ``ckan.storage_path``)."""
    from ckan.lib.webassets_tools import get_webassets_path
    return get_webassets_path()


def immutable_test(webassets_url: str) -> Callable[[str, str], bool]:
    """WhiteNoise's ``immutable_file_test``: a webasset whose name carries its
    hash never changes under the same URL."""
    def immutable(path: str, url: str) -> bool:
        return url.startswith(webassets_url) and FINGERPRINTED.search(url) is not None
    return immutable


def static_files(app: Any, config: CKANConfig) -> WhiteNoise:
    """``app`` behind a WhiteNoise that serves the public folders and the
    webassets found on disk now."""
    webassets_url = config["ckan.webassets.url"].rstrip("/") + "/"
    static = WhiteNoise(app, max_age=config["satudata.static_max_age"],
                        immutable_file_test=immutable_test(webassets_url),
                        add_headers_function=_static_headers)
    # a later add_files takes a URL over from an earlier one: CKAN's own
    # folder first, the first of CKAN's order last
    for folder in reversed(public_folders(config)):
        if os.path.isdir(folder):
            _add_files(static, folder, "/")
    assets = webassets_folder()
    if os.path.isdir(assets):
        # each bundle's folder, not webassets' own cache (.webassets-cache),
        # whose files another CKAN process starting at the same time writes
        # and deletes: a jobs worker died at start on a file gone meanwhile
        for entry in sorted(os.scandir(assets), key=lambda e: e.name):
            if entry.is_dir() and not entry.name.startswith("."):
                _add_files(static, entry.path, f"{webassets_url}{entry.name}/")
    return static


def _add_files(static: WhiteNoise, folder: str, prefix: str, attempts: int = 3) -> None:
    """WhiteNoise's ``add_files``, read again when a file went away while
    it was read (a bundle rebuilt by another process starting)."""
    for attempt in range(attempts):
        try:
            static.add_files(folder, prefix=prefix)
            return
        except FileNotFoundError:
            if attempt == attempts - 1:
                raise


#: the headers every answer of the portal carries, its static files too
#: (views/headers.py adds the pages' framing and content policy)
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "strict-origin-when-cross-origin"}


def _static_headers(headers: Any, _path: str, _url: str) -> None:
    """A static file's headers: :data:`SECURITY_HEADERS`, and no framing
    (a style sheet or a script served without them: the probe's finding)."""
    for name, value in SECURITY_HEADERS.items():
        headers[name] = value
    headers["X-Frame-Options"] = "SAMEORIGIN"


#: bytes of a form's text fields read into memory at most
FORM_MEMORY = 4 * 1024 * 1024


def make_middleware(app: Any, config: CKANConfig) -> Any:
    """Put WhiteNoise in front of the Flask application, where Flask puts a
    WSGI middleware (``app.wsgi_app``), so that every way of serving CKAN
    (gunicorn, uWSGI, ``ckan run``, the test client) goes through it."""
    if hasattr(app, "wsgi_app"):
        # the text fields of a form (not its files) read into memory: a
        # text pasted past Flask's 500 KB lost the whole form to a "413"
        # page; the fields' own limits (10,000 characters) refuse it with
        # the form kept
        app.config["MAX_FORM_MEMORY_SIZE"] = FORM_MEMORY
        app.wsgi_app = behind_proxies(
            without_remember_cookie(static_files(app.wsgi_app, config), config), config)
        refusals_as_errors(app)
        table_preview_arguments_checked(app)
        user_deletion_refusal_told(app)
        errors_after_a_failed_transaction(app)
        return app
    return behind_proxies(without_remember_cookie(static_files(app, config), config), config)


def behind_proxies(wsgi_app: Any, config: CKANConfig) -> Any:
    """The client's address and scheme as the ``satudata.reverse_proxies``
    proxies in front of the portal (nginx: 1) pass them
    (``X-Forwarded-For``, ``X-Forwarded-Proto``; werkzeug's ``ProxyFix``):
    behind nginx every client was 127.0.0.1, so one stranger's ten wrong
    passwords locked an officer out and three reset requests stopped their
    reset e-mails. None (0, the default): the headers are not trusted (a
    client would choose its own address)."""
    proxies = tk.asint(config.get("satudata.reverse_proxies") or 0)
    if proxies <= 0:
        return wsgi_app
    return ProxyFix(wsgi_app, x_for=proxies, x_proto=proxies)


def without_remember_cookie(wsgi_app: Any, config: CKANConfig) -> Any:
    """No login from a "Remember me" cookie (views/login.py offers none):
    one issued before, the account's id and a signature, the same for every
    login, stayed a login after a logout, a password change or a reset. The
    cookie is dropped from the request before CKAN reads it."""
    name = config.get("REMEMBER_COOKIE_NAME") or "remember_token"

    def application(environ: dict[str, Any], start_response: Any) -> Any:
        cookies = environ.get("HTTP_COOKIE")
        if cookies and name + "=" in cookies:
            environ["HTTP_COOKIE"] = ";".join(
                part for part in cookies.split(";")
                if part.strip().split("=", 1)[0] != name)
        return wsgi_app(environ, start_response)
    return application


def refusals_as_errors(app: Any) -> None:
    """An action's refusal that a view lets through is the HTTP error it
    means (403, 404), not a 500: CKAN's own views catch them, but some of
    its plugins' do not (``datatables_view``'s ajax endpoint asks
    ``resource_view_show`` unguarded, so a preview of unpublished data
    answered 500)."""
    def page(code: int, name: str, error: Exception) -> Any:
        return tk.render("error_document_template.html", {
            "code": code, "name": name, "content": str(error) or name}), code

    def refused(error: Exception) -> Any:
        return page(403, tk._("Not authorized to see this page"), error)

    def not_found(error: Exception) -> Any:
        return page(404, tk._("Not found"), error)

    app.register_error_handler(tk.NotAuthorized, refused)
    app.register_error_handler(tk.ObjectNotFound, not_found)


def table_preview_arguments_checked(app: Any) -> None:
    """The table preview's data endpoint (``datatables_view``'s
    ``/datatables/ajax/<view>``, public) reads its paging and sorting
    arguments with ``int()`` and a list index unguarded: ``start=abc`` or
    a sort on column 999 answered 500. Such a request is told it cannot
    be read (400, in the reader's language), as its own errors are; so is
    its filtered download (``/datatables/filtered-download/<view>``)."""
    def unreadable() -> str:
        return tk._("The table could not be read with these arguments")

    _arguments_checked(app, "datatablesview.ajax",
                       lambda: (json.dumps({"error": unreadable()}), 400))
    # its "download what is filtered" form, read the same way (500 for anyone)
    _arguments_checked(app, "datatablesview.filtered_download",
                       lambda: tk.abort(400, unreadable()))


def _arguments_checked(app: Any, endpoint: str, refused: Callable[[], Any]) -> None:
    """The view ``endpoint`` answering ``refused()`` where reading its
    arguments raised (``ValueError``, ``IndexError``, ``KeyError``,
    ``TypeError``) instead of a 500."""
    view = app.view_functions.get(endpoint)
    if view is None:
        return

    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except (ValueError, IndexError, KeyError, TypeError):
            return refused()

    app.view_functions[endpoint] = checked


def user_deletion_refusal_told(app: Any) -> None:
    """CKAN's delete page of a user answers any refused deletion with
    "Unauthorized to delete user with id <id>" (the user's id, no reason):
    whom may delete accounts is told why this one stays (the only producer
    of an OPD whose requests wait, the only holder of a chain level)."""
    from .lib import roles

    view = app.view_functions.get("user.delete")
    if view is None:
        return

    @functools.wraps(view)
    def told(id: str, *args: Any, **kwargs: Any) -> Any:
        if "cancel" in tk.request.form:
            return view(id, *args, **kwargs)
        if not tk.h.check_access("user_delete", {"id": id}):
            # a user who may not delete accounts was asked "are you sure?"
            return tk.abort(403, tk._("Only a sysadmin can delete an account"))
        refusal = roles.deletion_refusal("user", id) if tk.request.method == "POST" else None
        if refusal:
            return tk.abort(403, refusal)
        return view(id, *args, **kwargs)

    app.view_functions["user.delete"] = told


def errors_after_a_failed_transaction(app: Any) -> None:
    """A request whose database transaction failed (a query PostgreSQL
    refused) must neither break its own error page nor the worker's next
    request. CKAN disposes of the session after a response only
    (``ckan_after_request``); its error page renders the header, which asks
    the database again in the failed transaction, so the page itself
    failed (gunicorn's bare 500) and the session stayed open in the failed
    transaction: every later request of that worker answered 500. Each
    error handler now rolls the session back first, and the session is
    removed at the end of a request that failed even so."""
    def rolled_back(handler: Callable[[Exception], Any]) -> Callable[[Exception], Any]:
        def handle(error: Exception) -> Any:
            try:
                model.Session.rollback()
            except Exception:  # a connection that is gone: a new one next
                log.exception("Rolling back before an error page failed")
                model.Session.remove()
            return handler(error)
        return handle

    for by_class in app.error_handler_spec.get(None, {}).values():
        for error_class, handler in list(by_class.items()):
            by_class[error_class] = rolled_back(handler)

    @app.teardown_request
    def remove_session(error: Optional[BaseException]) -> None:
        if error is not None:  # otherwise ckan_after_request did
            model.Session.remove()


def build_assets(echo: Callable[[str], Any] = log.info) -> list[str]:
    """Build what the web processes serve as files, before they start: the
    JavaScript translations (``ckan translation js``), every webassets bundle
    (``ckan asset build``) and a compressed copy of each bundle. Returns the
    compressed files written."""
    from webassets.script import main as webassets_main
    from ckan.lib import webassets_tools
    from ckan.lib.i18n import build_js_translations

    build_js_translations()
    if webassets_main(["build"], webassets_tools.env):
        raise RuntimeError("building the webassets bundles failed")
    copied = copy_referenced_files(webassets_tools.env)
    echo(f"{len(copied)} files the stylesheets refer to copied beside them")
    return compress(webassets_tools.env.directory, echo)


#: a relative ``url(...)`` of a stylesheet (not data:, not absolute, not a
#: fragment)
_CSS_URL = re.compile(r"""url\(\s*['"]?(?![a-z]+:|/|#)([^'")?#]+)""", re.I)


def copy_referenced_files(env: Any) -> list[str]:
    """Copy the images and fonts a bundled stylesheet refers to beside its
    bundle. A bundle is written to ``<webassets>/<library>/``, while the files
    its stylesheets name relatively stay in the plugin's source folder:
    DataTables' preview asked for ``vendor/FontAwesome/images/…svg`` and got
    a 404 on every table page. Returns the files copied."""
    copied = []
    for name, bundle in env._named_bundles.items():
        library = name.split("/", 1)[0]
        for source in bundle.contents:
            if not isinstance(source, str) or not source.endswith(".css") \
                    or not os.path.isfile(source):
                continue
            with open(source, encoding="utf-8", errors="replace") as f:
                references = set(_CSS_URL.findall(f.read()))
            for reference in references:
                found = os.path.normpath(os.path.join(os.path.dirname(source), reference))
                target = os.path.normpath(os.path.join(env.directory, library, reference))
                if not target.startswith(os.path.join(env.directory, library) + os.sep) \
                        or not os.path.isfile(found) or os.path.exists(target):
                    continue
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copyfile(found, target)
                copied.append(target)
    return copied


def compress(folder: str, echo: Callable[[str], Any] = log.info) -> list[str]:
    """Write ``.gz`` (and ``.br`` when the ``brotli`` package is installed)
    beside each compressible file of ``folder`` (images and fonts are not),
    when that makes it at least 5% smaller."""
    compressor = Compressor(quiet=True)
    written: list[str] = []
    for path in _files(folder):
        if compressor.should_compress(path):
            written += compressor.compress(path)
    echo(f"{len(written)} compressed files in {folder}")
    return written


def _files(folder: str) -> Iterable[str]:
    for directory, subdirectories, names in os.walk(folder):
        # webassets' own cache (.webassets-cache) is no output
        subdirectories[:] = [d for d in subdirectories if not d.startswith(".")]
        for name in names:
            yield os.path.join(directory, name)
