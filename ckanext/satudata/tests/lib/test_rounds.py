# -*- coding: utf-8 -*-
"""A round's deadlines counted for its requests."""
from __future__ import annotations

import datetime

import pytest

from ckanext.satudata.lib import rounds, workdays
from ckanext.satudata.model import CollectionRound


@pytest.mark.parametrize("stage, floored", [
    ("collection", True), ("compile", False), ("report", False), ("done", False)])
def test_a_submission_waits_for_the_rounds_verification_deadline_only_while_it_collects(
        stage, floored):
    """A revision after the round's report (its stages moved on early) was
    given the collection's verification deadline, four months away."""
    today = workdays.today()
    later = today + datetime.timedelta(days=120)
    round_ = CollectionRound(verify_days=15, verify_due=later, stage=stage)
    counted = workdays.add_working_days(today, 15)
    assert rounds.verification_due(round_, today) == (later if floored else counted)
