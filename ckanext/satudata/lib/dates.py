# -*- coding: utf-8 -*-
"""One way to show a date on the portal.

Every page (CKAN's and the extension's) shows dates through CKAN's
``h.render_datetime``, which :func:`ckanext.satudata.helpers.render_datetime`
chains to :func:`format_datetime`: ``1 Desember 2026`` and, with the time,
``1 Desember 2026 22.53 WIB`` — month names in the page's language (``1
December 2026 22:53 WIB`` in English), times in ``ckan.display_timezone``
(Asia/Jakarta on this portal), the zone by its abbreviation.

Values may be datetimes (naive ones are UTC, as every CKAN timestamp),
``date`` objects or ISO strings; a date alone (``2026-12-22``) is a calendar
day and is never shifted across time zones.
"""
from __future__ import annotations

import datetime
import functools
from typing import Any, Optional, Union

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates

__all__ = ["parse", "format_datetime", "cell_text"]

#: the pattern of a date, in Babel's (CLDR) syntax
DATE_PATTERN = "d MMMM y"
#: the pattern of a time of day, per language (Indonesian writes 22.53)
TIME_PATTERNS = {"id": "HH.mm", "en": "HH:mm"}
TIME_PATTERNS_SECONDS = {"id": "HH.mm.ss", "en": "HH:mm:ss"}

DateLike = Union[datetime.datetime, datetime.date]


def cell_text(value: DateLike) -> str:
    """A spreadsheet's date cell as text: the day alone when it has no time
    (openpyxl reads every date cell as a datetime at midnight), else the
    day and the time. One way for the data check, its preview and the
    book (the book printed ``2024-12-31T00:00:00`` where the preview said
    ``2024-12-31``)."""
    if isinstance(value, datetime.datetime):
        return (value.date().isoformat() if value.time() == datetime.time()
                else value.isoformat(sep=" "))
    return value.isoformat()


def parse(value: Any) -> Optional[DateLike]:
    """A ``datetime`` or ``date`` from a datetime, a date or an ISO string
    (a date alone gives a ``date``); None for anything else."""
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if len(text) == 10:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return None
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


@functools.lru_cache(maxsize=64)
def _locale(locale: str) -> tuple[Locale, str]:
    """Babel's locale of a language code and its short language (English for
    an unknown one); parsed once per process (Babel parses on every call)."""
    language = locale.replace("-", "_")
    try:
        return Locale.parse(language), language.split("_")[0]
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en"), "en"


def format_datetime(value: Any, locale: str, tz: datetime.tzinfo, *,
                    with_hours: bool = False, with_seconds: bool = False) -> str:
    """``1 Desember 2026`` (or with ``with_hours`` ``1 Desember 2026 22.53
    WIB``) in ``locale``; "" for a value that is not a date.

    :param value: a datetime (naive: UTC), a date or an ISO string
    :param locale: a language code (``id``, ``en``, ``pt_BR`` …)
    :param tz: the display time zone
    """
    parsed = parse(value)
    if parsed is None:
        return ""
    babel_locale, short = _locale(locale or "en")
    if not isinstance(parsed, datetime.datetime):
        return babel_dates.format_date(parsed, DATE_PATTERN, locale=babel_locale)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    local = parsed.astimezone(tz)
    text = babel_dates.format_date(local.date(), DATE_PATTERN, locale=babel_locale)
    if not (with_hours or with_seconds):
        return text
    patterns = TIME_PATTERNS_SECONDS if with_seconds else TIME_PATTERNS
    time_text = babel_dates.format_time(local.time(), patterns.get(short, patterns["en"]),
                                        locale=babel_locale)
    return f"{text} {time_text} {local.tzname() or ''}".rstrip()
