"""Three-way merge of a stale save: field by field, and section by section for abstracts.

An editor keeps the version it loaded (*base*). When its save meets a newer stored
version (*theirs*), the user's form (*mine*) is merged against both: a field only the
other side changed keeps their value without asking, a field only this side changed
takes the user's value, and a field both changed to different values is a `Clash`
the user decides. Nothing here touches the database or Qt; callers read the three
versions and the audit trail, and write the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scholar_desk.core.errors import ScholarDeskError

MINE = "mine"
THEIRS = "theirs"


class StepBlockedError(ScholarDeskError):
    """An undo or redo met fields changed elsewhere after the edit; nothing was written."""

    def __init__(self, verb: str, what: str, clashes: Sequence[Clash]) -> None:
        parts = []
        for clash in clashes:
            who = clash.changed_by or "someone"
            at = clash.changed_at
            if at is not None and at.tzinfo is None:
                at = at.replace(tzinfo=dt.UTC)
            when = f" at {at.astimezone():%Y-%m-%d %H:%M}" if at is not None else ""
            parts.append(f"{clash.label} ({who} changed it{when})")
        super().__init__(
            f"Cannot {verb}: {', '.join(parts)}: it was changed again in another window "
            f"after your edit, and {verb}ing would erase that change. Nothing was changed; "
            f"edit the {what} by hand if it should change."
        )
        self.clashes = tuple(clashes)


def _plain(value: Any) -> Any:
    """A comparable form: dates as ISO text, ``None`` and ``""`` alike."""
    if value is None:
        return ""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def same(a: Any, b: Any) -> bool:
    """Whether two stored values mean the same (``None`` equals ``""``; dates by ISO text)."""
    return bool(_plain(a) == _plain(b))


@dataclass(frozen=True)
class Clash:
    """A field (or section) both sides changed to different values.

    Attributes:
        name: The field name, or the section heading.
        label: What to show the user.
        base: The value both started from (``None`` for a section that did not exist).
        mine: This side's value (``None`` for a section this side removed).
        theirs: The stored value (``None`` for a section the other side removed).
        changed_by: Who saved the stored value ("" when the trail does not say).
        changed_at: When they saved it, if known.
    """

    name: str
    label: str
    base: Any
    mine: Any
    theirs: Any
    changed_by: str = ""
    changed_at: dt.datetime | None = None


@dataclass(frozen=True)
class FieldMerge:
    """The outcome of merging flat fields.

    Attributes:
        values: What to save so that every change is kept: this side's changes where
            the other side left the field alone, plus, once `resolve` has been applied,
            the user's choice for each clash.
        kept_theirs: Fields only the other side changed (kept as stored, no question).
        clashes: Fields both changed differently; the user chooses.
    """

    values: dict[str, Any]
    kept_theirs: tuple[str, ...]
    clashes: tuple[Clash, ...]

    def resolve(self, choices: Mapping[str, str]) -> dict[str, Any]:
        """The values to save after the user chose ``mine`` or ``theirs`` per clash.

        Raises:
            KeyError: A clash has no choice (every clash must be decided).
        """
        out = dict(self.values)
        for clash in self.clashes:
            which = choices[clash.name]
            if which == MINE:
                out[clash.name] = clash.mine
            else:
                out.pop(clash.name, None)
        return out


Who = Callable[[str], tuple[str, dt.datetime | None]]


def _nobody(_name: str) -> tuple[str, dt.datetime | None]:
    return "", None


def merge_fields(
    base: Mapping[str, Any],
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any],
    *,
    labels: Mapping[str, str] | None = None,
    who: Who = _nobody,
) -> FieldMerge:
    """Merge this side's form against the stored record, both from a common base.

    Args:
        base: The values the editor loaded.
        mine: The values in the editor now (fields it does not show may be absent).
        theirs: The values stored now.
        labels: Field labels for the clashes.
        who: Who last changed a field, and when (from the audit trail).

    Returns:
        The values to write (only fields this side changed), what the other side changed
        alone, and the clashes.
    """
    labels = labels or {}
    values: dict[str, Any] = {}
    kept: list[str] = []
    clashes: list[Clash] = []
    for name in sorted(set(base) | set(theirs)):
        old, new = base.get(name), theirs.get(name)
        they_changed = not same(old, new)
        if name not in mine or same(mine[name], old):
            if they_changed:
                kept.append(name)
            continue
        if not they_changed:
            values[name] = mine[name]
        elif not same(mine[name], new):
            actor, at = who(name)
            clashes.append(Clash(name, labels.get(name, name), old, mine[name], new, actor, at))
    for name in mine:
        if name not in base and name not in theirs:
            values[name] = mine[name]
    return FieldMerge(values, tuple(kept), tuple(clashes))


Section = tuple[str, str]


@dataclass(frozen=True)
class SectionMerge:
    """The outcome of merging an abstract's headed sections.

    Attributes:
        sections: The merged ``(heading, body)`` list; a clashing section stands in its
            place with either side's body until `resolve` applies the user's choices.
        kept_theirs: Headings only the other side changed, added or removed.
        clashes: Sections both sides changed differently (a removed side is ``None``).
    """

    sections: tuple[Section, ...]
    kept_theirs: tuple[str, ...]
    clashes: tuple[Clash, ...] = field(default=())
    keys: tuple[str, ...] = field(default=())

    def resolve(self, choices: Mapping[str, str]) -> list[Section]:
        """The sections to save after the user chose per clash (by clash name).

        Raises:
            KeyError: A clash has no choice.
        """
        decided = {c.name: (c.mine if choices[c.name] == MINE else c.theirs) for c in self.clashes}
        out: list[Section] = []
        keys = self.keys or tuple(_clash_key(h) for h, _ in self.sections)
        for key, (heading, body) in zip(keys, self.sections, strict=True):
            if key in decided:
                body_or_none = decided[key]
                if body_or_none is None:
                    continue
                out.append((heading, body_or_none))
            else:
                out.append((heading, body))
        return out


def _clash_key(heading: str) -> str:
    return "section:" + heading.strip().casefold()


def _keyed(sections: Sequence[Section]) -> dict[str, Section]:
    """Sections by normalized heading; a repeated heading gets its occurrence number."""
    out: dict[str, Section] = {}
    for heading, body in sections:
        key = heading.strip().casefold()
        n = 2
        unique = key
        while unique in out:
            unique = f"{key} ({n})"
            n += 1
        out[unique] = (heading, body)
    return out


def merge_sections(
    base: Sequence[Section],
    mine: Sequence[Section],
    theirs: Sequence[Section],
    *,
    who: Who = _nobody,
) -> SectionMerge:
    """Merge an abstract's sections, matched by heading.

    A section only one side touched (edited, added or removed) takes that side's
    version; a section both changed differently, or one removed while the other
    edited it, is a clash. The order is this side's when it reordered or added
    sections, else the stored order.

    Args:
        base: The sections the editor loaded.
        mine: The sections in the editor now.
        theirs: The sections stored now.
        who: Who last changed the sections, and when (``who("sections")``).
    """
    b, mi, th = _keyed(base), _keyed(mine), _keyed(theirs)
    keep: dict[str, Section | None] = {}
    kept: list[str] = []
    clashes: list[Clash] = []
    for key in list(b) + [k for k in th if k not in b] + [k for k in mi if k not in b]:
        if key in keep:
            continue
        old, my, their = b.get(key), mi.get(key), th.get(key)
        old_body = old[1] if old else None
        my_body = my[1] if my else None
        their_body = their[1] if their else None
        heading = (my or their or old or (key, ""))[0]
        i_changed = my_body != old_body
        they_changed = their_body != old_body
        if not they_changed:
            keep[key] = my
        elif not i_changed:
            keep[key] = their
            kept.append(heading)
        elif my_body == their_body:
            keep[key] = my
        else:
            actor, at = who("sections")
            clashes.append(
                Clash(_clash_key(key), heading, old_body, my_body, their_body, actor, at)
            )
            keep[key] = my or their  # a placeholder in place; `resolve` decides it
    mine_order = list(mi)
    mine_reordered = [k for k in mi if k in b] != [k for k in b if k in mi]
    if mine_reordered:
        order = mine_order + [k for k in th if k not in mi]
    else:
        order = _stored_order(list(th), mine_order)
    placed = [(k, s) for k in order if (s := keep.get(k)) is not None]
    return SectionMerge(
        tuple(s for _, s in placed),
        tuple(kept),
        tuple(clashes),
        tuple(_clash_key(k) for k, _ in placed),
    )


def _stored_order(theirs: list[str], mine: list[str]) -> list[str]:
    """The stored order, with sections only this side added after their predecessor."""
    order = list(theirs)
    for index, key in enumerate(mine):
        if key in order:
            continue
        after = next((mine[j] for j in range(index - 1, -1, -1) if mine[j] in order), None)
        order.insert(order.index(after) + 1 if after is not None else 0, key)
    return order
