"""The JSON API's registration: one blueprint under /api/v1 (docs/ARCHITECTURE.md)."""

from crm.api import bp
from crm.core.features import Feature
from crm.extensions import csrf


def setup(app) -> None:
    csrf.exempt(bp)  # the API authenticates by bearer token, never by cookie


feature = Feature(name="api", blueprints=(bp,), setup=setup)
