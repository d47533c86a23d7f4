"""Turning command-line text into values, with one clear message when it is wrong."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scholar_desk.core.services.kinds import Kind


def parse_day(text: str | None, field: str = "on") -> Any:
    """The date in ``text`` (YYYY-MM-DD), or ``None`` for ``None``.

    Raises:
        ValidationError: ``text`` is not such a date; the message names ``field``.
    """
    import datetime as dt

    from scholar_desk.core.errors import ValidationError

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {field: f"'{text}' is not a date; use YYYY-MM-DD, e.g. 2026-07-01."}
        ) from None


_TRUE = ("1", "true", "yes", "y", "on")
_FALSE = ("", "0", "false", "no", "n", "off")


def tracker_kind(name: str) -> Kind:
    """The tracker kind called ``name`` (singular, as in ``project``, or plural).

    Raises:
        ValidationError: No kind has that name; the message lists the kinds.
    """
    from scholar_desk.core.errors import ValidationError
    from scholar_desk.core.services.kinds import KINDS

    for kind in KINDS.values():
        if name.lower() in (kind.name, kind.plural):
            return kind
    raise ValidationError(
        {"KIND": f"'{name}' is not a kind of record; choose one of: {', '.join(KINDS)}."}
    )


def field_values(kind: Kind, pairs: Sequence[str]) -> dict[str, Any]:
    """``FIELD=VALUE`` texts as values by field name, for the item service to check.

    The service parses each value by its field's type (dates, numbers, choices, links);
    yes/no fields are read here, so a typo there is refused instead of read as "no".

    Raises:
        ValidationError: A text is not ``FIELD=VALUE``, names no field of ``kind``, or
            gives a yes/no field something else.
    """
    from scholar_desk.core.errors import ValidationError

    values: dict[str, Any] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        name = name.strip()
        if not equals or not name:
            raise ValidationError(
                {"--set": f"'{pair}' is not FIELD=VALUE, e.g. --set title='Nerve block study'."}
            )
        try:
            spec = kind.field(name)
        except KeyError:
            known = ", ".join(f.name for f in kind.fields)
            raise ValidationError(
                {name: f"a {kind.name} has no such field; its fields are {known}."}
            ) from None
        if spec.type == "bool":
            word = value.strip().lower()
            if word not in _TRUE + _FALSE:
                raise ValidationError({name: f"'{value}' is not yes or no; use true or false."})
            values[name] = word in _TRUE
        else:
            values[name] = value
    return values
