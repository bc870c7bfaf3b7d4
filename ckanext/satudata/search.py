# -*- coding: utf-8 -*-
"""How satudata datasets are indexed in Solr and offered as search facets."""
from __future__ import annotations

from typing import Any


def dataset_facets(facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
    return facets_dict


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    return pkg_dict


def before_dataset_search(search_params: dict[str, Any]) -> dict[str, Any]:
    return search_params
