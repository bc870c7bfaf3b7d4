# -*- coding: utf-8 -*-
"""The security headers of every answer (views/headers.py)."""
from __future__ import annotations

import pytest

from ckan.tests import factories


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_pages_cannot_be_framed_by_another_site_but_an_embedded_view_can(app):
    for url in ("/", "/dataset/", "/api/3/action/status_show", "/user/login"):
        headers = app.get(url).headers
        assert headers["X-Frame-Options"] == "SAMEORIGIN", url
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url

    dataset = factories.Dataset(owner_org=factories.Organization()["id"])
    resource = factories.Resource(package_id=dataset["id"], url="https://example.org/a.csv")
    view = factories.ResourceView(resource_id=resource["id"], view_type="datatables_view")
    embedded = app.get(f"/dataset/{dataset['id']}/resource/{resource['id']}/view/{view['id']}")
    assert embedded.status_code == 200
    assert "X-Frame-Options" not in embedded.headers
    assert embedded.headers["X-Content-Type-Options"] == "nosniff"
