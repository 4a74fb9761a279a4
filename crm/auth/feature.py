"""The auth feature's registration (docs/ARCHITECTURE.md)."""

from crm.auth.routes import bp
from crm.core.features import Feature

feature = Feature(name="auth", blueprints=(bp,))
