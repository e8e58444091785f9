"""When a review falls due: the one formula the date rules and the audit share."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """2023-05-31 + 1 month is 2023-06-30; 2024-02-29 + 12 months is 2025-02-28.

    Saturates: a date past the calendar's end (9999-12-31) is that last day, so that a
    review date in 9998 is not an internal error (see `beyond_calendar`)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def beyond_calendar(day: dt.date, months: int) -> bool:
    """True when `day` + `months` lies after 9999-12-31: not due on any date there is."""
    return day.year + (day.month - 1 + months) // 12 > dt.MAXYEAR


def review_due(
    last_reviewed: dt.date | None, next_review: dt.date | None, interval_months: int
) -> dt.date | None:
    """The set `next_review`, else `last_reviewed` + the review interval, else None."""
    if next_review is not None:
        return next_review
    if last_reviewed is not None:
        return add_months(last_reviewed, interval_months)
    return None
