# -*- coding: utf-8 -*-
"""The WSGI application of a CKAN site, for gunicorn or uWSGI:
``gunicorn ckanext.satudata.wsgi:application`` with ``CKAN_INI`` naming the
configuration file.

CKAN documents its deployment with a ``wsgi.py`` copied from the root of its
source tree (the wheel does not ship it); this is the same file as a module:
logging configured from the ini, the configuration loaded with CKAN's own
loader (``use = config:...`` chains and the ``CKAN_*`` environment variables
included) and the app built by ``ckan.config.middleware.make_app``. Importing
it builds the app: gunicorn does so in each worker (no ``--preload``: a
database connection opened before the fork would be shared by the workers).
"""
from __future__ import annotations

import os
from logging.config import fileConfig

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

config_path = os.environ.get("CKAN_INI", "")
if not os.path.isfile(config_path):
    raise RuntimeError(f"CKAN_INI must name the CKAN configuration file (it is {config_path!r})")

fileConfig(config_path, disable_existing_loggers=False)
application = make_app(CKANConfigLoader(config_path).get_config())
