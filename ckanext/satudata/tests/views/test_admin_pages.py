# -*- coding: utf-8 -*-
"""Administration pages (OPDs, groups, members, users, API tokens) as an
external tester met them, in Indonesian and English: the invitation e-mail
in plain text, tabs only for who may open them, a required OPD name, the
user pages' own words, long names that wrap, member forms that keep what
was typed, and confirmations that name what they act on."""
from __future__ import annotations

import html
import pathlib
import re

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ..factories import csrf_token, login

OPD_TITLE = 'Dinas PPPA & KB "Uji"'


@pytest.fixture
def sysadmin():
    return factories.Sysadmin(password="correct123")


@pytest.mark.usefixtures("clean_db")
def test_the_invitation_email_shows_the_opds_name_as_typed(app, sysadmin, smtp):
    """Plain text: ``&`` and ``"`` arrived as ``&amp;`` and ``&#34;``."""
    org = factories.Organization(title=OPD_TITLE)
    admin = login(app, sysadmin["name"])
    page = admin.get(f"/organization/member_new/{org['name']}")
    admin.post(f"/organization/member_new/{org['name']}", data={
        "_csrf_token": csrf_token(page.body), "username": "", "email": "baru@example.org",
        "role": "editor"})
    [message] = smtp.take()
    assert OPD_TITLE in message["body"]
    assert "&amp;" not in message["body"] and "&#34;" not in message["body"]


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("kind", ["organization", "group"])
def test_the_members_tab_is_shown_to_who_may_open_it(app, sysadmin, prefix, kind):
    """Anonymous visitors and citizens saw a "Members" tab that answered 403."""
    factories.User(name="warga-uji", password="correct123")
    group = (factories.Organization if kind == "organization" else factories.Group)()
    members = f"/{kind}/members/{group['name']}"
    for client in (app, login(app, "warga-uji")):
        page = client.get(f"{prefix}/{kind}/{group['name']}").body
        assert f'href="{prefix}{members}"' not in page
    # (a visitor is asked to log in first: an OPD's members are an officer's page)
    assert app.get(f"{prefix}{members}", follow_redirects=False).status_code in (302, 403)
    login(app, "warga-uji").get(f"{prefix}{members}", status=403)
    admin = login(app, sysadmin["name"])
    assert f'href="{prefix}{members}"' in admin.get(f"{prefix}/{kind}/{group['name']}").body
    admin.get(f"{prefix}{members}", status=200)


def _flashes(body: str) -> list[str]:
    """The texts of the flash messages of a page."""
    return [html.unescape(re.sub(r"<[^>]+>|\s+", " ", m)).strip() for m in re.findall(
        r'<div class="alert[^"]*fade[^"]*"[^>]*>(.*?)</div>', body, re.S)]


def _text(body: str) -> str:
    """The words of a page, as a reader sees them (one space between)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _value(body: str, name: str) -> str | None:
    """The value of the input ``name`` of a page (None without one)."""
    tag = re.search(rf'<input\b[^>]*\bname="{name}"[^>]*>', body)
    value = tag and re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else None


# -- 3. the OPD form --------------------------------------------------------------------------

@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("prefix,missing", [("", "Nama: Belum diisi"),
                                            ("/en", "Name: Missing value")])
def test_an_opd_needs_a_name_and_keeps_what_was_typed(app, sysadmin, prefix, missing):
    """An OPD was created, and saved, with an empty "Nama"."""
    admin = login(app, sysadmin["name"])
    form = admin.get(f"{prefix}/organization/new").body
    assert re.search(r'<label[^>]*for="field-title"[^>]*>\s*<span[^>]*>\*</span>', form), \
        "the Name is marked required"
    response = admin.post(f"{prefix}/organization/new", data={
        "_csrf_token": csrf_token(form), "title": "  ", "name": "dinas-tanpa-nama",
        "short_name": "DTN", "save": ""})
    assert response.status_code == 200
    assert missing in _text(response.body)
    assert _value(response.body, "name") == "dinas-tanpa-nama"
    assert _value(response.body, "short_name") == "DTN"
    assert not model.Group.get("dinas-tanpa-nama")

    org = factories.Organization(title="Dinas Lama")
    form = admin.get(f"{prefix}/organization/edit/{org['name']}").body
    response = admin.post(f"{prefix}/organization/edit/{org['name']}", data={
        "_csrf_token": csrf_token(form), "title": "", "name": org["name"], "save": ""})
    assert missing in _text(response.body)
    assert helpers.call_action("organization_show", id=org["id"])["title"] == "Dinas Lama"


@pytest.mark.usefixtures("clean_db")
def test_a_taken_opd_address_is_not_called_a_group(app, sysadmin):
    factories.Organization(name="dinas-ada")
    admin = login(app, sysadmin["name"])
    form = admin.get("/organization/new").body
    response = admin.post("/organization/new", data={
        "_csrf_token": csrf_token(form), "title": "Dinas Ada", "name": "dinas-ada", "save": ""})
    assert "Nama grup" not in _text(response.body)
    assert "URL ini sudah dipakai" in _text(response.body)


# -- 4. the user edit page --------------------------------------------------------------------

@pytest.fixture
def person():
    return factories.User(name="s21d-u3", fullname="Siti Rahma", password="correct123")


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("prefix,words", [
    ("", {"heading": "Ubah kata sandi Siti Rahma", "label": "kata sandi administrator sistem",
          "mine": "Profil Anda", "password": "Kata sandi"}),
    ("/en", {"heading": "Change the password of Siti Rahma", "label": "sysadmin password",
             "mine": "Your profile", "password": "Password"})])
def test_a_sysadmin_editing_someone_reads_the_page_in_one_language(app, sysadmin, person,
                                                                  prefix, words):
    admin = login(app, sysadmin["name"])
    url = f"{prefix}/user/edit/{person['name']}"
    page = admin.get(url).body
    assert "S21d-u3" not in page and "'s password" not in page
    assert words["heading"] in page
    assert page.lower().count(words["label"]) == 1
    assert words["mine"] not in page and "Siti Rahma" in _sidebar(page)
    response = admin.post(url, data={
        "_csrf_token": csrf_token(page), "name": person["name"], "fullname": "Siti Rahma",
        "email": person["email"], "password1": "a", "password2": "a",
        "old_password": "correct123", "save": ""})
    summary = re.search(r'id="error-summary".*?</div>', response.body, re.S)
    assert summary and "Password1" not in response.body
    assert f'href="#field-password">{words["password"]}</a>' in summary.group(0)


def _sidebar(body: str) -> str:
    match = re.search(r'<aside class="secondary.*?</aside>', body, re.S)
    return match.group(0) if match else ""


# -- 5. long names ----------------------------------------------------------------------------

@pytest.mark.usefixtures("clean_db")
def test_long_names_wrap_or_are_cut(app):
    """A 2,000-character full name made the activity page 14,000 px wide; a
    300-character token name pushed the revoke button off a phone's screen."""
    long_name = "A" * 2000
    # stored before the portal limited them (test_a_full_name_or_a_token_name_too_long...)
    user = factories.User(fullname="Pendek", password="correct123")
    factories.APIToken(user=user["name"], name="pendek")
    model.User.get(user["id"]).fullname = long_name
    model.Session.query(model.ApiToken).filter(model.ApiToken.user_id == user["id"]).update(
        {"name": "t" * 300})
    model.Session.commit()
    client = login(app, user["name"])
    activity = client.get(f"/user/activity/{user['name']}").body
    heading = re.search(r'<h1 class="heading[^"]*">', activity)
    assert heading and "satudata-wrap" in heading.group(0)
    # the page title, the side column's heading and the header's title, not each item
    assert len(re.sub(r'title="[^"]*"', "", activity).split(long_name)) - 1 <= 2
    tokens = client.get(f"/user/{user['name']}/api-tokens").body
    assert "t" * 300 not in re.sub(r'title="[^"]*"', "", tokens)
    assert re.search(r'<code class="satudata-wrap" title="t{300}">', tokens)
    css = (pathlib.Path(__file__).parents[2] / "assets" / "satudata.css").read_text()
    assert re.search(r"\.satudata-wrap[^{]*\{[^}]*overflow-wrap:\s*anywhere", css)


# -- 6. adding members ------------------------------------------------------------------------

@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("prefix,missing,sent,pending", [
    ("", "belum diisi", "Undangan telah dikirim ke baru@example.org", "Menunggu"),
    ("/en", "missing", "An invitation was sent to baru@example.org", "Pending")])
def test_adding_a_member_keeps_what_was_typed_and_lists_invitations(app, sysadmin, smtp, prefix,
                                                                   missing, sent, pending):
    org = factories.Organization()
    admin = login(app, sysadmin["name"])
    url = f"{prefix}/organization/member_new/{org['name']}"
    page = admin.get(url).body
    response = admin.post(url, data={"_csrf_token": csrf_token(page), "username": "",
                                     "role": "editor"}, follow_redirects=True)
    assert any(missing in f.lower() for f in _flashes(response.body)), _flashes(response.body)
    assert "Tidak ditemukan: Pengguna" not in response.body
    assert re.search(r'<option value="editor"\s+selected', response.body)
    response = admin.post(url, data={"_csrf_token": csrf_token(page), "username": "tidak-ada",
                                     "role": "admin"}, follow_redirects=True)
    assert _value(response.body, "username") == "tidak-ada"
    assert re.search(r'<option value="admin"\s+selected', response.body)
    response = admin.post(url, data={"_csrf_token": csrf_token(page), "username": "",
                                     "email": "baru@example.org", "role": "editor"},
                          follow_redirects=True)
    assert any(sent in f for f in _flashes(response.body)), _flashes(response.body)
    invitations = re.search(r'id="satudata-pending-invitations".*?</table>', response.body, re.S)
    assert invitations and "baru@example.org" in invitations.group(0)
    assert pending in invitations.group(0)
    # a mistyped address is withdrawn from the list (it stayed a member,
    # e-mailed the OPD's requests, with no way out but a typed address)
    withdraw = re.search(r'class="btn btn-outline-danger btn-sm satudata-withdraw-invitation" '
                         r'href="([^"]+)"', invitations.group(0)).group(1)
    confirm = admin.get(html.unescape(withdraw))
    admin.post(html.unescape(withdraw), data={"_csrf_token": csrf_token(confirm.body)},
               follow_redirects=True)
    listed = admin.get(f"{prefix}/organization/members/{org['name']}").body
    assert "baru@example.org" not in listed
    # and the invitation's link no longer opens an account (it set a
    # password and activated it)
    invited = model.User.by_email("baru@example.org")
    model.Session.refresh(invited)
    assert (invited.state, invited.reset_key) == ("deleted", None)
    assert not helpers.call_action("member_list", id=org["id"], object_type="user",
                                   capacity="editor")
    # an existing user added: said too (CKAN said nothing)
    factories.User(name="anggota-lama")
    response = admin.post(url, data={"_csrf_token": csrf_token(page), "username": "anggota-lama",
                                     "role": "editor"}, follow_redirects=True)
    assert any("anggota-lama" in f and ("Editor" in f) for f in _flashes(response.body)), \
        _flashes(response.body)
    # an account and an address both given: CKAN invites the address (the
    # page said the account was now a member)
    factories.User(name="dipilih-juga")
    response = admin.post(url, data={"_csrf_token": csrf_token(page), "username": "dipilih-juga",
                                     "email": "lain@example.org", "role": "editor"},
                          follow_redirects=True)
    flashes = _flashes(response.body)
    assert any("lain@example.org" in f for f in flashes), flashes
    assert not any("dipilih-juga" in f and "Editor" in f for f in flashes), flashes
    # a deleted account is not added, and not said to be
    gone = factories.User(name="akun-dihapus")
    helpers.call_action("user_delete", context={"user": sysadmin["name"]}, id=gone["id"])
    response = admin.post(url, data={"_csrf_token": csrf_token(page), "username": "akun-dihapus",
                                     "role": "editor"}, follow_redirects=True)
    flashes = _flashes(response.body)
    assert not any("akun-dihapus" in f and "Editor" in f for f in flashes), flashes
    assert any("akun-dihapus" in f for f in flashes), flashes


# -- 7. deleting ------------------------------------------------------------------------------

@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("prefix,asks,deleted", [
    ("", "menghapus pengguna Siti Rahma?", "Pengguna Siti Rahma telah dihapus."),
    ("/en", "delete user - Siti Rahma?", "User Siti Rahma was deleted.")])
def test_deleting_a_user_names_them_and_says_it_is_done(app, sysadmin, person, prefix, asks,
                                                       deleted):
    admin = login(app, sysadmin["name"])
    page = admin.get(f"{prefix}/user/delete/{person['name']}").body
    assert asks in html.unescape(page)
    response = admin.post(f"{prefix}/user/delete/{person['id']}", data={
        "_csrf_token": csrf_token(page), "delete": ""}, follow_redirects=True)
    assert deleted in _flashes(response.body), _flashes(response.body)


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("kind", ["organization", "group"])
def test_deleting_an_opd_or_a_group_names_it(app, sysadmin, kind):
    group = (factories.Organization if kind == "organization" else factories.Group)(
        name="dinas-uji-hapus", title=OPD_TITLE)
    admin = login(app, sysadmin["name"])
    page = html.unescape(admin.get(f"/{kind}/delete/{group['name']}").body)
    assert f"{OPD_TITLE}?" in page and "dinas-uji-hapus?" not in page
    member = html.unescape(admin.get(
        f"/{kind}/member_delete/{group['id']}?user={sysadmin['id']}").body)
    assert f"{sysadmin['fullname']}?" in member
    # and its confirmation deletes the member (a group's answered 404 "User
    # not found": its form's address lacked the member)
    other = factories.User()
    helpers.call_action(f"{kind}_member_create", id=group["id"], username=other["name"],
                        role="member")
    page = admin.get(f"/{kind}/member_delete/{group['id']}?user={other['id']}")
    action = re.search(r'<form[^>]*action="([^"]*member_delete[^"]*)"', page.body).group(1)
    done = admin.post(html.unescape(action), data={
        "_csrf_token": csrf_token(page.body), "user": other["id"], "delete": ""})
    assert done.status_code in (200, 302), done.status_code
    members = helpers.call_action("member_list", id=group["id"], object_type="user")
    assert other["id"] not in [m[0] for m in members]


@pytest.mark.usefixtures("clean_db")
def test_a_full_name_or_a_token_name_too_long_for_a_page_is_refused(app, sysadmin):
    """CKAN set no limit: a full name of 2,000 characters was stored and
    widened every page showing it."""
    long_name = "Nama Panjang " * 20  # 260 characters
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("user_create", context={"user": sysadmin["name"]},
                            name="nama-panjang", email="panjang@example.org",
                            password="kata-sandi-uji", fullname=long_name)
    assert "fullname" in error.value.error_dict
    user = factories.User(name="nama-pendek", fullname="Nama Pendek")
    with pytest.raises(tk.ValidationError):
        helpers.call_action("user_patch", context={"user": sysadmin["name"]},
                            id=user["id"], fullname=long_name)
    assert model.User.get("nama-pendek").fullname == "Nama Pendek"
    # nor an "about" of a megabyte; one of several lines is a profile's
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("user_patch", context={"user": user["name"]}, id=user["id"],
                            about="a" * 1_000_000)
    assert "about" in error.value.error_dict
    assert helpers.call_action("user_patch", context={"user": user["name"]}, id=user["id"],
                               about="Operator data.\nDinas Kesehatan")["about"] == \
        "Operator data.\nDinas Kesehatan"
    # nor a picture's address of 100,000 characters (every page showing it
    # asked the server for a 414)
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("user_patch", context={"user": user["name"]}, id=user["id"],
                            image_url="https://foto.example.org/" + "a" * 2000)
    assert "image_url" in error.value.error_dict
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("api_token_create", context={"user": user["name"]},
                            user=user["name"], name="t" * 101)
    assert "name" in error.value.error_dict
    # nor of spaces only (a token nobody could tell from another)
    with pytest.raises(tk.ValidationError) as error:
        helpers.call_action("api_token_create", context={"user": user["name"]},
                            user=user["name"], name="  \t  ")
    assert "name" in error.value.error_dict
    # the registration form says so, and keeps what was typed
    admin = login(app, sysadmin["name"])
    page = admin.get("/user/register")
    answer = admin.post("/user/register", data={
        "_csrf_token": csrf_token(page.body), "name": "nama-panjang", "fullname": long_name,
        "email": "panjang@example.org", "password1": "kata-sandi-uji-1",
        "password2": "kata-sandi-uji-1", "save": ""})
    assert "Paling banyak 200 karakter" in answer.body
    assert 'value="panjang@example.org"' in answer.body
    assert model.User.get("nama-panjang") is None
    # two different passwords: the summary names the field by its label,
    # not by its key ("Password1:"), in either language
    for prefix, label in (("", "Kata sandi: "), ("/en", "Password: ")):
        page = admin.get(prefix + "/user/register")
        answer = admin.post(prefix + "/user/register", data={
            "_csrf_token": csrf_token(page.body), "name": "sandi-beda",
            "email": "sandi@example.org", "password1": "kata-sandi-uji-1",
            "password2": "kata-sandi-uji-2", "save": ""})
        summary = answer.body[answer.body.index("error-explanation"):][:600]
        assert label in summary and "Password1" not in summary, summary


@pytest.mark.usefixtures("clean_db")
def test_the_site_logo_can_be_uploaded(app, sysadmin):
    """The settings page offered a logo upload and refused it, in English:
    "No uploads allowed for object type admin" (CKAN allows none by default)."""
    import io

    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489000000"
        "0d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
    before = {key: helpers.call_action("config_option_show", key=key)
              for key in ("ckan.site_logo", "ckan.site_title")}
    admin = login(app, sysadmin["name"])
    page = admin.get("/ckan-admin/config")
    try:
        response = admin.post("/ckan-admin/config", data={
            "_csrf_token": csrf_token(page.body), "ckan.site_title": before["ckan.site_title"],
            "logo_upload": (io.BytesIO(png), "logo.png"), "save": ""},
            content_type="multipart/form-data")
        assert response.status_code in (200, 302)
        assert "No uploads allowed" not in response.body
        assert "logo.png" in helpers.call_action("config_option_show", key="ckan.site_logo")
    finally:  # the site's settings as they were, for the tests after this one
        helpers.call_action("config_option_update", **before)


@pytest.mark.usefixtures("clean_db")
def test_a_refused_picture_is_not_set_by_saving_again(app, sysadmin):
    """A text file uploaded as the site logo (or a profile picture) was
    refused, in English on the settings page ("Logo upload: Unsupported
    upload type: text/plain"), and the form kept its name: saving again set a
    logo that was never uploaded, a broken image in every page's header
    (and on the profile)."""
    import io

    before = {key: helpers.call_action("config_option_show", key=key)
              for key in ("ckan.site_logo", "ckan.site_title")}
    admin = login(app, sysadmin["name"])
    try:
        page = admin.get("/ckan-admin/config")
        refused = admin.post("/ckan-admin/config", data={
            "_csrf_token": csrf_token(page.body), "ckan.site_title": before["ckan.site_title"],
            "ckan.site_logo": "bukan-gambar.png",
            "logo_upload": (io.BytesIO(b"bukan gambar\n"), "bukan-gambar.png"), "save": ""},
            content_type="multipart/form-data")
        summary = html.unescape(refused.body[refused.body.index("error-explanation"):][:800])
        assert "Unggahan logo: Jenis berkas ini tidak dapat diunggah di sini (text/plain): " \
            "pilih gambar" in summary, summary
        # the form as it came back, saved again
        again = admin.post("/ckan-admin/config", data={
            "_csrf_token": csrf_token(refused.body),
            "ckan.site_title": before["ckan.site_title"], "ckan.site_logo": "bukan-gambar.png",
            "save": ""})
        assert again.status_code == 200
        assert "Tidak ada gambar bernama" in html.unescape(again.body)
        assert helpers.call_action("config_option_show",
                                   key="ckan.site_logo") == before["ckan.site_logo"]
    finally:  # the site's settings as they were, for the tests after this one
        helpers.call_action("config_option_update", **before)

    user = factories.User(name="warga-foto", password="correct123")
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("user_patch", context={"user": user["name"]}, id=user["id"],
                            image_url="bukan-gambar.png")
    assert '"bukan-gambar.png"' in err.value.error_dict["image_url"][0]
    assert helpers.call_action("user_show", id=user["id"])["image_url"] == user["image_url"]
    # a web address, or the picture it has, is kept as it is
    helpers.call_action("user_patch", context={"user": user["name"]}, id=user["id"],
                        image_url="https://example.org/foto.png")
    group = factories.Group(image_url="https://example.org/logo.png")
    with pytest.raises(tk.ValidationError):
        helpers.call_action("group_patch", context={"user": sysadmin["name"]},
                            id=group["id"], image_url="bukan-gambar.png")


@pytest.mark.usefixtures("clean_db")
def test_the_sites_title_is_one_line_of_text(app, sysadmin):
    """A title sent twice was stored as a list (every e-mail's subject read
    "[1, 2]"); one of thousands of characters broke the e-mails."""
    before = helpers.call_action("config_option_show", key="ckan.site_title")
    context = {"user": sysadmin["name"]}
    try:
        # nor empty ("Beranda -" in the tab, "Undangan ke " in the e-mails)
        for title in (["Portal", "Lain"], "x" * 101, "", "   "):
            with pytest.raises(tk.ValidationError) as err:
                helpers.call_action("config_option_update", context=dict(context),
                                    **{"ckan.site_title": title})
            assert "ckan.site_title" in err.value.error_dict
        assert helpers.call_action("config_option_show", key="ckan.site_title") == before
        admin = login(app, sysadmin["name"])
        page = admin.get("/ckan-admin/config")
        from werkzeug.datastructures import MultiDict
        refused = admin.post("/ckan-admin/config", data=MultiDict([
            ("_csrf_token", csrf_token(page.body)), ("ckan.site_title", "Portal"),
            ("ckan.site_title", "Lain"), ("save", "")]))
        assert refused.status_code == 200 and "Harus berupa teks" in refused.body
        # named by its label, at its field (it read "Ckan.site title: ...")
        too_long = admin.post("/ckan-admin/config", data={
            "_csrf_token": csrf_token(page.body), "ckan.site_title": "x" * 300, "save": ""}).body
        assert "Judul Situs: Paling banyak 100 karakter" in html.unescape(too_long)
        assert "Ckan.site" not in too_long
        assert re.search(r'id="field-ckan-site-title"[^>]*value="x{300}"', too_long)
        assert helpers.call_action("config_option_show", key="ckan.site_title") == before
        helpers.call_action("config_option_update", context=dict(context),
                            **{"ckan.site_title": "Portal\nSatu  Data"})
        assert helpers.call_action("config_option_show",
                                   key="ckan.site_title") == "Portal Satu Data"
    finally:
        helpers.call_action("config_option_update", **{"ckan.site_title": before})


@pytest.mark.usefixtures("clean_db")
def test_the_english_introduction_is_set_on_the_settings_page(app, sysadmin):
    """The introduction edited on the settings page changed the Indonesian
    home page only: the English one could be changed in ``ckan.ini`` alone."""
    admin = login(app, sysadmin["name"])
    page = admin.get("/ckan-admin/config")
    assert 'id="field-satudata-site-intro-text-en"' in page.body
    assert "Teks Pengantar dalam Bahasa Inggris" in page.body
    try:
        saved = admin.post("/ckan-admin/config", data={
            "_csrf_token": csrf_token(page.body),
            "ckan.site_title": helpers.call_action("config_option_show", key="ckan.site_title"),
            "ckan.site_intro_text": "Portal ini menyajikan data sektoral kota.",
            "satudata.site_intro_text_en": "This portal publishes the city's sectoral data.",
            "save": ""})
        assert saved.status_code == 200
        assert "Portal ini menyajikan data sektoral kota." in app.get("/").body
        english = html.unescape(app.get("/en/").body)
        assert "This portal publishes the city's sectoral data." in english
        assert "Portal ini menyajikan" not in english
        # too long: refused at its field, named by its label
        refused = admin.post("/ckan-admin/config", data={
            "_csrf_token": csrf_token(page.body),
            "satudata.site_intro_text_en": "x" * 20001, "save": ""}).body
        assert "Teks Pengantar dalam Bahasa Inggris: Paling banyak" in html.unescape(refused)
        # the about page too: the English one read the Indonesian text
        helpers.call_action("config_option_update", **{
            "ckan.site_about": "Tentang portal kota.", "satudata.site_about_en": ""})
        assert "Tentang portal kota." in app.get("/about").body
        english = app.get("/en/about").body
        assert "Tentang portal kota." not in english and "How data reaches the portal" in english
        helpers.call_action("config_option_update", **{
            "satudata.site_about_en": "About the city's portal."})
        assert "About the city&#39;s portal." in app.get("/en/about").body or \
            "About the city's portal." in html.unescape(app.get("/en/about").body)
        assert 'id="field-satudata-site-about-en"' in admin.get("/ckan-admin/config").body
    finally:
        helpers.call_action("config_option_update", **{
            "ckan.site_intro_text": "", "satudata.site_intro_text_en": "",
            "ckan.site_about": "", "satudata.site_about_en": ""})


@pytest.mark.usefixtures("clean_db")
def test_the_sites_custom_css_holds_no_markup(app, sysadmin):
    """CKAN prints the custom CSS inside a <style> element: one closing it
    ran a script on every page for every visitor."""
    before = helpers.call_action("config_option_show", key="ckan.site_custom_css")
    context = {"user": sysadmin["name"]}
    try:
        for css in ("body{color:red}</style><script>alert(1)</script><style>",
                    "</STYLE ><img src=x onerror=alert(1)>", "<!-- x -->"):
            with pytest.raises(tk.ValidationError) as err:
                helpers.call_action("config_option_update", context=dict(context),
                                    **{"ckan.site_custom_css": css})
            assert "ckan.site_custom_css" in err.value.error_dict
        helpers.call_action("config_option_update", context=dict(context),
                            **{"ckan.site_custom_css": "a > b { content: \"x\"; }"})
        assert "alert" not in app.get("/").body
    finally:
        helpers.call_action("config_option_update", **{"ckan.site_custom_css": before or ""})


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("kind", ["organization", "group"])
def test_a_citizen_follows_and_unfollows_an_opd_or_a_group(app, kind):
    """CKAN's view read the OPD with its member list, which only its members
    may see here: a citizen's "Follow" answered 404, and "Unfollow" too."""
    citizen = factories.User(name="warga", password="correct123")
    group = (factories.Organization if kind == "organization" else factories.Group)()
    client = login(app, "warga")
    page = client.get(f"/{kind}/{group['name']}")
    token = csrf_token(page.body)
    followed = client.post(f"/{kind}/follow/{group['id']}", data={"_csrf_token": token})
    assert followed.status_code == 200, followed.body[:500]
    assert helpers.call_action("am_following_group", context={"user": citizen["name"]},
                               id=group["id"]) is True
    unfollowed = client.post(f"/{kind}/unfollow/{group['id']}", data={"_csrf_token": token})
    assert unfollowed.status_code == 200
    assert helpers.call_action("am_following_group", context={"user": citizen["name"]},
                               id=group["id"]) is False
    assert client.post(f"/{kind}/follow/tidak-ada",
                       data={"_csrf_token": token}).status_code == 404


@pytest.mark.usefixtures("clean_db")
def test_the_trash_confirmation_speaks_the_readers_language(app, sysadmin):
    """CKAN's page asking to confirm emptying the trash wrote "Cancel" in
    English beside "Konfirmasi Penghapusan"."""
    admin = login(app, sysadmin["name"])
    for name in ("all", "package", "group"):
        page = admin.get(f"/ckan-admin/trash?name={name}").body
        form = page[page.index('confirm-delete-form'):][:1200]
        assert ">Batalkan</button>" in form and "Cancel" not in form, form
    assert ">Cancel</button>" in admin.get("/en/ckan-admin/trash?name=all").body


@pytest.mark.usefixtures("clean_db")
def test_an_account_or_an_opd_that_must_stay_says_why_on_its_delete_page(app):
    """The delete page asked "are you sure?", and the confirmation answered
    "Unauthorized to delete user with id <uuid>" (the OPD's reason came on
    an error page after it)."""
    from ..factories import build_region

    region = build_region()
    admin = login(app, region.users["sysadmin"]["name"])
    page = html.unescape(admin.get("/user/delete/produsen-a").body)
    assert "Belum dapat dihapus sekarang." in page
    assert "satu-satunya produsen Dinas Kesehatan" in page
    assert 'name="delete"' not in page
    # a confirmation sent anyway (a page opened earlier) is told the reason
    response = admin.post(f"/user/delete/{region.users['producer']['id']}", data={
        "_csrf_token": csrf_token(page), "delete": ""})
    assert response.status_code == 403
    assert "satu-satunya produsen Dinas Kesehatan" in html.unescape(response.body)
    page = html.unescape(admin.get("/organization/delete/dinas-kesehatan").body)
    assert "masih memiliki butir Daftar Data" in page and 'name="delete"' not in page
    # nobody else learns who holds what
    other = login(app, "produsen-b")
    page = html.unescape(other.get("/user/delete/produsen-a", status=403).body)
    assert "satu-satunya" not in page and "Hanya sysadmin yang dapat menghapus akun" in page
    assert "Apakah Anda yakin" not in page


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_the_opds_bulk_page_counts_its_datasets_in_the_readers_words(app, sysadmin):
    """CKAN's heading of an OPD's bulk page read "2 datasets" on the
    Indonesian page (a word its template does not translate)."""
    org = factories.Organization()
    for _ in range(2):
        factories.Dataset(owner_org=org["id"])
    client = login(app, sysadmin["name"])
    heading = client.get(f"/organization/bulk_process/{org['name']}").body
    heading = heading[heading.index('class="page-heading"'):].split("</h3>")[0]
    assert "2 dataset ditemukan" in heading and "datasets" not in heading, heading
    english = client.get(f"/en/organization/bulk_process/{org['name']}").body
    assert "2 datasets found" in english[english.index('class="page-heading"'):][:200]


def test_the_bulk_pages_make_public_says_who_publishes(app, region):
    """The administrator's "Make public" of a request's dataset on the bulk
    page ended on a dead-end "403 Not authorized to perform bulk update"."""
    request = region.request_of(region.opd_a)
    client = login(app, region.users["sysadmin"]["name"])
    url = f"/organization/bulk_process/{region.opd_a['name']}"
    page = client.get(url)
    response = client.post(url, data={
        "_csrf_token": csrf_token(page.body), f"dataset_{request['package_id']}": "on",
        "bulk_action.public": "public"}, follow_redirects=True)
    assert response.status_code == 200
    assert "dipublikasikan oleh walidata melalui alur" in html.unescape(response.body)
    assert helpers.call_action("package_show", id=request["package_id"])["private"]
    # "Make private" and "Delete" alike (a bare "not authorized to update in bulk")
    for action, said in (("private", "menariknya"), ("delete", "membatalkan")):
        page = client.get(url)
        response = client.post(url, data={
            "_csrf_token": csrf_token(page.body), f"dataset_{request['package_id']}": "on",
            f"bulk_action.{action}": action}, follow_redirects=True)
        assert response.status_code == 200 and said in html.unescape(response.body), action


@pytest.mark.usefixtures("clean_db")
def test_the_add_member_form_of_an_opd_offers_a_producer_and_says_what_a_member_is(
        app, sysadmin):
    """It offered CKAN's Member first, and said nothing of producers: a user
    added so received no data request, queue or e-mail, unsaid."""
    import re

    org = factories.Organization()
    factories.User(name="operator-baru")
    admin = login(app, sysadmin["name"])
    page = admin.get(f"/organization/member_new/{org['name']}").body
    assert re.search(r'<option value="editor"\s+selected', page), page
    assert "Produsen data sebuah OPD" in page and "Editor-nya" in page
    added = admin.post(f"/organization/member_new/{org['name']}", data={
        "_csrf_token": csrf_token(page), "username": "operator-baru", "role": "member"},
        follow_redirects=True).body
    assert "Seorang Anggota hanya dapat melihat dataset privat OPD" in added
    # an existing member's page keeps their role (it offered Editor: saved
    # unchanged, a Member became a producer)
    edit = admin.get(f"/organization/member_new/{org['name']}?user=operator-baru").body
    assert re.search(r'<option value="member"\s+selected', edit), edit


@pytest.mark.usefixtures("clean_db")
def test_an_opds_description_shows_its_markdown_on_its_about_tab(app):
    """Its form says Markdown may be used: the About tab showed the asterisks."""
    org = factories.Organization(description="Produsen data **perhubungan**.")
    page = app.get(f"/organization/about/{org['name']}").body
    assert "<strong>perhubungan</strong>" in page and "**perhubungan**" not in page


@pytest.mark.usefixtures("clean_db")
def test_a_sysadmin_is_led_from_the_users_list_to_create_an_account(app, sysadmin):
    """The sign-up page is closed to the public, and nothing led a sysadmin
    to the form that still takes theirs (officers of no OPD, citizens)."""
    factories.User(name="biasa", password="correct123")
    admin = login(app, sysadmin["name"])
    listed = admin.get("/user/").body
    assert "satudata-user-add" in listed and "Tambah pengguna" in listed
    assert admin.get("/user/register").status_code == 200
    assert "satudata-user-add" not in login(app, "biasa").get("/user/").body
