# -*- coding: utf-8 -*-
"""Fixtures of the browser tests: a real portal walked in headless Chromium.

One portal serves every browser test (``world``, package scope): the test
database and index are reset once, a small region is built in-process with
the real actions (the walidata, two OPDs, a user for each role, a round with
its requests), each journey gets its own request driven in-process to the
state the journey starts from, and ``ckan run`` is started with
:func:`..integration.conftest.serve`. Everything a test checks then goes
through the browser: users log in through CKAN's login form.

Playwright drives Debian's ``chromium`` (``/usr/bin/chromium``; Playwright's
own browser download is not used). ``SATUDATA_CHROMIUM`` overrides the path.
"""
from __future__ import annotations

import base64
import dataclasses
import io
import os
import re
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from werkzeug.datastructures import FileStorage

from ckan import model
from ckan.tests import helpers

from ..integration.conftest import Portal, serve
from ..factories import Region, build_region, complete_metadata

CHROMIUM = os.environ.get("SATUDATA_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "correct123"  # build_region's users
AXE = Path(__file__).resolve().parents[4] / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[4] / "docs" / "screenshots"
GREY_PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGM4c+YMAATMAmU5mmUsAAAAAElFTkSuQmCC")
TIMEOUT_MS = 30_000  # one page on a busy 2-core machine
#: a request to any other site than the portal on 127.0.0.1 (matched by the
#: browser's driver, not by a Python callback per request)
OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


#: CKAN starts a page's JavaScript modules (the confirmation dialog, the
#: repeating fields, select2) only once its translations have come back from
#: /api/i18n, after the page's load event: this marks the page when they have
MODULES_STARTED = """document.addEventListener('DOMContentLoaded', () => {
  const modules = window.ckan && window.ckan.module;
  if (!modules) { return; }
  const initialize = modules.initialize;
  modules.initialize = function () {
    const started = initialize.apply(this, arguments);
    document.documentElement.setAttribute('data-test-modules-started', '');
    return started;
  };
});"""


def _outside(route: Any) -> None:
    """A request to another site: images get a grey pixel, the rest fails."""
    if route.request.resource_type == "image":
        route.fulfill(status=200, content_type="image/png", body=GREY_PIXEL)
    else:
        route.abort()

#: the Daftar Data items of the world; each journey works on its own request
#: (the item of the same name at Dinas Kesehatan, OPD A)
ITEMS = {
    "producer": "Jumlah Puskesmas",
    "verifier": "Jumlah Tenaga Kesehatan",
    "approvers": "Cakupan Imunisasi Dasar",
    "walidata_admin": "Jumlah Rumah Sakit",
    "published": "Angka Harapan Hidup",
    "unpublished": "Jumlah Kasus Demam Berdarah",
    "returned": "Prevalensi Stunting",
    "review": "Rasio Dokter per Penduduk",  # submitted, for the pages' tests only
    "data": "Jumlah Posyandu",  # the data journey: upload, report, fix, preview, chart
}

#: the data file of the journeys (a CSV a producer would upload)
CSV_NAME = "puskesmas-2025.csv"
CSV_BYTES = ("kecamatan,jumlah_puskesmas,tahun\n"
             "Kecamatan Satu,4,2025\nKecamatan Dua,3,2025\nKecamatan Tiga,5,2025\n"
             ).encode("utf-8")


@dataclasses.dataclass
class World:
    portal: Portal
    region: Region
    requests: dict[str, dict[str, Any]]  # ITEMS key -> satudata_request_show
    datasets: dict[str, dict[str, Any]]  # ITEMS key -> package_show
    sessions: dict[str, dict[str, Any]]  # user -> Playwright storage state

    @property
    def url(self) -> str:
        return self.portal.url

    def call(self, who: str, action: str, **data: Any) -> Any:
        """An action in-process, as ``who`` of the region, on what the
        database holds now. The portal's processes change it behind this
        process's session, whose objects CKAN does not expire at a commit
        (``expire_on_commit=False``): a package read before the browser saved
        it would keep its old columns (its title, its notes) beside extras
        read afresh."""
        model.Session.remove()
        return self.region.call(who, action, **data)


#: the variables CSV_BYTES holds (its columns, checked on submit)
CSV_VARIABLES = [{"name": "kecamatan", "data_type": "text"},
                 {"name": "jumlah_puskesmas", "data_type": "integer"},
                 {"name": "tahun", "data_type": "integer"}]


def upload_csv(package_id: str, user: str, name: str = CSV_NAME,
               content: bytes = CSV_BYTES) -> dict[str, Any]:
    """Upload a CSV file as a resource of the dataset, as ``user``."""
    return helpers.call_action(
        "resource_create", context={"user": user}, package_id=package_id,
        name=name, format="CSV", url=name,
        upload=FileStorage(io.BytesIO(content), filename=name, content_type="text/csv"))


def _drive(region: Region, key: str, request: dict[str, Any]) -> None:
    """Bring a request in-process to the state its journey starts from."""
    call = region.call
    rid, pid = request["id"], request["package_id"]
    if key in ("producer",):
        return  # requested: the producer does everything in the browser
    if key == "data":
        # requested, metadata complete: the journey is about the table
        complete_metadata(pid, "produsen-a")
        call("producer", "package_patch", id=pid, variables=CSV_VARIABLES)
        return
    upload_csv(pid, "produsen-a")
    complete_metadata(pid, "produsen-a")
    # the variables of CSV_BYTES: the uploaded table is checked against them
    call("producer", "package_patch", id=pid, variables=CSV_VARIABLES)
    call("producer", "satudata_request_submit", id=rid, note="Data 2025 terlampir")
    if key in ("verifier", "review"):
        return
    if key == "returned":
        call("verifier", "satudata_request_return", id=rid, note="Periksa kembali satuan",
             field_notes={"notes": ["Tambahkan definisi operasional"]})
        return
    call("verifier", "satudata_request_verify", id=rid, note="Lengkap")
    if key == "approvers":
        return
    call("kabid", "satudata_request_approve", id=rid, note="Setuju")
    call("kadis", "satudata_request_approve", id=rid, note="Setujui rilis")
    if key in ("walidata_admin", "unpublished"):
        return
    call("walidata_admin", "satudata_request_publish", id=rid, note="Rilis")


@pytest.fixture(scope="package")
def world(with_plugins, empty_db, reset_index, reset_queues, tmp_path_factory
          ) -> Iterator[World]:
    """The portal of the browser tests, with a region and one request per
    journey (see :data:`ITEMS`), started once for the whole package."""
    empty_db()
    reset_index()
    reset_queues()
    region = build_region(tuple(ITEMS.values()))
    requests, datasets = {}, {}
    for key, title in ITEMS.items():
        request = next(r for r in region.requests
                       if r["owner_org"] == region.opd_a["id"] and r["item_title"] == title)
        _drive(region, key, request)
        requests[key] = region.call("sysadmin", "satudata_request_show", id=request["id"])
        datasets[key] = region.call("sysadmin", "package_show", id=request["package_id"])
    with serve(tmp_path_factory.mktemp("portal") / "ckan-server.log") as portal:
        yield World(portal, region, requests, datasets, {})


# -- the browser ---------------------------------------------------------------

@pytest.fixture(scope="package")
def chromium() -> Iterator[Any]:
    """Headless Chromium (Debian's), one for the package."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: scripts/bootstrap.sh installs Debian's chromium")
    args = ["--disable-gpu", "--disable-extensions"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to run as root otherwise
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=args)
        try:
            yield browser
        finally:
            browser.close()


def modules_started(page: Any) -> None:
    """Wait until CKAN has started the JavaScript modules of the page (after
    a click that led to it; ``page.goto`` of ``open_as`` waits by itself)."""
    page.wait_for_function("!window.ckan || !window.jQuery || document.documentElement"
                           ".hasAttribute('data-test-modules-started')")


def log_in(page: Any, url: str, user: str, password: str = PASSWORD) -> None:
    """Log in through CKAN's login form (/user/login)."""
    page.goto(f"{url}/user/login")
    page.locator("input[name=login]").fill(user)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").click()
    if page.locator("input[name=password]").count():
        raise AssertionError(f"logging in as {user} failed: {page.url}")


@pytest.fixture
def open_as(world: World, chromium: Any) -> Iterator[Callable[..., Any]]:
    """``open_as(user, width=1366)``: a new page in a fresh browser context,
    logged in as ``user`` (through the login form, once per user and package;
    "anonymous": not logged in). Contexts are closed after the test."""
    contexts = []

    def open_(user: str, width: int = 1366, height: int = 900) -> Any:
        state = world.sessions.get(user)
        context = chromium.new_context(viewport={"width": width, "height": height},
                                       locale="id-ID", timezone_id="Asia/Jakarta",
                                       storage_state=state)
        context.set_default_timeout(TIMEOUT_MS)
        # no Internet here: an image from another site (the factories' fake
        # avatar URLs, gravatar.com) is a grey square, not a broken image with
        # its alt text over the header; nothing else leaves the portal
        context.route(OUTSIDE, _outside)
        context.add_init_script(MODULES_STARTED)
        contexts.append(context)
        page = context.new_page()
        # a page is used once its modules have started (a key pressed on the
        # opener of a dialog before did nothing on a busy machine)
        goto = page.goto

        def goto_started(url: str, **kwargs: Any) -> Any:
            response = goto(url, **kwargs)
            modules_started(page)
            return response

        page.goto = goto_started
        # pages (not assets) the portal answered with a server error
        page.world, page.server_errors = world, []
        page.on("response", lambda r: page.server_errors.append(f"{r.status} {r.url}")
                if r.status >= 500 and r.request.resource_type == "document" else None)
        if user != "anonymous" and state is None:
            log_in(page, world.url, user)
            world.sessions[user] = context.storage_state()
        return page

    yield open_
    for context in contexts:
        context.close()


def assert_no_server_error(page: Any) -> None:
    """Fail, with the portal's last traceback, when a page of ``page`` was
    answered with a server error."""
    if page.server_errors:
        tracebacks = page.world.portal.tracebacks()
        last = tracebacks[-1][-3000:] if tracebacks else "(no traceback logged)"
        pytest.fail(f"server error: {page.server_errors}\nthe portal's last traceback:\n{last}")
