# -*- coding: utf-8 -*-
"""The guard in front of every page and API call (views/guard.py): text
PostgreSQL cannot store is refused before any view runs, in Indonesian; an
API client gets JSON in the shape of CKAN's own API errors, a page reader a
page."""
from __future__ import annotations

import json

import pytest

import ckan.model as model
from ckan.tests import factories

from ..factories import csrf_token, login
from ...model import PublicRequest

NUL_MESSAGE = "Karakter kontrol (seperti NUL) tidak diperbolehkan"


def test_an_api_argument_with_a_nul_is_a_validation_error_of_that_field(app):
    response = app.get("/api/3/action/package_show?id=ab%00cd", status=409)
    assert response.content_type.startswith("application/json")
    assert json.loads(response.body) == {
        "success": False,
        "error": {"__type": "Validation Error", "id": [NUL_MESSAGE]},
        "help": "http://test.ckan.net/api/3/action/help_show?name=package_show"}


def test_an_api_field_posted_as_a_form_is_refused_the_same_way(app):
    response = app.post("/api/3/action/package_search", data={"q": "a\x0bb"}, status=409)
    assert json.loads(response.body)["error"] == {
        "__type": "Validation Error", "q": [NUL_MESSAGE]}


def test_an_api_address_with_a_nul_is_a_bad_request(app):
    response = app.get("/api/3/action/package_show%00", status=400)
    error = json.loads(response.body)["error"]
    assert error["__type"] == "Bad request"
    assert error["message"].endswith(NUL_MESSAGE)


def test_a_form_gets_a_page_and_nothing_is_stored(app, region):
    citizen = login(app, "warga")
    form = citizen.get("/permohonan-data/baru")
    before = model.Session.query(PublicRequest).count()
    refused = citizen.post("/permohonan-data/baru", data={
        "_csrf_token": csrf_token(form.body), "title": "Jumlah UMKM\x00",
        "description": "Per desa", "phone": "0813 1111 2222"})
    assert refused.status_code == 400
    assert "<html" in refused.body and NUL_MESSAGE in refused.body
    assert model.Session.query(PublicRequest).count() == before


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_json_body_with_a_nul_is_refused_and_nothing_is_created(app):
    """CKAN's own ``package_create`` answered a NUL in a JSON body with a 500."""
    user = factories.UserWithToken()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "editor"}])
    headers = {"Authorization": user["token"]}
    body = {"name": "jumlah-puskesmas", "title": "Jumlah\x00Puskesmas", "owner_org": org["id"]}

    refused = app.post("/api/3/action/package_create", json=body, headers=headers, status=409)
    assert json.loads(refused.body)["error"] == {
        "__type": "Validation Error", "title": [NUL_MESSAGE]}
    nested = dict(body, title="Jumlah Puskesmas",
                  resources=[{"url": "https://data.example.org/a.csv", "name": "a\x00"}])
    refused = app.post("/api/3/action/package_create", json=nested, headers=headers, status=409)
    assert json.loads(refused.body)["error"] == {
        "__type": "Validation Error", "resources": [NUL_MESSAGE]}
    assert model.Session.query(model.Package).filter_by(name="jumlah-puskesmas").count() == 0

    created = app.post("/api/3/action/package_create", json=dict(body, title="Jumlah Puskesmas"),
                       headers=headers)
    assert json.loads(created.body)["result"]["title"] == "Jumlah Puskesmas"
