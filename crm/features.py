"""Every feature of the app, in layer order (docs/ARCHITECTURE.md): create_app registers each the same way."""

from crm.admin.feature import feature as admin
from crm.api.feature import feature as api
from crm.attachments.feature import feature as attachments
from crm.audit.feature import feature as audit
from crm.auth.feature import feature as auth
from crm.core.features import Feature, NavEntry
from crm.core.i18n import N_
from crm.followups.feature import feature as followups
from crm.funnel.feature import feature as funnel
from crm.main.feature import feature as main
from crm.pipeline.feature import feature as pipeline
from crm.projects.feature import feature as projects
from crm.reference.feature import feature as reference
from crm.screening.feature import feature as screening

# Capabilities on the menu before they are built: shown greyed out, so users see what is coming.
planned = Feature(name="planned", nav=(NavEntry(None, N_("外出招商"), 40), NavEntry(None, N_("奖励兑现"), 50)))

FEATURES = [audit, auth, reference, projects, screening, pipeline, followups, attachments, main, admin, funnel, api, planned]
