"""Screening arithmetic (DOMAIN.md §4.1): exact indicators, and the scoring's promises as properties."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.screening.scoring import Inputs, Thresholds, screen, veto_text

D = Decimal
POLICY = Thresholds(
    min_tax_per_mu=D(20), min_investment_intensity=D(250), min_output_per_mu=D(350), max_energy_per_output=D("0.3"),
    weights={"tax_per_mu": D(30), "investment_intensity": D(20), "output_per_mu": D(20), "energy_per_output": D(20),
             "industry_fit": D(10)},
    pass_score=D(80), conditional_score=D(60),
    target_divisions=frozenset({"36", "38", "39"}), related_divisions=frozenset({"34", "35"}),
    restricted_divisions=frozenset({"25", "31"}), max_annual_energy_tce=D(50000),
)
GOOD = Inputs(industry_code="36", fixed_asset_investment_wan=D(60000), land_area_mu=D(200), floor_area_m2=None,
              expected_annual_output_wan=D(100000), expected_annual_tax_wan=D(5000), annual_energy_tce=D(8000))


def test_indicators_follow_the_formulas_exactly():
    result = screen(GOOD, POLICY)
    assert result.indicators["tax_per_mu"] == D(25)  # 5,000 万元 / 200 亩
    assert result.indicators["investment_intensity"] == D(300)
    assert result.indicators["output_per_mu"] == D(500)
    assert result.indicators["energy_per_output"] == D("0.08")  # 8,000 tce / 100,000 万元
    assert result.scores == {"tax_per_mu": 30, "investment_intensity": 20, "output_per_mu": 20,
                             "energy_per_output": 20, "industry_fit": 10}
    assert (result.score, result.proposed_verdict, result.energy_review_tier) == (100, "pass", "city")


def test_a_third_is_kept_exact_until_display():
    result = screen(replace(GOOD, expected_annual_tax_wan=D(1000), land_area_mu=D(3)), POLICY)
    assert result.indicators["tax_per_mu"] == D(1000) / D(3)
    assert f"{result.indicators['tax_per_mu']:.2f}" == "333.33"


def test_partial_credit_and_the_score_lines():
    weak = replace(GOOD, expected_annual_tax_wan=D(2000))  # 10 万元/亩 against 20: half the 30 points
    result = screen(weak, POLICY)
    assert result.scores["tax_per_mu"] == 15 and not result.met["tax_per_mu"]
    assert result.score == 85 and result.proposed_verdict == "pass"
    poorer = replace(weak, fixed_asset_investment_wan=D(25000), expected_annual_output_wan=D(40000))
    assert screen(poorer, POLICY).proposed_verdict in ("conditional", "reject")


@pytest.mark.parametrize("inputs,veto", [
    (replace(GOOD, industry_code="25"), "restricted_industry"),
    (replace(GOOD, annual_energy_tce=D(60000)), "energy_cap"),
])
def test_single_item_vetoes_reject_whatever_the_score(inputs, veto):
    result = screen(inputs, POLICY)
    assert veto in result.vetoes and result.proposed_verdict == "reject"


def test_a_policy_can_make_a_missed_threshold_a_veto():
    strict = replace(POLICY, veto_below=frozenset({"tax_per_mu"}))
    result = screen(replace(GOOD, expected_annual_tax_wan=D(3000)), strict)
    assert result.vetoes == ["below:tax_per_mu"] and result.proposed_verdict == "reject"
    assert veto_text("below:tax_per_mu") == "亩均税收未达到准入标准（一票否决）"


def test_no_land_means_not_applicable_never_a_division_by_zero():
    rented = replace(GOOD, land_area_mu=None, floor_area_m2=D(12000))
    result = screen(rented, POLICY)
    assert set(result.not_applicable) == {"tax_per_mu", "investment_intensity", "output_per_mu"}
    assert "租用厂房" in result.not_applicable["tax_per_mu"]
    assert result.score == 100  # energy and industry fit, rescaled over the weights that applied
    converted = screen(rented, replace(POLICY, floor_m2_per_mu=D(400)))  # 12,000 ㎡ ≈ 30 亩
    assert converted.indicators["tax_per_mu"] == D(5000) / D(30) and not converted.not_applicable
    assert "land_required" in screen(rented, replace(POLICY, allow_no_land=False)).vetoes
    assert screen(replace(GOOD, land_area_mu=D(0)), POLICY).not_applicable  # 0 亩 is no land, not ∞


def test_missing_figures_never_score_better_than_poor_ones():
    nothing = replace(GOOD, expected_annual_tax_wan=None, fixed_asset_investment_wan=None, annual_energy_tce=None)
    result = screen(nothing, POLICY)
    assert result.scores["tax_per_mu"] == 0 and not result.met["tax_per_mu"]
    assert result.scores["energy_per_output"] == 0 and not result.met["energy_per_output"]
    assert result.score < screen(replace(GOOD, expected_annual_tax_wan=D(1)), POLICY).score
    no_output = screen(replace(GOOD, expected_annual_output_wan=D(0)), POLICY)
    assert not no_output.met["energy_per_output"] and "energy_per_output" not in no_output.not_applicable


amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value="0.01", max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
divisions = st.sampled_from(["36", "38", "34", "25", "13", "65"])


@st.composite
def inputs(draw):
    return Inputs(industry_code=draw(divisions), fixed_asset_investment_wan=draw(amounts),
                  land_area_mu=draw(st.one_of(st.none(), positive)), floor_area_m2=draw(st.one_of(st.none(), positive)),
                  expected_annual_output_wan=draw(amounts), expected_annual_tax_wan=draw(amounts),
                  annual_energy_tce=draw(amounts))


@settings(max_examples=300, deadline=None)
@given(inputs(), st.sampled_from(["expected_annual_tax_wan", "fixed_asset_investment_wan"]), positive)
def test_better_figures_never_lower_the_score(base, field, more):
    better = replace(base, **{field: getattr(base, field) + more})
    assert screen(better, POLICY).score >= screen(base, POLICY).score


@settings(max_examples=300, deadline=None)
@given(inputs(), positive)
def test_less_energy_never_lowers_the_score(base, less):
    leaner = replace(base, annual_energy_tce=max(base.annual_energy_tce - less, D(0)))
    assert screen(leaner, POLICY).score >= screen(base, POLICY).score


@settings(max_examples=300, deadline=None)
@given(inputs())
def test_weights_are_respected(case):
    result = screen(case, POLICY)
    for name, score in result.scores.items():
        assert D(0) <= score <= POLICY.weights[name]
    assert D(0) <= result.score <= 100


@settings(max_examples=300, deadline=None)
@given(inputs())
def test_a_veto_always_rejects(case):
    result = screen(case, POLICY)
    if result.vetoes:
        assert result.proposed_verdict == "reject"
    if case.industry_code == "25":
        assert "restricted_industry" in result.vetoes


@settings(max_examples=200, deadline=None)
@given(inputs(), st.sampled_from(["expected_annual_tax_wan", "fixed_asset_investment_wan",
                                  "expected_annual_output_wan"]))
def test_a_missing_figure_never_beats_a_known_one(case, field):
    assert screen(replace(case, **{field: None}), POLICY).score <= screen(case, POLICY).score
