"""The importer never raises an unhandled exception on mutated real .bib text."""

from __future__ import annotations

from pathlib import Path

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
