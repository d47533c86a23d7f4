"""Program requirements: program.toml read with lines in its errors, kept in the database,
and each fellow's progress (met, in progress with the item that will meet it, not started)."""

import datetime as dt

import pytest
from career_data import PASSWORD, add_accounts, seed_career
from sqlalchemy import select

from scholar_desk.core import clock
from scholar_desk.core.db import models as m
from scholar_desk.core.db.library import Library
from scholar_desk.core.errors import ImportFileError, PermissionDeniedError
from scholar_desk.core.formats.program import parse_program
from scholar_desk.core.services import accounts, backups, career
from scholar_desk.core.services.session import SINGLE_USER

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def seeded(library):
    clock.set_clock(lambda: dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    return seed_career(library)


def test_the_shipped_example_is_marked_and_valid():
    program = parse_program(career.example_text())
    assert program.example is True
    assert "example" in program.name.lower()
    assert [r.title for r in program.requirements] == [
        "One first-author abstract presented at a national meeting",
        "One manuscript submitted to a peer-reviewed journal",
        "One quality improvement project complete",
        "Two grand rounds",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[program]\nname = "X"\n[[requirement]\n', "program.toml, line 3: Expected ']]'"),
        (
            '[program]\nname = "X"\n\n[[requirement]]\ntitle = "A"\nkind = "paper"\n',
            "program.toml, line 4: requirement 1: kind 'paper' is not one of",
        ),
        (
            '[[requirement]]\ntitle = "A"\nkind = "abstract"\n\n'
            '[[requirement]]\ntitle = "B"\nkind = "abstract"\nmet_when = "published"\n',
            "line 5: requirement 2: met_when 'published' is not a stage of a abstract",
        ),
        (
            '[[requirement]]\ntitle = "A"\nkind = "project"\nscope = ["national"]\n',
            "line 1: requirement 1: scope does not apply to a project",
        ),
        (
            '[[requirement]]\ntitle = "A"\nkind = "abstract"\ncount = 0\n',
            "count must be a whole number of at least 1, not 0",
        ),
        ('[[requirement]]\nkind = "abstract"\n', 'needs a title = "..."'),
        (
            '[[requirement]]\ntitle = "A"\nkind = "abstract"\nscope = ["galactic"]\n',
            "scope 'galactic' is not one of",
        ),
        ('[[requirement]]\ntitle = "A"\nkind = "abstract"\ncolour = 1\n', "unknown key 'colour'"),
    ],
)
def test_malformed_program_names_line_and_reason(text, message):
    with pytest.raises(ImportFileError) as raised:
        parse_program(text)
    assert message in raised.value.user_message
    assert "\n" not in raised.value.user_message


def test_progress_met_in_progress_and_not_started(library, seeded):
    with library.reading() as s:
        ana = career.fellow_progress(s, SINGLE_USER, seeded.ana, today=TODAY)
        ben = career.fellow_progress(s, SINGLE_USER, seeded.ben, today=TODAY)
    states = {r.title: r for r in ana.requirements}
    abstract = states["One first-author abstract presented at a national meeting"]
    assert abstract.state == career.MET
    assert [i.title for i in abstract.counted] == ["Genicular RFA: durable relief"]
    assert states["One manuscript submitted to a peer-reviewed journal"].state == career.MET
    assert states["One quality improvement project complete"].state == career.NOT_STARTED
    rounds = states["Two grand rounds"]
    assert rounds.state == career.IN_PROGRESS
    assert rounds.summary == "In progress (1 of 2)"
    assert ana.met == 2
    ben_rounds = {r.title: r for r in ben.requirements}["Two grand rounds"]
    assert ben_rounds.state == career.IN_PROGRESS
    assert ben_rounds.next_item is not None
    assert ben_rounds.next_item.title == "Undated grand rounds"
    assert (
        ben_rounds.summary == "In progress (0 of 2): \u201cUndated grand rounds\u201d (scheduled)"
    )


def test_the_item_that_will_meet_it_is_the_most_advanced(library, seeded):
    with library.transaction() as s:
        s.add_all(
            [
                m.Project(
                    owner_id=seeded.ben,
                    title="Taper QI",
                    kind="quality improvement",
                    status="analysis",
                ),
                m.Project(
                    owner_id=seeded.ben,
                    title="Older QI",
                    kind="quality improvement",
                    status="protocol",
                ),
                m.Project(
                    owner_id=seeded.ben,
                    title="Dead QI",
                    kind="quality improvement",
                    status="abandoned",
                ),
                m.Project(
                    owner_id=seeded.ben, title="A trial", kind="clinical study", status="writing"
                ),
            ]
        )
    with library.reading() as s:
        ben = career.fellow_progress(s, SINGLE_USER, seeded.ben, today=TODAY)
    qi = {r.title: r for r in ben.requirements}["One quality improvement project complete"]
    assert qi.state == career.IN_PROGRESS
    assert qi.summary == "In progress: \u201cTaper QI\u201d (analysis)"


def test_first_author_means_first_in_the_byline(library, seeded):
    with library.transaction() as s:
        abstract = s.scalars(
            select(m.Abstract).where(m.Abstract.title == "Genicular RFA: durable relief")
        ).one()
        for author in abstract.authors:
            author.position += 10
        s.flush()
        for author in abstract.authors:
            author.position = 2 if author.person_id == seeded.ana else 1
    with library.reading() as s:
        ana = career.fellow_progress(s, SINGLE_USER, seeded.ana, today=TODAY)
    abstract_req = ana.requirements[0]
    # Ana's other national abstract (no byline: hers alone) still meets it.
    assert abstract_req.state == career.MET
    assert [i.title for i in abstract_req.counted] == ["SCS in diabetic neuropathy"]


@pytest.mark.sqlite_only(
    reason="backups.create_backup copies the file; a server has server_backups"
)
def test_a_stored_program_replaces_the_example_and_travels_with_a_backup(
    library, seeded, tmp_path
):
    text = (
        '[program]\nname = "Our fellowship"\n\n[[requirement]]\n'
        'title = "Three grand rounds"\nkind = "presentation"\n'
        'presentation_kind = ["grand rounds"]\ncount = 3\n'
    )
    with library.transaction() as s:
        career.set_program(s, SINGLE_USER, text)
    with library.reading() as s:
        assert career.stored_text(s) == text
        progress = career.fellow_progress(s, SINGLE_USER, seeded.ana, today=TODAY)
    assert progress.program == "Our fellowship"
    assert not progress.example
    assert [r.title for r in progress.requirements] == ["Three grand rounds"]
    info = backups.create_backup(library, SINGLE_USER, tmp_path / "copy.sqlite3")
    with Library.open(info.path) as copy, copy.reading() as s:
        assert career.current_program(s).name == "Our fellowship"


def test_a_bad_file_stores_nothing_and_a_fellow_may_not_set_requirements(library, seeded):
    with library.transaction() as s, pytest.raises(ImportFileError, match="line 1"):
        career.set_program(s, SINGLE_USER, "[[requirement]\n")
    with library.reading() as s:
        assert career.stored_text(s) is None
    add_accounts(library, seeded)
    with library.transaction() as s:
        ana = accounts.login(s, "ana", PASSWORD)
    with library.transaction() as s, pytest.raises(PermissionDeniedError, match="director"):
        career.set_program(s, ana, career.example_text())
    with library.reading() as s:
        assert career.stored_text(s) is None


def test_the_annual_report_carries_each_fellows_progress(library, seeded, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from scholar_desk.core.formats.report_files import write_report
    from scholar_desk.core.services import report

    with library.reading() as s:
        activity = report.build_report(s, SINGLE_USER, 2026, today=TODAY)
        activity = career.with_requirements(s, SINGLE_USER, activity, today=TODAY)
    ana = activity.fellows[0]
    assert [(r.title, r.state) for r in ana.requirements][:2] == [
        ("One first-author abstract presented at a national meeting", "met"),
        ("One manuscript submitted to a peer-reviewed journal", "met"),
    ]
    write_report(activity, tmp_path / "r.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(str(tmp_path / "r.pdf")).pages)
    assert "Program requirements: Pain Medicine Fellowship (example)" in text
    assert "One quality improvement project complete" in text
    write_report(activity, tmp_path / "r.xlsx")
    sheet = load_workbook(tmp_path / "r.xlsx")["Ana Reyes, MD"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Two grand rounds", "in progress", "In progress (1 of 2)"] in [r[:3] for r in rows]
