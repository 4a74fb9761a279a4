"""PRC working days (法定节假日 and 调休 included) for the trip report's due date (DOMAIN §5)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

REPORT_WORKING_DAYS = 5


def is_workday(day: date) -> bool:
    """The State Council's calendar where the package knows the year; Monday to Friday beyond it
    (the package covers the years it has the official notice for)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (start itself not counted)."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_workday(day):
            count -= 1
    return day


def report_due_date(end_date: date) -> date:
    """A trip report is due within 5 working days after the return date."""
    return add_working_days(end_date, REPORT_WORKING_DAYS)
