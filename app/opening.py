"""Whether a service is open at a given moment, from its opening hours as data: pure, no I/O."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from app.catalog import Opening

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far ahead "opens on ..." looks; beyond a week the card keeps to the free-text hours.
LOOK_AHEAD_DAYS = 7

State = Literal["always", "open", "closed", "unknown"]


@dataclass(frozen=True, slots=True)
class Status:
    """Open or closed at one moment, and when that changes, in Amsterdam wall-clock time."""

    state: State
    until: time | None = None  # open: when it closes today
    opens: datetime | None = None  # closed: the next opening within a week, if any
    holiday: bool = False  # today is a public holiday (the hours may then differ)
    holidays: Literal["closed", "open", "unknown"] = "unknown"


def easter(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    j = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * j) // 433
    month = (h + j - 7 * m + 90) // 25
    return date(year, month, (h + j - 7 * m + 33 * month + 19) % 32)


@functools.cache
def public_holidays(year: int) -> frozenset[date]:
    """The Dutch public holidays of `year`.

    The list of the Algemene termijnenwet, art. 3(1): New Year's Day, Easter and Whit Monday
    (with their Sundays), Ascension Day, King's Day, 5 May and both Christmas days. Good Friday
    is left out: the law treats it as a holiday only for legal deadlines, and most services open.
    """
    sunday = easter(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:  # on a Sunday it moves to the Saturday before
        kings_day -= timedelta(days=1)
    return frozenset(
        {
            date(year, 1, 1),
            sunday,
            sunday + timedelta(days=1),
            kings_day,
            date(year, 5, 5),
            sunday + timedelta(days=39),
            sunday + timedelta(days=49),
            sunday + timedelta(days=50),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def is_holiday(day: date) -> bool:
    """Whether `day` is a Dutch public holiday."""
    return day in public_holidays(day.year)


def _spans(opening: Opening, day: date) -> list[tuple[time, time]]:
    """The opening spans on `day`, as the data gives them; none on a holiday it closes."""
    if opening.holidays == "closed" and is_holiday(day):
        return []
    spans = []
    for text in getattr(opening, DAYS[day.weekday()]):
        start, end = text.split("-")
        spans.append((time.fromisoformat(start), _end_time(end)))
    return spans


def _end_time(text: str) -> time:
    # "24:00" is the end of the day.
    return time.max if text == "24:00" else time.fromisoformat(text)


def status(opening: Opening | None, now: datetime) -> Status:
    """Whether the service is open at `now` (an aware datetime), and what changes next."""
    if opening is None:
        return Status("unknown")
    local = now.astimezone(AMSTERDAM)
    today = local.date()
    holiday = is_holiday(today)
    if opening.always:
        return Status("always", holiday=holiday, holidays=opening.holidays)
    clock = local.time().replace(tzinfo=None)
    for start, end in _spans(opening, today):
        if start <= clock < end:
            return Status("open", until=end, holiday=holiday, holidays=opening.holidays)
    return Status(
        "closed", opens=_next_opening(opening, local), holiday=holiday, holidays=opening.holidays
    )


def _next_opening(opening: Opening, local: datetime) -> datetime | None:
    clock = local.time().replace(tzinfo=None)
    for ahead in range(LOOK_AHEAD_DAYS + 1):
        day = local.date() + timedelta(days=ahead)
        for start, _ in sorted(_spans(opening, day)):
            if ahead or start > clock:
                return datetime.combine(day, start, tzinfo=AMSTERDAM)
    return None
