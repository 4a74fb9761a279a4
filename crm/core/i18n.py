"""Locale choice: Simplified Chinese unless the user switched to English."""

from flask import current_app, has_request_context, session


def select_locale() -> str:
    # Outside a request (CLI commands, the demo loader) messages are in the default language.
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def N_(message: str) -> str:  # noqa: N802
    """Mark a string for extraction; it is translated where it is shown, with gettext."""
    return message
