# -*- coding: utf-8 -*-
"""Uploads and the Daftar Data page in a real portal and a real browser
(issue G, helper U): a producer uploads a CSV through the resource form;
the file is downloadable by who may see the dataset only; the Daftar Data
page stays as wide as a phone even with a long unbroken title."""
from __future__ import annotations

import os

import pytest
import requests

from ckan.tests import helpers

from ..factories import build_region

CHROMIUM = os.environ.get("SATUDATA_CHROMIUM", "/usr/bin/chromium")
CSV = "kecamatan,jumlah\nSamarinda Ulu,12\nSungai Kunjang,9\n"
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.slow


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def _login(browser, portal, name: str, viewport=None):
    context = browser.new_context(viewport=viewport or {"width": 1366, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"{portal.url}/en/user/login")
    page.fill("#field-login", name)
    page.fill("#field-password", "correct123")
    page.press("#field-password", "Enter")
    page.wait_for_url(lambda url: "/user/login" not in url)
    return context, page


def test_a_producer_uploads_a_csv_that_only_who_may_see_it_downloads(portal, browser, tmp_path):
    region = build_region()
    request = region.request_of(region.opd_a)
    context, page = _login(browser, portal, "produsen-a")

    page.goto(f"{portal.url}/en/dataset/{request['package_id']}/resource/new")
    upload_button = page.locator("#resource-upload-button")
    assert upload_button.is_visible()
    csv_file = tmp_path / "tabel-puskesmas.csv"
    csv_file.write_text(CSV)
    upload_button.click()
    page.set_input_files("#field-resource-upload", str(csv_file))
    page.fill("#field-name", "Tabel Puskesmas")
    page.locator("button[name=save]").last.click()
    page.wait_for_load_state()

    pkg = helpers.call_action("package_show", id=request["package_id"])
    [resource] = pkg["resources"]
    assert resource["url_type"] == "upload"
    download = (f"{portal.url}/dataset/{pkg['id']}/resource/{resource['id']}"
                "/download/tabel-puskesmas.csv")
    # the producer's browser session downloads it
    response = context.request.get(download)
    assert response.status == 200 and response.text() == CSV
    # the public and another OPD's producer do not
    assert requests.get(download, timeout=30).status_code in (403, 404)
    other, _page = _login(browser, portal, "produsen-b")
    assert other.request.get(download).status in (403, 404)
    assert not portal.tracebacks()


def test_the_daftar_data_page_fits_a_phone_with_a_long_title(portal, browser):
    region = build_region()
    long_title = "Jumlah" + "Puskesmas" * 40           # 366 characters, no space
    helpers.call_action("satudata_daftar_data_create",
                        context={"user": region.users["sysadmin"]["name"]},
                        title=long_title, owner_org=region.opd_a["name"], year=2026)
    _context, page = _login(browser, portal, "admin-walidata", viewport=PHONE)

    page.goto(f"{portal.url}/permintaan-data/daftar-data?year=2026")
    assert page.locator("text=JumlahPuskesmas").count() >= 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide at {PHONE['width']} px"
