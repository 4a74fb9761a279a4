"""Projects, transitions, permits and history over the API."""

from crm.api import bp  # noqa: F401
