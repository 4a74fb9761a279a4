"""Codes of outbound investment trips (外出招商报备, DOMAIN.md §5)."""

from __future__ import annotations

from crm.domain.vocab import N_, Vocabulary


class TripState(Vocabulary):
    """A trip's life: filed as a draft, submitted, approved or rejected (and revised), reported
    after return; an approved trip may be cancelled before it starts and stays in the record."""

    DRAFT = "draft", N_("草稿")
    SUBMITTED = "submitted", N_("待审批")
    APPROVED = "approved", N_("已批准")
    REJECTED = "rejected", N_("已退回")
    CANCELLED = "cancelled", N_("已取消")
    REPORTED = "reported", N_("已报告")

    @property
    def editable(self) -> bool:
        """Drafts and rejected trips are revised by their filer; the others are settled."""
        return self in (TripState.DRAFT, TripState.REJECTED)

    @classmethod
    def occupying(cls) -> tuple[TripState, ...]:
        """States in which a trip holds its travellers' days (no overlapping trip for them)."""
        return (cls.SUBMITTED, cls.APPROVED, cls.REPORTED)


class TripDecision(Vocabulary):
    """What an approver decides on a submitted trip."""

    APPROVE = "approve", N_("批准")
    REJECT = "reject", N_("退回")
