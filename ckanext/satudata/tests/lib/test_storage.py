# -*- coding: utf-8 -*-
"""A revision's new file takes the place of the published file in the
transaction that publishes it: kept if it commits, undone if it rolls back."""
from __future__ import annotations

import gzip
import io
import os

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk

from ...lib import storage


def _write(resource_id: str, content: bytes) -> str:
    path = storage.resource_path(resource_id)
    assert path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(content)
    return path


@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("outcome", ["commit", "rollback"])
def test_a_file_takes_the_place_of_another_until_the_transaction_ends(outcome):
    model.Session.execute(sa.text("SELECT 1"))  # as publishing does, in a transaction
    live = _write("aaa11111-0000-4000-8000-000000000001", b"tahun,jumlah\n2024,10\n")
    staged = _write("bbb22222-0000-4000-8000-000000000002", b"tahun,jumlah\n2025,12\n")
    staged_mtime = os.stat(staged).st_mtime_ns
    assert storage.take_place("bbb22222-0000-4000-8000-000000000002",
                              "aaa11111-0000-4000-8000-000000000001")
    # at once, before the commit: readers never find the file missing
    with open(live, "rb") as f:
        assert f.read() == b"tahun,jumlah\n2025,12\n"
    assert os.stat(live).st_mtime_ns == staged_mtime  # the data check's fingerprint holds
    assert storage.took_place("aaa11111-0000-4000-8000-000000000001")
    getattr(model.Session, outcome)()
    with open(live, "rb") as f:
        content = f.read()
    if outcome == "commit":
        assert content == b"tahun,jumlah\n2025,12\n"
        assert not os.path.exists(staged)
    else:
        assert content == b"tahun,jumlah\n2024,10\n"
        assert os.path.exists(staged)
    # nothing else is left in the folder
    assert [n for n in os.listdir(os.path.dirname(live)) if "~" in n] == []
    assert not storage.took_place("aaa11111-0000-4000-8000-000000000001")
    assert not storage.take_place("ccc33333-0000-4000-8000-000000000003",
                                  "aaa11111-0000-4000-8000-000000000001")


@pytest.mark.ckan_config("ckan.max_resource_size", 1)
def test_a_file_a_byte_over_the_limit_is_told_larger_than_the_limit(app):
    """It read "the file is too large: 1 MB, the limit is 1 MB"."""
    upload = FileStorage(io.BytesIO(b"a" * (storage.MB + 1)), filename="tabel.csv")
    with app.flask_app.test_request_context("/"), pytest.raises(tk.ValidationError) as e:
        storage.refuse_unusable_upload({"upload": upload})
    assert e.value.error_dict["upload"] == ["Berkas terlalu besar: 1,1 MB, batasnya 1 MB"]


@pytest.mark.parametrize("content, refused", [
    (b"nama\tnik\nA\t1871011203800001\nB\t1871011203800002\n", True),
    (b"Catatan: data ini dihimpun dari puskesmas.\nKontak: dinkes@example.org\n", False),
    (b"Satu baris\tdengan tab\nbaris lain tanpa tab\n", False),   # prose with a tab
    # Excel's "Unicode Text" (UTF-16), a title line above, a short last row
    ("nama\tnik\nA\t1871011203800001\nB\t1871011203800002\n".encode("utf-16"), True),
    (b"Tabel 1. Penduduk\nnama\tnik\nA\t1871011203800001\nB\t1871011203800002\nC\n", True),
    (b"\tParagraf pertama menjorok.\n\tParagraf kedua menjorok.\n", False),
])
def test_a_text_file_holding_a_tab_separated_table_is_refused(content, refused):
    """A table saved by Excel as "Text (Tab delimited)" (.txt) went on
    unchecked and unscreened; a text file of notes stays allowed."""
    upload = FileStorage(io.BytesIO(content), "tabel.txt", content_type="text/plain")
    if refused:
        with pytest.raises(tk.ValidationError) as err:
            storage.refuse_unusable_upload({"upload": upload})
        assert "(.tsv)" in str(err.value.error_dict["upload"])
    else:
        storage.refuse_unusable_upload({"upload": upload})


@pytest.mark.parametrize("name, content, refused", [
    # NIKs under a name the data check does not read
    ("lampiran.txt", b"nama,nik\nA,1871011203800001\nB,1871011203800002\n", True),
    ("nik.txt", b"1871011203800001\n1871011203800002\n", True),           # one column
    ("data.dat", b"nama|nik\nA|1871011203800001\n", True),                 # pipes
    ("data", b"Tabel 1\nnama;nik\nA;1871011203800001\n", True),
    ("data.csv.", b"nama,nik\nA,1871011203800001\n", True),
    ("warga.json", b'[{"nama": "A", "nik": "1871011203800001"}]', True),
    ("warga.xml", b"<warga><nik>1871011203800001</nik></warga>", True),
    ("warga.html", b"<table><tr><td>A</td><td>1871 0112 0380 0001</td></tr></table>", True),
    ("warga.txt", "nama,nik\nA,1871011203800001\n".encode("utf-16"), True),  # UTF-16
    # (mtime 0: the same bytes, so the same test, in each xdist worker)
    ("warga.csv.gz", gzip.compress(b"nama,nik\nA,1871011203800001\n", mtime=0), True),
    # text without identifiers: a readme, a CSV named .txt, a contact block
    ("README.txt", b"Data ini dihimpun dari puskesmas, posyandu, dan klinik.\n"
                   b"Kontak: Dinas Kesehatan, Jl. Merdeka 1, Balikpapan.\n"
                   b"Telp: 0542-123456, dinkes@example.go.id\n", False),
    ("tabel.txt", b"kecamatan,jumlah\nSatu,4\nDua,3\nTiga,5\n", False),
    ("config.json", b'{"tahun": 2025, "jumlah": 1234567}', False),
    # a CSV is checked and screened by the data check, as before
    ("data.csv", b"nama,nik\nA,1871011203800001\n", False),
], ids=lambda value: value if isinstance(value, str) else None)
def test_a_citizens_identifier_in_a_file_the_data_check_does_not_read_is_refused(
        app, name, content, refused):
    """A CSV of NIKs named .txt, .json, .dat or nothing, an XML, an HTML
    table, a gzipped CSV went on unchecked and unscreened (the same named
    .csv was flagged as personal data); a readme with commas, refused as a
    "CSV under another name", is a document."""
    upload = FileStorage(io.BytesIO(content), name, content_type="text/plain")
    with app.flask_app.test_request_context("/"):
        if refused:
            with pytest.raises(tk.ValidationError) as err:
                storage.refuse_unusable_upload({"upload": upload})
            message = str(err.value.error_dict["upload"])
            assert "NIK" in message and "18**" in message, message
            assert "1871011203800001" not in message  # the value masked
        else:
            storage.refuse_unusable_upload({"upload": upload})
