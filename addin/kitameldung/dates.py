"""Calendar arithmetic for deadlines: years and months added the way people count them."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import TypeVar

D = TypeVar("D", date, datetime)

EPOCH = datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system (as counted since 1 March 1900)
EPOCH_1904 = datetime(1904, 1, 1)  # day 0 of the 1904 date system (Mac Excel: <workbookPr date1904="1"/>)


def epoch(date1904: bool = False) -> datetime:
    """Day 0 of a workbook's date system."""
    return EPOCH_1904 if date1904 else EPOCH


def add_months(day: date, months: int) -> date:
    """Same day of the month, or the month's last day (31 Jan + 1 month = 28/29 Feb). Beyond the
    calendar's ends ("unbefristet" as 31.12.9999 plus five years) it stays at the end."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def shift_days(day: D, days: int) -> D:
    """`day` plus `days`, staying at the calendar's ends instead of overflowing."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        if isinstance(day, datetime):
            return datetime.max if days > 0 else datetime.min
        return date.max if days > 0 else date.min


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def age_on(born: date, day: date) -> int:
    """Completed years of life on `day` (a person born 29 Feb turns a year older on 28 Feb)."""
    years = day.year - born.year
    return years if add_years(born, years) <= day else years - 1
