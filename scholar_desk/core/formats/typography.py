"""Typesetting for slides and posters: where a line may not break.

A poster read from two metres away must not split "10-kHz" after its hyphen, "San" from
"Diego", "et" from "al." or a number from its unit. `typeset` writes non-breaking hyphens
(U+2011) into such compounds and no-break spaces (U+00A0) into such pairs; the text
measurement treats both as part of one word, and so do PowerPoint and LibreOffice.
"""

from __future__ import annotations

import re

NB_HYPHEN = "\u2011"
NB_SPACE = "\u00a0"

# A compound whose first part holds a digit or is an abbreviation: 10-kHz, 214-patient,
# T2-weighted, 12-month, COVID-19, IL-6, 6-30.
_COMPOUND = re.compile(r"(?<![\w\u2011-])([A-Za-z]*\d[\w.]*|[A-Z][A-Z0-9]{0,5})-(?=\w)")
# Later hyphens of the same compound: SARS-CoV-2, 3-to-1.
_CHAIN = re.compile(r"(?<=\u2011)(\w+)-(?=\w)")
_UNITS = (
    "%|mg|mcg|µg|μg|g|kg|mL|ml|L|dL|mmol|mol|mEq|IU|U|h|hr|hrs|min|s|ms|Hz|kHz|MHz|mm|cm|m|"
    "km|pt|mmHg|°C|°F|Gy|T|V|mA|µA|μA|nm|µm|μm|MME|kcal|bpm|"
    "year|years|month|months|week|weeks|day|days|hour|hours|minute|minutes|"
    "patient|patients|participants|subjects|cases|procedures|sessions|mo|wk|y|yr|yrs"
)
_NUMBER_UNIT = re.compile(rf"(?<=\d) +(?=(?:{_UNITS})(?![\w]))")
# Words that start a place name: San Diego, Los Angeles, New York, St. Louis, Salt Lake City.
_PLACE = re.compile(
    r"\b(San|Santa|Santo|São|Los|Las|La|Le|El|New|St\.|Saint|Fort|Ft\.|Salt|Lake|Baton|"
    r"Palm|Hong|Buenos|Rio|Tel|Kuala|Cape|Mexico|Des|Grand|Little|Long|Sioux|Ann) +(?=[A-Z])"
)
_PAIRS = re.compile(
    r"\b(et) +(al\.?)|\b(Figure|Fig\.|Table|No\.|p|P|n|N|HR|OR|RR|CI|IQR|vs\.?|Dr\.)"
    r" +(?=[\d<>=≤≥(])"
)
# Links and DOIs are copied from the page: their characters stay as they are.
_PROTECTED = re.compile(r"(?:doi:|https?://|www\.)\S+|\b10\.\d{4,9}/\S+|\S+@\S+")
_OPERATOR = re.compile(r"(?<=\b[pPnN]) *([<>=≤≥]) *(?=[\d.])")


def typeset(text: str) -> str:
    """Join the words a line must not separate.

    Args:
        text: Plain text from the abstract, a caption, a place or a citation.

    Returns:
        The same text with non-breaking hyphens and spaces where a break would hurt.
    """
    if not text:
        return text
    out: list[str] = []
    start = 0
    for match in _PROTECTED.finditer(text):
        out += [_typeset_prose(text[start : match.start()]), match.group(0)]
        start = match.end()
    out.append(_typeset_prose(text[start:]))
    return "".join(out)


def _typeset_prose(text: str) -> str:
    text = _COMPOUND.sub(lambda m: m.group(1) + NB_HYPHEN, text)
    while True:
        chained = _CHAIN.sub(lambda m: m.group(1) + NB_HYPHEN, text)
        if chained == text:
            break
        text = chained
    text = _NUMBER_UNIT.sub(NB_SPACE, text)
    text = _PLACE.sub(lambda m: m.group(1) + NB_SPACE, text)
    text = _OPERATOR.sub(lambda m: NB_SPACE + m.group(1) + NB_SPACE, text)
    return _PAIRS.sub(_join_pair, text)


def _join_pair(match: re.Match[str]) -> str:
    if match.group(1):
        return f"{match.group(1)}{NB_SPACE}{match.group(2)}"
    return match.group(3) + NB_SPACE


def plain(text: str) -> str:
    """Undo `typeset`: ordinary hyphens and spaces (for notes and searching)."""
    return text.replace(NB_HYPHEN, "-").replace(NB_SPACE, " ")
