"""Reconciliation of a document's own figures, by the rules in schemas/rules.toml (loaded by schemas/rules.py).

Every figure is an interval (checks/common.py): its printed value ± half a unit of
its last printed digit (1094.8万元 is 1094.75–1094.85万元). A rule passes when the
intervals allow equality, fails when they cannot, and is not_applicable
when the document does not state what the rule needs.
"""

from __future__ import annotations

from collections.abc import Set

from gongkai.extractors.checks.common import PCT, ZERO, Interval, quantize, stated
from gongkai.extractors.checks.messages import amount_text, percent_text
from gongkai.extractors.checks.tables import row_identities, rows_sum_to_parent, tables_agree, text_vs_tables
from gongkai.extractors.model import Check, Fact
from gongkai.extractors.tables.summary import cells_by_table
from gongkai.schemas.rules import Rule, Rules, SumRule, TableRule, load_rules
from gongkai.schemas.vocabulary import load_vocabulary


def _part(facts: list[Fact], spec: str, total: Fact | None = None) -> tuple[Interval, list[Fact]] | None:
    spec = spec.rstrip("?")
    for alternative in spec.split("|"):
        if alternative.endswith("*"):
            found = stated(facts, alternative[:-1])
            # the figures listed under the total (其中…) when some are: another 其中 list of the
            # concept breaks down another figure (涉及预算资金5450万元，其中财政拨款5450万元)
            if total is not None and any(f.parent is not None for f in found):
                found = [f for f in found if f.parent == total.fact_id]
            if found:
                return _sum(found), found
            continue
        chosen = []
        for concept in alternative.split("+"):
            found = stated(facts, concept)
            if not found:
                break
            chosen.append(found[0])
        else:
            return _sum(chosen), chosen
    return None


def _sum(facts: list[Fact]) -> Interval:
    total = ZERO
    for f in facts:
        total = total + Interval.of(f)
    return total


def _evidence(facts: list[Fact]) -> list[tuple[int, int]]:
    return [(f.char_start, f.char_end) for f in facts]


def _unruled_members(facts: list[Fact], total: Fact, parts: list[Fact]) -> list[str]:
    """Why the parts may not be all of the total, as the document breaks it down: they are
    listed under it by 其中 (基本支出7663.19万元。其中，人员支出…，公用支出…: 对个人和家庭的补助
    left out), or its list names parts the rule has not (预算37,385.88万元，包括在职人员经费…、
    公用经费…、对个人和家庭的补助支出…、增人增资…、项目支出…)."""
    used = {f.fact_id for f in parts}
    whole = Interval.of(total)
    # the total as printed anywhere: its list may follow another printing of it
    same = {
        f.fact_id for f in facts if f.concept == total.concept and f.kind == "amount" and Interval.of(f).overlaps(whole)
    } | {total.fact_id}
    members = [f for f in facts if f.parent in same and f.kind == "amount" and not f.stated_none]
    others = [f.label or f.concept for f in members if f.fact_id not in used and f.value != 0]
    if others:
        return [f"the total also lists {', '.join(others)}"]
    if any(f.list_open for f in parts):
        return ["some parts are listed under 其中/等"]
    return []


def check_sum(facts: list[Fact], rule: SumRule) -> Check:
    name = rule.name
    totals = next((hit for concept in rule.total.split("|") if (hit := stated(facts, concept))), [])
    parts = [(spec, _part(facts, spec, totals[0] if totals else None)) for spec in rule.parts]
    found = [(spec, p) for spec, p in parts if p is not None]
    required = [spec for spec in rule.parts if not spec.endswith("?")]
    if not totals or not found or (len(found) < 2 and len(required) > 1):
        return Check(
            name, "not_applicable", None, None, None, f"{rule.total} or its parts are not stated", _evidence(totals[:1])
        )
    total = Interval.of(totals[0])
    summed = ZERO
    evidence = [totals[0]]
    for _, (interval, used) in found:
        summed = summed + interval
        evidence.extend(used)
    tolerance = total.half_width + summed.half_width
    missing = [spec for spec, p in parts if p is None and not spec.endswith("?")]
    # "concept*" parts (all figures of a concept) given as a 其中 list (or one ending in 等) do
    # not claim to be all of the total (预算资金781.5万元，其中财政拨款4.5万元)
    listed = [f for spec, (_, used) in found if spec.rstrip("?").endswith("*") for f in used]
    open_list = bool(listed) and all(f.list_open for f in listed)
    if open_list and not missing:
        missing = ["the parts are listed under 其中/等"]
    if not missing:
        missing = _unruled_members(facts, totals[0], [f for _, (_, used) in found for f in used])
    complete = not missing
    if summed.overlaps(total):
        status, msg = "pass", "parts add up to the total"
    elif not complete and summed.high < total.low:
        status, msg = "not_applicable", f"parts not all stated ({', '.join(missing)}); the sum is below the total"
    else:
        unit = totals[0].unit_text
        status, msg = (
            "fail",
            f"parts add up to {amount_text(summed.mid, unit)}, the total is {amount_text(total.mid, unit)}",
        )
    return Check(name, status, quantize(summed.mid), quantize(total.mid), quantize(tolerance), msg, _evidence(evidence))


def _one_breakdown(members: list[Fact], total: Interval) -> list[Fact]:
    """The members of one breakdown when a list states the figure twice over: its parts and
    then a closing 合计 equal to it, or its income parts then its expenditure parts
    (收支总预算490,808.40万元，其中本年收入…、上年结转…；本年支出…、结转下年…). The list is
    cut in two runs where one run adds up to the figure; the other is what is checked (all of
    it when both do). Without such a cut the whole list is checked."""
    if len(members) < 2 or _sum(members).overlaps(total):
        return members
    for cut in range(1, len(members)):
        head, tail = members[:cut], members[cut:]
        if _sum(tail).overlaps(total):
            return head
        if _sum(head).overlaps(total):
            return tail
    return members


def check_lists(facts: list[Fact], rule: Rule) -> list[Check]:
    by_parent: dict[int, list[Fact]] = {}
    for f in facts:
        if f.parent is not None and f.kind == "amount":
            by_parent.setdefault(f.parent, []).append(f)
    checks = []
    for parent_id, members in by_parent.items():
        parent = facts[parent_id]
        if len(members) < 2 and not members[0].list_open:
            continue
        total = Interval.of(parent)
        members = _one_breakdown(members, total)
        summed = _sum(members)
        tolerance = total.half_width + summed.half_width
        open_list = any(m.list_open for m in members)
        label = parent.label or parent.concept
        if summed.overlaps(total):
            status, msg = "pass", f"the {len(members)} items under {label} add up to it"
        elif open_list and summed.high < total.low:
            status, msg = "not_applicable", f"the items under {label} are not claimed complete (其中/等)"
        else:
            status, msg = (
                "fail",
                f"the {len(members)} items under {label} add up to {amount_text(summed.mid, parent.unit_text)}, "
                f"not {amount_text(total.mid, parent.unit_text)}",
            )
        checks.append(
            Check(
                rule.name,
                status,
                quantize(summed.mid),
                quantize(total.mid),
                quantize(tolerance),
                msg,
                _evidence([parent, *members]),
            )
        )
    return checks


def _ratio(num: Interval, den: Interval) -> Interval | None:
    if den.low <= 0:
        return None
    return Interval(num.low / den.high * PCT, num.high / den.low * PCT)


def check_shares(facts: list[Fact], rule: Rule) -> list[Check]:
    checks = []
    for share in (f for f in facts if f.kind == "share"):
        part = facts[share.about] if share.about is not None and facts[share.about].kind == "amount" else None
        parent = facts[part.parent] if part is not None and part.parent is not None else None
        if part is None or parent is None:
            checks.append(
                Check(
                    rule.name,
                    "not_applicable",
                    None,
                    share.value,
                    None,
                    f"share {share.raw} of {share.label or '?'}: no part and whole stated",
                    _evidence([share]),
                )
            )
            continue
        computed = _ratio(Interval.of(part), Interval.of(parent))
        printed = Interval.of(share)
        if computed is None:
            continue
        ok = computed.overlaps(printed)
        msg = (
            f"{share.label or part.label} {part.raw} / {parent.raw} = {percent_text(computed.mid)}, printed {share.raw}"
        )
        checks.append(
            Check(
                rule.name,
                "pass" if ok else "fail",
                quantize(computed.mid),
                share.value,
                quantize(computed.half_width + printed.half_width),
                msg,
                _evidence([share, part, parent]),
            )
        )
    return checks


def _changed_figure(
    facts: list[Fact], change: Fact, summary_concepts: Set[str], firsts: dict[str, list[Fact]] | None = None
) -> list[Fact]:
    """The figure a change is about: the one it refers to, else the document's figure of its concept.
    ``firsts`` keeps each concept's figure once looked up (one pass over the facts per concept,
    not per change)."""
    if change.about is not None:
        return [facts[change.about]]
    # the figure of the change's concept just before it in its sentence (工资福利支出5157.55万元，
    # 较2014年决算数增加2038.89万元), before the document's first figure of that concept
    for f in reversed(facts[: change.fact_id]):
        if f.sentence != change.sentence:
            break
        if f.kind == "amount" and f.concept == change.concept and f.period == "current" and not f.stated_none:
            return [f]
    if change.concept in summary_concepts:
        if firsts is None:
            return stated(facts, change.concept)[:1]
        if change.concept not in firsts:
            firsts[change.concept] = stated(facts, change.concept)[:1]
        return firsts[change.concept]
    return []


def check_rates(facts: list[Fact], rule: Rule, summary_concepts: Set[str] = frozenset()) -> list[Check]:
    checks = []
    firsts: dict[str, list[Fact]] = {}
    for rate in (f for f in facts if f.kind == "rate" and f.direction in ("increase", "decrease")):
        # only a rate that refers to a printed change (增加88.87万元，增长8.8%) claims change / previous
        change = facts[rate.about] if rate.about is not None and facts[rate.about].kind == "change" else None
        if change is None:
            continue
        current = _changed_figure(facts, change, summary_concepts, firsts)
        if not current or change.direction not in ("increase", "decrease"):
            checks.append(
                Check(
                    rule.name,
                    "not_applicable",
                    None,
                    rate.value,
                    None,
                    f"rate {rate.raw}: no change and current figure stated",
                    _evidence([rate]),
                )
            )
            continue
        cur, delta = Interval.of(current[0]), Interval.of(change)
        if change.direction == "increase":
            previous = Interval(cur.low - delta.high, cur.high - delta.low)
        else:
            previous = Interval(cur.low + delta.low, cur.high + delta.high)
        computed = _ratio(delta, previous)
        if computed is None:
            continue
        printed = Interval.of(rate)
        ok = computed.overlaps(printed)
        sign = "−" if change.direction == "increase" else "+"
        msg = (
            f"{change.raw} / ({current[0].raw} {sign} {change.raw}) = {percent_text(computed.mid)}, printed {rate.raw}"
        )
        checks.append(
            Check(
                rule.name,
                "pass" if ok else "fail",
                quantize(computed.mid),
                rate.value,
                quantize(computed.half_width + printed.half_width),
                msg,
                _evidence([rate, change, current[0]]),
            )
        )
    return checks


def check_repeats(facts: list[Fact], rule: Rule, concepts: list[str]) -> list[Check]:
    checks = []
    for concept in concepts:
        by_label: dict[str, list[Fact]] = {}
        for f in stated(facts, concept):
            if not f.stated_none:
                by_label.setdefault(f.label, []).append(f)
        for found in by_label.values():
            for same in _same_scope(facts, found):
                if len(same) >= 2:
                    checks.append(_repeat_check(rule, concept, same))
    return checks


def _same_scope(facts: list[Fact], found: list[Fact]) -> list[list[Fact]]:
    """The figures of one label that state one thing. Figures each listed under another figure
    are parts of it (人员经费 under 商品和服务支出 is not 人员经费 under 对事业单位经常性补助;
    公务接待费 under 机关运行经费 is not the 三公 one): when all are, they are grouped by the
    figure they break down. A figure in the 财政拨款 section (支出预算总计 of 财政拨款收支情况)
    is not the department's."""
    groups: dict[tuple[str, bool], list[Fact]] = {}
    listed = all(f.parent is not None for f in found)
    for f in found:
        parent = facts[f.parent].label if listed and f.parent is not None else ""
        groups.setdefault((parent, "财政拨款" in (f.section_title or "")), []).append(f)
    return list(groups.values())


def _repeat_check(rule: Rule, concept: str, found: list[Fact]) -> Check:
    first = Interval.of(found[0])
    bad = [f for f in found[1:] if not Interval.of(f).overlaps(first)]
    status = "fail" if bad else "pass"
    msg = (
        f"{concept} ({found[0].label}) printed {len(found)} times with one value"
        if not bad
        else f"{concept} ({found[0].label}) printed as {', '.join(f.raw for f in found)}"
    )
    return Check(
        rule.name,
        status,
        found[0].value,
        (bad or found)[-1].value,
        quantize(first.half_width * 2),
        msg,
        _evidence(found),
    )


def run_checks(facts: list[Fact], summary_concepts: list[str], line_items: list[dict] | None = None) -> list[Check]:
    rules = load_rules()
    checks: list[Check] = [check_sum(facts, r) for r in rules.sum]
    for r in rules.list:
        checks.extend(check_lists(facts, r))
    for r in rules.share:
        checks.extend(check_shares(facts, r))
    for r in rules.rate:
        checks.extend(check_rates(facts, r, set(summary_concepts)))
    for r in rules.repeat:
        checks.extend(check_repeats(facts, r, summary_concepts))
    if line_items:
        checks.extend(run_table_checks(facts, line_items, rules))
    return checks


def _table_checks(items: list[dict], rule: TableRule) -> list[Check]:
    if rule.kind == "rows_sum_to_parent":
        return rows_sum_to_parent(items, rule.name)
    assert rule.total is not None  # a row_identity rule has one (rules.toml requires it)
    return row_identities(items, rule.name, rule.total, rule.parts)


def run_table_checks(facts: list[Fact], items: list[dict], rules: Rules) -> list[Check]:
    checks: list[Check] = []
    for table_rule in rules.table:
        checks.extend(_table_checks(items, table_rule))
    per_table = cells_by_table(items, load_vocabulary())
    first = {concept: cells[0] for concept, cells in per_table.items()}
    for r in rules.text_vs_table:
        checks.extend(text_vs_tables(facts, first, items, r.name))
    for r in rules.between_tables:
        checks.extend(tables_agree(items, per_table, r.name))
    return checks
