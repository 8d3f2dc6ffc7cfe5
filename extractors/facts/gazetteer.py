"""Administrative regions: which province / city / county an agency belongs to.

The gazetteer is data: ``schemas/regions.csv`` (6-digit division codes, names, short
names, levels and parents; built once by ``schemas/build_regions.py``, see
``schemas/REGIONS_SOURCE.md``) and ``schemas/region_aliases.csv`` (names that are not
in the code table: 平潭综合实验区 → 350128 平潭县, former names), read and validated by
``schemas/regions.py``.

* :func:`resolve_region` reads the region from the START of an agency name:
  "上海市普陀区司法局" → 上海市 / 上海市 / 普陀区 (310107), "中共江苏省委办公厅" →
  江苏省 (320000), "平潭县人民法院" → 福建省 / 福州市 / 平潭县 (350128). Names are
  matched longest first and chained downwards (province → prefecture → county), so
  the enclosing names disambiguate ("上海市普陀区" vs 舟山市普陀区). A name that is
  still ambiguous ("普陀区司法局") is decided by ``context`` (the document text), or
  gives None.
* :func:`resolve_region_in_text` counts the regions a text mentions and returns the
  one it is about (the fallback when the agency name carries no region).

Short names (怀化 for 怀化市) are used only when followed by an administrative
suffix (湘西州, 长乐市 for today's 长乐区) or, at the start of a name, when no other
region has that short name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

from gongkai.schemas.regions import RegionAlias, RegionRow, load_regions

# Organisation prefixes that may precede the region in an agency name, longest first:
# 中共江苏省委办公厅, 中国人民政治协商会议上海市普陀区委员会, 国家税务总局上海市普陀区税务局.
ORG_PREFIXES = tuple(
    sorted(
        (
            "中国共产党",
            "中共",
            "中国共产主义青年团",
            "共青团",
            "中国人民政治协商会议",
            "政协",
            "中国国民党革命委员会",
            "民革",
            "中国民主同盟",
            "民盟",
            "中国民主建国会",
            "民建",
            "中国民主促进会",
            "民进",
            "中国农工民主党",
            "农工党",
            "中国致公党",
            "致公党",
            "九三学社",
            "台湾民主自治同盟",
            "台盟",
            "国家税务总局",
            "国家金融监督管理总局",
        ),
        key=len,
        reverse=True,
    )
)

# A character after a short name that makes it a region mention, and the levels it
# may name: 湘西州 (prefecture), 长乐市 (county-level city, today 长乐区), 平潭县.
SUFFIX_LEVELS = {
    "省": {"province"},
    "市": {"prefecture", "county"},
    "州": {"prefecture"},
    "盟": {"prefecture"},
    "县": {"county"},
    "区": {"county"},
    "旗": {"county"},
}

MUNICIPALITIES = {"110000", "120000", "310000", "500000"}  # 北京 天津 上海 重庆
LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}


@dataclass(frozen=True)
class Region:
    code: str  # 6-digit division code
    province: str | None
    city: str | None  # the prefecture; the municipality itself for 北京/天津/上海/重庆
    county: str | None
    admin_level: str  # province · prefecture · county

    @property
    def name(self) -> str:
        return self.county or (self.city if self.admin_level == "prefecture" else self.province) or ""


@dataclass(frozen=True)
class RegionMatch:
    """A region name (or chain of names) found in a text: ``text[start:end]``."""

    start: int
    end: int
    codes: tuple[str, ...]  # more than one when the name is ambiguous
    surface: str


@dataclass(frozen=True)
class _Entry:
    code: str
    kind: str  # full · alias · short


class Gazetteer:
    def __init__(self, rows: list[RegionRow], aliases: list[RegionAlias]):
        self.rows = {r.code: r for r in rows}
        self.names: dict[str, list[_Entry]] = {}
        for r in rows:
            self._add(r.name, _Entry(r.code, "full"))
            if r.short_name and r.short_name != r.name and len(r.short_name) >= 2:
                self._add(r.short_name, _Entry(r.code, "short"))
        for a in aliases:
            if a.code in self.rows:
                self._add(a.alias, _Entry(a.code, "alias"))
        lengths: dict[str, set[int]] = {}
        for name in self.names:
            lengths.setdefault(name[0], set()).add(len(name))
        self.lengths = {ch: sorted(ls, reverse=True) for ch, ls in lengths.items()}
        self.aliases = frozenset(n for n, es in self.names.items() if any(e.kind == "alias" for e in es))

    def _add(self, name: str, entry: _Entry) -> None:
        bucket = self.names.setdefault(name, [])
        if entry not in bucket:
            bucket.append(entry)

    # --- relations -------------------------------------------------------------------
    def is_descendant(self, code: str, ancestor: str) -> bool:
        r = self.rows[code]
        return code != ancestor and ancestor in (r.province_code, r.prefecture_code)

    def ancestors(self, code: str) -> tuple[str, ...]:
        r = self.rows[code]
        return tuple(c for c in (r.province_code, r.prefecture_code) if c and c != code)

    def region(self, code: str) -> Region:
        r = self.rows[code]
        province = self.rows[r.province_code].name if r.province_code in self.rows else None
        if r.level == "province":
            city = r.name if code in MUNICIPALITIES else None
            return Region(code, r.name, city, None, "province")
        if r.level == "prefecture":
            return Region(code, province, r.name, None, "prefecture")
        if r.prefecture_code and r.prefecture_code in self.rows:
            city = self.rows[r.prefecture_code].name
        else:
            city = province if r.province_code in MUNICIPALITIES else None
        return Region(code, province, city, r.name, "county")

    # --- matching --------------------------------------------------------------------
    def match_at(
        self,
        text: str,
        pos: int,
        parents: tuple[str, ...] | None = None,
        unique_short: bool = False,
        county_short: bool = False,
    ) -> RegionMatch | None:
        """The longest region name starting at ``pos`` (children of ``parents`` only)."""
        if pos >= len(text):
            return None
        best_end = -1
        best_full: list[str] = []
        best_short: list[str] = []
        for length in self.lengths.get(text[pos], ()):
            if pos + length > len(text):
                continue
            s = text[pos : pos + length]
            entries = self.names.get(s)
            if not entries:
                continue
            after = text[pos + length : pos + length + 1]
            for e in entries:
                if parents is not None and not any(self.is_descendant(e.code, p) for p in parents):
                    continue
                if e.kind in ("full", "alias"):
                    end, bucket = pos + length, "full"
                elif after and after in SUFFIX_LEVELS and self.rows[e.code].level in SUFFIX_LEVELS[after]:
                    end, bucket = pos + length + 1, "short"
                elif (
                    unique_short
                    and (county_short or self.rows[e.code].level != "county")
                    and all(x.code == e.code for x in entries)
                ):
                    end, bucket = pos + length, "short"
                else:
                    continue
                if end > best_end:
                    best_end, best_full, best_short = end, [], []
                if end == best_end:
                    (best_full if bucket == "full" else best_short).append(e.code)
        codes = best_full or best_short
        if not codes:
            return None
        return RegionMatch(pos, best_end, tuple(dict.fromkeys(codes)), text[pos:best_end])

    def chain_at(
        self, text: str, pos: int, unique_short: bool = False, county_short: bool = False
    ) -> RegionMatch | None:
        """A region name at ``pos`` followed by names of its subdivisions: 上海市普陀区."""
        first = self.match_at(text, pos, unique_short=unique_short, county_short=county_short)
        if first is None:
            return None
        codes, end = first.codes, first.end
        while True:
            nxt = self.match_at(text, end, parents=codes)
            if nxt is None:
                break
            codes = tuple(c for c in nxt.codes if any(self.is_descendant(c, p) for p in codes))
            end = nxt.end
        return RegionMatch(pos, end, codes, text[pos:end])

    def scan(self, text: str) -> list[RegionMatch]:
        """Every region mention in ``text``, longest first, not overlapping.

        Two-character full names (城区, 郊区, 东区, 和县 …) are skipped: in running text
        they are mostly ordinary words."""
        out: list[RegionMatch] = []
        i, n = 0, len(text)
        while i < n:
            m = self.chain_at(text, i) if text[i] in self.lengths else None
            if m is not None and (m.end - m.start > 2 or m.surface in self.aliases):
                out.append(m)
                i = m.end
            else:
                i += 1
        return out

    # --- context ---------------------------------------------------------------------
    def mention_counts(self, text: str) -> tuple[Counter, list[RegionMatch]]:
        """Unambiguous mentions per code, and the ambiguous mentions."""
        counts: Counter = Counter()
        ambiguous: list[RegionMatch] = []
        for m in self.scan(text):
            if len(m.codes) == 1:
                counts[m.codes[0]] += 1
            else:
                ambiguous.append(m)
        return counts, ambiguous

    def affinity(self, code: str, other: str) -> int:
        """How strongly a mention of ``other`` supports ``code``."""
        if code == other:
            return 3
        a, b = self.rows[code], self.rows[other]
        if other in self.ancestors(code) or code in self.ancestors(other):
            return 2
        if a.prefecture_code and a.prefecture_code == b.prefecture_code:
            return 2
        if a.province_code == b.province_code:
            return 1
        return 0

    def pick(self, codes: tuple[str, ...], counts: Counter) -> str | None:
        """The candidate the context supports most (None on a tie or no support)."""
        scores = {c: sum(n * self.affinity(c, o) for o, n in counts.items()) for c in codes}
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
            return None
        return ranked[0][0]


@cache
def gazetteer() -> Gazetteer:
    regions = load_regions()
    return Gazetteer(list(regions.rows), list(regions.aliases))


def region_for_code(code: str) -> Region | None:
    g = gazetteer()
    return g.region(code) if code in g.rows else None


def strip_org_prefix(name: str) -> int:
    """Length of a leading organisation prefix (中共, 政协 …) to skip, else 0."""
    for prefix in ORG_PREFIXES:
        if name.startswith(prefix):
            return len(prefix)
    return 0


def match_region_name(name: str) -> RegionMatch | None:
    """``name`` when it is nothing but a region (上海市普陀区, 平潭, 湘西州), else None.

    Unlike a prefix, a whole name may be the short name of a county (平潭)."""
    name = name.strip()
    m = gazetteer().chain_at(name, 0, unique_short=True, county_short=True)
    return m if m is not None and m.end == len(name) else None


def match_region_prefix(name: str) -> RegionMatch | None:
    """The region chain at the start of ``name`` (after 中共/政协 … prefixes), or None."""
    g = gazetteer()
    lead = len(name) - len(name.lstrip())
    pos = lead + strip_org_prefix(name[lead:])
    m = g.chain_at(name, pos, unique_short=True)
    if m is None and pos != lead:  # "中山…" must not lose to a prefix
        m = g.chain_at(name, lead, unique_short=True)
    return m


def resolve_region(name_or_text: str, context: str | None = None) -> Region | None:
    """The region at the start of an agency name (see module docstring).

    An ambiguous name is decided by the regions ``context`` mentions; without
    context, or when the context does not decide, the result is None."""
    if not name_or_text:
        return None
    g = gazetteer()
    m = match_region_prefix(name_or_text)
    if m is None:
        return None
    if len(m.codes) == 1:
        return g.region(m.codes[0])
    if context:
        counts, _ = g.mention_counts(context)
        code = g.pick(m.codes, counts)
        if code:
            return g.region(code)
    return None


def resolve_region_in_text(text: str) -> Region | None:
    """The region a text is about: the one it mentions most often.

    Ambiguous mentions (普陀区 alone) count for the candidate whose province and
    prefecture the text mentions; ties go to the more specific level, then to the
    earlier mention."""
    if not text:
        return None
    g = gazetteer()
    matches = g.scan(text)
    counts: Counter = Counter()
    first: dict[str, int] = {}
    for m in matches:
        if len(m.codes) == 1:
            counts[m.codes[0]] += 1
            first.setdefault(m.codes[0], m.start)
    for m in matches:
        if len(m.codes) > 1:
            code = g.pick(m.codes, counts)
            if code:
                counts[code] += 1
                first.setdefault(code, m.start)
    if not counts:
        return None
    best = max(counts, key=lambda c: (counts[c], LEVEL_RANK[g.rows[c].level], -first[c]))
    return g.region(best)
