# -*- coding: utf-8 -*-
"""The pages of public data requests through the app: the citizen's form
(with its errors at the fields, never a 500), the public list and page
without the requester's contact details, and the walidata's answer forms."""
from __future__ import annotations

import re

import pytest

from ..factories import csrf_token, log_out, login


@pytest.fixture
def region(world_of):
    from ..factories import build_region

    return world_of("region", build_region)


def test_a_request_sent_after_the_session_ended_is_kept_through_the_login(app, region):
    """Sent after a logout in another tab: the login page came, and the
    form after it was empty."""
    citizen = login(app, "warga")
    form = citizen.get("/permohonan-data/baru")
    assert log_out(citizen).status_code == 302
    details = "Per desa, 2020-2025. " * 400      # no cookie holds it
    sent = citizen.post("/permohonan-data/baru", data={
        "_csrf_token": csrf_token(form.body), "title": "Jumlah posyandu per desa",
        "description": details, "phone": "0813 1111 2222"}, follow_redirects=True)
    assert "/user/login" in sent.request.path
    assert "Permohonan Anda belum terkirim" in sent.body
    page = citizen.get("/user/login")
    assert citizen.post("/user/login", data={
        "login": "warga", "password": "correct123", "_csrf_token": csrf_token(page.body)},
        follow_redirects=False).status_code == 302
    again = citizen.get("/permohonan-data/baru")
    assert "Jumlah posyandu per desa" in again.body and details.strip() in again.body
    assert "0813 1111 2222" in again.body and "periksa lalu tekan" in again.body
    # shown once: the next form is a new request's
    assert "Jumlah posyandu per desa" not in citizen.get("/permohonan-data/baru").body


def test_a_kept_request_is_the_typists_and_within_the_forms_limits(app, region):
    """Anyone could leave megabytes in Redis for a day through the form, and
    the next person to log in on the browser was shown the draft; a draft
    typed with another contact address was dropped for its own typist."""
    def sign_in(client, name):
        page = client.get("/user/login")
        client.post("/user/login", data={"login": name, "password": "correct123",
                                         "_csrf_token": csrf_token(page.body)})

    # nobody was logged in on this browser: kept for nobody
    stranger = app.test_client().post("/permohonan-data/baru", data={
        "title": "Data nelayan", "description": "Per desa"}, follow_redirects=True)
    assert "Silakan masuk lalu kirim lagi" in stranger.body
    visitor = login(app, "warga")
    form = visitor.get("/permohonan-data/baru")
    log_out(visitor)
    huge = visitor.post("/permohonan-data/baru", data={
        "_csrf_token": csrf_token(form.body), "title": "Besar",
        "description": "x" * 1_000_000}, follow_redirects=True)
    assert "Silakan masuk lalu kirim lagi" in huge.body      # not kept
    kept = visitor.post("/permohonan-data/baru", data={
        "_csrf_token": csrf_token(form.body), "title": "Data nelayan",
        "description": "Per desa", "email": "kontak-lain@example.org"},
        follow_redirects=True)
    assert "isian Anda disimpan" in kept.body
    # another person logging in on the browser does not see it, nor takes
    # it away from its typist, who logs in after them (it was destroyed)
    sign_in(visitor, "produsen-a")
    assert "Data nelayan" not in visitor.get("/permohonan-data/baru").body
    log_out(visitor)
    sign_in(visitor, "warga")
    assert "Data nelayan" in visitor.get("/permohonan-data/baru").body
    # its typist does, with the contact address typed
    typist = login(app, "warga")
    form = typist.get("/permohonan-data/baru")
    log_out(typist)
    typist.post("/permohonan-data/baru", data={
        "_csrf_token": csrf_token(form.body), "title": "Data nelayan lagi",
        "description": "Per desa", "email": "kontak-lain@example.org"})
    sign_in(typist, "warga")
    again = typist.get("/permohonan-data/baru").body
    assert "Data nelayan lagi" in again and "kontak-lain@example.org" in again



def test_a_citizen_asks_and_the_walidata_answers(app, region):
    assert app.get("/permohonan-data/baru", follow_redirects=False).status_code == 302
    # the login page says why it came (it appeared without a word)
    visitor = app.test_client()
    assert "Masuk untuk meminta data" in visitor.get("/permohonan-data/baru",
                                                     follow_redirects=True).body

    citizen = login(app, "warga")
    form = citizen.get("/permohonan-data/baru")
    assert form.status_code == 200 and "Minta Data" in form.body
    bad = citizen.post("/permohonan-data/baru", data={
        "_csrf_token": csrf_token(form.body), "title": "", "description": "Per desa",
        "phone": "nomor saya"})
    assert bad.status_code == 400
    assert "Per desa" in bad.body                    # nothing typed is lost
    assert "bukan nomor telepon" in bad.body and "mis. 0812 3456 7890" in bad.body

    sent = citizen.post("/permohonan-data/baru", data={
        "_csrf_token": csrf_token(form.body), "title": "Jumlah UMKM per kecamatan",
        "description": "Tahun 2025", "phone": "0813 1111 2222",
        "email": "warga@example.org"}, follow_redirects=True)
    assert sent.status_code == 200
    assert "Jumlah UMKM per kecamatan" in sent.body and "0813 1111 2222" in sent.body
    request_url = sent.request.path
    assert request_url.startswith("/permohonan-data/")
    # the details keep their lines on the page (one paragraph, they lost them)
    assert 'class="col-sm-8 satudata-keep-lines">Tahun 2025</dd>' in sent.body
    # the same data asked again: refused, with a link to the open request
    # (the message showed a bare path)
    again = citizen.post("/permohonan-data/baru", data={
        "_csrf_token": csrf_token(form.body), "title": "jumlah umkm per kecamatan",
        "description": "Tahun 2025"})
    assert again.status_code == 400
    assert f'class="btn btn-default" href="{request_url}"' in again.body

    # the public and other users: the request, not the contact details
    for client in (app, login(app, "produsen-a")):
        page = client.get(request_url)
        assert page.status_code == 200 and "Jumlah UMKM per kecamatan" in page.body
        assert "0813 1111 2222" not in page.body and "warga@example.org" not in page.body
    listing = app.get("/permohonan-data")
    assert "Jumlah UMKM per kecamatan" in listing.body and "0813" not in listing.body
    # the filter of every open request is not named as one of the statuses
    # ("Waiting for an answer" beside "submitted, waiting for an answer")
    assert "Menunggu jawaban sesuai tenggatnya (diajukan atau diterima)" in listing.body
    assert ">Diajukan" in listing.body
    assert app.get("/permohonan-data?state=bukan-status").status_code == 400

    verifier = login(app, "verifikator")
    page = verifier.get(request_url)
    assert "0813 1111 2222" in page.body
    assert f"{request_url}/accept" in page.body and f"{request_url}/plan" not in page.body
    response = verifier.post(f"{request_url}/reject", data={
        "_csrf_token": csrf_token(page.body), "note": ""}, follow_redirects=True)
    assert "Berikan alasannya" in response.body      # the reason is required
    # said at the top too, linked to the form (far below on a small screen)
    top = response.body.index("satudata-step-refused")
    assert top < response.body.index('id="step-reject"')
    assert 'href="#step-reject"' in response.body[top:top + 600]
    response = verifier.post(f"{request_url}/reject", data={
        "_csrf_token": csrf_token(page.body), "note": "Data dikecualikan (UU 14/2008 Pasal 17)"},
        follow_redirects=True)
    assert "ditolak" in response.body and "Pasal 17" in response.body
    # its history says what happened, not the button's name ("Tolak: …")
    assert "Ditolak: <span class=\"satudata-keep-lines\">Data dikecualikan" in response.body
    assert "Tolak: Data dikecualikan" not in response.body
    # an officer who had the page open accepts it: the form of that step is
    # gone, so the reason and what was typed are said at the top (its link
    # led to no form: neither was seen)
    version = re.search(r'name="version" value="([^"]+)"', page.body).group(1)
    late = verifier.post(f"{request_url}/accept", data={
        "_csrf_token": csrf_token(page.body), "version": version,
        "note": "Akan kami siapkan"}, follow_redirects=True)
    top = late.body[late.body.index("satudata-step-refused"):]
    top = top[:top.index("</div>\n")]
    assert 'href="#step-accept"' not in top and "Akan kami siapkan" in top
    assert "sudah dijawab sejak halaman dibuka" in top, top
    # the refusal says how to object to it (UU 14/2008), on the citizen's page too
    assert "keberatan kepada PPID" in citizen.get(request_url).body
    own = citizen.get(request_url)
    assert "/accept" not in own.body
    assert citizen.post(f"{request_url}/accept", data={
        "_csrf_token": csrf_token(own.body)}).status_code == 403


def test_the_walidata_plans_a_request_into_the_year_it_chooses(app, region):
    """The plan form had no year: it always planned into this year's Daftar
    Data, whose rounds may be over (a request asked in December was never
    requested from the OPD)."""
    from ckan.tests import helpers

    from ckanext.satudata.lib import workdays

    citizen = login(app, "warga")
    form = citizen.get("/permohonan-data/baru")
    sent = citizen.post("/permohonan-data/baru", data={
        "_csrf_token": csrf_token(form.body), "title": "Jumlah bidan desa",
        "description": "Per desa"}, follow_redirects=True)
    request_url = sent.request.path
    admin = login(app, "admin-walidata")
    page = admin.get(request_url)
    next_year = workdays.today().year + 1
    assert f'<option value="{next_year}"' in page.body and 'name="year"' in page.body
    planned = admin.post(f"{request_url}/plan", data={
        "_csrf_token": csrf_token(page.body), "owner_org": region.opd_a["id"],
        "year": str(next_year)}, follow_redirects=True)
    assert "direncanakan dalam Daftar Data" in planned.body
    shown = helpers.call_action("satudata_public_request_show",
                                id=request_url.rsplit("/", 1)[-1])
    item = helpers.call_action("satudata_daftar_data_show", id=shown["item_id"])
    assert (item["title"], item["year"]) == ("Jumlah bidan desa", next_year)
    # the citizen reads in which year's list, and from which OPD (the status
    # alone said nothing of when to expect it)
    mine = citizen.get(request_url).body
    assert f"Masuk Daftar Data {next_year}: Dinas Kesehatan dimintai data ini" in mine


def test_the_opd_the_citizen_named_is_shown_and_planned_by_default(app, region):
    """The OPD a citizen named was stored but shown nowhere, and the plan
    form offered the first OPD of the list: one click planned the item for
    the wrong OPD."""
    from ckan.tests import helpers

    asked = helpers.call_action("satudata_public_request_create", context={"user": "warga"},
                                title="Jumlah sekolah inklusi", description="Per kecamatan",
                                owner_org=region.opd_b["name"])
    citizen_page = login(app, "warga").get(f"/permohonan-data/{asked['id']}").body
    assert 'satudata-public-request-org">Dinas Pendidikan<' in citizen_page
    page = login(app, "admin-walidata").get(f"/permohonan-data/{asked['id']}").body
    plan = page.split('id="plan-org"')[1].split("</select>")[0]
    assert f'<option value="{region.opd_b["name"]}" selected>' in plan
    assert plan.count(" selected") == 1
    # a citizen who did not know the OPD: the form asks to choose one (the
    # first of the list was chosen by default, and one click planned there)
    unknown = helpers.call_action("satudata_public_request_create", context={"user": "warga"},
                                  title="Jumlah taman kota", description="Per kelurahan")
    page = login(app, "admin-walidata").get(f"/permohonan-data/{unknown['id']}").body
    plan = page.split('id="plan-org"')[1].split("</select>")[0]
    assert re.search(r'^[^<]*<option value="">Pilih OPD</option>', plan), plan[:300]
    assert " selected" not in plan


def test_a_citizen_with_too_many_open_requests_is_told_when_the_form_opens(app, region):
    """A citizen with ten requests waiting learnt of the limit only once the
    form was filled in and its other errors mended, without a way to their
    requests."""
    from ckan.tests import helpers

    from ckanext.satudata.lib import public_requests

    for n in range(public_requests.MAX_OPEN):
        helpers.call_action("satudata_public_request_create", context={"user": "warga"},
                            title=f"Data ke-{n}", description="Per desa")
    citizen = login(app, "warga")
    form = citizen.get("/permohonan-data/baru")
    notice = form.body[form.body.index("satudata-requests-waiting"):][:700]
    assert "10 permohonan" in notice and "/permohonan-data/?mine=1" in notice
    # a form with another error too: the limit is what it is told
    refused = citizen.post("/permohonan-data/baru", data={
        "_csrf_token": csrf_token(form.body), "title": "Data nelayan", "description": " ",
        "phone": "bukan nomor"})
    assert refused.status_code == 400
    assert "10 permohonan yang masih menunggu jawaban" in refused.body
    # said once, by the notice with its link (the form's error said it again
    # in other words, without the link)
    assert "Ikuti permohonan itu" not in refused.body
    # no field is marked wrong for it (the title was)
    title = re.search(r'<input[^>]*id="field-title"[^>]*>', refused.body).group()
    assert "is-invalid" not in title and "aria-invalid" not in title, title
    # the walidata's staff are not counted
    assert "satudata-requests-waiting" not in login(app, "admin-walidata").get(
        "/permohonan-data/baru").body
