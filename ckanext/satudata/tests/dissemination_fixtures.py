# -*- coding: utf-8 -*-
"""Helpers of the dissemination tests: drive a request of C's workflow
fixtures (:mod:`.workflow_fixtures`) to the state a test needs, through the
real actions."""
from __future__ import annotations

import io
from typing import Any

from werkzeug.datastructures import FileStorage

from .workflow_fixtures import Region, build_region, complete_metadata  # noqa: F401

__all__ = ["Region", "build_region", "complete_metadata", "to_ready", "publish",
           "csv_upload", "add_csv", "request_state", "login", "csrf_token", "is_public"]


def to_ready(region: Region, request: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    """Fill in the dataset's metadata as its producer and take the request
    through submit, verify and every approval."""
    producer = "producer" if request["owner_org"] == region.opd_a["id"] else "producer_b"
    complete_metadata(request["package_id"], region.users[producer]["name"])
    if metadata:
        region.call(producer, "package_patch", id=request["package_id"], **metadata)
    region.call(producer, "satudata_request_submit", id=request["id"])
    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    return region.call("kadis", "satudata_request_approve", id=request["id"])


def publish(region: Region, request: dict[str, Any]) -> dict[str, Any]:
    return region.call("walidata_admin", "satudata_request_publish", id=request["id"])


def is_public(package_id: str) -> bool:
    """Whether the anonymous public can read the dataset."""
    import ckan.plugins.toolkit as tk
    from ckan.tests import helpers
    try:
        helpers.call_action("package_show", context={"user": "", "ignore_auth": False},
                            id=package_id)
        return True
    except tk.NotAuthorized:
        return False


def request_state(region: Region, request: dict[str, Any]) -> str:
    return region.call("sysadmin", "satudata_request_show", id=request["id"])["state"]


def csv_upload(text: str, file_name: str = "tabel.csv") -> FileStorage:
    return FileStorage(stream=io.BytesIO(text.encode("utf-8")), filename=file_name,
                       content_type="text/csv")


def add_csv(region: Region, who: str, package_id: str, text: str,
            name: str = "Tabel data") -> dict[str, Any]:
    return region.call(who, "resource_create", package_id=package_id, name=name,
                       format="CSV", upload=csv_upload(text), url="tabel.csv")


def login(app, name: str, password: str = "correct123"):
    """A browser-like client logged in through the login form (session
    cookie; each form post must carry its CSRF token)."""
    client = app.test_client()
    page = client.get("/user/login")
    response = client.post("/user/login", data={
        "login": name, "password": password, "_csrf_token": csrf_token(page.body)},
        follow_redirects=False)
    assert response.status_code == 302, response.body
    return client


def csrf_token(body: str) -> str:
    import re
    match = re.search(r'name="_csrf_token" value="([^"]+)"', body)
    assert match, "no CSRF token in the page"
    return match.group(1)
