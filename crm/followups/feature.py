"""The follow-ups feature's registration (docs/ARCHITECTURE.md)."""

from crm.core.features import Feature, ProjectSection
from crm.core.i18n import N_
from crm.followups.history import register_headlines
from crm.followups.page import section_context
from crm.followups.routes import bp

feature = Feature(setup=lambda app: register_headlines(), name="followups", blueprints=(bp,),
                  project_sections=(ProjectSection("followups/_project_card.html", section_context, 40,
                                                   title=N_("跟进记录")),))
