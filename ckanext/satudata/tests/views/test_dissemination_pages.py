# -*- coding: utf-8 -*-
"""The dissemination pages through the app, the progress dashboard's
numbers, and the e-mails of publication and withdrawal (delivered by the
background jobs to a loopback SMTP server)."""
from __future__ import annotations

import datetime
import functools
import re

import pytest
from freezegun import freeze_time

from ckan.tests import helpers

from ..conftest import statements_run
from ..factories import (
    TWO_ITEMS, build_region, complete_metadata, csrf_token, login, publish, request_state,
    seen, to_ready,
)


@pytest.fixture
def region(world_of):
    return world_of("two-items", lambda: build_region(item_titles=TWO_ITEMS))


class TestRequestPage:
    def test_walidata_publishes_from_the_request_page(self, app, region):
        request = region.request_of(region.opd_a)
        to_ready(region, request)
        client = login(app, "admin-walidata")
        page = client.get(f"/permintaan-data/{request['id']}")
        assert page.status_code == 200
        publish_url = f"/permintaan-data/{request['id']}/diseminasi/publish"
        assert publish_url in page.body
        assert f"/permintaan-data/{request['id']}/diseminasi/schedule" in page.body
        assert "/diseminasi/withdraw" not in page.body  # not possible while ready

        # shown to everyone at once: not without the confirmation ticked
        unconfirmed = client.post(publish_url, data={"_csrf_token": csrf_token(page.body),
                                                     "note": "Rilis pagi"})
        assert unconfirmed.status_code == 400
        assert "Centang konfirmasi" in unconfirmed.body, unconfirmed.body[:300]
        assert ">Rilis pagi</textarea>" in unconfirmed.body  # what was typed is kept
        assert helpers.call_action("package_show", id=request["package_id"])["private"]
        assert 'name="confirm"' in page.body
        response = client.post(publish_url, data={"_csrf_token": csrf_token(page.body),
                                                  "confirm": "1"}, follow_redirects=True)

        assert response.status_code == 200
        pkg = helpers.call_action("package_show",
                                  context={"user": "", "ignore_auth": False},
                                  id=request["package_id"])
        assert pkg["private"] is False
        page = client.get(f"/permintaan-data/{request['id']}")
        assert "/diseminasi/withdraw" in page.body and "/diseminasi/archive" in page.body
        # archiving and withdrawing are confirmed too (one click archived)
        for step, typed, ticked in (("archive", "Arsip lama", "0"),
                                    ("withdraw", "Angka keliru", None)):
            assert f'id="confirm-{step}"' in page.body
            url = f"/permintaan-data/{request['id']}/diseminasi/{step}"
            unconfirmed = client.post(url, data={"_csrf_token": csrf_token(page.body),
                                                 "version": seen(request["id"]),
                                                 "note": typed,
                                                 **({"confirm": ticked} if ticked else {})})
            assert unconfirmed.status_code == 400
            assert "Centang konfirmasi" in unconfirmed.body
            assert f">{typed}</textarea>" in unconfirmed.body
            assert request_state(region, request) == "published"
        client.post(f"/permintaan-data/{request['id']}/diseminasi/archive",
                    data={"_csrf_token": csrf_token(page.body), "confirm": "1",
                          "version": seen(request["id"])})
        assert request_state(region, request) == "archived"

    def test_schedule_form_and_producer_cannot_publish(self, app, region):
        request = region.request_of(region.opd_a)
        to_ready(region, request)
        producer = login(app, "produsen-a")
        page = producer.get(f"/permintaan-data/{request['id']}")
        assert "/diseminasi/publish" not in page.body
        response = producer.post(f"/permintaan-data/{request['id']}/diseminasi/publish",
                                 data={"_csrf_token": csrf_token(page.body)})
        assert response.status_code == 403

        kadis = login(app, "kadis")
        page = kadis.get(f"/permintaan-data/{request['id']}")
        assert "/diseminasi/publish" not in page.body
        # the date picker offers no day already past (the server refused one)
        from ckanext.satudata.lib import workdays
        assert re.search(r'id="release-date"[^>]*min="%s"' % workdays.today().isoformat(),
                         page.body)
        # a refused step shows its form again with what was typed in it
        refused = kadis.post(f"/permintaan-data/{request['id']}/diseminasi/schedule", data={
            "_csrf_token": csrf_token(page.body), "release_date": "2001-03-01",
            "release_time": "10:45", "note": "Rilis bersama publikasi"})
        assert refused.status_code == 400
        assert 'value="2001-03-01"' in refused.body and 'value="10:45"' in refused.body
        assert ">Rilis bersama publikasi</textarea>" in refused.body
        scheduled = kadis.post(f"/permintaan-data/{request['id']}/diseminasi/schedule", data={
            "_csrf_token": csrf_token(page.body), "release_date": "2099-03-01",
            "release_time": "10:30"}, follow_redirects=True)
        # a Sunday: allowed, and said (every other date skips days off)
        assert "1 Maret 2099 bukan hari kerja" in scheduled.body
        calendar = app.get("/jadwal-rilis").body
        assert "1 Maret 2099 10.30 WIB" in calendar
        # its zone named as the times are (a citizen met "Asia/Jakarta")
        assert "waktu rilisnya (WIB)" in calendar and "Asia/Jakarta" not in calendar
        assert "Dinas Kesehatan" in calendar
        # the same time again, with a reason: nothing changed, and said so
        # (it read "done" and the reason went nowhere)
        again = kadis.post(f"/permintaan-data/{request['id']}/diseminasi/schedule", data={
            "_csrf_token": csrf_token(page.body), "release_date": "2099-03-01",
            "release_time": "10:30", "reason": "Alasan sama"}, follow_redirects=True)
        assert "Tidak ada yang diubah" in again.body and "selesai" not in again.body
        # moving it: the form starts from the release as it is (it offered
        # 09:00 and an empty date, and a new date alone reset the time)
        page = kadis.get(f"/permintaan-data/{request['id']}").body
        assert 'value="2099-03-01"' in page and 'value="10:30"' in page
        # its step in the timeline, in the reader's language and date format,
        # whatever the language it was scheduled in
        assert "Rilis: 1 Maret 2099 10.30 WIB" in page
        # and beside its status
        status = page[page.index("satudata-release-at"):][:120]
        assert "1 Maret 2099 10.30 WIB" in status, status
        english = kadis.get(f"/en/permintaan-data/{request['id']}").body
        assert "Release: 1 March 2099 10:30 WIB" in english and "Rilis:" not in english


class TestPublicationPage:
    @pytest.mark.usefixtures("clean_queues")
    def test_walidata_starts_a_build_and_follows_it(self, app, region):
        url = f"/publikasi/{region.round['name']}"
        to_ready(region, region.requests[0])  # a book of some data
        publish(region, region.requests[0])
        producer = login(app, "produsen-a")
        assert producer.get(url).status_code == 403
        admin = login(app, "admin-walidata")
        page = admin.get(url)
        build_form = f'<form method="post" action="{url}">'
        assert page.status_code == 200 and build_form in page.body
        admin.post(url, data={"_csrf_token": csrf_token(page.body)})
        status = login(app, "verifikator").get(url)
        assert 'data-status="queued"' in status.body
        assert build_form not in status.body  # staff, not an administrator
        round_page = admin.get(f"/permintaan-data/putaran/{region.round['name']}").body
        assert url in round_page


class TestPublicPages:
    def test_home_calendar_and_revision_pages(self, app, region):
        published, revised = region.requests_of(region.opd_a)
        for request in (published, revised):
            to_ready(region, request)
            publish(region, request)
        home = app.get("/").body
        assert "satudata-recently-published" in home
        title = region.call("sysadmin", "package_show", id=published["package_id"])["title"]
        assert title in home
        assert "/jadwal-rilis" in home and "/progres-data" in home

        region.call("producer", "package_patch", id=revised["package_id"],
                    title="Judul Bertahap")
        name = region.call("sysadmin", "package_show", id=revised["package_id"])["name"]
        producer = login(app, "produsen-a")
        edit = producer.get(f"/dataset/edit/{name}").body
        assert 'value="Judul Bertahap"' in edit  # the form edits the staged version
        dataset_page = producer.get(f"/dataset/{name}").body
        assert "satudata-staged-notice" in dataset_page
        public_page = app.get(f"/dataset/{name}").body
        assert "Judul Bertahap" not in public_page
        assert "twitter.com/share" in public_page  # published: anyone may share it
        verifier = login(app, "verifikator")
        # the producers' draft until they send it for review
        assert verifier.get(f"/dataset/{name}/revisi").status_code == 404
        region.call("producer", "satudata_request_revise", id=revised["id"])
        revision = verifier.get(f"/dataset/{name}/revisi")
        assert revision.status_code == 200 and "Judul Bertahap" in revision.body
        # the changed field by its label, the values as text (no JSON dump)
        assert '<th scope="row">Judul</th>' in revision.body
        assert "satudata-revision-changes" in revision.body
        app.get(f"/dataset/{name}/revisi", status=404)
        # under review its producers are told why it cannot be thrown away, not
        # offered a button that can only be refused
        own = producer.get(f"/dataset/{name}/revisi").body
        assert "/revisi/buang" not in own and "dapat dibuang setelah" in own

    def test_the_producer_sees_what_a_revision_does_to_a_table_and_discards_it(
            self, app, region):
        request = region.request_of(region.opd_a)
        to_ready(region, request)
        publish(region, request)
        pkg = region.call("sysadmin", "package_show", id=request["package_id"])
        table = pkg["resources"][0]
        table_url = f"/dataset/{pkg['name']}/resource/{table['id']}"
        edit_url = table_url + "/edit"
        producer = login(app, "produsen-a")
        assert edit_url in producer.get(table_url).body

        region.call("producer", "resource_delete", id=table["id"])
        page = producer.get(table_url).body
        # the table page says the revision removes it, and offers no edit
        # (the edit form has no staged version of it to change)
        assert "satudata-staged-notice" in page and "menghapus berkas data ini" in page
        assert edit_url not in page
        assert "satudata-staged-notice" not in app.get(table_url).body  # the public's

        revision_url = f"/dataset/{pkg['name']}/revisi"
        verifier_page = login(app, "verifikator").get(revision_url).body
        assert "/revisi/buang" not in verifier_page
        page = producer.get(revision_url).body
        assert "Buang perubahan yang disiapkan" in page
        assert f'href="/dataset/{pkg["name"]}">Versi yang dipublikasikan' in page
        # not without the confirmation
        response = producer.post(revision_url + "/buang",
                                 data={"_csrf_token": csrf_token(page)}, follow_redirects=True)
        assert "Centang konfirmasi" in response.body
        assert region.call("producer", "satudata_revision_show", id=pkg["id"]) is not None
        response = producer.post(revision_url + "/buang", data={
            "_csrf_token": csrf_token(page), "confirm": "1"}, follow_redirects=True)
        assert response.status_code == 200 and response.request.path == f"/dataset/{pkg['name']}"
        assert "Perubahan yang disiapkan telah dibuang" in response.body
        assert region.call("producer", "satudata_revision_show", id=pkg["id"]) is None
        page = producer.get(table_url).body
        assert edit_url in page and "satudata-staged-notice" not in page
        assert producer.get(edit_url).status_code == 200

    def test_a_revision_of_withdrawn_data_speaks_of_no_published_version(self, app, region):
        """Withdrawn data's staged changes were said to leave "the published
        version as it is", discarded too: nothing was published (the
        dataset answered 410)."""
        request = region.request_of(region.opd_a)
        to_ready(region, request)
        publish(region, request)
        region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                    note="Angka keliru")
        pkg = region.call("sysadmin", "package_show", id=request["package_id"])
        region.call("producer", "package_patch", id=pkg["id"], notes="Angka dibetulkan")
        producer = login(app, "produsen-a")
        revision_url = f"/dataset/{pkg['name']}/revisi"
        page = producer.get(revision_url).body
        assert "data sedang ditarik dari portal" in page and "versi yang terbit" not in page
        assert ">Versi yang ditarik</th>" in page and ">Dipublikasikan</th>" not in page
        response = producer.post(revision_url + "/buang", data={
            "_csrf_token": csrf_token(page), "confirm": "1"}, follow_redirects=True)
        assert "data tetap ditarik" in response.body
        assert "versi yang dipublikasikan tetap" not in response.body

    def test_progress_dashboard_counts_and_on_time_rate(self, app, region):
        a1, a2 = region.requests_of(region.opd_a)
        b1, _b2 = region.requests_of(region.opd_b)
        with freeze_time("2026-02-02 03:00:00"):  # before the submission deadline
            to_ready(region, a1)
        # the rest of the scenario runs on a frozen "today" (long after the
        # deadline), so the on-time rate does not depend on the real date
        with freeze_time("2026-12-01 03:00:00"):
            publish(region, a1)
            complete_metadata(b1["package_id"], "produsen-b")
            region.call("producer_b", "satudata_request_submit", id=b1["id"])
            region.call("verifier", "satudata_request_verify", id=b1["id"])

            with statements_run() as statements:
                dashboard = helpers.call_action("satudata_progress_dashboard",
                                                context={"user": "", "ignore_auth": False})
            assert len(statements) <= 3

            rows = {r["organization"]["name"]: r for r in dashboard["organizations"]}
            assert {k: rows["dinas-kesehatan"][k] for k in
                    ("requested", "submitted", "verified", "published", "on_time",
                     "on_time_rate")} == {"requested": 2, "submitted": 1, "verified": 1,
                                          "published": 1, "on_time": 1, "on_time_rate": 50}
            assert {k: rows["dinas-pendidikan"][k] for k in
                    ("requested", "submitted", "verified", "published", "on_time",
                     "on_time_rate")} == {"requested": 2, "submitted": 1, "verified": 1,
                                          "published": 0, "on_time": 0, "on_time_rate": 0}
            assert dashboard["totals"]["on_time_rate"] == 25

            page = app.get(f"/progres-data/{region.round['name']}")
            assert page.status_code == 200
            assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in page.body
            assert "Dinas Kesehatan" in page.body and "50%" in page.body
            table = re.search(r'<table class="table table-striped satudata-progress-table">.*?'
                              r'</table>', page.body, re.S).group(0)
            assert ">2</td>" in table

            # withdrawn: no longer counted as published
            region.call("walidata_admin", "satudata_request_withdraw", id=a1["id"],
                        note="Angka keliru")
            dashboard = helpers.call_action("satudata_progress_dashboard",
                                            context={"user": "", "ignore_auth": False})
            rows = {r["organization"]["name"]: r for r in dashboard["organizations"]}
            assert rows["dinas-kesehatan"]["published"] == 0


def test_every_sent_rounds_progress_is_public_and_the_current_one_first(app, region,
                                                                          monkeypatch):
    """Rounds were listed newest start first and only the first 50 had a
    page: a round sent for next year hid the current one, and an older
    round's address answered 404."""
    from ckanext.satudata.lib import publishing

    later = region.call("walidata_admin", "satudata_round_create", name="putaran-depan",
                        title="Putaran tahun depan", year=region.round["year"],
                        start_date=(datetime.date.today()
                                    + datetime.timedelta(days=400)).isoformat())
    region.call("walidata_admin", "satudata_round_send", id=later["id"], new_datasets=True)
    sooner = region.call("walidata_admin", "satudata_round_create", name="putaran-dekat",
                         title="Putaran berikutnya", year=region.round["year"],
                         start_date=(datetime.date.today()
                                     + datetime.timedelta(days=200)).isoformat())
    region.call("walidata_admin", "satudata_round_send", id=sooner["id"], new_datasets=True)
    dashboard = helpers.call_action("satudata_progress_dashboard",
                                    context={"user": "", "ignore_auth": False})
    assert dashboard["round"]["name"] == region.round["name"]  # started, not planned
    # the selector: the started ones, then those to come, the soonest first
    assert [r["name"] for r in dashboard["rounds"]] == [
        region.round["name"], "putaran-dekat", "putaran-depan"]
    only_one = functools.partial(publishing.public_rounds, limit=1)
    monkeypatch.setattr(publishing, "public_rounds", only_one)
    for name in (region.round["name"], "putaran-depan"):
        assert app.get(f"/progres-data/{name}").status_code == 200, name


def test_publish_and_withdraw_notify_the_producers(smtp, region, run_jobs):
    request = region.request_of(region.opd_a)
    to_ready(region, request)
    run_jobs()  # the steps' own e-mails (owed: clearing the queue does not cancel them)
    smtp.take()

    publish(region, request)
    run_jobs()
    sent = smtp.take()
    assert smtp.recipients(sent) == {"produsen-a@example.org"}
    assert "/dataset/" in sent[0]["body"]

    region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                note="Angka tahun lalu tertukar")
    run_jobs()
    sent = smtp.take()
    assert smtp.recipients(sent) == {"produsen-a@example.org"}
    assert "Angka tahun lalu tertukar" in sent[0]["body"]


def test_a_closed_rounds_progress_says_it_is_closed(app, region):
    """The public progress page of a closed round gave its submission
    deadline as if the OPDs were still delivering."""
    url = f"/progres-data/{region.round['name']}"
    assert "satudata-round-closed" not in app.get(url).body
    region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                state="closed")
    assert "Putaran ditutup: putaran tidak menerima data lagi." in app.get(url).body
    assert "The round is closed: it takes no more data." in app.get("/en" + url).body
