# -*- coding: utf-8 -*-
"""Jobs used by the tests: importable by a real `ckan jobs worker` process
(integration/test_real_worker.py)."""
from __future__ import annotations

import os

from ckan.lib.redis import connect_to_redis


def record_pid(key: str) -> None:
    """Store the worker's process id under ``key`` in Redis."""
    connect_to_redis().set(key, str(os.getpid()))
