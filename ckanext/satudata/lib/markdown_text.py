# -*- coding: utf-8 -*-
"""CKAN's Markdown rendering (``h.render_markdown``, ``h.markdown_extract``)
with its parser and its HTML cleaner built once per thread instead of once
per call. CKAN builds a new ``markdown.Markdown`` (its extensions and
processors) and a new ``bleach.Cleaner`` for every text, which took half of
the time of each call; a dataset page of the portal renders eight Markdown
texts (the description and the data standard's fields), a search page an
extract of each result. Both libraries document reusing an instance (one
thread at a time: ``Markdown.reset``, ``Cleaner.clean``); the output is
CKAN's, same arguments, same libraries (the tests compare the two)."""
from __future__ import annotations

import html
import threading
from textwrap import shorten
from typing import Any

import bleach
import markdown

from ckan.lib import helpers as ckan_helpers

_local = threading.local()


def _converted(text: str, breaks: bool = False) -> str:
    """``markdown.markdown(text)``, on this thread's parser (with
    ``breaks``, a line break of the text is one of the page: ``nl2br``)."""
    name = "markdown_breaks" if breaks else "markdown"
    parser = getattr(_local, name, None)
    if parser is None:
        parser = markdown.Markdown(extensions=["nl2br"] if breaks else [])
        setattr(_local, name, parser)
    return parser.reset().convert(text)


def _cleaner(name: str, **options: Any) -> bleach.Cleaner:
    cleaner = getattr(_local, name, None)
    if cleaner is None:
        cleaner = bleach.Cleaner(**options)
        setattr(_local, name, cleaner)
    return cleaner


def render(data: str, breaks: bool = False) -> str:
    """CKAN's ``render_markdown(data, allow_html=False)`` before its
    automatic links; with ``breaks``, each line of the text a line (a round
    report's drafter writes line by line: Markdown joined the lines)."""
    return _cleaner("markdown_cleaner", tags=ckan_helpers.MARKDOWN_TAGS,
                    attributes=ckan_helpers.MARKDOWN_ATTRIBUTES,
                    strip=True).clean(_converted(data, breaks))


def extract(text: str, extract_length: int = 190) -> str:
    """CKAN's ``markdown_extract``: the text without its markup,
    shortened to ``extract_length`` characters (0: whole)."""
    if not text:
        return ""
    plain = html.unescape(_cleaner("text_cleaner", tags=(), strip=True).clean(_converted(text)))
    if not extract_length or len(plain) < extract_length:
        return plain
    return shorten(plain, width=extract_length, placeholder="...")
