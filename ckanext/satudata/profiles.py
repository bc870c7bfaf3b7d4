# -*- coding: utf-8 -*-
"""The satudata DCAT-AP profile for ckanext-dcat.

Registered as the ``ckan.rdf.profiles`` entry point ``satudata_dcat_ap``
(pyproject.toml); enable it after a base profile::

    ckanext.dcat.rdf.profiles = euro_dcat_ap_2 satudata_dcat_ap

The base profile writes the core of each dataset (title, description,
keywords, distributions, the OPD as ``dct:publisher``); this profile maps
the Satu Data fields of the dataset schema (``schemas/dataset.yaml``):

================================  ==============================================
satudata field                    DCAT-AP
================================  ==============================================
first publication (workflow)      ``dct:issued`` (instead of the creation date)
``update_frequency``              ``dct:accrualPeriodicity`` (EU frequency table)
``area_code`` (kode wilayah)      ``dct:spatial`` → ``dct:Location`` with the
                                  Kemendagri code and name
``data_year``                     ``dct:temporal`` → ``dct:PeriodOfTime``
                                  (``dcat:startDate``/``dcat:endDate``)
``government_affairs`` (urusan)   ``dcat:theme`` (EU data theme) and
                                  ``dct:subject`` (the urusan as a
                                  ``skos:Concept``)
``producer_contact_*``            ``dcat:contactPoint`` → ``vcard:Organization``
``data_source``,
``collection_method``             ``dct:provenance``
``concept`` … ``unit``            ``dct:conformsTo`` (the data standard of
                                  Perpres 39/2019 as a ``dct:Standard``)
portal language                   ``dct:language`` (``IND``); titles,
                                  descriptions and keywords tagged ``@id``
``license_id``                    ``dct:license`` of each distribution (the
                                  licence register's document)
a file uploaded to the portal     ``dcat:downloadURL`` of its distribution
CKAN's timestamps (UTC)           ``dct:issued``/``dct:modified`` with ``Z``
================================  ==============================================

The region and urusan concepts are named by pages of the portal
(``/kode/<list>/<code>``, :mod:`.views.reference`). A harvest with
ckanext-dcat's parser gets these fields back as the schema's own
(:meth:`SatudataDCATProfile.parse_dataset`): a province harvesting its
regencies' portals.

Which datasets appear is decided by ckanext-dcat's catalog search (public
datasets only, the archived ones included: see :func:`ckanext.satudata.lib.
publishing.search_params`); this profile only describes them.
"""
from __future__ import annotations

from typing import Any, Optional

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import Namespace

from ckanext.dcat.profiles import DCAT, DCT, RDF, SKOS, VCARD, XSD, RDFProfile
from ckanext.dcat.utils import catalog_uri, resource_uri

from .lib import publishing, reference

EU_FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EU_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
LOCN = Namespace("http://www.w3.org/ns/locn#")
PROV = Namespace("http://www.w3.org/ns/prov#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
#: the language the portal's data is described in
PORTAL_LANGUAGE = "id"

#: satudata frequency code -> EU frequency authority table
FREQUENCIES = {
    "daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY",
    "quarterly": "QUARTERLY", "four_monthly": "ANNUAL_3", "semiannual": "ANNUAL_2",
    "annual": "ANNUAL", "biennial": "BIENNIAL", "ad_hoc": "IRREG",
}
#: urusan pemerintahan (UU 23/2014) -> EU data theme
THEMES = {
    "1.01": "EDUC", "1.02": "HEAL", "1.03": "REGI", "1.04": "REGI", "1.05": "JUST",
    "1.06": "SOCI", "2.07": "ECON", "2.08": "SOCI", "2.09": "AGRI", "2.10": "REGI",
    "2.11": "ENVI", "2.12": "SOCI", "2.13": "SOCI", "2.14": "SOCI", "2.15": "TRAN",
    "2.16": "TECH", "2.17": "ECON", "2.18": "ECON", "2.19": "EDUC", "2.20": "GOVE",
    "2.21": "GOVE", "2.22": "EDUC", "2.23": "EDUC", "2.24": "GOVE", "3.25": "AGRI",
    "3.26": "ECON", "3.27": "AGRI", "3.28": "AGRI", "3.29": "ENER", "3.30": "ECON",
    "3.31": "ECON", "3.32": "REGI", "5.01": "GOVE", "5.02": "GOVE", "5.03": "GOVE",
    "5.04": "GOVE", "5.05": "TECH",
}


#: the data standard's fields (Perpres 39/2019) and their lines in its
#: ``dct:Standard`` description, written and read back the same way
STANDARD_FIELDS = (("concept", "Konsep"), ("definition", "Definisi"),
                   ("classification", "Klasifikasi"), ("measure", "Ukuran"),
                   ("unit", "Satuan"))


def code_uri(list_name: str, code: str) -> URIRef:
    """A stable URI for a satudata reference code (its concept scheme lives
    on the portal)."""
    return URIRef(f"{catalog_uri().rstrip('/')}/kode/{list_name}/{code}")


class SatudataDCATProfile(RDFProfile):
    """Satu Data Indonesia fields on top of a DCAT-AP base profile."""

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        g = self.g
        g.bind("locn", LOCN)
        g.bind("prov", PROV)
        self._issued(dataset_dict, dataset_ref)
        self._frequency(dataset_dict, dataset_ref)
        self._spatial_area(dataset_dict, dataset_ref)
        self._temporal(dataset_dict, dataset_ref)
        self._themes(dataset_dict, dataset_ref)
        self._contact(dataset_dict, dataset_ref)
        self._provenance(dataset_dict, dataset_ref)
        self._standard(dataset_dict, dataset_ref)
        self._distributions(dataset_dict, dataset_ref)
        self._landing_page(dataset_dict, dataset_ref)
        self._utc_dates(dataset_ref)
        self._language_tags(dataset_ref)
        if not list(g.objects(dataset_ref, DCT.language)):
            g.add((dataset_ref, DCT.language, EU_LANGUAGE.IND))

    def parse_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> dict[str, Any]:
        """The Satu Data fields back from what :meth:`graph_from_dataset`
        wrote, as the dataset schema's own fields (a province harvesting its
        regencies' portals with ckanext-dcat got the urusan codes dropped,
        the region and year as bare URIs and dates, the data standard as a
        blank node's id): the codes from their concepts, the year from a
        period of one calendar year, the frequency, the standard's five
        fields and the producer's contact. What the base profile put in the
        extras for them is taken out."""
        g, parsed = self.g, {}
        codes = {"wilayah": [], "urusan": []}
        for predicate, scheme in ((DCT.spatial, "wilayah"), (DCT.subject, "urusan")):
            for concept in g.objects(dataset_ref, predicate):
                code = _code_of(concept, scheme) or str(
                    g.value(concept, DCT.identifier) or g.value(concept, SKOS.notation) or "")
                if code and reference.is_valid(
                        reference.WILAYAH if scheme == "wilayah" else reference.URUSAN, code):
                    codes[scheme].append(code)
        if codes["wilayah"]:
            parsed["area_code"] = codes["wilayah"][0]
        if codes["urusan"]:
            parsed["government_affairs"] = sorted(set(codes["urusan"]))
        start, end = self._time_interval(dataset_ref, DCT.temporal, dcat_ap_version=2)
        if start and end and start[:4] == end[:4] and start[5:10] == "01-01" \
                and end[5:10] == "12-31":
            parsed["data_year"] = start[:4]
        frequency = g.value(dataset_ref, DCT.accrualPeriodicity)
        by_uri = {str(EU_FREQUENCY[eu]): code for code, eu in FREQUENCIES.items()}
        if frequency is not None and str(frequency) in by_uri:
            parsed["update_frequency"] = by_uri[str(frequency)]
        parsed.update(self._parsed_standard(dataset_ref))
        parsed.update(self._parsed_contact(dataset_ref))
        dataset_dict.update(parsed)
        # the base profile's extras for the same facts (a blank node's id
        # for the standard), which the schema's fields now hold
        taken = {"conforms_to", "frequency", "spatial_uri", "spatial_text", "temporal_start",
                 "temporal_end", "contact_name", "contact_email", "contact_uri"}
        dataset_dict["extras"] = [e for e in dataset_dict.get("extras") or []
                                  if e.get("key") not in taken]
        return dataset_dict

    def _parsed_standard(self, dataset_ref: Any) -> dict[str, str]:
        """The five fields of the data standard (:meth:`_standard`)."""
        fields = {label: key for key, label in STANDARD_FIELDS}
        found: dict[str, str] = {}
        for standard in self.g.objects(dataset_ref, DCT.conformsTo):
            text = str(self.g.value(standard, DCT.description) or "")
            for line in text.split("\n"):
                label, _sep, value = line.partition(": ")
                if label in fields and value.strip():
                    found[fields[label]] = value.strip()
        return found

    def _parsed_contact(self, dataset_ref: Any) -> dict[str, str]:
        """The producer's contact (:meth:`_contact`)."""
        contact = self.g.value(dataset_ref, DCAT.contactPoint)
        if contact is None:
            return {}
        found: dict[str, str] = {}
        name = self.g.value(contact, VCARD.fn)
        email = self.g.value(contact, VCARD.hasEmail)
        phone = self.g.value(contact, VCARD.hasTelephone)
        if name:
            found["producer_contact_name"] = str(name)
        if email:
            found["producer_contact_email"] = str(email).removeprefix("mailto:")
        if phone:
            found["producer_contact_phone"] = str(phone).removeprefix("tel:")
        return found

    def graph_from_catalog(self, catalog_dict: Optional[dict[str, Any]],
                           catalog_ref: URIRef) -> None:
        g = self.g
        g.set((catalog_ref, DCT.language, EU_LANGUAGE.IND))
        self._utc_dates(catalog_ref)
        self._language_tags(catalog_ref)
        walidata = model_walidata()
        if walidata is not None and not list(g.objects(catalog_ref, DCT.publisher)):
            # by id, as ckanext-dcat names each dataset's publisher (a
            # harvester saw two addresses of one organisation)
            agent = URIRef(f"{catalog_uri().rstrip('/')}/organization/{walidata.id}")
            g.add((agent, RDF.type, Namespace("http://xmlns.com/foaf/0.1/").Agent))
            g.add((agent, Namespace("http://xmlns.com/foaf/0.1/").name,
                   Literal(walidata.title or walidata.name)))
            g.add((catalog_ref, DCT.publisher, agent))

    # -- one property each -------------------------------------------------------------

    def _issued(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        facts = dataset_dict.get(publishing.DICT_KEY) or {}
        if isinstance(facts, dict) and facts.get("first_published"):
            self.g.remove((dataset_ref, DCT.issued, None))
            self._add_date_triple(dataset_ref, DCT.issued, facts["first_published"])

    def _frequency(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        """The update frequency; archived data is updated no more (it went
        out as current data "updated yearly", the portal's page saying
        "no longer updated")."""
        code = dataset_dict.get("update_frequency")
        facts = dataset_dict.get(publishing.DICT_KEY) or {}
        archived = isinstance(facts, dict) and facts.get("status") == "archived"
        if code in FREQUENCIES or archived:
            self.g.remove((dataset_ref, DCT.accrualPeriodicity, None))
            uri = EU_FREQUENCY["NEVER" if archived else FREQUENCIES[code]]
            self.g.add((dataset_ref, DCT.accrualPeriodicity, uri))
            self.g.add((uri, RDF.type, DCT.Frequency))

    def _spatial_area(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        code = dataset_dict.get("area_code")
        if not code or not reference.is_valid(reference.WILAYAH, code):
            return
        location = code_uri("wilayah", code)
        g = self.g
        g.add((dataset_ref, DCT.spatial, location))
        g.add((location, RDF.type, DCT.Location))
        g.add((location, DCT.identifier, Literal(code)))
        g.add((location, SKOS.prefLabel,
               Literal(reference.wilayah_label(code, "id"), lang="id")))
        g.add((location, LOCN.geographicName,
               Literal(reference.wilayah_label(code, "id"), lang="id")))

    def _temporal(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        year = str(dataset_dict.get("data_year") or "").strip()
        if len(year) != 4 or not (year.isascii() and year.isdigit()):  # xsd:date's digits
            return
        period = BNode()
        g = self.g
        g.add((dataset_ref, DCT.temporal, period))
        g.add((period, RDF.type, DCT.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(f"{year}-01-01", datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(f"{year}-12-31", datatype=XSD.date)))

    def _themes(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        g = self.g
        for code in reference.as_code_list(dataset_dict.get("government_affairs")):
            entry = reference.get(reference.URUSAN, code)
            if entry is None:
                continue
            concept = code_uri("urusan", code)
            g.add((dataset_ref, DCT.subject, concept))
            g.add((concept, RDF.type, SKOS.Concept))
            g.add((concept, SKOS.notation, Literal(code)))
            g.add((concept, SKOS.prefLabel, Literal(entry.label_id, lang="id")))
            g.add((concept, SKOS.prefLabel, Literal(entry.label_en, lang="en")))
            if code in THEMES:
                g.add((dataset_ref, DCAT.theme, EU_THEME[THEMES[code]]))

    def _contact(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        name = dataset_dict.get("producer_contact_name")
        email = dataset_dict.get("producer_contact_email")
        phone = dataset_dict.get("producer_contact_phone")
        if not (name or email):
            # the walidata's own datasets (a round's publication book): the
            # walidata's contact, as its organization gives it (the feed had
            # none for them)
            name, email, phone = _walidata_contact(dataset_dict.get("owner_org"))
        if not (name or email):
            return
        g = self.g
        for old in list(g.objects(dataset_ref, DCAT.contactPoint)):
            g.remove((dataset_ref, DCAT.contactPoint, old))
            g.remove((old, None, None))
        contact = BNode()
        g.add((dataset_ref, DCAT.contactPoint, contact))
        g.add((contact, RDF.type, VCARD.Organization))
        if name:
            g.add((contact, VCARD.fn, Literal(name)))
        if email:
            g.add((contact, VCARD.hasEmail, URIRef(self._add_mailto(email))))
        if phone:
            tel = "tel:" + "".join(c for c in str(phone) if c.isdigit() or c == "+")
            g.add((contact, VCARD.hasTelephone, URIRef(tel)))

    def _provenance(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        source = dataset_dict.get("data_source")
        method = dataset_dict.get("collection_method")
        if not (source or method):
            return
        parts = [str(source)] if source else []
        if method and reference.is_valid("collection_method", method):
            parts.append(reference.label("collection_method", method, "id"))
        statement = BNode()
        self.g.add((dataset_ref, DCT.provenance, statement))
        self.g.add((statement, RDF.type, DCT.ProvenanceStatement))
        self.g.add((statement, RDFS.label, Literal(" — ".join(parts), lang="id")))

    def _standard(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        """The data standard of Perpres 39/2019 (konsep, definisi,
        klasifikasi, ukuran, satuan) as the dct:Standard the dataset
        conforms to."""
        lines = [f"{label}: {dataset_dict[key]}" for key, label in STANDARD_FIELDS
                 if dataset_dict.get(key)]
        if not lines:
            return
        standard = BNode()
        self.g.add((dataset_ref, DCT.conformsTo, standard))
        self.g.add((standard, RDF.type, DCT.Standard))
        self.g.add((standard, DCT.title, Literal("Standar data", lang="id")))
        self.g.add((standard, DCT.description, Literal("\n".join(lines), lang="id")))


    def _distributions(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        """Each distribution's licence (the dataset's, from CKAN's licence
        register: DCAT-AP puts it on the distribution), for a file uploaded
        to the portal its ``dcat:downloadURL``, and its ``dct:issued`` no
        earlier than the dataset's publication (a file uploaded before the
        release said it was issued before the data was public)."""
        g = self.g
        licence = dataset_dict.get("license_url")
        facts = dataset_dict.get(publishing.DICT_KEY) or {}
        published = facts.get("first_published") if isinstance(facts, dict) else None
        by_uri = {str(d): d for d in g.objects(dataset_ref, DCAT.distribution)}
        for resource in dataset_dict.get("resources") or []:
            distribution = by_uri.get(resource_uri(resource))
            if distribution is None:
                continue
            issued = resource.get("created")
            if published and (not issued or str(issued) < str(published)):
                g.remove((distribution, DCT.issued, None))
                self._add_date_triple(distribution, DCT.issued, published)
            if licence and (distribution, DCT.license, None) not in g:
                document = URIRef(licence)
                g.add((distribution, DCT.license, document))
                g.add((document, RDF.type, DCT.LicenseDocument))
                if dataset_dict.get("license_title"):
                    g.add((document, DCT.title, Literal(dataset_dict["license_title"])))
            url = resource.get("url")
            if resource.get("url_type") == "upload" and url \
                    and (distribution, DCAT.downloadURL, None) not in g:
                g.add((distribution, DCAT.downloadURL, URIRef(url)))

    def _landing_page(self, dataset_dict: dict[str, Any], dataset_ref: URIRef) -> None:
        """Only an http(s) landing page (a ``javascript:`` one stored before
        the dataset form refused it went out to the national portal); the
        dataset's page on the portal when it names none."""
        g = self.g
        for page in list(g.objects(dataset_ref, DCAT.landingPage)):
            if not str(page).lower().startswith(("http://", "https://")):
                g.remove((dataset_ref, DCAT.landingPage, page))
                g.remove((page, None, None))  # its "a foaf:Document" too
        if not list(g.objects(dataset_ref, DCAT.landingPage)) and dataset_dict.get("name"):
            g.add((dataset_ref, DCAT.landingPage, URIRef(
                f"{catalog_uri().rstrip('/')}/dataset/{dataset_dict['name']}")))

    def _utc_dates(self, dataset_ref: URIRef) -> None:
        """CKAN's timestamps are UTC but written without a zone, which a
        reader takes for local time (seven hours off in WIB): say so."""
        g = self.g
        subjects = [dataset_ref, *g.objects(dataset_ref, DCAT.distribution)]
        for subject in subjects:
            for prop in (DCT.issued, DCT.modified):
                for value in list(g.objects(subject, prop)):
                    if isinstance(value, Literal) and value.datatype == XSD.dateTime \
                            and "T" in str(value) and not _has_zone(str(value)):
                        g.remove((subject, prop, value))
                        g.add((subject, prop, Literal(f"{value}Z", datatype=XSD.dateTime)))

    def _language_tags(self, dataset_ref: URIRef) -> None:
        """Titles, descriptions and keywords are written in the portal's
        language (Indonesian): tagged so, where CKAN gave no tag."""
        g = self.g
        subjects = [dataset_ref, *g.objects(dataset_ref, DCAT.distribution)]
        for subject in subjects:
            for prop in (DCT.title, DCT.description, DCAT.keyword):
                for value in list(g.objects(subject, prop)):
                    if isinstance(value, Literal) and value.language is None \
                            and value.datatype is None:
                        g.remove((subject, prop, value))
                        g.add((subject, prop, Literal(str(value), lang=PORTAL_LANGUAGE)))


def _code_of(concept: Any, scheme: str) -> str:
    """The code a concept URI of the portal's lists names
    (``…/kode/<scheme>/<code>``), else ""."""
    head, found, code = str(concept).rpartition(f"/kode/{scheme}/")
    return code if found and head and code else ""


def _has_zone(text: str) -> bool:
    """Whether an ISO date-time names its zone (``Z``, ``+07:00``)."""
    clock = text.split("T", 1)[1]
    return clock.endswith("Z") or "+" in clock or "-" in clock


def model_walidata() -> Any:
    from .lib import roles
    return roles.walidata_organization()


def _walidata_contact(owner_org: Any) -> tuple[Optional[str], Optional[str], Optional[str]]:
    """(name, e-mail, phone) of the walidata's organization when it owns the
    dataset (``owner_org``, its id), else nothing."""
    org = model_walidata()
    if org is None or not owner_org or owner_org not in (org.id, org.name):
        return None, None, None
    extras = org.extras or {}
    return org.title or org.name, extras.get("email") or None, extras.get("phone") or None
