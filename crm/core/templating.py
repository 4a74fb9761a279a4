"""Labels the project templates show, built from the vocabularies (code → untranslated title;
templates write `_(LABELS.stage[code])`, which also works for codes read from plain rows)."""

from crm.domain import (
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
    Verdict,
)

LABELS = {
    "stage": Stage.labels(), "status": Status.labels(), "source": Source.labels(), "kind": ProjectKind.labels(),
    "fund_origin": FundOrigin.labels(), "tier": SizeTier.labels(), "permit": PermitKind.labels(),
    "energy_tier": EnergyTier.labels(), "verdict": Verdict.labels(),
    "incentive_condition": IncentiveCondition.labels(), "follow_up": FollowUpKind.labels(),
    "attachment": AttachmentCategory.labels(), "move": Move.labels(),
}
