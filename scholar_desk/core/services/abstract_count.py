"""Counting an abstract against its meeting's rule: words or characters, per section."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scholar_desk.core.records import LimitUnit, Record

DEFAULT_SECTIONS = ("Background", "Methods", "Results", "Conclusions")
"""Headings of a structured abstract when the meeting names none."""

REFERENCE_HEADINGS = frozenset({"references", "reference", "bibliography", "citations"})
"""Section headings whose text is the abstract's reference list."""

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_SPLIT = re.compile(r"[\s\u200b\u2060\ufeff]+")
_WHITESPACE = re.compile(r"\s+")


# Counting (pure) ------------------------------------------------------------------------


@dataclass(frozen=True)
class CountRule:
    """A meeting's counting rule.

    Attributes:
        unit: ``words`` or ``characters`` for the body.
        body_limit: The body limit in ``unit``; ``None`` means no limit.
        title_limit: The title limit; ``None`` means no limit.
        title_limit_unit: ``words`` or ``characters`` for the title limit.
        counts_title: Whether the title counts toward the body limit.
        counts_headings: Whether section headings count toward the body limit.
        counts_references: Whether the reference list counts toward the body limit.
        spaces: For characters, whether spaces count (most meetings: yes).
    """

    unit: str = LimitUnit.WORDS.value
    body_limit: int | None = None
    title_limit: int | None = None
    title_limit_unit: str = LimitUnit.CHARACTERS.value
    counts_title: bool = False
    counts_headings: bool = True
    counts_references: bool = True
    spaces: bool = True

    @classmethod
    def from_values(cls, values: Mapping[str, Any] | Record | None) -> CountRule:
        """The rule of a conference given as a `Record` or a mapping of its fields.

        ``None`` (an abstract with no conference yet) gives a word count with no limit.
        """
        if values is None:
            return cls()
        get = values.get
        return cls(
            unit=str(get("limit_unit") or LimitUnit.WORDS.value),
            body_limit=get("body_limit"),
            title_limit=get("title_limit"),
            title_limit_unit=str(get("title_limit_unit") or LimitUnit.CHARACTERS.value),
            counts_title=bool(get("counts_title", False)),
            counts_headings=bool(get("counts_headings", True)),
            counts_references=bool(get("counts_references", True)),
        )

    def describe(self) -> str:
        """One line for the user, e.g. ``500 words; title not counted; headings counted``."""
        limit = f"{self.body_limit:,} {self.unit}" if self.body_limit else f"no {self.unit} limit"
        parts = [
            limit,
            "title counted" if self.counts_title else "title not counted",
            "headings counted" if self.counts_headings else "headings not counted",
            "references counted" if self.counts_references else "references not counted",
        ]
        if self.title_limit:
            parts.append(f"title at most {self.title_limit:,} {self.title_limit_unit}")
        return "; ".join(parts)


def count_words(text: str) -> int:
    """Words in ``text`` by the rule in this module's docstring."""
    return sum(1 for token in _SPLIT.split(text) if any(c.isalnum() for c in token))


def count_characters(text: str, *, spaces: bool = True) -> int:
    """Characters in ``text`` by the rule in this module's docstring."""
    normal = unicodedata.normalize("NFC", text).translate(_INVISIBLE).strip()
    if spaces:
        return len(_WHITESPACE.sub(" ", normal))
    return len(_WHITESPACE.sub("", normal))


def _count(text: str, unit: str, spaces: bool) -> int:
    if unit == LimitUnit.CHARACTERS:
        return count_characters(text, spaces=spaces)
    return count_words(text)


def is_references_heading(heading: str) -> bool:
    """Whether a section with this heading is the reference list."""
    return heading.strip().rstrip(":").strip().casefold() in REFERENCE_HEADINGS


@dataclass(frozen=True)
class SectionCount:
    """The count of one section.

    Attributes:
        heading: The section heading.
        heading_count: The heading's count in the rule's unit.
        body_count: The body's count in the rule's unit.
        counted: What the section adds to the body total under the rule.
        is_references: Whether it is the reference list.
    """

    heading: str
    heading_count: int
    body_count: int
    counted: int
    is_references: bool


@dataclass(frozen=True)
class CountResult:
    """An abstract's count against its rule.

    Attributes:
        unit: The body unit.
        body_count: What counts against the body limit.
        body_limit: The body limit, if any.
        title_count: The title's count in ``title_unit``.
        title_limit: The title limit, if any.
        title_unit: The unit of the title limit.
        references_count: The references' count in ``unit`` (counted or not).
        sections: Per-section counts.
    """

    unit: str
    body_count: int
    body_limit: int | None
    title_count: int
    title_limit: int | None
    title_unit: str
    references_count: int = 0
    sections: tuple[SectionCount, ...] = field(default=())

    @property
    def over(self) -> bool:
        """Whether the body is past its limit."""
        return self.body_limit is not None and self.body_count > self.body_limit

    @property
    def title_over(self) -> bool:
        """Whether the title is past its limit."""
        return self.title_limit is not None and self.title_count > self.title_limit

    @property
    def remaining(self) -> int | None:
        """How many more may be added (negative when over); ``None`` with no limit."""
        return None if self.body_limit is None else self.body_limit - self.body_count

    @property
    def label(self) -> str:
        """``412 / 500 words`` (or ``412 words`` with no limit)."""
        return _label(self.body_count, self.body_limit, self.unit)

    @property
    def title_label(self) -> str:
        """``98 / 130 characters`` for the title."""
        return _label(self.title_count, self.title_limit, self.title_unit)


def _label(count: int, limit: int | None, unit: str) -> str:
    if count == 1 and limit is None:
        unit = unit.removesuffix("s")
    if limit is None:
        return f"{count:,} {unit}"
    return f"{count:,} / {limit:,} {unit}"


def count_abstract(
    rule: CountRule,
    title: str,
    sections: Sequence[tuple[str, str]],
    references: str = "",
) -> CountResult:
    """Count an abstract against a meeting's rule (see the module docstring).

    Pure and cheap: the editor calls it on every keystroke.

    Args:
        rule: The meeting's rule.
        title: The abstract title.
        sections: ``(heading, body)`` pairs in order.
        references: Reference text kept outside the sections, if any.

    Returns:
        The counts, totals and whether each limit is passed.
    """
    unit, spaces = rule.unit, rule.spaces
    counts: list[SectionCount] = []
    body_total = 0
    extra_references = _count(references, unit, spaces) if references.strip() else 0
    references_total = extra_references
    for heading, body in sections:
        refs = is_references_heading(heading)
        heading_count = _count(heading, unit, spaces) if heading.strip() else 0
        body_count = _count(body, unit, spaces) if body.strip() else 0
        counted = body_count + (heading_count if rule.counts_headings else 0)
        if refs:
            references_total += counted
            if not rule.counts_references:
                counted = 0
        counts.append(SectionCount(heading, heading_count, body_count, counted, refs))
        body_total += counted
    if rule.counts_references:
        body_total += extra_references
    if rule.counts_title and title.strip():
        body_total += _count(title, unit, spaces)
    title_count = _count(title, rule.title_limit_unit, spaces) if title.strip() else 0
    return CountResult(
        unit=unit,
        body_count=body_total,
        body_limit=rule.body_limit,
        title_count=title_count,
        title_limit=rule.title_limit,
        title_unit=rule.title_limit_unit,
        references_count=references_total,
        sections=tuple(counts),
    )


def sections_from_conference(
    conference: Mapping[str, Any] | Record | str | None,
) -> list[tuple[str, str]]:
    """The starting ``(heading, "")`` sections of a new abstract for a meeting.

    Args:
        conference: The conference (a record or mapping with ``required_sections``), or
            the comma-separated headings themselves; ``None`` gives the usual four.
    """
    if conference is None:
        text = ""
    elif isinstance(conference, str):
        text = conference
    else:
        text = str(conference.get("required_sections") or "")
    headings = [h.strip() for h in text.split(",") if h.strip()]
    return [(h, "") for h in (headings or DEFAULT_SECTIONS)]
