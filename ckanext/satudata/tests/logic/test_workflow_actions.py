# -*- coding: utf-8 -*-
"""The Daftar Data, rounds and requests through their actions and the CLI:
XLSX import (row errors, all or nothing), sending a round, deadlines,
filters and the dataset link."""
from __future__ import annotations

import base64
import datetime
import io
import re

import openpyxl
import pysolr
import pytest
import sqlalchemy as sa
from freezegun import freeze_time
from werkzeug.datastructures import FileStorage

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.satudata import cli as satudata_cli
from ckanext.satudata.lib import publishing, workdays
from ckanext.satudata.model import DaftarData, DaftarDataEvent, DataRequest

from ..conftest import answer_while_held
from ..factories import complete_metadata, daftar_data_workbook, login



def _count(year: int) -> int:
    return model.Session.query(DaftarData).filter_by(year=year).count()


class TestDaftarDataImport:
    def test_rows_with_errors_save_nothing(self, region):
        content = daftar_data_workbook([
            ["Jumlah Sekolah", "dinas-pendidikan", "Tahunan", "Pendidikan", "unit", "ya",
             "10/SK/2026", "2026-01-15", ""],
            ["", "dinas-pendidikan", "", "", "", "", "", "", ""],
            ["Jumlah Guru", "dinas-tidak-ada", "", "", "", "", "", "", ""],
            ["Jumlah Murid", "Dinas Pendidikan", "", "", "", "", "", "31/02/2026", ""],
            # typed as the sheet shows its dates (day first): read
            ["Jumlah Kelas", "Dinas Pendidikan", "", "", "", "", "", "15/01/2026", ""],
        ])
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_daftar_data_import",
                        upload=content, year=2027)
        rows = err.value.error_dict["rows"]
        assert any(r.startswith(("Row 3,", "Baris 3,")) and "judul" in r for r in rows), rows
        assert any(r.startswith(("Row 4,", "Baris 4,")) and "opd" in r for r in rows), rows
        assert any(r.startswith(("Row 5,", "Baris 5,")) and "tanggal_sk" in r
                   for r in rows), rows
        assert len(rows) == 3
        assert _count(2027) == 0
        # a date typed as the sheet shows dates (day first) is read so
        region.call("walidata_admin", "satudata_daftar_data_import", year=2028,
                    upload=daftar_data_workbook([["Jumlah Kelas", "dinas-pendidikan", "", "",
                                                  "", "", "", "15/01/2026", ""]]))
        (item,) = region.call("walidata_admin", "satudata_daftar_data_list",
                              year=2028)["results"]
        assert item["sk_date"] == "2026-01-15"

    def test_valid_file_is_imported_and_reimport_updates(self, region):
        rows = [
            ["Jumlah Sekolah", "dinas-pendidikan", "Tahunan", "Pendidikan", "unit", "ya",
             "10/SK/2026", datetime.datetime(2026, 1, 15), "SD dan SMP"],
            ["Jumlah Puskesmas", "Dinas Kesehatan", "Tahunan", "Kesehatan", "unit", "tidak",
             None, None, None],
        ]
        content = daftar_data_workbook(rows)
        result = region.call("walidata_admin", "satudata_daftar_data_import",
                             upload=content, year=2027)
        assert (result["created"], result["updated"]) == (2, 0)
        items = region.call("walidata_admin", "satudata_daftar_data_list", year=2027)
        school = next(i for i in items["results"] if i["title"] == "Jumlah Sekolah")
        assert school["priority"] is True and school["sk_date"] == "2026-01-15"
        assert school["organization"]["name"] == "dinas-pendidikan"
        # the sheet's labels are kept as the dataset schema's codes
        assert (school["update_frequency"], school["government_affairs"], school["unit"]) \
            == ("annual", ["1.01"], "unit")
        again = region.call("walidata_admin", "satudata_daftar_data_import",
                            upload=content, year=2027)
        # imported again as it was: nothing changed, and it says so
        assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
        assert _count(2027) == 2
        # the school's unit changed, the other row as it was
        changed = daftar_data_workbook([rows[0][:4] + ["sekolah"] + rows[0][5:], rows[1]])
        third = region.call("walidata_admin", "satudata_daftar_data_import",
                            upload=changed, year=2027)
        assert (third["created"], third["updated"], third["unchanged"]) == (0, 1, 1)
        # the item's trail: added by the import, then its unit changed (the
        # import as it was is no change)
        trail = region.call("walidata_admin", "satudata_daftar_data_show",
                            id=school["id"])["events"]
        assert [(e["step"], e["user_name"]) for e in trail] == [
            ("import_create", region.users["walidata_admin"]["name"]),
            ("import_update", region.users["walidata_admin"]["name"])]
        assert [(c["field"], c["before_text"], c["after_text"])
                for c in trail[1]["changes"]] == [("unit", "unit", "sekolah")]
        # added with its decree, as a hand-made item's trail says (it named
        # nothing it was added with)
        assert {c["field"] for c in trail[0]["changes"]} >= {"sk_number", "sk_date", "unit"}

    def test_a_reimport_changes_the_columns_it_has_and_clears_its_empty_cells(self, region):
        """A sheet of "judul" and "opd" alone took a priority item's priority
        away and reactivated a deactivated one ("updated", without a word);
        a value emptied in the exported sheet stayed ("unchanged")."""
        item = region.call("walidata_admin", "satudata_daftar_data_create",
                           title="Jumlah Posyandu", owner_org="dinas-kesehatan", year=2029,
                           priority=True, submit_days=7, description="Per desa",
                           sk_number="5/SK/2029")
        region.call("walidata_admin", "satudata_daftar_data_update", id=item["id"],
                    active=False)
        wb = openpyxl.Workbook()
        wb.active.append(["judul", "opd"])
        wb.active.append(["Jumlah Posyandu", "dinas-kesehatan"])
        out = io.BytesIO()
        wb.save(out)
        result = region.call("walidata_admin", "satudata_daftar_data_import",
                             upload=out.getvalue(), year=2029)
        assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 1)
        shown = region.call("walidata_admin", "satudata_daftar_data_show", id=item["id"])
        assert (shown["priority"], shown["active"], shown["submit_days"]) == (True, False, 7)
        # the whole sheet with the description and decree emptied: cleared
        emptied = daftar_data_workbook([["Jumlah Posyandu", "dinas-kesehatan", "", "", "",
                                         "ya", "", "", "", 7]])
        result = region.call("walidata_admin", "satudata_daftar_data_import",
                             upload=emptied, year=2029)
        assert result["updated"] == 1
        shown = region.call("walidata_admin", "satudata_daftar_data_show", id=item["id"])
        assert (shown["description"], shown["sk_number"], shown["priority"],
                shown["submit_days"], shown["active"]) == (None, None, True, 7, False)

    def test_each_change_of_an_item_is_in_its_trail(self, region, app):
        """The list an SK fixes had no record of who changed what: an item's
        unit changed after the round was sent left no trace."""
        item = region.call("walidata_admin", "satudata_daftar_data_create",
                           title="Jumlah Bidan", owner_org="dinas-kesehatan", year=2026,
                           unit="orang")
        region.call("walidata_admin", "satudata_daftar_data_update", id=item["id"],
                    unit="jiwa", priority=True, update_frequency="annual")
        region.call("walidata_admin", "satudata_daftar_data_update", id=item["id"],
                    unit="jiwa")  # saved as it was: no change
        trail = region.call("walidata_admin", "satudata_daftar_data_show",
                            id=item["id"])["events"]
        assert [e["step"] for e in trail] == ["create", "update"]
        assert {c["field"]: (c["before_text"], c["after_text"])
                for c in trail[1]["changes"]} == {
            "unit": ("orang", "jiwa"), "priority": ("no", "yes"),
            "update_frequency": ("—", "Tahunan")}
        # the producers read the item, not its trail
        assert region.call("producer", "satudata_daftar_data_show",
                           id=item["id"])["events"] == []
        page = login(app, region.users["walidata_admin"]["name"]).get(
            f"/permintaan-data/daftar-data/{item['id']}/edit").get_data(as_text=True)
        assert "Riwayat data" in page and "orang → <strong>jiwa</strong>" in page
        # deleted from a page opened before another officer's change: kept,
        # the page says why
        from ..factories import csrf_token
        client = login(app, region.users["walidata_admin"]["name"])
        form = client.get(f"/permintaan-data/daftar-data/{item['id']}/edit").body
        stale = re.search(r'name="modified" value="([^"]+)"', form).group(1)
        region.call("walidata_admin", "satudata_daftar_data_update", id=item["id"],
                    description="Diubah petugas lain")
        answer = client.post(f"/permintaan-data/daftar-data/{item['id']}/delete", data={
            "_csrf_token": csrf_token(form), "modified": stale}, follow_redirects=False)
        assert answer.status_code == 302, answer.get_data(as_text=True)[-3000:]
        assert region.call("walidata_admin", "satudata_daftar_data_show", id=item["id"])
        assert "tidak dihapus" in client.get(
            f"/permintaan-data/daftar-data/{item['id']}/edit").get_data(as_text=True)
        # deleted (never requested): its trail stays, naming it
        assert region.call("walidata_admin", "satudata_daftar_data_delete",
                           id=item["id"]) == {"id": item["id"], "deleted": True}
        kept = model.Session.execute(sa.select(DaftarDataEvent).where(
            DaftarDataEvent.step == "delete")).scalars().all()
        assert [(e.item_id, e.data["title"]) for e in kept] == [(None, "Jumlah Bidan")]

    def test_items_copied_into_the_next_year_are_each_on_one_page(self, region):
        """The next year's list copied from this one: an item and its copy
        tie on OPD and title, and paging skipped one and showed the other
        twice."""
        made = {region.call("walidata_admin", "satudata_daftar_data_create",
                            title=f"Jumlah Pustu {n % 2}", owner_org="dinas-kesehatan",
                            year=2040 + n // 2)["id"] for n in range(6)}
        seen = [item["id"] for offset in range(6) for item in region.call(
            "walidata_admin", "satudata_daftar_data_list", q="Jumlah Pustu", limit=1,
            offset=offset)["results"]]
        assert sorted(seen) == sorted(made)
        # the latest year first
        assert [region.call("walidata_admin", "satudata_daftar_data_show", id=i)["year"]
                for i in seen[:3]] == [2042, 2041, 2040]

    def test_a_round_closed_by_two_officers_at_once_is_closed_without_a_refusal(self, region):
        """The second officer's "close" (from a page opened before the
        first one's) was told "someone changed this, what you typed is
        below": nothing was typed, and the round was as they wanted."""
        shown = region.call("walidata_admin", "satudata_round_show", id=region.round["id"])
        for _click in range(2):
            closed = region.call("walidata_admin", "satudata_round_update",
                                 id=region.round["id"], state="closed",
                                 modified=shown["modified"])
            assert closed["state"] == "closed"
        # a stale page's other change is still refused
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                        state="open", modified=shown["modified"])
        assert list(err.value.error_dict) == ["modified"]

    def test_a_deleted_item_or_round_is_not_found_when_changed(self, region):
        """Deleted, it answered "not found" to its show and 409 "invalid id"
        to its change or a second deletion (a second click could not tell
        gone from bad input)."""
        item = region.call("walidata_admin", "satudata_daftar_data_create",
                           title="Jumlah Bank Sampah", owner_org="dinas-kesehatan", year=2026)
        region.call("walidata_admin", "satudata_daftar_data_delete", id=item["id"])
        for action, data in (("satudata_daftar_data_delete", {}),
                             ("satudata_daftar_data_update", {"unit": "unit"})):
            with pytest.raises(tk.ObjectNotFound):
                region.call("walidata_admin", action, id=item["id"], **data)
        later = datetime.date.today() + datetime.timedelta(days=400)  # on any date
        draft = region.call("walidata_admin", "satudata_round_create", name="hapus-saja",
                            title="Hapus saja", year=later.year, start_date=later.isoformat())
        region.call("walidata_admin", "satudata_round_delete", id=draft["id"])
        with pytest.raises(tk.ObjectNotFound):
            region.call("walidata_admin", "satudata_round_update", id=draft["name"],
                        submit_days=10)

    def test_an_item_deleted_while_its_update_waits_is_not_found(self, region):
        """Deleted by one officer while another's change of it waited for
        its row: the change answered 500 (no row where one was required)."""
        admin = region.users["walidata_admin"]["name"]
        item = region.call("walidata_admin", "satudata_daftar_data_create",
                           title="Jumlah Perawat", owner_org="dinas-kesehatan", year=2026)
        model.Session.remove()
        # the deletion, not committed yet (it holds the item's row)
        helpers.call_action("satudata_daftar_data_delete",
                            context={"user": admin, "defer_commit": True}, id=item["id"])
        outcome = answer_while_held(lambda: helpers.call_action(
            "satudata_daftar_data_update", context={"user": admin}, id=item["id"],
            unit="orang"))
        assert isinstance(outcome, tk.ObjectNotFound), outcome

    @pytest.mark.parametrize("action", ["satudata_daftar_data_update",
                                        "satudata_daftar_data_delete"])
    def test_an_items_change_waits_for_its_years_import_before_holding_it(self, region,
                                                                          action):
        """A change (or deletion) of an item held the item, then waited for
        the import of its year, which waited for the item: a deadlock (500
        for one of them); a deletion beside an import, a 500 of the
        import's update."""
        from ckanext.satudata.logic.action.workflow import IMPORT_LOCK

        admin = region.users["walidata_admin"]["name"]
        item = region.call("walidata_admin", "satudata_daftar_data_create",
                           title="Jumlah Apoteker", owner_org="dinas-kesehatan", year=2026)
        model.Session.remove()
        # the import of the year, under way (it holds the year's lock)
        model.Session.execute(sa.select(sa.func.pg_advisory_xact_lock(IMPORT_LOCK, 2026)))

        def the_import_updates_the_item() -> None:
            model.Session.execute(sa.select(DaftarData).where(
                DaftarData.id == item["id"]).with_for_update(nowait=True)).scalar_one()

        data = {"id": item["id"], "unit": "orang"} if action.endswith("update") else {
            "id": item["id"]}
        outcome = answer_while_held(lambda: helpers.call_action(
            action, context={"user": admin}, **data), then=the_import_updates_the_item)
        assert not isinstance(outcome, Exception), outcome

    def test_an_import_beside_an_opds_deletion_adds_nothing_under_it(self, region):
        """An import running while the OPD was deleted added an active item
        listed under the deleted OPD (no edit of it then passed)."""
        from ckanext.satudata.logic.action._common import lock_name

        admin = region.users["walidata_admin"]["name"]
        opd = factories.Organization(name="dinas-baru")
        model.Session.remove()
        # the OPD's deletion, under way (it holds the OPD's lock)
        lock_name("opd", opd["id"])
        model.Session.query(model.Group).filter_by(id=opd["id"]).one().state = "deleted"
        outcome = answer_while_held(lambda: helpers.call_action(
            "satudata_daftar_data_import", context={"user": admin}, year=2030,
            upload=daftar_data_workbook([["Jumlah Kios", "dinas-baru"],
                                         ["Jumlah Pasar", "dinas-kesehatan"]])))
        assert isinstance(outcome, tk.ValidationError), outcome
        assert any(r.startswith(("Row 2,", "Baris 2,")) for r in outcome.error_dict["rows"])
        assert _count(2030) == 0

    @pytest.mark.ckan_config("satudata.daftar_data.import_max_rows", 2)
    def test_a_workbook_of_more_items_than_an_import_takes_is_refused(self, region):
        """20,000 rows held a web process for over a minute."""
        rows = [[f"Indikator {n}", "dinas-pendidikan", "Tahunan", "Pendidikan", "unit",
                 "tidak", None, None, None] for n in range(3)]
        for dry_run in (True, False):
            with pytest.raises(tk.ValidationError) as err:
                region.call("walidata_admin", "satudata_daftar_data_import",
                            upload=daftar_data_workbook(rows), year=2027, dry_run=dry_run)
            assert "3" in err.value.error_dict["upload"][0]
        assert region.call("walidata_admin", "satudata_daftar_data_list",
                           year=2027)["count"] == 0
        region.call("walidata_admin", "satudata_daftar_data_import",
                    upload=daftar_data_workbook(rows[:2]), year=2027)

    def test_a_years_daftar_data_is_exported_and_imports_again(self, region):
        """The list an SK fixes (SOP Magetan) is downloaded as the import
        template filled with that year's items; imported into another year
        it gives the same items. The OPD sheet lists the OPDs, not the
        walidata."""
        region.call("walidata_admin", "satudata_daftar_data_create", title="Jumlah Sekolah",
                    owner_org="dinas-pendidikan", year=2026, update_frequency="annual",
                    government_affairs=["1.01", "1.02"], unit="unit", priority=True,
                    sk_number="10/SK/2026", sk_date="2026-01-15", submit_days=7,
                    submit_calendar_days=True, sk_url="https://jdih.example.go.id/sk-10")
        # a decree uploaded to the portal: its whole address in the workbook
        # (read outside the portal, where the path led nowhere), its path again
        uploaded = "/permintaan-data/daftar-data/sk-guru/sk.pdf"
        region.call("walidata_admin", "satudata_daftar_data_create", title="Jumlah Guru SK",
                    owner_org="dinas-pendidikan", year=2026, sk_url=uploaded)
        exported = region.call("walidata_admin", "satudata_daftar_data_template", year=2026)
        assert exported["filename"] == "daftar-data-2026.xlsx"
        content = base64.b64decode(exported["content"])
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        assert "walidata" not in [r[0].value for r in workbook["OPD"].iter_rows(min_row=2)]
        # a year listing the walidata's own data names it on the sheet (the
        # sheet's check of the OPD column refused its exported rows)
        region.call("walidata_admin", "satudata_daftar_data_create",
                    title="Indeks Layanan Daring", owner_org="walidata", year=2031)
        own = openpyxl.load_workbook(io.BytesIO(base64.b64decode(region.call(
            "walidata_admin", "satudata_daftar_data_template", year=2031)["content"])))
        assert "walidata" in [r[0].value for r in own["OPD"].iter_rows(min_row=2)]
        rows = [[c.value for c in r] for r in workbook["Daftar Data"].iter_rows(min_row=2)]
        assert ["Jumlah Sekolah", "dinas-pendidikan"] in [r[:2] for r in rows]
        site = tk.config.get("ckan.site_url").rstrip("/")
        assert site.startswith("http") and site + uploaded in [r[-1] for r in rows]

        result = region.call("walidata_admin", "satudata_daftar_data_import",
                             upload=content, year=2027)
        assert result["created"] == _count(2026) == len(rows)
        again = {(i["title"], i["organization"]["name"]): i for i in region.call(
            "walidata_admin", "satudata_daftar_data_list", year=2027)["results"]}
        school = again[("Jumlah Sekolah", "dinas-pendidikan")]
        assert (school["update_frequency"], school["government_affairs"], school["priority"],
                school["sk_number"], school["sk_date"]) == (
            "annual", ["1.01", "1.02"], True, "10/SK/2026", "2026-01-15")
        # its own deadline (7 calendar days) and its decree's address too: they were lost
        assert (school["submit_days"], school["submit_calendar_days"], school["sk_url"]) == (
            7, True, "https://jdih.example.go.id/sk-10")
        assert next(i for (title, _org), i in again.items()
                    if title != "Jumlah Sekolah")["submit_days"] is None
        assert again[("Jumlah Guru SK", "dinas-pendidikan")]["sk_url"] == uploaded
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_daftar_data_template", year="dua")
        assert "year" in err.value.error_dict

    def test_a_real_looking_workbook_is_read_where_its_columns_are_named(self, region):
        """A title row above the columns' names, "Judul*", a name broken over
        two lines, the list on a second sheet of another name: refused as
        "required columns are missing: judul, opd"."""
        workbook = openpyxl.Workbook()
        workbook.active.title = "Petunjuk"
        workbook.active.append(["Isi lembar berikutnya"])
        sheet = workbook.create_sheet("DAFTAR DATA SEKTORAL 2033")
        sheet.append(["DAFTAR DATA SEKTORAL KABUPATEN 2033"])
        sheet.append([])
        sheet.append(["Judul*", "OPD\n(nama)", "frekuensi"])
        sheet.append(["Jumlah Pasar Desa", "dinas-kesehatan", "Tahunan"])
        out = io.BytesIO()
        workbook.save(out)
        result = region.call("walidata_admin", "satudata_daftar_data_import",
                             upload=out.getvalue(), year=2033)
        assert result["created"] == 1
        item, = region.call("walidata_admin", "satudata_daftar_data_list", year=2033)["results"]
        assert (item["title"], item["update_frequency"]) == ("Jumlah Pasar Desa", "annual")
        # a row error names the sheet's own row number
        sheet.append(["Jumlah Kios", "tidak-ada-opd"])
        out = io.BytesIO()
        workbook.save(out)
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_daftar_data_import",
                        upload=out.getvalue(), year=2033)
        assert any(r.startswith(("Row 5,", "Baris 5,")) for r in err.value.error_dict["rows"])
        # none: where it looked
        empty = openpyxl.Workbook()
        empty.active.append(["nama", "instansi"])
        out = io.BytesIO()
        empty.save(out)
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_daftar_data_import",
                        upload=out.getvalue(), year=2033)
        assert "first 10 rows" in err.value.error_dict["upload"][0]

    def test_the_forms_own_labels_are_read_and_an_unknown_column_is_named(self, region):
        """A column headed as the item form and the list name it ("Urusan
        Pemerintahan", "Data Prioritas", "No. SK") was dropped unsaid: every
        item imported without its urusan, none a priority. An unknown
        column is named, nothing imported; the row number's column is no
        column to read."""
        def workbook(headers: list[str], row: list[Any]) -> bytes:
            book = openpyxl.Workbook()
            book.active.append(headers)
            book.active.append(row)
            out = io.BytesIO()
            book.save(out)
            return out.getvalue()

        headers = ["No.", "Judul Data*", "Nama OPD", "Frekuensi pemutakhiran",
                   "Urusan\nPemerintahan", "Data Prioritas", "No. SK"]
        row = [1, "Jumlah Terminal", "dinas-kesehatan", "Tahunan", "1.02", "Ya", "7/SK/2034"]
        result = region.call("walidata_admin", "satudata_daftar_data_import",
                             upload=workbook(headers, row), year=2034)
        assert result["created"] == 1
        item, = region.call("walidata_admin", "satudata_daftar_data_list", year=2034)["results"]
        assert (item["government_affairs"], item["priority"], item["sk_number"]) == (
            ["1.02"], True, "7/SK/2034")
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_daftar_data_import", year=2035,
                        upload=workbook(headers + ["Sumber Data"], row + ["BPS"]))
        assert '"Sumber Data"' in err.value.error_dict["upload"][0]
        assert region.call("walidata_admin", "satudata_daftar_data_list",
                           year=2035)["count"] == 0
        # values under no name, two columns of one field: named, not dropped
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_daftar_data_import", year=2035,
                        upload=workbook(headers + [""], row + ["isi tanpa judul"]))
        assert "column H, without a name" in err.value.error_dict["upload"][0]
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_daftar_data_import", year=2035,
                        upload=workbook(headers + ["Data"], row + ["Judul lain"]))
        assert '"Judul Data*", "Data"' in err.value.error_dict["upload"][0]
        # the item form's own labels and the year's column are read
        result = region.call("walidata_admin", "satudata_daftar_data_import", year=2035,
                             upload=workbook(
                                 ["Tahun", "Data", "OPD", "Tautan ke dokumen SK",
                                  "Tenggat pengajuan sendiri (hari setelah putaran dikirim)"],
                                 [2035, "Jumlah Halte", "dinas-kesehatan",
                                  "https://jdih.example.go.id/sk.pdf", 10]))
        item, = region.call("walidata_admin", "satudata_daftar_data_list",
                            year=2035)["results"]
        assert (item["sk_url"], item["submit_days"]) == ("https://jdih.example.go.id/sk.pdf", 10)
        # a row of another year is named, not imported into this one unsaid
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_daftar_data_import", year=2035,
                        upload=workbook(["Tahun", "Data", "OPD"],
                                        [2036, "Jumlah Terminal", "dinas-kesehatan"]))
        assert any("2036" in row for row in err.value.error_dict["rows"]), err.value.error_dict

    def test_frequency_and_affairs_outside_their_code_lists_are_row_errors(self, region):
        content = daftar_data_workbook([
            ["Jumlah Sekolah", "dinas-pendidikan", "Setiap saat", "Pendidikan; 1.02", "unit",
             "ya", None, None, None],
            ["Jumlah Guru", "dinas-pendidikan", "semiannual", "Pendidikan; Bukan urusan", "orang",
             "tidak", None, None, None],
        ])
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_daftar_data_import",
                        upload=content, year=2027)
        rows = err.value.error_dict["rows"]
        assert len(rows) == 2, rows
        assert rows[0].startswith(("Row 2,", "Baris 2,")) and "frekuensi" in rows[0] \
            and "Setiap saat" in rows[0]
        assert rows[1].startswith(("Row 3,", "Baris 3,")) and "urusan" in rows[1] \
            and "Bukan urusan" in rows[1]
        assert _count(2027) == 0

    def test_not_an_excel_file(self, region):
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_daftar_data_import",
                        upload=b"judul,opd\nx,y\n", year=2027)
        assert "upload" in err.value.error_dict

    def test_cli_import(self, region, cli, tmp_path):
        path = tmp_path / "daftar.xlsx"
        path.write_bytes(daftar_data_workbook([["Luas Panen Padi", "dinas-kesehatan"] + [None] * 7]))
        result = cli.invoke(satudata_cli.satudata,
                            ["daftar-data-import", str(path), "--year", "2028"])
        assert result.exit_code == 0, result.output
        assert "1 new" in result.output
        assert _count(2028) == 1
        path.write_bytes(daftar_data_workbook([["", "x"] + [None] * 7]))
        result = cli.invoke(satudata_cli.satudata,
                            ["daftar-data-import", str(path), "--year", "2028"])
        assert result.exit_code == 1
        assert "Row 2," in result.output or "Baris 2," in result.output


def test_an_item_given_a_list_of_objects_is_told_not_left_unchanged(region):
    """``active: [{"x": 1}]`` (and ``unit``, ``year``…) answered 200 and
    changed nothing, the value taken apart and dropped unsaid."""
    item = region.call("walidata_admin", "satudata_daftar_data_list", year=2026)["results"][0]
    for field in ("active", "unit", "year"):
        with pytest.raises(tk.ValidationError) as refused:
            region.call("walidata_admin", "satudata_daftar_data_update", id=item["id"],
                        **{field: [{"x": 1}]})
        assert field in refused.value.error_dict, field
    with pytest.raises(tk.ValidationError) as refused:
        region.call("walidata_admin", "satudata_daftar_data_create", title="Jumlah Pasar",
                    owner_org=region.opd_a["name"], year=2026, unit=[{"x": 1}])
    assert "unit" in refused.value.error_dict


class TestRounds:
    def test_send_creates_one_request_per_active_item_with_a_private_dataset(self, region):
        assert len(region.requests) == 2
        for request in region.requests:
            pkg = helpers.call_action("package_show", context={"ignore_auth": True},
                                      id=request["package_id"])
            assert pkg["private"] is True and pkg["owner_org"] == request["owner_org"]
            # the item's fields are the dataset schema's: the dataset starts with them
            assert (pkg["update_frequency"], pkg["government_affairs"], pkg["unit"]) \
                == ("annual", ["1.02"], "unit")
        # a new item, and an inactive one: sending again only adds the new one
        region.call("walidata_admin", "satudata_daftar_data_create", title="Jumlah Bidan",
                    owner_org="dinas-kesehatan", year=2026)
        region.call("walidata_admin", "satudata_daftar_data_create", title="Lama",
                    owner_org="dinas-kesehatan", year=2026, active=False)
        result = region.call("walidata_admin", "satudata_round_send", id=region.round["name"])
        assert (result["created"], result["skipped"]) == (1, 2)
        assert result["round"]["counts"]["requested"] == 3
        events = region.call("verifier", "satudata_request_event_list",
                             id=region.requests[0]["id"])
        assert [e["transition"] for e in events] == ["request"]

    def test_a_round_s_new_datasets_are_indexed_together_and_found_by_their_producers(
            self, region, monkeypatch):
        """CKAN's commit-time indexing indexed each new dataset twice, each
        time with an index commit of its own: a round of a few hundred items
        took minutes to send and its page timed out. One add per dataset and
        one commit now, and the producers find every new dataset."""
        titles = ["Jumlah Bidan", "Jumlah Perawat", "Jumlah Dokter Gigi"]
        for title in titles:
            region.call("walidata_admin", "satudata_daftar_data_create", title=title,
                        owner_org="dinas-kesehatan", year=2026)
        adds, commits = [], []
        add, commit = pysolr.Solr.add, pysolr.Solr.commit
        monkeypatch.setattr(pysolr.Solr, "add", lambda self, docs, **kw: (
            adds.append((len(docs), kw.get("commit"))), add(self, docs, **kw))[1])
        monkeypatch.setattr(pysolr.Solr, "commit", lambda self, *a, **kw: (
            commits.append(1), commit(self, *a, **kw))[1])
        assert region.call("walidata_admin", "satudata_round_send",
                           id=region.round["name"])["created"] == 3
        assert adds == [(1, False)] * 3 and len(commits) == 1
        found = region.call("producer", "package_search", q="Jumlah", include_private=True,
                            fq="organization:dinas-kesehatan", rows=50)["results"]
        assert set(titles) <= {pkg["title"] for pkg in found}

    @pytest.mark.ckan_config("satudata.round.send_after_deadline", False)
    def test_a_round_past_its_submission_deadline_is_not_sent(self, region):
        """Its requests were all late from the start, and its letter asked
        for the data by a date already past: the walidata is told to change
        the round's dates, then it is sent."""
        region.call("walidata_admin", "satudata_daftar_data_create", title="Jumlah Bidan",
                    owner_org="dinas-kesehatan", year=2026)
        late = region.call("walidata_admin", "satudata_round_create", name="putaran-lewat",
                           title="Putaran lewat", year=2026,
                           start_date=workdays.add_working_days(workdays.today(), -80))
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_round_send", id=late["id"])
        assert "submit_due" in err.value.error_dict
        assert "has passed" in err.value.error_dict["submit_due"][0]
        assert region.call("walidata_admin", "satudata_round_show",
                           id=late["id"])["state"] != "open"
        region.call("walidata_admin", "satudata_round_update", id=late["id"],
                    start_date=workdays.add_working_days(workdays.today(), 1).isoformat())
        sent = region.call("walidata_admin", "satudata_round_send", id=late["id"])
        listed = region.call("walidata_admin", "satudata_request_list",
                             round_id=late["id"])["results"]
        assert sent["created"] >= 1 and not any(r["overdue"] for r in listed)
        # the list says the working days left as the request says them (it said null)
        assert [r["working_days_left"] for r in listed] == [
            region.call("walidata_admin", "satudata_request_show", id=r["id"])[
                "working_days_left"] for r in listed]
        assert all(isinstance(r["working_days_left"], int) for r in listed)

    def test_a_submission_deadline_before_the_requests_go_out_is_refused(self, region):
        """A typed submission deadline came before the date the requests are
        sent by: the letter asked for the data before it was requested."""
        start = workdays.add_working_days(workdays.today(), 1)
        round_ = region.call("walidata_admin", "satudata_round_create", name="urutan-tenggat",
                             title="Urutan tenggat", year=2026, start_date=start.isoformat(),
                             prepare_days=5)
        early = workdays.add_working_days(start, 1).isoformat()
        for action, data in (("satudata_round_update", {"id": round_["id"]}),
                             ("satudata_round_create", {
                                 "name": "urutan-tenggat-2", "title": "Urutan 2", "year": 2026,
                                 "start_date": start.isoformat(), "prepare_days": 5})):
            with pytest.raises(tk.ValidationError) as err:
                region.call("walidata_admin", action, submit_due=early, **data)
            assert list(err.value.error_dict) == ["submit_due"], err.value.error_dict
        # two dates out of order: both said at once (the form said one, and
        # the other only once that was fixed)
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                        submit_due=early, verify_due=start.isoformat())
        assert set(err.value.error_dict) == {"submit_due", "verify_due"}, err.value.error_dict
        shown = region.call("walidata_admin", "satudata_round_show", id=round_["id"])
        assert shown["submit_due"] > shown["prepare_due"]
        # the round sent back as it was read, its name and the keys no
        # update takes among it (it answered 500): the rest is left alone
        saved = region.call("walidata_admin", "satudata_round_update",
                            **dict(shown, name="nama-lain", foo="1", bar=[{"a": 1}],
                                   title="Urutan tenggat (2)"))
        assert (saved["name"], saved["title"]) == ("urutan-tenggat", "Urutan tenggat (2)")
        # a field the form sends empty, as it was, is no change in the trail
        # (it read "Periode: — → —")
        region.call("walidata_admin", "satudata_round_update", id=round_["id"], period="",
                    description="", start_date=workdays.add_working_days(start, 1).isoformat())
        changed = region.call("walidata_admin", "satudata_round_show",
                              id=round_["id"])["events"][-1]
        assert {c["field"] for c in changed["changes"]} == {
            "start_date", "prepare_due", "submit_due", "verify_due"}, changed["changes"]

    def test_a_typed_deadline_emptied_is_counted_again(self, region, app):
        """The form says "leave a date empty to have it computed": a typed
        submission deadline emptied was answered "saved" and kept, and the
        API refused "" as a malformed date."""
        from ..factories import csrf_token

        start = workdays.add_working_days(workdays.today(), 1)
        round_ = region.call("walidata_admin", "satudata_round_create", name="tenggat-ketik",
                             title="Tenggat diketik", year=2026, start_date=start.isoformat(),
                             prepare_days=2, submit_days=10, verify_days=5)
        counted = (round_["submit_due"], round_["verify_due"])
        typed = workdays.add_working_days(datetime.date.fromisoformat(counted[0]), 7)
        moved = region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                            submit_due=typed.isoformat())
        assert moved["submit_due"] == typed.isoformat() and moved["verify_due"] > counted[1]
        client = login(app, region.users["walidata_admin"]["name"])
        # its page counts the days the typed date gives (it said the 10 it replaced)
        page = client.get(f"/permintaan-data/putaran/{round_['name']}").body
        deadline = page.split("Tenggat pengajuan")[1].split("</dd>")[0]
        assert "(17 hari kerja)" in deadline, deadline
        # by the form: the field emptied, the others sent back as they are
        url = f"/permintaan-data/putaran/{round_['name']}/edit"
        form = client.get(url).body
        client.post(url, data={
            "_csrf_token": csrf_token(form), "title": "Tenggat diketik", "year": "2026",
            "start_date": start.isoformat(), "prepare_days": "2", "submit_days": "10",
            "verify_days": "5", "prepare_due": moved["prepare_due"], "submit_due": "",
            "verify_due": moved["verify_due"]})
        shown = region.call("walidata_admin", "satudata_round_show", id=round_["id"])
        assert (shown["submit_due"], shown["verify_due"]) == counted
        # by the API, and the verification deadline follows it
        region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                    submit_due=typed.isoformat())
        again = region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                            submit_due=" ")
        assert (again["submit_due"], again["verify_due"]) == counted
        # null too; and a new round given empty deadlines counts them (refused
        # as malformed dates)
        region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                    submit_due=typed.isoformat())
        assert region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                           submit_due=None)["submit_due"] == counted[0]
        twin = region.call("walidata_admin", "satudata_round_create", name="tenggat-kosong",
                           title="Tenggat kosong", year=2026, start_date=start.isoformat(),
                           prepare_days=2, submit_days=10, verify_days=5, submit_due="",
                           verify_due=" ", prepare_due=None)
        assert (twin["submit_due"], twin["verify_due"]) == counted

    def test_a_date_left_filled_in_stays_when_its_days_change(self, region):
        """The edit form sends every date back: raising the working days to
        submit from 10 to 20 with the typed deadline left filled in moved it
        five weeks earlier (counted again from the days), against the form's
        "leave a date empty to have it computed"; a new start still moves
        the dates sent back as they were."""
        start = workdays.add_working_days(workdays.today(), 1)
        round_ = region.call("walidata_admin", "satudata_round_create", name="tenggat-isi",
                             title="Tenggat diisi", year=2026, start_date=start.isoformat(),
                             prepare_days=2, submit_days=10, verify_days=5)
        typed = workdays.add_working_days(datetime.date.fromisoformat(round_["submit_due"]),
                                          30).isoformat()
        moved = region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                            submit_due=typed)
        form = {"id": round_["id"], "title": "Tenggat diisi", "year": 2026,
                "start_date": start.isoformat(), "prepare_days": 2, "verify_days": 5,
                "approval_days": moved["approval_days"], "prepare_due": moved["prepare_due"],
                "submit_due": typed, "verify_due": moved["verify_due"]}
        kept = region.call("walidata_admin", "satudata_round_update", submit_days=20, **form)
        assert (kept["submit_days"], kept["submit_due"], kept["verify_due"]) == (
            20, typed, moved["verify_due"])
        # a new start: the dates sent back as they were follow it
        later = workdays.add_working_days(start, 3)
        shifted = region.call("walidata_admin", "satudata_round_update", submit_days=20,
                              **{**form, "start_date": later.isoformat()})
        assert shifted["prepare_due"] > moved["prepare_due"]
        assert shifted["submit_due"] == workdays.add_working_days(
            datetime.date.fromisoformat(shifted["prepare_due"]), 20).isoformat()

    def test_a_typed_deadline_stays_when_the_days_before_it_change(self, region, app):
        """A deadline typed earlier, left as the edit form showed it, was
        counted again when the working days before it changed (to prepare,
        to submit): the form said "leave a date empty to have it computed".
        The round keeps which deadlines were typed; emptied, one is counted
        again, and a counted one still follows its days."""
        from ..factories import csrf_token

        start = workdays.add_working_days(workdays.today(), 1)
        typed = workdays.add_working_days(start, 40).isoformat()
        round_ = region.call("walidata_admin", "satudata_round_create", name="tenggat-tetap",
                             title="Tenggat tetap", year=2026, start_date=start.isoformat(),
                             prepare_days=2, submit_days=10, verify_days=5, submit_due=typed)
        assert round_["typed_deadlines"] == ["submit_due"]
        # the form, the dates left as shown: more days to prepare, to submit
        client = login(app, region.users["walidata_admin"]["name"])
        url = f"/permintaan-data/putaran/{round_['name']}/edit"
        for key, days in (("prepare_days", "4"), ("submit_days", "11")):
            shown = region.call("walidata_admin", "satudata_round_show", id=round_["id"])
            form = {"_csrf_token": csrf_token(client.get(url).body), "title": "Tenggat tetap",
                    "year": "2026", "start_date": start.isoformat(),
                    "prepare_days": str(shown["prepare_days"]),
                    "submit_days": str(shown["submit_days"]), "verify_days": "5",
                    "prepare_due": shown["prepare_due"], "submit_due": shown["submit_due"],
                    "verify_due": shown["verify_due"]}
            client.post(url, data={**form, key: days})
            after = region.call("walidata_admin", "satudata_round_show", id=round_["id"])
            assert after[key] == int(days) and after["submit_due"] == typed, (key, after)
        # the form says which date was typed
        assert "Diketik, tidak dihitung: Tenggat pengajuan" in client.get(url).body
        # the counted verification deadline follows its own days
        assert region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                           verify_days=6)["verify_due"] == workdays.add_working_days(
            datetime.date.fromisoformat(typed), 6).isoformat()
        # emptied: counted again, and it follows its days from then on
        counted = region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                              submit_due="")
        assert counted["typed_deadlines"] == [] and counted["submit_due"] != typed
        assert region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                           submit_days=12)["submit_due"] == workdays.add_working_days(
            datetime.date.fromisoformat(counted["prepare_due"]), 12).isoformat()

    def test_deadlines_in_working_days_and_round_update(self, region):
        round_ = region.round
        assert round_["prepare_due"] == "2026-01-12"
        assert round_["submit_due"] == "2026-04-17"
        assert workdays.working_days_between(
            datetime.date.fromisoformat(round_["submit_due"]),
            datetime.date.fromisoformat(round_["verify_due"])) == 15
        with freeze_time("2026-01-06 03:00:00"):  # early in the round: still ahead
            updated = region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                                  submit_days=10)
        assert updated["submit_due"] == "2026-01-27"  # 16 Jan is Isra Mi'raj
        request = model.Session.get(DataRequest, region.requests[0]["id"])
        model.Session.refresh(request)
        assert request.due_date.isoformat() == "2026-01-27"

    def test_a_moved_deadline_moves_every_request_counted_from_it_and_is_told(
            self, region, smtp, run_jobs):
        """A later submission deadline moved only the requests not yet
        submitted: a returned one kept the old date (escalated as overdue
        while the collection still ran), a submitted one its verification
        deadline; and the producers were not told (the letter's date stood)."""
        returned, submitted = region.request_of(region.opd_a), region.request_of(region.opd_b)
        with freeze_time("2026-01-06 03:00:00"):
            complete_metadata(returned["package_id"], "produsen-a")
            complete_metadata(submitted["package_id"], "produsen-b")
            region.call("producer", "satudata_request_submit", id=returned["id"])
            region.call("verifier", "satudata_request_return", id=returned["id"],
                        note="Lengkapi satuan")
            region.call("producer_b", "satudata_request_submit", id=submitted["id"])
            run_jobs()
            smtp.take()
            updated = region.call("walidata_admin", "satudata_round_update",
                                  id=region.round["id"], submit_due="2026-05-18")
            run_jobs()
        assert updated["verify_due"] > "2026-05-18"
        shown = {r["id"]: r for r in region.call(
            "walidata_admin", "satudata_request_list", round_id=region.round["id"])["results"]}
        assert shown[returned["id"]]["due_date"] == "2026-05-18"
        assert shown[submitted["id"]]["due_date"] == updated["verify_due"]
        # returned later, the submitted one is due by the new date (it kept the old)
        with freeze_time("2026-01-07 03:00:00"):
            again = region.call("verifier", "satudata_request_return", id=submitted["id"],
                                note="Lengkapi definisi")
        assert again["due_date"] == "2026-05-18"
        # the returned request's producers are told the new date, once
        (mail,) = smtp.take()
        assert "produsen-a@" in mail["to"] and "2026" in mail["subject"] + mail["body"]
        assert "18 Mei 2026" in mail["body"] and "17 April 2026" in mail["body"]
        assert f"/permintaan-data/{returned['id']}" in mail["body"]
        # the letter the OPD filed gave the old date: the message says it is replaced
        assert "Surat Permintaan Data" in mail["body"] and "menggantikannya" in mail["body"]
        # a closed round's producers cannot submit: no word of a new date
        with freeze_time("2026-01-07 03:00:00"):
            region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                        state="closed")
            region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                        submit_due="2026-05-25")
            run_jobs()
        assert not [m for m in smtp.take() if "25 Mei 2026" in m["body"]]

    def test_each_approval_level_is_reminded_even_on_the_same_day(self, region, smtp):
        """A chain moving within a day: the Kabid approved on the day the
        Kadis's level fell due too; the reminder of "verified" on that date
        was counted as sent, the Kadis never reminded. And a closed round's
        request still with its producers is chased no more."""
        from ckanext.satudata.lib import reminders

        request, other = region.request_of(region.opd_a), region.request_of(region.opd_b)
        with freeze_time("2026-01-06 03:00:00"):
            complete_metadata(request["package_id"], "produsen-a")
            region.call("producer", "satudata_request_submit", id=request["id"])
            region.call("verifier", "satudata_request_verify", id=request["id"])
            smtp.take()
            today = workdays.today()
            reminders.send_reminders(today)
            assert {m["to"].split("<")[-1].rstrip(">") for m in smtp.take()
                    if "Jumlah Puskesmas" in m["subject"]} == {"kabid@example.org"}
            region.call("kabid", "satudata_request_approve", id=request["id"])
            smtp.take()
            reminders.send_reminders(today)
            assert {m["to"].split("<")[-1].rstrip(">") for m in smtp.take()
                    if "Jumlah Puskesmas" in m["subject"]} == {"kadis@example.org"}
            region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                        state="closed")
        late = datetime.date.fromisoformat(region.round["submit_due"]) + datetime.timedelta(7)
        reminders.send_reminders(late)
        assert not [m for m in smtp.take() if "produsen-b@" in m["to"]]
        assert region.call("producer_b", "satudata_request_show",
                           id=other["id"])["state"] == "requested"

    def test_a_sent_round_does_not_go_back_to_draft(self, region):
        """Set back to draft, the producers' round page answered 403 while
        its requests stayed in their lists."""
        round_ = region.round
        for state in ("draft", "bogus"):
            with pytest.raises(tk.ValidationError) as err:
                region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                            state=state)
            assert list(err.value.error_dict) == ["state"]
        kept = region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                           state="")
        assert kept["state"] == "open"
        closed = region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                             state="closed")
        assert closed["state"] == "closed"
        # closed again: no change, and another officer's form stays good
        assert region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                           state="closed")["modified"] == closed["modified"]
        with pytest.raises(tk.ValidationError):
            region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                        state="draft")
        # a time that is none is not "someone else changed this"
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_round_update", id=round_["id"],
                        modified="garbage", title="Lain")
        assert "Someone" not in err.value.error_dict["modified"][0]
        # a round not sent yet goes back and forth, and is not closed (then
        # neither sent, "closed", nor opened, "send it")
        draft = region.call("walidata_admin", "satudata_round_create", name="belum-dikirim",
                            title="Belum dikirim", year=2026, start_date="2026-07-01")
        assert region.call("walidata_admin", "satudata_round_update", id=draft["id"],
                           state="draft")["state"] == "draft"
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_round_update", id=draft["id"],
                        state="closed")
        assert "not yet sent" in err.value.error_dict["state"][0]

    def test_a_closed_round_takes_no_more_data_until_it_is_reopened(self, region, app):
        """Closed (what the walidata does in place of deleting a sent round),
        a round's requests were still submitted, verified and listed in the
        producers' queues."""
        request = region.request_of(region.opd_a)
        complete_metadata(request["package_id"], region.users["producer"]["name"])
        region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                    state="closed")
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "satudata_request_submit", id=request["id"])
        assert err.value.error_dict["state"][0].startswith("This round is closed")
        shown = region.call("producer", "satudata_request_show", id=request["id"])
        assert "submit" not in shown["allowed_transitions"]
        assert shown["held_back"] == err.value.error_dict["state"]
        assert not [r for r in region.call("producer", "satudata_request_list",
                                           actionable=True)["results"]
                    if r["round"]["id"] == region.round["id"]]
        page = login(app, region.users["producer"]["name"]).get(
            f"/permintaan-data/{request['id']}").get_data(as_text=True)
        assert "Putaran ini ditutup: tidak lagi menerima data" in page
        assert "satudata-transition-submit" not in page

        region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                    state="open")
        assert region.call("producer", "satudata_request_submit",
                           id=request["id"])["state"] == "submitted"
        # what a closed round's verifier returns could never come back
        region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                    state="closed")
        with pytest.raises(tk.ValidationError) as err:
            region.call("verifier", "satudata_request_return", id=request["id"],
                        note="Lengkapi satuan")
        assert list(err.value.error_dict) == ["state"]
        assert "return" not in region.call("verifier", "satudata_request_show",
                                           id=request["id"])["allowed_transitions"]

    def test_a_sent_rounds_dates_stay_ahead_and_on_working_days(self, region):
        """Moved to start in 2020, a sent round put its producers' deadline
        in the past; a typed deadline could fall on Christmas."""
        with freeze_time("2026-03-02 03:00:00"):
            with pytest.raises(tk.ValidationError) as err:
                region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                            start_date="2020-01-01")
            assert list(err.value.error_dict) == ["start_date"]
            for typed in ("2026-12-25", "2027-01-02"):  # Christmas, a Saturday
                with pytest.raises(tk.ValidationError) as err:
                    region.call("walidata_admin", "satudata_round_update",
                                id=region.round["id"], submit_due=typed)
                assert "hari kerja" in err.value.error_dict["submit_due"][0] or \
                    "working day" in err.value.error_dict["submit_due"][0]
            moved = region.call("walidata_admin", "satudata_round_update",
                                id=region.round["id"], submit_due="2026-12-28")
            assert moved["submit_due"] == "2026-12-28"

    def test_a_sent_rounds_year_stays(self, region):
        """Moved to another year after it was sent, a round sent the next
        year's items under its period, and its earlier year's pages said the
        new year."""
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_round_update", id=region.round["id"],
                        year=2027)
        assert list(err.value.error_dict) == ["year"]
        assert region.call("walidata_admin", "satudata_round_show",
                           id=region.round["id"])["year"] == 2026
        draft = region.call("walidata_admin", "satudata_round_create", name="belum-dikirim",
                            title="Belum dikirim", year=2026, start_date="2026-07-01")
        assert region.call("walidata_admin", "satudata_round_update", id=draft["id"],
                           year=2027)["year"] == 2027

    def test_a_requested_item_stays_with_its_opd(self, region):
        """Moved to another OPD after its request was sent, an item's
        request, dataset and letter stayed with the first OPD."""
        request = region.request_of(region.opd_a)
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_daftar_data_update",
                        id=request["item_id"], owner_org=region.opd_b["name"])
        assert list(err.value.error_dict) == ["owner_org"]
        # nor to another year (its request was sent in a round of its year)
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_daftar_data_update",
                        id=request["item_id"], year=2027)
        assert list(err.value.error_dict) == ["year"]
        region.call("walidata_admin", "satudata_daftar_data_update", id=request["item_id"],
                    owner_org=region.opd_a["name"], title="Jumlah Puskesmas (baru)",
                    year=2026)
        fresh = region.call("walidata_admin", "satudata_daftar_data_create", title="Baru",
                            owner_org=region.opd_a["name"], year=2026)
        moved = region.call("walidata_admin", "satudata_daftar_data_update", id=fresh["id"],
                            owner_org=region.opd_b["name"])
        assert moved["owner_org"] == region.opd_b["id"]

    def test_an_item_is_listed_once_per_opd_and_year(self, region):
        """The walidata typed an item the Daftar Data already had: a second
        "Jumlah Puskesmas" for the same OPD would be sent as a second
        request for the same data."""
        request = region.request_of(region.opd_a)
        item = region.call("walidata_admin", "satudata_daftar_data_show", id=request["item_id"])
        for call in (
                {"action": "satudata_daftar_data_create", "year": item["year"],
                 "owner_org": region.opd_a["name"], "title": "  " + item["title"].upper()},
                {"action": "satudata_daftar_data_update", "id": region.call(
                    "walidata_admin", "satudata_daftar_data_create", title="Lain",
                    owner_org=region.opd_a["name"], year=item["year"])["id"],
                 "title": item["title"]}):
            action = call.pop("action")
            with pytest.raises(tk.ValidationError) as err:
                region.call("walidata_admin", action, **call)
            assert list(err.value.error_dict) == ["title"]
        # the same title is another OPD's item (the region has one), or next year's
        other = region.request_of(region.opd_b)
        assert other["item_id"] != item["id"] and region.call(
            "walidata_admin", "satudata_daftar_data_show", id=other["item_id"])["title"] == item["title"]
        region.call("walidata_admin", "satudata_daftar_data_create", title=item["title"],
                    owner_org=region.opd_a["name"], year=item["year"] + 1)
        # and an item keeps its own title when changed otherwise
        region.call("walidata_admin", "satudata_daftar_data_update", id=item["id"],
                    title=item["title"], priority=True)
        titles = [i["title"] for i in region.call(
            "walidata_admin", "satudata_daftar_data_list", year=item["year"],
            owner_org=region.opd_a["name"])["results"]]
        assert sorted(titles) == sorted([item["title"], "Lain"])

    def test_a_title_that_only_looks_the_same_is_the_same_item(self, region):
        """ "Jumlah\u00a0Puskesmas" (a non-breaking space) and "Jumlah\u200b
        Puskesmas" (a zero-width space) were new items beside "Jumlah
        Puskesmas": three look-alike items, three requests. Spaces of any
        kind are one plain space; an invisible character is refused, with
        why."""
        request = region.request_of(region.opd_a)
        item = region.call("walidata_admin", "satudata_daftar_data_show", id=request["item_id"])
        first, rest = item["title"].split(" ", 1)
        for look_alike in (f"{first}\u00a0{rest}", f"{first}\t {rest}", f"{first}\u3000{rest}"):
            with pytest.raises(tk.ValidationError) as err:
                region.call("walidata_admin", "satudata_daftar_data_create", title=look_alike,
                            owner_org=region.opd_a["name"], year=item["year"])
            assert "sudah memiliki butir" in err.value.error_dict["title"][0] \
                or "already has an item" in err.value.error_dict["title"][0]
        for hidden in (f"{first}\u200b {rest}", f"{first[:2]}\u00ad{first[2:]} {rest}",
                       f"{first}\u2060 {rest}"):
            with pytest.raises(tk.ValidationError) as err:
                region.call("walidata_admin", "satudata_daftar_data_create", title=hidden,
                            owner_org=region.opd_a["name"], year=item["year"])
            assert "spasi lebar nol" in err.value.error_dict["title"][0] \
                or "zero-width space" in err.value.error_dict["title"][0]
        stored = region.call("walidata_admin", "satudata_daftar_data_create",
                             title="Jumlah\u00a0\u00a0Posyandu  aktif",
                             owner_org=region.opd_a["name"], year=item["year"])
        assert stored["title"] == "Jumlah Posyandu aktif"

    def test_round_name_is_unique_and_cli_creates(self, region, cli):
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_round_create", name="semester-1-2026",
                        title="x", year=2026, start_date="2026-07-01")
        assert "name" in err.value.error_dict
        for org in (region.opd_a, region.opd_b):  # next year's Daftar Data
            region.call("walidata_admin", "satudata_daftar_data_create",
                        title="Jumlah Posyandu", owner_org=org["name"], year=2027)
        result = cli.invoke(satudata_cli.satudata, [
            "round-create", "tahun-2027", "--title", "Tahun 2027",
            "--year", "2027", "--start-date", "2027-01-04", "--send"])
        assert result.exit_code == 0, result.output
        assert "Sent 2 request(s)" in result.output


class TestRequests:
    def test_filters_overdue_and_queues(self, region):
        a, b = region.request_of(region.opd_a), region.request_of(region.opd_b)
        model.Session.query(DataRequest).filter_by(id=a["id"]).update(
            {"due_date": datetime.date(2020, 1, 1)})
        model.Session.query(DataRequest).filter_by(id=b["id"]).update(
            {"due_date": datetime.date(2999, 1, 1), "state": "submitted"})
        model.Session.commit()
        overdue = region.call("verifier", "satudata_request_list", overdue=True)
        assert [r["id"] for r in overdue["results"]] == [a["id"]]
        assert overdue["results"][0]["overdue"] is True
        assert region.call("verifier", "satudata_request_list",
                           owner_org="dinas-pendidikan")["count"] == 1
        assert region.call("verifier", "satudata_request_list",
                           state="submitted,resubmitted")["count"] == 1
        queue = region.call("verifier", "satudata_request_list", actionable=True)
        assert [r["id"] for r in queue["results"]] == [b["id"]]
        assert region.call("kabid", "satudata_request_list", actionable=True)["count"] == 0
        mine = region.call("producer", "satudata_request_list", actionable=True)
        assert [r["id"] for r in mine["results"]] == [a["id"]]
        with pytest.raises(tk.ValidationError):
            region.call("verifier", "satudata_request_list", state="unknown")

    def test_show_lists_what_the_user_may_do(self, region):
        a = region.request_of(region.opd_a)
        shown = region.call("producer", "satudata_request_show", id=a["id"])
        assert shown["allowed_transitions"] == ["submit"]
        assert shown["completeness"]["complete"] is False
        assert shown["checklist"] and not all(i["filled"] for i in shown["checklist"])
        assert region.call("verifier", "satudata_request_show",
                           id=a["id"])["allowed_transitions"] == []
        assert "cancel" in region.call("walidata_admin", "satudata_request_show",
                                       id=a["id"])["allowed_transitions"]

    def test_link_another_dataset_of_the_same_opd(self, region):
        from ckanext.satudata.logic.action.workflow import _dataset_name_of

        a = region.request_of(region.opd_a)
        own = factories.Dataset(owner_org=region.opd_a["id"], private=True)
        other = factories.Dataset(owner_org=region.opd_b["id"], private=True)
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "satudata_request_link_dataset", id=a["id"],
                        package_id=other["id"])
        assert "package_id" in err.value.error_dict
        # blank: what to write, not "Not found: Dataset"
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "satudata_request_link_dataset", id=a["id"],
                        package_id="   ")
        assert "name" in err.value.error_dict["package_id"][0]
        # its address as copied from the browser's address bar (a phone's
        # producer pastes it): its name
        result = region.call("producer", "satudata_request_link_dataset", id=a["id"],
                             package_id=f" https://data.example.go.id/id/dataset/{own['name']}"
                                        "?activity_id=1#x ")
        assert result["package_id"] == own["id"] and result["version"] == 2
        assert _dataset_name_of(f"https://x.example/dataset/edit/{own['name']}") == own["name"]
        events = region.call("producer", "satudata_request_event_list", id=a["id"])
        assert events[-1]["transition"] == "link_dataset"

    def test_cancel_needs_a_reason_and_is_final(self, region):
        a = region.request_of(region.opd_a)
        with pytest.raises(tk.ValidationError) as err:
            region.call("walidata_admin", "satudata_request_cancel", id=a["id"])
        assert "note" in err.value.error_dict
        region.call("walidata_admin", "satudata_request_cancel", id=a["id"], note="Dobel")
        with pytest.raises(tk.ValidationError) as err:
            region.call("producer", "satudata_request_submit", id=a["id"])
        assert "state" in err.value.error_dict
        # nor does its dataset change (the producer's edits and uploads went
        # on unseen, as if the data were still asked for)
        for action, fields in (("package_patch", {"id": a["package_id"], "title": "Baru"}),
                               ("resource_create", {"package_id": a["package_id"],
                                                    "url": "http://example.org/a.csv"})):
            with pytest.raises(tk.ValidationError) as err:
                region.call("producer", action, **fields)
            assert "cancelled" in err.value.error_dict["state"][0], action
        assert region.call("producer", "package_show", id=a["package_id"])["title"] != "Baru"

    def test_a_cancelled_requests_dataset_page_says_why_it_does_not_change(self, app, region):
        a = region.request_of(region.opd_a)
        region.call("walidata_admin", "satudata_request_cancel", id=a["id"], note="Dobel")
        producer = login(app, region.users["producer"]["name"])
        page = producer.get(f"/dataset/{a['package_id']}").body
        assert "satudata-review-message" in page and "dibatalkan" in page


def test_a_round_whose_deadlines_would_fall_after_2100_is_refused(region):
    """Started late in 2100, a round was saved with deadlines in 2101, which
    its own edit form then refused field by field."""
    with pytest.raises(tk.ValidationError) as refused:
        region.call("walidata_admin", "satudata_round_create", name="akhir-abad",
                    title="Akhir abad", year=2100, start_date="2100-12-01")
    assert list(refused.value.error_dict) == ["start_date"]
    assert "2100" in refused.value.error_dict["start_date"][0]
    made = region.call("walidata_admin", "satudata_round_create", name="awal-2100",
                       title="Awal 2100", year=2100, start_date="2100-01-04")
    with pytest.raises(tk.ValidationError) as moved:
        region.call("walidata_admin", "satudata_round_update", id=made["id"],
                    start_date="2100-11-01")
    assert list(moved.value.error_dict) == ["start_date"]

def test_an_imported_priority_that_is_neither_yes_nor_no_is_named(region):
    """'mungkin' in the prioritas column was imported as 'not a priority'."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Daftar Data"
    sheet.append(["judul", "opd", "prioritas"])
    sheet.append(["Jumlah Posyandu", region.opd_a["name"], "mungkin"])
    content = io.BytesIO()
    book.save(content)
    with pytest.raises(tk.ValidationError) as refused:
        region.call("walidata_admin", "satudata_daftar_data_import", year=2027,
                    upload=FileStorage(stream=io.BytesIO(content.getvalue()),
                                       filename="daftar.xlsx"))
    assert "mungkin" in str(refused.value.error_dict)


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_the_dataset_of_a_request_keeps_its_title(region, blank):
    """A producer emptying the title of a request's dataset got the URL name
    in its place (CKAN's fallback, kept for datasets outside the workflow):
    the title the Daftar Data gave it was lost without a word. It is
    required."""
    request = region.request_of(region.opd_a)
    before = helpers.call_action("package_show", id=request["package_id"])["title"]
    with pytest.raises(tk.ValidationError) as err:
        region.call("producer", "package_patch", id=request["package_id"], title=blank)
    assert list(err.value.error_dict) == ["title"]
    assert helpers.call_action("package_show", id=request["package_id"])["title"] == before


def test_a_round_deleted_twice_at_once_is_deleted_once(region):
    """Two deletions of a draft round at once both answered "deleted" (the
    second, waiting for the first, then deleted nothing)."""
    admin = region.users["walidata_admin"]["name"]
    later = datetime.date.today() + datetime.timedelta(days=400)  # on any date
    draft = region.call("walidata_admin", "satudata_round_create", name="hapus-dua-kali",
                        title="Hapus dua kali", year=later.year, start_date=later.isoformat())
    model.Session.remove()
    helpers.call_action("satudata_round_delete", context={"user": admin, "defer_commit": True},
                        id=draft["id"])
    outcome = answer_while_held(lambda: helpers.call_action(
        "satudata_round_delete", context={"user": admin}, id=draft["id"]))
    assert isinstance(outcome, tk.ObjectNotFound), outcome


def test_an_items_new_deadline_and_its_rounds_new_dates_at_once_agree(region):
    """A change of an item's own deadline and of its round's dates at the
    same moment deadlocked (500) or left the item's request due by the
    round's submission deadline: the item's change now takes the round
    first, as the round's own change does, and the other waits for it."""
    admin = region.users["walidata_admin"]["name"]
    request = region.request_of(region.opd_a)
    model.Session.remove()
    # the item's change, not committed yet (it holds the round)
    helpers.call_action("satudata_daftar_data_update",
                        context={"user": admin, "defer_commit": True},
                        id=request["item_id"], submit_days=40)
    later = workdays.add_working_days(workdays.today(), 20).isoformat()
    outcome = answer_while_held(lambda: helpers.call_action(
        "satudata_round_update", context={"user": admin}, id=region.round["id"],
        submit_due=later))
    assert not isinstance(outcome, Exception), getattr(outcome, "error_dict", outcome)
    shown = region.call("walidata_admin", "satudata_request_show", id=request["id"])
    sent_on = publishing.to_local(datetime.datetime.fromisoformat(request["requested_at"]))
    own = workdays.add_working_days(sent_on.date(), 40).isoformat()  # the day in WIB
    assert (shown["submit_due"], shown["due_date"]) == (own, own), shown


def test_a_sysadmin_who_set_an_opd_up_is_not_waited_for_as_its_producer(region):
    """CKAN makes whoever creates an OPD its admin: every request waiting for
    the OPDs a sysadmin set up was in their "waiting for me" (1,067 of
    1,082), as if they were the producer (the e-mails already knew better)."""
    sysadmin = region.users["sysadmin"]["name"]
    helpers.call_action("organization_member_create", context={"user": sysadmin},
                        id=region.opd_a["id"], username=sysadmin, role="admin")
    mine = region.call("sysadmin", "satudata_request_list", actionable=True)
    assert region.request_of(region.opd_a)["id"] not in [r["id"] for r in mine["results"]]
    # its producer still has it
    theirs = region.call("producer", "satudata_request_list", actionable=True)
    assert region.request_of(region.opd_a)["id"] in [r["id"] for r in theirs["results"]]
