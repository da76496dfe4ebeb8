"""Daily windows in the home's time zone: over midnight and across both DST nights."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.config import TimeWindow
from rules.windows import contains, due_within, occurrence

BERLIN = ZoneInfo("Europe/Berlin")
SWITCHES = (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), datetime(2026, 10, 25, 1, 0, tzinfo=UTC))

times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
windows = st.builds(TimeWindow, start=times, end=times).filter(lambda w: w.start != w.end)
# moments within three days of a DST switch night, to the minute
moments = st.builds(
    lambda base, minutes: base + timedelta(minutes=minutes),
    st.sampled_from(SWITCHES),
    st.integers(-3 * 1440, 3 * 1440),
)


def wall_clock_inside(moment: datetime, window: TimeWindow) -> bool:
    now = moment.astimezone(BERLIN).time()
    if window.start < window.end:
        return window.start <= now < window.end
    return now >= window.start or now < window.end


def near_a_switch(moment: datetime) -> bool:
    return any(abs(moment - s) < timedelta(hours=2) for s in SWITCHES)


@settings(max_examples=300, deadline=None)
@given(moments, windows)
def test_inside_means_the_wall_clock_is_inside(moment: datetime, window: TimeWindow) -> None:
    if near_a_switch(moment):
        return  # the skipped and the repeated hour: covered by the named tests below
    assert contains(moment, window, BERLIN) == wall_clock_inside(moment, window)


@settings(max_examples=300, deadline=None)
@given(moments, windows)
def test_the_occurrence_holds_the_moment_or_comes_next(
    moment: datetime, window: TimeWindow
) -> None:
    start, end = occurrence(moment, window, BERLIN)
    # a window that lies wholly in the hour the clocks skip is empty on that night
    assert start < end or start.astimezone(BERLIN).date().isoformat() == "2026-03-29"
    assert end <= start + timedelta(hours=25)
    assert start <= moment < end or moment < start <= moment + timedelta(hours=25)


@settings(max_examples=100, deadline=None)
@given(moments, windows, st.integers(1, 8 * 60))
def test_a_span_counts_only_minutes_inside_the_window(
    since: datetime, window: TimeWindow, minutes: int
) -> None:
    due = due_within(since, timedelta(minutes=minutes), window, BERLIN)
    counted, t = 0, since
    while t < due:  # an independent count, minute by minute, with `contains` as the judge
        counted += contains(t, window, BERLIN)
        t += timedelta(minutes=1)
    assert counted == minutes
    assert contains(due - timedelta(minutes=1), window, BERLIN)


def test_a_night_window_on_the_spring_forward_night_is_one_hour_shorter() -> None:
    night = TimeWindow(start=time(22, 0), end=time(6, 0))
    start, end = occurrence(datetime(2026, 3, 28, 23, 0, tzinfo=UTC), night, BERLIN)
    assert end - start == timedelta(hours=7)
    start, end = occurrence(datetime(2026, 10, 24, 23, 0, tzinfo=UTC), night, BERLIN)
    assert end - start == timedelta(hours=9)
