"""Named projects read from a disclosure's tables (extractors/facts/project_tables.py):
project lists (专项业务经费支出表, 项目支出预算表: a 项目名称 column and an amount column) and
项目支出绩效目标表 forms. The rows below are typed from real disclosures (Xi'an 2019/2026,
Guangzhou 2026, Changsha 2026, Fuzhou 2026)."""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from gongkai.extractors.facts.project_tables import _leaves, _Row, document_projects, table_projects
from gongkai.extractors.load.pdf import load_pdf
from gongkai.extractors.load.text import LoadedDocument
from gongkai.extractors.model import Project
from gongkai.extractors.tables.model import Cell, Row, Table
from tests.pdf_fixtures import FONT, register_font

PAGE = landscape(A4)


def _pdf(pages: list[list[tuple[float, str]]], size: float = 9.0) -> bytes:
    """Pages of printed lines; each line is (top, [(x, text) …]) drawn at those x."""
    register_font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=PAGE, invariant=1)
    for page in pages:
        c.setFont(FONT, size)
        for top, words in page:
            for x, text in words:
                c.drawString(x, PAGE[1] - top, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def _load(pdf: bytes) -> LoadedDocument:
    return load_pdf("projects.pdf", pdf)


def _check_spans(doc: LoadedDocument, projects: list[Project]) -> None:
    for p in projects:
        raw = doc.text[p.char_start : p.char_end]
        assert p.char_start < p.char_end
        squeezed = "".join(raw.split())
        assert squeezed.startswith(p.name[:2]) or p.name[:2] in squeezed, raw


# 表10 2019年部门综合预算专项业务经费支出表 (西安市安全生产监督管理局), 单位：万元: unit rows
# carry a unit code and the sum of their projects; one project name wraps over two lines.
XIAN_LIST = [
    (40, [(50, "表10")]),
    (60, [(260, "2019年部门综合预算专项业务经费支出表")]),
    (80, [(700, "单位：万元")]),
    (100, [(60, "单位编码"), (170, "单位（项目）名称"), (330, "项目金额"), (560, "项目简介")]),
    (118, [(110, "合计"), (350, "1,620.98")]),
    (136, [(50, "125"), (110, "西安市安全生产监督管理局"), (350, "1,620.98")]),
    (154, [(60, "125001"), (120, "西安市安全生产监督管理局"), (350, "1,008.45")]),
    (172, [(130, "安全生产业务费（含聘请专家费用、许可证"), (400, "根据《安全生产法》的有关规定，贯彻落实")]),
    (190, [(130, "发放、标准化建设）"), (355, "958.45"), (400, "安全第一的工作方针。")]),
    (208, [(400, "申请市财政预算拨款958.45万元用于开展此项工作。")]),
    (226, [(130, "驻局纪检组专项经费"), (360, "50.00"), (400, "用于办公、差旅、办案等工作。")]),
    (244, [(60, "125002"), (120, "西安市安全生产宣传教育中心"), (350, "612.53")]),
    (262, [(130, "安全生产执法宣传经费"), (360, "15.00")]),
]
XIAN_NEXT_PAGE = [
    (60, [(130, "安全生产考核经费"), (355, "597.53"), (400, "特申请市财政专项预算。")]),
    (90, [(50, "表11")]),
    (110, [(260, "2019年部门综合预算财政拨款结转资金支出表")]),
]


def test_project_list_rows_are_projects_and_unit_rows_are_not():
    doc = _load(_pdf([XIAN_LIST, XIAN_NEXT_PAGE]))
    found = document_projects(doc, [])
    got = [(p.name, p.amount) for p in found]
    assert got == [
        ("安全生产业务费（含聘请专家费用、许可证发放、标准化建设）", Decimal("9584500.00")),
        ("驻局纪检组专项经费", Decimal("500000.00")),
        ("安全生产执法宣传经费", Decimal("150000.00")),
        ("安全生产考核经费", Decimal("5975300.00")),  # the list goes on on the next page
    ]
    _check_spans(doc, found)
    assert doc.text[found[1].char_start : found[1].char_end].replace(" ", "") == "驻局纪检组专项经费50.00"


# 表10 部门综合预算专项业务经费支出表 (西安市审计局 2026), 单位：元: category rows (通用项目,
# 大型活动 …) print the sum of the rows under them and are not projects.
AUDIT_LIST = [
    (60, [(320, "部门综合预算专项业务经费支出表")]),
    (80, [(750, "单位：元")]),
    (100, [(60, "单位编码"), (165, "单位（项目）名称"), (313, "项目金额"), (566, "项目简介")]),
    (118, [(154, "合计"), (314, "8,490,507.50")]),
    (136, [(48, "117"), (123, "西安市审计局"), (314, "8,490,507.50")]),
    (154, [(68, "117001"), (123, "西安市审计局"), (314, "8,490,507.50")]),
    (172, [(123, "通用项目"), (314, "3,650,000.00")]),
    (190, [(123, "大型活动"), (324, "150,000.00")]),
    (208, [(123, "审计培训"), (324, "150,000.00")]),
    (226, [(123, "购买服务（审计、绩效评价）"), (314, "3,500,000.00")]),
    (244, [(123, "购买中介机构审计服务"), (314, "3,500,000.00")]),
    (262, [(123, "专用项目"), (314, "4,840,507.50")]),
    (280, [(123, "审计业务经费"), (314, "4,840,507.50")]),
    (298, [(123, "审计事务"), (314, "2,858,680.00")]),
    (316, [(123, "审计专项补助经费"), (314, "1,000,000.00")]),
    (334, [(123, "审计专项补助经费（结转）"), (324, "981,827.50")]),
    (360, [(50, "注：本表反映专项业务经费支出。")]),
]


def test_category_rows_that_sum_the_rows_under_them_are_not_projects():
    doc = _load(_pdf([AUDIT_LIST]))
    got = [(p.name, p.amount) for p in document_projects(doc, [])]
    assert got == [
        ("审计培训", Decimal("150000.00")),
        ("购买中介机构审计服务", Decimal("3500000.00")),
        ("审计事务", Decimal("2858680.00")),
        ("审计专项补助经费", Decimal("1000000.00")),
        ("审计专项补助经费（结转）", Decimal("981827.50")),
    ]


# 表12 部门预算项目支出及其他支出预算表 (广州市信访局 2026): the name header wraps over lines,
# the amount column is 总计, a long 绩效目标 text stands right of the figures.
GUANGZHOU_LIST = [
    (60, [(316, "部门预算项目支出及其他支出预算表")]),
    (80, [(42, "单位名称：广州市信访局"), (738, "单位：万元")]),
    (100, [(46, "支出项目类别（资金使用单"), (477, "财政专")]),
    (112, [(191, "总计"), (297, "一般公共预"), (653, "绩效目标")]),
    (124, [(97, "位）"), (251, "合计")]),
    (140, [(94, "合计"), (201, "739.30"), (261, "739.30")]),
    (156, [(48, "广州市信访局"), (201, "739.30"), (261, "739.30")]),
    (172, [(68, "物业管理费"), (206, "99.00"), (266, "99.00"), (554, "做好物业管理服务工作。")]),
    (188, [(60, "市人民来访接待厅专项"), (554, "做好后勤保障工作，确保")]),
    (204, [(201, "145.00"), (261, "145.00"), (554, "接待大厅正常运转。")]),
    (220, [(90, "经费")]),
    (240, [(60, "云客服服务外包项目"), (201, "495.30"), (261, "495.30")]),
]


def test_wrapped_names_join_the_row_of_their_amount():
    doc = _load(_pdf([GUANGZHOU_LIST]))
    got = [(p.name, p.amount) for p in document_projects(doc, [])]
    assert got == [
        ("物业管理费", Decimal("990000.00")),
        ("市人民来访接待厅专项经费", Decimal("1450000.00")),
        ("云客服服务外包项目", Decimal("4953000.00")),
    ]


# Lists of other things are not project lists: 基本支出 by economic class, procurement.
BASIC_LIST = [
    (60, [(316, "部门预算基本支出预算表")]),
    (80, [(738, "单位：万元")]),
    (100, [(46, "支出项目类别（资金使用单位）"), (191, "总计")]),
    (140, [(94, "合计"), (201, "3,204.78")]),
    (156, [(48, "工资福利支出"), (201, "2,577.42")]),
    (172, [(48, "商品和服务支出"), (201, "627.36")]),
]


def test_a_basic_expenditure_list_has_no_projects():
    assert document_projects(_load(_pdf([BASIC_LIST])), []) == []


def test_a_list_without_a_printed_unit_is_not_read():
    no_unit = [line for line in XIAN_LIST if "单位：万元" not in str(line)]
    assert document_projects(_load(_pdf([no_unit])), []) == []


# 2026年项目支出绩效目标表 (长沙市信访局): the project's row is printed again at the top of
# each page the form continues on; it is one project.
CHANGSHA_PAGE = [
    (60, [(538, "2026年项目支出绩效目标表")]),
    (80, [(29, "部门名称：长沙市信访局"), (780, "单位：万元")]),
    (100, [(38, "单位编码"), (128, "单位（项目）名称"), (262, "资金总额"), (365, "绩效目标")]),
    (118, [(29, "合计"), (290, "35.78")]),
    (136, [(29, "126001"), (88, "长沙市信访局"), (290, "35.78")]),
    (154, [(38, "126001"), (97, "信访业务工作专项"), (294, "35.78"), (496, "经济成本指标")]),
]


def test_a_row_repeated_on_the_next_page_is_one_project():
    doc = _load(_pdf([CHANGSHA_PAGE, CHANGSHA_PAGE]))
    got = [(p.name, p.amount) for p in document_projects(doc, [])]
    assert got == [("信访业务工作专项", Decimal("357800.00"))]


def test_a_project_the_prose_already_names_is_not_repeated():
    doc = _load(_pdf([AUDIT_LIST]))
    prose = [Project("审计事务", Decimal("2858680.00"), "审计业务", 0, 5)]
    names = [p.name for p in document_projects(doc, prose)]
    assert "审计事务" not in names and "审计培训" in names


def test_subtotals_bottom_up():
    def row(name: str, value: str, code: bool = False) -> _Row:
        cell = Cell(name, (0, 0, 0, 0), 1)
        return _Row(cell, cell, Decimal(value), code)

    rows = [row("通用项目", "300"), row("大型活动", "100"), row("审计培训", "100"), row("购买服务", "200")]
    assert [r.name.raw for r in _leaves(rows)] == ["审计培训", "购买服务"]
    # two neighbouring projects of the same amount in a flat list are both projects
    flat = [row("社会保险工作经费", "28.5"), row("全民参保计划工作经费", "28.5"), row("援藏慰问经费", "6")]
    assert len(_leaves(flat)) == 3


# 项目支出绩效目标表 forms (福州市 2026): 项目名称 and 资金总额 in a ruled form; the unit is in the
# label (专项资金情况（万元）).
def _cell(raw: str, x0: float, top: float, role: str = "text") -> Cell:
    return Cell(raw, (x0, top, x0 + 9.0 * len(raw), top + 9.0), 1, role=role)


def _form_document() -> LoadedDocument:
    cells = [
        [_cell("项目名称", 50, 100), _cell("警务辅助人员经费", 150, 100)],
        [_cell("主管部门", 50, 120), _cell("福州市公安局", 150, 120)],
        [_cell("专项资金情况（万元）", 50, 140), _cell("资金总额", 240, 140), _cell("44.47", 330, 140, "amount")],
        [_cell("财政拨款", 240, 160), _cell("44.47", 330, 160, "amount")],
    ]
    text, boxes = "", []
    for row in cells:
        for c in row:
            w = (c.bbox[2] - c.bbox[0]) / len(c.raw)
            for k, ch in enumerate(c.raw):
                text += ch
                boxes.append((c.bbox[0] + k * w, c.bbox[1], c.bbox[0] + (k + 1) * w, c.bbox[3]))
            text += " "
            boxes.append(None)
        text += "\n"
        boxes.append(None)
    table = Table(
        kind="performance_targets",
        title="警务辅助人员经费项目绩效目标表",
        number=None,
        pages=[1],
        unit="元",
        unit_source="default",
        header=[],
        columns=[],
        rows=[Row(i, 1, row) for i, row in enumerate(cells)],
    )
    return LoadedDocument("form.pdf", "0", "application/pdf", "utf-8", text, (0,), tuple(boxes), (table,))


def test_a_performance_form_names_one_project_with_its_amount():
    doc = _form_document()
    found = table_projects(doc)
    assert [(p.name, p.amount) for p in found] == [("警务辅助人员经费", Decimal("444700.00"))]
    raw = doc.text[found[0].char_start : found[0].char_end]
    assert raw.startswith("警务辅助人员经费") and raw.endswith("44.47")


def test_a_form_repeating_a_listed_project_is_not_a_second_project():
    doc = _form_document()
    listed = [Project("警务辅助人员经费", Decimal("444700.00"), None, 0, 8)]
    assert document_projects(doc, listed) == []


# 项目支出绩效目标表 of a web page whose text has one cell per line (烟台市 2026).
WEB_FORMS = "\n".join(
    [
        "项目支出绩效目标表",
        "项目名称",
        "实施公车统管费用",
        "主管部门及代码",
        "338_烟台市退役军人事务局",
        "实施单位",
        "烟台市退役军人事务局",
        "项目资金",
        "（万元）",
        "年度预算资金总额：",
        "15.00",
        "其中：财政拨款",
        "15.00",
        "\u3000\u3000\u3000其他资金",
        "0.00",
        "总体目标",
        "实行公车统管，统一调度。",
        "\xa0",
        "项目名称",
        "医疗设备及耗材购置等",
        "实施单位",
        "烟台市莱州荣军医院",
        "项目资金",
        "（万元）",
        "年度预算资金总额：",
        "1149.00",
        "项目名称",
        "没有金额的项目",
        "实施单位",
        "烟台市退役军人服务中心",
    ]
)


def test_forms_of_a_text_with_one_cell_per_line():
    doc = LoadedDocument("forms.html", "0", "text/html", "utf-8", WEB_FORMS)
    found = document_projects(doc, [])
    assert [(p.name, p.amount) for p in found] == [
        ("实施公车统管费用", Decimal("150000.00")),
        ("医疗设备及耗材购置等", Decimal("11490000.00")),
    ]
    raw = WEB_FORMS[found[0].char_start : found[0].char_end]
    assert raw.startswith("实施公车统管费用") and raw.endswith("15.00")


def test_a_text_form_without_a_unit_is_not_read():
    doc = LoadedDocument("forms.html", "0", "text/html", "utf-8", WEB_FORMS.replace("（万元）", "资金"))
    assert document_projects(doc, []) == []


# 表十二 年市级一般性项目绩效目标表 (一级项目) (重庆市气象局 2026): the amount's header is
# printed over two lines (当年财政拨 / 款预算金额) beside the one-line 项目名称; the indicator
# columns right of it hold other numbers.
CHONGQING_LIST = [
    (40, [(50, "表十二")]),
    (60, [(200, "2026年市级一般性项目绩效目标表（一级项目）")]),
    (80, [(40, "资金主管部门:重庆市气象局"), (700, "单位:万元")]),
    (100, [(150, "当年财政拨"), (560, "指标"), (600, "计量")]),
    (112, [(40, "序号"), (80, "项目名称"), (260, "当年绩效目标"), (420, "指标名称"), (520, "指标值")]),
    (124, [(150, "款预算金额"), (560, "性质"), (600, "单位")]),
    (140, [(420, "气候预测准确率")]),
    (152, [(520, "≥"), (540, "68"), (600, "%"), (640, "12")]),
    (164, [(40, "1"), (80, "气象事务"), (150, "4,902.34"), (240, "城经济圈气象保障。"), (420, "观测系统业务可用性")]),
    (176, [(520, "≥"), (540, "98"), (600, "%"), (640, "5")]),
]


def test_an_amount_header_printed_over_two_lines():
    doc = _load(_pdf([CHONGQING_LIST]))
    got = [(p.name, p.amount) for p in document_projects(doc, [])]
    assert got == [("气象事务", Decimal("49023400.00"))]
