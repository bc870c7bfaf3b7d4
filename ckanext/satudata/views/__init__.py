# -*- coding: utf-8 -*-
"""Flask blueprints of ckanext-satudata, one module per area; ``__all__`` is
what ``tk.blanket.blueprints`` registers."""
from __future__ import annotations

from .daftar_data import satudata_daftar_data
from .dissemination import satudata_dissemination
from .downloads import satudata_downloads
from .forum import satudata_forum
from .guard import satudata_guard
from .headers import satudata_headers
from .login import satudata_login
from .members import satudata_members
from .metadata import satudata_metadata
from .preview import satudata_preview
from .privacy import satudata_privacy
from .public_requests import satudata_public_request
from .reference import satudata_reference
from .requests import satudata_request
from .roles import satudata_roles
from .rounds import satudata_round
from .staged import satudata_staged

__all__: list[str] = ["satudata_guard", "satudata_headers", "satudata_login",
                      "satudata_privacy", "satudata_metadata",
                      "satudata_request", "satudata_daftar_data", "satudata_round",
                      "satudata_dissemination", "satudata_roles", "satudata_downloads",
                      "satudata_staged",
                      "satudata_public_request", "satudata_forum", "satudata_reference",
                      "satudata_preview", "satudata_members"]
