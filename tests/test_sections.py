"""The heading tree of disclosure texts (extractors/text/sections.py)."""

from __future__ import annotations

import bisect
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.extractors.text import sections as S
from gongkai.extractors.text.normalize import normalize
from gongkai.extractors.text.sections import Section, SectionIndex, build_sections

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "huaihua-zwfwzx-2024-budget.txt"
SH_SFJ = FIXTURES / "sections" / "sh_pt_sfj_2026_dept_budget.pages.txt"
JS_GY = FIXTURES / "sections" / "js_gy_2017_budget.pages.txt"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def top_titles(index: SectionIndex) -> list[str]:
    return [s.title for s in index.sections if s.level == 1]


def by_title(index: SectionIndex, title: str) -> Section:
    found = [s for s in index.sections if s.title == title]
    assert found, f"no section titled {title!r}: {[s.title for s in index.sections]}"
    return found[0]


def brute_at(index: SectionIndex, offset: int) -> Section:
    """The deepest section containing offset, by scanning all of them."""
    best = index.sections[0]
    for s in index.sections[1:]:
        if s.start <= offset < s.end and s.level >= best.level:
            best = s
    return best


def assert_well_formed(text: str, index: SectionIndex) -> None:
    sections = index.sections
    root = sections[0]
    assert (root.id, root.level, root.marker, root.title, root.parent, root.path) == (0, 0, "", "", None, ())
    assert (root.start, root.end) == (0, len(text))
    for i, s in enumerate(sections[1:], 1):
        assert s.id == i
        assert s.level >= 1
        assert s.start == 0 or text[s.start - 1] == "\n", "a heading starts at its line start"
        assert s.start < s.end <= len(text)
        assert sections[i - 1].start <= s.start, "sections are in order of appearance"
        parent = sections[s.parent]
        assert parent.level < s.level
        assert parent.start <= s.start and s.end <= parent.end
        assert s.path == parent.path + (s.title,)
        assert 0 < len(s.title) <= 45 or s.title == ""
        # the end is the next heading of the same or a higher level
        later = [t for t in sections[i + 1 :] if t.level <= s.level]
        assert s.end == (later[0].start if later else len(text))
    for offset in range(-1, len(text) + 2, max(1, len(text) // 997)):
        assert index.at(offset) == brute_at(index, offset) if 0 <= offset < len(text) else index.at(offset) == root


# --- the seed document ---------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> tuple[str, SectionIndex]:
    text = read(SEED)
    return text, build_sections(text)


def test_seed_top_level_titles(seed):
    text, index = seed
    assert top_titles(index) == [
        "部门基本概况",
        "部门预算单位构成",
        "部门收支总体情况",
        "一般公共预算财政拨款收支情况",
        "政府性基金支出情况",
        "其他重要事项的情况说明",
        "专业名词解释",
    ]
    assert [s.marker for s in index.sections if s.level == 1] == [
        "一、",
        "二、",
        "三、",
        "四、",
        "五、",
        "六、",
        "七、",
    ]


def test_seed_is_well_formed(seed):
    assert_well_formed(*seed)


def test_seed_leading_space_and_indentation(seed):
    text, index = seed
    first = index.sections[1]
    assert text.startswith(" 一、") and first.start == 0 and first.title == "部门基本概况"
    third = by_title(index, "部门收支总体情况")  # "    三、部门收支总体情况"
    assert text[third.start : third.start + 6] == "    三、"
    assert index.at(third.start + 1) == third  # the indentation belongs to the heading


def test_seed_figure_on_a_heading_line_belongs_to_that_heading(seed):
    text, index = seed
    assert text[1542:1548] == "439.56"
    section = index.at(1542)
    assert section.marker == "（一）" and section.title == "基本支出"
    assert section.path == ("一般公共预算财政拨款收支情况", "基本支出")
    assert text[section.start :].startswith("（一）基本支出：2024年")


def test_seed_three_public_expenses(seed):
    text, index = seed
    assert text[2155:2158] == "1.2"
    assert index.at(2155).path[:2] == ("其他重要事项的情况说明", "“三公”经费预算")


def test_seed_skipped_number_and_list_items(seed):
    text, index = seed
    general = by_title(index, "一般性支出情况")  # （七） although （六） is missing
    assert general.marker == "（七）" and general.level == 2
    assert index.sections[general.parent].title == "其他重要事项的情况说明"
    assert "培训费" in text[2850:2865]
    assert index.at(2860).path[:2] == ("其他重要事项的情况说明", "一般性支出情况")
    # "1.2024年，本部门培训费…": marker "1." and a short title, never the number 1.2024
    item = index.at(2860)
    assert item.marker == "1." and item.title == "2024年" and item.parent == general.id
    assert [s.marker for s in index.sections if s.parent == general.id] == ["1.", "2.", "3."]
    vehicles = index.at(text.index("本部门共有车辆"))
    assert vehicles.marker == "1." and vehicles.title == "截至2023年12月31日"
    assert index.sections[vehicles.parent].title == "国有资产占用情况"  # "（五） 国有资产占用情况"


def test_seed_unnumbered_label_is_a_sibling(seed):
    text, index = seed
    label = by_title(index, "预算绩效目标说明")
    assert label.marker == "" and label.level == 2
    assert index.sections[label.parent].title == "其他重要事项的情况说明"
    assert index.at(text.index("纳入2024年部门整体支出绩效目标的金额")) == label


def test_seed_titles_are_short(seed):
    _, index = seed
    duties = [s for s in index.sections if s.marker == "1、"]
    assert duties and all(0 < len(s.title) <= 30 for s in duties)
    glossary = index.children(by_title(index, "专业名词解释").id)  # "1.机关运行经费：为保障…"
    assert [(s.marker, s.title) for s in glossary] == [("1.", "机关运行经费"), ("2.", "“三公”经费")]


# --- synthetic documents -----------------------------------------------------------


def test_parts_with_numbered_headings_inside():
    text = (
        "2024年某局部门预算公开\n"
        "第一部分 部门概况\n"
        "一、部门职责\n本部门负责全市有关工作。\n"
        "二、机构设置\n本部门内设机构5个。\n"
        "第二部分 部门预算情况说明\n"
        "一、收支预算总体情况\n"
        "（一）收入预算：2024年收入预算100万元。\n"
        "（二）支出预算：2024年支出预算100万元。\n"
        "二、财政拨款收支情况\n财政拨款收入100万元。\n"
    )
    index = build_sections(text)
    assert_well_formed(text, index)
    assert top_titles(index) == ["部门概况", "部门预算情况说明"]
    assert [s.marker for s in index.sections if s.level == 1] == ["第一部分", "第二部分"]
    income = by_title(index, "收入预算")
    assert income.level == 3 and income.path == ("部门预算情况说明", "收支预算总体情况", "收入预算")
    assert index.at(text.index("2024年收入预算")) == income
    assert index.at(text.index("财政拨款收入100")).path == ("部门预算情况说明", "财政拨款收支情况")
    assert index.at(0) == index.root  # the cover line is before every heading


def test_levels_follow_first_appearance_not_a_table():
    # starts at （一）: it is level 1; 一、 is never used
    text = "（一）基本支出\n1.人员经费100万元。\n2.公用经费20万元。\n（二）项目支出\n1.信息化50万元。\n"
    index = build_sections(text)
    assert_well_formed(text, index)
    assert top_titles(index) == ["基本支出", "项目支出"]
    assert {s.level for s in index.sections if s.marker.endswith(".")} == {2}


def test_parenthesized_arabic_inside_parenthesized_chinese():
    text = (
        "一、“三公”经费预算情况\n"
        "（一）公务用车购置及运行费\n"
        "(1)公务用车购置费：0万元。\n"
        "（2）公务用车运行维护费：9.98万元。\n"
        "（二）公务接待费\n"
        "公务接待费0.83万元。\n"
        "二、机关运行经费\n"
    )
    index = build_sections(text)
    assert_well_formed(text, index)
    assert [(s.level, s.marker, s.title) for s in index.sections[1:]] == [
        (1, "一、", "“三公”经费预算情况"),
        (2, "（一）", "公务用车购置及运行费"),
        (3, "(1)", "公务用车购置费"),
        (3, "（2）", "公务用车运行维护费"),
        (2, "（二）", "公务接待费"),
        (1, "二、", "机关运行经费"),
    ]
    assert index.at(text.index("9.98")).path == ("“三公”经费预算情况", "公务用车购置及运行费", "公务用车运行维护费")
    assert index.at(text.index("0.83")).title == "公务接待费"


def test_a_style_seen_before_pops_back_to_its_level():
    text = "一、甲情况\n（一）乙\n1.丙\n（1）丁\n①戊\n二、己情况\n①庚\n"
    index = build_sections(text)
    assert_well_formed(text, index)
    assert [s.level for s in index.sections[1:]] == [1, 2, 3, 4, 5, 1, 2]


def test_skipped_and_duplicated_numbers():
    text = "一、甲\n（一）A\n正文。\n（三）C\n正文。\n（三）C2\n正文。\n三、乙\n正文。\n"
    index = build_sections(text)
    assert_well_formed(text, index)
    assert [(s.level, s.marker) for s in index.sections[1:]] == [
        (1, "一、"),
        (2, "（一）"),
        (2, "（三）"),
        (2, "（三）"),
        (1, "三、"),
    ]


def test_unnumbered_paragraphs_between_headings():
    text = "一、收入情况\n今年收入较多。\n\n其中财政拨款较多。\n（一）财政拨款\n拨款100万元。\n备注说明文字较长，不是标题。\n二、支出情况\n"
    index = build_sections(text)
    assert_well_formed(text, index)
    assert [s.title for s in index.sections[1:]] == ["收入情况", "财政拨款", "支出情况"]
    assert index.at(text.index("备注")).title == "财政拨款"


def test_toc_lines_with_dot_leaders_are_not_headings():
    text = (
        "目 录\n"
        "一、部门主要职能……………………3\n"
        "二、部门机构设置.........................5\n"
        "三、名词解释 ··············· 7\n"
        "\n"
        "一、部门主要职能\n本部门主要职能如下。\n"
        "二、部门机构设置\n内设机构3个。\n"
        "三、名词解释\n"
    )
    index = build_sections(text)
    assert_well_formed(text, index)
    assert top_titles(index) == ["部门主要职能", "部门机构设置", "名词解释"]
    body = text.index("一、部门主要职能\n")
    assert all(s.start >= body for s in index.sections[1:])


def test_toc_without_leaders_ends_where_its_first_entry_comes_back():
    text = (
        "目 录\n第一部分 部门概况\n一、主要职能。\n二、机构设置。\n第二部分 名词解释\n"
        "第一部分 部门概况\n一、主要职能\n本部门职能如下。\n二、机构设置\n内设5个处室。\n"
        "第二部分 名词解释\n一、财政拨款：指财政拨款数。\n"
    )
    index = build_sections(text)
    assert_well_formed(text, index)
    assert top_titles(index) == ["部门概况", "名词解释"]
    assert index.sections[1].start == text.index("第一部分 部门概况\n一、主要职能\n")


def test_spaced_out_headings():
    text = "一 、 部 门 职 责\n本部门负责政务服务。\n二 、 机 构 设 置\n（ 一 ） 内 设 机 构\n内设机构5个。\n"
    index = build_sections(text)
    assert_well_formed(text, index)
    assert [(s.marker, s.title) for s in index.sections[1:]] == [
        ("一、", "部门职责"),
        ("二、", "机构设置"),
        ("（一）", "内设机构"),
    ]


def test_full_width_digits():
    text = "一、一般性支出情况\n１．培训费：预算１．１５万元。\n２．２０２４年，会议费预算０．４５万元。\n"
    index = build_sections(text)
    assert_well_formed(text, index)
    first, second = index.sections[2], index.sections[3]
    assert (first.marker, first.title, first.level) == ("１．", "培训费", 2)
    assert (second.marker, second.title, second.level) == ("２．", "2024年", 2)
    assert index.at(text.index("０．４５")) == second


def test_decimals_and_numbers_inside_sentences_are_not_headings():
    text = (
        "一、收入情况\n"
        "1.2万元为上年结转，2.本年新增，3、其他。\n"  # a decimal at line start, markers mid-line
        "本年收入1.5万元，（一）类和（二）类收入见下表。\n"
        "2024年收入较上年增长1、2个百分点。\n"
    )
    index = build_sections(text)
    assert_well_formed(text, index)
    assert [s.title for s in index.sections[1:]] == ["收入情况"]


def test_heading_line_with_body_text():
    text = "四、一般公共预算财政拨款收支情况\n（一）基本支出：2024年年初预算数为439.56万元，是指为保障单位机构正常运转。\n（二）项目支出：2024年年初预算数为655.24万元。\n"
    index = build_sections(text)
    basic = index.at(text.index("439.56"))
    assert (basic.marker, basic.title) == ("（一）", "基本支出")
    assert index.at(text.index("655.24")).title == "项目支出"


def test_list_item_titles_are_short():
    text = (
        "（五）国有资产占用情况\n"
        "1.截至2023年12月31日，本部门共有车辆1辆，为一般公务用车。\n"
        "2.2024年，本部门无新增车辆。\n"
        "3、按照国家、省、市关于政务公开、政务服务、电子政务方面的法律法规和方针政策标准规范开展工作。\n"
    )
    index = build_sections(text)
    assert [(s.marker, s.title) for s in index.sections[2:]] == [
        ("1.", "截至2023年12月31日"),
        ("2.", "2024年"),
        ("3、", "按照国家、省、市关于政务公开、政务服务、电子政务方面的法律法"),
    ]
    assert all(len(s.title) <= 30 for s in index.sections)


def test_unnumbered_titles():
    text = (
        "上海市某局主要职能\n本局是区政府工作部门，主要职责是：\n（一）贯彻执行法律法规。\n（二）完成交办的其他任务。\n"
        "上海市某局机构设置\n本局包括本部1家单位。\n"
        "名词解释\n（一）财政拨款收入：是本级财政拨款。\n"
        "2026年部门预算编制说明\n2026年收入预算100万元。\n"
        "财政拨款支出主要内容如下：\n1、公共安全支出100万元。\n"
    )
    index = build_sections(text)
    assert_well_formed(text, index)
    assert top_titles(index) == ["上海市某局主要职能", "上海市某局机构设置", "名词解释", "2026年部门预算编制说明"]
    assert all(s.marker == "" for s in index.sections if s.level == 1)
    assert index.at(text.index("公共安全支出")).path == ("2026年部门预算编制说明", "公共安全支出100万元")


def test_glossary_after_numbered_headings_is_top_level():
    text = "一、收支情况\n（一）收入\n1.财政拨款100万元。\n名词解释\n1.财政拨款：指财政拨款数。\n"
    index = build_sections(text)
    assert_well_formed(text, index)
    assert top_titles(index) == ["收支情况", "名词解释"]
    assert index.at(text.index("指财政拨款数")).path == ("名词解释", "财政拨款")


def test_table_rows_are_not_headings():
    text = (
        "一、2024年部门收支预算总表\n"
        "一、财政拨款收入 96,282,213.44 一、公共安全支出 87,267,272.44\n"
        "1. 一般公共预算 96,282,213.44 二、社会保障和就业支出 3,343,704.00\n"
        "六、科学技术支出\n"
        "七、文化体育与传媒支出\n"
        "二、2024年部门收入预算总表\n"
    )
    index = build_sections(text)
    assert_well_formed(text, index)
    assert [s.title for s in index.sections[1:]] == ["2024年部门收支预算总表", "2024年部门收入预算总表"]


def test_empty_and_headingless_texts():
    for text in ("", "\n\n", "本部门2024年收入预算100万元。"):
        index = build_sections(text)
        assert len(index.sections) == 1
        assert index.at(0) == index.root and index.at(len(text)) == index.root


def test_crlf_line_ends():
    text = "一、甲情况\r\n正文1。\r\n（一）乙\r\n正文2。\r\n二、丙情况\r\n"
    index = build_sections(text)
    assert_well_formed(text, index)
    assert [(s.level, s.title) for s in index.sections[1:]] == [(1, "甲情况"), (2, "乙"), (1, "丙情况")]


# --- real texts (prose pages extracted from corpus PDFs, see fixtures/sections/README.md)


def test_shanghai_unnumbered_page_titles_and_toc():
    text = read(SH_SFJ)
    index = build_sections(text)
    assert_well_formed(text, index)
    assert top_titles(index) == [
        "上海市普陀区司法局主要职能",
        "上海市普陀区司法局机构设置",
        "名词解释",
        "2026年部门预算编制说明",
    ]
    # nothing from the cover or the dot-leader table of contents
    assert index.sections[1].start == text.index("上海市普陀区司法局主要职能")
    assert index.at(text.index("部门主要职能 …")) == index.root
    assert index.at(text.index("“三公”经费：是与区级财政")).path == ("名词解释", "“三公”经费")
    assert index.at(text.index("1672.67")).path[0] == "2026年部门预算编制说明"
    duties = index.children(by_title(index, "上海市普陀区司法局主要职能").id)
    assert [s.marker for s in duties] == [f"（{n}）" for n in "一二三四五六七八九十"]


def test_jiangsu_parts_toc_and_wrapped_title():
    text = read(JS_GY)
    index = build_sections(text)
    assert_well_formed(text, index)
    assert top_titles(index) == ["部门概况", "江苏省高级人民法院2017年度部门预算情况说明", "名词解释"]
    assert [s.marker for s in index.sections if s.level == 1] == ["第一部分", "第三部分", "第四部分"]
    # the 目录 block (without dot leaders) is not part of the tree
    assert index.sections[1].start == text.index("第一部分 部门概况\n一、主要职能\n")
    assert index.at(text.index("受理不服全省")).path == (
        "部门概况",
        "主要职能",
        "受理不服全省各级人民法院生效裁判的各类申诉和再审申请",
    )
    spending = index.at(text.index("公共安全（类）支出"))
    assert spending.marker == "1．"
    assert spending.path[:3] == (
        "江苏省高级人民法院2017年度部门预算情况说明",
        "收支预算总表情况说明",
        "支出预算总计28849.38万元",
    )
    assert index.at(text.index("指由一般公共预算")).path == ("名词解释", "财政拨款")


# --- properties ----------------------------------------------------------------------

_LINES = st.sampled_from(
    [
        "一、部门收支总体情况",
        "二、政府性基金支出情况",
        "（一）基本支出：预算数为439.56万元，是指基本支出。",
        "（三）项目支出",
        "(2)公务用车运行维护费",
        "1.2024年，本部门培训费预算1.15万元。",
        "2、机关运行经费",
        "１．会议费",
        "①办公费",
        "第一部分 部门概况",
        "第二章 预算说明",
        "名词解释",
        "预算绩效目标说明：本部门实行绩效管理。",
        "本部门共有车辆1辆。",
        "1.2万元为上年结转。",
        "",
        "   ",
        "目 录",
        "一、部门主要职能……3",
        "上海市某局机构设置",
        "六、科学技术支出",
        "收入预算，2024年年初预算数1094.8万元。",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_LINES, st.sampled_from(["", " ", "    ", "\u3000\u3000"])), max_size=25),
    st.sampled_from(["\n", "\r\n"]),
)
def test_any_document_gives_a_well_formed_tree(lines, newline):
    text = newline.join(indent + line for line, indent in lines)
    index = build_sections(text)
    assert_well_formed(text, index)
    for s in index.sections[1:]:
        assert "\n" not in s.title and "\n" not in s.marker
        i = bisect.bisect_right([t.start for t in index.sections], s.start) - 1
        assert index.at(s.start) == index.sections[i]


# --- the ordered methods: each finds its kind of line or None ---------------------------

# (method, line, (kind, title, top) found)
UNNUMBERED = [
    (S._top_title, "名词解释", ("title", "名词解释", True)),
    (S._top_title, "专业名词解释：", ("title", "专业名词解释", True)),
    (S._top_title, "附件1", ("title", "附件1", True)),
    (S._top_title, "名词解释说明", None),
    (S._standalone_title, "上海市普陀区司法局主要职能", ("title", "上海市普陀区司法局主要职能", False)),
    (S._standalone_title, "2026年部门预算编制说明", ("title", "2026年部门预算编制说明", False)),
    (S._standalone_title, "部门收支预算总表", ("title", "部门收支预算总表", False)),
    (S._standalone_title, "说明", None),  # too short
    (S._standalone_title, "本部门职责，如下说明", None),  # a sentence
    (S._paragraph_label, "预算绩效目标说明：本部门…", ("label", "预算绩效目标说明", False)),
    (S._paragraph_label, "收入预算：1094.8万元", None),  # no title word before the colon
]


@pytest.mark.parametrize("method, line, found", UNNUMBERED)
def test_unnumbered_method(method, line, found):
    h = method(line)
    assert ((h.kind, h.title, h.top) if h else None) == found


def _toc(text: str) -> S._Toc:
    norm = normalize(text)
    lines = S._lines(norm, text)
    leaders = [bool(S._DOT_LEADERS.search(ln.text)) for ln in lines]
    ends = [lines[i + 1].start - 1 if i + 1 < len(lines) else len(text) for i in range(len(lines))]
    numbered = [
        None if leaders[i] or not ln.text else S._parse_numbered(text, norm, ln, ends[i]) for i, ln in enumerate(lines)
    ]
    return S._Toc(text, norm, lines, leaders, numbered)


LEADERS_TOC = "目录\n一、部门职责……1\n二、收支预算……2\n\n一、部门职责\n本部门职责如下。\n"
PLAIN_TOC = "目录\n一、部门概况\n二、收支预算\n怀化市民政局2024年部门预算\n一、部门概况\n"

# (method, text, line where the table of contents after line 0 ends)
TOC_ENDS = [
    (S._toc_end_at_first_entry, LEADERS_TOC, 4),
    (S._toc_end_at_first_entry, PLAIN_TOC, 4),
    (S._toc_end_at_first_entry, "目录\n\n", None),  # no first entry
    (S._toc_end_after_entries, LEADERS_TOC, 5),
    (S._toc_end_after_entries, PLAIN_TOC, 3),
    (S._toc_end_after_entries, "目录\n\n", 3),
]


@pytest.mark.parametrize("method, text, end", TOC_ENDS)
def test_toc_end_method(method, text, end):
    assert method(_toc(text), 0) == end


def test_toc_lines_take_the_first_end_found():
    assert S._toc_lines(_toc(PLAIN_TOC)) == [True, True, True, True, False, False]
