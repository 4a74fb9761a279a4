"""Codes of incentive payouts (奖励兑现, DOMAIN.md §6, §9)."""

from __future__ import annotations

from crm.domain.vocab import N_, Vocabulary


class PayoutKind(Vocabulary):
    INVESTOR = "investor", N_("政策奖扶兑现")
    CONTRIBUTOR = "contributor", N_("招商奖励")


class PayoutState(Vocabulary):
    """applied → approved (leader) → paid, or rejected; a paid record is corrected by reversing it."""

    APPLIED = "applied", N_("已申请")
    APPROVED = "approved", N_("已审批")
    PAID = "paid", N_("已支付")
    REJECTED = "rejected", N_("已驳回")
    REVERSED = "reversed", N_("已冲销")

    @classmethod
    def live(cls) -> tuple[PayoutState, ...]:
        """States whose amounts count against a cap (a reversed record and its negative reversal net to zero)."""
        return tuple(state for state in cls if state is not cls.REJECTED)
