"""Codes of the project record (DOMAIN.md §2, §3, §9) and their Chinese labels."""

from decimal import Decimal
from enum import StrEnum

from crm.core.i18n import N_


class Stage(StrEnum):
    TALKS = "talks"
    APPROVED = "approved"
    SIGNED = "signed"
    STARTED = "started"
    PRODUCING = "producing"


STAGES = tuple(Stage)
STAGE_LABELS = {Stage.TALKS: N_("在谈"), Stage.APPROVED: N_("过会"), Stage.SIGNED: N_("签约"),
                Stage.STARTED: N_("开工"), Stage.PRODUCING: N_("投产")}


def next_stage(stage: str) -> Stage | None:
    index = STAGES.index(Stage(stage))
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def stage_index(stage: str) -> int:
    return STAGES.index(Stage(stage))


class Status(StrEnum):
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    DROPPED = "dropped"


STATUS_LABELS = {Status.ACTIVE: N_("推进中"), Status.ON_HOLD: N_("暂缓"), Status.DROPPED: N_("终止")}

SOURCE_LABELS = {
    "business_referral": N_("以商招商"), "resident_team": N_("驻外招商"), "trip": N_("外出招商"),
    "expo": N_("展会推介"), "online": N_("网络招商"), "agency": N_("中介招商"), "other": N_("其他"),
}
KIND_LABELS = {"new": N_("新建项目"), "capital_increase": N_("增资项目")}
FUND_ORIGIN_LABELS = {"city_outside": N_("市外"), "province_outside": N_("省外"), "foreign": N_("境外"),
                      "local": N_("本市")}

# Size tiers used in every report (万元): 亿元以上, 10亿元以上, 50亿元以上.
SIZE_TIERS = {"100m": (Decimal(10_000), N_("亿元以上")), "1b": (Decimal(100_000), N_("10亿元以上")),
              "5b": (Decimal(500_000), N_("50亿元以上"))}

# A single project above 1 万亿元 is a typing error, not an investment.
MAX_AMOUNT_WAN = Decimal(100_000_000)
MAX_LAND_MU = Decimal(100_000)
MAX_ENERGY_TCE = Decimal(50_000_000)
# 1 亩 = 666.67 m² (DOMAIN §3); rented floor area is bounded like land.
M2_PER_MU = Decimal("666.67")
MAX_FLOOR_M2 = MAX_LAND_MU * M2_PER_MU


def sql_in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)
