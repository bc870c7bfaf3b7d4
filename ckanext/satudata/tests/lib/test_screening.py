# -*- coding: utf-8 -*-
"""The pieces of the data check without a database: what the screening
counts as personal data (and what it leaves alone), the Table Schema built
from the declared variables, and an XLSX table read as text."""
from __future__ import annotations

import datetime

import openpyxl
import pytest

from ckanext.satudata.lib import preview, screening, tables, validation


@pytest.mark.parametrize("digits, plausible", [
    ("3273014506900001", True),    # Jawa Barat, a woman born 05-06-1990
    ("6471010101850002", True),    # Kalimantan Timur, a man born 01-01-1985
    ("9973014506900001", False),   # 99: no province
    ("3200014506900001", False),   # regency 00
    ("3273013206900001", False),   # day 32
    ("3273017206900001", False),   # day 72
    ("3273014513900001", False),   # month 13
    ("3273014506900000", False),   # serial 0000
])
def test_a_nik_needs_a_real_province_and_a_plausible_birth_date(digits, plausible):
    assert screening.is_nik(digits) is plausible


@pytest.mark.parametrize("cell, kinds", [
    ("3273014506900001", ["nik"]),
    ("NIK: 3273014506900001 (ibu)", ["nik"]),
    # written in groups, as on the card or a form (it was not found)
    ("3273 0145 0690 0001", ["nik"]), ("3273.0145.0690.0001", ["nik"]),
    ("32.73.01.450690.0001", ["nik"]), ("3273-0145-0690-0001", ["nik"]),
    ("01.234.567.8-901.234", ["npwp"]),
    ("012345678901234", ["npwp"]),
    ("0012345678901234", ["npwp"]),         # the 16-digit NPWP
    ("+62 812-3456-7890", ["phone"]),
    ("6281234567890", ["phone"]),
    ("0812 3456 789", ["phone"]),
    ("+62 21 5550123", ["phone"]),
    ("budi.santoso@example.co.id", ["email"]),
    # statistics are not personal data
    ("1234567", []), ("2025", []), ("64.71.01", []), ("3.141.592", []),
    ("9973014506900001", []),               # 16 digits, no NIK, no NPWP
    ("Rp 1.250.000.000", []), ("12,5", []),
    ("9973 0145 0690 0001", []),            # grouped, no NIK
    ("1.234.567.890.123.456.789", []),      # a long figure, no 16 digits of its own
])
def test_what_the_screening_finds(cell, kinds):
    findings, count = screening.scan(["kolom"], [[cell]])
    assert [f["kind"] for f in findings] == kinds and count == len(kinds)


def test_a_finding_is_masked_and_placed():
    findings, _count = screening.scan(["a", "b"], [["x", "y"], ["z", "kontak: ani@dinas.go.id"]])
    assert findings == [{"kind": "email", "row": 3, "column": 2, "letter": "B", "field": "b",
                         "masked": "a**@dinas.go.id"}]
    assert screening.mask("3273014506900001") == "32************01"


def test_the_table_schema_of_the_declared_variables():
    schema = validation.table_schema({
        "area_code": "64.71", "data_year": "2025", "reference_period": "2021-2025",
        "variables": [{"name": "kode_wilayah", "data_type": "category"},
                      {"name": "tahun", "data_type": "integer", "unit": "tahun"},
                      {"name": "rasio", "data_type": "decimal", "unit": "persen"},
                      {"name": "", "data_type": "text"}]})
    assert schema["fields"] == [
        {"name": "kode_wilayah", "type": "string", "satudata:area": "64.71",
         "constraints": {"required": True, "pattern": r"64\.71(\.\d{2,4})*"}},
        {"name": "tahun", "type": "integer", "unit": "tahun", "satudata:period": "2021–2025",
         "constraints": {"required": True, "enum": [2021, 2022, 2023, 2024, 2025]}},
        {"name": "rasio", "type": "number", "unit": "persen",
         "constraints": {"required": True}},
    ]


def test_a_wilayah_code_outside_the_area_says_how_to_write_it(app):
    """A BPS code (3318010, a kecamatan of Pati) was told it was outside Pati
    (33.18); "-", which the empty cell's message offers, was refused too."""
    schema = validation.table_schema({
        "area_code": "33.18", "variables": [{"name": "kode_wilayah", "data_type": "text"},
                                            {"name": "jumlah", "data_type": "integer"}]})
    errors, count = validation.validate(["kode_wilayah", "jumlah"],
                                        [["33.18.01", "5"], ["3318010", "7"], ["-", "12"]],
                                        schema)
    assert count == 1 and errors[0]["row"] == 3
    with app.flask_app.test_request_context("/"):
        message = validation.message(errors[0])
    assert "3318010" in message and "33.18.01" in message and "Kemendagri" in message
    # a code written right, of another area: no "write it with dots"
    errors, count = validation.validate(["kode_wilayah", "jumlah"], [["35.73", "5"]], schema)
    with app.flask_app.test_request_context("/"):
        message = validation.message(errors[0])
    assert "35.73" in message and "di luar wilayah yang dideklarasikan 33.18" in message
    assert "titik" not in message


def test_a_date_is_written_as_the_readme_says_and_told_so(app):
    """"31/01/2053" passed as a date, and so would "01/02/2053" (the first
    of February, or the second of January?): a date column holds
    YYYY-MM-DD, as the README says, and the error says so."""
    schema = validation.table_schema({"variables": [{"name": "tanggal",
                                                     "data_type": "date"}]})
    errors, count = validation.validate(
        ["tanggal"], [["2053-01-31"], ["31/01/2053"], ["01/02/2053"], ["-"]], schema)
    assert count == 2 and [e["row"] for e in errors] == [3, 4]
    with app.flask_app.test_request_context("/"):
        message = validation.message(errors[0])
    assert message == 'Baris 3, kolom A "tanggal": "31/01/2053" bukan tanggal (TTTT-BB-HH)'


def test_a_formula_without_its_result_says_what_to_do(app):
    """A workbook written by a program that does not compute holds formulas
    without results: '"=C2+D2" is not a whole number' told nothing."""
    schema = validation.table_schema({"variables": [{"name": "jumlah",
                                                     "data_type": "integer"}]})
    errors, count = validation.validate(["jumlah"], [["=C2+D2"], ["7"]], schema)
    assert count == 1 and errors[0]["code"] == "formula"
    with app.flask_app.test_request_context("/"):
        message = validation.message(errors[0])
    assert "=C2+D2" in message and "simpan lagi" in message


def test_a_text_a_spreadsheet_would_run_as_a_formula_is_refused(app):
    """A text cell "=HYPERLINK(…)" or "-2+3+cmd|…" passed the check and was
    published as it was: a spreadsheet opening the download ran it."""
    schema = validation.table_schema({"variables": [
        {"name": "kecamatan", "data_type": "string"}, {"name": "jumlah", "data_type": "integer"}]})
    hostile = ['=HYPERLINK("http://contoh.invalid","klik")', "@SUM(A1:A9)",
               "-2+3+cmd|' /C calc'!A0", "+cmd|' /C calc'!A0",
               # after the other list separator: a cell where Excel splits there
               'ket;=HYPERLINK("http://contoh.invalid")', "ket, @SUM(A1)"]
    plain = ["Kec. Sukamaju", "-", "+62 812-3456", "Tanah-Abang", "Laki-laki, -",
             "1,5; 2,5", "naik +/- 5%", "Turun, -3 sekolah", "Sumber: Dinkes, -diolah",
             "Jl. A, +/- 2 km dari pasar", "naik; -2 dibanding 2024"]
    errors, count = validation.validate(
        ["kecamatan", "jumlah"], [[value, str(n)] for n, value in enumerate(hostile + plain)],
        schema)
    assert count == len(hostile), errors
    assert [e["row"] for e in errors] == [2, 3, 4, 5, 6, 7]
    assert {e["code"] for e in errors} == {"runs_as_formula"}
    with app.flask_app.test_request_context("/"):
        message = validation.message(errors[0])
    assert message.startswith('Baris 2, kolom A "kecamatan": "=HYPERLINK(') and "rumus" in message


def test_a_header_a_spreadsheet_would_run_as_a_formula_is_refused(app):
    """The header row is cells too: "=cmd|' /C calc'!A0" as a column's name
    went through the chain and was published."""
    schema = validation.table_schema({"variables": [
        {"name": "jumlah", "data_type": "integer"}]})
    errors, _count = validation.validate(["jumlah", "=cmd|' /C calc'!A0"], [["1", ""]],
                                         schema)
    assert "header_formula" in [e["code"] for e in errors], errors
    with app.flask_app.test_request_context("/"):
        told = [validation.message(e) for e in errors if e["code"] == "header_formula"]
    assert told and told[0].startswith("Judul (baris 1): kolom B") and "rumus" in told[0]


def test_a_row_with_cells_past_the_header_repeats_no_row(app):
    """A five-cell row under a three-column header was told twice: its
    extra cells, and as repeating the three-cell row with its first cells."""
    schema = validation.table_schema({"variables": [
        {"name": "tahun", "data_type": "integer"}, {"name": "jumlah", "data_type": "integer"}]})
    errors, count = validation.validate(["tahun", "jumlah"],
                                        [["2024", "10"], ["2024", "10", "x", "y"]], schema)
    assert [e["code"] for e in errors] == ["extra_cells"], errors


def test_an_xlsx_table_is_read_as_text(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["tahun", "jumlah", "tanggal", "catatan"])
    sheet.append([2025, 10.0, datetime.datetime(2025, 12, 31), "=1+1"])
    sheet.append([2025, 12, None, None])
    path = tmp_path / "tabel"  # CKAN stores uploads without their suffix
    workbook.save(path)

    table = tables.read(str(path), "xlsx")

    assert table.labels == ["tahun", "jumlah", "tanggal", "catatan"]
    assert table.rows == [["2025", "10", "2025-12-31", "=1+1"], ["2025", "12", "", ""]]


def test_a_far_cell_of_a_small_workbook_is_read_as_one_wide_row(tmp_path, app):
    """A cell in the sheet's last column (XFD) 3,000 rows down: the rows
    were each padded to 16,384 cells (a 1.5 KB file kept a jobs worker
    for minutes); the far cell is a row wider than the header, reported."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["kecamatan", "jumlah"])
    sheet.append(["Kota", 1])
    sheet.cell(row=3000, column=16384, value=1)
    path = tmp_path / "tabel"
    workbook.save(path)

    table = tables.read(str(path), "xlsx")

    assert table.rows[0] == ["Kota", "1"]
    assert all(row == ["", ""] for row in table.rows[1:-1]) and len(table.rows) == 2999
    assert len(table.rows[-1]) == 16384 and table.rows[-1][-1] == "1"
    schema = validation.table_schema({"variables": [
        {"name": "kecamatan", "data_type": "text"}, {"name": "jumlah", "data_type": "integer"}]})
    errors, count = validation.validate(table.labels, table.rows, schema)
    assert [(e["code"], e["row"]) for e in errors] == [("extra_cells", 3000)]


def test_a_file_that_is_no_workbook_is_unreadable(tmp_path):
    path = tmp_path / "tabel"
    path.write_bytes(b"tahun,jumlah\n2025,1\n")
    with pytest.raises(tables.Unreadable) as e:
        tables.read(str(path), "xlsx")
    assert e.value.error["code"] == "not_xlsx"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_text_file_is_told_to_be_saved_as_utf8(tmp_path, encoding):
    """Excel's "Unicode Text" (UTF-16) was called a binary file."""
    path = tmp_path / "tabel"
    path.write_bytes("tahun\tjumlah\n2025\t1\n".encode(encoding))
    with pytest.raises(tables.Unreadable) as e:
        tables.read(str(path), "csv")
    assert e.value.error["code"] == "utf16"
    assert "UTF-16" in tables.read_message(e.value.error)


def test_a_utf32_file_and_a_doubled_byte_order_mark_are_named(tmp_path):
    """UTF-32 was told UTF-16; a second byte order mark left an invisible
    character in the first column's name, and the check both refused the
    column and missed the variable of the same name."""
    path = tmp_path / "tabel"
    path.write_bytes("tahun,jumlah\n2025,1\n".encode("utf-32"))
    with pytest.raises(tables.Unreadable) as e:
        tables.read(str(path), "csv")
    assert "UTF-32" in tables.read_message(e.value.error)
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbftahun,jumlah\n2025,1\n")
    with pytest.raises(tables.Unreadable) as e:
        tables.read(str(path), "csv")
    assert "byte order mark" in tables.read_message(e.value.error)
    path.write_bytes(b"\xef\xbb\xbftahun,jumlah\n2025,1\n")  # one is as Excel writes
    assert tables.read(str(path), "csv").labels == ["tahun", "jumlah"]


def test_a_workbook_of_many_sheets_names_a_few(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["tahun", "jumlah"])
    for n in range(12):
        book.create_sheet(f"Lembar {n}").append(["x"])
    path = tmp_path / "tabel.xlsx"
    book.save(path)
    with pytest.raises(tables.Unreadable) as e:
        tables.read(str(path), "xlsx")
    assert e.value.error["sheets"] == ("'Lembar 0', 'Lembar 1', 'Lembar 2', 'Lembar 3', "
                                       "'Lembar 4' … (+7)")

@pytest.mark.parametrize("content, says", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50, "binary"),
    ("tahun;jumlah\n2025;1\n".encode("utf-16"), "UTF-16"),
])
def test_a_csv_that_is_no_text_gets_a_reason_not_a_garbled_preview(tmp_path, content, says):
    path = tmp_path / "tabel"
    path.write_bytes(content)
    shown = preview._csv(str(path), 10)
    assert not shown.rows and says in shown.error


#: as Indonesian Excel saves a sheet "CSV (dipisah titik koma)": decimal
#: commas, a quoted cell holding the delimiter, CRLF, an empty last cell
EXCEL_ID_CSV = ('Kecamatan;Jumlah;Persentase (%);Keterangan\r\n'
                'Balikpapan Utara;1.234;12,5;"Termasuk; pos baru"\r\n'
                'Balikpapan Barat;87;33,75;\r\n'
                'Balikpapan Timur;-;...;Belum dilaporkan\r\n')


@pytest.mark.parametrize("text, delimiter", [
    (EXCEL_ID_CSV, ";"),
    ('a,b,c\n1,"x, y",3\n2,,4\n', ","),
    ("a\tb\n1\t2\n", "\t"),
    ("kode|nama\n64.71|Balikpapan\n", "|"),
])
def test_a_csv_delimiter_is_found_with_quoted_cells_and_empty_last_cells(
        tmp_path, text, delimiter):
    path = tmp_path / "tabel.csv"
    path.write_bytes(text.encode("cp1252" if delimiter == ";" else "utf-8"))
    table = tables.read(str(path), "csv")
    assert len(table.labels) == text.splitlines()[0].count(delimiter) + 1
    assert all(len(row) == len(table.labels) for row in table.rows)


def test_numbers_as_indonesian_spreadsheets_write_them_pass_the_check(tmp_path):
    path = tmp_path / "tabel.csv"
    path.write_bytes(EXCEL_ID_CSV.encode("utf-8"))
    table = tables.read(str(path), "csv")
    schema = validation.table_schema({"variables": [
        {"name": "Kecamatan", "data_type": "text"},
        {"name": "Jumlah", "data_type": "integer"},
        {"name": "Persentase (%)", "data_type": "decimal"},
        {"name": "Keterangan", "data_type": "text"}]})
    errors, count = validation.validate(table.labels, table.rows, schema)
    # the empty remark of row 3 is the one error: "-" and "..." say "not available"
    assert [(e["code"], e["row"], e["letter"]) for e in errors] == [("required", 3, "D")]
    for text in ("12,5x", "1.23", "1,5"):
        errors, _count = validation.validate(["Jumlah"], [[text]], schema)
        assert [e["code"] for e in errors if e["code"] == "type"] == ["type"], text


def test_a_workbooks_comments_links_and_properties_are_screened(tmp_path, app):
    """A NIK in a cell's comment, a ``mailto:`` link, an author's address:
    published unscreened (only the cells were read), in every download."""
    from openpyxl.comments import Comment

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["kecamatan", "jumlah"])
    sheet.append(["Kota", 5])
    sheet["B2"].comment = Comment("Dikonfirmasi ke Ibu Siti, NIK 1872014506900123", "x")
    sheet["A2"].hyperlink = "mailto:siti.rahayu@gmail.com"
    workbook.properties.creator = "budi.santoso@gmail.com"
    path = tmp_path / "tabel"
    workbook.save(path)
    findings, count = screening.scan_places(tables.workbook_places(str(path)))
    assert {(f["place"], f["kind"]) for f in findings} == {
        ("comment", "nik"), ("link", "email"), ("properties", "email")}
    assert count == 3 and all("1872014506900123" not in f["masked"] for f in findings)
    with app.flask_app.test_request_context("/"):  # where, in the reader's language
        told = " ".join(screening.message(f) for f in findings)
    assert "komentar" in told and "tautan" in told and "properti berkas" in told


@pytest.mark.parametrize("written", [
    "+62 (21) 555-1234", "62 812 3456 7890", "62-812-3456-7890", "(+62) 812 3456 7890",
    "(0812) 3456-7890", "0812\u20133456\u20137890"])
def test_a_phone_number_as_people_write_it_is_found(written):
    findings, count = screening.scan(["kontak"], [[written]])
    assert count == 1 and findings[0]["kind"] == "phone", written


@pytest.mark.parametrize("written", [
    "1872014506900123.0", "1,872,014,506,900,123", "\uff11\uff18\uff17\uff12014506900123"])
def test_a_nik_as_spreadsheets_export_it_is_found(written):
    findings, count = screening.scan(["nik"], [[written]])
    assert count == 1 and findings[0]["kind"] == "nik", written


def test_the_header_row_is_screened():
    findings, count = screening.scan(["jumlah (narahubung siti@gmail.com)"], [["5"]])
    assert count == 1 and findings[0]["row"] == 1


def test_whole_numbers_with_english_thousands_pass_as_the_datastore_reads_them():
    """``1,234`` in a column of whole numbers was "not a whole number" (read
    as the Indonesian 1,234) while the DataStore stored 1234; a decimal
    column still reads ``12,5`` the Indonesian way."""
    schema = validation.table_schema({"variables": [
        {"name": "jumlah", "data_type": "integer"}, {"name": "rasio", "data_type": "decimal"}]})
    errors, count = validation.validate(
        ["jumlah", "rasio"], [["1,234", "12,5"], ["12,000", "3,25"], ["999", "1,5"]], schema)
    assert count == 0, errors
    assert validation.plain_number("12,5") == "12.5"
    assert validation.plain_number("1,234", whole=True) == "1234"


def test_texts_no_cell_uses_are_counted_as_the_cells_use_them(tmp_path):
    """The cells referring to a shared text were counted as the bytes
    ' t="s"' anywhere in a sheet: a comment holding them passed a workbook
    of 20,000 unused texts (each reading of it seconds again)."""
    import zipfile

    book = openpyxl.Workbook()
    book.active.append(["kecamatan", "jumlah"])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    spare = "".join(f"<si><t>sisa {n}</t></si>" for n in range(20_000))
    swollen = tmp_path / "swollen.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(swollen, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<!--" + b' t="s"' * 30_000
                                    + b"--><sheetData>")
            target.writestr(item, data)
        target.writestr("xl/sharedStrings.xml", '<x:sst xmlns:x="http://schemas.'
                        f'openxmlformats.org/spreadsheetml/2006/main">'
                        f'{spare.replace("<si>", "<x:si>").replace("</si>", "</x:si>")}'
                        "</x:sst>")
    assert preview.unused_strings(str(swollen)) == 20_000
    assert preview.unused_strings(str(plain)) == 0


def test_a_formula_whose_result_is_an_empty_text_is_read_empty(tmp_path):
    """Excel and LibreOffice store =IF(B2=0;"";A2+B2)'s empty result as an
    empty text (t="str", an empty v): it was read as the formula's text,
    shown in the reviewers' preview and refused as "a formula without its
    result: save it again" (saving again cannot help). A formula with no
    result at all (openpyxl writes them) is still its text."""
    import zipfile

    book = openpyxl.Workbook()
    book.active.append(["a", "b", "jumlah"])
    book.active.append([1, 0, '=IF(B2=0,"",A2+B2)'])
    book.active.append([1, 2, "=A3+B3"])
    written = tmp_path / "written.xlsx"
    book.save(written)
    computed = tmp_path / "computed.xlsx"
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(computed, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="C2"><f>', b'<c r="C2" t="str"><f>')
            target.writestr(item, data)
    table = tables.read(str(computed), "xlsx")
    assert [row[2] for row in table.rows] == ["", "=A3+B3"]


def test_the_preview_writes_a_date_as_the_check_reads_it(tmp_path):
    """A date cell was shown "1986-01-01 00:00:00" beside the check's
    "1986-01-01"."""
    book = openpyxl.Workbook()
    book.active.append(["tanggal", "jumlah"])
    book.active.append([datetime.datetime(1986, 1, 1), 5])
    path = tmp_path / "tabel.xlsx"
    book.save(path)
    assert preview._xlsx(str(path), 10).rows[1] == ["1986-01-01", "5"]


def test_two_columns_of_one_name_once_cut_as_the_datastore_keeps_them(app):
    """Two headers that differ only after their 63rd character passed the
    check, and the table could not be loaded ("Duplicate column names")."""
    head = "Jumlah Tenaga Kesehatan Menurut Jenis Kelamin dan Kelompok Umur Tahun 2025"
    labels = [head + " Laki-laki", head + " Perempuan"]
    schema = validation.table_schema({"variables": [
        {"name": name, "data_type": "integer"} for name in labels]})
    errors, _count = validation.validate(labels, [["1", "2"]], schema)
    assert [e["code"] for e in errors] == ["same_loaded_name"]
    with app.flask_app.test_request_context("/"):
        said = validation.message(errors[0])
    assert "63" in said and "kolom A" in said, said


@pytest.mark.parametrize("label", ['=HYPERLINK("http://x")', "_jumlah", " _id"])
def test_a_column_the_datastore_refuses_is_named_by_the_check(app, label):
    """A header holding a double quote passed the check, the verifier and
    both approvals, then the table never loaded ("is not a valid field
    name"): no preview, no data API, and xloader's English on the page."""
    schema = validation.table_schema({"variables": [
        {"name": "tahun", "data_type": "integer"}, {"name": label, "data_type": "text"}]})
    errors, _count = validation.validate(["tahun", label], [["2025", "a"]], schema)
    assert [e["code"] for e in errors] == ["unloadable_name"]
    with app.flask_app.test_request_context("/"):
        said = validation.message(errors[0])
    assert "kolom B" in said and "tanda petik ganda" in said, said
    assert validation.loadable_name("jumlah_anak") and validation.loadable_name("jumlah (jiwa)")


@pytest.mark.parametrize("first", [b"sep=;", b'"sep=;"', b"sep=; ", b"SEP=,"])
def test_excels_separator_line_is_named(tmp_path, first):
    """A first line "sep=;" (Excel's hint) was read as the header: every
    column "not declared", every variable "without a column"; quoted (as a
    CSV writer quotes a cell holding ";") or with a trailing blank, too."""
    path = tmp_path / "tabel"
    path.write_bytes(first + b"\r\ntahun;jumlah\r\n2025;1\r\n")
    with pytest.raises(tables.Unreadable) as e:
        tables.read(str(path), "csv")
    assert "sep=" in tables.read_message(e.value.error)


def test_a_workbooks_kept_preview_follows_its_file(tmp_path):
    """Previews of workbooks are kept (a workbook of 200,000 texts made each
    opening of its request's page wait seconds): a new file at the same
    place is read anew, and a caller's change of its copy reaches nobody."""
    import os

    path = tmp_path / "tabel.xlsx"
    for value, stamp in ((1, 1_000_000_000), (2, 2_000_000_000)):
        book = openpyxl.Workbook()
        book.active.append(["tahun", "jumlah"])
        book.active.append([2025, value])
        book.save(path)
        os.utime(path, ns=(stamp, stamp))
        first = preview._xlsx_once(str(path), 10)
        first.rows.append(["diubah"])  # the caller's copy
        assert preview._xlsx_once(str(path), 10).rows == [["tahun", "jumlah"],
                                                          ["2025", str(value)]]
