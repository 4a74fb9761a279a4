"""Imports every model so metadata, migrations and the audit hook see them all."""

from crm.attachments.models import Attachment  # noqa: F401,E402
from crm.audit.models import AuditEntry  # noqa: F401
from crm.auth.models import ApiToken, LoginFailure, LoginLock, User, UserSession  # noqa: F401
from crm.followups.models import FollowUp  # noqa: F401,E402
from crm.payouts.models import Payout, PayoutRecipient, RewardPolicy  # noqa: F401,E402
from crm.pipeline.models import (  # noqa: F401,E402
    Commitment,
    Contract,
    IncentiveTerm,
    LandSupply,
    MeetingApproval,
    Permit,
    Transition,
)
from crm.projects.models import InvestorLink, Project, ProjectContact, ProjectTally  # noqa: F401,E402
from crm.reference.models import Chain, IndustryDivision, IndustrySection, ListItem  # noqa: F401
from crm.reports.models import PrintRecord  # noqa: F401
from crm.screening.models import Policy, Screening  # noqa: F401,E402
from crm.trips.models import Trip, TripTarget, TripTraveller  # noqa: F401,E402
from crm.units.models import Unit  # noqa: F401
