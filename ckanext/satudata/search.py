# -*- coding: utf-8 -*-
"""How satudata datasets are indexed in Solr and offered as search facets.

CKAN's Solr schema gives every extra a single-valued string field of its own
name (dynamic field ``*``) and multi-valued string fields only to ``vocab_*``.
So single codes are faceted under their field name (``update_frequency``,
``data_year``, ``presentation_level``, ``area_code``), the multi-valued
government affairs and SDG goals under ``vocab_government_affairs`` and
``vocab_sdgs_goals``. Facet items carry the codes; :func:`after_dataset_search`
turns their ``display_name`` into labels in the reader's language, and the
labels of both languages are indexed as text so that a search for "Kesehatan"
or "Health" finds the datasets of that affair.
"""
from __future__ import annotations

import re
from typing import Any, Optional

import ckan.model as model
from ckan.lib import i18n
import ckan.plugins.toolkit as tk

from .lib import metadata, publishing, reference

#: facet field -> (dataset field, code list or None for plain values)
FACET_FIELDS: dict[str, tuple[str, str | None]] = {
    "vocab_government_affairs": ("government_affairs", reference.URUSAN),
    "update_frequency": ("update_frequency", "frequency"),
    "data_year": ("data_year", None),
    "presentation_level": ("presentation_level", "presentation_level"),
    "area_code": ("area_code", reference.WILAYAH),
}
#: multi-valued coded fields: index field -> (dataset field, code list)
MULTI_VALUED: dict[str, tuple[str, str]] = {
    "vocab_government_affairs": ("government_affairs", reference.URUSAN),
    "vocab_sdgs_goals": ("sdgs_goals", "sdgs"),
}
#: single-valued coded fields whose labels are indexed as text
CODED: dict[str, str] = {
    "update_frequency": "frequency",
    "presentation_level": "presentation_level",
    "area_code": reference.WILAYAH,
    "data_status": "data_status",
    "collection_method": "collection_method",
}
#: satudata fields indexed under their own name (short, validated values);
#: the other schema fields are free text and stay searchable only as
#: ``extras_<name>`` text: in the single-valued string field of their name a
#: long value would exceed Solr's 32 KB term limit
KEEP_AS_STRING = {*CODED, "data_year", "priority_data", "bps_activity_code"}
#: CKAN's own fields, indexed by CKAN
_CORE = {"title", "name", "notes", "tag_string", "license_id", "owner_org"}


def facet_titles() -> dict[str, str]:
    """Translated titles of the satudata facets, in display order."""
    return {
        "organization": tk._("Producer (OPD)"),
        "vocab_government_affairs": tk._("Government affairs"),
        "update_frequency": tk._("Update frequency"),
        "data_year": tk._("Data year"),
        "presentation_level": tk._("Presentation level"),
        "area_code": tk._("Area"),
    }


#: CKAN's default facets the portal does not show: groups (not used), free
#: tags (the government affairs classify the data) and licences (one
#: open licence per portal); each block costs the page a render and a
#: Solr facet
HIDDEN_FACETS = frozenset({"groups", "tags", "license_id"})


def dataset_facets(facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
    """Ours first (OPD, urusan, frekuensi, tahun, tingkat penyajian, wilayah),
    then CKAN's remaining facets but :data:`HIDDEN_FACETS` (the file
    formats). A hidden facet still filters when named in the URL."""
    ordered = facet_titles()
    for name, title in facets_dict.items():
        if name not in ordered and name not in HIDDEN_FACETS:
            ordered[name] = title
    facets_dict.clear()
    facets_dict.update(ordered)
    return facets_dict


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Make the satudata fields facetable and their labels searchable."""
    pkg_dict = publishing.index_fields(pkg_dict)
    text = pkg_dict.get("text")
    text = list(text) if isinstance(text, list) else ([text] if text else [])

    for index_field, (field, list_name) in MULTI_VALUED.items():
        codes = reference.as_code_list(pkg_dict.pop(field, None))
        codes = [c for c in codes if reference.is_valid(list_name, c)]
        if codes:
            pkg_dict[index_field] = codes
            text.extend(_both_labels(list_name, codes))

    for field, list_name in CODED.items():
        code = pkg_dict.get(field)
        if code and reference.is_valid(list_name, code):
            text.extend(_both_labels(list_name, [code]))
        else:
            pkg_dict.pop(field, None)

    for name in _free_text_fields(pkg_dict.get("type") or "dataset"):
        pkg_dict.pop(name, None)

    if text:
        pkg_dict["text"] = text
    return pkg_dict


def _free_text_fields(dataset_type: str) -> list[str]:
    try:
        fields = metadata.dataset_schema(dataset_type)["dataset_fields"]
    except RuntimeError:  # not a scheming dataset type
        return []
    return [f["field_name"] for f in fields
            if f["field_name"] not in _CORE and f["field_name"] not in KEEP_AS_STRING]


def _both_labels(list_name: str, codes: list[str]) -> list[str]:
    found: list[str] = []
    for code in codes:
        entry = reference.get(list_name, code)
        if entry:
            found.extend({entry.label_id, entry.label_en})
    return found


#: what Solr's query parsers read as syntax in a query typed on a page
_SYNTAX = re.compile(r'[+\-&|!(){}\[\]^"~*?:\\/]')
_OPERATORS = re.compile(r"\b(AND|OR|NOT)\b")
#: a word Solr's text field splits into parts at its digits ("pm2.5": pm, 2,
#: 5; "s38m": s, 38, m), searched as the phrase of its parts: as parts, two
#: of three sufficed, and a lone letter found almost every dataset
_SPLIT_WORD = re.compile(r"\d\D|\D\d")
#: the words of a typed query searched for (3,000 characters were refused by Solr)
TYPED_WORDS = 40


def typed_query(q: str) -> str:
    """A query a person typed in a search box as the words it holds: a
    copied title with a colon ("Publikasi: …") was read as a field name and
    found nothing, a lone quote or "AND", or 3,000 characters, ended on an
    error page ("try again", and again). A word of letters and digits is
    a phrase (:data:`_SPLIT_WORD`); what a search box is known for stays:
    a phrase in quotes, and a word after a minus left out ("kesehatan
    -tenaga" found the datasets with "tenaga" too)."""
    terms: list[str] = []

    def phrase(match: re.Match[str]) -> str:
        inner = " ".join(_words(match.group(2)))
        if inner:
            terms.append(f'{match.group(1)}"{inner}"')
        return " "

    for token in _PHRASE.sub(phrase, q).split():
        words = _words(token)
        if token.startswith("-") and len(words) == 1:
            terms.append("-" + _term(words[0]))
        else:
            terms.extend(_term(word) for word in words)
    terms = terms[:TYPED_WORDS]
    if terms and all(term.startswith("-") for term in terms):
        # only words left out ("-kesehatan"): the rest of the catalogue, not
        # nothing (a query of exclusions alone matches no dataset)
        terms.insert(0, "*:*")
    return " ".join(terms)


#: a phrase in quotes, as typed in a search box (after a minus: left out)
_PHRASE = re.compile(r'(?:(?<=\s)|^)(-?)"([^"]*)"')


def _words(text: str) -> list[str]:
    """The words of a typed text, Solr's syntax taken out."""
    return _OPERATORS.sub(lambda m: m.group(1).lower(), _SYNTAX.sub(" ", text)).split()


def _term(word: str) -> str:
    return f'"{word}"' if _SPLIT_WORD.search(word) else word


def _typed_on_a_page() -> bool:
    """Whether the search is a search page's (its box), not an API call,
    where a query may use Solr's syntax."""
    from flask import has_request_context, request

    if not has_request_context():
        return False
    endpoint = request.endpoint or ""
    return endpoint.endswith(".search") or endpoint in ("organization.read", "group.read")


#: the search argument of a region and the regions within it (a province's
#: code page links it: a province's datasets are its regencies' too)
REGION_WITHIN = "ext_wilayah"


def region_code(value: Any) -> Optional[str]:
    """The region code ``ext_wilayah`` gives (given twice: the first), or
    None when it names no region of the list."""
    if isinstance(value, list) and value:
        value = value[0]
    code = value.strip() if isinstance(value, str) else ""
    return code if reference.get(reference.WILAYAH, code) else None


def before_dataset_search(search_params: dict[str, Any]) -> dict[str, Any]:
    """Archived datasets are left out unless the search asks for them; a
    query typed on a search page is searched as its words; ``ext_wilayah``
    (:data:`REGION_WITHIN`) keeps the datasets of a region and of the
    regions within it (the province's page linked a query of field syntax,
    which a search page reads as words: it found nothing)."""
    q = search_params.get("q")
    if isinstance(q, str) and q.strip() and _typed_on_a_page():
        search_params["q"] = typed_query(q)
    code = region_code((search_params.get("extras") or {}).get(REGION_WITHIN))
    if code:  # a code of the list: digits and dots only
        search_params["fq"] = (f'{search_params.get("fq") or ""} '
                               f'+(area_code:"{code}" OR area_code:{code}.*)').strip()
    return publishing.search_params(search_params)


def after_dataset_search(search_results: dict[str, Any],
                         search_params: dict[str, Any]) -> dict[str, Any]:
    """Show the labels of coded facet items instead of their codes."""
    publishing.add_search_facts(search_results)
    titles: dict[str, str | None] = {}  # a page shares one or two licences
    for pkg_dict in search_results.get("results") or []:
        translate_license_title(pkg_dict, titles)
    facets = search_results.get("search_facets") or {}
    lang = reference.current_language()
    for facet_name, (_field, list_name) in FACET_FIELDS.items():
        if not list_name or facet_name not in facets:
            continue
        for item in facets[facet_name].get("items", []):
            entry = reference.get(list_name, item.get("name"))
            if entry:
                item["display_name"] = entry.label(lang)
    return search_results


def translate_license_title(pkg_dict: dict[str, Any],
                            titles: dict[str, str | None] | None = None) -> dict[str, Any]:
    """The licence title in the reader's language. CKAN keeps ``license_title``
    in the search index as it was when the dataset was indexed (in the language
    of whoever saved it, English for jobs and the CLI) and package_show returns
    that copy; the licence register translates the title on each call.
    ``titles``: the titles already translated for this request, by licence
    id (a search page translates each licence once, not once per result)."""
    license_id = pkg_dict.get("license_id")
    if not license_id:
        return pkg_dict
    if titles is not None and license_id in titles:
        title = titles[license_id]
    else:
        title = _license_title(license_id)
        if titles is not None:
            titles[license_id] = title
    if title is not None:
        pkg_dict["license_title"] = title
    return pkg_dict


#: (licence register, licence id, language) -> translated title: the
#: register and the catalogues are read once per process (a title cost a
#: gettext and the licence's attribute lookups, ~80 µs, at every show)
_LICENSE_TITLES: dict[tuple[int, str, str], Optional[str]] = {}


def _license_title(license_id: str) -> Optional[str]:
    register = model.Package.get_license_register()
    try:
        key = (id(register), license_id, i18n.get_lang())
    except RuntimeError:  # no request: translated as CKAN does there
        return _title_of(register.get(license_id))
    if key not in _LICENSE_TITLES:
        _LICENSE_TITLES[key] = _title_of(register.get(license_id))
    return _LICENSE_TITLES[key]


def _title_of(license: Any) -> Optional[str]:
    if not license:
        return None
    title = license.title
    return title.split("::")[-1] if license.url else title
