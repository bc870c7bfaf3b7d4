# -*- coding: utf-8 -*-
"""Auth functions, one per action and of the same name; ``__all__`` is what
the ``tk.blanket.auth_functions`` decorator registers."""
from __future__ import annotations

from . import roles
from .roles import *  # noqa: F401,F403

__all__ = [*roles.__all__]
