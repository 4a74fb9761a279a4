"""Codes of the project record and its pipeline (DOMAIN.md §2, §3, §4, §9)."""

from __future__ import annotations

from decimal import Decimal

from crm.domain.vocab import N_, Vocabulary


class Stage(Vocabulary):
    TALKS = "talks", N_("在谈")
    APPROVED = "approved", N_("过会")
    SIGNED = "signed", N_("签约")
    STARTED = "started", N_("开工")
    PRODUCING = "producing", N_("投产")

    @property
    def index(self) -> int:
        return list(Stage).index(self)

    def next(self) -> Stage | None:
        """The stage after this one, None after 投产."""
        stages = list(Stage)
        return stages[self.index + 1] if self.index + 1 < len(stages) else None


class Status(Vocabulary):
    ACTIVE = "active", N_("推进中")
    ON_HOLD = "on_hold", N_("暂缓")
    DROPPED = "dropped", N_("终止")


class Source(Vocabulary):
    BUSINESS_REFERRAL = "business_referral", N_("以商招商")
    RESIDENT_TEAM = "resident_team", N_("驻外招商")
    TRIP = "trip", N_("外出招商")
    EXPO = "expo", N_("展会推介")
    ONLINE = "online", N_("网络招商")
    AGENCY = "agency", N_("中介招商")
    OTHER = "other", N_("其他")


class ProjectKind(Vocabulary):
    NEW = "new", N_("新建项目")
    CAPITAL_INCREASE = "capital_increase", N_("增资项目")


class FundOrigin(Vocabulary):
    CITY_OUTSIDE = "city_outside", N_("市外")
    PROVINCE_OUTSIDE = "province_outside", N_("省外")
    FOREIGN = "foreign", N_("境外")
    LOCAL = "local", N_("本市")


class SizeTier(Vocabulary):
    """Size tiers used in every report; `floor` is the smallest total investment in 万元."""

    HUNDRED_MILLION = "100m", N_("亿元以上"), Decimal(10_000)
    BILLION = "1b", N_("10亿元以上"), Decimal(100_000)
    FIVE_BILLION = "5b", N_("50亿元以上"), Decimal(500_000)

    def __new__(cls, code: str, msgid: str, floor: Decimal):
        member = str.__new__(cls, code)  # Enum hides Vocabulary.__new__ once the class is built
        member._value_, member.msgid, member.floor = code, msgid, floor
        return member


class TransitionKind(Vocabulary):
    ADVANCE = "advance", N_("阶段推进")
    HOLD = "hold", N_("暂缓")
    RESUME = "resume", N_("恢复推进")
    DROP = "drop", N_("终止")
    CORRECTION = "correction", N_("更正")


class Move(Vocabulary):
    """What a user may ask of a project (the API's `to`): the next stage or a status change."""

    APPROVED = "approved", N_("记录过会")
    SIGNED = "signed", N_("记录签约")
    STARTED = "started", N_("记录开工")
    PRODUCING = "producing", N_("记录投产")
    ON_HOLD = "on_hold", N_("暂缓")
    RESUME = "resume", N_("恢复推进")
    DROPPED = "dropped", N_("终止")
    CORRECTION = "correction", N_("管理员更正")

    @property
    def stage(self) -> Stage | None:
        """The stage this move advances to; None for status changes and corrections."""
        return Stage.get(self.value)

    @property
    def advances(self) -> bool:
        return self.stage is not None


class Verdict(Vocabulary):
    PASS = "pass", N_("通过")
    CONDITIONAL = "conditional", N_("有条件通过")
    REJECT = "reject", N_("不通过")

    @property
    def passes(self) -> bool:
        """通过 and 有条件通过 let a project go to the review meeting."""
        return self in (Verdict.PASS, Verdict.CONDITIONAL)


class PermitKind(Vocabulary):
    FILING = "filing", N_("立项/备案")
    PLANNING = "planning", N_("规划许可")
    CONSTRUCTION = "construction", N_("施工许可")
    EIA = "eia", N_("环评")
    ENERGY_REVIEW = "energy_review", N_("节能审查")


class EnergyTier(Vocabulary):
    NONE = "none", N_("无需单独节能审查")
    CITY = "city", N_("市级节能审查")
    PROVINCE = "province", N_("省级节能审查")

    @classmethod
    def of(cls, annual_energy_tce: Decimal | None, annual_electricity_wan_kwh: Decimal | None = None) -> EnergyTier:
        """DOMAIN §4.3: under 1,000 tce and under 5,000,000 kWh a year, no separate review; from 10,000
        tce, provincial review; otherwise (1,000 tce or more, or 5,000,000 kWh or more) city-level."""
        tce = annual_energy_tce or Decimal(0)
        electricity = annual_electricity_wan_kwh or Decimal(0)
        if tce >= PROVINCE_REVIEW_TCE:
            return cls.PROVINCE
        if tce >= CITY_REVIEW_TCE or electricity >= CITY_REVIEW_WAN_KWH:
            return cls.CITY
        return cls.NONE


CITY_REVIEW_TCE = Decimal(1000)
PROVINCE_REVIEW_TCE = Decimal(10000)
CITY_REVIEW_WAN_KWH = Decimal(500)  # 5,000,000 kWh


class IncentiveCondition(Vocabulary):
    SIGNED = "signed", N_("签约后")
    STARTED = "started", N_("开工后")
    PRODUCING = "producing", N_("投产后")
    ACTUAL_TAX = "actual_tax", N_("实缴税收达标后")


class FollowUpKind(Vocabulary):
    VISIT = "visit", N_("走访")
    CALL = "call", N_("电话")
    MEETING = "meeting", N_("会谈")
    RECEPTION = "reception", N_("接待来访")
    ONLINE = "online", N_("线上沟通")
    OTHER = "other", N_("其他")


class AttachmentCategory(Vocabulary):
    CONTRACT = "contract", N_("合同")
    MINUTES = "minutes", N_("会议纪要")
    PERMIT = "permit", N_("审批文件")
    PHOTO = "photo", N_("现场照片")
    APPROVAL = "approval", N_("审批表")
    VOUCHER = "voucher", N_("支付凭证")
    OTHER = "other", N_("其他")
