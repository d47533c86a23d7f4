"""Search as you type shows, at every keystroke, what the plain query shows.

On both engines: an SQLite file, and a database on the PostgreSQL server the test session
starts (skipped where PostgreSQL is not installed). The table model takes shortcuts
(typing on asks the index which rows go, or filters the rows shown); each keystroke is
checked against ``reference_ids`` with the same search, sort and order, also after
references are edited, tagged, added and deleted between keystrokes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from scholar_desk.core.db.library import Library
from scholar_desk.core.services import references as svc
from scholar_desk.core.services.session import SINGLE_USER
from scholar_desk.ui.models import reference_table
from scholar_desk.ui.models.reference_table import ReferenceTableModel

WORDS = ("nerve", "needle", "neuropathic", "block", "blocked", "ketamine", "knee", "kyphoplasty")


def _bib(count: int, start: int = 0) -> str:
    entries = []
    for i in range(start, start + count):
        title = " ".join(WORDS[(i * k) % len(WORDS)] for k in (1, 3, 5))
        abstract = "needle" if i % 10 else "nothing here"
        entries.append(
            f"@article{{k{i}, author = {{Author{i % 7}, A}}, title = {{{title} {i}}}, "
            f"journal = {{J{i % 3}}}, year = {{{2000 + i % 20}}}, abstract = {{{abstract}}}}}\n"
        )
    return "".join(entries)


@pytest.fixture(params=["sqlite", "postgresql"])
def typed_library(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Library]:
    databases, name = None, ""
    if request.param == "sqlite":
        target = str(tmp_path / "typing.sqlite3")
    else:
        databases = request.getfixturevalue("pg_databases")
        name, target = databases.create()
    library = Library.open(target, change_schema=True)
    path = tmp_path / "refs.bib"
    path.write_text(_bib(400), encoding="utf-8")
    with library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [path])
    yield library
    library.close()
    if databases is not None:
        databases.drop(name)


def _plain(library: Library, model: ReferenceTableModel) -> list[int]:
    with library.reading() as session:
        return svc.reference_ids(
            session,
            SINGLE_USER,
            search=model.search,
            sort=model.sort_key,
            descending=model.descending,
        )


def _type(library: Library, model: ReferenceTableModel, text: str) -> None:
    model.set_search(text)
    assert model.ids() == _plain(library, model), text


def _changed(library: Library, model: ReferenceTableModel) -> None:
    """What the references page does when told the library changed."""
    with library.reading() as session:
        count = svc.count_references(session, SINGLE_USER)
    if count != model.total():
        model.refresh()
    else:
        model.invalidate_rows()


def _id_of(library: Library, key: str) -> int:
    with library.reading() as session:
        return next(r["id"] for r in svc.list_references(session, SINGLE_USER, search=key))


def _edit(library: Library, ref_id: int, **changes: object) -> None:
    with library.transaction() as session:
        detail = svc.get_reference(session, SINGLE_USER, ref_id)
        svc.update_reference(session, SINGLE_USER, ref_id, detail.version, changes)


@pytest.mark.parametrize("drop_from", [1, 10**9])
def test_every_keystroke_shows_what_the_plain_query_shows(
    typed_library: Library, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, drop_from: int
) -> None:
    library = typed_library
    # 1: typing on over the rows shown asks which of them go; 10**9: never.
    monkeypatch.setattr(reference_table, "DROP_FROM", drop_from)
    model = ReferenceTableModel(library)
    model.refresh()
    model.sort(2, Qt.SortOrder.DescendingOrder)  # by year, newest first
    for text in ["ne", "nee", "need", "needl", "needle", "needle ", "needle b", "needle bl"]:
        _type(library, model, text)

    # An edit takes a shown row out of "needle bl" and puts another in.
    shown = model.ids()
    out = shown[0]
    hidden = next(i for i in _plain_ids(library, "") if i not in shown)
    _edit(library, out, title="Renamed", abstract="gone")
    _edit(library, hidden, abstract="needle blockade")
    _changed(library, model)
    for text in ["needle blo", "needle bloc", "needle block"]:
        _type(library, model, text)
    assert out not in model.ids()
    assert hidden in model.ids()

    # A tag is searched too: a row with "needle" and no "block" gets the tag "blockbuster".
    tagged = next(i for i in _plain_ids(library, "needle") if i not in model.ids())
    with library.transaction() as session:
        svc.set_tags(session, SINGLE_USER, tagged, ["blockbuster"])
    _changed(library, model)
    _type(library, model, "needle blockb")
    assert model.ids() == [tagged]
    for text in ["bl", "blo", "bloc", "block", "blockb"]:
        _type(library, model, text)
    assert model.ids() == [tagged]

    # New references and deleted ones.
    _type(library, model, "kn")
    path = tmp_path / "more.bib"
    path.write_text(_bib(30, start=1000), encoding="utf-8")
    with library.transaction() as session:
        svc.import_files(session, SINGLE_USER, [path])
    _changed(library, model)
    assert model.search == "kn"
    assert model.ids() == _plain(library, model)
    for text in ["kne", "knee"]:
        _type(library, model, text)
    gone = model.ids()[:5]
    with library.transaction() as session:
        svc.delete_references(session, SINGLE_USER, gone)
    _changed(library, model)
    for text in ["knee n", "knee ne", "knee nee", "knee nerve", "knee ne", "kn", "k", ""]:
        _type(library, model, text)
    assert not set(gone) & set(model.ids())
    # Letters the index splits words at, letters it folds, and query syntax stay inert.
    for text in ["ne_", "ne_e", "ne_ed", "Kn", "KNE", "Müller", "it's", "it's & !ne", "|ne:*"]:
        _type(library, model, text)


def _plain_ids(library: Library, search: str) -> list[int]:
    with library.reading() as session:
        return svc.reference_ids(session, SINGLE_USER, search=search)


def test_the_index_names_what_typing_on_drops_on_both_engines(typed_library: Library) -> None:
    with typed_library.reading() as session:
        before = set(_searched(session, "needle ne"))
        now = set(_searched(session, "needle ner"))
        assert before - now
        assert now
        dropped = svc.dropped_ids(session, SINGLE_USER, "needle ner", "needle ne", limit=400)
        assert dropped is not None
        assert sorted(dropped) == sorted(before - now)
        fewer = len(before - now) - 1
        assert svc.dropped_ids(session, SINGLE_USER, "needle ner", "needle ne", fewer) is None
        assert svc.dropped_ids(session, SINGLE_USER, "needle", "needl", limit=400) == []
        # A word more.
        wider, narrower = set(_searched(session, "needle")), set(_searched(session, "needle ner"))
        dropped = svc.dropped_ids(session, SINGLE_USER, "needle ner", "needle", limit=400)
        assert sorted(dropped or []) == sorted(wider - narrower)
        assert wider - narrower
        # Quotes and query syntax typed into the box stay words.
        assert svc.dropped_ids(session, SINGLE_USER, "it's & !xy", "it's & !x", limit=9) == []


def _searched(session: object, text: str) -> list[int]:
    return svc.reference_ids(session, SINGLE_USER, search=text)  # type: ignore[arg-type]
