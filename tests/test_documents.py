"""Document facts (extractors/facts/document.py) and the gazetteer (extractors/facts/gazetteer.py).

The fixtures in tests/fixtures/documents/ are excerpts of real disclosures (see
build_fixtures.py there): the first pages of 15 Shanghai / Jiangsu PDFs and the article of
11 Fujian (平潭) web pages. Agency, year and kind below are the corpus' SOURCES.tsv truth;
the region codes are ours: 上海市普陀区 310107, 江苏省 320000, 平潭县 350128 (平潭综合实验区
governs the territory of 平潭县, see schemas/region_aliases.csv).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from gongkai.extractors.facts import document as D
from gongkai.extractors.facts.document import DocumentFacts, extract_document_facts
from gongkai.extractors.facts.gazetteer import Region, region_for_code, resolve_region, resolve_region_in_text

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = FIXTURES / "documents"
SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"

SH, JS, FJ = ("上海市", "310107"), ("江苏省", "320000"), ("福建省", "350128")
B, F = "budget", "final_accounts"

# fixture file → (agency, fiscal_year, doc_kind, (province, region_code))
TRUTH = {
    "sh_pt_ghzyj_2024_final.pdf.txt": ("上海市普陀区规划和自然资源局", 2024, F, SH),
    "sh_pt_shgzb_2024_final.pdf.txt": ("中共上海市普陀区委社会工作部", 2024, F, SH),
    "sh_pt_sfj_2026_dept_budget.pdf.txt": ("上海市普陀区司法局", 2026, B, SH),
    "sh_pt_sfj_2026_unit_budget.pdf.txt": ("上海市普陀区司法局", 2026, B, SH),
    "sh_pt_zfb_2025_dept_budget.pdf.txt": ("上海市普陀区人民政府办公室", 2025, B, SH),
    "sh_pt_wanli_2024_dept_budget.pdf.txt": ("上海市普陀区人民政府万里街道办事处", 2024, B, SH),
    "sh_pt_wanli_2023_dept_budget.pdf.txt": ("上海市普陀区人民政府万里街道办事处", 2023, B, SH),
    "sh_pt_fuliyuan_2024_unit_budget.pdf.txt": ("上海市普陀区社会福利院", 2024, B, SH),
    "sh_pt_czj_2025_dept_budget.pdf.txt": ("上海市普陀区财政局", 2025, B, SH),
    "js_rdbgt_2017_budget.pdf.txt": ("江苏省人大常委会办公厅", 2017, B, JS),
    "js_rdbgt_2019_budget.pdf.txt": ("江苏省人大常委会办公厅", 2019, B, JS),
    "js_swbgt_2019_budget_text.pdf.txt": ("中共江苏省委办公厅", 2019, B, JS),
    "js_swbgt_2019_budget_tables.pdf.txt": ("中共江苏省委办公厅", 2019, B, JS),
    "js_gy_2017_budget.pdf.txt": ("江苏省高级人民法院", 2017, B, JS),
    "js_gy_2018_budget.pdf.txt": ("江苏省高级人民法院", 2018, B, JS),
    "fj_pt_jiaotong_2015_budget.html.txt": ("平潭综合实验区交通与建设局", 2015, B, FJ),
    "fj_pt_dongxiang_2016_budget.html.txt": ("平潭综合实验区东庠乡人民政府", 2016, B, FJ),
    "fj_pt_gongan_2016_budget.html.txt": ("平潭综合实验区公安局", 2016, B, FJ),
    "fj_pt_shehuishiye_2016_budget.html.txt": ("平潭综合实验区社会事业局", 2016, B, FJ),
    "fj_pt_weiji_2016_budget.html.txt": ("平潭综合实验区卫生和计划生育局", 2016, B, FJ),
    "fj_pt_renda_2017_budget.html.txt": ("平潭县人大常委会", 2017, B, FJ),
    "fj_pt_zhengan_2020_budget.html.txt": ("平潭综合实验区土地房屋征收安置工作领导小组办公室", 2020, B, FJ),
    "fj_pt_gongan_2015_final.html.txt": ("平潭综合实验区公安局", 2015, F, FJ),
    "fj_pt_fayuan_2016_final.html.txt": ("平潭县人民法院", 2016, F, FJ),
    "fj_pt_jigongwei_2016_final.html.txt": ("平潭综合实验区纪工委", 2016, F, FJ),
    "fj_pt_suao_2017_final.html.txt": ("平潭综合实验区苏澳镇人民政府", 2017, F, FJ),
}


def _facts(name: str, source_name: str | None = "same") -> DocumentFacts:
    text = (DOCS / name).read_text(encoding="utf-8")
    return extract_document_facts(text, name.removesuffix(".txt") if source_name == "same" else source_name)


def test_every_fixture_has_truth():
    on_disk = {p.name for p in DOCS.glob("*.txt") if not p.name.endswith(".units.txt")}
    assert on_disk == set(TRUTH)


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_real_document_facts(name):
    agency, year, kind, (province, code) = TRUTH[name]
    d = _facts(name)
    got = (d.agency, d.fiscal_year, d.doc_kind, d.province, d.region_code)
    assert got == (agency, year, kind, province, code)


@pytest.mark.parametrize("name", sorted(n for n in TRUTH if n != "js_swbgt_2019_budget_tables.pdf.txt"))
def test_real_documents_need_no_file_name(name):
    """Everything but the tables-only PDF states its year and kind in the text."""
    agency, year, kind, (province, code) = TRUTH[name]
    d = _facts(name, source_name=None)
    assert (d.agency, d.fiscal_year, d.doc_kind, d.region_code) == (agency, year, kind, code)


def test_tables_only_pdf_takes_year_from_file_name():
    """js_swbgt_2019_budget_tables.pdf: 部门：中共江苏省委办公厅 on every table, no year."""
    d = _facts("js_swbgt_2019_budget_tables.pdf.txt", source_name=None)
    assert d.agency == "中共江苏省委办公厅" and d.doc_kind == "budget" and d.fiscal_year is None
    d = _facts("js_swbgt_2019_budget_tables.pdf.txt", source_name="js_swbgt_2019_budget_tables.pdf")
    assert d.fiscal_year == 2019


def test_region_levels_of_real_documents():
    d = _facts("sh_pt_sfj_2026_dept_budget.pdf.txt")
    assert (d.province, d.city, d.county, d.admin_level) == ("上海市", "上海市", "普陀区", "county")
    d = _facts("js_gy_2017_budget.pdf.txt")
    assert (d.province, d.city, d.county, d.admin_level) == ("江苏省", None, None, "province")
    d = _facts("fj_pt_gongan_2016_budget.html.txt")
    assert (d.province, d.city, d.county, d.admin_level) == ("福建省", "福州市", "平潭县", "county")


# --- the seed: acceptance ----------------------------------------------------------------


def test_seed_document_matches_gold():
    text = (FIXTURES / "huaihua-zwfwzx-2024-budget.txt").read_text(encoding="utf-8")
    gold = json.loads((FIXTURES / "huaihua-zwfwzx-2024-budget.gold.json").read_text(encoding="utf-8"))["document"]
    d = extract_document_facts(text, "huaihua-zwfwzx-2024-budget.txt")
    for key in ("agency", "parent_agency", "fiscal_year", "doc_kind", "province", "city", "admin_level"):
        assert getattr(d, key) == gold[key], key
    assert list(d.budget_units) == gold["budget_units"]
    assert list(d.internal_units) == gold["internal_units"]
    assert d.internal_unit_count == 10
    assert d.region_code == "431200" and d.county is None


def test_seed_evidence_slices_the_stored_text():
    text = (FIXTURES / "huaihua-zwfwzx-2024-budget.txt").read_text(encoding="utf-8")
    d = extract_document_facts(text)
    ev = d.evidence
    assert text[slice(*ev["agency"])] == "怀化市政务服务中心"
    assert text[slice(*ev["parent_agency"])] == "怀化市政府办公室"
    assert text[slice(*ev["fiscal_year"])] == "2024"
    assert text[slice(*ev["doc_kind"])] == "预算"
    assert text[slice(*ev["internal_unit_count"])] == "10"
    assert text[slice(*ev["budget_units"])] == "怀化市政务服务中心本级"
    assert text[slice(*ev["internal_units"])].startswith("综合部、")
    assert text[slice(*ev["internal_units"])].endswith("人事部")


def test_wrapped_title_evidence():
    """The cover 中共上海市普陀区委 / 社会工作部 2024 年度 / 部门决算: spans cross lines."""
    text = (DOCS / "sh_pt_shgzb_2024_final.pdf.txt").read_text(encoding="utf-8")
    ev = extract_document_facts(text).evidence
    assert text[slice(*ev["agency"])] == "中共上海市普陀区委\n社会工作部"
    assert text[slice(*ev["fiscal_year"])] == "2024"
    assert text[slice(*ev["doc_kind"])] == "决算"


# --- budget units and internal units ----------------------------------------------------


def test_gold_texts_budget_units():
    for name in ("sh_pt_sfj_2026_dept_budget", "js_rdbgt_2019_budget"):
        text = (FIXTURES / "gold" / f"{name}.txt").read_text(encoding="utf-8")
        gold = json.loads((FIXTURES / "gold" / f"{name}.gold.json").read_text(encoding="utf-8"))["document"]
        d = extract_document_facts(text, f"{name}.pdf")
        assert list(d.budget_units) == gold["budget_units"], name
        assert (d.agency, d.fiscal_year, d.doc_kind, d.province, d.city, d.admin_level) == (
            gold["agency"],
            gold["fiscal_year"],
            gold["doc_kind"],
            gold["province"],
            gold["city"],
            gold["admin_level"],
        )
        assert d.parent_agency == gold["parent_agency"]
        # js_rdbgt: "内设机构包括省人大常委会下设办公厅、研究室和4个专门委员会…" is not a list
        assert d.internal_units == ()


UNITS = {
    "js_swbgt_2019_budget_text.pdf.units.txt": (
        ("江苏省委办公厅（本级）", "省委机要局（省国家密码管理局）", "机关后勤服务中心", "机关文印中心"),
        (
            "秘书处",
            "省委总值班室",
            "综合处",
            "经济处",
            "农村处",
            "党群处",
            "省委法规室",
            "宣教统战处",
            "信息处",
            "省委督查室",
            "党刊处",
            "档案管理处",
            "干部人事处",
            "机要交通处",
            "接待处",
            "行政处（保卫处）",
            "财务处",
            "技术室",
        ),
        None,
    ),
    "sh_pt_fuliyuan_2024_unit_budget.pdf.units.txt": ((), ("院长室", "办公室", "财务室", "后勤部", "护理部"), 5),
    "sh_pt_wanli_2024_dept_budget.pdf.units.txt": (
        (
            "上海市普陀区人民政府万里街道办事处（本部）",
            "上海市普陀区万里街道社区事务受理服务中心",
            "上海市普陀区万里街道社区党群服务中心",
            "上海市普陀区万里街道城市运行管理中心",
            "上海市普陀区万里街道经济发展服务中心",
            "上海市普陀区万里街道综合行政执法队",
        ),
        (),
        None,
    ),
    "sh_pt_ghzyj_2024_final.pdf.units.txt": (
        (
            "上海市普陀区规划和自然资源局（本级）",
            "上海市普陀区规划和自然资源局执法大队",
            "上海市普陀区土地发展中心",
            "上海市普陀区自然资源确权登记事务中心",
            "上海市普陀区规划和自然资源管理事务中心",
        ),
        (),
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(UNITS))
def test_units_sections(name):
    budget_units, internal_units, count = UNITS[name]
    d = _facts(name, source_name=None)
    assert d.budget_units == budget_units
    assert d.internal_units == internal_units
    assert d.internal_unit_count == count


def test_court_internal_units_numbered_under_a_subheading():
    """本部门包括 27 个内设机构…具体包括：（一）机关内设机构 1、办公室 … 27、赔偿委员会办公室."""
    d = _facts("js_gy_2018_budget.pdf.units.txt", source_name=None)
    assert d.internal_unit_count == 27 and len(d.internal_units) == 27
    assert d.internal_units[:2] == ("办公室", "组织人事处") and d.internal_units[-1] == "赔偿委员会办公室"
    assert d.budget_units == ("江苏省高级人民法院机关（本级）", "徐州铁路运输法院")


def test_unit_tables_of_html_pages():
    assert _facts("fj_pt_gongan_2016_budget.html.txt").budget_units == (
        "平潭综合实验区公安局本级",
        "平潭综合实验区看守所",
        "平潭综合实验区拘留所",
    )
    # a name wrapped over two cells: 平潭县 / 人大常委会
    assert _facts("fj_pt_renda_2017_budget.html.txt").budget_units == ("平潭县人大常委会",)
    d = _facts("fj_pt_fayuan_2016_final.html.txt")
    assert d.internal_unit_count == 13 and len(d.internal_units) == 13
    assert d.internal_units[0] == "监察室" and d.internal_units[-1] == "立案庭"


# --- titles and sentences of other shapes (synthetic, other provinces) ------------------

TITLES = [
    ("长沙市财政局2023年部门决算\n目录", "长沙市财政局", 2023, F, "430100", "prefecture"),
    ("2022年度湘西州民政局部门预算\n一、部门职责", "湘西州民政局", 2022, B, "433100", "prefecture"),
    ("北京市朝阳区教育委员会\n2021年部门预算\n目 录", "北京市朝阳区教育委员会", 2021, B, "110105", "county"),
    ("重庆市渝中区人民政府办公室2022年度部门决算公开", "重庆市渝中区人民政府办公室", 2022, F, "500103", "county"),
    (
        "关于广州市天河区人民法院2023年部门预算的说明\n一、部门主要职责",
        "广州市天河区人民法院",
        2023,
        B,
        "440106",
        "county",
    ),
    ("中共浙江省委宣传部2020年部门预算", "中共浙江省委宣传部", 2020, B, "330000", "province"),
    ("舟山市普陀区财政局2024年部门预算", "舟山市普陀区财政局", 2024, B, "330903", "county"),
    ("溆浦县人民医院2020年单位预算", "溆浦县人民医院", 2020, B, "431224", "county"),
    ("怀化市民政局部门预算（2024年度）\n一、部门职责", "怀化市民政局", 2024, B, "431200", "prefecture"),
    ("长 沙 县 农 业 农 村 局\n2023 年 部 门 决 算", "长沙县农业农村局", 2023, F, "430121", "county"),
    ("2019年度部门决算公开\n\n\n西安市雁塔区审计局\n", "西安市雁塔区审计局", 2019, F, "610113", "county"),
    ("新疆维吾尔自治区财政厅2021年部门预算公开", "新疆维吾尔自治区财政厅", 2021, B, "650000", "province"),
    ("仙桃市教育局2022年部门决算", "仙桃市教育局", 2022, F, "429004", "county"),
    ("天津市滨海新区民政局2023年部门预算", "天津市滨海新区民政局", 2023, B, "120116", "county"),
    ("平潭2016年城关乡预算说明\n平潭综合实验区城关乡", "平潭综合实验区城关乡人民政府", 2016, B, "350128", "county"),
]


@pytest.mark.parametrize("text,agency,year,kind,code,level", TITLES)
def test_title_shapes(text, agency, year, kind, code, level):
    d = extract_document_facts(text)
    assert (d.agency, d.fiscal_year, d.doc_kind, d.region_code, d.admin_level) == (agency, year, kind, code, level)


def test_scope_sentence_without_title():
    text = (
        "一、部门主要职责\n纳入2023年度郴州市苏仙区卫生健康局部门决算编制范围的单位包括："
        "郴州市苏仙区卫生健康局本级、郴州市苏仙区疾病预防控制中心。\n二、收入支出决算总体情况"
    )
    d = extract_document_facts(text)
    assert (d.agency, d.fiscal_year, d.doc_kind, d.region_code) == ("郴州市苏仙区卫生健康局", 2023, F, "431003")
    assert d.budget_units == ("郴州市苏仙区卫生健康局本级", "郴州市苏仙区疾病预防控制中心")


def test_other_unit_list_shapes():
    d = extract_document_facts(
        "纳入广州市天河区民政局2023年部门预算编制范围的二级预算单位共2个，具体包括："
        "广州市天河区民政局本级、广州市天河区福利院。"
    )
    assert (d.agency, d.fiscal_year, d.doc_kind, d.region_code) == ("广州市天河区民政局", 2023, B, "440106")
    assert d.budget_units == ("广州市天河区民政局本级", "广州市天河区福利院")
    d = extract_document_facts(
        "二、部门预算单位构成\n本部门共有3家预算单位，包括：北京市朝阳区财政局本级、"
        "北京市朝阳区财政监督检查所、北京市朝阳区国库支付中心。\n三、收支总体情况"
    )
    assert d.budget_units == ("北京市朝阳区财政局本级", "北京市朝阳区财政监督检查所", "北京市朝阳区国库支付中心")
    d = extract_document_facts(
        "（二）机构设置\n湘西州档案馆共有内设机构4个，分别是：办公室、业务科、保管利用科、信息技术科。"
    )
    assert d.internal_units == ("办公室", "业务科", "保管利用科", "信息技术科") and d.internal_unit_count == 4
    # "下属1家预算单位的综合收支计划" is a count, not a list
    assert extract_document_facts("包括区司法局本部以及下属1家预算单位的综合收支计划。").budget_units == ()


def test_ambiguous_agency_region_decided_by_text():
    text = "普陀区财政局2024年部门预算\n普陀区财政局是舟山市普陀区人民政府的组成部门，贯彻浙江省和舟山市的部署。"
    d = extract_document_facts(text)
    assert (d.agency, d.region_code, d.city) == ("普陀区财政局", "330903", "舟山市")


def test_parent_agency_patterns():
    d = extract_document_facts("溆浦县农业技术推广中心作为溆浦县农业农村局二级预算单位，内设股室4个。")
    assert d.parent_agency == "溆浦县农业农村局" and d.internal_unit_count == 4
    d = extract_document_facts("本单位是怀化市民政局下属二级预算单位。")
    assert d.parent_agency == "怀化市民政局"
    d = extract_document_facts("怀化市社会福利院是怀化市民政局所属公益一类事业单位。")
    assert d.parent_agency == "怀化市民政局"
    assert extract_document_facts("上海市普陀区社会福利院是收养社会孤老的事业单位。").parent_agency is None


def test_file_name_is_only_a_fallback():
    text = "上海市普陀区司法局2026年部门预算"
    assert extract_document_facts(text, "x_2024_final.pdf").fiscal_year == 2026
    assert extract_document_facts(text, "x_2024_final.pdf").doc_kind == B
    d = extract_document_facts("收支总表\n单位：万元", "x_2024_final.pdf")
    assert (d.fiscal_year, d.doc_kind, d.agency) == (2024, F, None)


def test_empty_text():
    d = extract_document_facts("")
    assert d == DocumentFacts()


# --- gazetteer ------------------------------------------------------------------------

RESOLVE = [
    ("怀化市政务服务中心", ("431200", "湖南省", "怀化市", None, "prefecture")),
    ("上海市普陀区司法局", ("310107", "上海市", "上海市", "普陀区", "county")),
    ("江苏省人大常委会办公厅", ("320000", "江苏省", None, None, "province")),
    ("中共江苏省委办公厅", ("320000", "江苏省", None, None, "province")),
    ("江苏省高级人民法院", ("320000", "江苏省", None, None, "province")),
    ("平潭县人民法院", ("350128", "福建省", "福州市", "平潭县", "county")),
    ("平潭综合实验区公安局", ("350128", "福建省", "福州市", "平潭县", "county")),
    ("福建省平潭综合实验区财政金融局", ("350128", "福建省", "福州市", "平潭县", "county")),
    ("中共上海市普陀区委社会工作部", ("310107", "上海市", "上海市", "普陀区", "county")),
    ("政协上海市普陀区委员会", ("310107", "上海市", "上海市", "普陀区", "county")),
    ("国家税务总局上海市普陀区税务局", ("310107", "上海市", "上海市", "普陀区", "county")),
    ("舟山市普陀区人民法院", ("330903", "浙江省", "舟山市", "普陀区", "county")),
    ("北京市财政局", ("110000", "北京市", "北京市", None, "province")),
    ("重庆市綦江区财政局", ("500110", "重庆市", "重庆市", "綦江区", "county")),
    ("湘西州财政局", ("433100", "湖南省", "湘西土家族苗族自治州", None, "prefecture")),
    ("恩施市财政局", ("422801", "湖北省", "恩施土家族苗族自治州", "恩施市", "county")),
    ("长乐市财政局", ("350112", "福建省", "福州市", "长乐区", "county")),  # 长乐市 is today 长乐区
    ("怀化政务服务中心", ("431200", "湖南省", "怀化市", None, "prefecture")),  # unambiguous short name
    ("广西壮族自治区财政厅", ("450000", "广西壮族自治区", None, None, "province")),
    ("仙桃市财政局", ("429004", "湖北省", None, "仙桃市", "county")),
    ("长沙县财政局", ("430121", "湖南省", "长沙市", "长沙县", "county")),
    ("长沙市财政局", ("430100", "湖南省", "长沙市", None, "prefecture")),
]


@pytest.mark.parametrize("name,expected", RESOLVE)
def test_resolve_region(name, expected):
    r = resolve_region(name)
    assert r is not None, name
    assert (r.code, r.province, r.city, r.county, r.admin_level) == expected


@pytest.mark.parametrize("name", ["普陀区司法局", "鼓楼区教育局", "省法院", "中山大学", "市政府办公室", "", "区纪工委"])
def test_resolve_region_gives_none_when_unknown_or_ambiguous(name):
    assert resolve_region(name) is None


def test_resolve_region_context_decides_ambiguity():
    assert resolve_region("普陀区司法局", context="上海市普陀区司法局。上海市").code == "310107"
    assert resolve_region("普陀区司法局", context="浙江省舟山市普陀区").code == "330903"
    assert resolve_region("鼓楼区教育局", context="南京市鼓楼区教育局 南京市").code == "320106"
    assert resolve_region("鼓楼区教育局", context="福州市").code == "350102"


def test_resolve_region_in_text():
    seed = (FIXTURES / "huaihua-zwfwzx-2024-budget.txt").read_text(encoding="utf-8")
    assert resolve_region_in_text(seed).code == "431200"
    assert resolve_region_in_text("上海市普陀区财政局。普陀区的预算。普陀区").code == "310107"
    assert resolve_region_in_text("江苏省人大常委会。江苏省。南京市").code == "320000"
    assert resolve_region_in_text("平潭综合实验区公安局，平潭综合实验区。福建省财政厅").code == "350128"
    assert resolve_region_in_text("城区道路和郊区") is None  # two-character names are words here
    assert resolve_region_in_text("") is None


def test_region_for_code():
    assert region_for_code("310107") == Region("310107", "上海市", "上海市", "普陀区", "county")
    assert region_for_code("999999") is None


# --- the data files ---------------------------------------------------------------------


def _rows(name: str) -> list[dict]:
    with (SCHEMAS / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_regions_csv():
    rows = _rows("regions.csv")
    by_code = {r["code"]: r for r in rows}
    assert len(by_code) == len(rows) > 3000
    assert all(len(r["code"]) == 6 and r["code"].isdigit() for r in rows)
    assert {r["level"] for r in rows} == {"province", "prefecture", "county"}
    assert not {"110100", "120100", "310100", "500100", "500200"} & set(by_code)  # 市辖区/县 placeholders
    assert not any(r["name"] in ("市辖区", "县") for r in rows)
    hh = by_code["431200"]
    assert (hh["name"], hh["short_name"], hh["level"], hh["province_code"], hh["prefecture_code"]) == (
        "怀化市",
        "怀化",
        "prefecture",
        "430000",
        "",
    )
    pt = by_code["310107"]
    assert (pt["name"], pt["level"], pt["province_code"], pt["prefecture_code"]) == ("普陀区", "county", "310000", "")
    assert by_code["350128"]["prefecture_code"] == "350100"
    shorts = {c: by_code[c]["short_name"] for c in ("450000", "650000", "433100", "431226", "310115", "140311")}
    assert shorts == {
        "450000": "广西",
        "650000": "新疆",
        "433100": "湘西",
        "431226": "麻阳",
        "310115": "浦东",
        "140311": "郊区",
    }
    for r in rows:
        if r["prefecture_code"]:
            assert by_code[r["prefecture_code"]]["level"] == "prefecture"
        assert by_code[r["province_code"]]["level"] == "province"


def test_region_aliases_point_at_real_codes():
    codes = {r["code"] for r in _rows("regions.csv")}
    aliases = _rows("region_aliases.csv")
    assert {"alias", "code"} <= set(aliases[0])
    assert all(a["code"] in codes for a in aliases)
    assert any(a["alias"] == "平潭综合实验区" and a["code"] == "350128" for a in aliases)


# --- the fact methods: each looks in one place, None when it finds nothing --------------

UNIT_BUDGET = "怀化市社会福利院2024年单位预算\n预算主管部门：怀化市民政局\n预算单位：怀化市社会福利院\n"
DEPT_BUDGET = "2024年部门预算\n部门：怀化市民政局\n单位：怀化市救助站\n"
SCOPE = "说明\n纳入2024年怀化市政务服务中心部门预算编制范围的单位包括：怀化市政务服务中心本级。"
TOC = "目录\n第二部分 江苏省高级人民法院 2017 年度部门预算表\n"

# (method, text, file name, value found, printed text of its evidence)
FACT_METHODS = [
    (D._agency_from_unit_label, UNIT_BUDGET, None, "怀化市社会福利院", "怀化市社会福利院"),
    (D._agency_from_unit_label, "单位名称：怀化市救助站\n", None, "怀化市救助站", "怀化市救助站"),
    (D._agency_from_unit_label, DEPT_BUDGET, None, None, None),  # a department budget: its department
    (D._agency_from_department_label, DEPT_BUDGET, None, "怀化市民政局", "怀化市民政局"),
    (
        D._agency_from_department_label,
        "部门：中共江苏省委办公厅 单位：万元\n",
        None,
        "中共江苏省委办公厅",
        "中共江苏省委办公厅",
    ),
    (D._agency_from_title, "怀化市民政局2024年部门预算\n", None, "怀化市民政局", "怀化市民政局"),
    (D._agency_from_title, "2024年部门预算\n", None, None, None),
    (D._agency_from_scope, SCOPE, None, "怀化市政务服务中心", "怀化市政务服务中心"),
    (
        D._agency_from_heading,
        "说明\n一、怀化市政务服务中心部门职责\n",
        None,
        "怀化市政务服务中心",
        "怀化市政务服务中心",
    ),
    (D._agency_from_toc, TOC, None, "江苏省高级人民法院", "江苏省高级人民法院"),
    (D._year_from_title, "怀化市民政局2024年部门预算\n", None, 2024, "2024"),
    (D._year_from_title, "怀化市民政局部门预算（2024年度）\n", None, 2024, "2024"),
    (D._year_from_scope, SCOPE, None, 2024, "2024"),
    (D._year_from_toc, TOC, None, 2017, "2017"),
    (D._year_from_text, "说明\n2022年度部门决算如下。2023年部门决算，2023年部门决算", None, 2023, "2023"),
    (D._year_from_file_name, "", "js_swbgt_2019_budget_tables.pdf", 2019, None),
    (D._year_from_file_name, "", "2c90b38b1980aabbccdd.pdf", None, None),  # a hash, not a year
    (D._kind_from_title, "2015年度平潭综合实验区公安局决算说明\n", None, "final_accounts", "决算"),
    (D._kind_from_scope, SCOPE, None, "budget", "预算"),
    (D._kind_from_toc, TOC, None, "budget", "预算"),
    (D._kind_from_markers, "说明\n决算情况，决算说明，预算公开", None, "final_accounts", "决算"),
    (D._kind_from_file_name, "", "cq_swu_2023_final.pdf", "final_accounts", None),
    (D._kind_from_file_name, "", "report.pdf", None, None),
]


@pytest.mark.parametrize(
    "method, text, name, value, printed",
    FACT_METHODS,
    ids=[f"{m.__name__}-{i}" for i, (m, *_) in enumerate(FACT_METHODS)],
)
def test_fact_method(method, text, name, value, printed):
    hit = method(D._Doc(text, name))
    assert (hit.value if hit else None) == value
    assert (text[slice(*hit.span)] if hit and hit.span else None) == printed


# (method, text, agency, parent found)
PARENT_METHODS = [
    (D._parent_from_labels, UNIT_BUDGET, "怀化市社会福利院", "怀化市民政局"),
    (D._parent_from_labels, DEPT_BUDGET, "怀化市民政局", None),
    (
        D._parent_from_sentences,
        "说明\n怀化市政务服务中心作为怀化市政府办公室二级预算单位，",
        "怀化市政务服务中心",
        "怀化市政府办公室",
    ),
    (D._parent_from_sentences, "说明\n本单位主管部门为怀化市民政局。", None, "怀化市民政局"),
    (D._parent_from_sentences, "说明\n本中心隶属于怀化市民政局管理，", None, "怀化市民政局"),
]


@pytest.mark.parametrize("method, text, agency, parent", PARENT_METHODS)
def test_parent_method(method, text, agency, parent):
    hit = method(D._Doc(text, None), agency)
    assert (hit.value if hit else None) == parent
    assert hit is None or text[slice(*hit.span)] == parent


# (method, text, agency, parent, region code found)
REGION_METHODS = [
    (D._region_of_agency, "", "怀化市政务服务中心", None, "431200"),
    (D._region_of_agency, "", None, "怀化市政府办公室", None),
    (D._region_of_parent, "", "中心", "怀化市政府办公室", "431200"),
    (D._region_of_title, "上海市普陀区2025年区级部门预算\n", None, None, "310107"),
    (D._region_in_text, "说明\n怀化市，怀化市，长沙市", None, None, "431200"),
]


@pytest.mark.parametrize("method, text, agency, parent, code", REGION_METHODS)
def test_region_method(method, text, agency, parent, code):
    region = method(D._Doc(text, None), agency, parent)
    assert (region.code if region else None) == code


def test_earlier_methods_win():
    """A unit budget's unit label beats its title and department label; the title's year beats the file name's."""
    d = extract_document_facts(
        "怀化市民政局2024年单位预算\n预算主管部门：怀化市民政局\n预算单位：怀化市社会福利院\n", "x_2019_final.pdf"
    )
    assert (d.agency, d.parent_agency, d.fiscal_year, d.doc_kind) == (
        "怀化市社会福利院",
        "怀化市民政局",
        2024,
        "budget",
    )
