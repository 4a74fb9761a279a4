"""The follow-ups feature's registration (docs/ARCHITECTURE.md)."""

from crm.core.features import Feature, ProjectSection
from crm.followups.routes import bp
from crm.followups.services import section_context

feature = Feature(name="followups", blueprints=(bp,),
                  project_sections=(ProjectSection("followups/_project_card.html", section_context, 40),))
