"""Synthetic disclosures with known truth, for throughput and large accuracy tests.

    python bench/generate.py OUT_DIR [--n 100] [--seed 7] [--pdf-share 0.1]

Each document is a department budget or final-accounts disclosure (部门预算/决算公开) of a
random agency in a random prefecture, seed-sized (~3,000 characters), with varied
phrasings, units (元, 千元, 万元), heading styles and section orders; every figure it prints
is in its gold file (``<name>.gold.json``, the format of tests/fixtures and
``gongkai evaluate``), with the document's agency, year, kind and summary. A share of the
documents is also rendered as PDF (reportlab, STSong-Light), its gold located by page and
surface. The same seed gives the same corpus.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

AGENCIES = [
    "教育局",
    "卫生健康委员会",
    "民政局",
    "财政局",
    "交通运输局",
    "农业农村局",
    "司法局",
    "审计局",
    "自然资源和规划局",
    "生态环境局",
    "住房和城乡建设局",
    "水利局",
    "文化旅游广电体育局",
    "统计局",
    "市场监督管理局",
    "退役军人事务局",
    "应急管理局",
    "医疗保障局",
    "人力资源和社会保障局",
    "林业局",
]
BACKGROUND = [
    "按照预算管理有关规定，目前部门预算的编制实行综合预算制度，全部收入和支出都反映在预算中。",
    "本部门严格落实过紧日子要求，从严从紧控制一般性支出，加强预算执行管理。",
    "预算编制坚持统筹兼顾、突出重点、量入为出、收支平衡的原则，优先保障人员工资和机构正常运转。",
    "本部门认真贯彻落实中央八项规定精神，严格执行各项经费开支标准，确保资金使用规范、安全、有效。",
    "强化预算绩效管理，推动预算和绩效管理一体化，提高财政资金配置效率和使用效益。",
    "深化政务公开，按规定时限公开部门预算和决算，主动接受人大监督和社会监督。",
    "加强内部控制建设，规范经济业务流程，防范财务风险。",
    "持续推进数字化转型，提升政务服务效能，优化营商环境。",
    "统筹推进重点项目建设，加强项目全生命周期管理，确保项目按期保质完成。",
    "做好资产管理工作，定期开展资产清查，确保账实相符。",
]
TOPICS = [
    "乡村振兴",
    "营商环境优化",
    "民生保障",
    "生态环境保护",
    "安全生产",
    "数字政府建设",
    "基层治理",
    "公共服务均等化",
    "重大项目建设",
    "防范化解风险",
    "城乡融合发展",
    "科技创新",
]
ACTIONS = [
    "完善工作机制，细化责任分工，确保各项任务落地见效",
    "加强统筹协调，强化督促检查，推动工作提质增效",
    "坚持问题导向，补齐短板弱项，提升服务保障能力",
    "深化改革创新，健全制度体系，增强发展内生动力",
    "加大资金保障力度，规范资金使用管理，提高资金使用效益",
    "强化队伍建设，提升干部履职能力和服务水平",
]
DUTIES = [
    "贯彻执行国家和省、市有关方针政策和法律法规，拟订相关政策措施并组织实施。",
    "负责本系统的规划、协调和监督管理工作，推进相关领域改革。",
    "承担本行业安全生产和应急管理的相关工作，指导基层开展业务。",
    "组织开展调查研究，提出发展建议，编制中长期发展规划。",
    "负责本部门政务公开、信息化建设和档案管理工作。",
    "完成市委、市政府交办的其他任务。",
]
HEADINGS = (("第一部分 ", "第二部分 ", "第三部分 "), ("一、", "二、", "三、"))
SUB = ("（一）", "（二）", "（三）", "（四）", "（五）", "（六）")
UNITS = {"万元": 10_000, "元": 1, "千元": 1_000}


def regions() -> list[tuple[str, str]]:
    """(province, prefecture) pairs of the gazetteer (schemas/regions.csv)."""
    with open(ROOT / "schemas" / "regions.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    provinces = {r["code"]: r["name"] for r in rows if r["level"] == "province"}
    return sorted(
        (provinces[r["province_code"]], r["name"])
        for r in rows
        if r["level"] == "prefecture" and r["province_code"] in provinces and r["name"].endswith(("市", "州"))
    )


@dataclass
class Doc:
    text: str = ""
    facts: list[dict] = field(default_factory=list)
    lines: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each printed line
    line_start: int = 0

    def add(self, s: str) -> None:
        self.text += s

    def line(self, s: str = "") -> None:
        self.text += s
        self.lines.append((self.line_start, len(self.text)))
        self.text += "\n"
        self.line_start = len(self.text)

    def para(self, s: str, width: int = 80) -> None:
        """A paragraph without figures, printed in lines of at most ``width`` characters."""
        for i in range(0, len(s), width):
            self.line(s[i : i + width])

    def fig(self, surface: str, kind: str, value: Decimal, unit: str, concept: str, label: str) -> None:
        self.facts.append(
            {
                "at": len(self.text),
                "surface": surface,
                "kind": kind,
                "value": str(value),
                "unit": unit,
                "concept": concept,
                "label": label,
            }
        )
        self.text += surface


def money(rng: random.Random, low: int, high: int) -> int:
    """Yuan, a multiple of 100 so every unit prints it exactly."""
    return rng.randrange(low // 100, high // 100) * 100


def surface(yuan: int, unit: str, rng: random.Random) -> str:
    n = Decimal(yuan) / UNITS[unit]
    if unit == "元":
        return (f"{yuan:,}" if rng.random() < 0.5 else str(yuan)) + unit
    return f"{n.normalize():f}{unit}"


def generate_one(rng: random.Random, place: tuple[str, str]) -> tuple[str, dict]:
    province, city = place
    agency = city + rng.choice(AGENCIES)
    year = rng.randrange(2016, 2026)
    kind = rng.choice(["budget", "final_accounts"])
    word = "预算" if kind == "budget" else "决算"
    unit = rng.choice(list(UNITS))
    heads = rng.choice(HEADINGS)
    d = Doc()
    summary: dict[str, int] = {}

    def amount(yuan: int, concept: str, label: str, summarize: bool = True) -> None:
        d.fig(surface(yuan, unit, rng), "amount", Decimal(yuan).quantize(Decimal("0.01")), "yuan", concept, label)
        if summarize and concept not in summary:
            summary[concept] = yuan

    def amounts(parts: list[tuple[str, int, str, str]]) -> None:
        """One printed line: each (words before, yuan, concept, label), then 。"""
        for before, yuan, concept, label in parts:
            d.add(before)
            amount(yuan, concept, label)
        d.line("。")

    d.line(f"{agency}{year}年部门{word}公开")
    d.line()
    d.line(f"{heads[0]}部门概况")
    d.line(f"{SUB[0]}部门职责")
    for duty in rng.sample(DUTIES, rng.randrange(3, 6)):
        d.line(duty)
    d.line(f"{SUB[1]}工作任务")
    for sentence in rng.sample(BACKGROUND, 8):
        d.para(sentence * 2 if rng.random() < 0.3 else sentence)
    d.line(f"{SUB[2]}重点工作")
    for _ in range(rng.randrange(40, 50)):
        d.para(f"围绕{rng.choice(TOPICS)}，{rng.choice(ACTIONS)}。")
    d.line(f"{SUB[3]}机构设置")
    offices = rng.randrange(3, 15)
    d.add(f"{agency}内设机构")
    d.fig(f"{offices}个", "count", Decimal(offices), "count", "org_internal_units", "内设机构")
    d.line("，均为行政科室。")
    d.line()
    d.line(f"{heads[1]}{year}年部门{word}情况说明")

    total = money(rng, 2_000_000, 90_000_000)
    basic = money(rng, total // 5, total * 7 // 10)
    project = total - basic
    d.line(f"{SUB[0]}收支{word}总体情况")
    # (phrasing, concept): 本年收入合计 is the current year's income, without carry-overs
    phr, concept = rng.choice(
        [("收入{w}总额为", "income_total"), ("部门收入{w}", "income_total"), ("本年收入{w}合计", "income_current_year")]
    )
    d.add(f"{year}年{phr.format(w=word)}")
    amount(total, concept, phr.format(w=word).replace("为", ""))
    phr, concept = rng.choice(
        [
            ("支出{w}总额为", "expenditure_total"),
            ("部门支出{w}", "expenditure_total"),
            ("本年支出{w}合计", "expenditure_current_year"),
        ]
    )
    d.add(f"，{phr.format(w=word)}")
    amount(total, concept, phr.format(w=word).replace("为", ""))
    d.line("。")

    d.line(f"{SUB[1]}支出{word}情况")
    d.add(f"{year}年支出{word}")
    amount(total, "expenditure_total", f"支出{word}", summarize=False)
    d.add("，其中：基本支出")
    amount(basic, "expenditure_basic", "基本支出")
    share = (Decimal(basic) * 100 / total).quantize(Decimal("0.01"))
    d.add("，占")
    d.fig(f"{share}%", "share", share, "percent", "expenditure_basic", "基本支出")
    d.add("；项目支出")
    amount(project, "expenditure_project", "项目支出")
    share = (Decimal(project) * 100 / total).quantize(Decimal("0.01"))
    d.add("，占")
    d.fig(f"{share}%", "share", share, "percent", "expenditure_project", "项目支出")
    d.line("。")

    personnel = money(rng, basic // 2, basic * 9 // 10)
    public = basic - personnel
    amounts(
        [
            ("基本支出中，人员经费", personnel, "expenditure_personnel", "人员经费"),
            ("，公用经费", public, "expenditure_public_funds", "公用经费"),
        ]
    )
    d.add(f"{year}年机关运行经费{word}")
    operating = money(rng, public // 3, public)
    amount(operating, "operating_funds", "机关运行经费")
    d.line("，主要用于办公及印刷费、水电费、办公设备购置等日常公用经费支出。")

    d.line(f"{SUB[2]}“三公”经费{word}情况")
    overseas = 0 if rng.random() < 0.4 else money(rng, 10_000, 300_000)
    vehicle = money(rng, 0, 600_000)
    reception = money(rng, 1_000, 200_000)
    three = overseas + vehicle + reception
    amounts(
        [
            (f"{year}年“三公”经费{word}", three, "three_public_total", "“三公”经费"),
            ("，其中：因公出国（境）费", overseas, "three_public_overseas", "因公出国（境）费"),
            ("，公务用车购置及运行费", vehicle, "three_public_vehicle_total", "公务用车购置及运行费"),
            ("，公务接待费", reception, "three_public_reception", "公务接待费"),
        ]
    )

    d.line(f"{SUB[3]}会议费和培训费")
    meeting, training = money(rng, 1_000, 200_000), money(rng, 1_000, 300_000)
    amounts([("会议费", meeting, "meeting_fee", "会议费"), ("，培训费", training, "training_fee", "培训费")])

    d.line(f"{SUB[4]}政府采购情况")
    procurement = money(rng, 10_000, max(20_000, total // 4))
    d.add(f"{year}年政府采购{word}总额")
    amount(procurement, "procurement_total", "政府采购总额")
    d.line("。")
    d.line(f"{SUB[5]}绩效目标设置及国有资产占用情况")
    n_projects = rng.randrange(2, 30)
    d.add(f"{year}年编报绩效目标的项目")
    d.fig(f"{n_projects}个", "count", Decimal(n_projects), "count", "performance_projects", "编报绩效目标的项目")
    d.add("，涉及项目支出")
    amount(project, "performance_project_amount", "涉及项目支出")
    d.line("，全部实行项目支出绩效目标管理。")
    vehicles = rng.randrange(1, 12)
    d.add(f"截至{year - 1}年12月31日，本部门共有车辆")
    d.fig(f"{vehicles}辆", "count", Decimal(vehicles), "count", "assets_vehicles", "车辆")
    d.line("，均为一般公务用车。")
    d.line()
    d.line(f"{heads[2]}名词解释")
    d.line("基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。")
    d.line("项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。")
    d.para("“三公”经费：指用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。")
    d.para(
        "机关运行经费：指为保障行政单位运行用于购买货物和服务的各项资金，包括办公及印刷费、邮电费、差旅费、"
        "会议费、福利费、日常维修费、专用材料及一般设备购置费、办公用房水电费、办公用房取暖费、办公用房物业"
        "管理费、公务用车运行维护费以及其他费用。"
    )
    d.para(
        "政府采购：指各级国家机关、事业单位和团体组织，使用财政性资金采购依法制定的集中采购目录以内的或者"
        "采购限额标准以上的货物、工程和服务的行为。"
    )

    gold = {
        "source": "",
        "complete": True,
        "document": {"agency": agency, "fiscal_year": year, "doc_kind": kind, "province": province, "city": city},
        "summary": {k: f"{Decimal(v):.2f}" for k, v in summary.items()},
        "facts": d.facts,
        "traps": [],
    }
    return d.text, gold, d.lines


def render_pdf(text: str, lines: list[tuple[int, int]], gold: dict, path: Path, per_page: int = 30) -> dict:
    """The text as a PDF (one printed line per stored line); gold located by page + surface."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    try:
        pdfmetrics.getFont("STSong-Light")
    except KeyError:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=(1000, 1000), invariant=1)
    page_of_line = []
    for i, (start, end) in enumerate(lines):
        if i and i % per_page == 0:
            c.showPage()
        c.setFont("STSong-Light", 9)
        c.drawString(30, 960 - (i % per_page) * 28, text[start:end])
        page_of_line.append(i // per_page + 1)
    c.save()
    facts = []
    for f in gold["facts"]:
        line = next(i for i, (s, e) in enumerate(lines) if s <= f["at"] < e)
        facts.append({k: v for k, v in f.items() if k != "at"} | {"page": page_of_line[line]})
    return {**gold, "format": "pdf", "facts": facts}


def generate(out: Path, n: int, seed: int = 7, pdf_share: float = 0.0) -> list[Path]:
    rng = random.Random(seed)
    places = regions()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        text, gold, lines = generate_one(rng, rng.choice(places))
        as_pdf = rng.random() < pdf_share
        name = f"synthetic-{seed}-{i:05d}" + (".pdf" if as_pdf else ".txt")
        gold["source"] = name
        if as_pdf:
            gold = render_pdf(text, lines, gold, out / name)
        else:
            (out / name).write_text(text, encoding="utf-8")
        (out / f"{name.rsplit('.', 1)[0]}.gold.json").write_text(
            json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        paths.append(out / name)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pdf-share", type=float, default=0.1)
    args = ap.parse_args()
    paths = generate(args.out, args.n, args.seed, args.pdf_share)
    print(f"{len(paths)} documents in {args.out}")


if __name__ == "__main__":
    main()
