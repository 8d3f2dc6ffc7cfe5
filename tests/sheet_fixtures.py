"""Spreadsheet fixtures built in memory: an .xlsx (openpyxl) and, when xlwt is installed, an .xls."""

from __future__ import annotations

import io
from pathlib import Path

SUMMARY_ROWS = [
    ("一、一般公共预算拨款收入", 1234.56, "一、一般公共服务支出", 1000.5),
    ("二、政府性基金预算拨款收入", 0, "二、教育支出", 234.06),
    ("收入总计", 1234.56, "支出总计", 1234.56),
]
# (code, name, 合计, 基本支出, 项目支出) in 万元
EXPENDITURE_ROWS = [
    (None, "合计", 300.5, 200.25, 100.25),
    (201, "一般公共服务支出", 300.5, 200.25, 100.25),
    (20103, "政府办公厅（室）及相关机构事务", 300.5, 200.25, 100.25),
    (2010301, "行政运行", 200.25, 200.25, 0),
    (2010302, "一般行政管理事务", 100.25, 0, 100.25),
]


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "收支总表"
    ws.append(["2024年部门收支总表"])
    ws.merge_cells("A1:D1")
    ws.append([None, None, None, "单位：万元"])
    ws.append(["收入", None, "支出", None])
    ws.merge_cells("A3:B3")
    ws.merge_cells("C3:D3")
    ws.append(["项目", "预算数", "项目", "预算数"])
    for row in SUMMARY_ROWS:
        ws.append(list(row))

    ws = wb.create_sheet("支出")
    ws.append(["公开03表", None, None, None, None])
    ws.append(["一般公共预算支出表"])
    ws.merge_cells("A2:E2")
    ws.append(["单位：万元"])
    ws.append(["功能分类科目", None, "合计", "基本支出", "项目支出"])
    ws.merge_cells("A4:B4")
    ws.merge_cells("C4:C5")
    ws.merge_cells("D4:D5")
    ws.merge_cells("E4:E5")
    ws.append(["科目编码", "科目名称", None, None, None])
    for row in EXPENDITURE_ROWS:
        ws.append(list(row))

    ws = wb.create_sheet("Sheet3")
    ws.append(["一般公共预算基本支出表"])
    ws.append(["单位：元"])
    ws.append(["项目", "合计"])
    ws.append(["30101 基本工资", "12345.67"])  # amount stored as text, code in the label
    ws.append(["30102 津贴补贴", 500])
    ws.append([])
    ws.append(["“三公”经费支出表"])
    ws.append(["单位：万元"])
    ws.append(["项目", "合计"])
    ws.append(["公务接待费", 1.2])
    ws.append(["因公出国（境）费用", 0.35])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xls_bytes() -> bytes | None:
    """The 一般公共预算支出表 as a legacy .xls, or None without xlwt."""
    try:
        import xlwt
    except ImportError:
        return None
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("一般公共预算支出表")
    ws.write_merge(0, 0, 0, 4, "一般公共预算支出表")
    ws.write(1, 4, "单位：万元")
    ws.write_merge(2, 2, 0, 1, "功能分类科目")
    ws.write_merge(2, 3, 2, 2, "合计")
    ws.write_merge(2, 3, 3, 3, "基本支出")
    ws.write_merge(2, 3, 4, 4, "项目支出")
    ws.write(3, 0, "科目编码")
    ws.write(3, 1, "科目名称")
    for i, row in enumerate(EXPENDITURE_ROWS, start=4):
        for j, v in enumerate(row):
            if v is not None:
                ws.write(i, j, v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def page_with_attachment(directory: Path) -> list[Path]:
    """A web page of the seed's disclosure linking to a spreadsheet of its tables (both
    written into ``directory``): one disclosure in two files."""
    page = directory / "page.html"
    page.write_text(
        """<html><head><meta charset="utf-8"></head><body><div class="content">
<h2>怀化市政务服务中心2024年部门预算说明</h2>
<p>一、部门收支总体情况。支出预算1094.8万元，其中基本支出439.56万元，项目支出655.24万元。</p>
<p>附件：<a href="/files/2024%E5%B9%B4%E5%85%AC%E5%BC%80%E8%A1%A8.xlsx">2024年公开表</a></p>
</div></body></html>""",
        encoding="utf-8",
    )
    sheet = directory / "2024年公开表.xlsx"
    sheet.write_bytes(xlsx_bytes())
    return [page, sheet]
