"""Every closed vocabulary of the domain, in one place. Depends on nothing in `crm`."""

from crm.domain.organisation import AuditAction, AuditSource, ListKind, Role, UnitKind
from crm.domain.payouts import PayoutKind, PayoutState
from crm.domain.project import (
    AttachmentCategory,
    EnergyTier,
    FollowUpKind,
    FundOrigin,
    IncentiveCondition,
    Move,
    PermitKind,
    ProjectKind,
    SizeTier,
    Source,
    Stage,
    Status,
    TransitionKind,
    Verdict,
)
from crm.domain.trips import TripDecision, TripState
from crm.domain.vocab import Vocabulary

VOCABULARIES = (Stage, Status, Source, ProjectKind, FundOrigin, SizeTier, TransitionKind, Move, Verdict, PermitKind,
                EnergyTier, IncentiveCondition, FollowUpKind, AttachmentCategory, Role, UnitKind, ListKind,
                AuditAction, AuditSource, TripState, TripDecision, PayoutKind, PayoutState)

__all__ = ["VOCABULARIES", "AttachmentCategory", "AuditAction", "AuditSource", "EnergyTier", "FollowUpKind",
           "FundOrigin", "IncentiveCondition", "ListKind", "Move", "PayoutKind", "PayoutState", "PermitKind",
           "ProjectKind", "Role", "SizeTier", "Source", "Stage", "Status", "TransitionKind", "TripDecision", "TripState",
           "UnitKind", "Verdict", "Vocabulary"]
