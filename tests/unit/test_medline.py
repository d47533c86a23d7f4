from __future__ import annotations

from pathlib import Path

import pytest

from scholar_desk.core.formats import medline

TEXT = """PMID- 30922926
TI  - Time lapse: A glimpse into prehistoric
      genomics.
FAU - Griffin, Darren K
AU  - Griffin DK
FAU - Larkin, Denis M
JT  - European journal of medical genetics
DP  - 2020 Mar
VI  - 63
IP  - 2
PG  - 103640
LID - 10.1016/j.ejmg.2019.03.004 [doi]
MH  - Genomics
OT  - ancient DNA

PMID- 1
TI  - Second
"""


def test_records() -> None:
    result = medline.parse_text(TEXT, "x.nbib")
    first, second = result.references
    assert first.pmid == "30922926"
    assert first.title == "Time lapse: A glimpse into prehistoric genomics."
    assert first.authors == "Griffin, Darren K and Larkin, Denis M"
    assert first.year == 2020
    assert first.doi == "10.1016/j.ejmg.2019.03.004"
    assert first.extra_fields["mesh"] == "Genomics"
    assert (first.line, second.line) == (1, 16)


@pytest.mark.corpus
def test_corpus_medline_files(corpus: Path) -> None:
    counts = {
        p.name: len(medline.parse_file(p).references) for p in (corpus / "medline").iterdir()
    }
    assert counts["rispy__example_pubmed.txt"] == 10
