# -*- coding: utf-8 -*-
"""The security headers of every answer (views/headers.py)."""
from __future__ import annotations

import pytest

from ckan.tests import factories, helpers


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_pages_cannot_be_framed_by_another_site_but_an_embedded_view_can(app):
    for url in ("/", "/dataset/", "/api/3/action/status_show", "/user/login"):
        headers = app.get(url).headers
        assert headers["X-Frame-Options"] == "SAMEORIGIN", url
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        # and for browsers that read only CSP
        assert "frame-ancestors 'self'" in headers["Content-Security-Policy"], url
        assert "object-src 'none'" in headers["Content-Security-Policy"], url

    dataset = factories.Dataset(owner_org=factories.Organization()["id"])
    resource = factories.Resource(package_id=dataset["id"], url="https://example.org/a.csv")
    view = factories.ResourceView(resource_id=resource["id"], view_type="datatables_view")
    embedded = app.get(f"/dataset/{dataset['id']}/resource/{resource['id']}/view/{view['id']}")
    assert embedded.status_code == 200
    assert "X-Frame-Options" not in embedded.headers
    assert "frame-ancestors" not in embedded.headers["Content-Security-Policy"]
    assert embedded.headers["X-Content-Type-Options"] == "nosniff"


def test_an_officers_pages_load_no_image_from_another_site(app, region):
    """A producer's ``![](https://…)`` in a note told them when, and from
    where, a reviewer opened the request."""
    from ..factories import complete_metadata, login

    request = region.request_of(region.opd_a)
    verifier = login(app, "verifikator")
    page = verifier.get(f"/permintaan-data/{request['id']}")
    assert "img-src 'self' data: blob:" in page.headers["Content-Security-Policy"]
    # nor the pages of its dataset and tables, under review
    complete_metadata(request["package_id"], region.users["producer"]["name"])
    region.call("producer", "satudata_request_submit", id=request["id"])
    dataset = verifier.get(f"/dataset/{request['package_id']}")
    assert dataset.status_code == 200
    assert "img-src 'self' data: blob:" in dataset.headers["Content-Security-Policy"]
    table = helpers.call_action("package_show", id=request["package_id"])["resources"][0]
    page = verifier.get(f"/dataset/{request['package_id']}/resource/{table['id']}")
    assert page.status_code == 200, page.status_code
    assert "img-src 'self'" in page.headers["Content-Security-Policy"], page.request.path
    # nor its activity and old versions
    activity = verifier.get(f"/dataset/activity/{request['package_id']}")
    assert activity.status_code == 200, activity.status_code
    assert "img-src 'self'" in activity.headers["Content-Security-Policy"]
    # the public pages keep their pictures
    assert "img-src" not in app.get("/dataset/").headers["Content-Security-Policy"]


def test_static_files_carry_the_security_headers_too(app):
    """Served by WhiteNoise in front of the application, a style sheet had none."""
    headers = app.get("/base/css/main.css").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_an_answer_to_a_token_is_for_its_caller_only(app):
    """A private dataset read with an API token was marked public (a shared
    proxy could keep it for everyone behind it)."""
    user = factories.UserWithToken()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    dataset = factories.Dataset(owner_org=org["id"], private=True)
    shown = app.get("/api/3/action/package_show", query_string={"id": dataset["id"]},
                    headers={"Authorization": user["token"]})
    assert shown.status_code == 200
    assert "private" in shown.headers["Cache-Control"]
    assert "public" not in shown.headers["Cache-Control"]
    assert "no-store" in shown.headers["Cache-Control"]
    # an anonymous answer stays cacheable
    assert "public" in app.get("/api/3/action/status_show").headers["Cache-Control"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_an_answer_to_a_logged_in_browser_is_for_its_user_only(app):
    """Logged in by the session's cookie, a private dataset's API answer and
    DCAT export were marked public (only rendered pages were private)."""
    from ..factories import login

    user = factories.User(password="correct123")
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    dataset = factories.Dataset(owner_org=org["id"], private=True, title="Draf 7c1e")
    browser = login(app, user["name"])
    for url in (f"/api/3/action/package_show?id={dataset['id']}",
                f"/dataset/{dataset['name']}.ttl", f"/dataset/{dataset['name']}"):
        shown = browser.get(url)
        assert shown.status_code == 200 and "Draf 7c1e" in shown.body, url
        assert "private" in shown.headers["Cache-Control"], url
        assert "public" not in shown.headers["Cache-Control"], url
        # nor kept on the disk of a shared office computer after logging out
        assert "no-store" in shown.headers["Cache-Control"], url
    # an unknown address's page shows the user's name too (CKAN's catch-all
    # static route)
    unknown = browser.get("/tidak-ada-halaman-ini", status=404)
    assert "no-store" in unknown.headers["Cache-Control"]
    assert "public" not in unknown.headers["Cache-Control"]

