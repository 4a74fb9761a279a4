"""Two demo screening policies (准入标准): city-wide, and a stricter one for 临港产业园.

Where the numbers come from (DOMAIN.md §4.2 gives the ranges seen in real local rules):
- 投资强度 150–300 万元/亩 and the land-use framing follow 《工业项目建设用地控制指标》
  (国土资源部 2008，自然资源部 2023 年修订) and provincial/municipal rules built on it;
- 亩均税收 8–30 万元/亩 and 亩均产值 250–400 万元/亩 follow the "亩均论英雄" practice of
  Zhejiang and Jiangsu cities (亩均效益评价), where parks set higher lines than the city;
- the 100-point scorecard (税收 30、强度 20、产值 20、能耗 20、产业契合度 10) with single-item
  vetoes, and the 五不招 negative list, follow DOMAIN.md §4.2;
- the 1,000 m² of floor area per 亩 conversion for rented standard factory space assumes a plot
  ratio of about 1.5 on one 亩 (666.67 m²).
Real deployments replace these with the bureau's own published standard.
"""

from crm.reference.defaults import NEGATIVE_LIST

ALL_NEGATIVE_LIST = [code for code, _label in NEGATIVE_LIST]
CHAIN_DIVISIONS = ["13", "14", "15", "26", "27", "29", "30", "32", "33", "36", "38", "39", "40", "54", "58", "59",
                   "63", "64", "65"]

CITY = {
    "name": "示范市工业项目准入标准（2024）", "scope_unit_id": None, "active": True,
    "source": __doc__.strip(),
    "min_tax_per_mu": "15", "min_investment_intensity": "200", "min_output_per_mu": "300",
    "max_energy_per_output": "0.5", "max_annual_energy_tce": "50000",
    "weight_tax": 30, "weight_intensity": 20, "weight_output": 20, "weight_energy": 20, "weight_industry": 10,
    "pass_score": "85", "conditional_score": "60",
    "target_divisions": CHAIN_DIVISIONS, "related_divisions": ["34", "35", "37", "31"],
    "restricted_divisions": ["25", "22"], "veto_below": [], "negative_list_codes": ALL_NEGATIVE_LIST,
    "floor_m2_per_mu": "1000", "allow_no_land": True,
}

PARK = {
    "name": "临港产业园项目准入标准（2024）", "active": True, "source": __doc__.strip(),
    "min_tax_per_mu": "30", "min_investment_intensity": "300", "min_output_per_mu": "400",
    "max_energy_per_output": "0.3", "max_annual_energy_tce": "20000",
    "weight_tax": 30, "weight_intensity": 20, "weight_output": 20, "weight_energy": 20, "weight_industry": 10,
    "pass_score": "80", "conditional_score": "65",
    "target_divisions": ["36", "38", "39", "40", "34", "35"], "related_divisions": ["33", "37"],
    "restricted_divisions": ["25", "22", "31"], "veto_below": ["tax_per_mu"],
    "negative_list_codes": ALL_NEGATIVE_LIST, "floor_m2_per_mu": "1000", "allow_no_land": False,
}


# 招商奖励标准 (contributor rewards, DOMAIN §6): a fixed sum per tier of contracted investment, a rate above 10亿元.
REWARD_POLICY = {
    "name": "示范市招商引资奖励办法（试行）",
    "source": "示范市招商引资奖励办法（试行）第八条：按合同投资额分档奖励引荐、促成项目落地的单位和个人。",
    "tiers": [{"min_wan": "5000", "fixed_wan": "5"}, {"min_wan": "10000", "fixed_wan": "10"},
              {"min_wan": "50000", "fixed_wan": "30"}, {"min_wan": "100000", "rate_percent": "0.05"}],
}
