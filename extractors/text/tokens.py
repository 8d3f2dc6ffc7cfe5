"""Chinese word segmentation for labels: spaCy (blank zh, jieba segmenter) with a
domain user dictionary and a rule component that trims a label to its subject.

Numbers come from regexes (extractors/text/numbers.py); tokens decide where a
label starts and ends: a leading "本部门" or a trailing "为" is dropped only
when it is a whole word, so "作为" or "行为" are never cut in half.
"""

from __future__ import annotations

import logging
import re
from functools import cache, lru_cache

import jieba
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from gongkai.extractors.facts.attribute import vocabulary_terms
from gongkai.schemas.vocabulary import load_vocabulary

# Domain words jieba's general dictionary lacks, besides the vocabulary terms.
EXTRA_WORDS = (
    "一般公共预算",
    "政府性基金",
    "国有资本经营预算",
    "财政拨款",
    "年初预算数",
    "上年预算数",
    "机关运行经费",
    "三公经费",
    "压减",
    "同口径",
    "预算单位",
    "内设机构",
    "绩效目标",
    "本部门",
    "本单位",
    "我单位",
    "我部门",
    "纳入",
)
# Tokens that are a time expression, not a subject: 2024 年 度 12 月.
_TIME_TOKEN = re.compile(r"^(\d{4}|\d{1,2}|年度?|月份?|日)$")
_PUNCT = set("，,：:、；;“”\"'（）() ")

if not Doc.has_extension("label_span"):
    Doc.set_extension("label_span", default=None)


@Language.component("gongkai_label_trim")
def label_trim(doc: Doc) -> Doc:
    """Rule component: the token span of the label's subject (``doc._.label_span``).

    Drops leading list words, years and agency-independent fillers (本部门, 其中, 包括,
    用于 …) and trailing copulas (为, 是, 共计 …) from the vocabulary's [label] lists.
    """
    vocab = load_vocabulary()
    start, end = 0, len(doc)
    while start < end and (
        doc[start].text in vocab.leading_words
        or _TIME_TOKEN.match(doc[start].text)
        or doc[start].text in _PUNCT
        or doc[start].text == "无"
    ):
        start += 1
    while end > start and (doc[end - 1].text in vocab.trailing_words or doc[end - 1].text in _PUNCT):
        end -= 1
    doc._.label_span = (start, end)
    return doc


@cache
def nlp() -> Language:
    """spaCy blank Chinese with jieba segmentation and the label rule component."""
    jieba.setLogLevel(logging.WARNING)
    for word in (*vocabulary_terms(load_vocabulary()), *EXTRA_WORDS):
        jieba.add_word(word, freq=200000)
    pipeline = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    pipeline.add_pipe("gongkai_label_trim")
    return pipeline


@lru_cache(maxsize=65536)
def trim_label(text: str) -> str:
    """The subject of a label: ``text`` without leading/trailing filler words."""
    if not text:
        return ""
    doc = nlp()(text)
    start, end = doc._.label_span
    return doc[start:end].text if end > start else ""
