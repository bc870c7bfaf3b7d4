# -*- coding: utf-8 -*-
"""Template helpers, registered by ``tk.blanket.helpers``."""
from __future__ import annotations

from . import roles
from . import metadata_helpers
from .metadata_helpers import *  # noqa: F401,F403  (issue B: metadata schema)
from . import dissemination_helpers
from .dissemination_helpers import *  # noqa: F401,F403  (issue D: dissemination)

__all__ = ["satudata_approval_chain", "satudata_is_walidata_staff"]
__all__ += ["satudata_returned_notes"]  # issue G: the review loop on screen
__all__ += metadata_helpers.__all__
__all__ += dissemination_helpers.__all__


def satudata_approval_chain() -> list[str]:
    return roles.approval_chain()


def satudata_is_walidata_staff(user_name: str | None) -> bool:
    return roles.is_walidata_staff(user_name)


def satudata_returned_notes(package_id: str | None) -> dict | None:
    """The reason and labelled per-field notes of the latest return of the
    request of this dataset, while it is returned and the current user may
    see the request (for the edit form); None otherwise."""
    import ckan.plugins.toolkit as tk

    from .lib import review

    user = tk.current_user.name if tk.current_user.is_authenticated else None  # type: ignore
    return review.returned_for_package(package_id, user)
