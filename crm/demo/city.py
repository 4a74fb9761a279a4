"""The demo city (a fictional prefecture-level city, 示范市): its units, people and chains."""

DEMO_PASSWORD = "Demo@2026"

# (key, name, kind, parent key, location)
UNITS = (
    ("bureau", "示范市投资促进局", "bureau", None, None),
    ("mfg", "先进制造产业招商组", "chain_team", "bureau", None),
    ("energy", "新能源新材料产业招商组", "chain_team", "bureau", None),
    ("bio", "生物医药产业招商组", "chain_team", "bureau", None),
    ("digital", "数字经济产业招商组", "chain_team", "bureau", None),
    ("sh", "驻上海招商组", "resident_team", "bureau", "上海市"),
    ("sz", "驻深圳招商组", "resident_team", "bureau", "广东省深圳市"),
    ("bj", "驻北京招商组", "resident_team", "bureau", "北京市"),
    ("hitech", "示范高新技术产业开发区", "park", "bureau", None),
    ("etdz", "示范经济技术开发区", "park", "bureau", None),
    ("port", "临港产业园", "park", "etdz", None),
    ("chengdong", "城东街道", "town", "bureau", None),
    ("qingshi", "青石镇", "town", "bureau", None),
)

# (username, name, role, unit key). The first six are the demo accounts of DOMAIN.md §9:
# head_a and staff_a work in unit A (先进制造产业招商组), staff_b in unit B (驻上海招商组).
USERS = (
    ("admin", "系统管理员", "admin", "bureau"),
    ("leader", "王建国", "leader", "bureau"),
    ("viewer", "督查室 刘敏", "viewer", "bureau"),
    ("head_a", "陈志强", "unit_head", "mfg"),
    ("staff_a", "李晓燕", "staff", "mfg"),
    ("staff_b", "张伟", "staff", "sh"),
    ("leader_zhou", "周海涛", "leader", "bureau"),
    ("leader_sun", "孙丽华", "leader", "bureau"),
    ("stats_wu", "统计科 吴静", "viewer", "bureau"),
    ("staff_a2", "赵磊", "staff", "mfg"),
    ("head_energy", "黄振宇", "unit_head", "energy"),
    ("staff_energy", "林芳", "staff", "energy"),
    ("head_bio", "郑海燕", "unit_head", "bio"),
    ("staff_bio", "何俊", "staff", "bio"),
    ("head_digital", "马骏", "unit_head", "digital"),
    ("staff_digital", "高雅琴", "staff", "digital"),
    ("head_sh", "罗文斌", "unit_head", "sh"),
    ("head_sz", "梁志伟", "unit_head", "sz"),
    ("staff_sz", "谢晓东", "staff", "sz"),
    ("head_bj", "宋立新", "unit_head", "bj"),
    ("staff_bj", "韩雪", "staff", "bj"),
    ("head_hitech", "唐国平", "unit_head", "hitech"),
    ("staff_hitech", "冯晨", "staff", "hitech"),
    ("head_etdz", "许建华", "unit_head", "etdz"),
    ("staff_etdz", "邓超", "staff", "etdz"),
    ("head_port", "曹明", "unit_head", "port"),
    ("staff_port", "彭丽", "staff", "port"),
    ("head_chengdong", "曾德明", "unit_head", "chengdong"),
    ("staff_chengdong", "萧红梅", "staff", "chengdong"),
    ("head_qingshi", "田茂林", "unit_head", "qingshi"),
    ("staff_qingshi", "袁小军", "staff", "qingshi"),
)

# 产业链 and the GB/T 4754-2017 大类 codes each covers.
CHAINS = (
    ("新能源汽车及零部件", "整车、动力电池、电机电控与汽车零部件", ("36", "38")),
    ("新一代电子信息", "集成电路、新型显示、通信设备与电子元器件", ("39", "40")),
    ("软件和数字经济", "软件、信息技术服务、互联网与数据服务", ("63", "64", "65")),
    ("生物医药", "化学药、生物药、中药与医疗器械", ("27", "35")),
    ("高端装备制造", "通用设备、专用设备与轨道交通、航空航天装备", ("34", "35", "37")),
    ("新材料", "化工新材料、先进金属材料与无机非金属材料", ("26", "29", "30", "31", "32", "33")),
    ("绿色食品", "农副食品加工、食品与饮料制造", ("13", "14", "15")),
    ("现代物流", "道路运输、多式联运与仓储", ("54", "58", "59")),
)
