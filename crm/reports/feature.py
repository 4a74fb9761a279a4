"""The printed documents' registration (docs/ARCHITECTURE.md)."""

from crm.core.features import Feature, ProjectSection
from crm.reports.routes import bp

feature = Feature(name="reports", blueprints=(bp,), project_sections=(
    ProjectSection("reports/_print_button.html", lambda actor, project: {}, 90, slot="actions"),))
