"""Cited references count where the meeting's rule says so, the same in the window and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sqlalchemy import select

from scholar_desk.core.db import models as m
from scholar_desk.core.services import abstracts, citations, items
from scholar_desk.ui.pages.abstract_editor import AbstractEditor


def _cli_count(db, abstract_id: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "scholar_desk", "--db", str(db), "--user", "fellow1",
         "abstract", "count", str(abstract_id), "--json"],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "SCHOLAR_DESK_PASSWORD": "demo"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_cited_references_count_in_the_editor_and_the_cli(qtbot, demo_ctx):
    ctx = demo_ctx("fellow1")
    with ctx.library.reading() as session:
        rows = items.list_items(session, ctx.actor, "abstract")
        counting = [
            r for r in rows
            if abstracts.get_abstract_detail(session, ctx.actor, r.id).rule.counts_references
            and citations.citations(session, ctx.actor, "abstract", r.id)
        ]  # fmt: skip
        assert counting, "the demo has an abstract citing references under a counting rule"
        abstract = counting[0]
        cited = citations.citations(session, ctx.actor, "abstract", abstract.id)
        detail = abstracts.get_abstract_detail(session, ctx.actor, abstract.id)
    editor = AbstractEditor(ctx, abstract)
    qtbot.addWidget(editor)
    editor.show()
    text_only = abstracts.count_abstract(detail.rule, detail.title, editor.section_values())
    refs_words = editor.count.body_count - text_only.body_count
    assert refs_words > 20 * len(cited) // 2  # every cited reference adds its words
    assert editor.cited_label.text().splitlines()[0].startswith("1. ")
    assert len(editor.cited_label.text().splitlines()) == len(cited)
    assert editor.cited_count_label.text() == f"{refs_words:,} words"
    cli = _cli_count(ctx.library.path, abstract.id)
    assert cli["body_count"] == editor.count.body_count
    assert editor.count_label.text() == f"{cli['body_count']:,} / {cli['body_limit']:,} words"
    # Typing keeps the references in the live count.
    editor.sections[0].body_edit.setPlainText(editor.sections[0].value()[1] + " extra")
    assert editor.count.body_count == cli["body_count"] + 1


def test_a_rule_that_does_not_count_references_says_so(qtbot, demo_ctx):
    ctx = demo_ctx("fellow1")
    with ctx.library.transaction() as session:
        rows = items.list_items(session, ctx.actor, "abstract")
        target = next(
            r for r in rows
            if not abstracts.get_abstract_detail(session, ctx.actor, r.id).rule.counts_references
        )  # fmt: skip
        ref_id = session.scalars(select(m.Reference.id)).first()
        citations.cite(session, ctx.actor, "abstract", target.id, [ref_id])
    editor = AbstractEditor(ctx, target)
    qtbot.addWidget(editor)
    plain = abstracts.count_abstract(
        editor.rule, editor.title_edit.toPlainText(), editor.section_values()
    )
    assert editor.count.body_count == plain.body_count
    assert editor.cited_count_label.text().endswith("(not counted)")
