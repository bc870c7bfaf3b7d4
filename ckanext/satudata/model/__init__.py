# -*- coding: utf-8 -*-
"""SQLAlchemy models of ckanext-satudata. Every table is prefixed
``satudata_`` and is created only by the alembic migrations in
``migration/satudata``."""
from __future__ import annotations

from .role import WalidataRole

__all__ = ["WalidataRole"]
