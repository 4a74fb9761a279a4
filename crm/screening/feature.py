"""The screening feature's registration (docs/ARCHITECTURE.md)."""

from flask_babel import gettext as _

from crm.core.features import Feature, NavEntry, ProjectSection
from crm.core.i18n import N_
from crm.screening.page import project_section
from crm.screening.routes import bp
from crm.screening.scoring import INDICATOR_UNITS, veto_text

feature = Feature(
    name="screening", blueprints=(bp,), nav=(NavEntry("screening.table", N_("项目预审"), 30),),
    template_globals={"units": INDICATOR_UNITS, "veto_text": lambda code: veto_text(code, _)},
    project_sections=(ProjectSection("screening/_project_section.html", project_section, 30, title=N_("项目预审")),))
