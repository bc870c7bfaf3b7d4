# -*- coding: utf-8 -*-
"""SQLAlchemy models of ckanext-satudata. Every table is prefixed
``satudata_`` and is created only by the alembic migrations in
``migration/satudata``."""
from __future__ import annotations

from .role import WalidataRole
from .workflow import (
    ROUND_STATES, LATE_POLICIES, CollectionRound, DaftarData, DataRequest, ForumDecision,
    ReminderSent, RequestEvent,
)
from .public_request import PublicRequest, PublicRequestEvent
from .datacheck import CHECK_STATUSES, DataCheck
from .dissemination import (
    LIVE_STATUSES, Dissemination, Publication, Release, StagedRevision,
)
from .outbox import OutboxEntry

__all__ = [
    "WalidataRole",
    "DaftarData", "CollectionRound", "DataRequest", "RequestEvent", "ReminderSent",
    "ROUND_STATES", "LATE_POLICIES", "ForumDecision",
    "DataCheck", "CHECK_STATUSES",
    "Dissemination", "Release", "StagedRevision", "Publication", "LIVE_STATUSES",
    "PublicRequest", "PublicRequestEvent",
    "OutboxEntry",
]
