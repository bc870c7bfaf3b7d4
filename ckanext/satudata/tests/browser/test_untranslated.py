# -*- coding: utf-8 -*-
"""No English message where Indonesian is expected (issue 10).

Crawls, in locale ``id`` (the portal's default), the pages each role
reaches: from each role's start pages it follows same-site links (not
logging out, deleting, downloading, the API, feeds or another locale), one
page per kind of page (ids and names in the path do not make a new kind;
a kind another role has seen is only visited again as a start page), up to
:data:`PAGES_PER_ROLE` per role. On each page it reads every visible
text and reports those that are an untranslated message of CKAN's,
scheming's, dcat's or the extension's catalogues (see ``untranslated.py``).

Count mode: ``SATUDATA_UNTRANSLATED_REPORT=<file>`` writes every finding to
the file and prints their number instead of failing (this is what
``tests/browser/count_untranslated.sh`` runs).
"""
from __future__ import annotations

import collections
import os
import re
from urllib.parse import urljoin, urlsplit

import pytest

from .untranslated import PAGE_TEXTS_JS, Finding, findings

pytestmark = pytest.mark.slow

PAGES_PER_ROLE = int(os.environ.get("SATUDATA_CRAWL_PAGES", "16"))
SKIP = re.compile(
    r"/_logout|/logout|delete|/api/|/download|/datastore/dump/|/feeds?/|/catalog"
    r"|\.(xlsx|pdf|csv|ttl|rdf|xml|jsonld|json|n3|zip|ics)($|\?)|/util/|/revision/|/changes"
    r"|/history/|^/en(/|$)|/webassets/"
    r"|/base/|/uploads/|/new_resource|/reset|/register")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ASSETS = re.compile(r"\.(png|jpe?g|gif|svg|ico|webp|woff2?|ttf|eot)(\?|$)")
NAMED = ("dataset", "organization", "group", "user", "putaran", "progres-data", "publikasi")


def kind_of(path: str) -> str:
    """The kind of page of a path: ids and names replaced by placeholders."""
    parts = UUID.sub("{id}", path.rstrip("/") or "/").split("/")
    for i in range(1, len(parts) - 1):
        if parts[i] in NAMED and parts[i + 1] not in ("new", "edit", "resource", "{id}"):
            parts[i + 1] = "{name}"
    if len(parts) > 3 and parts[1] == "dataset" and parts[2] in ("edit", "resource"):
        parts[3] = "{name}"
    return "/".join(parts)


def start_pages(world) -> dict[str, list[str]]:
    public = ["/", "/dataset/", "/organization/", "/jadwal-rilis", "/progres-data",
              "/permohonan-data",
              f"/dataset/{world.datasets['published']['name']}", "/user/login"]
    requests = {k: f"/permintaan-data/{r['id']}" for k, r in world.requests.items()}
    round_ = f"/permintaan-data/putaran/{world.region.round['name']}"
    return {
        "anonymous": public,
        "produsen-a": ["/dashboard/", "/permintaan-data/", requests["returned"],
                       requests["producer"],
                       f"/dataset/edit/{world.datasets['returned']['name']}",
                       f"/dataset/{world.datasets['returned']['name']}/resource/new",
                       "/dataset/new", round_],
        "verifikator": ["/dashboard/", "/permintaan-data/", requests["verifier"],
                        "/permintaan-data/?mine=0"],
        "kabid": ["/permintaan-data/", requests["approvers"]],
        "admin-walidata": ["/permintaan-data/", requests["walidata_admin"],
                           "/permintaan-data/putaran", "/permintaan-data/daftar-data",
                           "/permintaan-data/daftar-data/new", "/permintaan-data/putaran/new",
                           round_, f"{round_}/edit", "/permintaan-data/peran"],
    }


def crawl(world, page, starts: list[str], kinds: set[str],
          errors: list[str]) -> tuple[list[Finding], list[str]]:
    """Visit up to PAGES_PER_ROLE kinds of pages from ``starts`` (always
    visited), skipping the ``kinds`` another role has seen; server errors go
    to ``errors``."""
    # images and fonts carry no text: not loading them makes the crawl faster
    page.route(ASSETS, lambda route: route.abort())
    queue = collections.deque(starts)
    mine: set[str] = set()
    visited: list[str] = []
    found: list[Finding] = []
    while queue and len(visited) < PAGES_PER_ROLE:
        path = queue.popleft()
        kind = kind_of(urlsplit(path).path)
        if kind in mine or (kind in kinds and path not in starts) or SKIP.search(path):
            continue
        mine.add(kind)
        kinds.add(kind)
        response = page.goto(world.url + path)
        if response is not None and response.status >= 500:
            errors.append(f"{response.status} {path}")
        if response is None or response.status >= 400 or not page.url.startswith(world.url):
            continue
        visited.append(path)
        found.extend(findings(path, page.evaluate(PAGE_TEXTS_JS)))
        for href in page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))"):
            url = urlsplit(urljoin(page.url, href))
            if f"{url.scheme}://{url.netloc}" != world.url or not url.path:
                continue
            link = url.path + (f"?{url.query}" if url.query else "")
            if not SKIP.search(link) and kind_of(url.path) not in kinds | mine:
                queue.append(link)
    return found, visited


def test_no_untranslated_message_on_any_page_of_any_role(world, open_as):
    all_found: list[Finding] = []
    visited: dict[str, list[str]] = {}
    errors: list[str] = []
    kinds: set[str] = set()
    unreached: list[str] = []
    for user, starts in start_pages(world).items():
        found, visited[user] = crawl(world, open_as(user), starts, kinds, errors)
        all_found.extend(found)
        seen = {kind_of(urlsplit(p).path) for p in visited[user]}
        unreached.extend(f"{user}: {p}" for p in starts
                         if kind_of(urlsplit(p).path) not in seen)
    unique = sorted({(f.text, f.kind) for f in all_found})
    lines = [str(f) for f in all_found]
    summary = (f"{len(all_found)} untranslated texts on pages ({len(unique)} distinct), "
               f"{sum(map(len, visited.values()))} pages crawled")
    print(f"\nUNTRANSLATED: {summary}")
    report = os.environ.get("SATUDATA_UNTRANSLATED_REPORT")
    if report:
        with open(report, "w") as f:
            f.write(summary + "\n\n" + "\n".join(errors + lines) + "\n\nDistinct:\n"
                    + "\n".join(f"{k}: {t!r}" for t, k in unique) + "\n\nPages:\n"
                    + "\n".join(f"{u}: {p}" for u, ps in visited.items() for p in ps) + "\n")
        print(f"details in {report}")
        return
    assert not errors, "server errors while crawling:\n" + "\n".join(errors)
    # every start page was read: a page refused or missing is not crawled
    assert not unreached, "start pages not reached:\n" + "\n".join(unreached)
    assert not all_found, summary + ":\n" + "\n".join(lines)
