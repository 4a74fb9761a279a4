"""User and unit management's registration (docs/ARCHITECTURE.md)."""

from crm.admin.routes import bp
from crm.core.features import Feature

feature = Feature(name="admin", blueprints=(bp,))
