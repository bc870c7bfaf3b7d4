# -*- coding: utf-8 -*-
"""Auth functions, one per action and of the same name; ``__all__`` is what
the ``tk.blanket.auth_functions`` decorator registers."""
from __future__ import annotations

from . import (chained, datacheck, dissemination, forum, letters, metadata, public_requests,
               roles, round_report, workflow)
from .chained import *  # noqa: F401,F403
from .datacheck import *  # noqa: F401,F403
from .dissemination import *  # noqa: F401,F403
from .forum import *  # noqa: F401,F403
from .letters import *  # noqa: F401,F403
from .metadata import *  # noqa: F401,F403
from .public_requests import *  # noqa: F401,F403
from .roles import *  # noqa: F401,F403
from .round_report import *  # noqa: F401,F403
from .workflow import *  # noqa: F401,F403

__all__ = [*roles.__all__, *workflow.__all__, *metadata.__all__,
           *dissemination.__all__, *public_requests.__all__, *chained.__all__,
           *datacheck.__all__, *letters.__all__, *round_report.__all__,
           *forum.__all__]
