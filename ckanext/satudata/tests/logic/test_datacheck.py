# -*- coding: utf-8 -*-
"""The data files themselves are checked (issue H, items 2 and 3): each
uploaded table against the variables its dataset declares, and for
personal data; submission (and publication) is refused while a file fails;
a walidata administrator may override personal-data findings with a
reason; every transition records the result in its event."""
from __future__ import annotations

import io
import re
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers
from werkzeug.datastructures import FileStorage

from ..factories import (
    add_csv, complete_metadata, csv_upload, login, publish, request_state, to_ready,
)

#: declared: tahun, jenis_kelamin (missing from the table) and jumlah
VARIABLES = [
    {"name": "tahun", "definition": "Tahun", "data_type": "integer", "unit": "tahun"},
    {"name": "jenis_kelamin", "definition": "Jenis kelamin", "data_type": "category",
     "unit": ""},
    {"name": "jumlah", "definition": "Jumlah", "data_type": "integer", "unit": "orang"},
]
#: row 3 has a wrong type, row 4 an empty cell, row 5 repeats row 2, row 6 has
#: a value without a column (it was not reported)
BAD = "tahun,jumlah\n2025,10\n2025,sepuluh\n2025,\n2025,10\n2025,11,99\n"
GOOD = "tahun,jenis_kelamin,jumlah\n2025,L,10\n2025,P,12\n"
#: a plausible NIK: Jawa Barat (32), Kota Bandung (73), a woman born 05-06-1990
NIK_TABLE = "tahun,jumlah,keterangan\n2025,10,ok\n2025,11,NIK 3273014506900001\n"


def _prepare(region, text: str, variables=None) -> tuple[dict[str, Any], dict[str, Any]]:
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    if variables is not None:
        region.call("producer", "package_patch", id=request["package_id"], variables=variables)
    resource = add_csv(region, "producer", request["package_id"], text)
    return request, resource


def _checks(region, who: str, package_id: str, app) -> dict[str, Any]:
    with app.flask_app.test_request_context("/"):  # the portal's locale: id
        return region.call(who, "satudata_data_check_list", id=package_id)


def _file(checks: dict[str, Any], resource_id: str) -> dict[str, Any]:
    return next(f for f in checks["files"] if f["resource_id"] == resource_id)


def test_a_table_gives_exactly_its_errors_in_indonesian_with_row_and_column(
        region, run_jobs, smtp, app):
    request, resource = _prepare(region, BAD, VARIABLES)

    assert _file(_checks(region, "producer", request["package_id"], app),
                 resource["id"])["status"] == "pending"
    run_jobs()  # the check on upload, as the jobs worker runs it
    found = _file(_checks(region, "producer", request["package_id"], app), resource["id"])

    assert found["status"] == "invalid"
    assert [(e["code"], e["row"], e["letter"]) for e in found["errors"]] == [
        ("missing_column", 1, ""), ("type", 3, "B"), ("required", 4, "B"),
        ("duplicate_row", 5, ""), ("extra_cells", 6, "")]
    assert [e["message"] for e in found["errors"]] == [
        'Judul (baris 1): variabel "jenis_kelamin" yang dideklarasikan tidak mempunyai kolom',
        'Baris 3, kolom B "jumlah": "sepuluh" bukan bilangan bulat',
        'Baris 4, kolom B "jumlah": sel kosong (isi nilainya, atau "-" atau "..." bila '
        'data tidak tersedia)',
        "Baris 5 mengulang baris 2",
        "Baris 6 berisi 3 sel, judulnya 2: ada nilai tanpa kolom (pemisah di dalam "
        "sebuah nilai?)",
    ]


def test_a_total_row_and_the_notes_under_a_table_are_named_not_published(
        region, run_jobs, smtp, app):
    """A "Jumlah" row passed, and the chart counted every year twice; the
    source and notes under a BPS table were each told "the cell is empty
    (write - or ...)", which made them published data rows."""
    table = ("tahun,jenis_kelamin,jumlah\n2025,L,10\n2025,P,12\n2025,Jumlah,22\n"
             "2025,Jumlah  Kabupaten:,22\n2025,Total Fertility,3\n"
             ",,\nSumber: BPS Kota Metro,,\n*) angka sementara,,\n"
             "Sumber data - Dinas Kesehatan,,\n1) termasuk puskesmas pembantu,,\n")
    request, resource = _prepare(region, table, VARIABLES)
    run_jobs()
    found = _file(_checks(region, "producer", request["package_id"], app), resource["id"])
    assert [(e["code"], e["row"]) for e in found["errors"]] == [
        ("total_row", 4), ("total_row", 5), ("footnote", 8), ("footnote", 9),
        ("footnote", 10), ("footnote", 11)], found["errors"]
    assert found["errors"][0]["message"].startswith('Baris 4 adalah baris jumlah ("Jumlah")')
    assert "Sumber: BPS Kota Metro" in found["errors"][2]["message"]
    assert "sel kosong" not in str(found["errors"])
    # a BPS table's title above its columns' names: told what to do
    titled = add_csv(region, "producer", request["package_id"],
                     "Tabel 4.1 Tenaga Kesehatan,,\ntahun,jenis_kelamin,jumlah\n2025,L,10\n",
                     name="Tabel BPS")
    run_jobs()
    errors = _file(_checks(region, "producer", request["package_id"], app),
                   titled["id"])["errors"]
    assert errors[0]["code"] == "title_row", errors
    assert errors[0]["message"].startswith('Baris 1 berisi judul ("Tabel 4.1 Tenaga Kesehatan")')


def test_submit_is_refused_while_a_file_fails_and_passes_after_the_fix(region, app):
    request, resource = _prepare(region, BAD, VARIABLES)

    with app.flask_app.test_request_context("/"):
        with pytest.raises(tk.ValidationError) as e:
            region.call("producer", "satudata_request_submit", id=request["id"])
    assert list(e.value.error_dict) == ["resources"]
    assert "tidak sesuai dengan variabel yang dideklarasikan: 5 kesalahan" in \
        e.value.error_dict["resources"][0]
    assert request_state(region, request) == "requested"

    region.call("producer", "resource_update", id=resource["id"], package_id=request["package_id"],
                name="Tabel data", format="CSV", upload=csv_upload(GOOD), url="tabel.csv")
    result = region.call("producer", "satudata_request_submit", id=request["id"])

    assert result["state"] == "submitted"
    recorded = result["event"]["data"]["data_check"]["files"]
    assert [(f["resource_id"], f["status"], f["errors"]) for f in recorded] == [
        (resource["id"], "valid", 0)]


def test_every_transition_records_the_check_and_the_verifier_may_still_return(region):
    request, resource = _prepare(region, GOOD, VARIABLES)
    region.call("producer", "satudata_request_submit", id=request["id"])

    result = region.call("verifier", "satudata_request_return", id=request["id"],
                         note="Lihat laporan validasi berkas data",
                         field_notes={"resources": ["Baris 3 perlu dicek"]})

    assert result["state"] == "returned"
    assert result["event"]["data"]["data_check"]["files"][0]["status"] == "valid"


def test_a_changed_declaration_checks_the_file_again_at_submit(region):
    request, resource = _prepare(region, GOOD, VARIABLES)
    region.call("producer", "package_patch", id=request["package_id"],
                variables=VARIABLES + [{"name": "kecamatan", "data_type": "text"}])

    with pytest.raises(tk.ValidationError):
        region.call("producer", "satudata_request_submit", id=request["id"])


def test_a_dataset_without_any_data_file_cannot_be_submitted(region):
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    for res in helpers.call_action("package_show", id=request["package_id"])["resources"]:
        region.call("producer", "resource_delete", id=res["id"])

    with pytest.raises(tk.ValidationError) as e:
        region.call("producer", "satudata_request_submit", id=request["id"])
    assert list(e.value.error_dict) == ["resources"]


def test_a_table_of_a_header_alone_is_no_data(region, run_jobs, smtp, app):
    """A CSV of its header row only passed the check (and counted as the
    period's data table); an empty XLSX sheet was refused."""
    request, resource = _prepare(region, "tahun,jumlah\n\n,\n")
    run_jobs()
    checked = _file(_checks(region, "producer", request["package_id"], app), resource["id"])
    assert checked["status"] == "unreadable"
    assert "tidak ada baris data" in checked["errors"][0]["message"]
    with pytest.raises(tk.ValidationError):
        region.call("producer", "satudata_request_submit", id=request["id"])


def _workbook_with_computed_formulas(year: int) -> bytes:
    """An XLSX as Excel saves it: column C a formula with its computed
    result (openpyxl writes formulas without one: the result is added)."""
    import openpyxl
    import zipfile

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (["tahun", "jumlah", "persentase"], [year, 30, 0.3], [year, 70, 0.7]):
        sheet.append(row)
    plain = io.BytesIO()
    workbook.save(plain)
    result = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(result, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for n in (2, 3):
                    text = re.sub(rf'(<c r="C{n}"[^>]*>)(<v>)', rf"\1<f>B{n}/100</f>\2", text)
                assert text.count("<f>") == 2
                data = text.encode()
            target.writestr(item, data)
    return result.getvalue()


def test_a_workbook_s_formulas_are_read_as_excel_computed_them(region, run_jobs, smtp, app):
    """Nearly every OPD workbook has formulas: the check read their text
    ("=B2/100" is no number) and refused the file, while the DataStore and
    the public read the values Excel computed."""
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "package_patch", id=request["package_id"], variables=[
        {"name": "tahun", "definition": "Tahun", "data_type": "integer", "unit": "tahun"},
        {"name": "jumlah", "definition": "Jumlah", "data_type": "integer", "unit": "orang"},
        {"name": "persentase", "definition": "Persentase", "data_type": "decimal",
         "unit": "persen"}])
    resource = region.call("producer", "resource_create", package_id=request["package_id"],
                           name="Tabel rumus", format="XLSX", url="rumus.xlsx",
                           upload=FileStorage(io.BytesIO(_workbook_with_computed_formulas(
                               int(helpers.call_action("package_show", id=request[
                                   "package_id"])["data_year"]))), "rumus.xlsx"))
    run_jobs()
    checked = _file(_checks(region, "producer", request["package_id"], app), resource["id"])
    assert checked["status"] == "valid", checked["errors"]
    region.call("producer", "satudata_request_submit", id=request["id"])


def test_a_workbook_replacing_a_csv_is_read_as_a_workbook(region, run_jobs, smtp, app):
    """The table form kept "CSV" when a workbook replaced its file: the check
    read the XLSX as a CSV ("a binary file: save it as CSV or XLSX")."""
    request, resource = _prepare(region, GOOD, VARIABLES)
    year = int(helpers.call_action("package_show", id=request["package_id"])["data_year"])
    region.call("producer", "resource_patch", id=resource["id"], format="CSV",
                name="tabel.xlsx",
                upload=FileStorage(io.BytesIO(_workbook_with_computed_formulas(year)),
                                   "tabel.xlsx"))
    shown = helpers.call_action("resource_show", id=resource["id"])
    assert shown["format"] == "XLSX" and shown["mimetype"].endswith("spreadsheetml.sheet")
    # and back: a CSV named as its file takes the new file's name and type
    region.call("producer", "resource_patch", id=resource["id"], name="tabel.xlsx",
                upload=csv_upload(GOOD, "tabel-baru.csv"))
    shown = helpers.call_action("resource_show", id=resource["id"])
    assert (shown["format"], shown["mimetype"], shown["name"]) == (
        "CSV", "text/csv", "tabel-baru.csv")
    run_jobs()
    checked = _file(_checks(region, "producer", request["package_id"], app), resource["id"])
    assert checked["status"] != "unreadable", checked["errors"]



def test_a_workbook_of_percentages_formatted_by_excel_is_told_how_to_write_them(
        region, run_jobs, smtp, app):
    """A cell Excel shows as 4,2 % holds 0.042: the preview, the DataStore,
    the downloads and the book published that, a hundred times smaller than
    the figure declared in "persen", and the check passed it."""
    import openpyxl

    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    year = int(helpers.call_action("package_show", id=request["package_id"])["data_year"])
    region.call("producer", "package_patch", id=request["package_id"], variables=[
        {"name": "tahun", "definition": "Tahun", "data_type": "integer", "unit": "tahun"},
        {"name": "persentase", "definition": "Persentase", "data_type": "decimal",
         "unit": "persen"}])
    workbook = openpyxl.Workbook()
    workbook.active.append(["tahun", "persentase"])
    workbook.active.append([year, 0.042])
    workbook.active["B2"].number_format = "0.0%"
    content = io.BytesIO()
    workbook.save(content)
    resource = region.call("producer", "resource_create", package_id=request["package_id"],
                           name="Persentase", format="XLSX", url="persen.xlsx",
                           upload=FileStorage(io.BytesIO(content.getvalue()), "persen.xlsx"))
    run_jobs()
    checked = _file(_checks(region, "producer", request["package_id"], app), resource["id"])
    assert checked["status"] == "unreadable", checked
    assert checked["errors"][0]["message"].startswith(
        "Kolom B berisi angka yang ditampilkan Excel sebagai persentase"), checked["errors"]


def test_a_workbook_with_data_on_another_sheet_is_refused_naming_it(
        region, run_jobs, smtp, app):
    """Only a workbook's first sheet is checked, screened and loaded, but the
    public downloads the whole file: a NIK on a second sheet was published
    unseen (and a table on the second sheet behind a note on the first was
    "no data rows", naming no sheet). An empty second sheet is no matter."""
    import openpyxl

    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "package_patch", id=request["package_id"],
                variables=VARIABLES[:1] + VARIABLES[2:])
    year = int(helpers.call_action("package_show", id=request["package_id"])["data_year"])

    def upload(name: str, extra: list[list[Any]] | None,
               first_hidden: bool = False) -> dict[str, Any]:
        workbook = openpyxl.Workbook()
        workbook.active.title = "Data"
        for row in (["tahun", "jumlah"], [year, 10]):
            workbook.active.append(row)
        sheet = workbook.create_sheet("Rahasia")
        for row in extra or []:
            sheet.append(row)
        if first_hidden:
            workbook.active.sheet_state = "hidden"
            workbook.active = 1
        buffer = io.BytesIO()
        workbook.save(buffer)
        return region.call("producer", "resource_create", package_id=request["package_id"],
                           name=name, format="XLSX", url=f"{name}.xlsx",
                           upload=FileStorage(io.BytesIO(buffer.getvalue()), f"{name}.xlsx"))

    hidden = upload("dua-lembar", [[], [None, "nama", "nik"],
                                   [None, "Budi", "3273014506900001"]])
    empty = upload("lembar-kosong", None)
    # the first sheet hidden: it is the one read (the producer was told to
    # delete the sheet they saw, the only one Excel showed)
    behind = upload("lembar-tersembunyi", [["tahun", "jumlah"], [year, 11]], first_hidden=True)
    run_jobs()
    checks = _checks(region, "producer", request["package_id"], app)
    shown = _file(checks, behind["id"])["errors"][0]["message"]
    assert shown.startswith("Lembar pertama buku kerja, 'Data', tersembunyi"), shown
    refused = _file(checks, hidden["id"])
    assert refused["status"] == "unreadable"
    message = refused["errors"][0]["message"]
    assert "'Rahasia'" in message and "lembar" in message, message
    assert _file(checks, empty["id"])["status"] == "valid"
    with pytest.raises(tk.ValidationError):
        region.call("producer", "satudata_request_submit", id=request["id"])



def test_rows_past_the_range_a_workbook_declares_are_screened(region, run_jobs, smtp, app):
    """Read-only openpyxl stops at the range a workbook declares
    (``<dimension ref="A1:B2"/>``), Excel and LibreOffice show every row: a
    NIK in row 10 passed the check and the screening ("valid"), and went
    up the chain to the public."""
    import re
    import zipfile

    import openpyxl

    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "package_patch", id=request["package_id"],
                variables=[{"name": "nama", "data_type": "text"},
                           {"name": "nik", "data_type": "text"}])
    workbook = openpyxl.Workbook()
    for row in (["nama", "nik"], ["Puskesmas A", "-"]):
        workbook.active.append(row)
    workbook.active.cell(row=10, column=1, value="Budi")
    workbook.active.cell(row=10, column=2, value="3273014506900001")
    saved = io.BytesIO()
    workbook.save(saved)
    stated, crafted = zipfile.ZipFile(saved), io.BytesIO()
    with zipfile.ZipFile(crafted, "w") as out:  # the range a stale tool writes
        for entry in stated.infolist():
            data = stated.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:B2"', data)
            out.writestr(entry, data)
    resource = region.call("producer", "resource_create", package_id=request["package_id"],
                           name="tersembunyi", format="XLSX", url="tersembunyi.xlsx",
                           upload=FileStorage(io.BytesIO(crafted.getvalue()),
                                              "tersembunyi.xlsx"))
    run_jobs()
    checked = _file(_checks(region, "producer", request["package_id"], app), resource["id"])
    assert checked["status"] == "personal", checked
    with pytest.raises(tk.ValidationError):
        region.call("producer", "satudata_request_submit", id=request["id"])


def test_a_number_column_written_two_ways_is_told_with_its_rows(region, run_jobs, smtp, app):
    """Each figure was a number, so the check passed "12.5", "1.250" and
    "3,5" in one decimal column; the DataStore, which reads a column in one
    notation, left it text, and the public sorted the figures as words.
    The check names the column and two rows that disagree; a column in one
    notation (Indonesian here) passes."""
    variables = [VARIABLES[0], {"name": "nilai", "definition": "Nilai",
                                "data_type": "decimal", "unit": "persen"}]
    request, mixed = _prepare(region, 'tahun,nilai\n2025,12.5\n2025,"1.250"\n2025,"3,5"\n',
                              variables)
    alike = add_csv(region, "producer", request["package_id"],
                    'tahun,nilai\n2025,"1.250,5"\n2025,"3,5"\n2025,-\n', name="Sama")
    run_jobs()
    checks = _checks(region, "producer", request["package_id"], app)
    told = _file(checks, mixed["id"])
    assert told["status"] == "invalid"
    assert [e["message"] for e in told["errors"]] == [
        'Di kolom B "nilai" angka ditulis dengan lebih dari satu cara (baris 2: "12.5", '
        'baris 4: "3,5"): tidak dapat diketahui tanda mana pemisah ribuan dan mana '
        'pemisah desimal. Tulis semua angka di kolom itu dengan cara yang sama']
    assert _file(checks, alike["id"])["status"] == "valid"


# -- personal data ----------------------------------------------------------------------

def test_a_nik_is_blocked_listed_by_row_and_column_masked(region, app, run_jobs, smtp):
    variables = [*VARIABLES[:1], VARIABLES[2],
                 {"name": "keterangan", "data_type": "text", "unit": ""}]
    request, resource = _prepare(region, NIK_TABLE, variables)
    run_jobs()

    found = _file(_checks(region, "producer", request["package_id"], app), resource["id"])
    assert found["status"] == "personal"
    assert [(x["kind"], x["row"], x["letter"], x["field"]) for x in found["findings"]] == [
        ("nik", 3, "C", "keterangan")]
    assert "3273014506900001" not in str(found)
    assert found["findings"][0]["message"] == (
        'Baris 3, kolom C "keterangan": tampak seperti NIK (nomor induk kependudukan) '
        "(32************01)")
    with app.flask_app.test_request_context("/"):
        with pytest.raises(tk.ValidationError) as e:
            region.call("producer", "satudata_request_submit", id=request["id"])
    assert "memuat data pribadi: 1 temuan" in e.value.error_dict["resources"][0]


def test_an_override_with_a_reason_lets_it_through_and_is_in_the_timeline(region):
    variables = [*VARIABLES[:1], VARIABLES[2],
                 {"name": "keterangan", "data_type": "text", "unit": ""}]
    request, resource = _prepare(region, NIK_TABLE, variables)

    with pytest.raises(tk.NotAuthorized):
        region.call("producer", "satudata_request_override_screening", id=request["id"],
                    note="Saya yakin")
    with pytest.raises(tk.ValidationError) as e:
        region.call("walidata_admin", "satudata_request_override_screening",
                    id=request["id"])
    assert list(e.value.error_dict) == ["note"]
    region.call("walidata_admin", "satudata_request_override_screening", id=request["id"],
                note="Nomor contoh fiktif dari juknis, bukan NIK warga")
    result = region.call("producer", "satudata_request_submit", id=request["id"])

    assert result["state"] == "submitted"
    events = region.call("producer", "satudata_request_event_list", id=request["id"])
    override = next(ev for ev in events if ev["transition"] == "override_screening")
    assert override["note"] == "Nomor contoh fiktif dari juknis, bukan NIK warga"
    assert override["user_name"] == "admin-walidata"
    assert override["from_state"] == override["to_state"] == "requested"
    assert override["data"]["override"] == {resource["id"]: override["data"]["override"][
        resource["id"]]}
    assert result["event"]["data"]["data_check"]["files"][0]["overridden"] is True


def test_an_override_does_not_cover_a_file_changed_afterwards(region):
    variables = [*VARIABLES[:1], VARIABLES[2],
                 {"name": "keterangan", "data_type": "text", "unit": ""}]
    request, resource = _prepare(region, NIK_TABLE, variables)
    region.call("walidata_admin", "satudata_request_override_screening", id=request["id"],
                note="Fiktif")
    region.call("producer", "resource_update", id=resource["id"], package_id=request["package_id"],
                name="Tabel data", format="CSV", url="tabel.csv",
                upload=csv_upload(NIK_TABLE + "2025,12,hubungi 0812-3456-7890\n"))

    with pytest.raises(tk.ValidationError) as e:
        region.call("producer", "satudata_request_submit", id=request["id"])
    assert "resources" in e.value.error_dict


def test_an_override_from_a_page_before_the_file_was_replaced_is_refused(region, app, smtp,
                                                                        run_jobs):
    """The officer read one finding (an e-mail address); the producer then
    replaced the file with NIKs and phone numbers; the override posted from
    the page as it was accepted the new findings, never seen."""
    variables = [*VARIABLES[:1], VARIABLES[2],
                 {"name": "keterangan", "data_type": "text", "unit": ""}]
    request, resource = _prepare(region, NIK_TABLE, variables)
    run_jobs()  # the file checked
    admin = login(app, region.users["walidata_admin"]["name"])
    page = admin.get(f"/permintaan-data/{request['id']}").body
    shown = re.search(r'name="findings" value="([^"]+)"', page).group(1)
    assert shown.startswith(resource["id"] + ":")
    region.call("producer", "resource_update", id=resource["id"], package_id=request["package_id"],
                name="Tabel data", format="CSV", url="tabel.csv",
                upload=csv_upload(NIK_TABLE + "2025,12,hubungi 0812-3456-7890\n"))
    run_jobs()
    with pytest.raises(tk.ValidationError) as e:
        region.call("walidata_admin", "satudata_request_override_screening",
                    id=request["id"], note="Fiktif", findings=shown)
    assert "changed since the page was opened" in e.value.error_dict["resources"][0]
    # from its page: the reason typed kept with the refusal (it was thrown away,
    # under "the request cannot be submitted yet")
    refused = admin.post(f"/permintaan-data/{request['id']}/override_screening", data={
        "_csrf_token": re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1),
        "note": "Alamat surel ini fiktif", "findings": shown,
        "version": re.search(r'name="version" value="(\d+)"', page).group(1)},
        status=400).body
    box = refused[refused.index("satudata-step-refused"):]
    assert "Alamat surel ini fiktif" in box[:box.index("</div>")]
    assert "belum dapat diajukan" not in refused
    # read again, they are accepted
    again = re.search(r'name="findings" value="([^"]+)"', login(
        app, region.users["walidata_admin"]["name"]).get(
        f"/permintaan-data/{request['id']}").body).group(1)
    region.call("walidata_admin", "satudata_request_override_screening",
                id=request["id"], note="Fiktif", findings=again)


def test_an_override_without_findings_is_refused(region):
    request, _resource = _prepare(region, GOOD, VARIABLES)
    with pytest.raises(tk.ValidationError) as e:
        region.call("walidata_admin", "satudata_request_override_screening",
                    id=request["id"], note="Tidak perlu")
    assert list(e.value.error_dict) == ["resources"]


def test_publish_screens_again(region):
    """Personal data that reached ``ready`` (the override was given, then
    withdrawn from the record) is still stopped before publication."""
    import ckan.model as model
    from ckanext.satudata.model import RequestEvent

    variables = [*VARIABLES[:1], VARIABLES[2],
                 {"name": "keterangan", "data_type": "text", "unit": ""}]
    request, _resource = _prepare(region, NIK_TABLE, variables)
    region.call("walidata_admin", "satudata_request_override_screening", id=request["id"],
                note="Fiktif")
    to_ready(region, request, variables=variables)
    model.Session.query(RequestEvent).filter(
        RequestEvent.transition == "override_screening").delete()
    model.Session.commit()

    with pytest.raises(tk.ValidationError) as e:
        publish(region, request)
    assert "resources" in e.value.error_dict
    assert request_state(region, request) == "ready"


def test_a_change_of_what_is_checked_owes_a_check_and_a_description_does_not(region):
    """Every change of the files or of a field the check reads owes the data
    check and the DataStore load; a change of the description owes neither
    (the jobs would find nothing new)."""
    import sqlalchemy as sa
    import ckan.model as model
    from ckanext.satudata.model import OutboxEntry

    request, resource = _prepare(region, GOOD, VARIABLES)
    package_id = request["package_id"]

    def owed() -> int:
        model.Session.remove()
        return model.Session.execute(sa.select(sa.func.count()).select_from(OutboxEntry).where(
            OutboxEntry.job.in_(["check_data", "load_datastore"]))).scalar_one()

    start = owed()
    region.call("producer", "package_patch", id=package_id, notes="Deskripsi baru")
    shown = region.call("producer", "package_show", id=package_id)
    region.call("producer", "package_update", **dict(shown, notes="Deskripsi lagi"))
    assert owed() == start
    region.call("producer", "package_patch", id=package_id, variables=VARIABLES[:2])
    after_variables = owed()
    assert after_variables > start
    region.call("producer", "package_patch", id=package_id, data_year="2024")
    assert owed() > after_variables
    shown = region.call("producer", "package_show", id=package_id)
    shown["resources"][0]["url"] = "http://example.org/lain.csv"
    shown["resources"][0]["url_type"] = ""
    before_file = owed()
    region.call("producer", "package_update", **shown)
    assert owed() > before_file
