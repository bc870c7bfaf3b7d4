# -*- coding: utf-8 -*-
"""Jobs used by the tests: importable by a real ``ckan satudata worker``
process (integration/test_real_worker.py)."""
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


def record_site_title(key: str) -> None:
    """Append to the list ``key`` in Redis the worker's process id and the
    site title a job reads (``ckan.site_title``)."""
    import ckan.plugins.toolkit as tk

    connect_to_redis().rpush(key, f"{os.getpid()} {tk.config.get('ckan.site_title')}")


def retitle_site_elsewhere(title: str) -> None:
    """Change the site title as the admin's config page in a web process
    does: in the database only (this process's configuration untouched)."""
    import datetime

    import ckan.model as model

    model.set_system_info("ckan.site_title", title)
    model.set_system_info("ckan.config_update", str(datetime.datetime.utcnow().timestamp()))


def fail_in_a_transaction() -> None:
    """Leave the session in a failed transaction, then fail."""
    import sqlalchemy as sa

    import ckan.model as model

    try:
        model.Session.execute(sa.text("SELECT 1/0"))
    except sa.exc.DataError:
        pass  # the transaction is now aborted, the session not rolled back
    raise RuntimeError("a job that fails")
