"""Pre-review screenings (预审). Issue 4 adds policies and the computation; the pipeline's
`approved` gate already reads the latest signed screening from here."""

from datetime import datetime
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.core.columns import vocab_column
from crm.core.i18n import N_
from crm.core.models import TimestampMixin, VersionedMixin, utcnow
from crm.domain import ListKind, Verdict
from crm.extensions import db
from crm.screening.scoring import INDICATOR_LABELS, INDICATOR_PLACES, INDICATOR_UNITS, veto_text

# How the history reads a screening's indicators: label, unit, decimals (as the thresholds use).
INDICATOR_ROWS = {key: (label, INDICATOR_UNITS[key], INDICATOR_PLACES.get(key, 2))
                  for key, label in INDICATOR_LABELS.items()}


def _veto_title(code: str) -> str:
    return veto_text(code, gettext)


class Policy(TimestampMixin, db.Model):
    """准入标准: one version of a screening policy, city-wide or for one park (scope unit).

    Versions of one policy share `family_id`; editing makes a new version, and a version a
    screening used is never changed. Admins choose the active version of each scope.
    """

    __record_label__ = N_("准入标准")  # how the history names this kind of record
    __tablename__ = "policies"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("family_id", "version", name="uq_policies_family_version"),
        CheckConstraint("weight_tax + weight_intensity + weight_output + weight_energy + weight_industry = 100",
                        name="weights_sum_100"),
        CheckConstraint("weight_tax >= 0 AND weight_intensity >= 0 AND weight_output >= 0 AND weight_energy >= 0 "
                        "AND weight_industry >= 0", name="weights_not_negative"),
        CheckConstraint("pass_score >= conditional_score AND conditional_score >= 0 AND pass_score <= 100",
                        name="score_lines"),
        CheckConstraint("min_tax_per_mu >= 0 AND min_investment_intensity >= 0 AND min_output_per_mu >= 0 "
                        "AND max_energy_per_output > 0", name="thresholds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("policies.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, info={"label": N_("版本")})
    name: Mapped[str] = mapped_column(String(200), info={"label": N_("准入标准名称")})
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), info={"label": N_("适用范围")})
    active: Mapped[bool] = mapped_column(default=False, info={"label": N_("启用")})
    source: Mapped[str | None] = mapped_column(Text, info={"label": N_("依据")})
    min_tax_per_mu: Mapped[Decimal] = mapped_column(Numeric(12, 2), info={"label": N_("亩均税收下限（万元/亩）")})
    min_investment_intensity: Mapped[Decimal] = mapped_column(Numeric(12, 2), info={"label": N_("投资强度下限（万元/亩）")})
    min_output_per_mu: Mapped[Decimal] = mapped_column(Numeric(12, 2), info={"label": N_("亩均产值下限（万元/亩）")})
    max_energy_per_output: Mapped[Decimal] = mapped_column(Numeric(10, 4), info={"label": N_("单位产值能耗上限（吨标准煤/万元）")})
    max_annual_energy_tce: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), info={"label": N_("年综合能耗上限（吨标准煤）")})
    weight_tax: Mapped[int] = mapped_column(Integer, info={"label": N_("亩均税收权重")})
    weight_intensity: Mapped[int] = mapped_column(Integer, info={"label": N_("投资强度权重")})
    weight_output: Mapped[int] = mapped_column(Integer, info={"label": N_("亩均产值权重")})
    weight_energy: Mapped[int] = mapped_column(Integer, info={"label": N_("能耗权重")})
    weight_industry: Mapped[int] = mapped_column(Integer, info={"label": N_("产业契合度权重")})
    pass_score: Mapped[Decimal] = mapped_column(Numeric(5, 2), info={"label": N_("通过分数线")})
    conditional_score: Mapped[Decimal] = mapped_column(Numeric(5, 2), info={"label": N_("有条件通过分数线")})
    target_divisions: Mapped[list] = mapped_column(JSON, default=list, info={"label": N_("目标产业（大类）"), "ref": "industry_divisions"})
    related_divisions: Mapped[list] = mapped_column(JSON, default=list, info={"label": N_("关联产业（大类）"), "ref": "industry_divisions"})
    restricted_divisions: Mapped[list] = mapped_column(JSON, default=list, info={"label": N_("限制产业（大类）"), "ref": "industry_divisions"})
    veto_below: Mapped[list] = mapped_column(JSON, default=list, info={"label": N_("未达标即否决的指标"), "titles": INDICATOR_LABELS})
    negative_list_codes: Mapped[list] = mapped_column(JSON, default=list, info={"label": N_("负面清单核查项"), "list": ListKind.NEGATIVE_LIST})
    floor_m2_per_mu: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), info={"label": N_("厂房面积折算（平方米/亩）")})
    allow_no_land: Mapped[bool] = mapped_column(default=True, info={"label": N_("允许无用地项目")})
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    scope_unit = relationship("Unit")

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"

    def __repr__(self) -> str:
        return f"<Policy {self.id} {self.name} v{self.version}{' active' if self.active else ''}>"


class Screening(VersionedMixin, db.Model):
    """Versioned: of two leaders signing at once on PostgreSQL, the second UPDATE finds the version moved."""

    __record_label__ = N_("预审")  # how the history names this kind of record
    __tablename__ = "screenings"
    __audited__ = True
    __table_args__ = (
        # Signed means: a verdict, a signer, a time, and the negative list confirmed.
        CheckConstraint(
            "(signed_at IS NULL AND verdict IS NULL AND signed_by_id IS NULL) OR "
            "(signed_at IS NOT NULL AND verdict IS NOT NULL AND signed_by_id IS NOT NULL "
            "AND negative_list_confirmed)", name="signed_complete"),
        CheckConstraint(f"verdict <> '{Verdict.CONDITIONAL}' OR conditions IS NOT NULL", name="conditional_has_conditions"),
        # The home page's "waiting for a sign-off" list, oldest first: a few rows of a large table.
        Index("ix_screenings_pending", "created_at", "id", "project_id", sqlite_where=text("signed_at IS NULL AND superseded_at IS NULL"),
              postgresql_where=text("signed_at IS NULL AND superseded_at IS NULL")),
        # At most one current screening per project, even if two are prepared at once (the backstop).
        # SQLite's predicate is spelled as SQLAlchemy writes the flag there, so its planner matches it.
        Index("uq_screenings_current", "project_id", unique=True, sqlite_where=text("is_current = 1"),
              postgresql_where=text("is_current")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    policy_version: Mapped[str | None] = mapped_column(String(220), info={"label": N_("准入标准")})
    # The figures the screening was computed from, copied so later project edits change nothing.
    inputs: Mapped[dict] = mapped_column(JSON, default=dict, info={"label": N_("测算数据"), "rows": "projects"})
    indicators: Mapped[dict] = mapped_column(JSON, default=dict, info={"label": N_("测算指标"), "rows": INDICATOR_ROWS})
    score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2), info={"label": N_("预审得分")})
    proposed_verdict: Mapped[Verdict] = vocab_column(Verdict, name="proposed_verdict", length=16,
                                                     info={"label": N_("建议结论")})
    verdict: Mapped[Verdict | None] = vocab_column(Verdict, name="verdict", length=16, info={"label": N_("预审结论")})
    conditions: Mapped[str | None] = mapped_column(Text, info={"label": N_("附加条件")})
    comment: Mapped[str | None] = mapped_column(Text, info={"label": N_("审核意见")})
    negative_list_confirmed: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), info={"label": N_("签批时间")})

    policy_id: Mapped[int | None] = mapped_column(ForeignKey("policies.id"))
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    # Per indicator: was the threshold met, on the unrounded value.
    met: Mapped[dict] = mapped_column(JSON, default=dict)
    vetoes: Mapped[list] = mapped_column(JSON, default=list, info={"label": N_("否决项"), "titles": _veto_title})
    not_applicable: Mapped[dict] = mapped_column(JSON, default=dict)
    industry_fit: Mapped[str | None] = mapped_column(String(10))
    energy_review_tier: Mapped[str | None] = mapped_column(String(10))
    # Negative-list items the signer confirmed were checked (codes of the policy's list).
    negative_list_checked: Mapped[list] = mapped_column(JSON, default=list, info={
        "label": N_("已核查的负面清单项"), "list": ListKind.NEGATIVE_LIST})
    # An unsigned screening is superseded when a newer one is prepared for the same project.
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The project's current screening (crm/screening/current.py), kept by the services so lists can
    # index it. Derived bookkeeping: no label, so the history, exports and API never show it.
    is_current: Mapped[bool] = mapped_column(default=False, server_default=false())

    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    policy: Mapped[Policy | None] = relationship()
    project = relationship("Project")

    def __repr__(self) -> str:
        return f"<Screening {self.id} p{self.project_id} {self.verdict or 'unsigned'}>"


# The screened-projects table's default order (score high to low, newest first among equals), over
# current screenings only: the page reads 50 index entries instead of grouping every screening.
Index("ix_screenings_current_score", func.coalesce(Screening.__table__.c.score, 0), Screening.__table__.c.id,
      sqlite_where=text("is_current = 1"), postgresql_where=text("is_current"))
