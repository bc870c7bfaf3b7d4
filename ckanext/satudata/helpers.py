# -*- coding: utf-8 -*-
"""Template helpers, registered by ``tk.blanket.helpers``."""
from __future__ import annotations

from . import roles

__all__ = ["satudata_approval_chain", "satudata_is_walidata_staff"]


def satudata_approval_chain() -> list[str]:
    return roles.approval_chain()


def satudata_is_walidata_staff(user_name: str | None) -> bool:
    return roles.is_walidata_staff(user_name)
