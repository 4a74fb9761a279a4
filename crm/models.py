"""Imports every model so metadata, migrations and the audit hook see them all."""

from crm.audit.models import AuditEntry  # noqa: F401
from crm.auth.models import ApiToken, User  # noqa: F401
from crm.reference.models import Chain, IndustryDivision, IndustrySection, ListItem  # noqa: F401
from crm.units.models import Unit  # noqa: F401
