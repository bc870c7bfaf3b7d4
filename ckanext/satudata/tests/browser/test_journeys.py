# -*- coding: utf-8 -*-
"""Each role's journey through the portal in headless Chromium, in locale
``id`` (the portal's default): the producer fills in the metadata, uploads
a CSV and submits, then sees the verifier's reasons, fixes and resubmits;
the verifier reviews the values and a preview of the file, returns with a
note on a field and later verifies; the approvers approve at each level; the
walidata administrator publishes; a visitor finds the published dataset and
its file, and does not find an unpublished one.

Each journey starts from its own request, brought to the state the journey
starts from in-process (``conftest.World``); everything checked goes through
the browser. Steps that wait for a feature not built yet are ``xfail`` with
the feature's name.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from ckanext.satudata.lib import metadata

from ..factories import field_value
from .conftest import (CSV_BYTES, CSV_NAME, CSV_VARIABLES, PASSWORD, World,
                       assert_no_server_error, modules_started)

pytestmark = pytest.mark.slow

MAIN = "[role=main], main"  # CKAN's primary column
DONE = "selesai. Status permintaan kini:"  # the flash after a transition


def state_of(world: World, key: str) -> tuple[str, int]:
    r = world.call("sysadmin", "satudata_request_show", id=world.requests[key]["id"])
    return r["state"], r["approval_level"]


def open_request_from_queue(page: Any, world: World, title: str) -> None:
    """From the home page, through the header's "Permintaan Data", to the
    request of ``title``."""
    page.goto(world.url + "/")
    page.get_by_role("link", name=re.compile("Permintaan Data")).first.click()
    page.wait_for_url(re.compile(r"/permintaan-data/"))
    page.get_by_role("link", name=title, exact=True).first.click()
    page.wait_for_url(re.compile(r"/permintaan-data/[0-9a-f-]{36}$"))
    modules_started(page)
    assert_no_server_error(page)
    assert page.locator(MAIN).first.get_by_role("heading", level=1).first.inner_text().strip() == title


def on_portal(world: World, href: str) -> str:
    """``href`` on the running portal: the download URL of a file uploaded
    in the in-process set-up was made absolute with the ``ckan.site_url`` of
    test.ini (a name that does not resolve), and package_show serves the
    dataset as it was indexed then."""
    parts = urlsplit(href)
    return world.url + parts.path + (f"?{parts.query}" if parts.query else "")


def take(page: Any, transition: str, note: str = "") -> None:
    """Fill the note of a transition's form on the request page and press its
    button; the portal answers with "Langkah … selesai. Status permintaan kini: …"."""
    assert_no_server_error(page)
    form = page.locator(f"form.satudata-transition-{transition}")
    if note:
        form.locator("textarea[name=note]").fill(note)
    confirm = form.locator("input[name=confirm]")  # publishing is confirmed first
    if confirm.count():
        confirm.check()
    with page.expect_navigation():
        form.locator("button[type=submit]").last.click()
    assert_no_server_error(page)
    body = page.inner_text("body")
    assert DONE in body, body[:3000]


def fill_metadata(page: Any) -> None:
    """Fill every field a submission needs on the dataset form, the way a
    producer would (values derived from the schema's own definitions)."""
    # the form's JavaScript modules (select2, the slug preview) settle first:
    # a value typed while they start can be lost
    page.wait_for_load_state("networkidle")
    form = page.locator("form#dataset-edit")
    for field in metadata.required_fields("submit"):
        name = field["field_name"]
        if name in ("title", "name", "owner_org"):
            continue
        value = field_value(field)
        if "repeating_subfields" in field:
            if not form.locator(f"[name^='{name}-0-']").count():
                form.locator("fieldset:has(a[name=repeating-add]) a[name=repeating-add]").first.click()
            for sub, sub_value in value[0].items():
                _fill(form.locator(f"[name='{name}-0-{sub}']"), sub_value)
            continue
        _fill(form.locator(f"[name='{name}']").first, value)
    # what the producer typed is what the form holds when it is saved
    for field in metadata.required_fields("submit"):
        control = form.locator(f"[name='{field['field_name']}']").first
        if field["field_name"] in ("title", "name", "owner_org") or not control.count() \
                or control.get_attribute("type") == "checkbox":
            continue
        assert control.input_value(), f"{field['field_name']} is empty after filling it"


def _fill(control: Any, value: Any) -> None:
    tag = control.evaluate("e => e.tagName.toLowerCase()")
    if tag == "select":
        # select2 hides the <select>; choosing its option is what select2 does
        control.select_option(value if isinstance(value, list) else [str(value)], force=True)
    elif control.get_attribute("type") == "checkbox":
        control.check(force=True)
    else:
        control.fill(value if isinstance(value, str) else str(value), force=True)


def save_dataset_form(page: Any) -> None:
    with page.expect_navigation():
        page.locator("form#dataset-edit button[name=save]").click()


# -- the producer ---------------------------------------------------------------

def test_producer_fills_uploads_submits_then_fixes_and_resubmits(world, open_as, tmp_path):
    key, title = "producer", "Jumlah Puskesmas"
    dataset = world.datasets[key]
    page = open_as("produsen-a")
    open_request_from_queue(page, world, title)
    request_url = page.url

    # fill in the metadata through the dataset form
    page.get_by_role("link", name=re.compile("Lengkapi metadata|Edit data|Ubah")).first.click()
    page.wait_for_url(re.compile(r"/dataset/edit/"))
    assert_no_server_error(page)
    fill_metadata(page)
    save_dataset_form(page)
    assert not page.locator(".error-explanation, .alert-error, .alert-danger").count(), \
        page.inner_text("body")[:3000]
    saved = world.call("producer", "package_show", id=dataset["id"])
    assert saved.get("notes") and saved.get("license_id"), (saved, [
        (a["timestamp"], a["activity_type"], a["user_id"],
         (a.get("data") or {}).get("package", {}).get("notes"))
        for a in world.call("sysadmin", "package_activity_list", id=dataset["id"],
                            include_data=True)])

    # without a data file the request cannot be submitted: an error names it
    page.goto(request_url)
    submit_form = page.locator("form.satudata-transition-submit")
    if submit_form.count():
        with page.expect_navigation():
            submit_form.locator("button[type=submit]").last.click()
        assert_no_server_error(page)
        assert state_of(world, key)[0] == "requested"
        errors = page.locator(".satudata-error-summary, .alert-danger, .alert-error")
        assert errors.count() and "CSV" in errors.first.inner_text(), page.inner_text("body")[:3000]
        # a screen reader starts with what is wrong
        assert page.evaluate("document.activeElement.id") == "error-summary"

    # upload the CSV through the resource form
    page.goto(request_url)
    add_file = page.get_by_role("link", name=re.compile("data file|berkas data|file data", re.I))
    if add_file.count():
        add_file.first.click()
    else:
        page.goto(f"{world.url}/dataset/{dataset['name']}/resource/new")
    page.wait_for_url(re.compile(r"/resource/new"))
    modules_started(page)  # the upload field's module, before a file is chosen
    assert_no_server_error(page)
    csv = tmp_path / CSV_NAME
    csv.write_bytes(CSV_BYTES)
    upload = page.locator("input[type=file][name=upload]")
    if not upload.count():
        pytest.fail("the resource form has no file upload (U: uploads on)")
    upload.set_input_files(str(csv))
    page.locator("input[name=name]").fill("Jumlah puskesmas per kecamatan")
    with page.expect_navigation():
        page.locator("form#resource-edit button[name=save].btn-primary").last.click()
    resources = world.call("producer", "package_show", id=dataset["id"])["resources"]
    uploaded = [r for r in resources if r.get("url_type") == "upload"]
    assert uploaded and uploaded[0]["url"].endswith(CSV_NAME), resources

    # the table's columns are its declared variables (the form filled one
    # generic variable): declared as the producer would, checked at submit
    world.call("producer", "package_patch", id=world.requests[key]["package_id"],
               variables=CSV_VARIABLES)
    # submit from the request page
    page.goto(request_url)
    assert "100%" in page.locator(".satudata-request-checklist").first.inner_text()
    take(page, "submit", "Data 2025 terlampir")
    assert state_of(world, key)[0] == "submitted"
    assert not page.locator("form.satudata-transition-submit").count()

    # the verifier returns it (in-process), with a reason and a note on a field
    world.call("verifier", "satudata_request_return", id=world.requests[key]["id"],
               note="Satuan belum sesuai", field_notes={"unit": ["Gunakan satuan unit"]})

    # the producer sees the reason and the note, at the top of the request
    page.goto(request_url)
    main = page.locator(MAIN).first.inner_text()
    assert "Satuan belum sesuai" in main and "Gunakan satuan unit" in main
    top = main.split("Kelengkapan metadata")[0]
    if "Gunakan satuan unit" not in top:
        pytest.xfail("R: the reasons and per-field notes are not at the top of the request page")
    assert "Satuan" in top  # the field's label, not its key
    assert "unit:" not in main

    # fix the field on the edit form, where the note stands beside it
    page.get_by_role("link", name=re.compile("Edit data|Lengkapi metadata|Ubah")).first.click()
    page.wait_for_url(re.compile(r"/dataset/edit/"))
    beside = page.locator(".form-group:has([name=unit]) [role=note], "
                          ".form-group:has([name=unit]) + [role=note]")
    note_beside = beside.count() and "Gunakan satuan unit" in beside.first.inner_text()
    page.locator("[name=unit]").fill("unit")
    save_dataset_form(page)
    page.goto(request_url)
    take(page, "resubmit", "Satuan sudah diperbaiki")
    assert state_of(world, key)[0] == "resubmitted"
    assert world.call("producer", "package_show", id=dataset["id"])["unit"] == "unit"
    if not note_beside:
        pytest.xfail("R: the verifier's note is not shown beside its field on the edit form")


# -- the verifier ---------------------------------------------------------------

def test_verifier_reviews_with_preview_returns_then_verifies(world, open_as):
    key, title = "verifier", "Jumlah Tenaga Kesehatan"
    page = open_as("verifikator")
    open_request_from_queue(page, world, title)
    request_url = page.url
    main = page.locator(MAIN).first

    # every value with its label, and a preview of the file's first rows
    text = main.inner_text()
    assert "Uji unit" in text and "Satuan" in text
    preview = page.locator("table.satudata-preview, .satudata-preview table")
    if not preview.count():
        pytest.xfail("R: no preview of the data file on the request page")
    assert "Kecamatan Satu" in preview.first.inner_text()
    download = page.get_by_role("link", name=re.compile("Unduh")).first
    response = page.request.get(on_portal(world, download.get_attribute("href")))
    assert response.ok and response.body() == CSV_BYTES

    # return with a reason and a note beside the value it concerns
    page.locator("[name='field_note-unit']").fill("Satuan harus orang")
    take(page, "return", "Satuan perlu diperbaiki")
    assert state_of(world, key)[0] == "returned"
    events = world.call("verifier", "satudata_request_event_list",
                        id=world.requests[key]["id"])
    assert events[-1]["field_notes"] == {"unit": ["Satuan harus orang"]}

    # the producer resubmits (in-process); the verifier verifies
    world.call("producer", "satudata_request_resubmit", id=world.requests[key]["id"],
               note="Sudah diperbaiki")
    page.goto(request_url)
    # a note typed beside a value, then "Verifikasi": asked first (the notes
    # belong to the return, and were dropped without a word)
    page.locator("[name='field_note-unit']").fill("Catatan yang terlupa")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("form.satudata-transition-verify button[type=submit]").last.click()
    assert asked and "catatan" in asked[0].lower(), asked
    assert state_of(world, key)[0] == "resubmitted"
    page.locator("[name='field_note-unit']").fill("")
    take(page, "verify", "Lengkap")
    assert state_of(world, key) == ("verified", 1)


# -- the approvers ----------------------------------------------------------------

def test_approvers_approve_at_each_level(world, open_as):
    key, title = "approvers", "Cakupan Imunisasi Dasar"
    for user, expected in (("kabid", ("verified", 2)), ("kadis", ("ready", 2))):
        page = open_as(user)
        open_request_from_queue(page, world, title)
        take(page, "approve", "Setuju")
        assert state_of(world, key)[0] == expected[0]
        if expected[0] == "verified":
            assert state_of(world, key) == expected


# -- the walidata administrator ----------------------------------------------------

def test_walidata_admin_publishes(world, open_as):
    key, title = "walidata_admin", "Jumlah Rumah Sakit"
    dataset = world.datasets[key]
    visitor = open_as("anonymous")
    assert visitor.goto(f"{world.url}/dataset/{dataset['name']}").status == 404

    page = open_as("admin-walidata")
    open_request_from_queue(page, world, title)
    take(page, "publish", "Rilis")
    assert state_of(world, key)[0] == "published"

    response = visitor.goto(f"{world.url}/dataset/{dataset['name']}")
    assert response.status == 200
    assert dataset["title"] in visitor.locator(MAIN).get_by_role("heading", level=1).first.inner_text()


# -- the public visitor ---------------------------------------------------------------

def test_visitor_finds_the_published_dataset_and_its_file(world, open_as):
    published, unpublished = world.datasets["published"], world.datasets["unpublished"]
    page = open_as("anonymous")
    assert page.goto(world.url + "/").status == 200
    assert page.get_by_role("heading", level=1).count(), "the home page has no h1 (H)"

    # search from the home page
    search = page.locator("input[name=q]").first
    search.fill("Angka Harapan Hidup")
    with page.expect_navigation():
        search.press("Enter")
    assert "/dataset" in page.url
    results = page.locator(MAIN).first.inner_text()
    assert published["title"] in results
    page.get_by_role("link", name=published["title"]).first.click()
    page.wait_for_url(re.compile(rf"/dataset/{published['name']}$"))

    # the dataset page lists the file; the file downloads
    assert CSV_NAME in page.locator(MAIN).first.inner_text()
    page.get_by_role("link", name=re.compile(re.escape(CSV_NAME))).first.click()
    page.wait_for_url(re.compile(r"/resource/"))
    href = page.locator("a[href*='/download/']").first.get_attribute("href")
    response = page.request.get(on_portal(world, href))
    assert response.ok and response.body() == CSV_BYTES

    # an unpublished dataset is not found, by URL or by search
    assert page.goto(f"{world.url}/dataset/{unpublished['name']}").status == 404
    page.goto(f"{world.url}/dataset/?q=Demam+Berdarah")
    assert unpublished["title"] not in page.locator(MAIN).first.inner_text()


# -- the data itself: upload, report, fix, preview, chart ------------------------------

#: the producer's first table: the declared column "tahun" is missing, a
#: number is text, a cell is empty and a row repeats the one before
BAD_CSV = ("kecamatan,jumlah_puskesmas\n"
           "Kecamatan Satu,4\nKecamatan Dua,empat\nKecamatan Tiga,\nKecamatan Satu,4\n"
           ).encode("utf-8")


#: the corrected table: seven kecamatan (a phone lists their bars down the
#: screen)
KECAMATAN = ("Kecamatan Satu", "Kecamatan Dua", "Kecamatan Tiga", "Kecamatan Empat",
             "Kecamatan Lima", "Kecamatan Enam",
             "Kecamatan Tujuh Kepulauan Seribu Bagian Utara")  # a long name wraps
GOOD_CSV = ("kecamatan,jumlah_puskesmas,tahun\n" + "".join(
    f"{name},{n},2025\n" for n, name in enumerate(KECAMATAN, 3))).encode("utf-8")


def upload_on_resource_form(page: Any, path: Any, name: str = "") -> None:
    """Choose ``path`` in the resource form's file upload and save."""
    page.locator("input[type=file][name=upload]").set_input_files(str(path))
    if name:
        page.locator("input[name=name]").fill(name)
    with page.expect_navigation():
        page.locator("form#resource-edit button[name=save].btn-primary").last.click()
    assert_no_server_error(page)


def test_producer_uploads_sees_the_report_fixes_then_the_public_previews_and_charts(
        world, open_as, tmp_path, run_jobs, smtp):
    key, title = "data", "Jumlah Posyandu"
    dataset, request_id = world.datasets[key], world.requests[key]["id"]
    page = open_as("produsen-a")
    open_request_from_queue(page, world, title)
    request_url = page.url

    # the producer uploads a table that does not match its declared variables
    bad = tmp_path / "posyandu-salah.csv"
    bad.write_bytes(BAD_CSV)
    page.goto(f"{world.url}/dataset/{dataset['name']}/resource/new")
    upload_on_resource_form(page, bad, "Jumlah posyandu per kecamatan")
    resource = next(r for r in world.call("producer", "package_show", id=dataset["id"])["resources"]
                    if r.get("url_type") == "upload")
    run_jobs()  # the data check and the DataStore load, as the jobs worker runs them

    # the report, in Indonesian with row and column, on the resource's edit page
    page.goto(f"{world.url}/dataset/{dataset['name']}/resource/{resource['id']}/edit")
    assert_no_server_error(page)
    report = page.locator(".satudata-data-check").first.inner_text()
    assert 'variabel "tahun" yang dideklarasikan tidak mempunyai kolom' in report, report
    assert 'Baris 3, kolom B "jumlah_puskesmas": "empat" bukan bilangan bulat' in report, report
    assert 'Baris 4, kolom B "jumlah_puskesmas": sel kosong' in report, report
    assert "Baris 5 mengulang baris 2" in report, report

    # submit is refused while the table fails, with the reason on the page
    page.goto(request_url)
    with page.expect_navigation():
        page.locator("form.satudata-transition-submit button[type=submit]").last.click()
    assert_no_server_error(page)
    assert state_of(world, key)[0] == "requested"
    main = page.locator(MAIN).first.inner_text()
    assert "Permintaan belum dapat diajukan" in main, main[:3000]
    assert "tidak sesuai dengan variabel yang dideklarasikan: 4 kesalahan" in main, main[:3000]

    # the producer replaces the file with the corrected table: the check passes
    good = tmp_path / CSV_NAME
    good.write_bytes(GOOD_CSV)
    page.goto(f"{world.url}/dataset/{dataset['name']}/resource/{resource['id']}/edit")
    upload_on_resource_form(page, good)
    run_jobs()
    page.goto(f"{world.url}/dataset/{dataset['name']}/resource/{resource['id']}/edit")
    assert "Sesuai dengan variabel yang dideklarasikan" in \
        page.locator(".satudata-data-check").first.inner_text()
    page.goto(request_url)
    take(page, "submit", "Data sudah diperbaiki")
    assert state_of(world, key)[0] == "submitted"

    # before publication the public has no preview, no data API and no chart
    visitor = open_as("anonymous")
    assert visitor.goto(f"{world.url}/dataset/{dataset['name']}").status == 404
    api = visitor.request.get(f"{world.url}/api/3/action/datastore_search"
                              f"?resource_id={resource['id']}")
    assert api.status == 404 and "Kecamatan Satu" not in api.text()  # as a missing table

    # the chain decides and the walidata publishes (in-process)
    world.call("verifier", "satudata_request_verify", id=request_id, note="Lengkap")
    world.call("kabid", "satudata_request_approve", id=request_id, note="Setuju")
    world.call("kadis", "satudata_request_approve", id=request_id, note="Setujui rilis")
    world.call("walidata_admin", "satudata_request_publish", id=request_id, note="Rilis")
    run_jobs()

    # the visitor: the chart on the dataset page, drawn by Chart.js
    assert visitor.goto(f"{world.url}/dataset/{dataset['name']}").status == 200
    assert "Grafik" in visitor.locator(".satudata-dataset-chart").first.inner_text()
    figures = visitor.locator(".satudata-chart-figures").first.text_content()  # in <details>
    assert "jumlah_puskesmas" in figures
    assert chart_drawn(visitor) == {"across": "x", "named": len(KECAMATAN)}
    # on a phone the kecamatan are listed down the screen, each bar named on
    # a line of its own (turned names overlapped), the chart as tall as its
    # bars need and no wider than the phone
    phone = open_as("anonymous", width=390, height=844)
    phone.goto(f"{world.url}/dataset/{dataset['name']}")
    drawn = chart_drawn(phone)
    assert (drawn["across"], drawn["named"], drawn["rotation"]) == ("y", len(KECAMATAN), 0), \
        drawn
    assert drawn["height"] >= len(KECAMATAN) * 20 and drawn["right"] <= 390, drawn
    # every name whole within its axis (Chart.js gives names half the width:
    # a long one was cut at its start)
    assert drawn["widest"] <= drawn["names_width"], drawn

    # the preview of the table on the resource page (datatables_view, from the DataStore)
    visitor.goto(f"{world.url}/dataset/{dataset['name']}/resource/{resource['id']}")
    assert_no_server_error(visitor)
    frame = visitor.frame_locator("iframe").first
    frame.locator("table").first.wait_for(timeout=15_000)
    frame.get_by_text("Kecamatan Dua").first.wait_for(timeout=15_000)
    # and the data API
    rows = visitor.request.get(f"{world.url}/api/3/action/datastore_search"
                               f"?resource_id={resource['id']}").json()["result"]["records"]
    assert [r["kecamatan"] for r in rows] == list(KECAMATAN)


def chart_drawn(page: Any) -> dict[str, Any]:
    """How Chart.js drew the page's first chart: along which axis its
    areas run, how many it names, at which angle, and its box."""
    chart = page.locator(".satudata-chart canvas").first
    chart.wait_for()
    page.wait_for_function("c => window.Chart && Chart.getChart(c) !== undefined",
                           arg=chart.element_handle(), timeout=10_000)
    return chart.evaluate("""c => {
        const widest = (chart, scale) => {
            chart.ctx.font = Chart.helpers.toFont(scale.options.ticks.font).string;
            return Math.max(...scale.ticks.flatMap(t => [].concat(t.label)).map(
                line => chart.ctx.measureText(line).width));
        };
        const chart = Chart.getChart(c), across = chart.options.indexAxis || 'x';
        const areas = chart.scales[across], box = c.getBoundingClientRect();
        return across === 'x' && c.getBoundingClientRect().width > 500
            ? {across: across, named: areas.ticks.length}
            : {across: across, named: areas.ticks.length, rotation: areas.labelRotation,
               height: box.height, right: box.right, names_width: areas.width,
               widest: widest(chart, areas)};
    }""")


def _send_after_the_session_ended(page: Any) -> None:
    page.context.clear_cookies()  # the session ends meanwhile (a logout in another tab)
    save_dataset_form(page)
    assert "/user/login" in page.url
    assert "sesi anda telah berakhir" in page.content().lower()


def _log_in_here(page: Any, user: str, password: str = PASSWORD) -> None:
    """Log in on the login page the browser is on (it goes back to the form)."""
    page.locator("input[name=login]").fill(user)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").click()


def test_a_form_sent_after_the_session_ended_is_offered_back_after_login(world, open_as,
                                                                         tmp_path):
    """A producer's typed metadata was lost when the session had ended
    before the save (a logout in another tab): logged in again, the form
    showed the saved values. This browser kept what they changed and offers
    it back: to them only, without undoing a colleague's change made
    meanwhile, with the rows they added."""
    dataset = world.datasets["returned"]
    url = f"{world.url}/dataset/edit/{dataset['name']}"
    typed = "Deskripsi yang diketik sebelum sesinya berakhir"
    page = open_as("produsen-a")
    page.goto(url)
    page.locator("#field-notes").fill(typed)
    rows = page.locator('.scheming-subfield-group[data-field="variables"]').count()
    page.locator('a[name="repeating-add"]').first.click()
    page.locator(f'[name="variables-{rows}-name"]').fill("variabel_baru")
    _send_after_the_session_ended(page)
    # meanwhile the walidata corrects the title and adds a variable
    variables = world.call("sysadmin", "package_show", id=dataset["id"])["variables"]
    world.call("sysadmin", "package_patch", id=dataset["id"], title="Judul dari walidata",
               variables=variables + [{"name": "variabel_walidata", "data_type": "text"}])
    _log_in_here(page, "produsen-a")
    page.wait_for_url(re.compile(r"/dataset/edit/"))
    assert page.locator("#field-notes").input_value() != typed  # the saved value
    offer = page.locator(".satudata-kept")
    assert "sesi Anda telah berakhir" in offer.inner_text()
    # the time as the portal writes it, in its zone ("pukul 14.28 WIB")
    assert re.search(r"pukul \d\d\.\d\d WIB", offer.inner_text()), offer.inner_text()
    offer.locator("button.btn-primary").click()
    assert page.locator("#field-notes").input_value() == typed
    # the walidata's row kept, the producer's after it
    assert page.locator(f'[name="variables-{rows}-name"]').input_value() == "variabel_walidata"
    assert page.locator(f'[name="variables-{rows + 1}-name"]').input_value() == "variabel_baru"
    assert page.locator("#field-title").input_value() == "Judul dari walidata"  # kept
    page.locator('.scheming-subfield-group[data-field="variables"]').last.locator(
        'a[name="repeating-remove"]').click()
    save_dataset_form(page)
    saved = world.call("sysadmin", "package_show", id=dataset["id"])
    assert (saved["notes"], saved["title"]) == (typed, "Judul dari walidata")
    assert "variabel_walidata" in [v["name"] for v in saved["variables"]]
    # a field typed before a refused save counts too (the refused page shows
    # it typed: it was not offered back)
    page.goto(url)
    page.locator("#field-title").fill("Judul sebelum galat")
    page.locator("#field-producer_contact_email").fill("bukan-surel")
    save_dataset_form(page)
    assert page.locator("#error-summary").count()
    page.locator("#field-producer_contact_email").fill("kontak@dinkes.example.go.id")
    _send_after_the_session_ended(page)
    _log_in_here(page, "produsen-a")
    page.wait_for_url(re.compile(r"/dataset/edit/"))
    page.locator(".satudata-kept button.btn-primary").click()
    assert page.locator("#field-title").input_value() == "Judul sebelum galat"
    save_dataset_form(page)
    # kept once: the form opened again offers nothing
    page.goto(url)
    assert page.locator(".satudata-kept").count() == 0
    # another account logging in on the same tab is never offered it
    page.locator("#field-notes").fill("Teks rahasia produsen")
    _send_after_the_session_ended(page)
    _log_in_here(page, world.region.users["sysadmin"]["name"])
    page.wait_for_url(re.compile(r"/dataset/edit/"))
    assert page.locator(".satudata-kept").count() == 0
    assert "Teks rahasia produsen" not in page.content()
    assert_no_server_error(page)
    # a table saved with "save and add another" opens the same form again:
    # saved, it is not offered back as lost
    page = open_as("produsen-a")
    page.goto(f"{world.url}/dataset/{dataset['name']}/resource/new")
    csv = tmp_path / CSV_NAME
    csv.write_bytes(CSV_BYTES)
    page.locator("input[type=file][name=upload]").set_input_files(str(csv))
    page.locator("input[name=name]").fill("Tabel pertama")
    with page.expect_navigation():
        page.locator("form#resource-edit button[name=save][value=again]").click()
    assert page.url.endswith("/resource/new")
    assert "Tabel pertama" in [r["name"] for r in world.call(
        "sysadmin", "package_show", id=dataset["id"])["resources"]]
    assert page.locator(".satudata-kept").count() == 0
