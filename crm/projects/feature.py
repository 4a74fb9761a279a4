"""The projects feature's registration (docs/ARCHITECTURE.md)."""

from crm.core.features import Feature, NavEntry
from crm.core.i18n import N_
from crm.projects.history import register_headlines
from crm.projects.routes import bp
from crm.projects.services import may_record_projects

feature = Feature(setup=lambda app: register_headlines(), name="projects", blueprints=(bp,),
                  nav=(NavEntry("projects.ledger", N_("项目台账"), 20),),
                  template_globals={"may_record_projects": may_record_projects})
