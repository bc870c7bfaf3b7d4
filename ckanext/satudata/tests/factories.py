# -*- coding: utf-8 -*-
"""Factories of the satudata tests, in the manner of ``ckan.tests.factories``:
one per model of the extension (a Daftar Data item, a collection round, a
walidata role), each created through its action; a whole small region
(:func:`build_region`: the walidata, two OPDs, a user for each role, a round
sent to the OPDs); and the steps that take a request where a test needs it
(:func:`complete_metadata`, :func:`to_ready`, :func:`publish`), all through
the real actions against the real database and search index."""
from __future__ import annotations

import dataclasses
import html as html_lib
import io
import re
from typing import Any

import factory
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata.lib import metadata, reference

__all__ = [
    "DaftarDataItem", "CollectionRound", "WalidataRole",
    "Region", "build_region", "complete_metadata", "DATA_LINK", "VARIABLES", "field_value",
    "to_ready", "publish", "is_public", "request_state", "csv_upload", "add_csv",
    "login", "csrf_token", "daftar_data_workbook", "pdf_text",
    "MAGETAN", "MAGETAN_BERITA_ACARA", "magetan", "berita_acara_upload", "magetan_world",
]


def _site() -> dict[str, Any]:
    return {"user": helpers.call_action("get_site_user")["name"], "ignore_auth": True}


class DaftarDataItem(factory.Factory):
    """An item of the Daftar Data (``satudata_daftar_data_create``); give
    ``owner_org``."""

    class Meta:
        model = dict

    title = factory.Sequence(lambda n: f"Jumlah Data Uji {n}")
    year = 2026
    update_frequency = "annual"
    government_affairs = factory.LazyFunction(lambda: ["1.02"])
    unit = "unit"

    @classmethod
    def _create(cls, model_class: Any, **kwargs: Any) -> dict[str, Any]:
        return helpers.call_action("satudata_daftar_data_create", context=_site(), **kwargs)


class CollectionRound(factory.Factory):
    """A collection round (``satudata_round_create``), not sent."""

    class Meta:
        model = dict

    name = factory.Sequence(lambda n: f"putaran-uji-{n}")
    title = factory.Sequence(lambda n: f"Putaran Uji {n}")
    year = 2026
    start_date = "2026-01-05"

    @classmethod
    def _create(cls, model_class: Any, **kwargs: Any) -> dict[str, Any]:
        return helpers.call_action("satudata_round_create", context=_site(), **kwargs)


class WalidataRole(factory.Factory):
    """A walidata role of the approval chain given to a user
    (``satudata_role_create``); give ``user``."""

    class Meta:
        model = dict

    role = "verifikator"

    @classmethod
    def _create(cls, model_class: Any, **kwargs: Any) -> dict[str, Any]:
        return helpers.call_action("satudata_role_create", context=_site(), **kwargs)


@dataclasses.dataclass
class Region:
    walidata: dict[str, Any]
    opd_a: dict[str, Any]
    opd_b: dict[str, Any]
    users: dict[str, dict[str, Any]]
    round: dict[str, Any]
    requests: list[dict[str, Any]]

    def ctx(self, who: str) -> dict[str, Any]:
        """A fresh action context for one of ``users`` ("anonymous": none)."""
        return {"user": "" if who == "anonymous" else self.users[who]["name"],
                "ignore_auth": False}

    def call(self, who: str, action: str, **data: Any) -> Any:
        return helpers.call_action(action, context=self.ctx(who), **data)

    def may(self, action: str, users: Any, **data: Any) -> dict[str, bool]:
        """``{user: True when the auth function of action lets them}`` for
        each of ``users`` (CKAN's ``call_auth``, no action run; one who may
        not read the request is told it is not found)."""
        cells = {}
        for who in users:
            try:
                helpers.call_auth(action, {"user": self.ctx(who)["user"], "model": model},
                                  **data)
                cells[who] = True
            except (tk.NotAuthorized, tk.ObjectNotFound):  # refused, or told there is none
                cells[who] = False
        return cells

    def request_of(self, org: dict[str, Any]) -> dict[str, Any]:
        return next(r for r in self.requests if r["owner_org"] == org["id"])

    def requests_of(self, org: dict[str, Any]) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["owner_org"] == org["id"]]


#: the items of a region with two requests per OPD
TWO_ITEMS = ("Jumlah Puskesmas", "Jumlah Sekolah")


def build_region(item_titles: tuple[str, ...] = ("Jumlah Puskesmas",)) -> Region:
    sysadmin = factories.Sysadmin(name="sysadmin-uji", password="correct123")

    def user(name: str) -> dict[str, Any]:
        return factories.User(name=name, email=f"{name}@example.org", password="correct123")

    users = {
        "sysadmin": sysadmin,
        "public": user("warga"),
        "producer": user("produsen-a"),
        "producer_b": user("produsen-b"),
        "verifier": user("verifikator"),
        "kabid": user("kabid"),
        "kadis": user("kadis"),
        "walidata_admin": user("admin-walidata"),
    }
    walidata = factories.Organization(
        name=tk.config.get("satudata.walidata_organization"), title="Diskominfo",
        users=[{"name": users["walidata_admin"]["name"], "capacity": "admin"},
               {"name": users["verifier"]["name"], "capacity": "editor"}])
    opd_a = factories.Organization(name="dinas-kesehatan", title="Dinas Kesehatan",
                                   users=[{"name": "produsen-a", "capacity": "editor"}])
    opd_b = factories.Organization(name="dinas-pendidikan", title="Dinas Pendidikan",
                                   users=[{"name": "produsen-b", "capacity": "editor"}])
    site = {"user": sysadmin["name"]}
    for name in ("verifikator", "kabid", "kadis"):
        WalidataRole(user=name, role=name)
    for title in item_titles:
        for org in (opd_a, opd_b):
            DaftarDataItem(title=title, owner_org=org["name"])
    round_ = CollectionRound(name="semester-1-2026", title="Semester I 2026")
    helpers.call_action("satudata_round_send", context=dict(site), id=round_["id"])
    requests = helpers.call_action("satudata_request_list", context=dict(site),
                                   round_id=round_["id"])["results"]
    return Region(walidata, opd_a, opd_b, users, round_, requests)


def field_value(field: dict[str, Any]) -> Any:
    """A valid value for a scheming field of the satudata dataset schema,
    derived from the field's own definition (so the helper follows the
    schema as it grows)."""
    if "repeating_subfields" in field:
        return [{sub["field_name"]: field_value(sub) for sub in field["repeating_subfields"]}]
    code_list = field.get("satudata_code_list")
    preset = field.get("preset", "")
    if code_list:
        code = reference.codes(code_list)[0].code
        return [code] if preset == "satudata_codes" else code
    if field.get("choices"):
        return field["choices"][0]["value"]
    if field["field_name"] == "license_id":
        return "cc-by"
    if preset == "satudata_year":
        return "2025"
    if preset == "satudata_email" or field["field_name"].endswith("email"):
        return "data@example.org"
    if preset == "satudata_flag":
        return "true"
    if preset == "satudata_url":
        return "https://example.org"
    return f"Uji {field['field_name']}"


#: the variables :func:`complete_metadata` declares: the columns of the
#: tables the tests upload (``tahun,jumlah``), checked against them on upload
VARIABLES = [
    {"name": "tahun", "definition": "Tahun data", "data_type": "integer", "unit": "tahun"},
    {"name": "jumlah", "definition": "Jumlah", "data_type": "integer", "unit": "unit"},
]

#: the data file a submission needs (metadata.is_data_resource): a link to a CSV
DATA_LINK = {"name": "Tabel data", "url": "https://data.example.org/tabel.csv",
             "format": "CSV"}


def complete_metadata(package_id: str, user: str) -> dict[str, Any]:
    """Fill in every field the satudata schema needs before submission, as
    the producer ``user`` would (package_patch with their rights), and add a
    data resource (a link to a CSV file) in the same save unless the dataset
    has one (a resource_create of its own is a second package_update)."""
    pkg = helpers.call_action("package_show", context={"user": user}, id=package_id)
    values = {f["field_name"]: field_value(f)
              for f in metadata.required_fields("submit")
              if f["field_name"] not in ("title", "name", "owner_org")}
    values["variables"] = _declared_variables(pkg)
    if metadata.data_errors(pkg):
        values["resources"] = pkg["resources"] + [dict(DATA_LINK)]
    return helpers.call_action("package_patch", context={"user": user},
                               id=package_id, **values)


def _declared_variables(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """What a producer declares: the columns of the table already uploaded
    (as text, when every uploaded file has the same header), else
    :data:`VARIABLES` (the tables the tests upload later)."""
    from ckanext.satudata.lib import datacheck, preview, tables

    headers = set()
    for res in datacheck.uploaded_files(pkg):
        path = preview.stored_path(res)
        try:
            headers.add(tuple(tables.read(path, metadata.data_file_kind(res) or "csv").labels)
                        if path else ())
        except tables.Unreadable:
            headers.add(())
    if len(headers) == 1 and all(next(iter(headers))):
        return [{"name": name, "definition": name, "data_type": "text", "unit": ""}
                for name in next(iter(headers))]
    return VARIABLES


def daftar_data_workbook(rows: list[list[object]]) -> bytes:
    """A Daftar Data import workbook: the template's header row, then
    ``rows``."""
    import openpyxl

    from ckanext.satudata.lib import spreadsheets

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([header for header, _f, _a in spreadsheets.DAFTAR_DATA_COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


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
    """Publish (or publish again) as the walidata admin, from the request's
    page as it is now (``version``)."""
    return region.call("walidata_admin", "satudata_request_publish", id=request["id"],
                       version=seen(request["id"]))


def seen(request_id: str) -> int:
    """The request's ``version`` as its page shows it now: a step that undoes
    another's decision (publishing a withdrawn or scheduled request) sends it."""
    return helpers.call_action("satudata_request_show", id=request_id)["version"]


def is_public(package_id: str) -> bool:
    """Whether the anonymous public can read the dataset."""
    try:
        helpers.call_action("package_show", context={"user": "", "ignore_auth": False},
                            id=package_id)
        return True
    except (tk.NotAuthorized, tk.ObjectNotFound):  # unreadable: "not found"
        return False


def request_state(region: Region, request: dict[str, Any]) -> str:
    return region.call("sysadmin", "satudata_request_show", id=request["id"])["state"]


def csv_upload(text: str, file_name: str = "tabel.csv") -> FileStorage:
    return FileStorage(stream=io.BytesIO(text.encode("utf-8")), filename=file_name,
                       content_type="text/csv")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_upload(rows: list[list[Any]], file_name: str = "tabel.xlsx") -> FileStorage:
    """An uploaded XLSX file whose first sheet holds ``rows``."""
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return FileStorage(stream=buffer, filename=file_name, content_type=XLSX_TYPE)


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
    match = re.search(r'name="_csrf_token" value="([^"]+)"', body)
    assert match, "no CSRF token in the page"
    return match.group(1)


def log_out(client: Any, query: str = "") -> Any:
    """"Keluar": the page the logout address shows (it ends no session),
    then its form."""
    page = client.get(f"/user/_logout{query}")
    assert 'action="/user/_logout"' in page.body
    return client.post(f"/user/_logout{query}", data={"_csrf_token": csrf_token(page.body)},
                       follow_redirects=False)


def pdf_text(exported: dict[str, Any]) -> str:
    """The text of a PDF an export action answered (base64 ``content``),
    read with pypdf, its whitespace collapsed."""
    import base64

    import pypdf

    content = base64.b64decode(exported["content"])
    assert content.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


# -- the Magetan configuration (tests/logic/test_sop_magetan.py) ---------------------------

#: the OPD's head approves first (the organization's admins), the forum is a
#: level of the chain
MAGETAN = {
    "satudata.approval_chain": ["verifikator", "forum", "kabid", "kadis"],
    "satudata.forum_level": "forum",
    "satudata.opd_approval": True,
    "satudata.opd_approval_role": "admin",
}
MAGETAN_BERITA_ACARA = b"%PDF-1.4\n% Berita Acara Forum Pengelolaan Data Sektoral Magetan\n%%EOF\n"


def magetan(func: Any) -> Any:
    """Mark a test to run on the Magetan configuration."""
    import pytest

    for key, value in MAGETAN.items():
        func = pytest.mark.ckan_config(key, value)(func)
    return func


def berita_acara_upload() -> FileStorage:
    """The forum's Berita Acara, as uploaded with its decision."""
    return FileStorage(stream=io.BytesIO(MAGETAN_BERITA_ACARA),
                       filename="berita-acara-forum.pdf", content_type="application/pdf")


def magetan_world(region: Region) -> Region:
    """The region with Magetan's people: each OPD's head (admin of its
    organization: ``head_a``, ``head_b``), a member of the forum (``forum``),
    and the Daftar Data of 2027 (three items of OPD A, one of OPD B)."""
    for key, org in (("head_a", region.opd_a), ("head_b", region.opd_b)):
        user = factories.User(name=f"kepala-{org['name']}",
                              email=f"kepala-{org['name']}@example.org", password="correct123")
        helpers.call_action("organization_member_create", context={"ignore_auth": True},
                            id=org["id"], username=user["name"], role="admin")
        region.users[key] = user
    region.users["forum"] = factories.User(name="anggota-forum", email="forum@example.org",
                                           password="correct123")
    WalidataRole(user="anggota-forum", role="forum")
    titles = {region.opd_a["id"]: ("Jumlah Puskesmas 2027", "Jumlah Posyandu 2027",
                                   "Jumlah Bidan Desa 2027"),
              region.opd_b["id"]: ("Jumlah Sekolah Dasar 2027",)}
    for org_id, item_titles in titles.items():
        for title in item_titles:
            DaftarDataItem(title=title, owner_org=org_id, year=2027)
    return region


def form_fields(html: str, form_id: str = "dataset-edit",
                scripts: bool = True) -> dict[str, Any]:
    """The values a browser would submit from the dataset form (inputs,
    textareas, selected options); with ``scripts`` false, as sent before the
    page's scripts ran (the hidden model of a new variable row included)."""
    form = html[html.index(f'id="{form_id}"'):]
    form = form[:form.index("</form>")]
    if scripts:
        form = re.sub(r'(?s)<div name="repeating-template".*?</fieldset>', "</fieldset>", form)
    fields: dict[str, Any] = {}

    def add(name: str, value: str) -> None:
        value = html_lib.unescape(value)
        if name in fields:
            existing = fields[name]
            fields[name] = (existing if isinstance(existing, list) else [existing]) + [value]
        else:
            fields[name] = value

    for tag in re.findall(r"<input\b[^>]*>", form):
        name = re.search(r'\bname="([^"]*)"', tag)
        kind = re.search(r'\btype="([^"]*)"', tag)
        if not name or (kind and kind.group(1) in ("submit", "button", "file", "checkbox")):
            continue
        value = re.search(r'\bvalue="([^"]*)"', tag)
        add(name.group(1), value.group(1) if value else "")
    for name, value in re.findall(r'(?s)<textarea\b[^>]*\bname="([^"]*)"[^>]*>(.*?)</textarea>',
                                  form):
        add(name, value)
    for name, body in re.findall(r'(?s)<select\b[^>]*\bname="([^"]*)"[^>]*>(.*?)</select>', form):
        for value in re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', body):
            add(name, value)
    return fields
