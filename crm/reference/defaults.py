"""Default entries for the admin-editable lists (DOMAIN.md §2 and §4.2)."""

NEGATIVE_LIST = (
    ("industrial_policy", "不符合国家产业政策的（淘汰类、限制类）"),
    ("high_energy_emission", "高耗能、高排放不达标的"),
    ("below_intensity_tax", "投资强度和亩均税收达不到标准的"),
    ("safety_environment", "存在重大安全环保隐患的"),
    ("overcapacity", "产能严重过剩的"),
)

DROP_REASONS = (
    ("strategy_change", "企业战略调整"),
    ("factor_shortage", "要素保障不足"),
    ("policy_mismatch", "政策条件不匹配"),
    ("lost_to_other_region", "被其他地区截留"),
    ("screening_failed", "预审未通过"),
    ("other", "其他"),
)
