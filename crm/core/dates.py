"""Business dates are the bureau's local dates, not the server's UTC ones."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Shanghai"


def bureau_zone() -> ZoneInfo:
    """The bureau's time zone (BABEL_DEFAULT_TIMEZONE): the one business dates are counted in."""
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", DEFAULT_ZONE) if has_app_context()
                    else DEFAULT_ZONE)


def local_date(moment: datetime) -> date:
    """The bureau's calendar date of a stored (UTC) moment."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(bureau_zone()).date()


def start_of_local_day(day: date) -> datetime:
    """The UTC moment the bureau's `day` begins, for filtering stored timestamps by local date."""
    return datetime.combine(day, time.min, tzinfo=bureau_zone()).astimezone(UTC)


def local_today() -> date:
    """Today in the bureau's time zone (BABEL_DEFAULT_TIMEZONE): a transition dated today at
    08:30 in 示范市 is not "in the future" just because UTC is still on yesterday."""
    return datetime.now(bureau_zone()).date()
