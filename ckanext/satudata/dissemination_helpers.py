# -*- coding: utf-8 -*-
"""Template helpers of dissemination (registered through :mod:`.helpers`).
Each runs at most one bounded query per page, never per list item."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from . import dissemination, states

__all__ = ["satudata_recently_published", "satudata_staged_revision",
           "satudata_local_time", "satudata_dissemination_facts",
           "satudata_bar_width", "satudata_dissemination_transition_label"]


def satudata_recently_published(limit: int = 5) -> list[dict[str, Any]]:
    """The public datasets most recently published (one search)."""
    try:
        return tk.get_action("satudata_recently_published")({}, {"limit": limit})
    except tk.NotAuthorized:
        return []


def satudata_staged_revision(pkg_dict: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The staged revision of a published dataset, if there is one and the
    current user may see it (its producers, the walidata staff)."""
    if not tk.current_user.is_authenticated or not pkg_dict.get(dissemination.DICT_KEY):
        return None
    try:
        return tk.get_action("satudata_revision_show")(
            {"user": tk.current_user.name}, {"id": pkg_dict["id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None


def satudata_local_time(value: Any) -> str:
    """Kept for old templates: the same as ``h.render_datetime(value,
    with_hours=True)`` (``1 Desember 2026 09.00 WIB``)."""
    return tk.h.render_datetime(value, with_hours=True)


def satudata_dissemination_facts(pkg_dict: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The public publication facts of a dataset dictionary (no query)."""
    facts = pkg_dict.get(dissemination.DICT_KEY)
    return facts if isinstance(facts, dict) else None


def satudata_bar_width(value: Optional[int], maximum: Optional[int], full: int = 100) -> float:
    """The length of a bar of the progress chart (0..``full``)."""
    if not value or not maximum:
        return 0.0
    return round(full * value / maximum, 1)


def satudata_dissemination_transition_label(name: str) -> str:
    """The translated label of a transition (button of its form)."""
    return states.transition_label(name)
