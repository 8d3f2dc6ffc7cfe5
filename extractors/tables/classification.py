"""Budget classification codes (政府收支分类科目): code → kind, level, parent.

* Function classification (支出功能分类): 类 3 digits (201), 款 5 (20103), 项 7
  (2010301); codes start with 2 (expenditure functions; 1xx are income codes).
* Economic classification (部门预算支出经济分类 3xx, 政府预算支出经济分类 5xx):
  类 3 digits (301), 款 5 (30101).

Small pure functions; ``None`` means "not a code".
"""

from __future__ import annotations

import re

__all__ = ["CodeInfo", "code_info", "compose_code", "split_leading_code"]

_CODE = re.compile(r"^(?:\d{3}|\d{5}|\d{7})$")
_LEVEL = {3: 1, 5: 2, 7: 3}
# "2010301 行政运行", "2010301行政运行", "[201]一般公共服务支出", "201-一般公共服务支出"
_LEADING = re.compile(r"^\s*[\[【(（]?(?P<code>\d{7}|\d{5}|\d{3})[\]】)）]?\s*[-—.、:：]?\s*(?P<name>\D.*)$")


class CodeInfo(tuple):
    """(code, kind, level, parent) — kind is "function" or "economic"."""

    __slots__ = ()

    def __new__(cls, code: str, kind: str, level: int, parent: str | None):
        return super().__new__(cls, (code, kind, level, parent))

    code = property(lambda self: self[0])
    kind = property(lambda self: self[1])
    level = property(lambda self: self[2])
    parent = property(lambda self: self[3])


def code_info(code: str | None) -> CodeInfo | None:
    """Kind, level (1 类 / 2 款 / 3 项) and parent of a classification code, or None."""
    if not code or not _CODE.match(code):
        return None
    if code[0] == "2" or code[0] == "1":
        kind = "function"
    elif code[0] in "35":
        kind = "economic"
        if len(code) == 7:
            return None  # economic codes have two levels
    else:
        return None
    level = _LEVEL[len(code)]
    parent = code[:-2] if len(code) > 3 else None
    return CodeInfo(code, kind, level, parent)


def compose_code(parts: list[str]) -> str | None:
    """Join 类/款/项 columns ("201", "03", "01") into one code ("2010301")."""
    parts = [p.strip() for p in parts if p and p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    head = parts[0]
    # a 款/项 printed without its leading zero (Excel): "301 | 2" is 30102
    parts = [head] + [p.zfill(2) if len(p) == 1 else p for p in parts[1:]]
    if len(parts) == 1:
        return head if code_info(head) else None
    # a later part may repeat the whole code (201 | 20103 | 2010301)
    if all(b.startswith(a) for a, b in zip(parts, parts[1:])):
        return parts[-1] if code_info(parts[-1]) else None
    if len(head) != 3 or not all(len(p) == 2 for p in parts[1:]) or len(parts) > 3:
        return None
    code = "".join(parts)
    return code if code_info(code) else None


def split_leading_code(label: str) -> tuple[str, str] | None:
    """("2010301", "行政运行") from a label that starts with its code, else None."""
    m = _LEADING.match(label or "")
    if not m or not code_info(m.group("code")):
        return None
    return m.group("code"), m.group("name").strip()
