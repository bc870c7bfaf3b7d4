# -*- coding: utf-8 -*-
"""The DCAT-AP feed of ckanext-dcat with the satudata profile: it parses as
RDF, lists exactly the published datasets, and maps the satudata fields."""
from __future__ import annotations

import html
import re
from urllib.parse import urlparse

import pytest
import rdflib
from rdflib.namespace import RDF

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.dcat.profiles import DCAT, DCT, FOAF, SKOS, VCARD

from .factories import add_csv, build_region, publish, seen, to_ready
from .metadata_samples import full_metadata

EU = "http://publications.europa.eu/resource/authority/"


@pytest.fixture
def region(world_of):
    return world_of("three-items", lambda: build_region(
        item_titles=("Jumlah Puskesmas", "Jumlah Sekolah", "Jumlah Guru")))


def _catalog(app, path="/catalog.ttl") -> rdflib.Graph:
    response = app.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph()
    graph.parse(data=response.body, format="turtle")
    return graph


def _dataset_ids(graph: rdflib.Graph) -> set[str]:
    return {str(graph.value(ref, DCT.identifier))
            for ref in graph.subjects(RDF.type, DCAT.Dataset)}


def test_catalog_lists_exactly_the_published_datasets(region, app):
    requests = region.requests  # 3 items x 2 OPDs
    published = [requests[0], requests[3]]
    for request in published:
        to_ready(region, request)
        publish(region, request)
    to_ready(region, requests[1])  # ready, not published
    withdrawn = requests[2]
    to_ready(region, withdrawn)
    publish(region, withdrawn)
    region.call("walidata_admin", "satudata_request_withdraw", id=withdrawn["id"],
                note="Salah unggah")
    archived = requests[4]
    to_ready(region, archived)
    publish(region, archived)
    region.call("walidata_admin", "satudata_request_archive", id=archived["id"])
    # requests[5] stays a private draft

    graph = _catalog(app)

    # archived data stays public: a national portal's harvest would delete
    # what the catalogue left out
    public = {r["package_id"] for r in published + [archived]}
    assert _dataset_ids(graph) == public
    for fmt, parser in (("rdf", "xml"), ("jsonld", "json-ld")):
        other = rdflib.Graph().parse(data=app.get(f"/catalog.{fmt}").body, format=parser)
        assert _dataset_ids(other) == public
    # the portal's own search still leaves it out by default
    assert archived["package_id"] not in {
        d["id"] for d in helpers.call_action("package_search", rows=100)["results"]}
    # a search of two words (a space in the page links: Turtle and N3 answered 500)
    for path in ("/catalog.ttl?q=Jumlah%20Puskesmas", "/catalog.ttl?q=a%7Cb%22c",
                 "/catalog.ttl?fq=organization:a%20OR%20organization:b"):
        assert _dataset_ids(_catalog(app, path)) <= public, path
    assert app.get("/catalog.n3?q=Jumlah%20Puskesmas").status_code == 200
    # a published dataset's page links its DCAT metadata (it was only in the
    # page's head, for machines)
    pkg = helpers.call_action("package_show", id=published[0]["package_id"])
    page = app.get(f"/dataset/{pkg['name']}").body
    for fmt in ("rdf", "ttl", "jsonld"):
        link = re.search(rf'<a href="(/dataset/{pkg["name"]}\.{fmt})"', page)
        assert link, fmt
        assert _dataset_ids(rdflib.Graph().parse(
            data=app.get(link.group(1)).body,
            format={"rdf": "xml", "ttl": "turtle", "jsonld": "json-ld"}[fmt])) == {pkg["id"]}


def test_a_harvest_of_the_feed_gets_the_satudata_fields_back(region, app):
    """A province harvesting its regencies' portals with ckanext-dcat's
    parser got the urusan codes dropped, the region and year as bare URIs
    and dates, the data standard as a blank node's id."""
    from ckanext.dcat.processors import RDFParser

    request = region.request_of(region.opd_a)
    add_csv(region, "producer", request["package_id"], "jenis_nakes,jumlah\nBidan,10\n")
    sent = {k: v for k, v in full_metadata().items() if k not in ("tags",)}
    to_ready(region, request, **sent)
    publish(region, request)
    parser = RDFParser(profiles=["euro_dcat_ap_2", "satudata_dcat_ap"])
    parser.parse(app.get(f"/dataset/{request['package_id']}.ttl").body, _format="turtle")
    (harvested,) = list(parser.datasets())
    for field in ("area_code", "data_year", "update_frequency", "concept", "definition",
                  "classification", "measure", "unit", "producer_contact_name",
                  "producer_contact_email"):
        assert harvested.get(field) == sent[field], field
    assert harvested["government_affairs"] == sorted(sent["government_affairs"])
    extras = {e["key"]: e["value"] for e in harvested["extras"]}
    assert "conforms_to" not in extras and "temporal_start" not in extras

@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "2")
def test_a_harvest_reading_page_after_page_misses_no_dataset_changed_meanwhile(region, app):
    """ckanext-dcat pages the catalogue latest-changed first: the oldest
    dataset published again while a harvester read page 1 went to page 1,
    and page 2 no longer held it; the national portal's harvest left it
    out (and deletes what a whole run misses)."""
    requests = region.requests[:3]
    for request in requests:
        to_ready(region, request)
        publish(region, request)
    first = _dataset_ids(_catalog(app, "/catalog.ttl?page=1"))
    oldest = requests[0]
    region.call("walidata_admin", "satudata_request_withdraw", id=oldest["id"],
                note="Salah unggah", version=seen(oldest["id"]))
    publish(region, oldest)
    second = _dataset_ids(_catalog(app, "/catalog.ttl?page=2"))
    assert first | second == {r["package_id"] for r in requests}
    assert not first & second
    # the catalogue's date is its latest change, whichever dataset changed
    # (it gave the first dataset's: a harvester reading it saw no change)
    for request in requests[1:]:
        region.call("walidata_admin", "satudata_request_withdraw", id=request["id"],
                    note="Salah unggah", version=seen(request["id"]))
        publish(region, request)
        latest = helpers.call_action("package_show",
                                     id=request["package_id"])["metadata_modified"]
        catalog = _catalog(app, "/catalog.ttl?page=2")
        modified = catalog.value(next(catalog.subjects(RDF.type, DCAT.Catalog)), DCT.modified)
        assert str(modified).startswith(latest), (str(modified), latest)


def test_a_landing_page_is_an_http_link(region, app):
    """A ``javascript:`` link stored before the dataset form refused it went
    out as the dataset's ``dcat:landingPage``; a dataset naming none gets
    its page on the portal."""
    import ckan.lib.search as search

    request = region.request_of(region.opd_a)
    to_ready(region, request)
    publish(region, request)
    pkg = model.Package.get(request["package_id"])
    pkg.url = "javascript:alert(document.domain)"
    model.repo.commit_and_remove()
    search.rebuild(request["package_id"])
    # whatever profiles a harvester asks for (profiles=euro_dcat_ap_2 skipped
    # the portal's and brought the link back)
    for path in ("/catalog.ttl", f"/dataset/{request['package_id']}.ttl",
                 "/catalog.ttl?profiles=euro_dcat_ap_2",
                 f"/dataset/{request['package_id']}.ttl?profiles=euro_dcat_ap_2"):
        graph = _catalog(app, path)
        (ref,) = list(graph.subjects(RDF.type, DCAT.Dataset))
        pages = [str(p) for p in graph.objects(ref, DCAT.landingPage)]
        assert len(pages) == 1 and pages[0].startswith("http") and \
            pages[0].endswith("/dataset/" + model.Package.get(request["package_id"]).name), pages
        # nor any other statement about it ("<javascript:…> a foaf:Document")
        assert "javascript" not in app.get(path).body


def test_satudata_fields_map_to_dcat(region, app):
    request = region.request_of(region.opd_a)
    add_csv(region, "producer", request["package_id"], "jenis_nakes,jumlah\nBidan,10\n")
    to_ready(region, request, **{k: v for k, v in full_metadata().items()
                                 if k not in ("tags",)})
    publish(region, request)

    graph = _catalog(app)
    (ref,) = list(graph.subjects(RDF.type, DCAT.Dataset))
    ref_id = request["package_id"]
    assert graph.value(ref, DCT.accrualPeriodicity) == rdflib.URIRef(EU + "frequency/ANNUAL")
    themes = set(graph.objects(ref, DCAT.theme))
    assert {rdflib.URIRef(EU + "data-theme/HEAL"), rdflib.URIRef(EU + "data-theme/GOVE")} \
        <= themes
    subjects = {str(graph.value(c, SKOS.notation)) for c in graph.objects(ref, DCT.subject)}
    assert subjects == {"1.02", "2.20"}
    location = graph.value(ref, DCT.spatial)
    assert str(graph.value(location, DCT.identifier)) == "64.71"
    assert "Balikpapan" in str(graph.value(location, SKOS.prefLabel))
    period = graph.value(ref, DCT.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2025-01-01"
    assert str(graph.value(period, DCAT.endDate)) == "2025-12-31"
    contact = graph.value(ref, DCAT.contactPoint)
    assert str(graph.value(contact, VCARD.fn)) == "Operator Data Dinas Kesehatan"
    assert str(graph.value(contact, VCARD.hasEmail)) == "mailto:data@dinkes.example.go.id"
    publisher = graph.value(ref, DCT.publisher)
    assert str(graph.value(publisher, FOAF.name)) == "Dinas Kesehatan"
    # the catalogue's publisher named as the datasets' are (by id; it was by
    # name: two addresses of one organisation for a harvester)
    (catalog,) = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert str(graph.value(catalog, DCT.publisher)).rsplit("/", 1)[-1] == \
        model.Group.get(tk.config.get("satudata.walidata_organization")).id
    # and the RDF says its charset (read as Latin-1, the dashes were "â")
    for path in ("/catalog.ttl", "/catalog.xml", "/catalog.jsonld",
                 f"/dataset/{ref_id}.ttl"):
        assert "charset=utf-8" in app.get(path).headers["Content-Type"].lower(), path
    issued = graph.value(ref, DCT.issued)
    assert issued is not None and issued.datatype.endswith("dateTime")
    assert graph.value(ref, DCT.language) == rdflib.URIRef(EU + "language/IND")
    assert graph.value(ref, DCT.provenance) is not None

    # each distribution: the dataset's licence; an uploaded file its download address
    distributions = list(graph.objects(ref, DCAT.distribution))
    assert distributions
    for distribution in distributions:
        licence = graph.value(distribution, DCT.license)
        assert licence is not None and (licence, RDF.type, DCT.LicenseDocument) in graph
        # a file uploaded before the release is issued with it, not before
        # the data was public
        assert graph.value(distribution, DCT.issued).toPython() >= issued.toPython()
    downloads = [str(graph.value(d, DCAT.downloadURL)) for d in distributions
                 if graph.value(d, DCAT.downloadURL) is not None]
    assert downloads and all("/download/" in url for url in downloads), downloads
    # timestamps say they are UTC; titles say their language
    assert all(str(value).endswith(("Z", "+00:00"))
               for value in (issued, graph.value(ref, DCT.modified)))
    assert graph.value(ref, DCT.title).language == "id"
    (catalog,) = list(graph.subjects(RDF.type, DCAT.Catalog))
    modified = graph.value(catalog, DCT.modified)
    assert modified is None or str(modified).endswith(("Z", "+00:00"))
    assert graph.value(catalog, DCT.title).language == "id"
    # the region and the urusan are pages of the portal
    page = app.get(urlparse(str(location)).path)
    assert page.status_code == 200 and "Balikpapan" in page.body and "64.71" in page.body
    urusan = next(c for c in graph.objects(ref, DCT.subject)
                  if str(graph.value(c, SKOS.notation)) == "1.02")
    assert "Kesehatan" in app.get(urlparse(str(urusan)).path).body
    # a province's page finds the datasets of its regencies: on the search
    # page its link opens (it linked a query of field syntax, which the page
    # searched as words: nothing found)
    province = app.get("/kode/wilayah/64").body
    search = html.unescape(re.search(r'href="(/dataset/\?[^"]+)"', province).group(1))
    results = app.get(search).body
    pkg_name = helpers.call_action("package_show", id=ref_id)["name"]
    assert f'href="/dataset/{pkg_name}"' in results, search
    assert "Kalimantan Timur" in results.split("satudata-region-within")[1][:300]
    # a new word or sort keeps the region (the form carried the facets only)
    assert re.search(r'<input type="hidden" name="ext_wilayah" value="64">', results)
    elsewhere = app.get(search.replace("64", "11")).body  # Aceh: none of its datasets
    assert f'href="/dataset/{pkg_name}"' not in elsewhere
    # given twice: filtered by the region its notice names (it filtered nothing)
    twice = app.get("/dataset/?ext_wilayah=11&ext_wilayah=64").body
    assert f'href="/dataset/{pkg_name}"' not in twice and "Aceh" in twice
    # each page, and an unknown code's, has its main landmark (a screen
    # reader's "go to main" found nothing)
    assert province.count('role="main"') == 1
    unknown = app.get("/kode/wilayah/99.99")
    assert unknown.status_code == 404 and unknown.body.count('role="main"') == 1
    assert app.get("/kode/tidak-ada/1").status_code == 404
    # the English page's breadcrumb stays in English (it led to the
    # Indonesian page)
    english = app.get("/en/kode/wilayah/64.71").body
    assert '<li class="active"><a href="/en/kode/wilayah/64.71">64.71</a></li>' in english
    # archived, it is updated no more (it went out as current data, "updated
    # yearly", its page saying "no longer updated")
    region.call("walidata_admin", "satudata_request_archive", id=request["id"])
    graph = _catalog(app, f"/dataset/{ref_id}.ttl")
    (ref,) = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert graph.value(ref, DCT.accrualPeriodicity) == rdflib.URIRef(EU + "frequency/NEVER")


def test_the_walidatas_own_dataset_gives_the_walidatas_contact(region, app):
    """A round's publication book (a dataset of the walidata's, made by the
    portal with no producer's contact) had no contact point in the feed."""
    walidata = tk.config.get("satudata.walidata_organization")
    region.call("sysadmin", "organization_patch", id=walidata,
                email="data@kominfo.example.go.id", phone="0542-123456")
    book = region.call("sysadmin", "package_create", name="publikasi-uji", owner_org=walidata,
                       private=False, title="Publikasi: Uji", license_id="cc-by",
                       notes="Statistik sektoral yang dipublikasikan.")
    graph = _catalog(app, f"/dataset/{book['id']}.ttl")
    (ref,) = list(graph.subjects(RDF.type, DCAT.Dataset))
    contact = graph.value(ref, DCAT.contactPoint)
    assert str(graph.value(contact, VCARD.hasEmail)) == "mailto:data@kominfo.example.go.id"
    assert str(graph.value(contact, VCARD.fn)) == model.Group.get(walidata).title
    assert str(graph.value(contact, VCARD.hasTelephone)) == "tel:0542123456"
