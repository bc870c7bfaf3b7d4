# -*- coding: utf-8 -*-
"""Metadata completeness of a satudata dataset: which fields a level requires
(``draft`` to save, ``submit`` to submit for verification) and which are
missing. Issue B fills this in from the scheming schema; the workflow (issue
C) asks it at submit time and records the percentage on every event."""
from __future__ import annotations

from typing import Any

LEVELS = ("draft", "submit")


def completeness(pkg_dict: dict[str, Any], level: str = "submit") -> dict[str, Any]:
    """``{"level", "complete": bool, "percent": int 0-100,
    "missing": [{"field": name, "label": translated label}]}``"""
    missing = [] if pkg_dict.get("title") else [{"field": "title", "label": "Title"}]
    return {"level": level, "complete": not missing,
            "percent": 0 if missing else 100, "missing": missing}
