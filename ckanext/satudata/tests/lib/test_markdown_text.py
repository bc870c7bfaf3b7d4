# -*- coding: utf-8 -*-
"""The portal's ``h.render_markdown`` and ``h.markdown_extract`` (a parser
and a cleaner built once, :mod:`ckanext.satudata.lib.markdown_text`) give
exactly CKAN's output, also when one text follows another on the same
parser."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.lib import helpers as ckan_helpers

SAMPLES = [
    "",
    "Jumlah tenaga kesehatan menurut jenis",
    "# Judul\n\n*miring* **tebal** `kode` & < > \"kutip\"",
    "<script>alert(1)</script> <b>tebal</b> <img src=x onerror=alert(1)>",
    "[tautan](https://data.example.org) <a href=\"javascript:alert(1)\">x</a> "
    "https://data.example.org/tabel.csv",
    "tag:kesehatan tag:\"tenaga kesehatan\" dataset:jumlah-penduduk group:x",
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n    blok kode\n\n> kutipan\n\n1. satu\n2. dua",
    # a reference defined in one text is not known to the next one
    "[acuan]: https://data.example.org/acuan\n\nLihat [acuan].",
    "Lihat [acuan].",
    "Rasio " * 80 + "&amp; &lt;akhir&gt;",
]


@pytest.mark.usefixtures("with_request_context")
@pytest.mark.parametrize("auto_link", [True, False])
def test_render_markdown_is_ckans(auto_link):
    for text in SAMPLES + SAMPLES[::-1]:
        assert tk.h.render_markdown(text, auto_link) == \
            ckan_helpers.render_markdown(text, auto_link), text
    assert tk.h.render_markdown(SAMPLES[3], allow_html=True) == \
        ckan_helpers.render_markdown(SAMPLES[3], allow_html=True)


@pytest.mark.usefixtures("with_request_context")
@pytest.mark.parametrize("length", [0, 10, 190])
def test_markdown_extract_is_ckans(length):
    for text in SAMPLES + SAMPLES[::-1]:
        assert tk.h.markdown_extract(text, length) == \
            ckan_helpers.markdown_extract(text, length), text
