"""Named projects: 项目支出 list members with their amount and purpose."""

from __future__ import annotations

import re

from gongkai.extractors.facts.figures import Mention
from gongkai.extractors.model import Fact, Project
from gongkai.extractors.text.normalize import Normalized

# "，主要用于保障内网机房正常运行；" — the purpose clause after a project's amount.
PURPOSE = re.compile(r"[，,：:]?\s*(主要|专项)?(用于|用途为|用途是|用途：)(?P<purpose>[^；;。\n]+)")
# A project named without an amount: a quoted name followed by what is funded.
# "“湘易办”怀化旗舰店建设运维经费" — the text between the quote and 经费 must be non-empty,
# so "“三公”经费" is not a project.
NAMED_PROJECT = re.compile(
    r"[“\"](?P<quoted>[^”\"]{1,20})[”\"](?P<rest>[\u4e00-\u9fff]{1,20}?)(?P<noun>经费|专项资金|项目|工程)"
)
PROJECT_CONCEPTS = {"project"}


def _purpose(text: str, pos: int) -> str | None:
    m = PURPOSE.match(text, pos)
    if not m:
        return None
    return m.group("purpose").rstrip("等 ，,") or None


def extract_projects(norm: Normalized, mentions: list[Mention], facts: list[Fact]) -> list[Project]:
    text = norm.text
    projects: list[Project] = []
    for m, fact in zip(mentions, facts):
        if fact.concept not in PROJECT_CONCEPTS or fact.kind != "amount" or not fact.label:
            continue
        name_at = text.rfind(fact.label, m.clause_start, m.start)
        start = norm.span(name_at, name_at)[0] if name_at >= 0 else fact.char_start
        projects.append(Project(fact.label, fact.value, _purpose(text, m.end), start, fact.char_end, fact.fact_id))
    named = {p.name for p in projects}
    for found in NAMED_PROJECT.finditer(text):
        name = found.group()
        after = text[found.end() : found.end() + 3]
        if re.match(r"\s*\d", after) or any(name in n or n in name for n in named):
            continue
        start, end = norm.span(found.start(), found.end())
        projects.append(Project(name, None, _purpose(text, found.end()), start, end))
        named.add(name)
    return projects
