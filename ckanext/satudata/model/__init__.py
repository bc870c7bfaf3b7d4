# -*- coding: utf-8 -*-
"""SQLAlchemy models of ckanext-satudata. Every table is prefixed
``satudata_`` and is created only by the alembic migrations in
``migration/satudata``."""
from __future__ import annotations

from .role import WalidataRole, WalidataRoleEvent
from .workflow import (
    ROUND_STAGES, ROUND_STATES, LATE_POLICIES, CollectionRound, DaftarData, DaftarDataEvent,
    DataRequest, ForumDecision, ReminderSent, RequestEvent, RoundEvent, RoundReport,
    RoundReportEvent,
)
from .public_request import PublicRequest, PublicRequestEvent
from .datacheck import CHECK_STATUSES, DataCheck
from .dissemination import (
    LIVE_STATUSES, PUBLIC_COLUMNS, Dissemination, Publication, Release, StagedRevision,
    public_dict_of,
)
from .outbox import OutboxEntry
from .letter import LETTER_KINDS, Letter, LetterCounter, RoundDocument

__all__ = [
    "WalidataRole", "WalidataRoleEvent",
    "DaftarData", "CollectionRound", "DataRequest", "RequestEvent", "ReminderSent",
    "ROUND_STATES", "ROUND_STAGES", "RoundReport", "RoundReportEvent", "LATE_POLICIES",
    "ForumDecision", "RoundEvent", "DaftarDataEvent",
    "DataCheck", "CHECK_STATUSES",
    "Dissemination", "Release", "StagedRevision", "Publication", "LIVE_STATUSES",
    "PUBLIC_COLUMNS", "public_dict_of",
    "PublicRequest", "PublicRequestEvent",
    "OutboxEntry",
    "Letter", "LetterCounter", "RoundDocument", "LETTER_KINDS",
]
