# -*- coding: utf-8 -*-
"""Template helpers, registered by ``tk.blanket.helpers``."""
from __future__ import annotations

from . import roles
from . import metadata_helpers
from .metadata_helpers import *  # noqa: F401,F403  (issue B: metadata schema)
from . import dissemination_helpers
from .dissemination_helpers import *  # noqa: F401,F403  (issue D: dissemination)

__all__ = ["satudata_approval_chain", "satudata_is_walidata_staff"]
__all__ += metadata_helpers.__all__
__all__ += dissemination_helpers.__all__


def satudata_approval_chain() -> list[str]:
    return roles.approval_chain()


def satudata_is_walidata_staff(user_name: str | None) -> bool:
    return roles.is_walidata_staff(user_name)
