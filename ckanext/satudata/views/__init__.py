# -*- coding: utf-8 -*-
"""Flask blueprints of ckanext-satudata, one module per area; ``__all__`` is
what ``tk.blanket.blueprints`` registers."""
from __future__ import annotations

__all__: list[str] = []
