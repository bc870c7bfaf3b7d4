# -*- coding: utf-8 -*-
"""The guard in front of every page and API call (views/guard.py): text
PostgreSQL cannot store is refused before any view runs, in Indonesian; an
API client gets JSON in the shape of CKAN's own API errors, a page reader a
page."""
from __future__ import annotations

import html
import io
import json
import re

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ..factories import add_csv, csrf_token, form_fields, login, publish, to_ready
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


@pytest.mark.parametrize("control", ["\x7f", "\x9b", "\x80"])
def test_del_and_the_c1_controls_are_refused_too(app, control):
    """DEL and the C1 controls (U+009B, the terminal's CSI) were stored in
    titles where ESC and NUL were refused; NEL (U+0085) stays a line break."""
    response = app.post("/api/3/action/package_search", data={"q": f"a{control}b"},
                        status=409)
    assert json.loads(response.body)["error"]["q"] == [NUL_MESSAGE]
    assert app.post("/api/3/action/package_search", data={"q": "a\x85b"}).status_code == 200


def test_an_api_address_with_a_nul_is_a_bad_request(app):
    response = app.get("/api/3/action/package_show%00", status=400)
    error = json.loads(response.body)["error"]
    assert error["__type"] == "Bad request"
    assert error["message"].endswith(NUL_MESSAGE)


def test_a_control_turning_the_texts_direction_is_refused_or_dropped(app, region):
    """U+202E (right-to-left override) was stored in a citizen's request
    title and shown reversed on the public list and in e-mail subjects:
    text made to look like something else. The API refuses it; a form
    drops it, as the other invisible controls."""
    response = app.post("/api/3/action/package_search", data={"q": "abc\u202edef"},
                        status=409)
    assert json.loads(response.body)["error"]["q"] == [
        "Karakter yang mengubah arah teks tidak diperbolehkan"]
    citizen = login(app, "warga")
    form = citizen.get("/permohonan-data/baru")
    sent = citizen.post("/permohonan-data/baru", data={
        "_csrf_token": csrf_token(form.body), "title": "Data \u202eFDP.exe\u2066 UMKM",
        "description": "Per desa", "phone": "0813 1111 2222"}, follow_redirects=True)
    assert sent.status_code == 200
    assert model.Session.query(PublicRequest).one().title == "Data FDP.exe UMKM"


PASTED_NOTICE = "Karakter kontrol yang tidak terlihat"


def test_text_pasted_from_a_word_processor_is_kept_with_its_line_breaks(app, region):
    """Word pastes its line breaks as vertical tabs: the form was refused
    with a bare 400 page and everything typed in it was lost."""
    citizen = login(app, "warga")
    form = citizen.get("/permohonan-data/baru")
    sent = citizen.post("/permohonan-data/baru", data={
        "_csrf_token": csrf_token(form.body), "title": "Jumlah UMKM\x00",
        "description": "Per desa\x0bper tahun\x0c2020\x01-2025", "phone": "0813 1111 2222"},
        follow_redirects=True)
    assert sent.status_code == 200
    assert PASTED_NOTICE in sent.body
    stored = model.Session.query(PublicRequest).one()
    assert (stored.title, stored.description) == ("Jumlah UMKM", "Per desa\nper tahun\n2020-2025")
    # a search typed with one: the page answers, for the text with a line break
    found = citizen.get("/dataset/?q=Puskesmas\x0bKecamatan")
    assert found.status_code == 200 and PASTED_NOTICE in found.body
    assert 'value="Puskesmas\nKecamatan"' in found.body


def test_a_form_field_name_or_address_no_one_typed_gets_a_400_page(app, region):
    citizen = login(app, "warga")
    form = citizen.get("/permohonan-data/baru")
    refused = citizen.post("/permohonan-data/baru", data={
        "_csrf_token": csrf_token(form.body), "title\x00": "Jumlah UMKM",
        "description": "Per desa", "phone": "0813 1111 2222"})
    assert refused.status_code == 400
    assert "<html" in refused.body and NUL_MESSAGE in refused.body
    assert model.Session.query(PublicRequest).count() == 0
    assert citizen.get("/permohonan-data/ab%00cd").status_code == 400


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


def test_a_number_json_cannot_hold_is_refused_not_stored_as_text(app, region):
    """``sk_number: 1e309`` (or NaN) was stored as the text "inf" ("nan")."""
    token = factories.APIToken(user=region.users["walidata_admin"]["name"])["token"]
    for number in ("1e309", "-1e309", "NaN"):
        body = ('{"title": "Jumlah Bidan", "owner_org": "dinas-kesehatan", "year": 2027, '
                f'"sk_number": {number}}}')
        refused = app.post("/api/3/action/satudata_daftar_data_create", data=body,
                           headers={"Authorization": token,
                                    "Content-Type": "application/json"})
        assert refused.status_code in (400, 409), refused.body  # (CKAN's parser or ours)
        if refused.status_code == 409:
            assert refused.json["error"]["sk_number"] == ["Harus berupa bilangan terhingga"]
    assert region.call("walidata_admin", "satudata_daftar_data_list",
                       year=2027)["count"] == 0


def test_a_json_body_nested_beyond_the_parser_is_a_bad_request(app):
    """About 990 levels of ``[``: Python's JSON parser raises a
    RecursionError (not a ValueError) and every API action answered 500."""
    for depth, status in ((25, 409), (2000, 400)):
        body = '{"id": ' + "[" * depth + "]" * depth + "}"
        refused = app.post("/api/3/action/status_show", data=body,
                           content_type="application/json", status=status)
        error = json.loads(refused.body)["error"]
        assert "terlalu dalam" in str(error), (depth, error)


def _api_error(app, url, status=409):
    response = app.get(url, status=status)
    body = json.loads(response.body)
    assert body["success"] is False
    return body["error"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_api_arguments_ckan_and_dcat_read_unchecked_are_validation_errors(app):
    """Each of these answered a 500 when the running portal was probed."""
    assert _api_error(app, "/api/3/action/package_search?include_private=maybe") == {
        "__type": "Validation Error", "include_private": ["Harus bernilai true atau false"]}
    assert _api_error(app, "/api/3/action/package_list?offset=99999999999999999999") == {
        "__type": "Validation Error", "offset": ["Angkanya terlalu besar"]}
    assert _api_error(app, "/api/3/action/organization_autocomplete") == {
        "__type": "Validation Error", "q": ["Belum diisi"]}
    assert _api_error(app, "/api/3/action/dcat_catalog_search?profiles=bogus") == {
        "__type": "Validation Error", "profiles": ["Profil RDF tidak dikenal: bogus"]}
    assert "format" in _api_error(app, "/api/3/action/dcat_catalog_search?format=bogus")
    # what CKAN takes still works; a profile named as the catalogue pages name it too
    # (dcat read the string letter by letter)
    assert json.loads(app.get("/api/3/action/package_search?include_private=true").body)["success"]
    catalog = json.loads(app.get(
        "/api/3/action/dcat_catalog_search?profiles=euro_dcat_ap_2&format=ttl").body)
    assert "dcat:Catalog" in catalog["result"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_pages_with_a_number_or_a_search_ckan_cannot_use_answer_400(app):
    """Each of these answered a 500 when the running portal was probed."""
    for url, message in [
            ("/organization/?page=99999999999999999999", "Angkanya terlalu besar"),
            ("/user/?limit=abc", "Harus berupa bilangan asli"),
            ("/catalog.ttl?q=title:(", "Pencarian tidak dapat dijalankan"),
            # CKAN's English '"page" parameter must be a positive integer'
            ("/dataset/?page=", "dimulai dari 1"), ("/dataset/?page=0", "dimulai dari 1"),
            ("/organization/?page=00", "dimulai dari 1"),
            # a file name with a line break went into a header
            ("/dataset/x/resource/y/download/a%0aB.csv", "jeda baris"),
            ("/en/dataset/x/resource/y/download/a%0dB.csv", "line break"),
            ("/dataset/x/resource/y/download/a%7Fb.csv", "karakter kendali"),
            # sorted by the hidden e-mail column, the list gave the addresses away
            ("/user/?order_by=email", "Harus salah satu dari: name, display_name"),
            # a filter name Solr cannot read: an error logged, a generic page
            ("/dataset/?owner_org[]=x", "owner_org[]"), ("/dataset/?a:b=x", "a:b"),
            ("/dataset/?tags=x&res_format=CSV&ext_bbox=", None)]:
        if message is None:  # what CKAN reads still works
            app.get(url, status=200)
            continue
        page = app.get(url, status=400)
        assert "<html" in page.body and message in page.body, url
    # Solr's functions in a query or a sort: refused on the dataset page,
    # answered 500 on an OPD's and a group's
    org, group = factories.Organization(), factories.Group()
    for page in ("/dataset/", f"/organization/{org['name']}", f"/group/{group['name']}"):
        for args in ('?q=_val_:"x(1)"', "?sort=score desc,{!func}x asc"):
            answer = app.get(page + args, status=400)
            assert "tidak dapat dijalankan" in answer.body or "nama kolom" in answer.body, \
                (page, args)
        app.get(page + "?q=penduduk&sort=title_string asc", status=200)


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("action,field,value,message", [
    ("package_create", "owner_org", 5, "Harus berupa teks"),
    ("package_create", "id", ["a"], "Harus berupa teks"),
    ("package_create", "private", 5, "Harus bernilai true atau false"),
    ("package_patch", "resources", None, "Harus berupa daftar objek"),
    ("package_patch", "resources", 5, "Harus berupa daftar objek"),
    ("resource_create", "size", 10**19, "Angkanya terlalu besar"),
    ("organization_member_create", "username", [1], "Harus berupa teks"),
    ("user_create", "password", "x" * 5000, "Paling banyak 4096 karakter"),
    ("package_search", "fq_list", None, "Harus berupa daftar teks"),
    ("package_search", "rows", {}, "Harus berupa bilangan bulat"),
    ("datastore_search_sql", "sql", None, "Harus berupa teks"),
    ("package_relationship_create", "object", 5, "Harus berupa teks"),
    ("package_relationship_create", "type", "mirip_dengan", "Harus salah satu dari: "
     + ", ".join(model.PackageRelationship.get_all_types())),
    ("package_relationships_list", "rel", "mirip_dengan", "Harus salah satu dari: "
     + ", ".join(model.PackageRelationship.get_all_types())),
    ("datastore_upsert", "force", "mungkin", "Harus bernilai true atau false"),
    ("resource_view_reorder", "order", [["a"]], "Harus berupa daftar teks"),
    ("datastore_upsert", "force", 1, "Harus bernilai true atau false"),
    ("package_activity_list", "before", 99999999999999999999, "Angkanya terlalu besar"),
    ("package_activity_list", "after", "kemarin", "Harus berupa angka"),
    ("user_show", "include_num_followers", "mungkin", "Harus bernilai true atau false"),
    ("resource_create_default_resource_views", "resource", "x", "Harus berupa objek"),
    ("resource_create_default_resource_views", "resource", {"name": "x"},
     "Harus berupa objek dengan id"),
    ("task_status_update_many", "data", "x", "Harus berupa daftar objek"),
    ("organization_list", "organizations", [1], "Harus berupa daftar teks"),
    ("package_activity_list", "include_hidden_activity", "mungkin",
     "Harus bernilai true atau false"),
    ("config_option_show", "key", ["ckan.site_title"], "Harus berupa teks"),
    ("user_list", "order_by", "email", "Harus salah satu dari: name, display_name, fullname, "
     "created, number_created_packages"),
    ("user_list", "order_by", "password", "Harus salah satu dari: name, display_name, "
     "fullname, created, number_created_packages"),
    ("user_list", "order_by", None, "Harus berupa teks"),
    # a sysadmin's (a producer's passed), the activity lists', xloader's
    ("package_create", "private", 0, "Harus bernilai true atau false"),
    ("package_activity_list", "include_hidden_activity", 0, "Harus bernilai true atau false"),
    ("xloader_submit", "ignore_hash", "mungkin", "Harus bernilai true atau false"),
    # read before the access check: 500 for anyone
    ("datastore_function_delete", "if_exists", {"a": 1}, "Harus bernilai true atau false"),
    ("resource_view_create", "filterable", 5, "Harus bernilai true atau false"),
    ("bulk_update_private", "datasets", 5, "Harus berupa daftar teks"),
    ("bulk_update_delete", "datasets", "abc", "Harus berupa daftar teks"),
    ("bulk_update_public", "org_id", ["a"], "Harus berupa teks"),
    ("package_show", "name_or_id", ["a", "b"], "Harus berupa teks"),
    ("package_autocomplete", "q", "x" * 1000, "Paling banyak 200 karakter"),
    ("tag_autocomplete", "query", "x" * 1000, "Paling banyak 200 karakter"),
    ("tag_list", "query", "x" * 1000, "Paling banyak 200 karakter"),
    ("task_status_show", "entity_id", ["a"], "Harus berupa teks"),
    ("task_status_show", "task_type", ["a"], "Harus berupa teks"),
    ("tag_search", "fields", ["a"], "Harus berupa objek"),
])
def test_an_api_argument_of_the_wrong_type_is_a_validation_error(app, action, field, value,
                                                                 message):
    """CKAN's actions use these arguments as text, booleans, numbers or
    lists without checking them: each answered a 500 when probed."""
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization()
    dataset = factories.Dataset(owner_org=org["id"])
    valid = {"package_create": {"name": "jumlah-bidan", "owner_org": org["id"]},
             "package_patch": {"id": dataset["id"]},
             "resource_create": {"package_id": dataset["id"], "url": "https://example.org/a.csv"},
             "organization_member_create": {"id": org["id"], "username": "x", "role": "member"},
             "user_create": {"name": "warga-baru", "email": "w@example.org"},
             "package_search": {}, "datastore_search_sql": {},
             "package_relationship_create": {"subject": dataset["id"], "object": dataset["id"],
                                             "type": "depends_on"},
             "package_relationships_list": {"id": dataset["id"]},
             "datastore_upsert": {"resource_id": "tidak-ada"},
             "resource_view_reorder": {"id": "tidak-ada"},
             "package_activity_list": {"id": dataset["id"]}, "user_show": {"id": "x"},
             "resource_create_default_resource_views": {}, "task_status_update_many": {},
             "organization_list": {}, "config_option_show": {}, "user_list": {},
             "xloader_submit": {"resource_id": "tidak-ada"},
             "bulk_update_private": {"org_id": org["id"]},
             "bulk_update_delete": {"org_id": org["id"]}, "bulk_update_public": {"datasets": []},
             "package_show": {}, "package_autocomplete": {},
             "task_status_show": {"entity_id": "a", "task_type": "xloader", "key": "xloader"},
             "tag_search": {}, "tag_autocomplete": {}, "tag_list": {},
             "datastore_function_delete": {"name": "x"},
             "resource_view_create": {"resource_id": "tidak-ada", "title": "x",
                                      "view_type": "datatables_view"}}[action]
    response = app.post(f"/api/3/action/{action}", json=dict(valid, **{field: value}),
                        headers={"Authorization": sysadmin["token"]}, status=409)
    assert json.loads(response.body)["error"] == {"__type": "Validation Error", field: [message]}
    assert model.Session.query(model.Package).count() == 1
    assert model.Session.query(model.Resource).count() == len(dataset["resources"])
    assert model.Session.query(model.User).filter_by(name="warga-baru").count() == 0


@pytest.mark.usefixtures("clean_db")
def test_an_api_argument_given_twice_is_a_validation_error(app):
    """CKAN reads an argument given twice as a list: ``id=a&id=b`` answered
    500 on about thirty actions, anonymously."""
    for action, name in (("package_show", "id"), ("user_show", "id"),
                         ("organization_show", "id"), ("datastore_search_sql", "sql"),
                         ("package_show", "name_or_id")):
        response = app.get(f"/api/3/action/{action}?{name}=a&{name}=b", status=409)
        assert response.json["error"] == {"__type": "Validation Error",
                                          name: ["Harus berupa teks"]}, action


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_an_argument_ckan_reads_without_checking_it_was_given_is_required(app):
    """CKAN's actions read these with ``data_dict[...]``: a call without one
    answered 500 (KeyError). And a list of names is what ``group_list``
    takes as its ``groups`` (not the list of objects of a dataset's)."""
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization()
    headers = {"Authorization": sysadmin["token"]}
    for action, data, field in [
            ("organization_member_create", {"username": sysadmin["name"], "role": "member"},
             "id"),
            ("datastore_run_triggers", {}, "resource_id"),
            ("package_create_default_resource_views", {}, "package"),
            ("organization_member_delete", {"username": sysadmin["name"]}, "id"),
            ("user_invite", {"email": "w@example.org", "role": "member"}, "group_id")]:
        response = app.post(f"/api/3/action/{action}", json=data, headers=headers, status=409)
        assert json.loads(response.body)["error"] == {"__type": "Validation Error",
                                                      field: ["Belum diisi"]}, action
    # an organization that does not exist is not found (CKAN asserted it: a 500)
    app.post("/api/3/action/organization_member_delete", json={
        "id": "tidak-ada", "username": sysadmin["name"]}, headers=headers, status=404)
    members = helpers.call_action("member_list", id=org["id"], object_type="user")
    assert sysadmin["id"] not in [user_id for user_id, _kind, _role in members]
    found = app.post("/api/3/action/organization_list", json={"organizations": [org["name"]]})
    assert json.loads(found.body)["result"] == [org["name"]]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_membership_of_no_known_kind_or_role_is_refused(app):
    """``member_create`` answered 500 to an ``object_type`` or a
    ``capacity`` of null, and stored any text as a user's role (shown on
    the organization's members page)."""
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization()
    user = factories.User()
    headers = {"Authorization": sysadmin["token"]}
    member = {"id": org["id"], "object": user["name"], "object_type": "user",
              "capacity": "member"}
    for change, field, message in (({"object_type": None}, "object_type", "Harus salah satu"),
                                   ({"object_type": "s26d-junk"}, "object_type",
                                    "Harus salah satu"),
                                   ({"capacity": None}, "capacity", "Belum diisi"),
                                   ({"capacity": ""}, "capacity", "Belum diisi"),
                                   ({"capacity": "<b>x</b>"}, "capacity", "Harus salah satu"),
                                   ({"capacity": "owner"}, "capacity", "Harus salah satu")):
        response = app.post("/api/3/action/member_create", json=dict(member, **change),
                            headers=headers, status=409)
        assert json.loads(response.body)["error"][field][0].startswith(message), change
    assert user["id"] not in [i for i, _kind, _role in helpers.call_action(
        "member_list", id=org["id"], object_type="user")]
    # a dataset's capacity is CKAN's too (any text was stored)
    dataset = factories.Dataset(owner_org=org["id"])
    response = app.post("/api/3/action/member_create", json={
        "id": org["id"], "object": dataset["id"], "object_type": "package",
        "capacity": "<b>x</b>"}, headers=headers, status=409)
    assert "capacity" in json.loads(response.body)["error"]
    app.post("/api/3/action/member_create", json=dict(member, capacity="editor"),
             headers=headers, status=200)
    assert (user["id"], "user", "Editor") in [tuple(m) for m in helpers.call_action(
        "member_list", id=org["id"], object_type="user")]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_collaborators_of_a_dataset_that_does_not_exist_are_a_404_not_a_500(app):
    """CKAN's collaborator auth functions assert the dataset exists: a
    producer naming one that does not got a 500 when probed."""
    producer = factories.UserWithToken()
    body = {"id": "tidak-ada", "user_id": producer["name"], "capacity": "member"}
    for action in ("package_collaborator_create", "package_collaborator_delete",
                   "package_collaborator_list"):
        refused = app.post(f"/api/3/action/{action}", json=body,
                           headers={"Authorization": producer["token"]}, status=404)
        assert json.loads(refused.body)["error"]["__type"] == "Not Found Error"
        assert app.post(f"/api/3/action/{action}", json=body).status_code in (403, 404)


def test_what_anonymous_callers_got_a_500_for_is_refused_or_answered(app, region):
    """Each answered 500 to a visitor: the collaborators of a dataset that
    exists (CKAN's auth asserts a user), an activity asked for without
    ``include_data``, CKAN's autocompletion with a negative limit."""
    pkg_id = region.requests[0]["package_id"]
    for action in ("package_collaborator_create", "package_collaborator_delete",
                   "package_collaborator_list"):
        refused = app.post(f"/api/3/action/{action}",
                           json={"id": pkg_id, "user_id": "warga", "capacity": "member"})
        # refused: a dataset the caller may not read is not found
        assert refused.status_code == 404, (action, refused.status_code)
    activity = helpers.call_action("package_activity_list", context={
        "user": region.users["sysadmin"]["name"]}, id=pkg_id)[0]
    for who in (None, "warga"):
        headers = ({"Authorization": factories.APIToken(user=who)["token"]} if who else {})
        shown = app.get("/api/3/action/activity_show", query_string={"id": activity["id"]},
                        headers=headers)
        # a private draft's activity: not found, as a made-up id
        assert shown.status_code == 404, shown.status_code
    for path in ("/api/2/util/dataset/autocomplete", "/api/2/util/tag/autocomplete",
                 "/api/2/util/resource/format_autocomplete"):
        refused = app.get(path, query_string={"incomplete": "a", "limit": "-1"})
        assert refused.status_code == 409 and "limit" in json.loads(refused.body)["error"], path


def test_activity_stream_pages_with_arguments_they_cannot_use_answer_400(app, region):
    """CKAN's activity pages read ``before``, ``after`` and the dashboard's
    ``type`` and ``name`` unchecked: each of these answered a 500 when the
    running portal was probed, to the public too."""
    request = region.requests[0]
    to_ready(region, request)
    publish(region, request)
    dataset = region.call("sysadmin", "package_show", id=request["package_id"])["name"]
    producer = login(app, "produsen-a")
    # the users' pages to logged-in users only (ckan.auth.public_user_details)
    streams = [(app, f"/dataset/activity/{dataset}"),
               (app, "/organization/activity/dinas-kesehatan"),
               (producer, "/user/activity/produsen-a")]
    assert app.get("/user/activity/produsen-a").status_code == 403
    # so the public streams name their actors without a link to that 403
    profile_link = re.compile(r'href="/user/(?!login|register|reset|_logout)[^"]+"')
    assert not profile_link.search(app.get(f"/dataset/activity/{dataset}").body)
    assert profile_link.search(producer.get(f"/dataset/activity/{dataset}").body)
    for client, stream in streams:
        assert client.get(stream).status_code == 200, stream
        for query in ("before=-1", "before=1000", "after=99999999999999999999"):
            page = client.get(f"{stream}?{query}")
            assert page.status_code == 400, (stream, query)
            assert "Aliran aktivitas tidak dapat ditampilkan" in page.body, (stream, query)
    assert producer.get("/dashboard/").status_code == 200
    for query in ("type=dataset", "type=bogus", "before=abc", "after=99999999999999999999"):
        page = producer.get(f"/dashboard/?{query}")
        assert page.status_code == 400, query
        assert "Aliran aktivitas tidak dapat ditampilkan" in page.body, query


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_facet_limits_an_empty_limit_and_a_huge_modified_since_answer_400(app):
    """Each answered a 500 when the running portal was probed: an
    organization's page reads each ``_<facet>_limit`` with ``int()``, the
    users' list an empty ``limit``, and ckanext-dcat's catalogue let a
    ``modified_since`` overflow."""
    factories.Organization(name="dinas-uji")
    for url, message in [
            ("/organization/dinas-uji?_tags_limit=abc", "Harus berupa bilangan asli"),
            ("/organization/dinas-uji?_res_format_limit=", "Harus berupa bilangan asli"),
            ("/organization/dinas-uji?_organization_limit=%5B", "Harus berupa bilangan asli"),
            ("/user/?limit=", "Harus berupa bilangan asli"),
            ("/user/?limit=0", "Paling sedikit 1"),            # a division by zero
            ("/catalog.ttl?modified_since=99999999999999999999", "format ISO-8601")]:
        page = app.get(url)
        assert page.status_code in (400, 409), (url, page.status_code)
        assert message in page.body, url
    assert app.get("/organization/dinas-uji?_tags_limit=0").status_code == 200
    assert app.get("/catalog.ttl?modified_since=2026-01-01").status_code == 200
    # a time with its zone, as ISO-8601 allows (dcat wrote "+00:00Z": Solr refused it)
    for since in ("2026-01-01T00:00:00Z", "2026-01-01T07:00:00%2B07:00"):
        assert app.get(f"/catalog.ttl?modified_since={since}").status_code == 200, since
    # a feed's search of Solr's local parameters (a 500 to anyone)
    for url in ("/feeds/custom.atom?q=%7B!lucene%7Dx", "/feeds/dataset.atom?q=%7B!lucene%7Dx"):
        refused = app.get(url)
        assert refused.status_code in (200, 400), (url, refused.status_code)
    assert app.get("/feeds/custom.atom?q=%7B!lucene%7Dx").status_code == 400
    # its "+" not encoded, as harvesters' scripts write it, came as a space:
    # the time was read as 07:00 (another window), not as 04:19 at +07:00
    from ckanext.satudata.logic.action.chained import rdf_arguments
    assert app.get("/catalog.ttl?modified_since=2026-12-07T04:19:00+07:00").status_code == 200
    assert rdf_arguments({"modified_since": "2026-12-07T04:19:00 07:00"})[
        "modified_since"] == "2026-12-06T21:19:00"
    error = _api_error(app, "/api/3/action/dcat_catalog_show?page=0")
    assert error["page"] == ["Nomor halaman dimulai dari 1"]
    # the catalogue's refusals are a sentence, not the error's dictionary
    for url, message in [("/catalog.ttl?modified_since=kemarin", "format ISO-8601"),
                         ("/catalog.jsonld?profiles=bogus", "bogus"),
                         ("/catalog.ttl?page=0", "dimulai dari 1"),
                         ("/catalog.ttl?modified_since=2026-01-01T00:00:00%2B25:00",
                          "format ISO-8601"),
                         ("/en/catalog.ttl?modified_since=kemarin", "ISO-8601 format")]:
        page = app.get(url)
        assert page.status_code == 400 and message in page.body, (url, page.status_code)
        assert "{'" not in page.body and "None -" not in page.body, url
    error = _api_error(app, "/api/3/action/dcat_catalog_search?modified_since=99999999999999999999")
    assert error["modified_since"][0].startswith("Gunakan tanggal")
    # an offset that moves the time past the year 9999 or before the year 1;
    # what is no ISO 8601 (read as another time: "UTC+7" as -07:00, 7/12 as 12 July)
    for since in ("9999-12-31T23:00:00-01:00", "0001-01-01T00:00:00%2B14:00",
                  "2026-12-07T10:00:00%20UTC%2B7", "7/12/2026", "2026-12-07T10:00%20WIB"):
        page = app.get(f"/catalog.jsonld?modified_since={since}")
        assert page.status_code == 400 and "format ISO-8601" in page.body, since
        error = _api_error(app, f"/api/3/action/dcat_catalog_show?modified_since={since}")
        assert error["modified_since"][0].startswith("Gunakan tanggal"), since


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_digit_that_is_no_number_is_refused_not_a_500(app):
    """"²" is a digit to Python's ``isdigit`` and no number to ``int``: a
    page number, a limit or a year of it answered 500 on every page and
    action, anonymously."""
    for url in ("/?page=%C2%B2", "/dataset/?page=%C2%B2", "/organization/?page=%C2%B2",
                "/catalog.ttl?page=%C2%B2", "/user/?limit=%C2%B2",
                "/organization/?_tags_limit=%C2%B2"):
        page = app.get(url)
        assert page.status_code == 400 and "<html" in page.body, (url, page.status_code)
    for url in ("/api/3/action/package_search?rows=%C2%B2",
                "/api/3/action/organization_list?limit=%C2%B2",
                "/api/3/action/dcat_catalog_show?page=%C2%B2"):
        assert _api_error(app, url), url
    assert json.loads(app.post("/api/3/action/package_list", json={"limit": "\u00b2"},
                               status=409).body)["error"]["limit"]
    admin = factories.Sysadmin()
    page = app.get("/permintaan-data/daftar-data/new?year=%C2%B2%C2%B2%C2%B2%C2%B2",
                   headers={"Authorization": factories.APIToken(user=admin["name"])["token"]})
    assert page.status_code == 200 and "²²²²" not in page.body


def test_a_dataset_or_resource_form_posted_without_its_button_answers_400(app, region):
    """CKAN's dataset and resource forms delete their ``save`` button's
    field unchecked: a script that posted a form without it got a 500."""
    def shown() -> dict:
        return helpers.call_action("package_show", id=region.request_of(region.opd_a)["package_id"])

    dataset = shown()
    name, resources = dataset["name"], dataset["resources"]
    producer = login(app, "produsen-a")
    token = csrf_token(producer.get(f"/dataset/{name}/resource/new").body)
    cases = [
        (f"/dataset/{name}/resource/new",
         {"id": "", "name": "Tabel", "url": "https://data.example.org/t.csv"}),
        (f"/dataset/{name}/resource/new",
         {"save": "again", "name": "Tabel", "url": "https://data.example.org/t.csv"}),
        (f"/dataset/edit/{name}", {"_ckan_phase": "dataset_new_1", "title": "Baru"}),
    ]
    if resources:
        cases.append((f"/dataset/{name}/resource/{resources[0]['id']}/edit",
                      {"id": resources[0]["id"], "name": "Tabel baru"}))
    for path, data in cases:
        refused = producer.post(path, data=dict(data, _csrf_token=token))
        assert refused.status_code == 400, (path, refused.status_code)
        assert "Formulir tidak lengkap: kirim lagi dari halamannya." in refused.body
    assert shown() == dataset
    # the same form with its button is saved
    saved = producer.post(f"/dataset/{name}/resource/new", data={
        "_csrf_token": token, "id": "", "save": "again", "name": "Tabel",
        "url": "https://data.example.org/t.csv"}, follow_redirects=False)
    assert saved.status_code == 302
    assert len(shown()["resources"]) == len(resources) + 1


def test_a_table_form_with_a_field_it_does_not_offer_or_a_link_nobody_can_open_is_refused(
        app, region):
    """A resource form posted with ``__junk`` answered 500 (CKAN reads the
    name as a nested field); a link whose host mixes scripts or holds spaces
    was saved, and its download answered 500 to everyone."""
    pkg = helpers.call_action("package_show",
                              id=region.request_of(region.opd_a)["package_id"])
    producer = login(app, "produsen-a")
    new = f"/dataset/{pkg['name']}/resource/new"
    token = csrf_token(producer.get(new).body)
    form = {"_csrf_token": token, "id": "", "save": "again", "name": "Tabel"}
    refused = producer.post(new, data=dict(form, url="https://data.example.org/t.csv",
                                           __junk="x"))
    assert refused.status_code == 400 and "__junk" in refused.body
    for url in ("http://ud مرحبا/x.csv", "http://ud 😀 مرحبا",
                "https://example.org:99999/t.csv", "http://exa mple.com/data.csv",
                "http:///x.csv", "http://example.com:0/x", "http://-bad-.com/x"):
        page = producer.post(new, data=dict(form, url=url))
        assert page.status_code == 200, url  # the form again, with the reason
        assert "Alamat web ini tidak dapat dibuka" in page.body, url
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("resource_create", package_id=pkg["id"], url=url)
        assert "url" in err.value.error_dict
    assert helpers.call_action("package_show", id=pkg["id"])["resources"] == pkg["resources"]


def test_forms_with_nested_fields_no_page_offers_answer_400_and_keep_the_tables(app, region):
    """``x__1`` alone (a list with a gap), ``name__``, a dataset form with a
    table's fields (it replaced every table of the dataset, unchecked), a
    second file field or a file sent twice: 500s, one data loss."""
    request = region.request_of(region.opd_a)
    add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2024,10\n")
    pkg = helpers.call_action("package_show", id=request["package_id"])
    producer = login(app, "produsen-a")
    edit = f"/dataset/edit/{pkg['name']}"
    token = csrf_token(producer.get(edit).body)
    form = {"_csrf_token": token, "_ckan_phase": "dataset_new_1", "save": "", "name": pkg["name"],
            "title": pkg["title"], "owner_org": pkg["owner_org"]}
    for extra in ({"x__1": "1"}, {"x__0__y__1": "1"}, {"name__": "1"},
                  {"x__99999999999999999999": "1"},
                  {"resources__0__url": "http://example.org/x.csv",
                   "resources__0__name": "disusupkan"}):
        refused = producer.post(edit, data=dict(form, **extra))
        assert refused.status_code == 400, (extra, refused.status_code)
        assert "tidak ditawarkan halamannya" in refused.body, extra
    assert helpers.call_action("package_show", id=pkg["id"])["resources"] == pkg["resources"]
    for page in ("/user/edit/produsen-a", "/user/produsen-a/api-tokens"):
        refused = producer.post(page, data={"_csrf_token": token, "x__1": "1"})
        assert refused.status_code == 400, page
    new = f"/dataset/{pkg['name']}/resource/new"
    table = {"_csrf_token": token, "id": "", "save": "again", "name": "Tabel", "url": ""}
    for files, words in (({"upload": (io.BytesIO(b"a,b\n1,2\n"), "a.csv"),
                           "upload2": (io.BytesIO(b"a,b\n1,2\n"), "b.csv")},
                          "tidak ditawarkan halamannya"),
                         ({"upload": [(io.BytesIO(b"a,b\n1,2\n"), "a.csv"),
                                      (io.BytesIO(b"a,b\n1,2\n"), "b.csv")]},
                          "lebih dari sekali")):
        refused = producer.post(new, data=dict(table, **files),
                                content_type="multipart/form-data")
        assert refused.status_code == 400 and words in refused.body, words
    assert helpers.call_action("package_show", id=pkg["id"])["resources"] == pkg["resources"]


def test_the_sysadmins_form_with_a_status_that_is_not_yes_or_no_answers_400(app, region):
    """CKAN reads the sysadmins' form's ``status`` with ``asbool()``: any
    other text answered 500."""
    admin = login(app, "sysadmin-uji")
    token = csrf_token(admin.get("/ckan-admin/").body)
    refused = admin.post("/user/sysadmin", data={
        "_csrf_token": token, "username": "warga", "status": "x" * 500})
    assert refused.status_code == 400
    assert '"' + "x" * 59 + '…" bukan ya atau tidak' in html.unescape(refused.body)
    assert not model.User.by_name("warga").sysadmin
    promoted = admin.post("/user/sysadmin", data={
        "_csrf_token": token, "username": "warga", "status": "true"}, follow_redirects=False)
    assert promoted.status_code == 302
    model.Session.expire_all()
    assert model.User.by_name("warga").sysadmin


def test_a_catalogue_format_or_a_sort_nobody_offers_is_told_in_the_readers_language(app):
    """``/catalog.foo`` answered 409 with dcat's error dictionary as its
    text ("None - {'format': [...]}"), ``/dataset/?sort=abc`` 400 with
    CKAN's English "Invalid "sort" parameter"."""
    for path in ("/catalog.foo", "/en/catalog.foo", "/dataset/tidak-ada.abc"):
        page = app.get(path)
        assert page.status_code == 404, path
        assert "{'format'" not in page.body and "None -" not in page.body
        assert ("gunakan salah satu dari" in page.body) != path.startswith("/en/"), path
    assert app.get("/catalog.ttl").status_code == 200
    for path in ("/dataset/?sort=abc", "/organization/?sort=title+sideways",
                 "/dataset/?sort=title_string+asc,name"):
        page = app.get(path)
        assert page.status_code == 400, path
        assert "Invalid" not in page.body and "tidak dapat diurutkan" in page.body, path
    assert app.get("/dataset/?sort=title_string+asc,name+desc").status_code == 200


def test_an_unknown_action_or_view_type_is_told_in_the_readers_language(app, region):
    """CKAN answered "Action name not known: …" and "No plugin found for
    view_type …" in English (the second as a bare text, not a list)."""
    response = app.get("/api/3/action/dataset_follow", status=400)
    error = json.loads(response.body)["error"]
    assert error["__type"] == "Bad request"
    assert "Tidak ada aksi bernama dataset_follow" in error["message"]
    assert "not known" not in error["message"]
    # an action that changes data, asked by GET: CKAN's answer was a bare
    # string, half in English ("… Please use POST method for your request")
    response = app.get("/api/3/action/satudata_request_verify?id=x", status=400)
    error = json.loads(response.body)["error"]
    assert "satudata_request_verify" in error["message"] and "POST" in error["message"]
    assert "Please use" not in error["message"] and "mengubah data" in error["message"]
    assert app.get("/api/3/action/package_search?q=x").status_code == 200  # a read is a GET
    # every read action of the portal answers a GET (satudata_request_show once
    # lost its side_effect_free to a helper written above it)
    from ckanext.satudata.logic import action as actions

    reads = [name for name in actions.__all__ if name.startswith("satudata_")
             and name.rsplit("_", 1)[-1] in ("show", "list", "status", "check", "calendar")]
    assert "satudata_request_show" in reads
    assert [name for name in reads
            if not getattr(tk.get_action(name), "side_effect_free", False)] == []
    table = region.call("producer", "resource_create",
                        package_id=region.request_of(region.opd_a)["package_id"],
                        name="Tabel", url="https://data.example.org/t.csv", format="CSV")
    token = helpers.call_action("api_token_create", context={"user": "produsen-a"},
                                user="produsen-a", name="uji")["token"]
    response = app.post("/api/3/action/resource_view_create", headers={"Authorization": token},
                        json={"resource_id": table["id"], "view_type": "text_view",
                              "title": "Teks"}, status=409)
    [message] = json.loads(response.body)["error"]["view_type"]
    assert message.startswith('"text_view" bukan tampilan yang tersedia') \
        and "datatables_view" in message


def test_a_form_sent_with_a_token_of_another_session_says_what_to_do(app, region):
    """Flask-WTF's English "The CSRF tokens do not match." was the whole
    page (a form opened before a logout and login in another tab)."""
    producer = login(app, "produsen-a")
    for token in ("bukan-token", ""):
        page = producer.post("/dataset/new", data={"_csrf_token": token, "title": "Data"})
        assert page.status_code == 400
        assert "CSRF" not in page.body and "salin yang sudah Anda ketik" in page.body


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_core_arguments_that_answered_500_are_validation_errors(app):
    """Each answered a 500 to anybody, anonymous callers included, when the
    running portal was fuzzed."""
    for url, field in (("/api/3/action/organization_list?sort=%20", "sort"),
                       ("/api/3/action/group_list?sort=title+sideways", "sort"),
                       ("/api/3/action/organization_autocomplete?q=a&limit=-1", "limit"),
                       ("/api/3/action/package_search?__junk=x", "__junk")):
        assert field in _api_error(app, url), url
    for action, body, field in (("organization_list", {"q": None}, "q"),
                                ("member_list", {"id": "x", "object_type": 5}, "object_type"),
                                ("tag_show", {"id": "x", "vocabulary_id": 1}, "vocabulary_id"),
                                ("package_search", {"__junk": "x"}, "__junk")):
        response = app.post(f"/api/3/action/{action}", json=body, status=409)
        assert field in json.loads(response.body)["error"], action
    assert json.loads(app.get("/api/3/action/organization_list?sort=title+desc").body)["success"]


def test_more_core_arguments_that_answered_500_are_validation_errors(app, region):
    """Found by fuzzing CKAN's own actions on the running portal: each
    answered 500 (a dataset's 100,000 tags held a web process until it was
    killed)."""
    producer = {"Authorization": factories.APIToken(
        user=region.users["producer"]["name"])["token"]}
    admin = {"Authorization": factories.APIToken(user=region.users["sysadmin"]["name"])["token"]}
    request = region.request_of(region.opd_a)
    resource = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2026,1\n")
    org = region.opd_a["name"]
    group = factories.Group()["name"]
    for action, body, headers, field in (
            ("package_show", {"id": request["package_id"], "include_plugin_data": "x"}, {},
             "include_plugin_data"),
            ("package_search", {"facet.mincount": ""}, {}, "facet.mincount"),
            ("tag_list", {"query": ["a"]}, admin, "query"),
            ("tag_autocomplete", {"query": True}, admin, "query"),
            ("resource_view_create", {"resource_id": resource["id"], "title": "v",
                                      "view_type": "datatables_view", "filter_fields": "x"},
             producer, "filter_fields"),
            ("resource_view_create", {"resource_id": resource["id"], "title": "v",
                                      "view_type": "datatables_view", "responsive": -1},
             producer, "responsive"),
            ("organization_patch", {"id": org, "is_organization": "x"}, admin,
             "is_organization"),
            # an OPD made a group, its datasets and producers with it
            ("organization_patch", {"id": org, "is_organization": False}, admin,
             "is_organization"),
            ("group_patch", {"id": group, "is_organization": "true"}, admin,
             "is_organization"),
            ("group_patch", {"id": group, "name": "<i>grup</i>"}, admin, "name"),
            ("group_patch", {"id": group, "name": "g" * 1_000_000}, admin, "name"),
            # titles and descriptions of a megabyte were stored, and widened
            # every page listing them
            ("group_patch", {"id": group, "title": "g" * 1_000_000}, admin, "title"),
            ("organization_patch", {"id": org, "title": "Dinas\nKesehatan"}, admin, "title"),
            ("organization_patch", {"id": org, "description": "d" * 1_000_000}, admin,
             "description"),
            ("organization_create", {"name": "opd-baru", "title": "o" * 201}, admin, "title"),
            ("group_create", {"name": "grup-baru", "description": "d" * 10_001}, admin,
             "description"),
            # an empty list was stored as the state: the page answered 500
            ("package_create", {"name": "data-keadaan", "title": "x", "owner_org": org,
                                "state": []}, producer, "state"),
            ("group_create", {"name": "grup-keadaan", "state": []}, admin, "state"),
            # a profile's e-mail setting as a number (500), a table's made-up
            # kind (its file unreachable), a member of no role
            ("user_patch", {"id": region.users["producer"]["name"],
                            "activity_streams_email_notifications": 1}, producer,
             "activity_streams_email_notifications"),
            ("resource_patch", {"id": resource["id"], "url_type": "bogus"}, producer,
             "url_type"),
            ("organization_patch", {"id": org, "users": [
                {"name": region.users["producer"]["name"], "capacity": "god"}]}, admin,
             "users"),
            # an empty or made-up one was stored too (search lost the dataset)
            ("package_create", {"name": "data-keadaan-2", "title": "x", "owner_org": org,
                                "state": ""}, producer, "state"),
            ("group_patch", {"id": group, "state": "zzz"}, admin, "state"),
            # past the guard: package_revise's update, a group's picture
            ("package_revise", {"match": {"id": request["package_id"]},
                                "update": {"state": []}}, producer, "state"),
            ("group_patch", {"id": group, "image_url": "javascript:alert(1)"}, admin,
             "image_url"),
            ("package_patch", {"id": request["package_id"],
                               "tag_string": ",".join(f"t{i}" for i in range(101))},
             producer, "tag_string"),
            ("package_patch", {"id": request["package_id"],
                               "tags": [{"name": f"t{i}"} for i in range(101)]},
             producer, "tags"),
            ("resource_patch", {"id": resource["id"], "format": "x" * 100_000}, producer,
             "format")):
        response = app.post(f"/api/3/action/{action}", json=body, headers=headers)
        assert response.status_code == 409, (action, response.status_code, response.body[:300])
        assert field in json.loads(response.body)["error"], (action, response.body[:300])
    assert region.call("sysadmin", "group_show", id=group)["name"] == group
    # the request list still takes a list of states
    for body in ({"state": ["requested", "returned"]}, {"state": "requested"}):
        assert app.post("/api/3/action/satudata_request_list", json=body,
                        headers=admin).status_code == 200
    # a list of objects and values, CKAN's English "Integrity Error"
    mixed = app.post("/api/3/action/satudata_round_list", json={"year": [{"a": 1}, "x"]},
                     headers=admin)
    assert mixed.status_code == 400
    assert "memuat objek dan nilai biasa" in json.loads(mixed.body)["error"]["message"]
    # and not a list of lists (500), nor of objects (every request was listed)
    for state in ([["requested"]], [{"a": 1}]):
        refused = app.post("/api/3/action/satudata_request_list", json={"state": state},
                           headers=admin)
        assert refused.status_code == 409 and "state" in json.loads(refused.body)["error"]
    assert region.call("sysadmin", "organization_show", id=org)["is_organization"]
    assert len(region.call("sysadmin", "organization_show", id=org)["description"]) < 10_000
    # a producer of the OPD is refused its edit, not told about the title
    response = app.post("/api/3/action/organization_patch", headers=producer,
                        json={"id": org, "title": "o" * 201})
    assert response.status_code == 403
    # the dataset form's tags posted twice are both kept
    client = login(app, "produsen-a")
    url = tk.url_for("dataset.edit", id=request["package_id"])
    form = form_fields(client.get(url).body)
    form.pop("tag_string", None)
    from werkzeug.datastructures import MultiDict

    posted = MultiDict([(k, v) for k, values in form.items()
                        for v in (values if isinstance(values, list) else [values])])
    posted.add("save", "")
    posted.add("tag_string", "kesehatan")
    posted.add("tag_string", "puskesmas")
    response = client.post(url, data=posted)
    assert response.status_code in (200, 302), response.status_code
    shown = {t["name"] for t in region.call("sysadmin", "package_show",
                                            id=request["package_id"])["tags"]}
    assert {"kesehatan", "puskesmas"} <= shown
    # its OPD posted twice reached the database as a list (500)
    form = form_fields(client.get(url).body)
    owner = form["owner_org"] if isinstance(form["owner_org"], str) else form["owner_org"][0]
    # and its state twice (CKAN's form, shown again, read it as a text: 500)
    for extra in ([("owner_org", owner)], [("state", "active"), ("state", "deleted")]):
        posted = MultiDict([(k, v) for k, values in form.items()
                            for v in (values if isinstance(values, list) else [values])]
                           + [("save", "")] + extra)
        response = client.post(url, data=posted)
        assert response.status_code == 400 and "lebih dari sekali" in response.body, extra
    # a state posted twice on the OPD's form was stored as "{active,x}" (the
    # OPD's pages answered 404, its datasets' pages 500)
    admin_client = login(app, region.users["sysadmin"]["name"])
    edit = tk.url_for("organization.edit", id=org)
    page = admin_client.get(edit).body
    response = admin_client.post(edit, data=MultiDict([
        ("_csrf_token", csrf_token(page)), ("title", region.opd_a["title"]), ("name", org),
        ("save", ""), ("state", "active"), ("state", "x")]))
    assert "Harus berupa teks" in response.body
    assert region.call("sysadmin", "organization_show", id=org)["state"] == "active"


def test_the_snippet_address_answers_no_500(app):
    """CKAN renders any template named under /api/util/snippet/: no such
    snippet, or one without its arguments, answered 500."""
    assert app.get("/api/util/snippet/tidak-ada.html").status_code == 404
    assert app.get("/api/util/snippet/package_item.html?name=x").status_code == 404
    assert app.get("/api/util/snippet/follow_button.html").status_code == 400
    # the snippet's own helpers refusing its arguments
    assert app.get("/api/util/snippet/api_info.html?resource_id=x").status_code == 400
    assert app.get("/api/util/snippet/follow_button.html?type=bogus&id=x").status_code == 400


def test_solr_functions_cannot_read_unpublished_datasets(app, region):
    """Solr's functions read the whole index past the visibility filter:
    ``fl=n:docfreq(text,'word')`` told anybody whether a word was in an
    unpublished dataset; ``wt=xml`` answered 500."""
    request = region.request_of(region.opd_a)
    region.call("producer", "package_patch", id=request["package_id"],
                notes="Angka rahasia zqxrahasia")
    search = "/api/3/action/package_search?q=*:*"
    for args, field in (("&fl=name,n:docfreq(text,'zqxrahasia')", "fl"),
                        ("&fl=docfreq(text,'zqxrahasia')", "fl"),
                        ("&sort=docfreq(text,'zqxrahasia') desc", "sort"),
                        ("&defType=edismax&qf=name&bf=docfreq(text,'zqxrahasia')", "bf"),
                        ("&boost=docfreq(text,'zqxrahasia')", "boost"),
                        ("&qf=name docfreq(text,'x')", "qf"),
                        # a parser of functions, a score, facets of no dataset
                        # (given twice, q is refused first: CKAN reads it as a list)
                        ("&defType=func&q=docfreq(text,'zqxrahasia')", "q"),
                        ("&fl=name,score", "fl"),
                        ('&facet.field=["title_string"]&facet.mincount=0&rows=0',
                         "facet.mincount")):
        assert field in _api_error(app, search + args), args
    assert "q" in _api_error(app, "/api/3/action/package_search?q=_val_:%22docfreq(text,"
                                  "'zqxrahasia')%22&fl=name,score")
    # a filter's function is the filter's error (it was reported under q)
    for fq in ("_val_:%22x(1)%22", "%7B!func%7Dx(1)"):  # and local parameters
        assert set(_api_error(app, f"/api/3/action/package_search?fq={fq}")) == {
            "__type", "fq"}, fq
    assert "defType" in _api_error(app, "/api/3/action/package_search?defType=func"
                                        "&q=docfreq(text,'zqxrahasia')")
    assert "wt" in _api_error(app, search + "&wt=xml")
    # a JSON number 0 too (falsy, it was taken for "not given")
    for zero in (0, 0.0):
        response = app.post("/api/3/action/package_search", json={
            "facet.field": ["title_string"], "facet.mincount": zero, "rows": 0}, status=409)
        assert "facet.mincount" in json.loads(response.body)["error"]
    # field names, plain sorts and weights as before
    for args in ("&fl=name,title", "&fl=name title", "&sort=metadata_modified desc, name asc",
                 "&qf=name^4 title", "&wt=json"):
        assert app.get(search + args).status_code == 200, args
    admin = {"Authorization": factories.APIToken(user=region.users["sysadmin"]["name"])[
        "token"]}
    assert app.get(search + "&fl=name,n:docfreq(text,'zqxrahasia')", headers=admin
                   ).status_code == 200


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_search_solr_refuses_keeps_solrs_query_to_itself(app):
    """CKAN's API answered with Solr's whole query (the portal's visibility
    filters, its site id) and Solr's Java error, in English; the DCAT
    catalogue's API too."""
    for url in ("/api/3/action/package_search?q=%3A",
                "/api/3/action/dcat_catalog_search?q=%3A",
                "/api/3/action/package_search?sort=1e9"):
        error = _api_error(app, url)
        text = json.dumps(error)
        assert "fq" not in text and "site_id" not in text and "Solr" not in text, url
        assert error["__type"] == "Validation Error" and "pencarian" in text.lower(), url
    # the page keeps its own answer
    assert app.get("/dataset/?q=%3A").status_code == 200


def test_an_api_body_that_cannot_be_read_is_told_in_the_readers_language(app):
    """CKAN answered in English with Python's spelling of what it found, and
    an HTML page for a body of another kind."""
    for data, content_type, expected in (
            ("{bad", "application/json", "bukan JSON yang sah"),
            ("[1, 2]", "application/json", "objek JSON"),
            ("null", "application/json", "bukan JSON yang sah"),
            ("<a/>", "application/xml", "Content-Type: application/json")):
        response = app.post("/api/3/action/package_search", data=data,
                            headers={"Content-Type": content_type}, status=400)
        error = json.loads(response.body)["error"]
        assert expected in error["message"], (data, error)
        assert "decoded" not in error["message"] and "BadRequest" not in error["message"]
    assert json.loads(app.post("/api/3/action/package_search", json={"rows": 1}).body)["success"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_api_errors_ckan_writes_in_english_are_in_the_readers_words(app):
    """"Missing id, can not get Resource object" (any caller), "Package was
    not found.", the DataStore's own "Missing value"."""
    for action, body in (("resource_patch", {"id": ""}), ("package_patch", {"id": ""}),
                         ("resource_patch", {"id": "", "name": "x"})):
        response = app.post(f"/api/3/action/{action}", json=body, status=409)
        assert json.loads(response.body)["error"] == {"__type": "Validation Error",
                                                      "id": ["Belum diisi"]}, body
    sysadmin = factories.SysadminWithToken()
    org = factories.Organization()
    for action, body in (("member_create", {"id": org["id"], "object": "tidak-ada",
                                            "object_type": "package", "capacity": "public"}),
                         ("resource_view_list", {"id": "tidak-ada"})):
        response = app.post(f"/api/3/action/{action}", json=body,
                            headers={"Authorization": sysadmin["token"]}, status=404)
        assert "was not found" not in json.loads(response.body)["error"]["message"], action
    response = app.post("/api/3/action/datastore_info", json={},
                        headers={"Authorization": sysadmin["token"]}, status=409)
    assert "Missing value" not in response.body
    # a sysadmin's: a group's type, a setting that is not shown
    response = app.post("/api/3/action/organization_patch",
                        json={"id": org["id"], "type": "group"},
                        headers={"Authorization": sysadmin["token"]}, status=409)
    assert response.json["error"]["message"] == \
        "Jenis organisasi atau grup tidak dapat diubah"
    response = app.post("/api/3/action/config_option_show", json={"key": "rahasia"},
                        headers={"Authorization": sysadmin["token"]}, status=409)
    assert response.json["error"]["message"] == "Pengaturan rahasia tidak dapat ditampilkan"


def test_api_form_fields_ckan_cannot_read_get_a_json_error(app):
    """A form of one empty field (``id=``) answered a bare string with
    Python's ``JSONDecodeError``; a multipart call of only a file an HTML
    page in English (415); a form field of a megabyte an HTML page (413)."""
    response = app.post("/api/3/action/package_show", data={"id": ""}, status=409)
    assert json.loads(response.body)["error"] == {"__type": "Validation Error",
                                                  "id": ["Belum diisi"]}
    response = app.post("/api/3/action/package_show", data={"id": "1"}, status=400)
    assert "Content-Type: application/json" in json.loads(response.body)["error"]["message"]
    response = app.post("/api/3/action/satudata_metadata_import",
                        data={"upload": (io.BytesIO(b"a,b\n"), "m.csv")},
                        content_type="multipart/form-data", status=400)
    assert "kolom formulir" in json.loads(response.body)["error"]["message"]
    response = app.post("/api/3/action/package_show", data={"id": "x" * 5_000_000}, status=413)
    assert json.loads(response.body)["success"] is False
    # bytes that are no UTF-8 were stored as U+FFFD
    response = app.post("/api/3/action/package_search", data=(
        b'--XX\r\nContent-Disposition: form-data; name="q"\r\n\r\n\xed\xa0\x80x\r\n'
        b'--XX\r\nContent-Disposition: form-data; name="rows"\r\n\r\n1\r\n--XX--\r\n'),
        content_type="multipart/form-data; boundary=XX", status=409)
    assert "q" in json.loads(response.body)["error"]
    # a text argument sent as a file part: 500 for anyone on package_show,
    # the file's name stored as the title by package_patch
    for action in ("package_show", "package_patch"):
        response = app.post(f"/api/3/action/{action}", data={
            "name": "x", "id": (io.BytesIO(b"some-id"), "f.txt")},
            content_type="multipart/form-data", status=409)
        assert json.loads(response.body)["error"]["id"] == ["Harus berupa teks, bukan berkas"]
    # the API's own files (a decree, a Berita Acara) stay files: past the
    # guard, to the action's own checks (an item needs a title)
    sysadmin = factories.SysadminWithToken()
    response = app.post("/api/3/action/satudata_daftar_data_create", data={
        "owner_org": "x", "year": "2026",
        "sk_upload": (io.BytesIO(b"%PDF-1.4 x"), "sk.pdf")},
        content_type="multipart/form-data", headers={"Authorization": sysadmin["token"]},
        status=409)
    assert "sk_upload" not in json.loads(response.body)["error"], response.body
    response = app.post("/api/3/action/resource_create", data={
        "package_id": "x", "upload": [(io.BytesIO(b"a\n1\n"), "a.csv"),
                                      (io.BytesIO(b"b\n2\n"), "b.csv")]},
        content_type="multipart/form-data", status=409)
    assert "lebih dari sekali" in json.loads(response.body)["error"]["upload"][0]
    # a JSON body without a Content-Type: an HTML page in English (415)
    response = app.post("/api/3/action/package_search", data=b'{"rows": 1}',
                        content_type="", status=400)
    assert "Content-Type: application/json" in json.loads(response.body)["error"]["message"]
    # a bare NaN, which JSON has not, was stored as the text "nan"
    for body in (b'{"q": NaN}', b'{"rows": -Infinity}'):
        response = app.post("/api/3/action/package_search", data=body,
                            content_type="application/json", status=400)
        assert "bukan JSON yang sah" in json.loads(response.body)["error"]["message"]
    assert json.loads(app.post("/api/3/action/package_search",
                               json={"q": "NaN Infinity"}).body)["success"]
    # a JSON object sent as a form's only field is read, as CKAN does
    assert json.loads(app.post("/api/3/action/package_search",
                               data={'{"rows": 1}': ""}).body)["success"]
    # a long text of a page form is refused by its field, the form kept
    # (Flask's 500 KB of form memory answered 413 before the form was read)
    assert app.post("/api/3/action/package_search", data={"q": "x" * 1_000_000,
                                                          "rows": "1"}).status_code != 413


def test_form_bytes_that_are_no_utf8_are_refused_not_stored_or_lost(app, region):
    """A url-encoded form is read by Werkzeug without a word about bytes
    that are no UTF-8: a Latin-1 client's "café" (``caf%E9``) was stored as
    the text "caf%E9" by the API and the Daftar Data form alike, and a raw
    byte emptied the whole form (the API told every field sent it was
    missing)."""
    headers = {"Authorization": factories.SysadminWithToken()["token"],
               "Content-Type": "application/x-www-form-urlencoded"}
    url = "/api/3/action/satudata_daftar_data_create"
    for body in (b"title=Jumlah+caf%E9&owner_org=dinas-kesehatan&year=2027",
                 b"owner_org=dinas-kesehatan&year=2027&title=Jumlah+caf\xe9"):
        response = app.post(url, data=body, headers=headers, status=409)
        assert json.loads(response.body)["error"]["title"] == ["Teks bukan Unicode yang sah"]
    # sent in chunks, of no stated length
    response = app.post(url, input_stream=io.BytesIO(
        b"title=Jumlah+caf%E9&owner_org=dinas-kesehatan&year=2027"),
        headers=dict(headers, **{"Transfer-Encoding": "chunked"}),
        environ_overrides={"wsgi.input_terminated": True}, status=409)
    assert json.loads(response.body)["error"]["title"] == ["Teks bukan Unicode yang sah"]
    # as UTF-8, the same form is read and stored
    response = app.post(url, data=b"title=Jumlah+caf%C3%A9&owner_org=dinas-kesehatan&year=2027",
                        headers=headers)
    assert json.loads(response.body)["result"]["title"] == "Jumlah café"
    # a JSON object sent as a form (``curl -d`` without its type): CKAN read
    # its escapes as a form's ("100%CAkupan" stored); told to send it as JSON
    response = app.post(url, data=b'{"title": "Cakupan 100%cakupan", "year": 2028, '
                                  b'"owner_org": "dinas-kesehatan"}', headers=headers, status=400)
    assert "Content-Type: application/json" in json.loads(response.body)["error"]["message"]
    # the page's form: told, nothing stored
    client = login(app, "admin-walidata")
    page = client.get("/permintaan-data/daftar-data/new")
    body = ("_csrf_token=" + csrf_token(page.body)
            + "&owner_org=dinas-kesehatan&year=2027&title=Rasio+caf%E9").encode()
    response = client.post("/permintaan-data/daftar-data/new", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "Teks bukan Unicode yang sah" in html.unescape(response.body)
    titles = [item["title"] for item in helpers.call_action(
        "satudata_daftar_data_list", {"user": "admin-walidata"},
        owner_org="dinas-kesehatan", year=2027)["results"]]
    assert "Jumlah café" in titles and not any("Rasio" in t for t in titles), titles


def test_core_forms_posted_with_a_field_twice_or_without_one_are_told_so(app, region):
    """Each answered 500 when the running portal's forms were fuzzed: a
    table's link or id sent twice, an organization's picture, a profile's
    e-mail, a member's role; the profile form without its e-mail or its
    password box, or with a password of a megabyte. A group's edit form
    took "<script>" as its address (its pages then answered 404)."""
    admin = login(app, region.users["sysadmin"]["name"])
    producer = login(app, "produsen-a")
    request = region.request_of(region.opd_a)
    org = region.opd_a["name"]
    group = factories.Group(name="grup-uji")["name"]
    person = region.users["producer"]["name"]
    for client, url, fields in (
            (producer, f"/dataset/{request['package_id']}/resource/new",
             [("id", ""), ("save", "again"), ("name", "T"), ("url", "https://a.example"),
              ("url", "https://b.example")]),
            (admin, f"/organization/edit/{org}",
             [("title", "Dinas"), ("name", org), ("image_url", "a"), ("image_url", "b"),
              ("save", "")]),
            (admin, f"/organization/member_new/{org}",
             [("username", person), ("role", "editor"), ("role", "admin")]),
            (admin, f"/user/edit/{person}",
             [("name", person), ("email", "a@example.org"), ("email", "b@example.org"),
              ("old_password", "x"), ("save", "")]),
            (admin, f"/user/edit/{person}", [("name", person), ("save", "")]),
            (admin, f"/user/edit/{person}",
             [("name", person), ("email", "a@example.org"), ("old_password", "x" * 5000),
              ("save", "")])):
        from werkzeug.datastructures import MultiDict

        page = client.get(url)
        data = MultiDict(fields)
        data.add("_csrf_token", csrf_token(page.body))
        response = client.post(url, data=data)
        assert response.status_code == 400, (url, fields, response.status_code)
    page = admin.get(f"/group/edit/{group}")
    response = admin.post(f"/group/edit/{group}", data={
        "_csrf_token": csrf_token(page.body), "title": "Grup", "name": "<script>x</script>",
        "save": ""})
    assert response.status_code == 400 and "Hanya boleh berisi huruf kecil" in response.body
    assert helpers.call_action("group_show", id=group)["name"] == group
    with pytest.raises(tk.ValidationError):  # nor by a call inside the portal
        helpers.call_action("group_patch", id=group, name="<b>grup</b>")


@pytest.mark.usefixtures("clean_db")
def test_a_form_whose_file_name_is_no_text_is_told_so(app):
    """A file name of bytes that are no text dropped the whole form: it was
    refused as opened before the last login or too long ago."""
    from ckan.tests import factories

    from ..factories import login

    client = login(app, factories.User(password="correct123")["name"])
    body = (b'--XXB\r\nContent-Disposition: form-data; name="title"\r\n\r\nMatriks'
            b'\r\n--XXB\r\nContent-Disposition: form-data; name="upload"; filename="a\xff.pdf"'
            b'\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n%%EOF\n\r\n--XXB--\r\n')
    answer = client.post("/permintaan-data/putaran/semester-1/dokumen", data=body,
                         headers={"Content-Type": "multipart/form-data; boundary=XXB"},
                         status=400)
    assert "nama berkas yang dipilih" in answer.body and "terlalu lama" not in answer.body
    # the table form alike (it said "the form is incomplete: send it again")
    answer = client.post("/dataset/data-apa-saja/resource/new", data=body,
                         headers={"Content-Type": "multipart/form-data; boundary=XXB"},
                         status=400)
    assert "nama berkas yang dipilih" in answer.body


@pytest.mark.usefixtures("clean_db")
def test_an_id_too_long_to_be_one_is_not_found_as_any_unknown_one(app):
    """An address's id past 100 characters answered "400 Bad Request — Not
    found", and on a request's page only to the administrators."""
    admin = factories.Sysadmin()
    auth = {"Authorization": factories.APIToken(user=admin["name"])["token"]}
    for length in (100, 101, 500):
        key = "a" * length
        for url, headers in ((f"/permohonan-data/{key}", {}),
                             (f"/permohonan-data/{key}", auth),
                             (f"/permintaan-data/{key}", auth),
                             (f"/permintaan-data/putaran/{key}", auth),
                             (f"/permintaan-data/daftar-data/{key}/edit", auth)):
            assert app.get(url, headers=headers).status_code == 404, (length, url)
