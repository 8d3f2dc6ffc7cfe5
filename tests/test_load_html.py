"""Loading HTML: main content found, boilerplate dropped, charsets, attachments, tags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gongkai.extractors.load.html import attachment_links, load_html

FIXTURES = Path(__file__).parent / "fixtures" / "html"

PAGES = {
    "fj_pt_gongan_2016_budget": (
        [
            "平潭2016年部门预算经平潭人大十六届五次会议审议通过",
            "收入预算为23320.62万元",
            "项目支出16066.64万元",
            "平潭综合实验区公安局本级\t财政拨款\t389\t383",
        ],
        8,
        ("一般公共预算基本支出表.xls", ".xls"),
    ),
    "fj_pt_suao_2017_final": (
        [
            "2017年度平潭综合实验区苏澳镇人民政府部门决算说明",
            "年初结转和结余15.68万元",
            "政府性基金107.40万元",
            "苏澳镇人民政府\t财政核拨\t32\t34",
        ],
        10,
        ("2_收入决算表.xls", ".xls"),
    ),
    "fj_pt_zhengan_2020_budget": (
        ["2020年,区征安办收入预算为19.5万元", "一般公共预算拨款支出19.5万元", "2020年1月21日"],
        1,
        ("附表5预算公开表格 -征安办.xlsx", ".xlsx"),
    ),
}
BOILERPLATE = [
    "网站支持IPV6",
    "政府信息公开",
    "当前位置",
    "版权所有",
    "闽ICP备09032658号",
    "主办单位",
    "热门搜索",
    "无障碍浏览",
    "信用中国",
    "联系我们",
]


def _load(name: str):
    data = (FIXTURES / f"{name}.html").read_bytes()
    return data, load_html(name, data)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_main_content_without_boilerplate(name):
    _, doc = _load(name)
    expected, _, _ = PAGES[name]
    for s in expected:
        assert s in doc.text, s
    for s in BOILERPLATE:
        assert s not in doc.text, s
    assert doc.media_type == "text/html" and doc.encoding == "utf-8"
    assert "\n\n\n" not in doc.text and not doc.text.startswith("\n")
    assert "<" not in doc.text and "mso-" not in doc.text


@pytest.mark.parametrize("name", sorted(PAGES))
def test_gbk_copy_gives_identical_text(name):
    data, doc = _load(name)
    html = data.decode("utf-8")
    html, n = re.subn(r'<meta charset="utf-8"', '<meta charset="gbk"', html, count=1, flags=re.I)
    assert n == 1
    gbk = html.encode("gb18030")
    assert gbk != data
    other = load_html(name, gbk)
    assert other.encoding == "gb18030"
    assert other.text == doc.text
    # http-equiv form, and an HTTP charset that wins over a wrong meta
    equiv = html.replace(
        '<meta charset="gbk"', '<meta http-equiv="Content-Type" content="text/html; charset=GB2312"', 1
    )
    assert load_html(name, equiv.encode("gb18030")).text == doc.text
    wrong = html.replace('<meta charset="gbk"', '<meta charset="iso-8859-1"', 1).encode("gb18030")
    assert load_html(name, wrong, http_charset="GBK").text == doc.text


@pytest.mark.parametrize("name", sorted(PAGES))
def test_attachment_links(name):
    data, _ = _load(name)
    _, count, (text, ext) = PAGES[name]
    links = attachment_links(data.decode("utf-8"))
    assert len(links) == count
    assert all(href.startswith("http") for href, _ in links)
    hit = [href for href, t in links if t == text]
    assert hit and hit[0].endswith(ext)


def test_content_selector_wins():
    data, doc = _load("fj_pt_gongan_2016_budget")
    sel = load_html("x", data, content_selector="div.article_content")
    assert sel.text.startswith("2016年平潭综合实验区公安局预算说明")
    assert "附件下载" not in sel.text and "收入预算为23320.62万元" in sel.text
    assert len(sel.text) <= len(doc.text)


UPPER = """<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=gb2312">
<TITLE>站点</TITLE></HEAD><BODY>
<DIV CLASS="topnav"><A HREF="/">首页</A> | <A HREF="/a">政务公开</A> | <A HREF="/b">互动交流</A></DIV>
<DIV ID="Content">
<P CLASS=MsoNormal><SPAN STYLE="mso-spacerun:yes">&nbsp;</SPAN><SPAN>一、部门收支总体情况<o:p></o:p></SPAN></P>
<P CLASS=MsoNormal>　　本年收入预算<B>1094.80</B>万元，比上年增加12.50万元。<BR>其中一般公共预算1000.00万元。</P>
<P>&nbsp;</P><P>&nbsp;</P><P></P><P></P>
<P>表1：部门收支总表</P>
<TABLE BORDER=1><TR><TD><P>项目</P></TD><TD>金额</TD></TR>
<TR><TD>一般公共预算</TD><TD>1000.00</TD></TR></TABLE>
<P>附件：<A HREF="files/1.XLS">1.收支总表</A> <A HREF="/f/2.pdf?id=3">2. 说明 </A> <A HREF="/x.htm">不是附件</A></P>
</DIV>
<DIV CLASS="footer">版权所有：某某财政局 联系我们 网站地图</DIV>
</BODY></HTML>"""


def test_uppercase_word_markup_page():
    doc = load_html("upper.htm", UPPER.encode("gb18030"))
    assert doc.encoding == "gb18030"
    lines = doc.text.split("\n")
    assert "\u00a0一、部门收支总体情况" in lines
    assert "\u3000\u3000本年收入预算1094.80万元，比上年增加12.50万元。" in lines
    assert "其中一般公共预算1000.00万元。" in lines
    assert "项目\t金额" in lines and "一般公共预算\t1000.00" in lines
    assert "首页" not in doc.text and "版权所有" not in doc.text and "站点" not in doc.text
    assert "\n\n\n" not in doc.text
    assert attachment_links(UPPER) == [("files/1.XLS", "1.收支总表"), ("/f/2.pdf?id=3", "2. 说明")]
    assert attachment_links(UPPER.encode("gb18030"))[0] == ("files/1.XLS", "1.收支总表")


@pytest.mark.parametrize(
    "name,agency,year,kind",
    [
        ("fj_pt_gongan_2016_budget.html", "平潭综合实验区公安局", 2016, "budget"),
        ("fj_pt_suao_2017_final.html", "平潭综合实验区苏澳镇人民政府", 2017, "final_accounts"),
        ("fj_pt_zhengan_2020_budget.html", "平潭综合实验区土地房屋征收安置工作领导小组办公室", 2020, "budget"),
    ],
)
def test_pages_extract_with_their_document_facts(name, agency, year, kind):
    """The article title above the body is part of the stored text, so the page knows its
    agency, year and kind; the figures are found in the body."""
    from gongkai.extractors.extract import extract_path

    ex = extract_path(Path(__file__).parent / "fixtures" / "html" / name)
    assert ex.status == "ok" and ex.media_type == "text/html"
    assert (ex.document["agency"], ex.document["fiscal_year"], ex.document["doc_kind"]) == (agency, year, kind)
    assert len(ex.facts) > 20
    for f in ex.facts:
        assert ex.text[f.char_start : f.char_end] == f.raw


STANDARD_TABLE_PAGE = """<html><head><meta charset="{charset}"><title>部门预算</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/zwgk">政务公开</a></div>
<div class="content"><h2>怀化市政务服务中心2024年部门预算</h2>
<p>一、部门收支总体情况。支出预算1094.8万元，其中基本支出439.56万元，项目支出655.24万元。</p>
<p>部门支出总表</p><p>单位：万元</p>
<table border="1"><tr><th rowspan="2">科目编码</th><th rowspan="2">科目名称</th><th colspan="3">本年支出</th></tr>
<tr><th>合计</th><th>基本支出</th><th>项目支出</th></tr>
<tr><td>201</td><td>一般公共服务支出</td><td>1003.51</td><td>348.27</td><td>655.24</td></tr>
<tr><td>20103</td><td>政府办公厅（室）及相关机构事务</td><td>1003.51</td><td>348.27</td><td>655.24</td></tr>
<tr><td></td><td>合计</td><td>1094.80</td><td>439.56</td><td>655.24</td></tr>
</table></div><div class="footer">版权所有</div></body></html>"""


@pytest.mark.parametrize("charset,codec", [("utf-8", "utf-8"), ("gbk", "gb18030")])
def test_html_standard_tables_become_line_items(tmp_path, charset, codec):
    """An HTML <table> (rowspan/colspan header, 单位 line above it) lands in line_items, the
    summary takes its exact values, and the prose is checked against it."""
    from decimal import Decimal

    from gongkai.extractors.extract import extract_path

    path = tmp_path / f"page-{charset}.html"
    path.write_bytes(STANDARD_TABLE_PAGE.format(charset=charset).encode(codec))
    ex = extract_path(path)
    items = {(it["row_label"], it["measure_key"]): it for it in ex.line_items}
    assert items[("一般公共服务支出", "basic")]["amount"] == Decimal("3482700")
    assert items[("政府办公厅（室）及相关机构事务", "total")]["code"] == "20103"
    assert items[("政府办公厅（室）及相关机构事务", "total")]["parent_code"] == "201"
    assert ex.summary["expenditure_basic"] == Decimal("4395600") and ex.summary_sources["expenditure_basic"] == "table"
    assert any(c.rule == "text_agrees_with_tables" and c.status == "pass" for c in ex.checks)
    assert "首页" not in ex.text and "版权所有" not in ex.text


def test_a_page_and_its_attachments_are_one_disclosure(tmp_path):
    """The tables file a page links to joins the page's disclosure and is checked against it."""
    from gongkai.extractors.checks.disclosures import check_companions
    from gongkai.extractors.extract import extract_path
    from tests.sheet_fixtures import page_with_attachment

    page, sheet = page_with_attachment(tmp_path)
    exs = [extract_path(page), extract_path(sheet)]
    assert exs[0].attachments and exs[0].attachments[0][1] == "2024年公开表"
    check_companions(exs)
    assert exs[0].disclosure_id is not None and exs[0].disclosure_id == exs[1].disclosure_id
    assert any(c.rule.endswith("_across_files") for c in exs[0].checks)


def test_attachment_links_reach_documents_parquet(tmp_path):
    import pyarrow.parquet as pq

    from tests.conftest import extract_into

    extract_into(tmp_path, [Path(__file__).parent / "fixtures" / "html" / "fj_pt_gongan_2016_budget.html"])
    row = pq.read_table(tmp_path / "documents.parquet").to_pylist()[0]
    assert row["attachments"] and all(a["href"] and a["text"] for a in row["attachments"])
