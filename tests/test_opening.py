"""Open now: opening hours as data, read against fixed clocks in Europe/Amsterdam time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from app.catalog import Opening
from app.opening import AMSTERDAM, easter, public_holidays, status

SOURCE = "https://example.org/hours"
OFFICE = Opening(
    source=SOURCE,
    mon=["09:00-17:00"],
    tue=["09:00-12:00", "13:00-17:00"],
    wed=["09:00-17:00"],
    thu=["09:00-17:00"],
    fri=["09:00-17:00"],
    holidays="closed",
)


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment given in Amsterdam wall-clock time, as the aware UTC datetime a server has."""
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM).astimezone(UTC)


class TestPublicHolidays:
    def test_easter_falls_on_the_known_sundays(self) -> None:
        assert easter(2026) == date(2026, 4, 5)
        assert easter(2027) == date(2027, 3, 28)
        assert easter(2030) == date(2030, 4, 21)

    def test_the_holidays_of_the_algemene_termijnenwet(self) -> None:
        assert public_holidays(2026) == {
            date(2026, 1, 1),
            date(2026, 4, 5),
            date(2026, 4, 6),  # Easter Monday
            date(2026, 4, 27),  # King's Day
            date(2026, 5, 5),
            date(2026, 5, 14),  # Ascension Day
            date(2026, 5, 24),
            date(2026, 5, 25),  # Whit Monday
            date(2026, 12, 25),
            date(2026, 12, 26),
        }

    def test_kings_day_on_a_sunday_moves_to_the_saturday(self) -> None:
        assert date(2025, 4, 26) in public_holidays(2025)
        assert date(2025, 4, 27) not in public_holidays(2025)


class TestStatus:
    def test_a_weekday_within_the_hours_is_open_until_closing(self) -> None:
        now = status(OFFICE, at(2026, 12, 7, 10, 30))  # Monday
        assert (now.state, now.until) == ("open", time(17, 0))

    def test_a_lunch_break_is_closed_and_opens_again_the_same_day(self) -> None:
        now = status(OFFICE, at(2026, 12, 8, 12, 30))  # Tuesday
        assert now.state == "closed"
        assert now.opens == datetime(2026, 12, 8, 13, 0, tzinfo=AMSTERDAM)

    def test_the_night_is_closed_and_opens_the_next_morning(self) -> None:
        now = status(OFFICE, at(2026, 12, 8, 23, 15))
        assert now.state == "closed"
        assert now.opens == datetime(2026, 12, 9, 9, 0, tzinfo=AMSTERDAM)

    def test_closing_time_itself_is_closed(self) -> None:
        assert status(OFFICE, at(2026, 12, 7, 17, 0)).state == "closed"

    def test_the_weekend_is_closed_until_monday(self) -> None:
        now = status(OFFICE, at(2026, 12, 12, 11, 0))  # Saturday
        assert now.state == "closed"
        assert now.opens == datetime(2026, 12, 14, 9, 0, tzinfo=AMSTERDAM)

    def test_a_public_holiday_is_closed_where_the_source_says_so(self) -> None:
        now = status(OFFICE, at(2027, 4, 27, 10, 0))  # King's Day, a Tuesday
        assert (now.state, now.holiday) == ("closed", True)
        assert now.opens == datetime(2027, 4, 28, 9, 0, tzinfo=AMSTERDAM)

    def test_christmas_closes_both_days_and_opens_after(self) -> None:
        now = status(OFFICE, at(2025, 12, 24, 18, 0))  # Wednesday evening
        assert now.opens == datetime(2025, 12, 29, 9, 0, tzinfo=AMSTERDAM)

    def test_a_public_holiday_with_unknown_hours_keeps_the_usual_hours_and_says_so(self) -> None:
        unknown = OFFICE.model_copy(update={"holidays": "unknown"})
        now = status(unknown, at(2027, 4, 27, 10, 0))
        assert (now.state, now.holiday, now.holidays) == ("open", True, "unknown")

    def test_always_open_is_open_at_any_hour(self) -> None:
        always = Opening(source=SOURCE, always=True)
        assert status(always, at(2026, 12, 13, 3, 0)).state == "always"

    def test_no_hours_as_data_is_unknown(self) -> None:
        assert status(None, at(2026, 12, 7, 10, 0)).state == "unknown"

    def test_a_day_open_until_midnight_is_open_at_a_quarter_to(self) -> None:
        late = Opening(source=SOURCE, sat=["20:00-24:00"])
        assert status(late, at(2026, 12, 12, 23, 45)).state == "open"

    def test_a_service_open_only_rarely_says_nothing_about_the_next_week(self) -> None:
        never_soon = Opening(source=SOURCE, sun=["10:00-11:00"], holidays="closed")
        # 20 December 2026 is a Sunday; the 27th too, but both the 25th and 26th are holidays:
        # within a week of Monday the 21st there is only the 27th.
        now = status(never_soon, at(2026, 12, 21, 9, 0))
        assert now.opens == datetime(2026, 12, 27, 10, 0, tzinfo=AMSTERDAM)


class TestSummerTime:
    """Hours are wall-clock times: the same UTC hour is open on one side of the change only."""

    @pytest.mark.parametrize(
        ("utc", "state"),
        [
            # Autumn: summer time ends on Sunday 25 October 2026.
            (datetime(2026, 10, 19, 7, 30, tzinfo=UTC), "open"),  # Monday 09:30 CEST
            (datetime(2026, 10, 26, 7, 30, tzinfo=UTC), "closed"),  # Monday 08:30 CET
            # Spring: summer time starts on Sunday 28 March 2027.
            # (Monday the 29th is Easter Monday, so Tuesdays.)
            (datetime(2027, 3, 23, 7, 30, tzinfo=UTC), "closed"),  # Tuesday 08:30 CET
            (datetime(2027, 3, 30, 7, 30, tzinfo=UTC), "open"),  # Tuesday 09:30 CEST
        ],
    )
    def test_the_same_utc_moment_reads_in_local_time(self, utc: datetime, state: str) -> None:
        assert status(OFFICE, utc).state == state

    def test_the_next_opening_is_given_in_local_time_across_the_change(self) -> None:
        # Saturday 24 October 2026, noon CEST; Monday opens at 09:00 CET.
        now = status(OFFICE, datetime(2026, 10, 24, 10, 0, tzinfo=UTC))
        assert now.opens is not None
        assert now.opens.astimezone(UTC) == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
