"""Calendar arithmetic the services' targets need."""

import datetime as dt


def subtract_working_days(day: dt.date, days: int) -> dt.date:
    """The date `days` working days (Monday-Friday) before `day`."""
    while days > 0:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day
