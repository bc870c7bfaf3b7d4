# -*- coding: utf-8 -*-
"""CKAN's static files served by the middleware (WhiteNoise): a compiled
webasset goes out gzip-compressed to a browser that accepts it and is kept
for ten years; a file of a public folder is kept for a day; anything else is
CKAN's. The real server (gunicorn, ``build-assets``) is tested in
tests/integration/test_web_server.py."""
from __future__ import annotations

import gzip

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from ckanext.satudata import middleware

CSS = b".satudata-test { color: #123456; }\n" * 200


def _ckan(environ, start_response):
    """Stands for CKAN behind the middleware: what it answers, it says so."""
    return Response(b"answered by CKAN", status=404)(environ, start_response)


@pytest.fixture
def webassets(ckan_config, monkeypatch, tmp_path):
    """A webassets folder with one compiled bundle, compressed as
    ``ckan satudata build-assets`` does."""
    monkeypatch.setitem(ckan_config, "ckan.webassets.path", str(tmp_path))
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "0a1b2c3d_main.css").write_bytes(CSS)
    (tmp_path / "base" / "unversioned.css").write_bytes(CSS)
    written = middleware.compress(str(tmp_path), echo=lambda _: None)
    # gzip always; brotli too where the brotli package is installed
    assert {p.rsplit("/", 1)[-1] for p in written} >= {
        "0a1b2c3d_main.css.gz", "unversioned.css.gz"}
    return Client(middleware.static_files(_ckan, ckan_config))


def test_webasset_gzip_to_who_accepts_it_and_kept_for_years(webassets):
    zipped = webassets.get("/webassets/base/0a1b2c3d_main.css",
                           headers={"Accept-Encoding": "gzip, deflate"})
    plain = webassets.get("/webassets/base/0a1b2c3d_main.css")

    assert zipped.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == CSS
    assert len(zipped.get_data()) < len(CSS) / 10
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data() == CSS
    for response in (zipped, plain):
        assert response.headers["Content-Type"].startswith("text/css")
        assert response.headers["Vary"] == "Accept-Encoding"
        assert response.headers["Cache-Control"] == "max-age=315360000, public, immutable"


def test_revalidated_with_its_etag(webassets):
    first = webassets.get("/webassets/base/0a1b2c3d_main.css")

    again = webassets.get("/webassets/base/0a1b2c3d_main.css",
                          headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    assert again.get_data() == b""


def test_a_name_without_its_hash_is_not_kept_for_years(webassets, ckan_config):
    response = webassets.get("/webassets/base/unversioned.css",
                             headers={"Accept-Encoding": "gzip"})

    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == (
        f"max-age={ckan_config['satudata.static_max_age']}, public")


def test_what_is_no_file_goes_to_ckan(webassets):
    response = webassets.get("/webassets/base/ffffffff_main.css")

    assert response.get_data() == b"answered by CKAN"


def test_public_folder_file_served_before_ckan_and_kept_a_day(app):
    """Through the app of test.ini: the extension's logo (its public folder)
    and CKAN's own image come from the middleware, not from CKAN's
    ``max-age=0`` static view."""
    for url, kind in (("/satudata/satudata-logo.svg", "image/svg+xml"),
                      ("/base/images/ckan-logo.png", "image/png")):
        response = app.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == kind
        assert response.headers["Cache-Control"] == "max-age=86400, public", url


def test_a_cache_file_gone_while_the_portal_starts_breaks_nothing(ckan_config, monkeypatch,
                                                                    tmp_path):
    """webassets' cache is written and emptied by another CKAN process
    starting at the same moment: a jobs worker died at start reading a
    cache file that was gone; the cache is no static file anyway."""
    import os as _os

    monkeypatch.setitem(ckan_config, "ckan.webassets.path", str(tmp_path))
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "0a1b2c3d_main.css").write_bytes(CSS)
    cache = tmp_path / ".webassets-cache"
    cache.mkdir()
    (cache / "f341c71b9ed441c7536987bc1f619755").write_bytes(b"x")
    scandir = _os.scandir
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_os, "scandir",
                  lambda path: [_Vanishing(e) for e in scandir(path)])
        client = Client(middleware.static_files(_ckan, ckan_config))
    assert client.get("/webassets/base/0a1b2c3d_main.css").status_code == 200
    assert client.get("/webassets/.webassets-cache/f341c71b9ed441c7536987bc1f619755"
                      ).status_code == 404


class _Vanishing:
    """A directory entry whose file is deleted between listing and stat
    (one of webassets' cache files)."""

    def __init__(self, entry):
        self._entry = entry
        self.name, self.path = entry.name, entry.path

    def is_dir(self):
        return self._entry.is_dir()

    def is_file(self):
        return self._entry.is_file()

    def stat(self):
        if self.name.startswith("f341c71b"):
            raise FileNotFoundError(self.path)
        return self._entry.stat()
