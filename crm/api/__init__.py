"""The JSON API under /api/v1 (DOMAIN.md §9). Same services as the web views."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from crm.api import (  # noqa: E402,F401  (routes register on import)
    attachments,
    auth,
    followups,
    funnel,
    openapi,
    payouts,
    projects,
    reference,
    screenings,
    trips,
)
