"""Chinese word segmentation for labels (jieba with a domain user dictionary).

Numbers come from regexes (extractors/numbers.py); tokens decide where a
label starts and ends: a leading "本部门" or a trailing "为" is dropped only
when it is a whole word, so "作为" or "行为" are never cut in half.
"""
from __future__ import annotations

import logging
from functools import cache, lru_cache

import jieba

from extractors.attribute import load_vocabulary, vocabulary_terms

# Domain words jieba's general dictionary lacks, besides the vocabulary terms.
EXTRA_WORDS = (
    "一般公共预算", "政府性基金", "国有资本经营预算", "财政拨款", "年初预算数", "上年预算数",
    "机关运行经费", "三公经费", "压减", "同口径", "预算单位", "内设机构", "绩效目标",
    "本部门", "本单位", "我单位", "我部门", "纳入",
)


@cache
def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    for word in (*vocabulary_terms(load_vocabulary()), *EXTRA_WORDS):
        tk.add_word(word, freq=200000)
    return tk


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    """Segment ``text`` into words (no HMM: digits stay apart from units)."""
    return tuple(_tokenizer().lcut(text, HMM=False))
