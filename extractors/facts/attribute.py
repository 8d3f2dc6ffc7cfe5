"""Label → concept, by the vocabulary of ``schemas/concepts.toml`` (loaded by ``schemas/vocabulary.py``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.schemas.vocabulary import ConceptRule, Vocabulary


@dataclass(frozen=True)
class ConceptMatch:
    concept: str
    start: int  # span of the term in the label
    end: int
    rule: ConceptRule


def vocabulary_terms(vocab: Vocabulary) -> list[str]:
    """Plain (regex-free) alternatives of the terms: the jieba user dictionary."""
    words: set[str] = set()
    for rule in vocab.rules:
        for alt in rule.terms.pattern.split("|"):
            alt = alt.removeprefix("(?:").removesuffix(")")
            if re.fullmatch(r"[\u4e00-\u9fff、“”]+", alt):
                words.add(alt)
    return sorted(words)


# Words that join two subjects into one figure: “三公”经费及会议费、培训费预算支出共263.72万元,
# 基本支出和项目支出532.10万元.
CONJUNCTION = re.compile(r"以及|及|和|与|、")


def all_matches(
    label: str, kind: str, context: str, vocab: Vocabulary, parent_concept: str | None = None
) -> list[ConceptMatch]:
    """Every term of every rule that applies (kind, ``under``, context) found in the label."""
    found: list[ConceptMatch] = []
    for rule in vocab.rules:
        if kind not in rule.kinds:
            continue
        if rule.under and parent_concept not in rule.under:
            continue
        if rule.context is not None and not rule.context.search(context):
            continue
        found.extend(
            ConceptMatch(rule.name, m.start(), m.end(), rule) for m in rule.terms.finditer(label) if m.end() > m.start()
        )
    return found


def is_combined(matches: list[ConceptMatch], label: str) -> bool:
    """The label names two concepts joined by 及/和/与/、 (a sum of both, which is neither):
    terms inside a longer term (公务用车购置 in 公务用车购置及运行维护费) do not count."""
    outer = [
        m
        for m in matches
        if not any(o.start <= m.start and m.end <= o.end and o.end - o.start > m.end - m.start for o in matches)
    ]
    return any(
        a.concept != b.concept and a.end <= b.start and CONJUNCTION.fullmatch(label[a.end : b.start])
        for a in outer
        for b in outer
    )


def match_concept(
    label: str,
    kind: str,
    context: str,
    vocab: Vocabulary,
    parent_concept: str | None = None,
    joined: bool = False,
) -> ConceptMatch | None:
    """The concept a label names, or None (also when it names two joined by 及/和/、, unless
    ``joined``: 无… of “三公”经费、会议费、培训费 is an absence of each).

    Highest priority wins; ties go to the longest term, then to the term
    nearest the end of the label (the number follows the label).
    """
    matches = all_matches(label, kind, context, vocab, parent_concept)
    if not matches or (not joined and is_combined(matches, label)):
        return None
    return max(matches, key=lambda m: (m.rule.priority, m.end - m.start, m.end))
