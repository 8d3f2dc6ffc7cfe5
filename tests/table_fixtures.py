"""Synthetic disclosure tables drawn with reportlab, with the values they print.

``build_tables_pdf(path)`` writes a five-page PDF:

1. a table of contents naming the tables (must yield no table);
2. a RULED 收支总表 (公开01表, 单位：万元), income and expenditure side by side,
   two header levels (收入 / 项目, 预算数 …);
3. a RULED 一般公共预算支出表 (公开02表, 单位：元) by function with 类/款/项 codes
   (201 → 20103 → 2010301) and columns 合计 / 基本支出 / 项目支出; it runs over
   onto page 4 without a title and without repeating its header;
4. the continuation, then an UNRULED 一般公共预算基本支出表 (公开03表, 单位：万元):
   positioned text only, a spanning header (一般公共预算基本支出 over 合计 / 人员经费 /
   公用经费) and a label wrapped onto a second line;
5. an empty 政府性基金预算支出表 (公开04表) that states 本表为空, and a ruled
   国有资本经营预算支出表 (公开05表) whose rows carry no codes: the hierarchy shows only
   in the indentation of the names (STATE_ROWS).

The expected values live in this module (SUMMARY, FUNCTION_ROWS, BASIC_ROWS): the
tests compare the extraction with them, never with numbers copied by hand.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
W, H = A4  # 595.27 x 841.89 points

# --- what the tables print ---------------------------------------------------------------------
# 收支总表 (万元): (income label, income amount, expenditure label, expenditure amount)
SUMMARY = [
    ("一、一般公共预算拨款收入", "1,200.50", "一、一般公共服务支出", "900.25"),
    ("二、政府性基金预算拨款收入", "", "二、社会保障和就业支出", "200.00"),
    ("", "", "三、住房保障支出", "100.25"),
    ("收入总计", "1,200.50", "支出总计", "1,200.50"),
]

# 一般公共预算支出表 (元): (code, name, 合计, 基本支出, 项目支出); 合计 = 基本 + 项目 on every row
FUNCTION_ROWS = [
    ("201", "一般公共服务支出", "9,002,500.00", "5,002,500.00", "4,000,000.00"),
    ("20103", "政府办公厅（室）及相关机构事务", "9,002,500.00", "5,002,500.00", "4,000,000.00"),
    ("2010301", "行政运行", "5,002,500.00", "5,002,500.00", "0.00"),
    ("2010302", "一般行政管理事务", "4,000,000.00", "0.00", "4,000,000.00"),
    ("208", "社会保障和就业支出", "2,000,000.00", "2,000,000.00", "0.00"),
    ("20805", "行政事业单位养老支出", "2,000,000.00", "2,000,000.00", "0.00"),
    ("2080505", "机关事业单位基本养老保险缴费支出", "1,333,333.33", "1,333,333.33", "0.00"),
    ("2080506", "机关事业单位职业年金缴费支出", "666,666.67", "666,666.67", "0.00"),
    ("221", "住房保障支出", "1,002,500.00", "1,002,500.00", "0.00"),
    ("22102", "住房改革支出", "1,002,500.00", "1,002,500.00", "0.00"),
    ("2210201", "住房公积金", "1,002,500.00", "1,002,500.00", "0.00"),
    ("", "合计", "12,005,000.00", "8,005,000.00", "4,000,000.00"),
]
FUNCTION_ROWS_ON_FIRST_PAGE = 7  # the rest continue on the next page

# 一般公共预算基本支出表 (万元), unruled: (code, name, 合计, 人员经费, 公用经费); a name with a
# second line is printed wrapped
BASIC_ROWS = [
    ("301", "工资福利支出", "600.00", "600.00", ""),
    ("30101", "基本工资", "350.00", "350.00", ""),
    ("30108", "机关事业单位基本养老保险|缴费", "133.33", "133.33", ""),
    ("30113", "住房公积金", "116.67", "116.67", ""),
    ("302", "商品和服务支出", "200.25", "", "200.25"),
    ("30201", "办公费", "150.25", "", "150.25"),
    ("30211", "差旅费", "50.00", "", "50.00"),
    ("", "合计", "800.25", "600.00", "200.25"),
]

# 国有资本经营预算支出表 (元), ruled, no codes: (indent level 1-3, name, amount)
STATE_ROWS = [
    (1, "一般公共服务支出", "30,000.00"),
    (2, "国有资本经营预算支出", "30,000.00"),
    (3, "解决历史遗留问题及改革成本支出", "20,000.00"),
    (3, "其他国有资本经营预算支出", "10,000.00"),
    (1, "合计", "30,000.00"),
]


def yuan(text: str, unit: str) -> Decimal:
    """The value a printed cell stands for, in yuan."""
    return Decimal(text.replace(",", "")) * (10000 if unit == "万元" else 1)


# --- drawing -----------------------------------------------------------------------------------
class _Page:
    def __init__(self, c: canvas.Canvas):
        self.c = c

    def text(self, x: float, top: float, s: str, size: float = 10, align: str = "left") -> None:
        """Draw `s` with its top at `top` (points from the top of the page)."""
        self.c.setFont(FONT, size)
        y = H - top - size * 0.88
        if align == "left":
            self.c.drawString(x, y, s)
        elif align == "right":
            self.c.drawRightString(x, y, s)
        else:
            self.c.drawCentredString(x, y, s)

    def hline(self, x0: float, x1: float, top: float) -> None:
        self.c.line(x0, H - top, x1, H - top)

    def vline(self, x: float, top: float, bottom: float) -> None:
        self.c.line(x, H - top, x, H - bottom)


def _grid(p: _Page, xs: list[float], tops: list[float], skip_v: dict[int, set[int]] | None = None) -> None:
    """Lines of a ruled grid: column edges xs, row edges tops; skip_v[row] = inner edges not drawn."""
    skip_v = skip_v or {}
    for t in tops:
        p.hline(xs[0], xs[-1], t)
    for r, (t0, t1) in enumerate(zip(tops, tops[1:])):
        for i, x in enumerate(xs):
            if i in skip_v.get(r, set()):
                continue
            p.vline(x, t0, t1)


def _cell(p: _Page, xs, k: int, top: float, s: str, align: str = "left", span: int = 1, size: float = 10) -> None:
    if not s:
        return
    x0, x1 = xs[k], xs[k + span]
    if align == "right":
        p.text(x1 - 4, top, s, size, "right")
    elif align == "center":
        p.text((x0 + x1) / 2, top, s, size, "center")
    else:
        p.text(x0 + 4, top, s, size)


ROW = 20.0


def _toc(p: _Page) -> None:
    p.text(W / 2, 80, "目 录", 16, "center")
    for i, line in enumerate(
        [
            "一、部门收支总表 …………………… 2",
            "二、一般公共预算支出表 …………………… 3",
            "三、一般公共预算基本支出表 …………………… 4",
            "四、政府性基金预算支出表 …………………… 5",
        ]
    ):
        p.text(90, 130 + i * 24, line, 12)
    p.text(90, 260, "各表详见附件，本部门2024年收入预算1,200.50万元，其中：一般公共预算拨款收入1,200.50万元。", 10)


def _summary(p: _Page) -> None:
    p.text(W - 60, 50, "公开01表", 10, "right")
    p.text(W / 2, 70, "2024年部门收支总表", 16, "center")
    p.text(W - 60, 100, "单位：万元", 10, "right")
    xs = [60, 220, 300, 460, W - 60]
    tops = [118 + ROW * i for i in range(3 + len(SUMMARY))]
    _grid(p, xs, tops, skip_v={0: {1, 3}})
    _cell(p, xs, 0, tops[0] + 5, "收入", "center", span=2)
    _cell(p, xs, 2, tops[0] + 5, "支出", "center", span=2)
    for k, h in enumerate(["项目", "预算数", "项目", "预算数"]):
        _cell(p, xs, k, tops[1] + 5, h, "center")
    for i, (il, ia, el, ea) in enumerate(SUMMARY):
        top = tops[2 + i] + 5
        _cell(p, xs, 0, top, il)
        _cell(p, xs, 1, top, ia, "right")
        _cell(p, xs, 2, top, el)
        _cell(p, xs, 3, top, ea, "right")


_FX = [40, 100, 290, 390, 470, W - 40]


def _function_header(p: _Page, top: float) -> list[float]:
    tops = [top, top + ROW, top + 2 * ROW]
    _grid(p, _FX, tops, skip_v={0: {1, 3, 4}})
    _cell(p, _FX, 0, tops[0] + 5, "项目", "center", span=2)
    _cell(p, _FX, 2, tops[0] + 5, "一般公共预算支出", "center", span=3)
    for k, h in enumerate(["科目编码", "科目名称", "合计", "基本支出", "项目支出"]):
        _cell(p, _FX, k, tops[1] + 5, h, "center")
    return tops


def _function_rows(p: _Page, rows, top: float) -> None:
    tops = [top + ROW * i for i in range(len(rows) + 1)]
    _grid(p, _FX, tops)
    for i, (code, name, total, basic, project) in enumerate(rows):
        t = tops[i] + 5
        indent = {3: 0, 5: 10, 7: 20}.get(len(code), 0)
        _cell(p, _FX, 0, t, code)
        p.text(_FX[1] + 4 + indent, t, name, 10)
        for k, v in ((2, total), (3, basic), (4, project)):
            _cell(p, _FX, k, t, v, "right")


def _function_table_start(p: _Page) -> None:
    p.text(W - 40, 50, "公开02表", 10, "right")
    p.text(W / 2, 70, "2024年一般公共预算支出表", 16, "center")
    p.text(W - 40, 100, "单位：元", 10, "right")
    tops = _function_header(p, 118)
    # rows run to the bottom of the page
    _function_rows(p, FUNCTION_ROWS[:FUNCTION_ROWS_ON_FIRST_PAGE], tops[-1])
    p.text(W / 2, H - 40, "- 3 -", 9, "center")


def _function_table_end_and_basic(p: _Page) -> None:
    _function_rows(p, FUNCTION_ROWS[FUNCTION_ROWS_ON_FIRST_PAGE:], 60)
    # the unruled table: text only, right-aligned figures
    top = 60 + ROW * (len(FUNCTION_ROWS) - FUNCTION_ROWS_ON_FIRST_PAGE) + 50
    p.text(W - 50, top, "公开03表", 10, "right")
    p.text(W / 2, top + 20, "2024年一般公共预算基本支出表", 16, "center")
    p.text(W - 50, top + 50, "单位：万元", 10, "right")
    xc = {"code": 50, "name": 120, "total": 390, "personnel": 465, "public": W - 50}
    t = top + 75
    p.text(85, t, "项目", 10, "center")
    p.text(465, t, "一般公共预算基本支出", 10, "center")
    t += 18
    p.text(75, t, "科目编码", 10, "center")
    p.text(180, t, "科目名称", 10, "center")
    for key, label in (("total", "合计"), ("personnel", "人员经费"), ("public", "公用经费")):
        p.text(xc[key] - 20, t, label, 10, "center")
    t += 24
    for code, name, total, personnel, public in BASIC_ROWS:
        first, _, second = name.partition("|")
        p.text(xc["code"], t, code, 10)
        p.text(xc["name"] if code else xc["name"] + 30, t, first, 10)
        p.text(xc["total"], t, total, 10, "right")
        if personnel:
            p.text(xc["personnel"], t, personnel, 10, "right")
        if public:
            p.text(xc["public"], t, public, 10, "right")
        if second:
            t += 12
            p.text(xc["name"], t, second, 10)
        t += 20
    p.text(50, t + 10, "注：人员经费和公用经费按经济分类科目归集。", 9)


def _empty_fund(p: _Page) -> None:
    p.text(W - 40, 50, "公开04表", 10, "right")
    p.text(W / 2, 70, "2024年政府性基金预算支出表", 16, "center")
    p.text(W - 40, 100, "单位：元", 10, "right")
    tops = _function_header(p, 118)
    _grid(p, _FX, [tops[-1], tops[-1] + ROW])
    _cell(p, _FX, 0, tops[-1] + 5, "合计", "center", span=2)
    p.text(40, tops[-1] + ROW + 10, "注：本部门2024年无政府性基金预算财政拨款安排的预算，本表为空。", 10)
    # a table without codes: levels show in the indentation only
    top = tops[-1] + ROW + 60
    p.text(W - 40, top, "公开05表", 10, "right")
    p.text(W / 2, top + 20, "2024年国有资本经营预算支出表", 16, "center")
    p.text(W - 40, top + 50, "单位：元", 10, "right")
    xs = [40, 360, W - 40]
    rtops = [top + 68 + ROW * i for i in range(len(STATE_ROWS) + 2)]
    _grid(p, xs, rtops)
    _cell(p, xs, 0, rtops[0] + 5, "功能分类科目名称", "center")
    _cell(p, xs, 1, rtops[0] + 5, "金额", "center")
    for i, (level, name, amount) in enumerate(STATE_ROWS):
        t = rtops[1 + i] + 5
        p.text(xs[0] + 4 + 20 * (level - 1) if name != "合计" else (xs[0] + xs[1]) / 2 - 10, t, name, 10)
        _cell(p, xs, 1, t, amount, "right")


def build_tables_pdf(path: str | Path) -> Path:
    """Write the synthetic five-page disclosure to `path` and return it."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    path = Path(path)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for draw in (_toc, _summary, _function_table_start, _function_table_end_and_basic, _empty_fund):
        c.setLineWidth(0.6)
        draw(_Page(c))
        c.showPage()
    c.save()
    return path


if __name__ == "__main__":  # python tests/table_fixtures.py /tmp/tables.pdf
    import sys

    print(build_tables_pdf(sys.argv[1] if len(sys.argv) > 1 else "synthetic_tables.pdf"))
