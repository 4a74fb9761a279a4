"""Labels the project templates show, in one place."""

from crm.attachments.models import ATTACHMENT_CATEGORIES
from crm.core.i18n import N_
from crm.followups.models import FOLLOW_UP_KINDS
from crm.pipeline.permits import ENERGY_TIER_LABELS, PERMIT_LABELS
from crm.projects.constants import (
    FUND_ORIGIN_LABELS,
    KIND_LABELS,
    SIZE_TIERS,
    SOURCE_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
)
from crm.projects.forms import INCENTIVE_CONDITION_LABELS
from crm.screening.models import VERDICT_LABELS

LABELS = {
    "stage": STAGE_LABELS, "status": STATUS_LABELS, "source": SOURCE_LABELS, "kind": KIND_LABELS,
    "fund_origin": FUND_ORIGIN_LABELS, "tier": {k: v[1] for k, v in SIZE_TIERS.items()},
    "permit": PERMIT_LABELS, "energy_tier": ENERGY_TIER_LABELS, "verdict": VERDICT_LABELS,
    "incentive_condition": INCENTIVE_CONDITION_LABELS, "follow_up": FOLLOW_UP_KINDS,
    "attachment": ATTACHMENT_CATEGORIES,
    "move": {
        "approved": N_("记录过会"), "signed": N_("记录签约"), "started": N_("记录开工"), "producing": N_("记录投产"),
        "on_hold": N_("暂缓"), "resume": N_("恢复推进"), "dropped": N_("终止"), "correction": N_("管理员更正")},
}
