# -*- coding: utf-8 -*-
"""Sample metadata for the tests of the metadata schema (and for anyone who
needs a dataset that is complete at the submit level)."""
from __future__ import annotations

from typing import Any


def full_metadata(**overrides: Any) -> dict[str, Any]:
    """Every satudata field of a dataset filled in, as an API client sends it
    (package_create adds title, name and owner_org)."""
    data: dict[str, Any] = {
        "notes": "Jumlah tenaga kesehatan di fasilitas pelayanan kesehatan menurut jenis.",
        "license_id": "cc-by",
        "tags": [{"name": "kesehatan"}],
        "concept": "Tenaga kesehatan adalah setiap orang yang mengabdikan diri dalam bidang kesehatan.",
        "definition": "Jumlah tenaga kesehatan yang bekerja di fasilitas pelayanan kesehatan.",
        "classification": "Jenis tenaga kesehatan menurut UU 36/2014",
        "measure": "Jumlah",
        "unit": "Orang",
        "indicator_name": "Rasio tenaga kesehatan per 100.000 penduduk",
        "indicator_definition": "Jumlah tenaga kesehatan dibagi jumlah penduduk dikali 100.000.",
        "indicator_interpretation": "Semakin tinggi semakin baik ketersediaan layanan.",
        "calculation_method": "(tenaga kesehatan / penduduk) x 100.000",
        "presentation_level": "district",
        "disaggregation": "Jenis tenaga kesehatan, kecamatan",
        "variables": [
            {"name": "jenis_nakes", "definition": "Jenis tenaga kesehatan",
             "data_type": "category", "unit": "-"},
            {"name": "jumlah", "definition": "Jumlah tenaga kesehatan",
             "data_type": "integer", "unit": "orang"},
        ],
        "area_code": "64.71",
        "data_year": "2025",
        "reference_period": "Januari-Desember 2025",
        "update_frequency": "annual",
        "data_status": "final",
        "data_source": "Sistem Informasi SDM Kesehatan (SISDMK)",
        "collection_method": "administrative",
        "bps_activity_code": "2025-6471-001",
        "government_affairs": ["1.02", "2.20"],
        "priority_data": True,
        "sdgs_goals": ["3", "8"],
        "producer_contact_name": "Operator Data Dinas Kesehatan",
        "producer_contact_email": "data@dinkes.example.go.id",
        "producer_contact_phone": "+62 542 123456",
        "walidata_contact_name": "Bidang Statistik Diskominfo",
        "walidata_contact_email": "statistik@diskominfo.example.go.id",
        "walidata_contact_phone": "(0542) 765432",
    }
    data.update(overrides)
    return data


#: the satudata fields of full_metadata() that package_show returns unchanged
SCHEMA_FIELDS = [k for k in full_metadata() if k not in ("tags",)]
