"""Business dates are the bureau's local dates, not the server's UTC ones."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Shanghai"


def local_today() -> date:
    """Today in the bureau's time zone (BABEL_DEFAULT_TIMEZONE): a transition dated today at
    08:30 in 示范市 is not "in the future" just because UTC is still on yesterday."""
    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return datetime.now(ZoneInfo(zone)).date()
