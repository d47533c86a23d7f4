"""Author lists: the shortcut for plain names gives what the general reading gives.

`entries._names` keeps a list without LaTeX that is already written as it is stored
(`_STORED_LIST`) and stores any other name from such a list by itself (`_plain_name`);
every other name goes through `_one_name` (decoding, bibtexparser's parts,
`format_name`). These tests turn both shortcuts off and compare, on chosen names, on
random ones and on every author and editor list in the corpus.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scholar_desk.core.formats.bibtex import entries, splitting
from scholar_desk.core.formats.reference import decode_bytes


def _general(raw: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    entries._one_name.cache_clear()
    with monkeypatch.context() as patch:
        patch.setattr(entries, "_plain_name", lambda person: None)
        patch.setattr(entries, "_STORED_LIST", re.compile("(?!)"))
        return entries._names(raw)


CHOSEN = [
    "Das, Ayan and Bhattacharya, Pallab",
    "Jean-Luc Picard and O'Brien, Miles",
    "van der Berg, Jan and Ludwig van Beethoven",  # von parts: not plain
    "de la Cruz, Maria",
    "Ångström, Anders and Øster, Ib",
    "王, 小明 and 山田 太郎",
    "Smith, Jr., John",  # three parts
    "Smith, and Jones,",  # empty given names
    "3M Company and Smith, J",
    "Smith and others",
    "Smith ,  John\tQ. and  Doe,J.",
    "Mary\u00a0Ann Smith and Smith, Mary\u00a0Ann",  # no-break spaces
    "Dr. Who and Who, Dr.",
    "Smith AND Jones and Brown And Green",
    "Single",
    "McDonald, Ronald and MacArthur, D. and DiCaprio, L.",
    "Müller--Lüdenscheidt, Otto",  # an en dash: decoded
    "Smith, J. and {World Health Organization}",  # braces: not plain
    "Sm\\'ith, J.",
    "Cu$_2$O, Team",
    "Smith~Jones, A.",
    "A. B. C. Dee and a. Allwood, Dan",
    "'Quoted, Name and ``Other, Name''",
    "Name-, Trailing and -Lead, Dash",
    "Smith, J. AND Jones, K. aNd Brown, L.",
    "Smith, J. and",
    "Smith, and, Jones",
    "Smith Jones, A B C and Lee, K",
]


@pytest.mark.parametrize("raw", CHOSEN)
def test_chosen_lists_read_as_the_general_path_reads_them(
    raw: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert entries._names(raw) == _general(raw, monkeypatch)


def test_the_shortcut_takes_plain_names_and_only_those() -> None:
    assert entries._plain_name("Das, Ayan") == ("Das, Ayan", "Das")
    assert entries._plain_name("Jean-Luc Picard") == ("Picard, Jean-Luc", "Picard")
    assert entries._plain_name("Single") == ("Single", "Single")
    assert entries._plain_name("van der Berg, Jan") is None
    assert entries._plain_name("Smith, Jr., John") is None
    assert entries._plain_name("Smith,") is None
    assert entries._plain_name("a. Allwood, Dan") is None
    assert entries._STORED_LIST.fullmatch("Das, Ayan and Van Dyke, Dick K.")
    assert not entries._STORED_LIST.fullmatch("Das, Ayan and Van Dyke")
    assert not entries._STORED_LIST.fullmatch("Das, Ayan AND Dyke, Dick")


NAME_CHARACTERS = st.sampled_from(
    [
        *"AaBbZzÉéØ王 ,.-'\u00a0",
        *("and", "And", "AND ", " aNd ", " and ", "von ", "Jr", "{", "}", "\\'", "--", ", "),
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(NAME_CHARACTERS, max_size=24).map("".join))
def test_random_lists_read_as_the_general_path_reads_them(raw: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert entries._names(raw) == _general(raw, monkeypatch)


@pytest.mark.corpus
def test_every_corpus_list_reads_as_the_general_path_reads_it(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lists = []
    for path in sorted(corpus.glob("bib*/*")):
        text, _encoding, _warnings = decode_bytes(path.read_bytes(), path.name)
        for _line, block in splitting.split_blocks(text):
            if isinstance(block, splitting._FastEntry):
                lists += [
                    value[1:-1]
                    for name, value, one_group in block.fields
                    if one_group and name.strip().lower() in ("author", "editor")
                ]
    assert len(lists) > 9000
    shortcut = [entries._names(raw) for raw in lists]
    assert shortcut == [_general(raw, monkeypatch) for raw in lists]
