"""Screening arithmetic (DOMAIN.md §4): indicators, scores, vetoes, verdict. Pure functions of the
screening's own inputs and the policy's thresholds, so a screening can always be recomputed.

Exact decimals throughout; comparisons use the unrounded values, rounding is for display only.
Scoring, per indicator with weight w and threshold t:
- "at least" indicators (tax per mu, investment intensity, output per mu): w × min(value / t, 1);
- "at most" indicators (energy per output): w, or w × t / value when above the threshold;
- industry fit: w for a target division, w / 2 for a related one, 0 otherwise; restricted = veto.
Only missing land makes the per-mu indicators not applicable (they drop out and the total is
rescaled over the weights that did apply; the policy decides whether that is allowed). Any other
missing figure scores 0 and is not met: missing data never scores better than poor data. So better
figures never lower the score, no indicator scores more than its weight, and a veto always rejects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from crm.core.i18n import N_
from crm.domain import EnergyTier, Verdict

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)
PER_MU = ("tax_per_mu", "investment_intensity", "output_per_mu")
INDICATORS = ("tax_per_mu", "investment_intensity", "output_per_mu", "energy_per_output", "industry_fit")
INDICATOR_LABELS = {
    "tax_per_mu": N_("亩均税收"), "investment_intensity": N_("投资强度"), "output_per_mu": N_("亩均产值"),
    "energy_per_output": N_("单位产值能耗"), "industry_fit": N_("产业契合度"),
}
INDICATOR_UNITS = {"tax_per_mu": N_("万元/亩"), "investment_intensity": N_("万元/亩"), "output_per_mu": N_("万元/亩"),
                   "energy_per_output": N_("吨标准煤/万元"), "industry_fit": ""}
# Shown with the decimals its threshold has (Policy.max_energy_per_output is Numeric(10, 4)).
INDICATOR_PLACES = {"energy_per_output": 4}


VETO_LABELS = {
    "restricted_industry": N_("行业属于本准入标准的限制类（一票否决）"),
    "energy_cap": N_("年综合能耗超过本准入标准的上限（一票否决）"),
    "land_required": N_("本准入标准要求按亩核算，项目缺少用地面积（一票否决）"),
    "below": N_("%(indicator)s未达到准入标准（一票否决）"),
}


def veto_text(code: str, gettext=lambda s, **kw: s % kw if kw else s) -> str:
    """A veto code in words: "below:tax_per_mu" → "亩均税收未达到准入标准（一票否决）"."""
    kind, _sep, indicator = code.partition(":")
    if kind == "below":
        return gettext(VETO_LABELS["below"], indicator=gettext(INDICATOR_LABELS[indicator]))
    return gettext(VETO_LABELS[kind])


@dataclass(frozen=True)
class Thresholds:
    """What a policy version says; see crm.screening.models.Policy for the stored form."""

    min_tax_per_mu: Decimal
    min_investment_intensity: Decimal
    min_output_per_mu: Decimal
    max_energy_per_output: Decimal
    weights: dict[str, Decimal]
    pass_score: Decimal
    conditional_score: Decimal
    target_divisions: frozenset[str] = frozenset()
    related_divisions: frozenset[str] = frozenset()
    restricted_divisions: frozenset[str] = frozenset()
    max_annual_energy_tce: Decimal | None = None
    veto_below: frozenset[str] = frozenset()  # indicators whose miss is a 一票否决 under this policy
    floor_m2_per_mu: Decimal | None = None  # rented floor area → equivalent land; None: not applicable
    allow_no_land: bool = True


@dataclass(frozen=True)
class Inputs:
    """The figures a screening is computed from (copied from the project, possibly overridden)."""

    industry_code: str
    fixed_asset_investment_wan: Decimal | None
    land_area_mu: Decimal | None
    floor_area_m2: Decimal | None
    expected_annual_output_wan: Decimal | None
    expected_annual_tax_wan: Decimal | None
    annual_energy_tce: Decimal | None
    annual_electricity_wan_kwh: Decimal | None = None


@dataclass
class Result:
    indicators: dict[str, Decimal | None] = field(default_factory=dict)
    not_applicable: dict[str, str] = field(default_factory=dict)  # indicator → reason
    scores: dict[str, Decimal] = field(default_factory=dict)
    met: dict[str, bool] = field(default_factory=dict)
    vetoes: list[str] = field(default_factory=list)
    industry_fit: str = "none"  # full / partial / none / veto
    energy_review_tier: str = EnergyTier.NONE
    score: Decimal = ZERO
    proposed_verdict: str = Verdict.REJECT


def _land(inputs: Inputs, policy: Thresholds) -> tuple[Decimal | None, str | None]:
    """The land to divide by, or None with the reason per-mu figures do not apply."""
    if inputs.land_area_mu:
        return inputs.land_area_mu, None
    if inputs.floor_area_m2 and policy.floor_m2_per_mu:
        return inputs.floor_area_m2 / policy.floor_m2_per_mu, None
    if inputs.floor_area_m2:
        return None, N_("不新增用地（租用厂房），本准入标准未规定折算办法，按亩计算的指标不适用")
    return None, N_("未填写用地面积，按亩计算的指标不适用")


def _ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None  # unknown: scores 0, not met
    return numerator / denominator


def indicators(inputs: Inputs, policy: Thresholds) -> tuple[dict[str, Decimal | None], dict[str, str]]:
    land, reason = _land(inputs, policy)
    values = {
        "tax_per_mu": _ratio(inputs.expected_annual_tax_wan, land),
        "investment_intensity": _ratio(inputs.fixed_asset_investment_wan, land),
        "output_per_mu": _ratio(inputs.expected_annual_output_wan, land),
        "energy_per_output": _ratio(inputs.annual_energy_tce, inputs.expected_annual_output_wan),
    }
    not_applicable = {name: reason for name in PER_MU if land is None}
    return values, not_applicable


def _at_least(value: Decimal, threshold: Decimal, weight: Decimal) -> Decimal:
    if threshold <= 0:
        return weight
    return weight * min(value / threshold, ONE)


def _at_most(value: Decimal, threshold: Decimal, weight: Decimal) -> Decimal:
    if value <= threshold:
        return weight
    return weight * threshold / value


def industry_fit(code: str, policy: Thresholds) -> str:
    if code in policy.restricted_divisions:
        return "veto"
    if code in policy.target_divisions:
        return "full"
    if code in policy.related_divisions:
        return "partial"
    return "none"


def screen(inputs: Inputs, policy: Thresholds) -> Result:
    result = Result(energy_review_tier=EnergyTier.of(inputs.annual_energy_tce, inputs.annual_electricity_wan_kwh))
    result.indicators, result.not_applicable = indicators(inputs, policy)
    limits = {"tax_per_mu": policy.min_tax_per_mu, "investment_intensity": policy.min_investment_intensity,
              "output_per_mu": policy.min_output_per_mu, "energy_per_output": policy.max_energy_per_output}
    applied = ZERO
    for name, threshold in limits.items():
        value, weight = result.indicators[name], policy.weights[name]
        if name in result.not_applicable:
            continue
        applied += weight
        if value is None:  # a figure is missing: nothing earned, not met
            result.met[name], result.scores[name] = False, ZERO
        elif name == "energy_per_output":
            result.met[name] = value <= threshold
            result.scores[name] = _at_most(value, threshold, weight)
        else:
            result.met[name] = value >= threshold
            result.scores[name] = _at_least(value, threshold, weight)
        if not result.met[name] and name in policy.veto_below:
            result.vetoes.append(f"below:{name}")
    _score_industry(inputs, policy, result)
    applied += policy.weights["industry_fit"]
    _hard_vetoes(inputs, policy, result)
    total = sum(result.scores.values(), ZERO)
    result.score = total * HUNDRED / applied if applied else ZERO
    result.proposed_verdict = proposed_verdict(result, policy)
    return result


def _score_industry(inputs: Inputs, policy: Thresholds, result: Result) -> None:
    result.industry_fit = industry_fit(inputs.industry_code, policy)
    weight = policy.weights["industry_fit"]
    result.scores["industry_fit"] = {"full": weight, "partial": weight / 2}.get(result.industry_fit, ZERO)
    result.met["industry_fit"] = result.industry_fit in ("full", "partial")
    if result.industry_fit == "veto":
        result.vetoes.append("restricted_industry")


def _hard_vetoes(inputs: Inputs, policy: Thresholds, result: Result) -> None:
    energy = inputs.annual_energy_tce or ZERO
    if policy.max_annual_energy_tce is not None and energy > policy.max_annual_energy_tce:
        result.vetoes.append("energy_cap")
    if not policy.allow_no_land and any(name in result.not_applicable for name in PER_MU):
        result.vetoes.append("land_required")


def proposed_verdict(result: Result, policy: Thresholds) -> Verdict:
    if result.vetoes:
        return Verdict.REJECT
    if result.score >= policy.pass_score:
        return Verdict.PASS
    if result.score >= policy.conditional_score:
        return Verdict.CONDITIONAL
    return Verdict.REJECT
