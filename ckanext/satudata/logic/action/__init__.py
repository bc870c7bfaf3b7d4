# -*- coding: utf-8 -*-
"""All ``satudata_*`` actions, one module per concern; ``__all__`` is what the
``tk.blanket.actions`` decorator registers."""
from __future__ import annotations

from . import roles
from .roles import *  # noqa: F401,F403

__all__ = [*roles.__all__]
