"""The trips feature's registration (docs/ARCHITECTURE.md)."""

from crm.core.features import Feature, NavEntry
from crm.core.i18n import N_
from crm.trips import documents, filing  # noqa: F401  (filing's views register on the blueprint)
from crm.trips.routes import bp

feature = Feature(name="trips", blueprints=(bp,), nav=(NavEntry("trips.index", N_("外出招商"), 40),),
                  setup=lambda app: documents.register())  # a trip's photos and notes (crm/attachments)
