"""Figures of a document: found by regex, typed by their context, attributed.

The chain, all on the normalized view (offsets mapped back at the end):

1. ``find_mentions``: every quantity (extractors/text/numbers.py) with its kind
   (amount, change, rate, share, count, threshold) read from the words right
   before and after it, plus stated absences ("无政府性基金预算支出").
2. ``link_lists``: a 其中/包括/分别为 list hangs its members under the figure
   it breaks down (the parent), and remembers whether the list claims to be
   complete (it does not when introduced by 其中 or ending in 等).
3. ``attribute``: the label (the subject as written before the number,
   cleaned on jieba word boundaries) and the concept from the vocabulary.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import Decimal

from gongkai.extractors.facts.attribute import all_matches, is_combined, match_concept
from gongkai.extractors.model import Fact
from gongkai.extractors.text.markers import CN_ITEM, DIGIT_ITEM, PAREN_ANY, PART
from gongkai.extractors.text.normalize import Normalized
from gongkai.extractors.text.numbers import find_quantities
from gongkai.extractors.text.sections import SectionIndex
from gongkai.extractors.text.tokens import trim_label
from gongkai.schemas.vocabulary import Vocabulary

# --- punctuation ---------------------------------------------------------------
CLAUSE_BREAKS = set("，,：:、；;。！？!?\n")
SENTENCE_BREAKS = set("；;。！？!?\n")
HARD_BREAKS = set("。！？!?\n")

# --- kinds (regexes on the clause text before / after the number) ---------------
# A direction word right before a money figure makes it a change: 较上年增加88.87万元,
# 较2025年预算多2,563.22万元 (not 最多/至少5万元: a cap or a floor is an amount).
CHANGE_BEFORE = re.compile(
    r"((增长|增加|上升|提高|(?<![最至之])多|(?<![最至])少|下降|减少|降低|节约|压减|缩减|减|增)了?(约|达|为|共)?"
    r"|(?P<template>(增加|增长|上升)[(（](减少|下降)[)）]))$"
)  # 增加（减少）0万元: a template, an increase unless printed negative
# …or a verb in front of what changed: 增加综合管理费209万元, 原因是增加了…专项经费200万元
# (not 压减公用经费后安排36万元: what is arranged after a cut is an amount).
CHANGE_VERB_OBJECT = re.compile(r"(?:^|[^增减])(增加|减少|追加|核减)了?(?![^，,。；;]*后)[^，,。；;\d]{1,40}$")
PHRASE_BREAKS = set("，,。；;：:\n")
# The words that make a percentage a rate (增长8.8%) and say its direction; a change and a rate
# are magnitudes, the direction carries the sign.
DIRECTION_WORDS = (
    (re.compile(r"增长|增加|上升|提高|增幅|增"), "increase"),
    (re.compile(r"下降|减少|降低|降幅|节约|压减|缩减|减"), "decrease"),
)
# Every word that makes a money figure a change (CHANGE_BEFORE, CHANGE_VERB_OBJECT) says its
# direction here (tests/test_schema_contract.py keeps them in step). 多/少 only right before
# a money figure: in a rate's clause they are other words (多跨融合, 不少于80%).
CHANGE_DIRECTION_WORDS = (
    (re.compile(r"增长|增加|上升|提高|增幅|追加|多|增"), "increase"),
    (re.compile(r"下降|减少|降低|降幅|节约|压减|缩减|核减|少|减"), "decrease"),
)
FLIPPED = {"increase": "decrease", "decrease": "increase", "flat": "flat"}
# The output holds money as DECIMAL(22,2) yuan and facts.value as DECIMAL(28,6): a printed
# figure that is not zero but would be held as zero (0.0000001万元 → 0.00) is no figure of a
# disclosure, and kept it would read as "states none".
FEN = Decimal("0.01")
VALUE_QUANTUM = Decimal("0.000001")
# What a rate's label may say and still be about the figure before it (增加率为8.8%, 增长);
# anything else (运转类专项经费统一压减10%) names another subject.
RATE_SUBJECT = re.compile(
    r"增长|增加|上升|提高|下降|减少|降低|增幅|降幅|增减|幅度|率|为|了|约|达|比上年|与上年相比|较上年|同比|分别"
)
# 占40.15%, 占比、比重 make a percentage a share.
SHARE_BEFORE = re.compile(r"(占|比重|占比|比例)[^，,。；;]{0,12}$")
# 单位价值50万元以上: a class boundary, not spending.
THRESHOLD_AFTER = re.compile(r"^([(（]含[)）])?(及|或)?(以上|以下|以内)")
# 与上年持平: a change of zero without a number.
FLAT = re.compile(r"(与|和|同|较|比)(上年|去年|上一?年度?|\d{4}年)[^，,。；;\n]{0,8}?持平")
PREVIOUS_PERIOD = r"(上年|去年|上一年度?|{prev}年)"
# In final accounts, what was budgeted (年初预算为2.85万元，支出决算为0.39万元) is not the outturn.
BUDGETED = re.compile(r"(年初预算|预算数|预算为|预算安排)[^决]{0,4}$")
# 无/没有 that negates what follows (无偿, 无线, 无论 ... are words, not negations).
NONE_WORD = re.compile(r"没有|无(?!偿|线|论|法|关|须|需|效|息|形|人|故|疑|限|党派|私)")
NONE_WINDOW = 18
# 本部门无此项收入 / 无相关收支项目: an absence of the figure just mentioned or of the section's subject.
NONE_OF_THIS = re.compile(r"(本部门|本单位|我单位)?(无|没有)(此项|相关)(收支项目|收入|支出|收支|资金|经费|预算)?")
NONE_STOP = re.compile(r"[，,。；;：:]|\n\s*\n")
# List introducers: the figure before them is the parent of the figures after them.
LIST_INTRO = re.compile(r"其中[:：,，]?|包括(用于)?|具体(为|如下|包括)[:：]?|分别(为|是)[:：]?")
# Heading markers at the start of a fallback label: （一） 一、 1. (1)
HEADING_MARK = re.compile(rf"^\s*({PAREN_ANY}|{CN_ITEM}|{DIGIT_ITEM}|{PART})")
# A value after a comparison sign is a target of a 绩效 indicator table (短期休养人员支出标准=1920元,
# 基本支出不超预算 ≤ 1517.95 万元), not a figure of the budget.
INDICATOR_SIGN = re.compile(r"[=＝≥≤≧≦<>＜＞]\s*$")


@dataclass
class Mention:
    """A figure on the normalized view, before attribution."""

    start: int
    end: int
    kind: str
    value: Decimal
    unit: str
    unit_text: str
    resolution: Decimal
    direction: str | None = None
    stated_none: bool = False
    concept: str | None = None  # set directly for stated absences
    label: str | None = None
    clause_start: int = 0
    explicit_share: bool = False  # 占40.15%: a share of the figure before it (checked)


def _direction(text: str, words=DIRECTION_WORDS) -> str | None:
    """The direction of the last direction word of ``text``."""
    found = None
    for pattern, direction in words:
        for m in pattern.finditer(text):
            if found is None or m.start() >= found[0]:
                found = (m.start(), direction)
    return found[1] if found else None


def _rounds_to_zero(value: Decimal, unit: str) -> bool:
    """Not zero, but held as zero by the output (money below half a fen; a percentage or a
    count below the sixth decimal)."""
    return value != 0 and abs(value) < 1 and value.quantize(FEN if unit == "yuan" else VALUE_QUANTUM) == 0


def _phrase_before(text: str, pos: int, floor: int, clause_start: int | None = None) -> str:
    """The text before ``pos`` back to the last comma-level break (a 、 list stays whole);
    across a wrapped line when the figure's clause starts before it (``clause_start``)."""
    if clause_start is not None and "\n" in text[clause_start:pos]:
        nl = text.rindex("\n", clause_start, pos)
        return (text[_back_to(text, nl, floor, PHRASE_BREAKS) : nl] + text[nl + 1 : pos]).replace("\n", "")
    return text[_back_to(text, pos, floor, PHRASE_BREAKS) : pos]


def _clause_end(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] not in CLAUSE_BREAKS:
        pos += 1
    return pos


def _back_to(text: str, pos: int, floor: int, breaks: set[str]) -> int:
    """Where the run of text ending at ``pos`` starts: after the last of ``breaks`` (not before ``floor``)."""
    i = pos - 1
    while i >= floor and text[i] not in breaks:
        i -= 1
    return i + 1


def _clause_start(text: str, pos: int, floor: int) -> int:
    return _back_to(text, pos, floor, CLAUSE_BREAKS)


def _stated_none(norm: Normalized, vocab: Vocabulary) -> list[Mention]:
    text = norm.text
    out: list[Mention] = []
    rules = [r for r in vocab.rules if "threshold" not in r.kinds]
    for m in NONE_WORD.finditer(text):
        window = text[m.end() : m.end() + NONE_WINDOW]
        stop = NONE_STOP.search(window)
        if stop:
            window = window[: stop.start()]
        best = None
        sentence = _sentence_of(text, m.start())
        for rule in rules:
            if rule.context is not None and not rule.context.search(sentence):
                continue
            t = rule.terms.search(window)
            if t and t.end() > t.start():
                # the first thing named after 无; at one start, a concept that can be absent wins
                key = (-t.start(), rule.stated_none, t.end() - t.start(), rule.priority)
                if best is None or key > best[0]:
                    best = (key, rule, t)
        if best is None or not best[1].stated_none:
            continue
        rule, t = best[1], best[2]
        end = m.end() + t.end()
        # 无…预算 / 无…支出 / 无…经费 / 无…计划 keep their trailing noun.
        tail = re.match(r"(财政)?(拨款)?(收入和支出|收入及支出|收支|预算|支出|收入|经费|费用|计划|安排)?", text[end:])
        end += tail.end() if tail else 0
        unit = "count" if rule.kinds == ("count",) else "yuan"
        out.append(
            Mention(
                m.start(),
                end,
                "amount",
                Decimal(0),
                unit,
                "",
                Decimal(0),
                stated_none=True,
                concept=rule.name,
                label=text[m.end() + t.start() : m.end() + t.end()],
            )
        )
    for m in NONE_OF_THIS.finditer(text):
        out.append(Mention(m.start(), m.end(), "amount", Decimal(0), "yuan", "", Decimal(0), stated_none=True))
    return out


def _wrapped_clause_start(text: str, pos: int, floor: int) -> int:
    """Where the clause of a money figure that starts a line starts when the line before
    only wraps (ends in a Chinese character): "…；公务接待费\n2.3万元" (a line the layout
    did not join, as "2.3" could start a list item). Else ``pos``. Only for a figure that
    starts its line, not for a label that does: the line before a label may be its heading."""
    i = pos - 1
    while i >= floor and text[i] in " \t\u3000":
        i -= 1
    if i <= floor or text[i] != "\n" or not ("\u4e00" <= text[i - 1] <= "\u9fff"):
        return pos
    return _clause_start(text, i, floor)


def _sentence_of(text: str, pos: int) -> str:
    i = _back_to(text, pos, 0, SENTENCE_BREAKS) - 1
    j = pos
    while j < len(text) and text[j] not in SENTENCE_BREAKS:
        j += 1
    return text[i + 1 : j]


def find_mentions(norm: Normalized, vocab: Vocabulary) -> list[Mention]:
    """Every figure of the text with its kind, in text order."""
    text = norm.text
    mentions: list[Mention] = []
    prev_end = 0
    for q in find_quantities(text):
        if q.range_high is not None:  # 2-3次, 10-20万元: no single figure
            prev_end = q.end
            continue
        qty = q.quantity
        clause_start = _clause_start(text, q.start, prev_end)
        if clause_start == q.start and qty.unit == "yuan" and qty.unit_text:
            clause_start = _wrapped_clause_start(text, q.start, prev_end)
        before = text[clause_start : q.start]
        after = text[q.end : q.end + 8]
        direction = None
        if qty.unit == "count":
            kind = "count"
        elif qty.unit == "percent":
            explicit_share = bool(SHARE_BEFORE.search(before))
            direction = None if explicit_share else _direction(before)
            # a percentage is a rate of change only with a direction word (增长8.8%);
            # otherwise it is a share of something (占40.15%, 完成年初预算的95.45%, chart labels)
            kind = "rate" if direction else "share"
        elif THRESHOLD_AFTER.search(after):
            kind = "threshold"
        elif change := CHANGE_BEFORE.search(before):
            kind = "change"
            direction = "increase" if change.group("template") else _direction(before[-6:], CHANGE_DIRECTION_WORDS)
        elif verb := CHANGE_VERB_OBJECT.search(_phrase_before(text, q.start, prev_end, clause_start)):
            kind = "change"
            direction = _direction(verb.group(1), CHANGE_DIRECTION_WORDS)
        else:
            kind = "amount"
        if _rounds_to_zero(qty.value, qty.unit):
            prev_end = q.end
            continue
        value = qty.value
        if kind in ("change", "rate"):
            # a magnitude: 增加-2.4万元 is a decrease of 2.4万元, the direction carries the sign
            if qty.negative and direction is not None:
                direction = FLIPPED[direction]
            if qty.value == 0:
                direction = "flat"  # 增加（减少）0万元, 增长0%: no change, whatever the wording
        elif qty.negative:
            value = -qty.value  # a negative amount in prose: validation refuses it (amounts_are_not_negative)
        mentions.append(
            Mention(
                q.start,
                q.end,
                kind,
                value,
                qty.unit,
                qty.unit_text,
                qty.resolution,
                direction=direction,
                clause_start=clause_start,
                explicit_share=qty.unit == "percent" and explicit_share,
            )
        )
        prev_end = q.end
    for m in FLAT.finditer(text):
        mentions.append(
            Mention(
                m.start(),
                m.end(),
                "change",
                Decimal(0),
                "yuan",
                "",
                Decimal(0),
                direction="flat",
                clause_start=_clause_start(text, m.start(), 0),
            )
        )
    mentions.extend(_stated_none(norm, vocab))
    mentions.sort(key=lambda m: m.start)
    return mentions


def _outer_figure(text: str, mentions: list[Mention], k: int, intro: int) -> int:
    """The figure a list breaks down when the nearest one sits in brackets right before it:
    收入预算490,808.40万元（本年预算收入390,140.45万元），其中：… breaks down the 490,808.40
    the bracket qualifies, not the figure inside it."""
    if not re.fullmatch(r"[^（(）)\n]{0,3}[）)][，,：:\s]*", text[mentions[k].end : intro]):
        return k
    opening = max(text.rfind("（", 0, mentions[k].start), text.rfind("(", 0, mentions[k].start))
    if opening < 0 or re.search(r"[）)。；;]", text[opening + 1 : mentions[k].start]):
        return k
    for j in range(k - 1, -1, -1):
        m = mentions[j]
        if m.end <= opening:
            if m.kind == "amount" and not m.stated_none and re.fullmatch(r"\s*", text[m.end : opening]):
                return j
            break
    return k


def link_lists(text: str, mentions: list[Mention]) -> tuple[list[int | None], list[bool]]:
    """Parent index and "list not claimed complete" flag for every mention."""
    parents: list[int | None] = [None] * len(mentions)
    open_flags = [False] * len(mentions)
    starts = [m.start for m in mentions]
    for intro in LIST_INTRO.finditer(text):
        p = intro.start()
        end = p
        while end < len(text) and text[end] not in HARD_BREAKS:
            end += 1
        first = bisect_right(starts, p)
        parent = None
        for k in range(first - 1, -1, -1):
            m = mentions[k]
            if "\n" in text[m.end : p]:
                break
            if m.kind == "amount" and not m.stated_none:
                parent = k
                break
        if parent is None:
            continue
        parent = _outer_figure(text, mentions, parent, p)
        members = []  # the amounts from the intro to the sentence's end (mentions are in start order)
        for k in range(first, len(mentions)):
            if mentions[k].start >= end:
                break
            if mentions[k].kind == "amount":
                members.append(k)
        if not members:
            continue
        last_end = mentions[members[-1]].end
        claims_complete = not intro.group().startswith("其中") and "等" not in text[last_end : last_end + 3]
        for k in members:
            parents[k] = parent
            open_flags[k] = not claims_complete
    return parents, open_flags


def clean_label(raw: str, vocab: Vocabulary, agency: str | None = None) -> str:
    """The subject as written, without list words, years, agency name or copulas."""
    label = HEADING_MARK.sub("", raw)
    if agency:
        label = label.replace(agency, "")
    return trim_label(label.strip(" ，,：:、；;\"'（）()"))


def _fallback_label(
    text: str,
    sentence_start: int,
    clause_start: int,
    vocab: Vocabulary,
    agency: str | None,
    mention_starts: list[int],
) -> str:
    """The nearest earlier clause of the sentence without a figure (收入预算，…数1094.8万元).
    ``mention_starts`` is sorted: whether a clause holds a figure is one bisection."""
    pos = clause_start - 1
    while pos > sentence_start:
        start = _clause_start(text, pos, sentence_start)
        k = bisect_left(mention_starts, start)
        if not (k < len(mention_starts) and mention_starts[k] < pos):
            label = clean_label(text[start:pos], vocab, agency)
            if label and label not in vocab.generic_labels:
                return label
        pos = start - 1
    return ""


def attribute(
    norm: Normalized,
    mentions: list[Mention],
    vocab: Vocabulary,
    sections: SectionIndex,
    fiscal_year: int | None = None,
    agency: str | None = None,
    doc_kind: str | None = None,
    page_at=lambda offset: 1,
) -> list[Fact]:
    """Facts with label, concept, period, section and list linkage."""
    text = norm.text
    parents, open_flags = link_lists(text, mentions)
    previous_period = re.compile(PREVIOUS_PERIOD.format(prev=(fiscal_year - 1) if fiscal_year else "@@"))
    starts = [m.start for m in mentions]  # sorted: find_mentions returns them in text order
    facts: list[Fact] = []
    same_sentence: list[Fact] = []  # the facts so far of the current mention's sentence
    also: list[tuple[Fact, str]] = []  # figures that state a second concept too
    sentence_ids = _sentence_ids(text)
    respective = _respective_subjects(text, mentions, vocab, agency)
    for i, m in enumerate(mentions):
        start, end = norm.span(m.start, m.end)
        section = sections.at(start)
        sid = sentence_ids[m.start]
        sentence_start = _sentence_start(text, m.start)
        sentence = _sentence_of(text, m.start)
        context = sentence + "\n" + (section.title or "")
        fact = Fact(
            fact_id=i,
            kind=m.kind,
            value=m.value,
            unit=m.unit,
            raw="",
            char_start=start,
            char_end=end,
            page=page_at(start),
            direction=m.direction,
            stated_none=m.stated_none,
            section=" > ".join(section.path),
            section_title=section.title,
            unit_text=m.unit_text,
            resolution=m.resolution,
            sentence=sid,
            parent=parents[i],
            list_open=open_flags[i],
        )
        # Mentions come in text order, so sentence ids never decrease and the facts of one
        # sentence are the run at the end of ``facts``: kept as they come, not searched for.
        if same_sentence and same_sentence[-1].sentence != sid:
            same_sentence = []
        if m.stated_none:
            ref = None if m.concept else (same_sentence[-1] if same_sentence else _previous_figure(facts, fact))
            by_title = (
                None if m.concept or ref else match_concept(section.title or "", "amount", context, vocab, joined=True)
            )
            fact.concept = m.concept or (ref.concept if ref else by_title.concept if by_title else "unknown")
            fact.label = m.label or (ref.label if ref else section.title if by_title else "")
            facts.append(fact)
            same_sentence.append(fact)
            continue
        before = text[m.clause_start : m.start].replace("\n", "")
        label = clean_label(before, vocab, agency)
        if m.kind == "share":  # 占…的40%: what follows 占 is the denominator, not the subject
            label = re.sub(r"占.*$", "", label)
        if m.kind == "threshold":
            words = THRESHOLD_AFTER.search(text[m.end : m.end + 8])
            assert words is not None  # what made it a threshold (find_mentions)
            fact.label = label + text[m.start : m.end] + words.group()
        parent_concept = facts[fact.parent].concept if fact.parent is not None else None
        forced = vocab.children_of(parent_concept)
        adjusted = next((a for a in vocab.adjustments if a.pattern.search(label)), None)
        earlier = next((f for f in reversed(same_sentence) if f.kind == "amount" and not f.stated_none), None)
        if i in respective:
            label = respective[i]
            found = match_concept(label, m.kind, context, vocab, parent_concept) if label else None
            fact.concept = found.concept if found else "unknown"
        elif INDICATOR_SIGN.search(before):
            fact.concept = "unknown"
        elif adjusted and earlier is not None and m.kind == "amount":
            fact.concept = earlier.concept
            if not earlier.concept.endswith(adjusted.earlier_suffix):
                earlier.concept += adjusted.earlier_suffix
        elif forced and m.kind == "amount":
            fact.concept = forced
        else:
            # the words since the last figure, a 、 list kept whole: “三公”经费及会议费、培训费预算支出共…
            phrase = _phrase_before(text, m.start, max(sentence_start, mentions[i - 1].end if i else 0))
            combined = m.kind == "amount" and is_combined(
                all_matches(phrase, m.kind, context, vocab, parent_concept), phrase
            )
            found = None if combined else match_concept(label, m.kind, context, vocab, parent_concept)
            ref = same_sentence[-1] if same_sentence else _previous_figure(facts, fact)
            if found is None and m.kind in ("share", "rate", "change") and ref is not None:
                fact.concept = ref.concept
                # only 占x% (a share) or a bare 增长x% (a rate) speaks of the figure before it;
                # 完成年初预算的95.45% or a chart label does not claim part / whole
                if (m.kind == "share" and m.explicit_share) or (m.kind == "rate" and not RATE_SUBJECT.sub("", label)):
                    fact.about = ref.fact_id
                if m.kind == "share" and not label:
                    label = ref.label
            elif found is None and m.kind == "count":  # 共0个项目实行绩效目标管理: the subject follows
                after = text[m.end : _clause_end(text, m.end)]
                found = match_concept(after, m.kind, context, vocab, parent_concept)
                if found is not None:
                    label = clean_label(after, vocab, agency)
            elif found is None and (not label or label in vocab.generic_labels):
                label = _fallback_label(text, sentence_start, m.clause_start, vocab, agency, starts) or section.title
                found = match_concept(label, m.kind, context, vocab, parent_concept)
            if found is not None and found.rule.generic and section.title:
                titled = match_concept(section.title, m.kind, context, vocab, parent_concept)
                if titled is not None and titled.rule.priority > found.rule.priority:
                    found = titled
            if found is not None:
                fact.concept = found.concept
                also.extend((fact, concept) for concept in found.rule.also)
        if not fact.label:
            fact.label = label
        earlier_year = previous_period.search(before) if m.kind == "amount" else None
        if earlier_year and not _compared_with_own_year(earlier_year.group(), text[m.end : _sentence_end(text, m.end)]):
            fact.period = "previous"
        elif m.kind == "amount" and doc_kind == "final_accounts" and BUDGETED.search(before):
            fact.period = "budgeted"
        facts.append(fact)
        same_sentence.append(fact)
    for fact, concept in also:
        facts.append(dataclasses.replace(fact, fact_id=len(facts), concept=concept))
    return facts


# 会议费、培训费预算分别为3.5万元、8万元: the subjects before 分别, the figures after it, in order.
RESPECTIVELY = re.compile(r"分别(为|是|达到|安排|预算)?[:：]?")
BETWEEN_FIGURES = re.compile(r"\s*[、，,和及与]\s*")
SUBJECT_SPLIT = (re.compile(r"、"), re.compile(r"以及|、|和|及|与"))


def _respective_subjects(text: str, mentions: list[Mention], vocab: Vocabulary, agency: str | None) -> dict[int, str]:
    """Mention index → its subject, for the figures listed after 分别 (为): the n-th figure is
    the n-th subject listed before it. When the subjects and figures do not pair up, each
    figure gets no subject (an empty label), rather than the last subject for all."""
    out: dict[int, str] = {}
    starts = [m.start for m in mentions]
    for r in RESPECTIVELY.finditer(text):
        subjects_start = _back_to(text, r.start(), 0, PHRASE_BREAKS)
        k = bisect_left(starts, subjects_start)
        if k < len(mentions) and mentions[k].start < r.start():
            continue  # a figure among the subjects: not a list of subjects
        figures: list[int] = []
        pos, j = r.end(), bisect_left(starts, r.end())
        while j < len(mentions):
            gap = text[pos : mentions[j].start]
            if figures and not BETWEEN_FIGURES.fullmatch(gap):
                break
            if not figures and (len(gap) > 12 or any(ch in PHRASE_BREAKS for ch in gap)):
                break
            if mentions[j].stated_none or mentions[j].kind not in ("amount", "change"):
                break
            figures.append(j)
            pos, j = mentions[j].end, j + 1
        subjects_text = text[subjects_start : r.start()]
        if len(figures) < 2 or not subjects_text.strip():
            continue
        for split in SUBJECT_SPLIT:
            subjects = [clean_label(part, vocab, agency) for part in split.split(subjects_text)]
            if len(subjects) == len(figures):
                break
        else:
            subjects = [""] * len(figures)
        out.update(zip(figures, subjects))
    return out


# How far back (stored characters) "与上年相比增加…" may refer to a figure of an earlier sentence.
PREVIOUS_FIGURE_REACH = 200


def _previous_figure(facts: list[Fact], fact: Fact) -> Fact | None:
    """The last amount of the same section shortly before: the subject of a subject-less sentence."""
    for f in reversed(facts):
        if fact.char_start - f.char_end > PREVIOUS_FIGURE_REACH or f.section != fact.section:
            return None
        if f.kind == "amount" and not f.stated_none:
            return f
    return None


def _compared_with_own_year(year: str, after: str) -> bool:
    """A figure labelled with a year and compared with that same year in its sentence
    ("2025年“三公”经费预算13.85万元,比2025年减少5.45万元" in a 2026 budget): the label's year
    is a misprint of the document's year, as nothing is compared with itself."""
    return bool(re.match(rf"[^，,；;。]{{0,4}}[，,]?\s*(比|较|与|同)\s*{re.escape(year)}", after))


def _sentence_end(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] not in SENTENCE_BREAKS:
        pos += 1
    return pos


def _sentence_start(text: str, pos: int) -> int:
    return _back_to(text, pos, 0, SENTENCE_BREAKS)


def _sentence_ids(text: str) -> SentenceIds:
    return SentenceIds([i for i, ch in enumerate(text) if ch in SENTENCE_BREAKS])


class SentenceIds:
    """Sentence number of a position: how many sentence breaks come before it."""

    def __init__(self, breaks: list[int]):
        self.breaks = breaks

    def __getitem__(self, pos: int) -> int:
        return bisect_right(self.breaks, pos - 1)
