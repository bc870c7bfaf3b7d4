# -*- coding: utf-8 -*-
"""CKAN signal subscriptions of the plugin.

The workflow's own side effects (the e-mails of a step, a publication built
again when a dataset leaves it, the producers' message when a round is sent)
are no longer enqueued by receivers of its signals: a receiver runs after
the commit, and when Redis could not be reached at that moment the work was
lost. They are written to the outbox in the transaction of the change
(:func:`.lib.engine.record_event`, ``satudata_round_send``) and handed to
the jobs queue after the commit (:mod:`.lib.outbox`).

The signals (:data:`.lib.engine.request_transition`,
:data:`.lib.engine.round_sent`) are still sent after every commit, for
other plugins; this plugin subscribes to none of them.

CKAN's ``failed_login`` and ``logged_in`` count and forget an account's
failed logins (:mod:`.lib.login_attempts`); ``logged_in`` and ``logged_out``
mark when a session began and that it ended, ``perform_password_reset``
that the account's other sessions ended (:mod:`.lib.sessions`).
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import SignalMapping

from .lib import login_attempts, sessions


def get_subscriptions() -> SignalMapping:
    return {tk.signals.failed_login: [login_attempts.failed],
            tk.signals.user_logged_in: [login_attempts.succeeded, sessions.started],
            tk.signals.user_logged_out: [sessions.ended],
            tk.signals.perform_password_reset: [sessions.password_changed]}
