"""Every feature of the app, in layer order (docs/ARCHITECTURE.md): create_app registers each the same way."""

from crm.admin.feature import feature as admin
from crm.api.feature import feature as api
from crm.attachments.feature import feature as attachments
from crm.audit.feature import feature as audit
from crm.auth.feature import feature as auth
from crm.followups.feature import feature as followups
from crm.funnel.feature import feature as funnel
from crm.main.feature import feature as main
from crm.payouts.feature import feature as payouts
from crm.pipeline.feature import feature as pipeline
from crm.projects.feature import feature as projects
from crm.reference.feature import feature as reference
from crm.reports.feature import feature as reports
from crm.screening.feature import feature as screening
from crm.trips.feature import feature as trips

FEATURES = [audit, auth, reference, projects, screening, pipeline, followups, attachments, trips, payouts, main, admin,
            reports, funnel, api]
