"""The importer never raises an unhandled exception on mutated real .bib text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scholar_desk.core.errors import ImportFileError
from scholar_desk.core.formats import bibtex
from scholar_desk.core.formats.reference import decode_bytes

SEED = (Path(__file__).resolve().parents[1] / "data" / "bib" / "traps.bib").read_bytes()


def _mutate(data: bytes, ops: list[tuple[str, int, int]]) -> bytes:
    out = bytearray(data)
    for op, where, size in ops:
        at = where % (len(out) + 1)
        if op == "drop_brace":
            index = out.find(b"}", at)
            if index >= 0:
                del out[index]
        elif op == "add_brace":
            out[at:at] = b"{" * (size % 3 + 1)
        elif op == "nul":
            out[at:at] = b"\x00"
        elif op == "bad_utf8":
            out[at:at] = b"\xff\xfe\xc3"
        elif op == "deep":
            out[at:at] = b"{" * 3000 + b"x" + b"}" * 3000
        elif op == "huge_field":
            out[at:at] = b"@misc{huge, note = {" + b"a" * 10_000_000 + b"}}\n"
        elif op == "many_authors":
            names = b" and ".join(b"Author%d, A." % i for i in range(2000))
            out[at:at] = b"@article{many, author = {" + names + b"}, title = {T}}\n"
        elif op == "cut":
            del out[at : at + size % 200]
    return bytes(out)


OPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "drop_brace",
                "add_brace",
                "nul",
                "bad_utf8",
                "deep",
                "cut",
                "huge_field",
                "many_authors",
            ]
        ),
        st.integers(0, len(SEED)),
        st.integers(0, 1000),
    ),
    max_size=4,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(OPS)
def test_mutated_bib_never_crashes(ops: list[tuple[str, int, int]]) -> None:
    data = _mutate(SEED, ops)
    try:
        text, _encoding, _warnings = decode_bytes(data, "fuzz.bib")
    except ImportFileError:
        return
    result = bibtex.parse_text(text, "fuzz.bib")
    assert result.entries_in_file == len(result.references) + len(result.skipped)
    for ref in result.references:
        assert isinstance(ref.title, str)
        text_out = "".join(bibtex.write([ref]))
        assert text_out.count("@") >= 1


def _whole_file(text: str) -> list[tuple[int, object]]:
    from bibtexparser.entrypoint import parse_string

    return [(b.start_line or 0, b) for b in parse_string(text, parse_stack=[]).blocks]


def _comparable(result: bibtex.ParseResult, lines: bool) -> tuple[object, ...]:
    from dataclasses import replace

    if lines:
        return (result.references, result.problems, result.blocks)
    return (
        [replace(r, line=0) for r in result.references],
        [
            replace(p, line=0, message=re.sub(r"line \d+", "line N", p.message))
            for p in result.problems
        ],
        result.blocks,
    )


def assert_fast_split_equals_bibtexparser(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast splitter reads every file as bibtexparser's own splitter does.

    bibtexparser does not count a line that ends in a backslash, so there its line
    numbers drift; the fast path counts true lines, and only the lines may differ.
    """
    fast = bibtex.parse_text(text, "f.bib")
    with monkeypatch.context() as patch:
        patch.setattr(bibtex, "split_blocks", _whole_file)
        slow = bibtex.parse_text(text, "f.bib")
    lines = "\\\n" not in text and "\\\r\n" not in text
    assert _comparable(fast, lines) == _comparable(slow, lines)


SMALL_OPS = st.lists(
    st.tuples(
        st.sampled_from(["drop_brace", "add_brace", "nul", "cut"]),
        st.integers(0, len(SEED)),
        st.integers(0, 1000),
    ),
    max_size=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SMALL_OPS, st.sampled_from(["", '"', ",", "=", "@", "\\", "\n@misc{x,", "#"]))
def test_fast_split_equals_bibtexparser_on_mutations(
    ops: list[tuple[str, int, int]], insert: str
) -> None:
    data = _mutate(SEED, ops)
    text = data.decode("utf-8", errors="replace")
    at = len(text) // 2
    text = text[:at] + insert + text[at:]
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert_fast_split_equals_bibtexparser(text, monkeypatch)


@pytest.mark.corpus
@pytest.mark.slow
def test_fast_split_equals_bibtexparser_on_every_corpus_file(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted(corpus.glob("bib*/*"))
    assert len(files) > 30
    for path in files:
        text, _encoding, _warnings = decode_bytes(path.read_bytes(), path.name)
        assert_fast_split_equals_bibtexparser(text, monkeypatch)
