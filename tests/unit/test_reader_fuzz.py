"""Fuzzing the readers: whatever the bytes, only the project's own errors come out.

Hypothesis mutates small seeds of each format (RIS, MEDLINE, BibTeX, and a .pptx
template); where the third-party corpus is present its files are mutated too.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scholar_desk.core.errors import ScholarDeskError
from scholar_desk.core.formats import bibtex, medline, ris
from scholar_desk.core.formats.reference import decode_bytes
from scholar_desk.core.formats.templates import builtin_path, read_template

DATA = Path(__file__).resolve().parents[1] / "data"
RIS_SEED = b"""TY  - JOUR
AU  - Doe, Jane
AU  - Roe, R.
TI  - Pulsed radiofrequency for knee pain
JO  - Pain Medicine
PY  - 2021
VL  - 22
SP  - 100
EP  - 110
DO  - 10.1093/pm/pnab001
KW  - knee
ER  -
"""
MEDLINE_SEED = b"""PMID- 33445566
TI  - Genicular nerve ablation: a randomized trial.
FAU - Doe, Jane
AU  - Doe J
DP  - 2021 Mar
JT  - Pain medicine
AB  - Background: long abstract text
      continued on a second line.
AID - 10.1093/pm/pnab002 [doi]
"""
TEMPLATE_SEED = builtin_path("deck-plain").read_bytes()

OPS = st.lists(
    st.tuples(
        st.sampled_from(["flip", "insert", "delete", "duplicate", "nul", "huge", "truncate"]),
        st.integers(0, 1 << 20),
        st.integers(0, 255),
    ),
    max_size=6,
)


def mutate(data: bytes, ops: list[tuple[str, int, int]]) -> bytes:
    out = bytearray(data)
    for op, where, value in ops:
        at = where % (len(out) + 1)
        if op == "flip" and out:
            out[at % len(out)] ^= value or 1
        elif op == "insert":
            out[at:at] = bytes([value]) * (value % 7 + 1)
        elif op == "delete":
            del out[at : at + value]
        elif op == "duplicate":
            out[at:at] = out[at : at + value * 4]
        elif op == "nul":
            out[at:at] = b"\x00"
        elif op == "huge":
            out[at:at] = b"x" * (1_100_000 if value % 2 else 3000)
        elif op == "truncate":
            del out[at:]
    return bytes(out)


def read_any(data: bytes, reader: object) -> None:
    """Decode and parse; a `ScholarDeskError` is a fine answer, anything else a bug."""
    try:
        text, _encoding, _warnings = decode_bytes(data, "fuzz")
        result = reader.parse_text(text, "fuzz")  # type: ignore[attr-defined]
    except ScholarDeskError:
        return
    assert result.entries_in_file == len(result.references) + len(result.skipped)
    for ref in result.references:
        assert isinstance(ref.title, str)
        assert len(ref.title) <= 1 << 20


FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(OPS)
def test_ris_reader(ops: list[tuple[str, int, int]]) -> None:
    read_any(mutate(RIS_SEED * 3, ops), ris)


@FUZZ
@given(OPS)
def test_medline_reader(ops: list[tuple[str, int, int]]) -> None:
    read_any(mutate(MEDLINE_SEED * 3, ops), medline)


@FUZZ
@given(OPS)
def test_bibtex_reader(ops: list[tuple[str, int, int]]) -> None:
    read_any(mutate((DATA / "bib" / "traps.bib").read_bytes(), ops), bibtex)


@FUZZ
@given(st.binary(max_size=4000))
def test_every_reader_on_raw_bytes(data: bytes) -> None:
    for reader in (bibtex, ris, medline):
        read_any(data, reader)


def _template_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(TEMPLATE_SEED)) as archive:
        return {info.filename: archive.read(info.filename) for info in archive.infolist()}


PARTS = _template_parts()
XML_PARTS = sorted(n for n in PARTS if n.endswith((".xml", ".rels")))


def read_template_or_refuse(data: bytes) -> None:
    try:
        read_template(data, name="fuzz.pptx")
    except ScholarDeskError:
        return


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(XML_PARTS), OPS)
def test_template_reader_on_mutated_parts(part: str, ops: list[tuple[str, int, int]]) -> None:
    parts = dict(PARTS)
    parts[part] = mutate(parts[part], ops)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    read_template_or_refuse(out.getvalue())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_template_reader_on_mutated_archive(ops: list[tuple[str, int, int]]) -> None:
    read_template_or_refuse(mutate(TEMPLATE_SEED, ops))


@pytest.mark.corpus
def test_mutated_corpus_files(corpus: Path) -> None:
    readers = {".bib": bibtex, ".ris": ris, ".nbib": medline, ".txt": medline}
    rng = random.Random(20261201)
    files = sorted(p for p in corpus.rglob("*") if p.suffix.lower() in readers and p.is_file())
    files = [p for p in files if p.stat().st_size < 2 << 20]
    if not files:
        pytest.skip(f"no reference files under {corpus}")
    for path in rng.sample(files, min(40, len(files))):
        data = path.read_bytes()
        for _ in range(3):
            ops = [
                (
                    rng.choice(["flip", "insert", "delete", "duplicate", "nul", "truncate"]),
                    rng.randrange(1 << 20),
                    rng.randrange(256),
                )
                for _ in range(rng.randrange(1, 5))
            ]
            read_any(mutate(data, ops), readers[path.suffix.lower()])
    templates = sorted(p for p in corpus.rglob("*") if p.suffix.lower() in (".pptx", ".potx"))
    for path in rng.sample(templates, min(10, len(templates))):
        data = path.read_bytes()
        read_template_or_refuse(mutate(data, [("flip", rng.randrange(len(data)), 0x55)]))
