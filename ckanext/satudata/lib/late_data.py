# -*- coding: utf-8 -*-
"""Late data: what a round does with a submission made after its deadline
(TJB: "late data misses the publication period"; Magetan: *peringatan*).

A round's ``late_policy`` is one of :data:`~..model.LATE_POLICIES`:

* ``accept``: the submission goes on as if in time; the request records that
  it was late (``late = "accept"``) so the walidata can see it;
* ``flag``: the same, shown as flagged ("Terlambat — ditandai") on the
  request page and in the walidata's lists;
* ``carry``: the data is carried into the **next publication period**, which
  starts on the ``start_date`` of the next round (the first round starting
  after this one). Its request goes through verification and approval as
  usual, but it is neither published nor scheduled before that date:
  publishing earlier is refused with the date; with no next round yet, it is
  refused until one is created. Its publication deadline (see
  :func:`.engine.due_date_for`) runs from that date.

The policy applied is recorded once, at the producer's first submission
(``submit``) after the deadline: in the request's ``late`` column and in the
event's ``data["late"]``.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..model import CollectionRound, DataRequest

__all__ = ["policy_label", "late_policy_at_submit", "next_period_start", "carry_errors"]


def policy_label(policy: str) -> str:
    """A round's late policy (:data:`..model.LATE_POLICIES`) as its page says it."""
    return {"accept": tk._("accepted, recorded as late"),
            "flag": tk._("flagged as late"),
            "carry": tk._("carried into the next publication period")}.get(policy, policy)


def late_policy_at_submit(request: DataRequest, round_: CollectionRound,
                          today: datetime.date) -> Optional[str]:
    """The round's policy when ``request`` is submitted ``today`` after its
    submission deadline, else None."""
    due = request.submit_due or round_.submit_due
    if due is None or today <= due:
        return None
    return round_.late_policy or "accept"


def next_period_start(round_: CollectionRound) -> Optional[datetime.date]:
    """The start of the publication period after ``round_``'s: the start
    date of the first round sent that starts after it (None if there is
    none). A draft is no period yet: one made and deleted at once let the
    carried data out the same day, without a trace."""
    return model.Session.execute(
        sa.select(sa.func.min(CollectionRound.start_date))
        .where(CollectionRound.start_date > round_.start_date,
               CollectionRound.state != "draft",
               CollectionRound.id != round_.id)).scalar()


def carry_errors(request: Any, round_: CollectionRound, on: datetime.date,
                 field: str) -> dict[str, list[str]]:
    """Why a request carried into the next period cannot be published (or
    released) on ``on``; empty when it can (or it is not carried)."""
    if getattr(request, "late", None) != "carry":
        return {}
    start = next_period_start(round_)
    if start is None:
        return {field: [tk._(
            "This data was submitted late and is carried into the next publication "
            "period, which has not been set up yet: it can be published once the "
            "next collection round is sent, from its start date")]}
    if on < start:
        return {field: [tk._(
            "This data was submitted late and is carried into the next publication "
            "period: it can be published from %(date)s") % {
                "date": tk.h.render_datetime(start)}]}
    return {}
