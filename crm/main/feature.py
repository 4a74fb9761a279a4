"""The home page's registration (docs/ARCHITECTURE.md)."""

from crm.core.features import Feature, NavEntry
from crm.core.i18n import N_
from crm.main.routes import bp

feature = Feature(name="main", blueprints=(bp,), nav=(NavEntry("main.home", N_("首页"), 10),))
