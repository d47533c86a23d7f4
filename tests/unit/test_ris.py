from __future__ import annotations

from pathlib import Path

import pytest

from scholar_desk.core.formats import ris

TEXT = """TY  - JOUR
AU  - Shannon, Claude E.
AU  - Weaver, W
TI  - A Mathematical Theory of Communication
JO  - Bell System Technical Journal
PY  - 1948/07//
VL  - 27
IS  - 3
SP  - 379
EP  - 423
DO  - https://doi.org/10.1002/J.1538-7305.1948.TB01338.X
KW  - information
KW  - entropy
ER  -

TY  - BOOK
TI  - No end line
"""


def test_records_and_lines() -> None:
    result = ris.parse_text(TEXT, "x.ris")
    first, second = result.references
    assert first.authors == "Shannon, Claude E. and Weaver, W"
    assert first.first_author == "Shannon"
    assert first.year == 1948
    assert first.pages == "379\u2013423"
    assert first.doi == "10.1002/j.1538-7305.1948.tb01338.x"
    assert first.keywords == "information; entropy"
    assert (first.line, second.line) == (1, 16)
    assert second.entry_type == "book"
    assert any(p.line == 16 for p in result.problems)


@pytest.mark.corpus
def test_corpus_ris_files(corpus: Path) -> None:
    for path in sorted((corpus / "ris").iterdir()):
        result = ris.parse_file(path)
        assert result.references, path.name
