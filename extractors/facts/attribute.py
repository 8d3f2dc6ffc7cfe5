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


def match_concept(
    label: str,
    kind: str,
    context: str,
    vocab: Vocabulary,
    parent_concept: str | None = None,
) -> ConceptMatch | None:
    """The concept a label names, or None.

    Highest priority wins; ties go to the longest term, then to the term
    nearest the end of the label (the number follows the label).
    """
    best: tuple | None = None
    for rule in vocab.rules:
        if kind not in rule.kinds:
            continue
        if rule.under and parent_concept not in rule.under:
            continue
        if rule.context is not None and not rule.context.search(context):
            continue
        for m in rule.terms.finditer(label):
            if m.end() == m.start():
                continue
            key = (rule.priority, m.end() - m.start(), m.end())
            if best is None or key > best[0]:
                best = (key, ConceptMatch(rule.name, m.start(), m.end(), rule))
    return best[1] if best else None
