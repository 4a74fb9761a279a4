"""Every feature of the app, in layer order (docs/ARCHITECTURE.md): create_app registers each the same way."""

from crm.pipeline.feature import feature as pipeline

FEATURES = [pipeline]
