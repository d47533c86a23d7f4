from __future__ import annotations

from pathlib import Path

import bibtexparser

from scholar_desk.core.formats import bibtex
from scholar_desk.core.formats.reference import ParsedReference, decode_bytes

DATA = Path(__file__).resolve().parents[1] / "data" / "bib"


def test_traps_file() -> None:
    result = bibtex.parse_file(DATA / "traps.bib")
    refs = {(r.citation_key, r.line): r for r in result.references}
    first = refs[("Muller2020", 7)]
    assert first.authors == "Müller, Jörg and François, Renée and {World Health Organization}"
    assert first.first_author == "Müller"
    assert first.title == "Chronic MRI findings in élderly patients \u2013 a cohort & more"
    assert first.journal == "Journal of Pain"  # @string macro
    assert first.year == 2021  # macro to a number
    assert first.extra_fields["month"] == "March"
    assert first.pages == "100\u2013110"
    assert first.doi == "10.1000/abc.123"
    assert first.extra_fields["note"] == r"See \url{http://example.org/a_b}"  # verbatim
    assert result.entries_in_file == 5
    skipped = result.skipped
    assert [(p.line, p.kind) for p in skipped] == [(20, "skipped")]
    assert "Broken2020" in skipped[0].raw
    messages = {(p.line, p.message.split(";")[0]) for p in result.problems}
    assert (26, "The key 'Muller2020' is used again (first on line 7)") in messages
    assert any(line == 33 and "comma seems to be missing" in m for line, m in messages)
    assert any(line == 33 and "'undefinedmacro'" in m for line, m in messages)
    missing = refs[("Missing2018", 33)]
    assert missing.title == "Two fields merged by a missing comma"
    assert missing.year == 2018
    kinds = [k for k, _ in result.blocks]
    assert kinds == ["string", "string", "preamble", "comment"]


def test_control_characters_are_removed_with_a_warning() -> None:
    result = bibtex.parse_text("@article{a,\n title = {Bad\x01 title},\n year = 2020}\n")
    assert result.references[0].title == "Bad title"
    assert any("Control characters" in p.message for p in result.problems)


def test_concatenation_and_months() -> None:
    text = '@string{a = "Pain"}\n@article{k, journal = a # " " # {Medicine}, month = dec}\n'
    ref = bibtex.parse_text(text).references[0]
    assert ref.journal == "Pain Medicine"
    assert ref.extra_fields["month"] == "December"


def test_names_von_jr_and_corporate() -> None:
    text = (
        "@book{k, author = {Ludwig van Beethoven and Doe, Jr., John and "
        "{Barnes and Noble} and de la Fuente, Juan and others}}"
    )
    ref = bibtex.parse_text(text).references[0]
    assert ref.authors == (
        "van Beethoven, Ludwig and Doe, Jr., John and {Barnes and Noble} and "
        "de la Fuente, Juan and others"
    )
    assert ref.first_author == "Beethoven"


def test_encoding_fallback_names_the_file() -> None:
    text, encoding, problems = decode_bytes(
        "@article{k, title={Caf\xe9}}".encode("cp1252"), "x.bib"
    )
    assert encoding == "cp1252"
    assert "Café" in text
    assert problems
    assert "x.bib" in problems[0].message


def test_bom_is_removed() -> None:
    text, encoding, problems = decode_bytes(b"\xef\xbb\xbf@book{k, title={T}}", "b.bib")
    assert encoding == "utf-8"
    assert not problems
    assert bibtex.parse_text(text).references[0].citation_key == "k"


def test_written_entry_round_trips_and_reparses() -> None:
    ref = ParsedReference(
        entry_type="article",
        citation_key="Key2020",
        authors="Müller, Jörg and {World Health Organization} and Doe, Jr., John",
        first_author="Müller",
        title="The MRI of 45% & more: a_b {c} $5 #1 \u2013 x",
        journal="J Pain & Res",
        year=2020,
        pages="1\u201310",
        doi="10.1/a_b",
        url="http://x.org/a_b%20c",
        abstract="Line one. ``Quoted''",
        extra_fields={"note": r"See \url{x_y}", "month": "March", "file": r"C:\papers\a.pdf"},
    )
    text = "".join(bibtex.write([ref]))
    assert text.count("{") == text.count("}")
    assert "month = mar," in text
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    again = bibtex.parse_text(text).references[0]
    again.line = ref.line
    assert again == ref


def test_fast_split_counts_lines_after_a_trailing_backslash() -> None:
    text = (
        '@article{a,\n  title = "{A \\TeX\\\n  title}",\n}\n\n'
        "@article{b,\n  title = {B},\n}\n\n@article{c,\n  title = {C\n"
    )
    result = bibtex.parse_text(text)
    assert [(r.citation_key, r.line) for r in result.references] == [("a", 1), ("b", 6)]
    assert [(p.line, p.kind) for p in result.skipped] == [(10, "skipped")]
    assert bibtex.parse_text(text.replace("@article{b", "@article{a")).problems[0].line == 6


def test_a_broken_entry_is_explained_in_plain_words() -> None:
    text = (
        "@article{Good1, title = {Fine}, year = 2020}\n"
        "@book{Bad1,\n  title = {Fine},\n  publisher = {Oxford {Univ Press},\n  year = 2001,\n}\n"
        "@article{Good2, title = {Also fine}}\n"
    )
    result = bibtex.parse_text(text)
    skipped = [p for p in result.problems if p.kind == "skipped"]
    assert [p.message for p in skipped] == [
        "Entry Bad1: unbalanced brace in `publisher`, line 4; skipped."
    ]


def test_each_block_is_let_go_once_read_not_all_at_the_end() -> None:
    # Freed all together when the parse returned, 20,000 blocks kept the interpreter
    # (and a window waiting on it) busy for 30 ms; freed as read, no pause adds up.
    import gc

    from scholar_desk.core.formats.bibtex.parsing import parse_text
    from scholar_desk.core.formats.bibtex.splitting import _FastEntry

    text = "".join(f"@article{{k{n}, title = {{Title {n}}}, year = 2020}}\n" for n in range(2000))
    alive: list[int] = []

    def count(_records: object) -> None:
        alive.append(sum(isinstance(o, _FastEntry) for o in gc.get_objects()))

    result = parse_text(text, "t.bib", count)
    assert len(result.references) == 2000
    assert len(alive) == 4  # a batch of 500 records at a time
    # When the first batch is handed, its 500 blocks are gone already: only the rest are
    # held, fewer with every batch.
    assert alive[0] <= 1500
    assert alive == sorted(alive, reverse=True)
    assert alive[-1] <= 1
