"""The attachments feature's registration (docs/ARCHITECTURE.md)."""

from crm.attachments.history import register_headlines
from crm.attachments.page import section_context
from crm.attachments.routes import bp
from crm.core.features import Feature, ProjectSection
from crm.core.i18n import N_

feature = Feature(setup=lambda app: register_headlines(), name="attachments", blueprints=(bp,),
                  project_sections=(ProjectSection("attachments/_project_card.html", section_context, 50,
                                                   title=N_("附件资料")),))
