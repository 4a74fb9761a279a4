"""The screening feature's registration (docs/ARCHITECTURE.md)."""

from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from crm.core.features import Feature, NavEntry, ProjectSection
from crm.core.i18n import N_
from crm.screening.history import register_headlines
from crm.screening.page import project_section
from crm.screening.routes import bp
from crm.screening.scoring import INDICATOR_PLACES, INDICATOR_UNITS, veto_text


def indicator_value(value, name: str) -> str:
    """An indicator with the decimals its threshold uses (energy per output: 4)."""
    if value is None:
        return "—"
    places = INDICATOR_PLACES.get(name, 2)
    return f"{Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,}"


feature = Feature(setup=lambda app: register_headlines(), name="screening", blueprints=(bp,), nav=(NavEntry("screening.table", N_("项目预审"), 30),),
    template_globals={"units": INDICATOR_UNITS, "veto_text": lambda code: veto_text(code, _)},
    template_filters={"indicator": indicator_value},
    project_sections=(ProjectSection("screening/_project_section.html", project_section, 30, title=N_("项目预审")),))
