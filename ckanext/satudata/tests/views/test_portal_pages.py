# -*- coding: utf-8 -*-
"""The portal's own pages through the app: the Satu Data home page (its h1,
counts of public data only, no CKAN placeholder), the header's navigation
with the number of requests waiting for me, the dashboard's "Tugas saya"
and the one date format of every page (Indonesian and English)."""
from __future__ import annotations

import datetime
import html
import re

import pytest
from freezegun import freeze_time

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ..factories import TWO_ITEMS, build_region, complete_metadata, login, publish, to_ready

ID_MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
             "Agustus", "September", "Oktober", "November", "Desember"]


def _indonesian(day: datetime.date) -> str:
    return f"{day.day} {ID_MONTHS[day.month - 1]} {day.year}"


@pytest.fixture
def region(world_of):
    return world_of("two-items", lambda: build_region(item_titles=TWO_ITEMS))


def _counts(body: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="satudata-count-number">(\d+)<', body)]


def _nav_badge(body: str) -> str | None:
    """The number in the header's "Data Requests" link, "" without a badge,
    None without the link."""
    match = re.search(r'<li class="satudata-nav-requests[^"]*">(.*?)</li>', body, re.S)
    if not match:
        return None
    badge = re.search(r'satudata-count-badge[^>]*>(\d+)', match.group(1))
    return badge.group(1) if badge else ""


class TestHomePage:
    def test_title_search_counts_and_no_placeholder(self, app, region):
        published, unpublished = region.requests_of(region.opd_a)
        to_ready(region, published)
        publish(region, published)
        to_ready(region, unpublished)           # ready, still private
        later = (datetime.date.today() + datetime.timedelta(days=30))
        other = region.requests_of(region.opd_b)[0]
        to_ready(region, other)
        region.call("kadis", "satudata_request_schedule", id=other["id"],
                    release_date=later.isoformat(), release_time="10:30")

        body = app.get("/").body

        assert "This is a featured section" not in body
        assert "placeholder-420x220" not in body
        h1s = re.findall(r"<h1\b[^>]*>(.*?)</h1>", body, re.S)
        assert len(h1s) == 1 and tk.config.get("ckan.site_title") in h1s[0]
        assert 'id="satudata-home-q"' in body and 'name="q"' in body
        # datasets, OPD publishing, government affairs: public data only
        assert _counts(body) == [1, 1, 1]
        recent = body.split('id="satudata-recent-title"')[1].split("</section>")[0]
        assert published["item_title"] in recent
        assert unpublished["item_title"] not in recent
        upcoming = body.split('id="satudata-upcoming-title"')[1].split("</section>")[0]
        assert "Dinas Pendidikan" in upcoming
        assert f"{_indonesian(later)} 10.30 WIB" in upcoming
        opds = body.split('id="satudata-opd-title"')[1].split("</section>")[0]
        assert "Dinas Kesehatan" in opds and "Dinas Pendidikan" in opds

    def test_every_opd_is_listed_past_ckans_page_of_25(self, app, region):
        """CKAN gives 25 organizations with their fields per call: a regency's
        OPDs after the 25th (by title) were missing from the home page,
        those publishing data too."""
        from ckan.tests import factories

        for number in range(26):
            factories.Organization(name=f"opd-tambahan-{number:02d}",
                                   title=f"Badan Tambahan {number:02d}")
        last = factories.Organization(name="satpol-pp", title="Satuan Polisi Pamong Praja")
        factories.Dataset(owner_org=last["id"], private=False, title="Jumlah Linmas")
        opds = app.get("/").body.split('id="satudata-opd-title"')[1].split("</section>")[0]
        assert "Satuan Polisi Pamong Praja" in opds and "Badan Tambahan 25" in opds
        assert "Dinas Kesehatan" in opds

    def test_logo_and_public_links_in_the_collapsible_menu(self, app, region):
        body = app.get("/").body
        assert "/satudata/satudata-logo.svg" in body
        assert app.get("/satudata/satudata-logo.svg").status_code == 200
        menu = body.split('id="main-navigation-toggle"')[1].split("</ul>")[0]
        for url in ("/dataset/", "/organization/", "/jadwal-rilis", "/progres-data"):
            assert f'href="{url}"' in menu, url
        assert _nav_badge(body) is None          # no requests link for visitors
        # named as the pages' breadcrumbs and titles name them (in English
        # the menu said "Dataset" and "OPD", the pages "Organizations")
        assert ">Dataset</a>" in menu and ">OPD</a>" in menu, menu
        english = app.get("/en/").body.split('id="main-navigation-toggle"')[1].split("</ul>")[0]
        assert ">Datasets</a>" in english and ">Organizations</a>" in english, english


class TestNavigation:
    def test_badge_counts_the_requests_waiting_for_me(self, app, region):
        first, second = region.requests_of(region.opd_a)
        producer = login(app, "produsen-a")
        assert _nav_badge(producer.get("/dataset/").body) == "2"

        to_ready(region, first)                  # no longer waiting for the producer
        assert _nav_badge(producer.get("/dataset/").body) == "1"

        verifier = login(app, "verifikator")
        assert _nav_badge(verifier.get("/").body) == ""      # the link, no badge

        complete_metadata(second["package_id"], "produsen-a")
        region.call("producer", "satudata_request_submit", id=second["id"])
        assert _nav_badge(verifier.get("/").body) == "1"     # now waiting for the verifier
        assert _nav_badge(producer.get("/").body) == ""
        public = login(app, "warga")
        assert _nav_badge(public.get("/").body) is None

    def test_the_link_is_text_not_an_icon(self, app, region):
        body = login(app, "produsen-a").get("/").body
        link = re.search(r'<li class="satudata-nav-requests[^"]*">\s*<a href="([^"]+)">([^<]+)',
                         body)
        # with something waiting, the link (and its number) opens that queue
        assert link and link.group(1) == "/permintaan-data/?mine=1"
        assert link.group(2).strip() == "Permintaan Data"
        assert "Dinas Kesehatan" in login(app, "produsen-a").get(link.group(1)).body


def test_an_english_address_typed_without_its_slash_stays_english(app, region):
    """``/en/permintaan-data`` was redirected to ``/permintaan-data/``: the
    Indonesian page, for an address typed or shared without its slash."""
    verifier = login(app, "verifikator")
    for path in ("/en/permintaan-data", "/en/permintaan-data/peran"):
        page = verifier.get(path, follow_redirects=False)
        assert page.status_code == 200 and 'lang="en"' in page.body, path


class TestDashboard:
    def test_my_tasks_lists_the_requests_waiting_for_me_with_their_deadline(self, app, region):
        first, second = region.requests_of(region.opd_a)
        to_ready(region, second)
        body = login(app, "produsen-a").get("/dashboard/datasets").body
        tasks = body.split('id="satudata-my-tasks-title"')[1].split("</section>")[0]
        assert f"/permintaan-data/{first['id']}" in tasks
        assert f"/permintaan-data/{second['id']}" not in tasks
        due = datetime.date.fromisoformat(first["due_date"])
        assert _indonesian(due) in tasks
        assert first["due_date"] not in re.sub(r'datetime="[^"]*"', "", tasks)

    def test_nothing_for_a_user_without_requests(self, app, region):
        body = login(app, "warga").get("/dashboard/datasets").body
        assert "satudata-my-tasks" not in body
        assert "satudata-public-requests-waiting" not in body

    def test_the_walidata_sees_the_citizens_waiting_for_an_answer(self, app, region):
        """A citizen's request owed an answer is on the walidata staff's
        dashboard and in the list filtered on it; an answered one is not;
        producers do not answer citizens and see neither."""
        asked = [helpers.call_action("satudata_public_request_create",
                                     context={"user": "warga"}, title=title,
                                     description="Per kecamatan, 2025", purpose="Penelitian")
                 for title in ("Jumlah UMKM per kecamatan", "Jumlah koperasi aktif")]
        helpers.call_action("satudata_public_request_reject", context={"user": "verifikator"},
                            id=asked[1]["id"], note="Data dikecualikan")
        body = login(app, "verifikator").get("/dashboard/datasets").body
        waiting = body.split('id="satudata-asked-title"')[1].split("</section>")[0]
        assert "Jumlah UMKM per kecamatan" in waiting and "Jumlah koperasi aktif" not in waiting
        assert "/permohonan-data/?state=waiting" in waiting
        listing = app.get("/permohonan-data?state=waiting").body
        assert "Jumlah UMKM per kecamatan" in listing and "Jumlah koperasi aktif" not in listing
        body = login(app, "produsen-a").get("/dashboard/datasets").body
        assert "satudata-public-requests-waiting" not in body


class TestDates:
    @pytest.mark.parametrize("value, with_hours, locale, expected", [
        (datetime.datetime(2026, 12, 1, 15, 53), True, "id", "1 Desember 2026 22.53 WIB"),
        (datetime.datetime(2026, 12, 1, 15, 53), False, "id", "1 Desember 2026"),
        ("2026-12-01T15:53:00", True, "en", "1 December 2026 22:53 WIB"),
        ("2026-12-01T17:30:00", False, "id", "2 Desember 2026"),   # after midnight WIB
        ("2026-12-22", False, "id", "22 Desember 2026"),
        (datetime.date(2026, 8, 17), True, "en", "17 August 2026"),
        ("not a date", False, "id", ""),
        (None, False, "id", ""),
    ])
    def test_one_format(self, app, value, with_hours, locale, expected):
        with app.flask_app.test_request_context("/", environ_overrides={"CKAN_LANG": locale}):
            assert tk.h.render_datetime(value, with_hours=with_hours) == expected

    def test_an_explicit_format_keeps_ckans_behaviour(self, app):
        with app.flask_app.test_request_context("/"):
            assert tk.h.render_datetime("2026-12-01T15:53:00", "%Y") == "2026"

    def test_pages_in_both_languages(self, app, clean_db, clean_index):
        with freeze_time("2026-12-01 15:53:00"):
            region = build_region()
            request = region.request_of(region.opd_a)
            to_ready(region, request)
            region.call("kadis", "satudata_request_schedule", id=request["id"],
                        release_date="2026-12-22", release_time="09:00")
            assert "22 Desember 2026 09.00 WIB" in app.get("/jadwal-rilis").body
            assert "22 December 2026 09:00 WIB" in app.get("/en/jadwal-rilis").body
            page = login(app, "admin-walidata").get(f"/permintaan-data/{request['id']}").body
            assert "1 Desember 2026 22.53 WIB" in page


class TestHeadings:
    def test_one_h1_on_the_home_search_and_opd_pages(self, app, clean_db, clean_index):
        from ckan.tests import factories
        factories.Organization(name="dinas-uji", title="Dinas Uji")
        # (CKAN's OPD list adds a display:none h1 of its own beside the visible one)
        for url in ("/", "/dataset/", "/organization/dinas-uji", "/jadwal-rilis",
                    "/progres-data"):
            assert len(re.findall(r"<h1\b", app.get(url).body)) == 1, url


class TestSidebar:
    def test_a_dataset_page_asks_for_its_sidebar_once(self, app, region, monkeypatch):
        """CKAN's page.html rendered the sidebar twice (first to see whether
        it was empty): its organization, followers and next release were
        looked up twice per page."""
        from ckan.lib import helpers as ckan_helpers
        calls: list[str] = []
        for name in ("get_organization", "follow_count", "satudata_next_release"):
            original = ckan_helpers.helper_functions[name]
            monkeypatch.setitem(ckan_helpers.helper_functions, name,
                                lambda *a, _name=name, _original=original, **kw:
                                calls.append(_name) or _original(*a, **kw))
        request = region.request_of(region.opd_a)
        to_ready(region, request, update_frequency="annual")
        publish(region, request)
        name = region.call("sysadmin", "package_show", id=request["package_id"])["name"]

        body = app.get(f"/dataset/{name}").body
        assert sorted(calls) == ["follow_count", "get_organization", "satudata_next_release"]
        sidebar = body.split('<aside class="secondary col-md-3">')[1].split("</aside>")[0]
        assert "Dinas Kesehatan" in sidebar and "Rilis berikutnya" in sidebar
        assert 'class="row wrapper no-nav"' not in body
        # a page without a sidebar still says so
        assert 'class="row wrapper no-nav"' in app.get("/about").body


class TestLicence:
    @pytest.mark.parametrize("rounds", [2])
    def test_the_licence_title_follows_the_readers_language(self, app, rounds):
        """Each language gets its own title, however often and in whatever
        order they ask (the titles are kept per language)."""
        from ckanext.satudata import search
        expected = {"id": ("Creative Commons Atribusi", "Lisensi tidak ditentukan"),
                    "en": ("Creative Commons Attribution", "License not specified")}
        for _round in range(rounds):
            for lang in ("id", "en"):
                with app.flask_app.test_request_context(
                        "/", environ_overrides={"CKAN_LANG": lang}):
                    shown = [search.translate_license_title({"license_id": license_id})
                             ["license_title"] for license_id in ("cc-by", "notspecified")]
                    assert tuple(shown) == expected[lang]
                    assert search.translate_license_title({"license_id": "no-such"}) == {
                        "license_id": "no-such"}
        # without a request (the CLI's search-index rebuild): as CKAN gives it there
        import ckan.model as model
        assert search.translate_license_title({"license_id": "cc-by"})[
            "license_title"] == model.Package.get_license_register().get("cc-by").title


class TestChanges:
    def test_each_change_of_a_draft_is_described_even_from_or_to_nothing(self, app, region):
        """The "Changes" page of a dataset's history describes each edit,
        also one that sets a field that had no value or empties one (CKAN's
        own description of a licence change failed there with a 500)."""
        import ckan.model as model
        from ckanext.activity.model import Activity

        request = region.request_of(region.opd_a)
        pkg_id = request["package_id"]
        # (CKAN's url, version, author and maintainer are no fields of the
        # portal: the schema's own, set and emptied, stand for them)
        for change in ({"license_id": ""}, {"license_id": "cc-by"}, {"license_id": ""},
                       {"license_id": "odc-odbl"}, {"concept": "Konsep"}, {"concept": ""},
                       {"measure": "Ukuran"}, {"measure": ""},
                       {"producer_contact_email": "a@example.org"},
                       {"producer_contact_email": ""},
                       {"walidata_contact_email": "m@example.org"},
                       {"walidata_contact_email": ""}):
            region.call("producer", "package_patch", id=pkg_id, **change)
        resource = region.call("producer", "resource_create", package_id=pkg_id,
                               name="Tautan", url="https://data.example.org/t", format="")
        region.call("producer", "resource_patch", id=resource["id"], format="CSV")
        region.call("producer", "resource_patch", id=resource["id"], format="")
        activities = [a.id for a in model.Session.query(Activity.id)
                      .filter(Activity.object_id == pkg_id)
                      .order_by(Activity.timestamp)]
        assert len(activities) >= 15

        client = login(app, "produsen-a")
        bodies = []
        for activity_id in activities[1:]:  # the first has nothing before it
            response = client.get(f"/dataset/changes/{activity_id}")
            assert response.status_code == 200, activity_id
            bodies.append(response.body)
        text = " ".join(bodies)
        assert text.count("lisensi") >= 4  # each licence change is named
        assert "Open Data Commons Open Database License" in text
        assert "Tanpa lisensi" in text  # what the draft had before
        # the page's own words in the reader's language
        assert "Lihat perubahan dari" in text and "View changes from" not in text
        assert "Show metadata diff" not in text
        # the site's name once in the window's title
        title = re.search(r"<title>(.*?)</title>", bodies[0], re.S).group(1)
        assert title.count(tk.config.get("ckan.site_title")) == 1, title

    def test_the_change_after_a_tables_view_was_made_is_shown(self, app, region):
        """The portal makes the views of a loaded table (as the site user):
        CKAN compares a change with the activity just before it, a view's
        (which holds the dataset as it stood, since an earlier fix), and that
        activity had no permission labels: the page of the dataset's next
        change answered 404 "Activity not found" to its producer."""
        import ckan.model as model
        from ckanext.activity.model import Activity

        pkg_id = region.request_of(region.opd_a)["package_id"]
        resource = region.call("producer", "resource_create", package_id=pkg_id,
                               name="Tautan", url="https://data.example.org/t", format="CSV")
        region.call("sysadmin", "resource_view_create", resource_id=resource["id"],
                    view_type="datatables_view", title="Tabel")
        region.call("producer", "package_patch", id=pkg_id, notes="Catatan baru yang jelas")
        view, change = model.Session.query(Activity).filter(
            Activity.object_id == pkg_id).order_by(Activity.timestamp.desc()).limit(2).all()[::-1]
        assert view.activity_type == "new resource view"

        page = login(app, "produsen-a").get(f"/dataset/changes/{change.id}")
        assert page.status_code == 200
        assert "Catatan baru yang jelas" in page.body
        diff = region.call("producer", "activity_diff", id=change.id, object_type="package")
        assert diff["activities"][1]["id"] == change.id
        assert diff["activities"][0]["id"] == view.id
        assert "+  \"notes\": \"Catatan baru yang jelas\"" in diff["diff"]
        # another OPD's producer may read neither
        assert login(app, "produsen-b").get(f"/dataset/changes/{change.id}").status_code == 404

    def test_changes_name_fields_by_their_labels_and_visibility_in_the_readers_words(
            self, app):
        import flask_babel

        from ckanext.satudata.lib import review

        found = [{"type": "private", "new": "Public"},
                 {"type": "extension_fields", "key": "data_status", "value": "final"},
                 {"type": "resource_extras", "method": "change_value_no_old",
                  "key": "datastore_active", "new_value": True},
                 # CKAN gives the values of added fields as a list (its template
                 # reads them by name: a 500 here)
                 {"type": "resource_extras", "method": "add_multiple",
                  "key_list": ["datastore_active", "period"], "value_list": [True, "2026"]}]
        old = {"id": "x", "title": "Jumlah", "unit": "orang"}
        new = dict(old, unit="orang", priority_data=True, concept="Konsep baru")
        with app.flask_app.test_request_context(), flask_babel.force_locale("id"):
            readable = review.readable_changes(found, old, new)
            nothing = review.readable_changes(found[2:3])
        assert readable[:3] == [
            {"type": "private", "new": "Publik"},
            {"type": "extension_fields", "key": "Sifat data", "value": "Tetap"},
            {"type": "resource_extras", "method": "add_multiple", "key_list": ["Periode"],
             "value_list": {"Periode": "2026"}}]
        # the fields filled in for the first time are named too (CKAN left them out)
        assert {(c["key"], c["value"]) for c in readable[3:]} == {
            ("Konsep", "Konsep baru"), ("Data prioritas", "ya")}
        assert nothing == [{"type": "no_change"}]

    @pytest.mark.ckan_config("ckan.activity_list_limit", 2)
    def test_the_first_page_of_a_stream_has_no_link_to_none(self, app, region, ckan_config):
        """CKAN's "newer activities" button of a stream's first page linked
        to "None" (a 404); it is a disabled button, the older page a link."""
        request = region.request_of(region.opd_a)
        for notes in ("Catatan satu", "Catatan dua", "Catatan tiga"):
            region.call("producer", "package_patch", id=request["package_id"], notes=notes)
        client = login(app, "produsen-a")
        body = client.get(f"/dataset/activity/{request['package_id']}").body
        buttons = body.split('id="activity_page_buttons"')[1].split("</div>")[0]
        assert 'href="None"' not in buttons
        assert "Aktivitas yang lebih baru" in buttons and 'aria-disabled="true"' in buttons
        older = re.search(r'href="([^"]*before=[^"]*)"', buttons)
        assert older and client.get(html.unescape(older.group(1))).status_code == 200

    def test_the_changes_of_an_organization_are_offered_to_whom_may_read_them(
            self, app, region):
        """CKAN lets only sysadmins read the details of an activity about an
        organization; a user's own stream offered its "Changes" link (a 403)
        to the organization's admin who made the change."""
        import ckan.model as model
        from ckanext.activity.model import Activity

        org = region.opd_a
        region.call("sysadmin", "organization_member_create", id=org["id"],
                    username="produsen-a", role="admin")
        for text in ("Profil pertama", "Profil kedua"):
            region.call("producer", "organization_patch", id=org["id"], description=text)
        last = (model.Session.query(Activity.id).filter(Activity.object_id == org["id"])
                .order_by(Activity.timestamp.desc()).first())
        link = f"/organization/changes/{last.id}"
        admin_of_org = login(app, "produsen-a")
        stream = admin_of_org.get("/user/activity/produsen-a").body
        assert "Profil" in stream or "memperbarui OPD" in stream
        assert link not in stream
        admin_of_org.get(link, status=403)
        sysadmin = login(app, region.users["sysadmin"]["name"])
        assert link in sysadmin.get("/user/activity/produsen-a").body
        page = sysadmin.get(link)
        assert page.status_code == 200 and "Profil kedua" in page.body

    def test_a_users_stream_opens_after_one_of_their_datasets_was_purged(self, app, region):
        """An activity of a dataset purged since made the producer's whole
        activity page "not found"."""
        pkg = region.call("producer", "package_create", name="dibuang-nanti",
                          title="Dataset yang dibuang", owner_org=region.opd_a["id"])
        region.call("producer", "package_patch", id=pkg["id"], notes="Diubah")
        region.call("sysadmin", "dataset_purge", id=pkg["id"])
        page = login(app, "produsen-a").get("/user/activity/produsen-a")
        assert page.status_code == 200

    def test_every_detail_link_of_a_users_own_stream_opens(self, app, region):
        """A user's own stream offered the details of every activity in it,
        also of a dataset they may not change or whose earlier version they
        may not read (the walidata who published an OPD's data): 403s."""
        request = region.request_of(region.opd_a)
        complete_metadata(request["package_id"], "produsen-a")
        to_ready(region, request)
        publish(region, request)
        walidata = login(app, "admin-walidata")
        stream = walidata.get("/user/activity/admin-walidata").body
        assert request["package_id"] in stream or "Data Sektoral" in stream
        links = set(re.findall(r'href="(/dataset/(?:changes/|[^"/]+/history/)[^"]+)"', stream))
        for link in links:
            assert walidata.get(html.unescape(link)).status_code == 200, link
        # the OPD's producer, who may change it, still gets the details of their own work
        producer = login(app, "produsen-a")
        own = producer.get("/user/activity/produsen-a").body
        assert re.search(r'href="/dataset/(changes/|[^"/]+/history/)', own)


def test_a_table_page_names_its_licence_once_inside_its_table(app, region):
    """ckanext-scheming's licence row also filled CKAN's side-column block of
    the same name: a lone table row there, outside any table and card."""
    from ..factories import add_csv

    request = region.request_of(region.opd_a)
    table = add_csv(region, "producer", request["package_id"], "tahun,jumlah\n2025,3\n")
    page = login(app, "produsen-a").get(
        f"/dataset/{request['package_id']}/resource/{table['id']}").body
    rows = [m.start() for m in re.finditer(r'<th scope="row">Lisensi</th>', page)]
    assert len(rows) == 1, len(rows)
    assert page.rfind("<table", 0, rows[0]) > page.rfind("</table>", 0, rows[0])


def test_a_producer_without_datasets_of_their_own_is_sent_to_their_requests(app, region):
    """CKAN invited an OPD's producer, who fills the datasets the walidata's
    requests created, to create a dataset of their own."""
    page = login(app, "produsen-a").get("/dashboard/datasets").body
    assert "satudata-no-own-datasets" in page and 'href="/permintaan-data/"' in page
    assert "Buat sekarang" not in page
    # a citizen (no data requests) keeps CKAN's own words
    assert "satudata-no-own-datasets" not in login(app, "warga").get("/dashboard/datasets").body


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_tables_loading_error_is_shown_to_its_editors_only(app):
    """Citizens read a red "Error" badge on a publication's compilation the
    DataStore could not load: nothing they could act on."""
    import datetime

    from ckan.tests import factories

    editor = factories.User(password="correct123")
    org = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    dataset = factories.Dataset(owner_org=org["id"])
    resource = factories.Resource(package_id=dataset["id"], format="CSV",
                                  url="https://example.org/tabel.csv")
    helpers.call_action("task_status_update", entity_id=resource["id"],
                        entity_type="resource", task_type="xloader", key="xloader",
                        value="{}", state="error", error="{}",
                        last_updated=datetime.datetime.utcnow().isoformat())
    page = f"/dataset/{dataset['name']}"
    assert "loader-badge" not in app.get(page).body
    assert "loader-badge" in login(app, editor["name"]).get(page).body


@pytest.mark.ckan_config("ckan.site_intro_text", "Portal ini menyajikan data sektoral.")
@pytest.mark.ckan_config("satudata.site_intro_text_en", "This portal publishes sectoral data.")
def test_the_home_pages_introduction_speaks_the_readers_language(app):
    """CKAN's introduction is one text: English readers got the Indonesian one."""
    assert "Portal ini menyajikan data sektoral." in app.get("/").body
    english = app.get("/en/").body
    assert "This portal publishes sectoral data." in english
    assert "Portal ini menyajikan" not in english


def test_public_pages_answer_with_a_trailing_slash(app, region):
    """/jadwal-rilis/, /progres-data/ and a round's page with its slash
    answered 404 (other lists accept it)."""
    for path in ("/jadwal-rilis/", "/progres-data/", f"/progres-data/{region.round['name']}/"):
        assert app.get(path).status_code == 200, path
    verifier = login(app, "verifikator")
    for path in (f"/permintaan-data/putaran/{region.round['name']}/",
                 f"/publikasi/{region.round['name']}/"):
        assert verifier.get(path).status_code == 200, path


def test_every_active_search_filter_is_named_and_a_failed_search_speaks_indonesian(app,
                                                                                    region):
    """A tag of a dataset's page (no facet of the search page) was listed as
    "None: kesehatan"; a search Solr cannot read was headed "Error"."""
    page = app.get("/dataset/", query_string={"tags": "kesehatan"}).body
    pills = page[page.index('class="filter-list"'):][:400]
    assert "Tag:" in pills and "None" not in pills, pills
    english = app.get("/en/dataset/", query_string={"tags": "kesehatan"}).body
    assert "Tags:" in english[english.index('class="filter-list"'):][:400]
    failed = app.get("/dataset/", query_string={"tags": "\\"}).body
    assert re.search(r"<h1>\s*Kesalahan\s*</h1>", failed), failed[failed.find("<h1"):][:200]
    # a search that found nothing names its filters by label, not by code
    opd = region.opd_a
    for prefix, labels in (("", ("Tahunan", "Kesehatan", opd["title"], "Diarsipkan")),
                           ("/en", ("Annual", "Health", opd["title"], "Archived"))):
        page = app.get(prefix + "/dataset/", query_string={
            "q": "zzzqqq", "update_frequency": "annual", "vocab_government_affairs": "1.02",
            "organization": opd["name"], "satudata_status": "archived"}).body
        pills = re.findall(r'class="filtered pill">\s*([^<]*?)\s*<', page)
        assert sorted(pills) == sorted(labels), pills


def test_a_typed_search_finds_a_copied_title_and_never_ends_on_an_error(region, app):
    """A copied title with a colon ("Publikasi: …") was read by Solr as a
    field name and found nothing; a lone quote, "AND", or 3,000 characters
    ended on "an error occurred, try again" with every filter emptied. The
    API keeps Solr's syntax."""
    request = region.request_of(region.opd_a)
    region.call("producer", "package_patch", id=request["package_id"],
                title="Jumlah Bidan: Menurut Kecamatan, PM2.5")
    to_ready(region, request)
    publish(region, request)
    for q in ("Jumlah Bidan: Menurut Kecamatan", "bidan (kecamatan", "pm2.5"):
        page = app.get("/dataset/", query_string={"q": q})
        assert page.status_code == 200 and "1 dataset ditemukan" in page.body, q
    # a word of letters and digits is searched as one: as its parts (pm, 2,
    # 7) two of three found it, and "s38m" found the whole catalogue
    # a phrase in quotes and a word after a minus keep their sense (the
    # minus was dropped: the datasets with the word were found)
    for q, found in (("pm2.7", False), ("bidan -kecamatan", False),
                     ('"menurut kecamatan"', True), ('"kecamatan menurut"', False),
                     ("bidan -xyzzy", True), ('bidan -"menurut kecamatan"', False)):
        page = html.unescape(app.get("/dataset/", query_string={"q": q}).body)
        assert ("1 dataset ditemukan" in page) is found, q
        assert found or "Tidak ada dataset yang ditemukan" in page, q
    # only words left out: the rest of the catalogue (it found nothing)
    for q, found in (("-xyzzy", True), ("-bidan", False), ('-"menurut kecamatan"', False)):
        page = html.unescape(app.get("/dataset/", query_string={"q": q}).body)
        assert ("1 dataset ditemukan" in page) is found, q
    for q in ('"', "-", "AND", "puskesmas AND", "*:*", "bidan " * 600):
        page = app.get("/dataset/", query_string={"q": q})
        assert page.status_code == 200 and "Terjadi kesalahan saat pencarian" not in page.body, q
    fielded = helpers.call_action("package_search", q="title:Bidan")
    assert fielded["count"] == 1
    # the header's search button is named for what it does ("Submit" in English)
    assert 'aria-label="Search"><i' in app.get("/en/dataset/").body
    # nothing found: the way on is asking the walidata (it ended at "try another search")
    page = app.get("/dataset/", query_string={"q": "kesehatn"}).body
    assert "Mintalah kepada walidata" in page and 'href="/permohonan-data/baru"' in page



@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_refusal_names_a_dataset_not_a_package(app):
    """CKAN's jargon in its refusals: "Tidak berwenang membaca paket …"
    (the followers page of a public dataset, for a citizen)."""
    from ckan.tests import factories

    dataset = factories.Dataset(owner_org=factories.Organization()["id"])
    factories.User(name="warga-lain", password="correct123")
    page = login(app, "warga-lain").get(f"/dataset/followers/{dataset['name']}")
    assert page.status_code == 403
    assert "dataset" in html.unescape(page.body) and "paket" not in page.body


def test_the_holidays_the_deadlines_skip_are_shown(app):
    """The deadlines are counted in working days around holidays and cuti
    bersama, and no page showed which: a walidata officer could not tell
    why a deadline fell where it did."""
    page = app.get("/hari-libur", query_string={"tahun": "2026"}).body
    assert "Hari libur 2026" in page
    assert "Senin, 17 Agustus 2026" in page and "Kemerdekaan" in page
    english = app.get("/en/hari-libur", query_string={"tahun": "2026"})
    # the holidays named in the page's language (they were Indonesian on it)
    assert english.status_code == 200 and "Independence Day" in english.body
    assert "Kemerdekaan" not in english.body
    assert app.get("/hari-libur", query_string={"tahun": "dua"}).status_code == 400
    assert app.get("/hari-libur", query_string={"tahun": "1900"}).status_code == 404
    # no link to a year the portal does not count
    assert "tahun=2101" not in app.get("/hari-libur", query_string={"tahun": "2100"}).body
    assert "tahun=1999" not in app.get("/hari-libur", query_string={"tahun": "2000"}).body
