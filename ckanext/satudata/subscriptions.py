# -*- coding: utf-8 -*-
"""CKAN signal subscriptions: side effects of satudata events are queued as
background jobs from here, never run inline in a request."""
from __future__ import annotations

from ckan.types import SignalMapping


def get_subscriptions() -> SignalMapping:
    return {}
