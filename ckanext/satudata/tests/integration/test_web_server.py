# -*- coding: utf-8 -*-
"""The portal served as ``make run`` serves it: ``scripts/web.sh`` builds
the assets (``ckan satudata build-assets``) and starts gunicorn with two
workers on the test database. What a visitor notices: the pages answer in
Indonesian, from both workers, and a stylesheet comes gzip-compressed and is
kept by the browser for years (the same bytes as uncompressed)."""
from __future__ import annotations

import concurrent.futures
import re
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from ..factories import publish, to_ready
from .conftest import Portal, serve

pytestmark = pytest.mark.slow

WORKERS = 2
ANSWER_TIMEOUT = 120  # seconds for both workers to have answered (each loads CKAN)


@pytest.fixture
def served(region, tmp_path):
    """One published dataset, and the portal served by gunicorn."""
    request = region.requests_of(region.opd_a)[0]
    to_ready(region, request)
    publish(region, request)
    dataset = region.call("sysadmin", "package_show", id=request["package_id"])
    with serve(tmp_path / "ckan-server.log", production=True,
               env={"SATUDATA_WEB_WORKERS": str(WORKERS)}) as portal:
        yield portal, dataset


def _parent(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^PPid:\s*(\d+)", status, re.M).group(1))


def _answering_workers(portal: Portal) -> set[int]:
    """The pids that answered a request, from gunicorn's access log."""
    log = portal.log_path.parent / "logs" / "web-access.log"
    text = log.read_text() if log.exists() else ""
    return {int(pid) for pid in re.findall(r"pid=<(\d+)>", text)}


def test_served_by_gunicorn_workers_in_indonesian_with_compressed_assets(served):
    portal, dataset = served

    # the pages, in Indonesian
    home = requests.get(f"{portal.url}/", timeout=60)
    listing = requests.get(f"{portal.url}/dataset/", timeout=60)
    assert home.status_code == 200
    assert listing.status_code == 200
    for page in (home, listing):
        assert re.search(r'<html[^>]* lang="id"', page.text), page.text[:300]
        assert "Masuk" in page.text           # "Log in" in the header
        assert "Log in" not in page.text
    assert "Cari dataset" in listing.text or "Cari Dataset" in listing.text
    assert dataset["title"] in listing.text
    assert home.headers["Server"].startswith("gunicorn")

    # several workers answer: concurrent visitors until each worker (a
    # child of the gunicorn master) has answered one, or the timeout
    deadline = time.monotonic() + ANSWER_TIMEOUT
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        while len(_answering_workers(portal)) < WORKERS and time.monotonic() < deadline:
            answers = list(pool.map(
                lambda _: requests.get(f"{portal.url}/dataset/", timeout=60).status_code,
                range(8)))
            assert answers == [200] * 8
    workers = _answering_workers(portal)
    assert len(workers) >= WORKERS, workers
    assert {_parent(pid) for pid in workers if Path(f"/proc/{pid}").exists()} \
        == {portal.process.pid}

    # a webasset of the page: gzip to a browser that accepts it, kept for
    # years, the same stylesheet as the uncompressed one
    css = re.search(r'href="(/webassets/base/[0-9a-f]{8}_main\.css)"', home.text).group(1)
    zipped = requests.get(f"{portal.url}{css}", headers={"Accept-Encoding": "gzip"},
                          timeout=30)
    plain = requests.get(f"{portal.url}{css}", headers={"Accept-Encoding": "identity"},
                         timeout=30)
    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert zipped.content == plain.content          # requests decompressed it
    assert int(zipped.headers["Content-Length"]) < len(plain.content) / 4
    assert zipped.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert zipped.headers["Vary"] == "Accept-Encoding"

    # a file of a public folder: cached for a day, revalidated with its ETag
    logo = requests.get(f"{portal.url}/satudata/satudata-logo.svg", timeout=30)
    assert logo.status_code == 200
    assert logo.headers["Cache-Control"] == "max-age=86400, public"
    again = requests.get(f"{portal.url}/satudata/satudata-logo.svg", timeout=30,
                         headers={"If-None-Match": logo.headers["ETag"]})
    assert again.status_code == 304

    # an image a bundled stylesheet names beside it (the table preview's
    # clear-search icon answered 404 on every table page)
    icon = requests.get(f"{portal.url}/webassets/ckanext-datatablesview/vendor/FontAwesome/"
                        "images/times-circle-solid.svg", timeout=30)
    assert icon.status_code == 200 and b"<svg" in icon.content

    # the JavaScript messages in Indonesian (built by build-assets: gunicorn,
    # unlike ckan run, does not build them)
    messages = requests.get(f"{portal.url}/api/i18n/id", timeout=30)
    assert messages.status_code == 200
    assert messages.json()

    assert portal.tracebacks() == []


def test_a_request_whose_transaction_broke_leaves_the_next_one_whole(region, tmp_path):
    """One worker; a round page fails in the database (its trail's table is
    missing, as after a deploy before ``ckan db upgrade``): that visitor
    gets the portal's error page, not an empty answer, and the next visitor
    of the same worker gets their page (the failed transaction used to stay
    open on the worker: every later request answered 500)."""
    from ckan.tests import helpers
    import ckan.model as model

    token = helpers.call_action("api_token_create", context={"user": "sysadmin-uji"},
                                user="sysadmin-uji", name="satu")["token"]
    with serve(tmp_path / "ckan-server.log", production=True,
               env={"SATUDATA_WEB_WORKERS": "1"}) as portal:
        round_page = f"{portal.url}/api/3/action/satudata_round_show"
        assert requests.get(round_page, params={"id": region.round["id"]},
                            headers={"Authorization": token}, timeout=60).status_code == 200
        model.Session.execute(sa.text(
            "ALTER TABLE satudata_round_event RENAME TO satudata_round_event_away"))
        model.Session.commit()
        try:
            failed = requests.get(f"{portal.url}/permintaan-data/putaran/{region.round['name']}",
                                  headers={"Authorization": token}, timeout=60)
            after = [requests.get(f"{portal.url}/dataset/", timeout=60).status_code
                     for _ in range(3)]
        finally:
            model.Session.execute(sa.text(
                "ALTER TABLE satudata_round_event_away RENAME TO satudata_round_event"))
            model.Session.commit()
    assert after == [200, 200, 200]
    assert failed.status_code == 500
    assert "Terjadi kesalahan pada portal" in failed.text, failed.text  # the portal's page
