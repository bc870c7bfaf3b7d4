# -*- coding: utf-8 -*-
"""Every page of the extension answers a hostile id or query argument with a
4xx page, never a 500, whoever asks: a sysadmin (CKAN skips the auth
functions for them, so a page must not count on an auth function having
looked its object up first), a producer and an anonymous visitor."""
from __future__ import annotations

import uuid

import pytest

from ckan.tests import factories

HOSTILE = ["tidak-ada", str(uuid.uuid4()), "1' OR '1'='1", "9" * 40, "%00"]
pytestmark = pytest.mark.slow  # a fuzz: ~500 pages

QUERY = {"page": "-1", "q": "a\x00b", "year": "abc", "state": "bogus", "round_id": "'",
         "sort": "x", "mine": "x", "overdue": "x", "limit": "x"}


def _satudata_rules(app) -> list:
    return sorted((r for r in app.flask_app.url_map.iter_rules()
                   if r.endpoint.startswith("satudata") and r.arguments),
                  key=lambda r: r.rule)


@pytest.mark.parametrize("who", ["sysadmin", "producer", "anonymous"])
def test_no_page_answers_500_to_a_hostile_id(app, region, who):
    headers = {} if who == "anonymous" else {
        "Authorization": factories.APIToken(user=region.users[who]["name"])["token"]}
    failures, tried = [], 0
    for rule in _satudata_rules(app):
        for value in HOSTILE:
            path = rule.rule
            for arg in rule.arguments:
                path = path.replace(f"<{arg}>", value).replace(
                    f"<path:{arg}>", value)
            for method in sorted(rule.methods & {"GET", "POST"}):
                resp = app.get(path, query_string=QUERY, headers=headers) \
                    if method == "GET" else app.post(path, data={"x": value}, headers=headers)
                tried += 1
                if resp.status_code >= 500:
                    failures.append(f"{method} {path}: {resp.status_code}")
    assert tried > 100
    assert not failures, "\n".join(failures)
