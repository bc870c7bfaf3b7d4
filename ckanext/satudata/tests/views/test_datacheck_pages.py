# -*- coding: utf-8 -*-
"""The check of the data files over HTTP (issue H): a producer uploads
hostile files through the resource form; after the jobs worker ran, the
resource's edit page, the dataset's edit page and the request page show a
clear report in Indonesian (never a 500), and the submit form is refused
with the report's reason while a well-formed CSV with a BOM and semicolons
passes."""
from __future__ import annotations

import io

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ..factories import complete_metadata, csrf_token, login

HOSTILE = [
    # bytes of no kind a .csv name hides (a zip, a picture or a PDF is refused at
    # upload, test_forms)
    ("biner.csv", b"\x00\xff\xfe\x01" * 2000,
     "Berkas bukan tabel teks: tampaknya berkas biner"),
    # an empty file is refused at upload (test_forms)
    ("judul-raksasa.csv",
     (",".join(f"kolom{i}" for i in range(10_000)) + "\n1,2\n").encode(),
     "Tabel memiliki 10000 kolom, lebih dari 500 kolom yang dapat diperiksa"),
    ("satu-baris.csv", b"x" * (5 * 1024 * 1024),
     "Satu baris atau sel berkas lebih panjang dari 131072 karakter"),
]


def _upload(app, client, package_id: str, name: str, content: bytes) -> str:
    new = tk.url_for("dataset_resource.new", id=package_id)
    page = client.get(new)
    response = client.post(new, data={
        "_csrf_token": csrf_token(page.body), "id": "", "name": name, "url": "",
        "format": "CSV", "save": "go-metadata", "upload": (io.BytesIO(content), name)},
        content_type="multipart/form-data", follow_redirects=False)
    assert response.status_code == 302, response.body[:2000]
    resources = helpers.call_action("package_show", id=package_id)["resources"]
    return next(r["id"] for r in resources if r["name"] == name)


@pytest.mark.parametrize("name, content, expected", HOSTILE,
                         ids=[h[0] for h in HOSTILE])
def test_a_hostile_file_gets_a_clear_report_never_a_500(app, region, run_jobs, smtp,
                                                        name, content, expected):
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    client = login(app, "produsen-a")
    resource_id = _upload(app, client, request["package_id"], name, content)
    run_jobs()

    pages = [tk.url_for("dataset_resource.edit", id=request["package_id"],
                        resource_id=resource_id),
             tk.url_for("dataset.edit", id=request["package_id"]),
             tk.url_for("satudata_request.read", id=request["id"])]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert expected in page.body, url
        assert 'data-status="unreadable"' in page.body
    # the request page leads to the file's edit page to replace it, and back
    # (it offered only "Download": five clicks through the dataset)
    assert f'/resource/{resource_id}/edit"' in client.get(pages[-1]).body
    assert f'href="{pages[-1]}"' in client.get(pages[0]).body
    # not handed to xloader: the DataStore status says why
    page = client.get(pages[0])
    assert "Tidak dapat dimuat" in page.body
    assert "Pemeriksaan data tidak dapat membaca berkas ini" in page.body
    assert not helpers.call_action("resource_show", id=resource_id).get("datastore_active")

    page = client.get(pages[-1])
    response = client.post(tk.url_for("satudata_request.take", id=request["id"],
                                      transition="submit"),
                           data={"_csrf_token": csrf_token(page.body)})
    assert response.status_code == 400
    assert "tidak dapat diperiksa" in response.body
    assert helpers.call_action("satudata_request_show", id=request["id"])["state"] == \
        "requested"


def test_a_csv_with_a_bom_and_semicolons_passes_and_is_submitted(app, region, run_jobs,
                                                                 smtp):
    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    client = login(app, "produsen-a")
    content = ("\ufefftahun;jumlah\r\n" + "".join(f"2025;{n}\r\n" for n in range(1200))
               ).encode("utf-8")
    resource_id = _upload(app, client, request["package_id"], "bom.csv", content)
    run_jobs()

    page = client.get(tk.url_for("dataset_resource.edit", id=request["package_id"],
                                 resource_id=resource_id))
    assert page.status_code == 200
    assert "Sesuai dengan variabel yang dideklarasikan" in page.body
    # its counts, in each language (English with its plurals), written as
    # each writes a number ("1200 baris")
    assert "1.200 baris, 0 kesalahan, 0 temuan data pribadi" in " ".join(page.body.split())
    english = client.get("/en" + tk.url_for("dataset_resource.edit", id=request["package_id"],
                                            resource_id=resource_id)).body
    assert "1,200 rows, 0 errors, 0 personal-data findings" in " ".join(english.split())
    page = client.get(tk.url_for("satudata_request.read", id=request["id"]))
    response = client.post(tk.url_for("satudata_request.take", id=request["id"],
                                      transition="submit"),
                           data={"_csrf_token": csrf_token(page.body)},
                           follow_redirects=False)
    assert response.status_code == 302
    assert helpers.call_action("satudata_request_show", id=request["id"])["state"] == \
        "submitted"


def test_the_reviewer_sees_the_report_beside_the_data_and_may_override(app, region,
                                                                       run_jobs, smtp):
    from ..factories import add_csv

    request = region.request_of(region.opd_a)
    complete_metadata(request["package_id"], "produsen-a")
    region.call("producer", "package_patch", id=request["package_id"], variables=[
        {"name": "tahun", "data_type": "integer"}, {"name": "jumlah", "data_type": "integer"},
        {"name": "kontak", "data_type": "text"}])
    add_csv(region, "producer", request["package_id"],
            "tahun,jumlah,kontak\n2025,10,budi@example.org\n")
    run_jobs()
    admin = login(app, "admin-walidata")

    page = admin.get(tk.url_for("satudata_request.read", id=request["id"]))
    assert page.status_code == 200
    assert "Ditemukan data pribadi" in page.body
    report = page.body[page.body.index('id="data-check"'):]
    report = report[: report.index("</section>")]
    # the report masks the value (the file's preview shows the data itself)
    assert "b***@example.org" in report and "budi@example.org" not in report
    assert "Baris 2, kolom C" in report
    assert "satudata-transition-override_screening" in page.body
    response = admin.post(tk.url_for("satudata_request.take", id=request["id"],
                                     transition="override_screening"),
                          data={"_csrf_token": csrf_token(page.body),
                                "note": "Alamat kantor dinas, bukan data pribadi"},
                          follow_redirects=True)
    assert response.status_code == 200
    assert "Kecualikan temuan data pribadi" in response.body  # in the timeline
    assert "Alamat kantor dinas, bukan data pribadi" in response.body
    assert "temuan dikecualikan oleh administrator walidata" in response.body
    producer = login(app, "produsen-a")
    assert "satudata-transition-override_screening" not in producer.get(
        tk.url_for("satudata_request.read", id=request["id"])).body
