"""Table-driven tests of extractors/text/numbers.py, grouped by provenance.

Like price-parser's tests/test_price_parsing.py: every case is one row, and
one parametrized test runs them all. REAL rows are copied verbatim from
published disclosures (the document is named in a comment); the texts are
literals here, nothing under /work/shared is read at run time.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from gongkai.extractors.text.normalize import normalize
from gongkai.extractors.text.numbers import (
    Quantity,
    QuantityMatch,
    find_quantities,
    parse_quantity,
    parse_unit_header,
)

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Case:
    text: str
    value: str | None  # expected value (as a decimal string), None: not a quantity
    unit: str | None = None  # yuan / percent / count
    unit_text: str | None = None  # checked when given
    resolution: str | None = None  # checked when given
    negative: bool = False
    default_unit: str | None = None


def _param(group: str, case: Case, marks=()):
    return pytest.param(
        case, id=f"{group}:{case.text!r}" + (f"[{case.default_unit}]" if case.default_unit else ""), marks=marks
    )


# --- REAL: copied from published documents -------------------------------------------------
REAL = [
    # huaihua-zwfwzx-2024-budget (怀化市政务服务中心 2024 部门预算, the seed)
    Case("1094.8万元", "10948000", "yuan", "万元", "1000"),
    Case("88.87万元", "888700", "yuan", "万元", "100"),
    Case("8.8%", "8.8", "percent", "%", "0.1"),
    Case("40.15%", "40.15", "percent", "%", "0.01"),
    Case("0.45万元", "4500", "yuan", "万元", "100"),
    Case("36万元", "360000", "yuan", "万元", "10000"),
    Case("50 万元", "500000", "yuan", "万元"),  # "单位价值50 万元以上"
    Case("100 万元", "1000000", "yuan", "万元"),
    Case("17个", "17", "count", "个", "1"),
    Case("10个", "10", "count", "个"),
    Case("1辆", "1", "count", "辆"),
    Case("1台", "1", "count", "台"),
    Case("200人", "200", "count", "人"),
    Case("90人", "90", "count", "人"),
    # fj_pt_gongan_2015_final.html (平潭公安局 2015 决算): mixed 亿元, full-width ％
    Case("0.039118亿元", "3911800", "yuan", "亿元", "100"),
    Case("0亿元", "0", "yuan", "亿元"),
    Case("20808.97万元", "208089700", "yuan", "万元", "100"),
    Case("240％", "240", "percent", "%", "1"),
    Case("43.22 %", "43.22", "percent", "%"),
    Case("7.31万元", "73100", "yuan", "万元"),
    Case("3人次", "3", "count", "人次"),
    Case("570批次", "570", "count", "批次"),
    Case("4420人", "4420", "count", "人"),
    Case("109辆", "109", "count", "辆"),
    # fj_pt_suao_2017_final.html (苏澳镇 2017 决算): thousands separators; 万 missing in the source
    Case("1,848.51万元", "18485100", "yuan", "万元", "100"),
    Case("1,812.00万元", "18120000", "yuan", "万元", "100"),
    Case("0.00万元", "0", "yuan", "万元", "100"),
    Case("125.99元", "125.99", "yuan", "元", "0.01"),
    Case("70.29％", "70.29", "percent", "%"),
    # fj_pt_fayuan_2016_final.html (平潭法院 2016 决算)
    Case("56.09 万元", "560900", "yuan", "万元"),
    Case("13.8%", "13.8", "percent", "%"),
    # fj_pt_jiaotong_2015_budget.html
    Case("27935.04万元", "279350400", "yuan", "万元"),
    # sh_pt_sfj_2026_dept_budget.pdf (普陀区司法局 2026 预算): table cells under 单位：元
    Case("96,282,213.44", "96282213.44", "yuan", "", "0.01", default_unit="元"),
    Case("87267272.44", "87267272.44", "yuan", "", default_unit="元"),
    Case("0.00", "0", "yuan", "", "0.01", default_unit="元"),
    Case("9628.22万元", "96282200", "yuan", "万元"),
    # sh_pt_czj_2025_dept_budget.pdf (普陀区财政局 2025 预算)
    Case("100,000.00", "100000", "yuan", "", "0.01", default_unit="元"),
    Case("1808.29 万元", "18082900", "yuan", "万元"),
    Case("6.69%", "6.69", "percent", "%"),
    # js_swbgt_2019_budget_tables.pdf (江苏省委办公厅 2019): 单位：万元
    Case("27,664.22", "276642200", "yuan", "", "100", default_unit="万元"),
    Case("2,938.21", "29382100", "yuan", "", default_unit="万元"),
    # js_rdbgt_2017_budget.pdf (江苏省人大常委会办公厅 2017)
    Case("10528.33 万元", "105283300", "yuan", "万元"),
    # sh_pt_wanli_2023_dept_budget.pdf (万里街道 2023 预算)
    Case("818台", "818", "count", "台"),
    Case("471项", "471", "count", "项"),
    Case("12277.73万元", "122777300", "yuan", "万元"),
    Case("20万", "200000", "yuan", "万", "10000"),  # "台式计算机（20万以下）"
    # the seed's 机构设置 (a count of people the gold does not list)
    Case("3名", "3", "count", "名"),
]

# --- what other libraries get wrong ------------------------------------------------------------
BUGS_OF_OTHER_LIBRARIES = [
    # cn2an-style readers take the 万 after 点 as a digit place: 80000
    Case("一千零九十四点八万元", "10948000", "yuan", "万元", "1000"),
    # full-width digits and full stop: 125000, not 12 or 5
    Case("１２．５万元", "125000", "yuan", "万元", "1000"),
    # the magnitude survives a direction word right before it (the caller reads 减少)
    Case("0.8万元", "8000", "yuan", "万元"),
    Case("-0.8万元", "8000", "yuan", "万元", "1000", negative=True),
    Case("－0.8万元", "8000", "yuan", "万元", negative=True),
    Case("零点五万元", "5000", "yuan", "万元", "1000"),
    Case("十二万元", "120000", "yuan", "万元", "10000"),
    Case("两千元", "2000", "yuan", "元", "1000"),
    Case("三亿五千万元", "350000000", "yuan", "元"),
    Case("一亿零五万元", "100050000", "yuan", "元"),
    Case("一万零五元", "10005", "yuan", "元", "1"),
    Case("一万五千元", "15000", "yuan", "元", "1000"),
    Case("一万五元", "15000", "yuan"),  # colloquial: 一万五 = 15000
    Case("壹万元整", "10000", "yuan", "万元", "0.01"),
    Case("壹佰贰拾叁元肆角伍分", "123.45", "yuan", "元", "0.01"),
    Case("叁万伍仟元", "35000", "yuan", "元", "0.01"),
    Case("叁佰元零伍分", "300.05", "yuan", "元", "0.01"),
    Case("壹拾万元整", "100000", "yuan", "万元", "0.01"),
    Case("百分之八点八", "8.8", "percent", "百分之", "0.1"),
    Case("百分之百", "100", "percent", "百分之"),
    Case("百分之五十", "50", "percent", "百分之"),
    Case("百分之8.8", "8.8", "percent", "百分之", "0.1"),
    Case("1,234,567.89元", "1234567.89", "yuan", "元", "0.01"),
    Case("50万", "500000", "yuan", "万"),
    Case("3亿", "300000000", "yuan", "亿", "100000000"),
    Case("5千元", "5000", "yuan", "千元", "1000"),
    Case("1.2万亿元", "1200000000000", "yuan", "万亿元"),
    Case("2.5个百分点", "2.5", "percent", "个百分点", "0.1"),
    Case("439.56", "4395600", "yuan", "", "100", default_unit="万元"),
    Case("  439.56 ", "4395600", "yuan", "", default_unit="万元"),
    Case("36", "360000", "yuan", "", "10000", default_unit="万元"),
    Case("12.5", "12.5", "percent", "", default_unit="%"),
    Case("0万\n元", "0", "yuan", "万元"),  # sh_pt_sfj_2026: a PDF line break inside the unit
]

# --- traps: not quantities -----------------------------------------------------------------------
NO_AMOUNT = [
    Case("", None),
    Case("   ", None),
    Case("abc", None),
    Case("2024年", None),
    Case("2024年", None, default_unit="万元"),
    Case("1.2024年", None),
    Case("1.2024年", None, default_unit="万元"),
    Case("2023年12月31日", None),
    Case("2024.1.1", None),
    Case("2024.1.1", None, default_unit="万元"),
    Case("2010301", None),
    Case("[2010301]", None),
    Case("[2010301]", None, default_unit="万元"),
    Case("科目编码：229", None),
    Case("第3页", None),
    Case("第3页", None, default_unit="万元"),
    Case("- 3 -", None),
    Case("3/25", None),
    Case("3/25", None, default_unit="万元"),
    Case("0745-2714000", None),
    Case("0745-2714000", None, default_unit="元"),
    Case("“三公”", None),
    Case("三公", None),
    Case("一般公共预算", None),
    Case("一名", None),
    Case("万元", None),
    Case("百万元", None),
    Case("几十万元", None),
    Case("万里街道", None),
    Case("8，9万元", None),  # the Chinese comma is never a thousands separator
    Case("1,2345元", None),  # a separator needs groups of three
    Case("1.5个", None),  # counts are integers
    Case("05项", None),  # a code: counts have no leading zero
    Case("2-3次", None),  # a range is not one quantity (find_quantities reports it)
    Case("单位：万元", None),
    Case("3个月", None),
    Case("一元化", None),
    Case("50万元以上", None),  # parse_quantity wants exactly one quantity
]

# --- knowingly unsupported: must keep failing until someone implements them ----------------------
STRICT_XFAIL = [
    Case("3万5千元", "35000", "yuan"),  # arabic digits mixed with 万/千 inside the number
    Case("1 234 567.89元", "1234567.89", "yuan"),  # blank as thousands separator
    Case("负0.8万元", "8000", "yuan", negative=True),
    Case("8.8‰", "0.88", "percent"),
    Case("五万", "50000", "yuan"),  # Chinese numerals need 元 (五万 may be people)
    Case("一万多元", "10000", "yuan"),  # approximations are not parsed
]

PARSE_CASES = (
    [_param("real", c) for c in REAL]
    + [_param("bugs_of_other_libraries", c) for c in BUGS_OF_OTHER_LIBRARIES]
    + [_param("no_amount", c) for c in NO_AMOUNT]
    + [_param("strict_xfail", c, marks=pytest.mark.xfail(strict=True)) for c in STRICT_XFAIL]
)


@pytest.mark.parametrize("case", PARSE_CASES)
def test_parse_quantity(case: Case) -> None:
    q = parse_quantity(case.text, default_unit=case.default_unit)
    if case.value is None:
        assert q is None
        return
    assert q is not None
    assert isinstance(q.value, Decimal)
    assert q.value == Decimal(case.value)
    assert q.unit == case.unit
    assert q.negative == case.negative
    if case.unit_text is not None:
        assert q.unit_text == case.unit_text
    if case.resolution is not None:
        assert q.resolution == Decimal(case.resolution)


def test_quantity_is_typed_and_frozen() -> None:
    q = parse_quantity("1094.8万元")
    assert q == Quantity(Decimal("10948000"), "yuan", "万元", Decimal(10000), Decimal(1000))
    assert "E" not in str(q.value)  # plain decimal strings for parquet
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.value = Decimal(0)  # type: ignore[misc]


def test_unknown_default_unit_is_an_error() -> None:
    with pytest.raises(ValueError):
        parse_quantity("1", default_unit="斤")


# --- find_quantities ------------------------------------------------------------------------------
def _found(text: str, default_unit: str | None = None) -> list[tuple[str, str, str]]:
    """Scan the normalized view, as the caller does; report the raw text of each span."""
    norm = normalize(text)
    out = []
    for m in find_quantities(norm.text, default_unit):
        assert norm.text[m.start : m.end] == m.raw
        start, end = norm.span(m.start, m.end)
        out.append((text[start:end], str(m.quantity.value), m.quantity.unit))
    return out


FIND_REAL = [
    # seed sentences, verbatim
    (
        "收入预算，2024年年初预算数1094.8万元，全部为一般公共预算拨款。压减公用经费和专项支出后，"
        "同口径对比，收入较上年增加88.87万元，增加率为8.8%，主要原因是增加了“湘易办”怀化旗舰店建设运维经费以及单位人员增加的人头经费。",
        [("1094.8万元", "10948000", "yuan"), ("88.87万元", "888700", "yuan"), ("8.8%", "8.8", "percent")],
    ),
    (
        "2024年本部门一般公共预算拨款支出为1094.8万元，其中：一般公共服务支出439.56万元，占40.15%；"
        "社会保障和就业支出57.96万元，占5.23%；",
        [
            ("1094.8万元", "10948000", "yuan"),
            ("439.56万元", "4395600", "yuan"),
            ("40.15%", "40.15", "percent"),
            ("57.96万元", "579600", "yuan"),
            ("5.23%", "5.23", "percent"),
        ],
    ),
    (
        "2024年“三公”经费预算较2023年预算数减少0.8万元，主要原因是按照“三公”经费“只减不增”原则，从严从紧安排“三公”经费预算。",
        [("0.8万元", "8000", "yuan")],
    ),
    (
        "1.截至2023年12月31日，本部门共有车辆1辆，为一般公务用车。单位价值50 万元以上通用设备1台（套），无单价100 万元以上专用设备。",
        [("1辆", "1", "count"), ("50 万元", "500000", "yuan"), ("1台", "1", "count"), ("100 万元", "1000000", "yuan")],
    ),
    ("2.2024年，本部门无新增车辆，无新增50万元以上的通用设备和专用设备。", [("50万元", "500000", "yuan")]),
    (
        "1.2024年，本部门培训费预算1.15万元，具体为：召开市县区政务业务工作等培训，预计招开培训2-3次，参加人数200人。",
        [("1.15万元", "11500", "yuan"), ("2-3次", "2", "count"), ("200人", "200", "count")],
    ),
    (
        "编报绩效目标的项目17个，涉及项目支出655.24万元，其中其他经转类专项经费344.34万元，特定目标类专项经费310.9万元",
        [
            ("17个", "17", "count"),
            ("655.24万元", "6552400", "yuan"),
            ("344.34万元", "3443400", "yuan"),
            ("310.9万元", "3109000", "yuan"),
        ],
    ),
    # fj_pt_gongan_2015_final.html
    (
        "2015年公共财政拨款支出7495.5万元，比2014年决算数增加1296.24万元，增长下降21%，具体情况如下(按项级科目分类统计)：",
        [("7495.5万元", "74955000", "yuan"), ("1296.24万元", "12962400", "yuan"), ("21%", "21", "percent")],
    ),
    (
        "4. 上级补助收入0亿元。\n5. 附属单位上缴收入0亿元。\n6. 其他收入0.039118亿元。",
        [("0亿元", "0", "yuan"), ("0亿元", "0", "yuan"), ("0.039118亿元", "3911800", "yuan")],
    ),
    (
        "（一）2015本年收入20808.97万元，比2014年决算数增加14689.94万元，增长240％，具体情况如下：",
        [("20808.97万元", "208089700", "yuan"), ("14689.94万元", "146899400", "yuan"), ("240％", "240", "percent")],
    ),
    (
        "累计接待570批次、接待总人数4420人。与2014年相比, 公务接待费支出下降41.81%",
        [("570批次", "570", "count"), ("4420人", "4420", "count"), ("41.81%", "41.81", "percent")],
    ),
    # fj_pt_suao_2017_final.html: a 229 code before a figure whose 万 is missing in the source
    (
        "（十四）其他支出（科目编码：229）125.99元。包括其他支出（科目编码：22999）125.99万元，"
        "其中其他支出（科目编码：2299901）125.99万元。",
        [("125.99元", "125.99", "yuan"), ("125.99万元", "1259900", "yuan"), ("125.99万元", "1259900", "yuan")],
    ),
    (
        "2017年本部门年初结转和结余15.68万元，本年收入1,848.51万元，本年支出1,812.00万元",
        [("15.68万元", "156800", "yuan"), ("1,848.51万元", "18485100", "yuan"), ("1,812.00万元", "18120000", "yuan")],
    ),
    (
        "单价50万元（含）以上通用设备0台（套），单价100万元（含）以上专用设备0台（套）。",
        [("50万元", "500000", "yuan"), ("0台", "0", "count"), ("100万元", "1000000", "yuan"), ("0台", "0", "count")],
    ),
    # fj_pt_jigongwei_2016_final.html
    (
        "2016年机关运行经费支出177.26万元，比2015年减少长27.07%，主要用于办公费",
        [("177.26万元", "1772600", "yuan"), ("27.07%", "27.07", "percent")],
    ),
    # sh_pt_sfj_2026_dept_budget.pdf: a line break inside 万元; classification levels in parentheses
    (
        "比2026年预算增加793.14万元；事业收入0万\n元；事业单位经营收入0万元；其他收入0万元。",
        [("793.14万元", "7931400", "yuan"), ("0万\n元", "0", "yuan"), ("0万元", "0", "yuan"), ("0万元", "0", "yuan")],
    ),
    ("5、公共安全支出（204类）司法（06款）信息化建设（13项）227.88万元。", [("227.88万元", "2278800", "yuan")]),
    ("12、住房保障支出（221类）住房改革支出（02款）住房公积金（01项）208.8万元。", [("208.8万元", "2088000", "yuan")]),
    # sh_pt_wanli_2023_dept_budget.pdf
    (
        "单价50万元以上通用设备0台/套；专用设备818台/套（其中：单价100万元以上专用设备0台/套）；"
        "其他固定资产0万元。长期投资0项0万元。在建工程1项12277.73万元。无形资产471项234.37万元。",
        [
            ("50万元", "500000", "yuan"),
            ("0台", "0", "count"),
            ("818台", "818", "count"),
            ("100万元", "1000000", "yuan"),
            ("0台", "0", "count"),
            ("0万元", "0", "yuan"),
            ("0项", "0", "count"),
            ("0万元", "0", "yuan"),
            ("1项", "1", "count"),
            ("12277.73万元", "122777300", "yuan"),
            ("471项", "471", "count"),
            ("234.37万元", "2343700", "yuan"),
        ],
    ),
    ("台式计算机（20万以下）分散自行组织4.00", [("20万", "200000", "yuan")]),
    # sh_pt_czj_2025_dept_budget.pdf (raw, blanks around the number)
    (
        "与上年相比收、支预算总计各增加 1808.29 万元，增长 6.69%。",
        [("1808.29 万元", "18082900", "yuan"), ("6.69%", "6.69", "percent")],
    ),
]

FIND_SYNTHETIC = [
    ("增减-0.8万元", [("-0.8万元", "8000", "yuan")]),
    ("预计召开会议2～3次", [("2～3次", "2", "count")]),
    ("预计召开会议2至3次", [("2至3次", "2", "count")]),
    ("单个项目10-20万元", [("10-20万元", "100000", "yuan")]),
    ("经费10万元-20万元", [("10万元", "100000", "yuan"), ("20万元", "200000", "yuan")]),
    (
        "项目支出一千零九十四点八万元，占百分之八点八。",
        [("一千零九十四点八万元", "10948000", "yuan"), ("百分之八点八", "8.8", "percent")],
    ),
    ("金额为壹佰贰拾叁元肆角伍分。", [("壹佰贰拾叁元肆角伍分", "123.45", "yuan")]),
    ("共计1,094.80万元", [("1,094.80万元", "10948000", "yuan")]),
    ("增长2.5个百分点", [("2.5个百分点", "2.5", "percent")]),
    ("覆盖3万人，面积5万平方米，投入3万元", [("3万元", "30000", "yuan")]),
]


@pytest.mark.parametrize("text,expected", FIND_REAL, ids=[f"real{i}" for i in range(len(FIND_REAL))])
def test_find_quantities_real(text: str, expected) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize("text,expected", FIND_SYNTHETIC, ids=[t for t, _ in FIND_SYNTHETIC])
def test_find_quantities_synthetic(text: str, expected) -> None:
    assert _found(text) == expected


FIND_NOTHING = [
    "1.2024年，本部门",
    "截至2023年12月31日，本部门",
    "2024.1.1",
    "科目编码：229",
    "[2010301]",
    "第3页",
    "- 3 -",
    "3/25",
    "“三公”经费",
    "联系电话：0745-2714000",
    "咨询电话13907451234",
    "上海市普陀区人民政府万里街道办事处",
    "一般公共预算",
    "一名随军安置工作人员",
    "几十万元",
    "数百万元",
    "多元化",
    "2014-2015年义务兵优待金",
    "计划开始日期2023-01-01",
    "8，9月",
    "1,2345万元",
    "A12万元",
    "GB2312个",
    "3个月",
    "贯彻落实中央八项规定",
    "第十三次党代会",
    "30310个人农业生产补贴0.00",  # sh_pt_fuliyuan_2024: economic code then 个人
    "2010104人大会议1,305.25",  # js_rdbgt_2017: function code then 人大
    "行政运行（01项）",
]


@pytest.mark.parametrize("text", FIND_NOTHING)
def test_find_quantities_traps(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "1.2024年，本部门培训费预算",
        "截至2023年12月31日",
        "2024.1.1",
        "科目编码：229",
        "2010301",
        "[2010301]",
        "第3页",
        "- 3 -",
        "3/25",
        "联系电话：0745-2714000",
        "2010104人大会议",
        "预计招开培训2-3次",
    ],
)
def test_find_quantities_traps_with_default_unit(text: str) -> None:
    norm = normalize(text).text
    found = find_quantities(norm, "万元")
    assert [m for m in found if m.range_high is None] == []
    assert [m for m in found if m.range_high is not None] == find_quantities(norm)


def test_find_quantities_default_unit_on_table_rows() -> None:
    # js_swbgt_2019_budget_tables.pdf (单位：万元), normalized: cells glue to the next label
    row = "一、财政拨款27,664.22一、一般公共服务支出22,395.50一、基本支出11,700.63"
    assert _found(row, "万元") == [
        ("27,664.22", "276642200", "yuan"),
        ("22,395.50", "223955000", "yuan"),
        ("11,700.63", "117006300", "yuan"),
    ]
    # sh_pt_sfj_2026_dept_budget.pdf (单位：元): codes and integers are not amounts
    row = "204 06 01行政运行16726725.44 16726725.44 0.00 0.00 0.00"
    got = _found(row, "元")
    assert [v for _, v, _ in got] == ["16726725.44", "16726725.44", "0", "0", "0"]
    assert all(m.quantity.unit_text == "" for m in find_quantities(row, "元"))
    # integers only on request
    assert _found("合计 36", "万元") == []
    assert [m.raw for m in find_quantities("合计 36", "万元", bare_integers=True)] == ["36"]


def test_range_match() -> None:
    (m,) = find_quantities("预计召开会议2-3次，")
    assert (m.raw, m.quantity.value, m.range_high, m.quantity.unit) == ("2-3次", 2, 3, "count")
    (m,) = find_quantities("10-20万元")
    assert (m.quantity.value, m.range_high) == (Decimal(100000), Decimal(200000))


def test_raw_full_width_text_keeps_spans() -> None:
    text = "预算１２．５万元，增长８．８％"
    found = find_quantities(text)
    assert [m.raw for m in found] == ["１２．５万元", "８．８％"]
    assert [m.quantity.value for m in found] == [Decimal(125000), Decimal("8.8")]


# --- the whole seed document (the project's copy in tests/fixtures) ---------------------------
@pytest.fixture(scope="module")
def seed() -> tuple[str, object, list[QuantityMatch]]:
    raw = (FIXTURES / "huaihua-zwfwzx-2024-budget.txt").read_text(encoding="utf-8")
    norm = normalize(raw)
    return raw, norm, find_quantities(norm.text)


def _raw_spans(seed) -> list[tuple[int, int, QuantityMatch]]:
    raw, norm, found = seed
    return [(*norm.span(m.start, m.end), m) for m in found]


@pytest.mark.parametrize(
    "at,surface",
    [
        (2844, "1.2024年"),
        (2678, "2.2024年"),
        (2609, "2023年12月31日"),
    ],
)
def test_seed_traps_yield_nothing(seed, at: int, surface: str) -> None:
    raw = seed[0]
    assert raw[at : at + len(surface)] == surface
    for start, end, m in _raw_spans(seed):
        assert end <= at or start >= at + len(surface), m


def test_seed_range_only_as_range(seed) -> None:
    raw = seed[0]
    at, surface = 2892, "2-3次"
    assert raw[at : at + len(surface)] == surface
    overlapping = [(s, e, m) for s, e, m in _raw_spans(seed) if s < at + len(surface) and e > at]
    assert len(overlapping) == 1
    s, e, m = overlapping[0]
    assert (s, e) == (at, at + len(surface))
    assert m.range_high == Decimal(3) and m.quantity.value == Decimal(2)


def test_seed_spans_slice_back(seed) -> None:
    raw, norm, found = seed
    assert len(found) >= 60
    for m in found:
        assert norm.text[m.start : m.end] == m.raw
        s, e = norm.span(m.start, m.end)
        assert normalize(raw[s:e]).text == m.raw


def test_seed_gold_figures_all_found(seed) -> None:
    """Every figure of the hand-checked gold file, at its offset, with its value."""
    gold = json.loads((FIXTURES / "huaihua-zwfwzx-2024-budget.gold.json").read_text(encoding="utf-8"))
    by_start = {s: (e, m) for s, e, m in _raw_spans(seed)}
    raw = seed[0]
    for fact in gold["facts"]:
        assert fact["at"] in by_start, fact
        end, m = by_start[fact["at"]]
        assert raw[fact["at"] : end] == fact["surface"]
        assert m.quantity.value == Decimal(fact["value"]), fact
        assert m.quantity.unit == fact["unit"], fact
        assert m.range_high is None


def test_seed_is_fast(seed) -> None:
    import time

    text = seed[1].text
    find_quantities(text)
    t0 = time.perf_counter()
    for _ in range(20):
        find_quantities(text)
    per_call = (time.perf_counter() - t0) / 20
    assert per_call < 0.005  # ~0.2 ms on a laptop; generous for slow CI


# --- parse_unit_header ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "line,unit",
    [
        ("单位：万元", "万元"),
        ("单位:元", "元"),
        ("金额单位：万元", "万元"),
        ("（单位：亿元）", "亿元"),
        ("单位: 万元", "万元"),
        ("单位：人民币元", "元"),
        ("单位（万元）", "万元"),
        ("部门：中共江苏省委办公厅 单位：万元", "万元"),  # js_swbgt_2019_budget_tables.pdf
        ("编制部门：上海市普陀区财政局 单位:万元", "万元"),  # sh_pt_czj_2025_dept_budget.pdf
        ("编制部门：上海市普陀区司法局 单位：元", "元"),  # sh_pt_sfj_2026_dept_budget.pdf
        ("单位：％", "%"),
        ("编制单位：上海市普陀区社会福利院", None),
        ("预算单位：上海市普陀区司法局", None),
        ("纳入2024年部门预算编制范围的预算单位包括", None),
        ("单位：个人", None),
        ("万元", None),
        ("", None),
    ],
)
def test_parse_unit_header(line: str, unit: str | None) -> None:
    assert parse_unit_header(line) == unit
