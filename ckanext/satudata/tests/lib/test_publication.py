# -*- coding: utf-8 -*-
"""The publication of a round, built by its background job: a PDF book that
contains every published dataset's title and data, an XLSX with one sheet
per dataset, both attached to a public dataset of the walidata; a rebuild
gives the same bytes."""
from __future__ import annotations

import dataclasses
import datetime
import io
import os
import re
from typing import Any

import openpyxl
import pypdf
import pytest

import ckan.lib.uploader as uploader
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.satudata.lib import publication
from ckanext.satudata.model import CollectionRound

from ..factories import TWO_ITEMS, add_csv, build_region, publish, to_ready


@pytest.fixture
def region(world_of):
    return world_of("two-items", lambda: build_region(item_titles=TWO_ITEMS))


def _read(resource: dict) -> bytes:
    with open(uploader.get_resource_uploader(resource).get_path(resource["id"]), "rb") as f:
        return f.read()


def _files(status: dict) -> tuple[bytes, bytes]:
    pkg = helpers.call_action("package_show", context={"user": "", "ignore_auth": False},
                              id=status["package_id"])
    by_format = {r["format"]: r for r in pkg["resources"]}
    assert set(by_format) == {"PDF", "XLSX"}
    return _read(by_format["PDF"]), _read(by_format["XLSX"])


def test_publication_book_and_compilation(region, run_jobs, smtp, app):
    published = []
    for index, request in enumerate(region.requests[:3]):
        who = "producer" if request["owner_org"] == region.opd_a["id"] else "producer_b"
        add_csv(region, who, request["package_id"],
                f"Kecamatan;Jumlah\nBalikpapan Kota;{10 + index}\nBalikpapan Utara;7\n")
        to_ready(region, request)
        publish(region, request)
        published.append(region.call("sysadmin", "package_show", id=request["package_id"]))
    # ready but not published: not in the book
    to_ready(region, region.requests[3], title="Data Belum Terbit")
    unpublished = region.call("sysadmin", "package_show",
                              id=region.requests[3]["package_id"])
    helpers.call_action("job_clear")

    with pytest.raises(tk.NotAuthorized):
        region.call("producer", "satudata_publication_build", round_id=region.round["id"])
    queued = region.call("walidata_admin", "satudata_publication_build",
                         round_id=region.round["name"])
    assert queued["status"] == "queued" and queued["progress"] == 0
    # who asked for it is in the round's trail
    assert [e["user_name"] for e in region.call("walidata_admin", "satudata_round_show",
                                                id=region.round["id"])["events"]
            if e["step"] == "publication_build"] == [region.users["walidata_admin"]["name"]]
    run_jobs()

    status = region.call("verifier", "satudata_publication_show",
                         round_id=region.round["id"])
    assert status["status"] == "done", status
    assert status["progress"] == 100 and status["dataset_count"] == 3
    # the round's public progress page links its book (a citizen found the
    # books only by searching "publikasi")
    book = helpers.call_action("package_show", id=status["package_id"])
    progress = app.get(f"/progres-data/{region.round['name']}").body
    assert f'href="/dataset/{book["name"]}"' in progress
    pdf, xlsx = _files(status)
    if os.environ.get("SATUDATA_KEEP_PUBLICATION"):
        open(os.environ["SATUDATA_KEEP_PUBLICATION"], "wb").write(pdf)

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for pkg in published:
        assert pkg["title"] in text
    assert unpublished["title"] not in text
    assert "Balikpapan Kota" in text and "Semester I 2026" in text
    assert len(reader.pages) >= 2 + len(published)  # cover, contents, one page each

    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert len(workbook.sheetnames) == len(published)
    titles = {sheet["A1"].value for sheet in workbook.worksheets}
    assert titles == {pkg["title"] for pkg in published}
    first = workbook.worksheets[0]
    values = [cell for row in first.iter_rows(values_only=True) for cell in row]
    assert "Kecamatan" in values and "Balikpapan Kota" in values

    # the compilation (a block of metadata above each table) is no table for
    # the DataStore: its load failed, an error badge on the publication
    xlsx_resource = next(r for r in helpers.call_action(
        "package_show", id=status["package_id"])["resources"] if r["format"] == "XLSX")
    assert not xlsx_resource.get("datastore_active")
    with pytest.raises(tk.ObjectNotFound):  # no load was tried
        helpers.call_action("xloader_status", resource_id=xlsx_resource["id"])

    # rebuilding gives the same content, byte for byte
    region.call("walidata_admin", "satudata_publication_build", round_id=region.round["id"])
    run_jobs()
    again = region.call("walidata_admin", "satudata_publication_show",
                        round_id=region.round["id"])
    assert again["status"] == "done"
    assert again["package_id"] == status["package_id"]
    assert (again["pdf_sha256"], again["xlsx_sha256"]) == (status["pdf_sha256"],
                                                           status["xlsx_sha256"])
    assert _files(again) == (pdf, xlsx)

    # a dataset of the round published after the book: the book holds it
    publish(region, region.requests[3])
    run_jobs()
    # and its producer is told it is on the portal
    producer = "producer" if region.requests[3]["owner_org"] == region.opd_a["id"] \
        else "producer_b"
    assert region.users[producer]["email"] in smtp.recipients(smtp.take())
    later = region.call("walidata_admin", "satudata_publication_show",
                        round_id=region.round["id"])
    assert later["status"] == "done" and later["dataset_count"] == 4
    assert "Data Belum Terbit" in "\n".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(_files(later)[0])).pages)


def test_a_failed_build_says_so_in_the_portals_words(region, monkeypatch):
    """A build that fails tells the walidata what to do, in the portal's
    language; the exception (English, technical: "validator/converter not
    found: ...") stays in the worker's log."""
    request = region.request_of(region.opd_a)
    add_csv(region, "producer", request["package_id"], "Kecamatan;Jumlah\nKota;1\n")
    to_ready(region, request)
    publish(region, request)
    helpers.call_action("job_clear")
    queued = region.call("walidata_admin", "satudata_publication_build",
                         round_id=region.round["id"])

    def broken(book):
        raise RuntimeError("validator/converter not found: 'satudata_x'")
    monkeypatch.setattr(publication, "pdf_bytes", broken)
    with pytest.raises(RuntimeError):
        publication.build_and_attach(queued["id"])
    status = region.call("walidata_admin", "satudata_publication_show",
                         round_id=region.round["id"])
    assert status["status"] == "failed"
    assert "converter" not in status["message"]
    assert status["message"].startswith("Publikasi tidak dapat disusun")


def test_an_xlsx_table_stored_without_its_extension_is_read(tmp_path):
    """CKAN stores an upload under its resource id: openpyxl refused the
    path ("does not support file format") and the book printed that error
    in English in place of every XLSX table."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["kecamatan", "jumlah", "tanggal"])
    workbook.active.append(["Magetan", 12, datetime.datetime(2024, 12, 31)])
    path = tmp_path / "6151912c-0000-4000-8000-000000000000"
    workbook.save(path)
    rows, total = publication._read_xlsx(str(path), 10)
    # a date cell as the check and its preview show it (the book printed
    # "2024-12-31T00:00:00")
    assert rows == [["kecamatan", "jumlah", "tanggal"], ["Magetan", 12, "2024-12-31"]]
    assert total == 2


def test_a_publication_of_no_public_data_is_not_shown(region, run_jobs, smtp):
    """Nothing of the round published: no book to build. Every dataset of
    the book withdrawn: the publication leaves the public (a book of no
    data stayed public) until data of the round is published again."""
    with pytest.raises(tk.ValidationError) as refused:
        region.call("walidata_admin", "satudata_publication_build", round_id=region.round["id"])
    assert "round_id" in refused.value.error_dict
    request = region.requests[0]
    to_ready(region, request)
    publish(region, request)
    region.call("walidata_admin", "satudata_publication_build", round_id=region.round["id"])
    run_jobs()
    book_id = region.call("walidata_admin", "satudata_publication_show",
                          round_id=region.round["id"])["package_id"]
    assert region.call("anonymous", "package_show", id=book_id)["num_resources"] == 2

    region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                note="Angka salah hitung")
    # off the public at once (its files hold the data withdrawn), not when
    # the jobs worker rebuilds it
    with pytest.raises(tk.ObjectNotFound):
        region.call("anonymous", "package_show", id=book_id)
    run_jobs()
    with pytest.raises(tk.ObjectNotFound):
        region.call("anonymous", "package_show", id=book_id)
    status = region.call("walidata_admin", "satudata_publication_show",
                         round_id=region.round["id"])
    assert status["status"] == "done" and status["dataset_count"] == 0

    publish(region, request)
    run_jobs()
    assert region.call("anonymous", "package_show", id=book_id)["private"] is False
    assert region.call("walidata_admin", "satudata_publication_show",
                       round_id=region.round["id"])["dataset_count"] == 1


def test_a_book_built_when_nothing_was_public_is_built_once_data_is(region, run_jobs, smtp):
    """Built while the round's only published data was being withdrawn, the
    publication said "nothing of this round is published" for good: the
    data published again did not enter it."""
    request = region.request_of(region.opd_a)
    add_csv(region, "producer", request["package_id"], "Kecamatan;Jumlah\nKota;1\n")
    to_ready(region, request)
    publish(region, request)
    helpers.call_action("job_clear")
    region.call("walidata_admin", "satudata_publication_build", round_id=region.round["id"])
    region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                note="Angka salah hitung")
    run_jobs()
    status = region.call("walidata_admin", "satudata_publication_show",
                         round_id=region.round["id"])
    assert (status["status"], status["package_id"]) == ("done", None)

    publish(region, request)
    run_jobs()
    status = region.call("walidata_admin", "satudata_publication_show",
                         round_id=region.round["id"])
    assert status["dataset_count"] == 1 and status["package_id"]
    assert region.call("anonymous", "package_show", id=status["package_id"])["num_resources"] == 2


def test_the_book_prints_the_indicators_definition_and_the_variables(app):
    """The book went from the indicator's name to its calculation: its
    definition, interpretation and the variables (on the dataset's page)
    were left out."""
    import flask_babel

    pkg = {"type": "dataset", "notes": "**Catatan**: data sementara\n\n- Sumber: SISDMK",
           "indicator_name": "Rasio bidan",
           "indicator_definition": "Bidan per 1.000 penduduk",
           "variables": [{"name": "tahun", "definition": "Tahun data",
                          "data_type": "integer", "unit": "tahun"},
                         {"name": "kecamatan", "definition": "", "data_type": "", "unit": ""}]}
    with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
        fields = dict(publication.key_fields(pkg))
    assert fields["Definisi indikator"] == "Bidan per 1.000 penduduk"
    # the description as the dataset page shows it, not its Markdown
    assert fields["Deskripsi"] == "Catatan: data sementara\nSumber: SISDMK"
    assert fields["Variabel"] == "tahun — Tahun data (Bilangan bulat, tahun)\nkecamatan"


def _book_of(region, pkg: dict, table: Any) -> Any:
    """The round's book of one dataset and its table."""
    return publication.Book(
        round=model.Session.get(CollectionRound, region.round["id"]),
        date=datetime.date(2026, 3, 2), walidata="Diskominfo", site_title="Portal",
        entries=[publication.Entry(number=1, pkg=pkg, organization="OPD", fields=[],
                                   tables=[table], anchor="dataset-1")])


def test_the_book_and_the_compilation_print_the_figures_the_datastore_holds(region, app):
    """The book read every CSV cell with Python's ``int``/``float``: a
    whole number written the Indonesian way (``1.234``) came out as 1.234,
    ``2.500`` as 2.5, and a code ``0010`` of a text column as 10 (the
    DataStore, loading the same file, holds 1234, 2500 and '0010'); a year
    declared a whole number is printed 2030, not 2.030."""
    import flask_babel

    request = region.request_of(region.opd_a)
    add_csv(region, "producer", request["package_id"],
            "jenis_nakes;jumlah;kode_posyandu;tahun\nBidan;1.234;0010;2030\n"
            "Perawat;\"2.500\";0020;2030\nDokter;-;0030;2030\n")
    pkg = dict(region.call("sysadmin", "package_show", id=request["package_id"]), variables=[
        {"name": "jenis_nakes", "data_type": "category"},
        {"name": "jumlah", "data_type": "integer"},
        {"name": "kode_posyandu", "data_type": "text"},
        {"name": "tahun", "data_type": "integer"}])
    table = publication.read_table(pkg)
    assert table.header == ["jenis_nakes", "jumlah", "kode_posyandu", "tahun"]
    assert table.rows == [["Bidan", 1234, "0010", 2030], ["Perawat", 2500, "0020", 2030],
                          ["Dokter", "-", "0030", 2030]]

    with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
        book = _book_of(region, pkg, table)
        html = publication.book_html(book)
        sheet = openpyxl.load_workbook(io.BytesIO(publication.xlsx_bytes(book))).worksheets[0]
    assert '<td class="num">1.234</td>' in html and '<td class="num">2.500</td>' in html
    assert "<td>0010</td>" in html
    assert '<td class="num">2030</td>' in html and "2.030" not in html
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "Bidan"]
    assert rows == [("Bidan", 1234, "0010", 2030)]


def test_every_table_of_a_dataset_is_in_the_book_and_the_compilation(region, app):
    """A dataset of two tables (one a published revision added): the book
    and the compilation printed the first only, the second left out
    without a note."""
    import flask_babel

    request = region.request_of(region.opd_a)
    add_csv(region, "producer", request["package_id"], "kecamatan;jumlah\nSatu;1\n",
            name="Tabel puskesmas")
    add_csv(region, "producer", request["package_id"], "kecamatan;jumlah\nDua;2\n",
            name="Tabel posyandu")
    pkg = region.call("sysadmin", "package_show", id=request["package_id"])
    tables = publication.read_tables(pkg)
    assert [t.source for t in tables] == ["Tabel puskesmas", "Tabel posyandu"]
    book = _book_of(region, pkg, tables[0])
    book.entries[0].tables = tables
    with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
        html = publication.book_html(book)
        sheet = openpyxl.load_workbook(io.BytesIO(publication.xlsx_bytes(book))).worksheets[0]
    assert "Tabel posyandu" in html and "<td>Dua</td>" in html and "<td>Satu</td>" in html
    cells = [row[0] for row in sheet.iter_rows(values_only=True) if row]
    assert {"Tabel puskesmas", "Satu", "Tabel posyandu", "Dua"} <= set(cells), cells


def test_a_long_word_stays_on_the_books_page(region, app):
    """A table cell and a dataset title with an unbroken word of 300
    characters ran off the A4 page (the cell, the heading and the running
    header); ordinary words stay whole."""
    import flask_babel

    request = region.request_of(region.opd_a)
    word = "Kode" + "x" * 300
    add_csv(region, "producer", request["package_id"],
            f"kecamatan;keterangan\nNgariboyo;{word}\n")
    pkg = dict(region.call("sysadmin", "package_show", id=request["package_id"]),
               title="Jumlah Posyandu " + word)
    table = publication.read_table(pkg)
    with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
        book = _book_of(region, pkg, table)
        pdf = publication.pdf_bytes(book)
    placed: list[tuple[float, str]] = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        width = float(page.mediabox.width)
        page.extract_text(visitor_text=lambda text, cm, tm, *_: placed.append(
            (tm[4] * cm[0] + cm[4], text)))
    outside = [(round(x), text[:20]) for x, text in placed
               if text.strip() and not 0 <= x <= width]
    assert outside == [], outside
    assert "Ngariboyo" in "".join(text for _x, text in placed)


def test_a_run_of_thousands_of_characters_is_printed_in_blocks_and_nothing_else_changes():
    """A report's text or a table's cell of 40,000 characters without a
    space held the jobs worker for 45 seconds: WeasyPrint lays the rest of
    such a run out again for each line it breaks off. A printed page now
    has it in blocks of a thousand; its characters, an entity in it, a
    link's address, a shorter run, ordinary words and the head are as they
    were."""
    from ckanext.satudata.lib import cells

    html = ('<html><head><title>' + "h" * 1_200 + '</title></head><body>'
            '<p title="' + "t" * 1_500 + '">Kata biasa ' + "y" * 999 + "&amp;" + "y" * 2_500
            + '</p><a href="http://contoh.id/' + "z" * 2_000 + '">Kode' + "x" * 990 + "</a>")
    printed = cells.printable_runs(html)
    assert printed.replace('<span class="run">', "").replace("</span>", "") == html
    texts = re.findall(r">([^<]*)<", printed.split("<body")[1])
    assert max(len(text) for text in texts) < 1_010
    assert printed.count('<span class="run">') == 4  # 999 + 1 + 2,500 characters
    assert not [text for text in texts if re.search(r"&(?!amp;)", text)]  # no entity cut
    assert "span" not in printed.split("<a")[1] and "span" not in printed.split("<body")[0]
    assert "t" * 1_500 in printed and "Kata biasa" in printed


def test_the_command_builds_the_publication_itself(region, cli, run_jobs, smtp):
    """``ckan satudata build-publication ROUND`` (the README's way to build a
    book at once) failed after marking the queued build done: the book was
    never built and the round's publication said "queued" for good (its
    rebuild refused: "being built")."""
    from ckanext.satudata.cli import satudata as satudata_command

    request = region.request_of(region.opd_a)
    add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2025,3\n")
    to_ready(region, request)
    publish(region, request)
    run_jobs()

    out = cli.invoke(satudata_command, ["build-publication", region.round["name"]])
    assert out.exit_code == 0, out.output
    assert "1 datasets" in out.output
    model.Session.remove()
    status = region.call("walidata_admin", "satudata_publication_show",
                         round_id=region.round["id"])
    assert (status["status"], status["dataset_count"]) == ("done", 1)
    pdf, _xlsx = _files(status)
    assert pdf.startswith(b"%PDF")
    run_jobs()  # the queued job, cancelled, builds nothing again
    again = region.call("walidata_admin", "satudata_publication_show",
                        round_id=region.round["id"])
    assert again["finished_at"] == status["finished_at"]

    # a build whose job ended without building it (cancelled here; given up
    # by the outbox) is asked again, not refused as "being built" for good
    from ckanext.satudata.lib import outbox

    queued = region.call("walidata_admin", "satudata_publication_build",
                         round_id=region.round["id"])
    with pytest.raises(tk.ValidationError, match="being built|sedang disusun"):
        region.call("walidata_admin", "satudata_publication_build",
                    round_id=region.round["id"])
    outbox.cancel(queued["job_id"])
    again = region.call("walidata_admin", "satudata_publication_build",
                        round_id=region.round["id"])
    assert again["status"] == "queued" and again["job_id"] != queued["job_id"]


def test_the_books_report_fetches_nothing_and_the_sheet_shows_its_text(region, app,
                                                                      monkeypatch, tmp_path):
    """A round report's image (Markdown or HTML) was fetched by the jobs
    worker from any address, inside the network too, and printed in the
    public book; the compilation's sheet showed the report's Markdown."""
    import flask_babel
    import weasyprint.urls

    fetched: list[str] = []

    def urlopen(request, *args, **kwargs):  # WeasyPrint's way out to another address
        fetched.append(getattr(request, "full_url", str(request)))
        raise OSError("no network in this test")

    monkeypatch.setattr(weasyprint.urls, "urlopen", urlopen)
    secret = tmp_path / "rahasia.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\n")
    body = ("# Ringkasan\n\nCakupan **naik** 4%.\nDua baris.\n\n[Lihat data](/dataset/nakes)\n\n"
            "![g](http://127.0.0.1:9/x.png)\n\n"
            '<img src="http://169.254.169.254/latest">\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n'
            # a file of the server's disk, its dot segments percent-encoded
            # (the address's check let it through, the file system read it)
            f"![s]({'%2e%2e/' * 12}{str(secret).lstrip('/')})\n\n"
            + "y" * 40_000)
    book = dataclasses.replace(
        _book_of(region, {"title": "Data"}, publication.Table(note="-")),
        report=publication.Report(title="Laporan Putaran", body=body,
                                  approved=datetime.date(2026, 3, 2)))
    with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
        pdf = publication.pdf_bytes(book)
        sheet = openpyxl.load_workbook(io.BytesIO(publication.xlsx_bytes(book))).worksheets[0]
    assert fetched == [], fetched
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    # a relative link is the portal's address, not a file of the server
    links = [annot.get_object().get("/A", {}).get("/URI") for page in pages
             for annot in page.get("/Annots") or []]
    assert "http://test.ckan.net/dataset/nakes" in links
    assert not [link for link in links if str(link).startswith("file:")], links
    text = " ".join(page.extract_text() for page in pages)
    assert "Laporan Putaran" in text and "Cakupan naik 4%." in " ".join(text.split())
    assert "Cakupan naik 4%.\nDua baris." in text  # the book keeps the text's lines
    # the report's run without a space is printed whole (over pages, between
    # their running headers)
    printed = "".join(text.split()).replace("\u200b", "")
    assert sum(len(run) for run in re.findall("y{2,}", printed)) == 40_000
    lines = [row[0] for row in sheet.iter_rows(values_only=True) if row and row[0]]
    assert lines[0] == "Laporan Putaran" and "Disetujui pada 2 Maret 2026" in lines
    assert "Ringkasan" in lines and "Cakupan naik 4%." in lines and "1 | 2" in lines
    assert "Dua baris." in lines  # a line of the text is a line of the sheet
    assert not [line for line in lines if line.startswith(("#", "|-", "!["))]
    # a line longer than a cell holds is cut into cells Excel opens
    assert all(len(line) <= 32_767 for line in lines)
    assert sum(len(line) for line in lines if set(line) == {"y"}) == 40_000


def test_a_withdrawal_while_the_first_book_is_built_is_not_left_in_it(region, run_jobs, smtp):
    """A withdrawal while the round's first book was being built: that
    build had read the withdrawn data, and the rebuild the withdrawal owed
    was skipped (no book yet), so the public book kept it. The rebuild now
    follows the build under way, one after the other."""
    import sqlalchemy as sa

    from ckanext.satudata.model import Publication
    from ..conftest import answer_while_held

    titles = {r["id"]: region.call("sysadmin", "package_show", id=r["package_id"])["title"]
              for r in region.requests}
    kept = region.requests[0]
    withdrawn = next(r for r in region.requests if titles[r["id"]] != titles[kept["id"]])
    for request in (kept, withdrawn):
        who = "producer" if request["owner_org"] == region.opd_a["id"] else "producer_b"
        add_csv(region, who, request["package_id"], "Kecamatan;Jumlah\nKota;1\n")
        to_ready(region, request)
        publish(region, request)
    run_jobs()
    queued = region.call("walidata_admin", "satudata_publication_build",
                         round_id=region.round["id"])
    # a worker took the build: it is reading the round, both datasets public
    model.Session.execute(sa.update(Publication).where(Publication.id == queued["id"])
                          .values(status="running"))
    model.Session.commit()
    region.call("walidata_admin", "satudata_request_withdraw", id=withdrawn["id"],
                note="Data keliru")
    # the rebuild the withdrawal owes waits for the build under way to end
    key = sa.func.hashtext("satudata_publication:" + queued["id"])
    model.Session.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
    rebuilt = answer_while_held(lambda: publication.refresh_for(withdrawn["id"]))
    assert not isinstance(rebuilt, Exception), rebuilt
    assert rebuilt is not None and rebuilt["dataset_count"] == 1, rebuilt
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(
        io.BytesIO(_files(rebuilt)[0])).pages)
    assert titles[kept["id"]] in text and titles[withdrawn["id"]] not in text


def test_a_short_table_is_printed_whole_with_its_heading(region, app):
    """A two-row table at the foot of its dataset's page was split: its
    heading, header and first row on one page, the other row under a
    repeated header on the next. Wherever the table falls, it is whole."""
    import flask_babel

    request = region.request_of(region.opd_a)
    add_csv(region, "producer", request["package_id"],
            "jenis_nakes;jumlah\nDokter;10\nPerawat;20\n")
    shown = region.call("sysadmin", "package_show", id=request["package_id"])
    table = publication.read_table(shown)
    split = []
    for lines in range(20, 60, 2):  # the description above it grows: the table moves down
        book = _book_of(region, shown, table)
        book.entries[0].fields = [("Deskripsi", "\n".join(
            f"Catatan baris {n}" for n in range(lines)))]
        with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
            pdf = publication.pdf_bytes(book)
        pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
        where = {word: [n for n, text in enumerate(pages) if word in text]
                 for word in ("Tabel data", "Dokter", "Perawat")}
        if len({n for found in where.values() for n in found}) != 1:
            split.append((lines, where))
    assert split == [], split
