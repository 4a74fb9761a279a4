"""The printed documents' registration (docs/ARCHITECTURE.md). The pages below this layer (the
funnel, the ledger) show print buttons through the template globals registered here, so they never
name this feature."""

from flask import url_for

from crm.core.features import Feature, ProjectSection
from crm.reports.routes import bp


def print_dispatch_url(args: dict) -> str:
    """The dispatch report of the funnel page's current period and filters."""
    return url_for("reports.dispatch", **args)


def meeting_pack_form_url() -> str:
    """Where the ledger's selection goes: the meeting name and date form of a review-meeting pack."""
    return url_for("reports.meeting_queue")


feature = Feature(name="reports", blueprints=(bp,), project_sections=(
    ProjectSection("reports/_print_button.html", lambda actor, project: {}, 90, slot="actions"),),
    template_globals={"print_dispatch_url": print_dispatch_url, "meeting_pack_form_url": meeting_pack_form_url})
