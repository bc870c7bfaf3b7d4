# -*- coding: utf-8 -*-
"""Side doors to unpublished data.

* tags and resource formats of unpublished datasets are not listed to the
  public (tag/format actions and the legacy autocomplete routes);
* the resource history page and the activity diff do not show text from a
  published dataset's private era;
* a user who is an admin of some organization is no "producer" for the
  rounds, and cannot create an organization in the first place.
"""
from __future__ import annotations

import hashlib
from typing import Any

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ..factories import Region, add_csv, build_region, publish, to_ready

SECRET_TAG = "tagrahasia"
SECRET_FORMAT = "XRAHASIA"
PUBLIC_TAG = "tagumum"
PUBLIC_FORMAT = "XUMUM"


def _anonymous() -> dict[str, Any]:
    return {"user": "", "ignore_auth": False}


def _call(who: str, action: str, **data: Any) -> Any:
    return helpers.call_action(action, context={"user": who, "ignore_auth": False}, **data)


def _tag(region: Region) -> Region:
    """A draft dataset of OPD A with a secret tag and format, a published
    dataset of OPD B with a public tag and format."""
    draft, public = region.request_of(region.opd_a), region.request_of(region.opd_b)
    region.call("producer", "package_patch", id=draft["package_id"],
                tag_string=f"{SECRET_TAG},bersama")
    region.call("producer", "resource_create", package_id=draft["package_id"],
                name="Rahasia", url="https://example.org/data.xr", format=SECRET_FORMAT)
    region.call("producer_b", "package_patch", id=public["package_id"],
                tag_string=f"{PUBLIC_TAG},bersama")
    region.call("producer_b", "resource_create", package_id=public["package_id"],
                name="Umum", url="https://example.org/data.xu", format=PUBLIC_FORMAT)
    to_ready(region, public)
    publish(region, public)
    return region


@pytest.fixture
def tagged(world_of: Any) -> Region:
    """:func:`_tag` on a fresh region, built once and put back for each
    test (``world_of``)."""
    return world_of("tagged", lambda: _tag(build_region()))


@pytest.mark.usefixtures("with_request_context")
@pytest.mark.parametrize("who", ["anonymous", "public", "producer_b"])
def test_tags_and_formats_come_only_from_readable_datasets(tagged: Region, app, who: str):
    user = "" if who == "anonymous" else tagged.users[who]["name"]
    assert set(_call(user, "tag_list")) == {PUBLIC_TAG, "bersama"}
    assert {t["name"] for t in _call(user, "tag_list", all_fields=True)} == \
        {PUBLIC_TAG, "bersama"}
    assert _call(user, "tag_list", query="tag") == [PUBLIC_TAG]
    found = _call(user, "tag_search", query="tag")
    assert (found["count"], [t["name"] for t in found["results"]]) == (1, [PUBLIC_TAG])
    assert _call(user, "tag_search", query=["tag", "rahasia"])["count"] == 0
    assert _call(user, "tag_autocomplete", q="tag") == [PUBLIC_TAG]
    assert _call(user, "format_autocomplete", q="x") == [PUBLIC_FORMAT.lower()]
    assert _call(user, "format_autocomplete", q="rahasia") == []
    # in the very words of a tag that does not exist ("Tag not found" for a
    # hidden one told it existed)
    with pytest.raises(tk.ObjectNotFound) as hidden:
        _call(user, "tag_show", id=SECRET_TAG)
    with pytest.raises(tk.ObjectNotFound) as nowhere:
        _call(user, "tag_show", id="tidak-ada-di-mana-pun")
    assert str(hidden.value) == str(nowhere.value)
    assert _call(user, "tag_show", id=PUBLIC_TAG)["name"] == PUBLIC_TAG

    headers = {"Authorization": helpers.call_action(
        "api_token_create", context={"user": user}, user=user, name="t")["token"]} \
        if user else {}
    for url, query in [("/api/2/util/tag/autocomplete", {"incomplete": "tag"}),
                       ("/api/util/tag/autocomplete", {"incomplete": "rahasia"}),
                       ("/api/2/util/resource/format_autocomplete", {"incomplete": "x"}),
                       ("/api/util/resource/format_autocomplete", {"incomplete": "rahasia"}),
                       ("/api/3/action/tag_list", {}),
                       ("/api/3/action/tag_autocomplete", {"q": "rahasia"})]:
        body = app.get(url, query_string=query, headers=headers).body
        assert SECRET_TAG not in body and SECRET_FORMAT.lower() not in body.lower(), url
    assert PUBLIC_TAG in app.get("/api/2/util/tag/autocomplete",
                                 query_string={"incomplete": "tag"}, headers=headers).body


def test_members_and_sysadmins_see_their_private_tags(tagged: Region):
    producer = tagged.users["producer"]["name"]
    assert _call(producer, "tag_autocomplete", q="tag") == [SECRET_TAG, PUBLIC_TAG]
    assert set(_call(producer, "format_autocomplete", q="x")) == {
        PUBLIC_FORMAT.lower(), SECRET_FORMAT.lower()}
    assert _call(producer, "tag_show", id=SECRET_TAG)["name"] == SECRET_TAG
    sysadmin = tagged.users["sysadmin"]["name"]
    assert set(_call(sysadmin, "tag_list")) == {PUBLIC_TAG, SECRET_TAG, "bersama"}
    assert SECRET_FORMAT.lower() in _call(sysadmin, "format_autocomplete", q="x")


def test_vocabulary_tags_follow_the_same_rule(tagged: Region):
    site = tagged.users["sysadmin"]["name"]
    vocabulary = _call(site, "vocabulary_create", name="kosakata",
                       tags=[{"name": "istilah-a"}, {"name": "istilah-b"}])
    assert _call("", "vocabulary_show", id="kosakata")["tags"] == []
    assert all(v["tags"] == [] for v in _call("", "vocabulary_list"))
    assert _call("", "tag_list", vocabulary_id=vocabulary["id"]) == []
    assert _call("", "tag_autocomplete", q="istilah", vocabulary_id="kosakata") == []
    assert len(_call(site, "vocabulary_show", id="kosakata")["tags"]) == 2
    with pytest.raises(tk.ObjectNotFound):
        _call("", "tag_list", vocabulary_id="no-such-vocabulary")


def test_bad_tag_and_format_input_is_a_validation_error(tagged: Region):
    bad: list[tuple[str, dict[str, Any]]] = [
        ("tag_search", {"query": "tag", "limit": "abc"}),
        ("tag_autocomplete", {"q": "tag", "offset": -1}),
        ("tag_list", {"query": {"a": 1}}),
        ("format_autocomplete", {}),
        ("format_autocomplete", {"q": "x", "limit": "many"})]
    for action, data in bad:
        with pytest.raises(tk.ValidationError):
            _call("", action, **data)


# -- finding 11: private-era text in the history -------------------------------------

PRIVATE_ERA = "Deskripsi masa privat Pm77"


def _activities(package_id: str) -> list[Any]:
    from ckanext.activity.model import Activity

    return model.Session.query(Activity).filter(Activity.object_id == package_id) \
        .order_by(Activity.timestamp).all()


@pytest.mark.parametrize("public_detail", [False, True])
def test_private_era_text_stays_out_of_resource_history(region: Region, app, ckan_config,
                                                        monkeypatch, public_detail: bool):
    """With CKAN's default (``ckan.auth.public_activity_stream_detail =
    false``) the public sees no version detail at all; with it on, only the
    versions recorded while the dataset was public."""
    monkeypatch.setitem(ckan_config, "ckan.auth.public_activity_stream_detail",
                        public_detail)
    request = region.request_of(region.opd_b)
    resource = add_csv(region, "producer_b", request["package_id"], "a,b\n1,2\n")
    region.call("producer_b", "resource_patch", id=resource["id"], description=PRIVATE_ERA)
    region.call("producer_b", "resource_patch", id=resource["id"],
                description="Deskripsi terbit")
    to_ready(region, request)
    publish(region, request)
    pkg = region.call("sysadmin", "package_show", id=request["package_id"])
    activities = _activities(pkg["id"])
    private_era = [a for a in activities if PRIVATE_ERA in str(a.data)]
    assert private_era and all("public" not in a.permission_labels for a in private_era)
    public = activities[-1]
    assert public.permission_labels == ["public"]

    for activity in activities:
        for url in (f"/dataset/{pkg['name']}/resources/{resource['id']}/history/{activity.id}",
                    f"/dataset/{pkg['id']}/resources/{resource['id']}/history/{activity.id}",
                    f"/dataset/{pkg['name']}/history/{activity.id}",
                    f"/dataset/changes/{activity.id}"):
            response = app.get(url)
            assert PRIVATE_ERA not in response.body, url
            assert response.status_code in (200, 302, 403, 404), url
        reads: list[tuple[str, dict[str, Any]]] = [
            ("activity_show", {"include_data": True}),
            ("activity_data_show", {"object_type": "package"}),
            ("activity_diff", {"object_type": "package"})]
        for action, data in reads:
            try:
                answer = str(_call("", action, id=activity.id, **data))
            except (tk.NotAuthorized, tk.ObjectNotFound) as e:
                answer = str(e)
            assert PRIVATE_ERA not in answer, (action, activity.activity_type)

    page = app.get(f"/dataset/{pkg['name']}/resources/{resource['id']}/history/{public.id}")
    if public_detail:  # the public version is there for the public
        assert page.status_code == 200 and "Deskripsi terbit" in page.body
        # but not its diff, which is against a private-era version
        with pytest.raises(tk.ObjectNotFound):
            _call("", "activity_diff", id=public.id, object_type="package")
    else:
        assert page.status_code == 404
    # the producers still see their whole history
    member = region.users["producer_b"]["name"]
    token = helpers.call_action("api_token_create", context={"user": member}, user=member,
                                name="t")["token"]
    page = app.get(f"/dataset/{pkg['name']}/resources/{resource['id']}/history/"
                   f"{private_era[0].id}", headers={"Authorization": token})
    assert page.status_code == 200 and PRIVATE_ERA in page.body
    assert _call(member, "activity_diff", id=public.id, object_type="package")["diff"]


# -- finding 12: who is a producer for the rounds -------------------------------------------

def test_an_organization_admin_is_no_producer(region: Region):
    site = region.users["sysadmin"]["name"]
    warga = region.users["public"]["name"]
    with pytest.raises(tk.NotAuthorized):  # test.ini: ckan.auth.user_create_organizations
        helpers.call_auth("organization_create", {"user": warga, "model": model}, name="x")
    factories.Organization(name="organisasi-warga", users=[{"name": warga,
                                                            "capacity": "admin"}])
    draft = _call(site, "satudata_round_create", name="semester-2-2026",
                  title="Semester II 2026", year=2026, start_date="2026-07-06")
    sent = region.round
    for action, data in [("satudata_round_show", {"id": draft["id"]}),
                         ("satudata_round_show", {"id": draft["name"]}),
                         ("satudata_round_show", {"id": sent["name"]}),
                         ("satudata_round_show", {"id": "no-such-round"}),
                         ("satudata_round_list", {}),
                         ("satudata_request_list", {}),
                         ("satudata_daftar_data_list", {})]:
        with pytest.raises(tk.NotAuthorized):
            _call(warga, action, **data)

    producer = region.users["producer"]["name"]
    assert _call(producer, "satudata_round_show", id=sent["name"])["id"] == sent["id"]
    assert _call(producer, "satudata_round_list")["count"] >= 1
    # the requests counted are their OPD's (the list behind the counts), not
    # every OPD's (how many are returned, late or published: the walidata's)
    own = _call(producer, "satudata_request_list", round_id=sent["id"])["count"]
    everyone = _call(site, "satudata_round_show", id=sent["id"])["counts"]["total"]
    assert 0 < own < everyone
    assert _call(producer, "satudata_round_show", id=sent["id"])["counts"]["total"] == own
    listed, = [r for r in _call(producer, "satudata_round_list")["results"]
               if r["id"] == sent["id"]]
    assert listed["counts"]["total"] == own
    for ref in (draft["id"], draft["name"]):
        with pytest.raises(tk.NotAuthorized):
            _call(producer, "satudata_round_show", id=ref)
    assert _call(region.users["verifier"]["name"], "satudata_round_show",
                 id=draft["name"])["state"] == "draft"


# -- relationships between datasets ----------------------------------------------------------

def test_a_relationship_never_names_a_dataset_the_caller_cannot_read(tagged: Region):
    """CKAN lists a dataset's relationships to whoever may read that one
    dataset: the public list of a published dataset named the draft it was
    related to. And nobody relates a dataset of the workflow by hand: a
    producer did it to a published dataset, with no review."""
    draft = tagged.request_of(tagged.opd_a)["package_id"]
    public = tagged.request_of(tagged.opd_b)["package_id"]
    draft_name = helpers.call_action("package_show", id=draft)["name"]
    own = factories.Dataset(owner_org=tagged.opd_b["id"], private=True)
    for who in ("producer_b", "sysadmin"):
        with pytest.raises(tk.NotAuthorized):
            tagged.call(who, "package_relationship_create", subject=public,
                        object=own["id"], type="depends_on", comment="tanpa tinjauan")
    # one made anyway (before this rule, or by a script with no auth check)
    helpers.call_action("package_relationship_create", subject=public, object=draft,
                        type="depends_on", comment="ke draf")
    for who in ("anonymous", "public", "producer_b"):
        listed = tagged.call(who, "package_relationships_list", id=public)
        assert draft_name not in str(listed) and "ke draf" not in str(listed)
    assert tagged.call("producer", "package_relationships_list", id=draft)[0]["comment"] \
        == "ke draf"
    assert tagged.call("sysadmin", "package_relationships_list", id=public)


def test_the_pages_of_an_unpublished_dataset_answer_as_if_it_did_not_exist(region: Region,
                                                                          app):
    """Its activity stream, resources list, followers, a table's edit and
    views pages and its DCAT export answered 403, a name that does not
    exist 404: guessing names told which unpublished datasets exist."""
    draft = region.request_of(region.opd_a)
    table = add_csv(region, "producer", draft["package_id"], "tahun,jumlah\n2024,10\n")
    name = helpers.call_action("package_show", id=draft["package_id"])["name"]
    pages = ["/dataset/activity/{}", "/dataset/resources/{}",
             "/dataset/followers/{}", "/dataset/{}/resource/" + table["id"] + "/edit",
             "/dataset/{}/resource/" + table["id"] + "/views", "/dataset/{}.rdf",
             "/dataset/{}/resource/new", "/dataset/delete/{}",
             "/dataset/{}/resource/" + table["id"] + "/delete"]
    token = factories.APIToken(user=region.users["producer_b"]["name"])["token"]
    for page in pages:
        for headers in ({}, {"Authorization": token}):
            real = app.get(page.format(name), headers=headers, follow_redirects=False)
            made_up = app.get(page.format("tidak-ada-" + name), headers=headers,
                              follow_redirects=False)
            # (a visitor on an edit page is asked to log in, whatever the name)
            expected = 302 if not headers and page.endswith(("/edit", "/views", "/new",
                                                             "/delete")) \
                or not headers and page.startswith(("/dataset/resources/", "/dataset/delete/")) \
                else 404
            assert real.status_code == made_up.status_code == expected, page
    # its producer still opens them
    own = factories.APIToken(user=region.users["producer"]["name"])["token"]
    assert app.get(f"/dataset/resources/{name}",
                   headers={"Authorization": own}).status_code == 200
    # and is told at once why its deletion page offers nothing (it asked
    # "are you sure?", then answered a bare "not authorized")
    refused = app.get(f"/dataset/delete/{name}", headers={"Authorization": own})
    assert refused.status_code == 403
    assert "bagian dari permintaan data" in refused.body


def test_another_opds_request_and_dataset_answer_as_if_they_did_not_exist(region: Region,
                                                                          app):
    """Another OPD's producer, a citizen and a visitor got 403 for a request
    that exists (its page, request_show, event_list) and 404 for a made-up
    id; linking another OPD's unpublished dataset said it "must belong to
    the requested OPD", a made-up name "not found". Both answer as for
    nothing; a sysadmin's made-up id is not found either (it was an empty
    trail)."""
    request = region.request_of(region.opd_a)
    own = region.request_of(region.opd_b)
    made_up = "00000000-0000-0000-0000-000000000000"
    outsiders = [region.users["producer_b"]["name"], factories.User()["name"], ""]
    for user in outsiders:
        for action in ("satudata_request_show", "satudata_request_event_list"):
            answers = []
            for ref in (request["id"], made_up):
                with pytest.raises(tk.ObjectNotFound) as err:
                    helpers.call_action(action, context={"user": user, "ignore_auth": False},
                                        id=ref)
                answers.append(str(err.value))
            assert answers[0] == answers[1], (user, action, answers)
        # a step on it too (it answered 403 "only the verifier…", 404 for a made-up id)
        for action in ("satudata_request_verify", "satudata_request_submit",
                       "satudata_request_publish", "satudata_request_acknowledge",
                       "satudata_request_link_dataset"):
            answers = []
            for ref in (request["id"], made_up):
                # a visitor is asked to log in first, whatever the id
                with pytest.raises(tk.ObjectNotFound if user else tk.NotAuthorized) as err:
                    helpers.call_action(action, context={"user": user, "ignore_auth": False},
                                        id=ref, package_id="x")
                answers.append(str(err.value))
            assert answers[0] == answers[1], (user, action, answers)
        if user:
            token = {"Authorization": factories.APIToken(user=user)["token"]}
            assert app.get(f"/permintaan-data/{request['id']}",
                           headers=token).status_code == 404
        else:  # a visitor is asked to log in, whatever the id
            page = app.get(f"/permintaan-data/{request['id']}", follow_redirects=False)
            assert "/user/login" in page.headers["Location"]
    with pytest.raises(tk.ObjectNotFound):
        region.call("sysadmin", "satudata_request_event_list", id=made_up)
    # the Daftar Data item of another OPD, and its SK's address, as a made-up one
    producer_b = region.users["producer_b"]["name"]
    answers = []
    for ref in (request["item_id"], made_up):
        with pytest.raises(tk.ObjectNotFound) as err:
            helpers.call_action("satudata_daftar_data_show",
                                context={"user": producer_b, "ignore_auth": False}, id=ref)
        answers.append(str(err.value))
    assert answers[0] == answers[1]
    token = {"Authorization": factories.APIToken(user=producer_b)["token"]}
    assert app.get(f"/permintaan-data/daftar-data/{request['item_id']}/sk.pdf",
                   headers=token).status_code == 404

    name = helpers.call_action("package_show", id=request["package_id"])["name"]
    answers = []
    for ref in (name, "tidak-ada-" + name):
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer_b", "satudata_request_link_dataset", id=own["id"],
                        package_id=ref)
        answers.append(err.value.error_dict)
    assert answers[0] == answers[1] and "package_id" in answers[0], answers


@pytest.mark.usefixtures("clean_db", "with_plugins")
def test_no_users_e_mail_hash_leaves_the_portal(app):
    """Anyone listed the accounts with the MD5 of their e-mail address: a
    guessed address (a citizen's) was confirmed against it."""
    citizen = factories.UserWithToken(email="warga@contoh.example")
    other = factories.UserWithToken()
    org = factories.Organization(users=[{"name": citizen["name"], "capacity": "member"},
                                        {"name": other["name"], "capacity": "member"}])
    citizen_hash = hashlib.md5(b"warga@contoh.example").hexdigest()
    paths = ("user_list", f"user_show?id={citizen['name']}",
             f"organization_show?id={org['name']}&include_users=true",
             "organization_list?all_fields=true&include_users=true")
    # the accounts are listed to logged-in users only (public_user_details)
    assert app.get("/api/3/action/user_list").status_code == 403
    assert app.get("/user/").status_code == 403
    bodies = [app.get(f"/api/3/action/{path}",
                      headers={"Authorization": other["token"]}).body for path in paths]
    assert all(citizen["name"] in body for body in bodies)
    assert [i for i, body in enumerate(bodies) if citizen_hash in body] == []
    own = app.get(f"/api/3/action/user_show?id={citizen['name']}",
                  headers={"Authorization": citizen["token"]}).json["result"]
    assert own["email_hash"] == citizen_hash  # their own account, as CKAN gives it
    # nor when an account was last active (when an official last used the portal)
    shown = app.get(f"/api/3/action/user_show?id={citizen['name']}",
                    headers={"Authorization": other["token"]}).json["result"]
    assert "last_active" not in shown and "last_active" in own
    # nor an organization's accounts, asked for with the other members
    # (asked for as users, a visitor was refused; asked for every kind,
    # given each account's id and capacity)
    users = model.Session.query(model.User.id).filter(
        model.User.name.in_([citizen["name"], other["name"]])).all()
    for path in (f"member_list?id={org['name']}", f"member_list?id={org['name']}"
                 "&object_type=user"):
        answer = app.get(f"/api/3/action/{path}")
        assert answer.status_code == 403 or not any(
            user_id in answer.body for (user_id,) in users), (path, answer.body)
    listed = app.get(f"/api/3/action/member_list?id={org['name']}",
                     headers={"Authorization": other["token"]}).json["result"]
    assert {row[0] for row in listed} >= {user_id for (user_id,) in users}


def test_a_view_made_on_unpublished_data_stays_out_of_other_peoples_streams(region: Region):
    """The activity plugin labels a dataset's own activities only: a user's
    stream showed anybody "made the view <title>" of another OPD's
    unpublished table, with the dataset's and the table's ids."""
    request = region.request_of(region.opd_a)
    table = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2024,1\n")
    region.call("producer", "resource_view_create", resource_id=table["id"],
                view_type="datatables_view", title="Tampilan rahasia")
    producer = region.users["producer"]["name"]

    def seen_by(who: str) -> list[str]:
        return [a["activity_type"] for a in region.call(who, "user_activity_list", id=producer)
                if "resource view" in a["activity_type"]]
    for who in ("producer_b", "public"):
        assert seen_by(who) == [], who
        assert not [a for a in region.call(who, "organization_activity_list",
                                           id=region.opd_a["id"])
                    if "resource view" in a["activity_type"]], who
    assert seen_by("producer") == ["new resource view"]


def test_a_hidden_table_or_step_answers_as_a_made_up_one(region: Region, app, run_jobs,
                                                         smtp):
    """The table of another OPD's unpublished dataset (loaded into the
    DataStore) and a step in its history answered 403, and said why (the
    table "was loaded from the approved file", "is being reviewed", the user
    "may not change resource <id>"), where a made-up id was not found: an
    outsider learnt that the data exist. Each now answers, over the API and
    on the page of a change, as a made-up id does."""
    request = region.request_of(region.opd_a)
    table = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2025,1\n")["id"]
    run_jobs()  # loaded into the DataStore, not public
    for notes in ("Catatan", "Catatan kedua"):  # a change after a change (not after a view)
        region.call("producer", "package_patch", id=request["package_id"], notes=notes)
    from ckanext.activity.model import Activity

    name = helpers.call_action("package_show", id=request["package_id"])["name"]
    step = model.Session.query(Activity.id).filter_by(
        object_id=request["package_id"], activity_type="changed package").order_by(
        Activity.timestamp.desc()).first()[0]
    made_up = "00000000-0000-4000-8000-000000000000"
    # (action, what it names: a step, a table or a dataset's name, its arguments)
    calls = [
        ("activity_show", "step", lambda ref: {"id": ref}),
        ("activity_data_show", "step", lambda ref: {"id": ref}),
        ("activity_diff", "step", lambda ref: {"id": ref, "object_type": "package"}),
        ("datastore_delete", "table", lambda ref: {"resource_id": ref, "force": True}),
        ("datastore_upsert", "table", lambda ref: {"resource_id": ref, "force": True,
                                                   "records": [{"tahun": 1}]}),
        ("datastore_create", "table", lambda ref: {"resource_id": ref, "force": True,
                                                   "records": [{"a": 1}]}),
        ("xloader_submit", "table", lambda ref: {"resource_id": ref}),
        ("xloader_status", "table", lambda ref: {"resource_id": ref}),
        ("task_status_show", "table", lambda ref: {"entity_id": ref, "task_type": "xloader",
                                                   "key": "xloader"}),
        ("resource_view_create", "table", lambda ref: {"resource_id": ref, "title": "Tabel",
                                                       "view_type": "datatables_view"}),
        ("resource_create_default_resource_views", "table",
         lambda ref: {"resource": {"id": ref}}),
        ("datastore_search_sql", "table", lambda ref: {"sql": f'SELECT * FROM "{ref}"'}),
        # a query PostgreSQL cannot plan ("column … does not exist" named
        # the hidden table's columns, one guess at a time)
        ("datastore_search_sql", "table",
         lambda ref: {"sql": f'SELECT "tebakan" FROM "{ref}" UNION SELECT 1'}),
        # its id as a text cast to a table: its internal number came back
        ("datastore_search_sql", "table", lambda ref: {"sql": f"SELECT '{ref}'::regclass::oid"}),
        # the same, quoted otherwise (dollar quotes, spaces PostgreSQL trims),
        # or asked whether it is one: a query that read no table was refused
        # (403) where a made-up name was not a table (409)
        ("datastore_search_sql", "table", lambda ref: {"sql": f"SELECT $${ref}$$::regclass"}),
        ("datastore_search_sql", "table", lambda ref: {"sql": f"SELECT ' {ref}'::regclass"}),
        ("datastore_search_sql", "table", lambda ref: {"sql": f"SELECT to_regclass($q${ref}$q$)"}),
        # escaped: the id is nowhere in the query's text
        ("datastore_search_sql", "table", lambda ref: {
            "sql": "SELECT E'" + "".join(f"\\x{ord(c):02x}" for c in ref) + "'::regclass"}),
        ("datastore_search_sql", "table", lambda ref: {
            "sql": "SELECT pg_relation_size(U&'" + "".join(f"\\{ord(c):04x}" for c in ref)
            + "')"}),
        ("bulk_update_private", "dataset",
         lambda ref: {"datasets": [ref], "org_id": region.opd_a["id"]}),
        ("bulk_update_delete", "dataset",
         lambda ref: {"datasets": [ref], "org_id": region.opd_a["id"]}),
        # the dataset's name, guessed from an item's title and a round's
        ("datastore_create", "dataset", lambda ref: {"resource": {"package_id": ref,
                                                                  "name": "x"}}),
        ("package_create_default_resource_views", "dataset",
         lambda ref: {"package": {"id": ref}}),
    ]
    for user in (region.users["producer_b"]["name"], factories.User()["name"], ""):
        headers = {"Authorization": factories.APIToken(user=user)["token"]} if user else {}
        for action, kind, data in calls:
            real = {"step": step, "table": table, "dataset": name}[kind]
            answers = []
            for ref in (real, made_up if kind != "dataset" else "tidak-ada-" + name):
                response = app.post(f"/api/3/action/{action}", json=data(ref), headers=headers)
                answers.append((response.status_code,
                                str(response.json["error"]).replace(ref, "<id>")))
            assert answers[0] == answers[1], (user, action, answers)
            assert answers[0][0] in (403, 404, 409), (user, action, answers)
        for ref in (step, made_up):
            page = app.get(f"/dataset/changes/{ref}", headers=headers)
            assert page.status_code == 404, (user, ref)
    # its producer still reads its table, its steps and their changes
    own = {"Authorization": factories.APIToken(user=region.users["producer"]["name"])["token"]}
    assert app.get(f"/dataset/changes/{step}", headers=own).status_code == 200
    found = app.post("/api/3/action/datastore_search_sql", headers=own,
                     json={"sql": f'SELECT jumlah FROM "{table}"'})
    assert found.status_code == 200 and found.json["result"]["records"] == [{"jumlah": "1"}]
    task = app.post("/api/3/action/task_status_show", headers=own, json={
        "entity_id": table, "task_type": "xloader", "key": "xloader"})
    assert task.status_code == 200 and task.json["result"]["state"] == "complete"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_change_after_a_table_view_was_made_can_be_shown(app):
    """A resource view's activity held the view only: the next change of the
    dataset, compared with it, answered 404 "Could not find object in the
    activity data" (its "Changes" link was dead on nearly every dataset)."""
    from ckanext.activity.model import Activity

    sysadmin = factories.Sysadmin()
    dataset = factories.Dataset(owner_org=factories.Organization()["id"], notes="Sebelum")
    # what CKAN's activity plugin does when a view is created (the portal's
    # jobs create the table views once a file is loaded)
    helpers.call_action("activity_create", context={"ignore_auth": True}, user_id=sysadmin["id"],
                        object_id=dataset["id"], activity_type="new resource view",
                        data={"id": "tampilan", "resource_id": "tabel",
                              "package_id": dataset["id"]})
    helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                        id=dataset["id"], notes="Sesudah")
    changed = model.Session.query(Activity).filter_by(
        object_id=dataset["id"], activity_type="changed package").order_by(
        Activity.timestamp.desc()).first()
    diff = helpers.call_action("activity_diff", context={"user": sysadmin["name"]},
                               id=changed.id, object_type="package")["diff"]
    assert "-  \"notes\": \"Sebelum\"" in diff and "+  \"notes\": \"Sesudah\"" in diff


def test_a_visitor_learns_no_accounts_organizations(region: Region, app):
    """``organization_list_for_user?id=kadis`` told a visitor the walidata's
    organization of that account (and "not found" for a made-up name: which
    accounts exist), where ``user_show`` refuses them."""
    producer = region.users["producer"]["name"]
    for name in (producer, "tidak-ada-orangnya"):
        answer = app.get("/api/3/action/organization_list_for_user", query_string={"id": name})
        assert answer.status_code == 403, (name, answer.body)
    token = {"Authorization": factories.APIToken(user=producer)["token"]}
    own = app.get("/api/3/action/organization_list_for_user", query_string={"id": producer},
                  headers=token).json["result"]
    assert own and app.get("/api/3/action/organization_list_for_user",
                           headers=token).json["result"] == own


def test_a_visitor_learns_no_accounts_from_their_followers(region: Region, app):
    """``user_follower_count?id=warga`` answered a count for an account that
    exists and "not found" for a made-up one: citizens' account names could
    be confirmed though user details are not public."""
    producer = region.users["producer"]["name"]
    for action in ("user_follower_count", "followee_count", "user_followee_count",
                   "followee_list", "user_followee_list", "dataset_followee_count",
                   "organization_followee_list"):
        answers = [app.get(f"/api/3/action/{action}", query_string={"id": name})
                   for name in (producer, "tidak-ada-orangnya")]
        assert [a.status_code for a in answers] == [403, 403], action
        assert answers[0].json["error"] == answers[1].json["error"], action
    token = {"Authorization": factories.APIToken(user=producer)["token"]}
    assert app.get("/api/3/action/followee_count", query_string={"id": producer},
                   headers=token).json["result"] == 0


def test_the_reviewers_read_who_changed_the_data_they_review(region: Region, app):
    """The verifier, the Kabid and the Kadis read a private dataset under
    review but its activity list was empty for them (the activity plugin
    reads permission labels only): who changed the unit, and when, was a
    sysadmin's question. Another OPD and the public still read nothing of
    it; once published, the public reads the public activities only."""
    from ..factories import complete_metadata, login

    request = region.request_of(region.opd_a)
    pkg_id = request["package_id"]
    complete_metadata(pkg_id, "produsen-a")
    region.call("producer", "package_patch", id=pkg_id, unit="Jiwa")
    region.call("producer", "satudata_request_submit", id=request["id"])

    def listed(who: str) -> list[dict[str, Any]]:
        return region.call(who, "package_activity_list", id=pkg_id)

    producers = listed("producer")
    assert producers and all(a["activity_type"] == "changed package"
                             or a["activity_type"] == "new package" for a in producers)
    for who in ("verifier", "kabid", "kadis"):
        assert [(a["id"], a["user_id"]) for a in listed(who)] == [
            (a["id"], a["user_id"]) for a in producers], who
    for who in ("producer_b", "anonymous"):
        with pytest.raises(tk.ObjectNotFound):
            listed(who)
    # the reviewer's page of the dataset's activity names the producer's change
    page = login(app, region.users["verifier"]["name"]).get(f"/dataset/activity/{pkg_id}")
    assert page.status_code == 200
    producer = region.users["producer"]
    assert f'href="/user/{producer["name"]}"' in page.body or \
        f'href="/user/{producer["id"]}"' in page.body, page.body[-3000:]

    # published: the reviewers still read the private era, the public not
    region.call("verifier", "satudata_request_verify", id=request["id"])
    region.call("kabid", "satudata_request_approve", id=request["id"])
    region.call("kadis", "satudata_request_approve", id=request["id"])
    publish(region, request)
    everything = listed("producer")
    assert [a["id"] for a in listed("verifier")] == [a["id"] for a in everything]
    public = listed("anonymous")
    assert len(public) < len(everything)
    # the widened list keeps the activity plugin's parameters
    assert len(region.call("verifier", "package_activity_list", id=pkg_id, limit=1)) == 1
    with pytest.raises(tk.ValidationError):
        region.call("verifier", "package_activity_list", id=pkg_id,
                    activity_types=["changed package"],
                    exclude_activity_types=["new package"])
