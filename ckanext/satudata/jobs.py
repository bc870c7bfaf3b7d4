# -*- coding: utf-8 -*-
"""Every background job of the portal, thin: each loads nothing itself and
calls the domain function that does the work. Enqueued from
:mod:`.subscriptions` (after the transaction that changed a request
committed), by the actions and by the ``ckan satudata`` commands with
``--enqueue``; run by ``ckan jobs worker``.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import ckan.plugins.toolkit as tk

from .lib import datacheck, publication, publishing
from .lib import notifications, reminders

__all__ = ["notify_transition", "notify_round_sent", "send_reminders",
           "build_publication", "refresh_publication", "release_due", "check_data"]


def notify_transition(event_id: str) -> int:
    """E-mail the people a step of a request concerns; the number sent."""
    return notifications.notify_transition(event_id)


def notify_round_sent(round_id: str, request_ids: list[str]) -> int:
    """E-mail each producer the requests a round sent to their OPD."""
    return notifications.notify_round_sent(round_id, request_ids)


def send_reminders(today: Optional[str] = None) -> dict[str, int]:
    """``ckan satudata send-reminders`` in the worker (``today`` ISO date)."""
    return reminders.send_reminders(datetime.date.fromisoformat(today) if today else None)


def build_publication(publication_id: str) -> Optional[dict[str, Any]]:
    """Build a round's publication and attach its PDF and XLSX."""
    return publication.build_and_attach(publication_id)


def refresh_publication(request_id: str) -> Optional[dict[str, Any]]:
    """Build the publication of a request's round again (it left the public)."""
    return publication.refresh_for(request_id)


def release_due() -> dict[str, Any]:
    """Publish the releases whose time has come (as the site user)."""
    return tk.get_action("satudata_release_run_due")(
        {"user": publishing.site_user_name()}, {})


def check_data(package_id: str) -> list[dict[str, Any]]:
    """Validate a dataset's data files against its variables and screen
    them for personal data; the results of the files checked."""
    return datacheck.refresh(package_id)
