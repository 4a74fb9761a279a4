"""The benchmark city: 200 units and 2,000 users around the demo city's units and accounts."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from werkzeug.security import generate_password_hash

from crm.demo.city import DEMO_PASSWORD, UNITS, USERS

UNIT_COUNT = 200
USER_COUNT = 2_000
CITIES = ("广州", "杭州", "南京", "苏州", "成都", "武汉", "西安", "重庆", "天津", "青岛", "厦门", "宁波", "合肥", "长沙",
          "郑州", "济南", "无锡", "东莞", "佛山", "香港", "新加坡", "东京", "首尔", "法兰克福", "慕尼黑", "大阪", "台北")
TRADES = ("智能装备", "集成电路", "新型显示", "动力电池", "氢能", "光伏", "医疗器械", "创新药", "工业软件", "数据服务",
          "食品加工", "冷链物流", "化工新材料", "轻量化材料", "航空航天", "节能环保", "现代农业", "文化旅游",
          "跨境电商", "人工智能", "机器人", "北斗应用", "纺织服装", "建材家居", "船舶海工", "生命健康")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰海燕文斌晓东立新振宇雅琴俊"


def units() -> list[dict]:
    """The demo units first (so the demo accounts keep their units), then teams, parks and towns."""
    rows, ids = [], {}
    for key, name, kind, parent, location in UNITS:
        ids[key] = len(rows) + 1
        rows.append({"id": ids[key], "name": name, "kind": kind, "parent_id": ids.get(parent), "location": location})
    parents = {"park": (ids["bureau"], ids["hitech"], ids["etdz"]), "town": (ids["bureau"],)}
    n = 0
    while len(rows) < UNIT_COUNT:
        n += 1
        trade, city = TRADES[n % len(TRADES)], CITIES[n % len(CITIES)]
        kind = ("chain_team", "resident_team", "park", "town", "town")[n % 5]
        name, parent, location = {
            "chain_team": (f"{trade}产业招商{n}组", ids["bureau"], None),
            "resident_team": (f"驻{city}招商{n}组", ids["bureau"], city),
            "park": (f"{trade}产业园（{n}号）", parents["park"][n % 3], None),
            "town": (f"第{n}街道" if n % 2 else f"{SURNAMES[n % len(SURNAMES)]}家{n}镇", ids["bureau"], None),
        }[kind]
        rows.append({"id": len(rows) + 1, "name": name, "kind": kind, "parent_id": parent, "location": location})
    return rows


def users(rng: random.Random, unit_rows: list[dict], password_method: str) -> list[dict]:
    """The demo accounts, more leaders and viewers, and a head plus staff for every unit."""
    unit_ids = {key: i + 1 for i, (key, *_rest) in enumerate(UNITS)}
    # Hashing is deliberately slow: once, shared by every account.
    password = generate_password_hash(DEMO_PASSWORD, method=password_method)
    now = datetime.now(UTC)
    rows = []

    def add(username, name, role, unit_id):
        rows.append({"id": len(rows) + 1, "username": username, "name": name, "password_hash": password,
                     "role": role, "unit_id": unit_id, "active": True, "password_changed_at": now,
                     "phone": f"138{rng.randint(10_000_000, 99_999_999)}", "email": f"{username}@invest.example.cn"})

    for username, name, role, unit_key in USERS:
        add(username, name, role, unit_ids[unit_key])
    for i in range(15):
        add(f"leader{i:02d}", _person(rng), "leader", unit_ids["bureau"])
    for i in range(12):
        add(f"viewer{i:02d}", _person(rng), "viewer", unit_ids["bureau"])
    staffed = [u for u in unit_rows if u["kind"] != "bureau"]
    for unit in staffed[len(UNITS) - 1:]:
        add(f"head{unit['id']:03d}", _person(rng), "unit_head", unit["id"])
    i = 0
    while len(rows) < USER_COUNT:
        unit = staffed[i % len(staffed)]
        add(f"staff{i:04d}", _person(rng), "staff", unit["id"])
        i += 1
    return rows


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))

