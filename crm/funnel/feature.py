"""The funnel's registration (docs/ARCHITECTURE.md): the page, its menu entry, the ledger's
drill-down filters."""

from crm.core.features import Feature, NavEntry
from crm.core.i18n import N_
from crm.funnel.ledger import describe, funnel_filters
from crm.funnel.routes import bp
from crm.projects.queries import register_ledger_filter


def setup(app) -> None:
    register_ledger_filter(funnel_filters, describe)


feature = Feature(name="funnel", blueprints=(bp,), setup=setup, nav=(NavEntry("funnel.page", N_("招商漏斗"), 60),))
