"""The plan's own words for an indicator: the table row or the sentence it was transcribed from.

The texts are the copies in ``fixtures/sources/`` (``Plan.source_file``), read once per process
with the conversion's ``[bookmark: …]`` noise removed. For an indicator, the first that applies:

1. **A table row.** The source pointer names a row (``附件1 指标对照表 第9行``): the row of the
   plan's indicator table that starts with that number followed by the indicator's name, with
   the table's header. Cells the web copy lost (a row with fewer cells than the header) are
   put back empty after the name, as the transcription did (fixtures/README.md).
2. **A quotation.** The pointer quotes the plan (``第2段“实施6个产业类专利导航示范项目”``): the
   sentence that holds the longest quoted piece.
3. **The best sentence** of the text for the indicator's numbers and name: each sentence
   scores by the words (character pairs) of the name it contains, rare pairs counting more
   than common ones such as 知识产权, plus a bonus when it holds a target value.

Then, as further excerpts, the other sentences of the goal sections that the completeness ledger
(``fixtures/ledger/<district>.json``) ties to the indicator, e.g. 滨海 7's text restatement
"有效发明专利量达到2.5万件" beside its table row. A long sentence is cut to the clauses around
the match ("…" marks a cut). In every excerpt the numbers equal to the indicator's baseline or
target values are marked (``2.5万`` counts as 25000).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from plans.ledger import clean_source, section_text

SENTENCE_END = "。；;！？!?\n"
CLAUSE_END = "，,"
LONG = 150  # a sentence longer than this is cut to the clauses around the match
NUMBER_RE = re.compile(r"\d+(?:\.\d+)?(?:万(?![人元户]))?")
ROW_RE = re.compile(r"第\s*(\d+)\s*行")
QUOTE_RE = re.compile(r"[“\"]([^”\"]+)[”\"]")
ELLIPSIS_RE = re.compile(r"…+|\.{3,}")
HEADING_RE = re.compile(r"^(附件|[一二三四五六七八九十]+、)")
STATUS_WORDS = {"验收", "完成"}
# Full-width punctuation and digits read as their half-width forms, quotes as one mark, so that
# a pointer typed with one kind of bracket finds a text printed with the other.
FOLD = str.maketrans({
    "（": "(", "）": ")", "，": ",", "；": ";", "：": ":", "．": ".", "％": "%",
    "“": '"', "”": '"', "‘": '"', "’": '"', "'": '"', "—": "-", "－": "-",
    **{chr(0xFF10 + d): str(d) for d in range(10)},
})


@dataclass(frozen=True)
class Span:
    text: str
    mark: bool = False


@dataclass(frozen=True)
class Excerpt:
    """A sentence (``spans``) or a table row (``header`` and ``cells``) of the plan text."""

    kind: str  # "row" or "sentence"
    label: str  # where it stands: the pointer of a row, or the text's section
    spans: tuple[Span, ...] = ()
    header: tuple[str, ...] = ()
    cells: tuple[tuple[Span, ...], ...] = ()

    @property
    def text(self) -> str:
        if self.kind == "row":
            return " | ".join("".join(s.text for s in cell) for cell in self.cells)
        return "".join(s.text for s in self.spans)


# Reading the texts.

def _fixtures() -> Path:
    return Path(settings.PLAN_FILES_DIR)


@lru_cache(maxsize=16)
def plan_text(source_file: str) -> str:
    """A plan's source text without bookmarks; "" when the file is missing."""
    if not source_file:
        return ""
    path = _fixtures() / "sources" / Path(source_file).name
    try:
        return clean_source(path.read_text(encoding="utf-8"))
    except OSError:
        return ""


@lru_cache(maxsize=16)
def _ledger(code: str) -> dict:
    try:
        return json.loads((_fixtures() / "ledger" / f"{Path(code).name}.json").read_text(
            encoding="utf-8"))
    except (OSError, ValueError):
        return {}


class _Folded:
    """The text with white space removed and punctuation folded, mapped back to the original."""

    def __init__(self, text: str):
        chars, where = [], []
        for index, char in enumerate(text):
            if char.isspace():
                continue
            chars.append(char)
            where.append(index)
        self.text = "".join(chars).translate(FOLD)
        self.where = where

    def find(self, needle: str, start: int = 0) -> tuple[int, int] | None:
        """(start, end) in the original text of the first match at or after ``start``."""
        needle = fold(needle)
        if not needle:
            return None
        begin = next((i for i, pos in enumerate(self.where) if pos >= start), len(self.where))
        at = self.text.find(needle, begin)
        if at < 0:
            return None
        return self.where[at], self.where[at + len(needle) - 1] + 1


def fold(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(FOLD)


@lru_cache(maxsize=16)
def _folded(source_file: str) -> _Folded:
    return _Folded(plan_text(source_file))


# Numbers.

def _value(token: str) -> Decimal | None:
    try:
        if token.endswith("万"):
            return Decimal(token[:-1]) * 10000
        return Decimal(token)
    except InvalidOperation:
        return None


def indicator_numbers(indicator, targets) -> set[Decimal]:
    """The values worth marking: the baseline and every target's value, low and high."""
    found = {indicator.baseline_value} if indicator.baseline_value is not None else set()
    for target in targets:
        for value in (target.value, target.low, target.high, target.original_value):
            if value is not None:
                found.add(value)
    return {value.normalize() for value in found}


def target_numbers(targets) -> set[Decimal]:
    return {v.normalize() for t in targets for v in (t.value, t.low, t.high) if v is not None}


def _marked(text: str, numbers: set[Decimal]) -> tuple[Span, ...]:
    spans, last = [], 0
    for match in NUMBER_RE.finditer(text):
        value = _value(match.group())
        if value is None or value.normalize() not in numbers:
            continue
        if match.start() > last:
            spans.append(Span(text[last:match.start()]))
        spans.append(Span(match.group(), True))
        last = match.end()
    if last < len(text):
        spans.append(Span(text[last:]))
    return tuple(spans)


def _has_number(text: str, numbers: set[Decimal]) -> bool:
    values = (_value(m.group()) for m in NUMBER_RE.finditer(text))
    return any(v is not None and v.normalize() in numbers for v in values)


# Sentences.

def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    begin = start
    while begin > 0 and text[begin - 1] not in SENTENCE_END:
        begin -= 1
    finish = end
    while finish < len(text) and text[finish] not in SENTENCE_END:
        finish += 1
    if finish < len(text) and text[finish] != "\n":
        finish += 1  # keep the full stop
    return begin, finish


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text.lstrip("—-— ").strip()


def _sentence_at(text: str, start: int, end: int) -> str:
    """The sentence around text[start:end], cut to the clauses around it when long."""
    begin, finish = _sentence_bounds(text, start, end)
    if finish - begin > LONG:
        clauses = [begin] + [i + 1 for i in range(begin, finish) if text[i] in CLAUSE_END]
        clauses.append(finish)
        first = max(i for i, pos in enumerate(clauses[:-1]) if pos <= start)
        last = first + 1
        while clauses[last] < end and last < len(clauses) - 1:
            last += 1
        while True:
            grown = False
            if last < len(clauses) - 1 and clauses[last + 1] - clauses[first] <= LONG:
                last, grown = last + 1, True
            if first > 0 and clauses[last] - clauses[first - 1] <= LONG:
                first, grown = first - 1, True
            if not grown:
                break
        cut_begin, cut_end = clauses[first], clauses[last]
        body = _tidy(text[cut_begin:cut_end])
        return ("…" if cut_begin > begin else "") + body + ("…" if cut_end < finish else "")
    return _tidy(text[begin:finish])


def _sentences(text: str) -> list[tuple[int, int]]:
    bounds, begin = [], 0
    for index, char in enumerate(text):
        if char in SENTENCE_END:
            if index + 1 - begin > 1:
                bounds.append((begin, index + 1))
            begin = index + 1
    if begin < len(text):
        bounds.append((begin, len(text)))
    return bounds


def _pairs(text: str) -> set[str]:
    text = re.sub(r"[\W\d_]+", "", fold(text))
    return {text[i:i + 2] for i in range(len(text) - 1)}


@lru_cache(maxsize=16)
def _sentence_index(source_file: str):
    """The text's sentences with their character pairs, and how many sentences hold each pair."""
    text = plan_text(source_file)
    rows = [(b, e, _pairs(text[b:e])) for b, e in _sentences(text) if e - b >= 6]
    counts = Counter(pair for _b, _e, pairs in rows for pair in pairs)
    return rows, counts


def _best_sentence(source_file: str, name: str, numbers: set[Decimal]):
    """(start, end) of the part of the text that best matches the name and the numbers."""
    text = plan_text(source_file)
    rows, counts = _sentence_index(source_file)
    if not rows:
        return None
    total = len(rows)
    wanted = _pairs(name)
    weight = {p: math.log((total + 1) / (1 + counts.get(p, 0))) for p in wanted}
    possible = sum(weight.values()) or 1.0
    best, best_score = None, 0.0
    for begin, end, pairs in rows:
        score = sum(weight[p] for p in wanted & pairs) / possible * 10
        if numbers and _has_number(text[begin:end], numbers):
            score += 3
        if score > best_score:
            best, best_score = (begin, end), score
    if best is None or best_score < 2:
        return None
    begin, end = best
    # The match inside the sentence: the first marked number, else the best clause.
    sentence = text[begin:end]
    for match in NUMBER_RE.finditer(sentence):
        value = _value(match.group())
        if value is not None and value.normalize() in numbers:
            return begin + match.start(), begin + match.end()
    clauses, start = [], 0
    for index, char in enumerate(sentence + "，"):
        if char in CLAUSE_END:
            clauses.append((start, index))
            start = index + 1
    top = max(clauses, key=lambda c: sum(weight[p] for p in wanted & _pairs(sentence[c[0]:c[1]])))
    return begin + top[0], begin + max(top[1], top[0] + 1)


def _quoted(source_file: str, pointer: str):
    """(start, end) of the longest quoted piece of the pointer found in the text."""
    folded = _folded(source_file)
    pieces = []
    for quote in QUOTE_RE.findall(pointer):
        pieces.extend(p for p in ELLIPSIS_RE.split(quote) if len(fold(p)) >= 4)
    for piece in sorted(pieces, key=lambda p: -len(fold(p))):
        found = folded.find(piece)
        if found:
            return found
    return None


# The indicator table.

def _cells(text: str, start: int) -> list[str]:
    """The cells of a table printed one cell per line (tab-led or between blank lines)."""
    cells, joinable = [], False
    for line in text[start:].split("\n"):
        stripped = line.strip()
        if line.startswith("\t"):
            cells.append(stripped)
            joinable = True
        elif not stripped:
            joinable = False
        elif HEADING_RE.match(stripped) or len(stripped) > 60:
            break
        elif joinable and cells:
            cells[-1] += stripped
        else:
            cells.append(stripped)
            joinable = True
    return cells


def _is_row_number(cell: str) -> bool:
    return bool(re.fullmatch(r"\d{1,3}", cell))


def _is_text(cell: str) -> bool:
    return len(cell) >= 2 and cell not in STATUS_WORDS and _value(cell.rstrip("%")) is None


def _table_row(source_file: str, indicator, numbers: set[Decimal]) -> Excerpt | None:
    found = ROW_RE.search(indicator.source or "")
    if not found:
        return None
    text = plan_text(source_file)
    head = re.search(r"^\s*序号\s*$", text, re.M)
    if not head:
        return None
    cells = _cells(text, head.start())
    first = next((i for i, c in enumerate(cells) if _is_row_number(c)), None)
    if first is None:
        return None
    header = []
    for cell in cells[:first]:  # a year and its "目标值" broken onto two lines form one cell
        if header and re.fullmatch(r"\d{4}", header[-1]) and not _is_row_number(cell):
            header[-1] += cell
        else:
            header.append(cell)
    number, prefix = found.group(1), fold(indicator.name)[:4]
    starts = [i for i in range(first, len(cells)) if cells[i] == number]
    start = next((i for i in starts if any(
        fold(c).startswith(prefix) for c in cells[i + 1:i + 3])), starts[0] if starts else None)
    if start is None:
        return None
    # The next row starts with the next number (the 保税区 table skips 22) and a name.
    later = {str(int(number) + step) for step in (1, 2)}
    end = next((j for j in range(start + 2, len(cells)) if cells[j] in later
                and any(_is_text(c) for c in cells[j + 1:j + 3] if c)), len(cells))
    row = cells[start:end]
    name_at = next((i for i, c in enumerate(row) if fold(c).startswith(prefix)), 1)
    while len(row) > len(header) and name_at + 1 < len(row) and _is_text(row[name_at + 1]):
        row[name_at:name_at + 2] = [row[name_at] + row[name_at + 1]]
    while len(row) < len(header):
        row.insert(name_at + 1, "")
    cells = [(Span(row[0]),)] + [_marked(cell, numbers) for cell in row[1:]]  # not the 序号
    return Excerpt(kind="row", label=_("指标表"), header=tuple(header), cells=tuple(cells))


# The ledger's other sentences.

def _ledger_positions(plan, number: str) -> list[tuple[int, int]]:
    """Where the ledger's text sections mention the indicator (start, end in the text)."""
    ledger = _ledger(plan.district.code)
    if not ledger or ledger.get("source_file") != plan.source_file:
        return []
    text = plan_text(plan.source_file)
    found = []
    for section in ledger.get("sections", []):
        if "对照表" in section.get("name", ""):
            continue  # the table row is shown as a row
        try:
            body = section_text(text, section["start"], section["end"])
        except ValueError:
            continue
        offset = text.find(body)
        for entry in section.get("numbers", []):
            context = entry.get("context") or ""
            if entry.get("indicator") != number or not context:
                continue
            at = body.find(context)
            if at >= 0:
                found.append((offset + at, offset + at + len(context)))
    return found


def indicator_excerpts(indicator, targets=None, limit: int = 3) -> list[Excerpt]:
    """The plan's words for ``indicator`` (plan and district fetched), the primary one first.

    ``targets`` are the indicator's targets (fetched by the caller, to save a query).
    """
    plan = indicator.plan
    text = plan_text(plan.source_file)
    if not text:
        return []
    targets = list(indicator.targets.all() if targets is None else targets)
    numbers = indicator_numbers(indicator, targets)
    aims = target_numbers(targets)
    excerpts, used = [], []

    def add_sentence(span, label):
        begin, end = _sentence_bounds(text, *span)
        if any(b < end and begin < e for b, e in used):
            return
        used.append((begin, end))
        sentence = _sentence_at(text, *span)
        excerpts.append(Excerpt(kind="sentence", label=label, spans=_marked(sentence, numbers)))

    row = _table_row(plan.source_file, indicator, numbers)
    if row is not None:
        excerpts.append(row)
    else:
        span = _quoted(plan.source_file, indicator.source or "")
        span = span or _best_sentence(plan.source_file, indicator.name, aims or numbers)
        if span:
            add_sentence(span, _("原文"))
    for span in _ledger_positions(plan, indicator.number):
        add_sentence(span, _("正文另见"))
    return excerpts[:limit]
