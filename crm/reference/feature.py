"""The reference-data feature's registration (docs/ARCHITECTURE.md)."""

from crm.core.features import Feature
from crm.reference.routes import bp

feature = Feature(name="reference", blueprints=(bp,))
