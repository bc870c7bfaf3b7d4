# -*- coding: utf-8 -*-
"""Jobs used by the tests: importable by a real `ckan jobs worker` process
(integration/test_real_worker.py)."""
from __future__ import annotations

import os

from ckan.lib.redis import connect_to_redis


def record_pid(key: str) -> None:
    """Store the worker's process id under ``key`` in Redis."""
    connect_to_redis().set(key, str(os.getpid()))


def record_view_title(key: str) -> None:
    """Store under ``key`` the title a table's preview gets when the jobs
    worker creates it (xloader's completion: datatables_view's default
    title), translated as the portal's jobs translate."""
    from ckan.lib.datapreview import get_view_plugin

    from ckanext.satudata.jobs import _in_portal_language

    @_in_portal_language
    def title() -> str:
        return get_view_plugin("datatables_view").info()["default_title"]

    connect_to_redis().set(key, title())
