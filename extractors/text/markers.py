"""Heading and list markers of Chinese disclosures, as regex pieces: one definition each,
composed by the readers that need to know where a heading or item starts (documents.py,
facts.py, normalize.py, tables.py). The heading tree itself is built by sections.py."""

from __future__ import annotations

NUMERAL = "[一二三四五六七八九十]+"
PART = f"第{NUMERAL}部分"  # 第一部分
CN_ITEM = f"{NUMERAL}[、.]"  # 一、 一.
PAREN_CN = f"[（(]{NUMERAL}[)）]"  # （一） (一)
PAREN_ANY = "[（(][一二三四五六七八九十\\d]+[)）]"  # （一） (1)
DIGIT_ITEM = r"\d+[.、](?!\d)"  # 1. 1、 (not the 1 of 1.5)
