"""Render the exported templates with LibreOffice and read their text back from the PDF."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from slides_data import TODAY, make_abstract, png

from scholar_desk.core import clock
from scholar_desk.core.db.library import Library
from scholar_desk.core.formats.potx_slides import LAYOUT_NAMES
from scholar_desk.core.services import template_export
from scholar_desk.core.services.session import SINGLE_USER

pytestmark = [pytest.mark.render, pytest.mark.slow]

POSTER_HEADINGS = (
    "Background",
    "Methods",
    "Results",
    "Conclusions",
    "References",
    "Disclosures",
    "Acknowledgments",
    "Scan for the full abstract",
)
SLIDE_TEXT = (
    "Title of the talk",
    "Disclosures",
    "ineligible companies",
    "Background",
    "Figure 1.",
    "References",
    "Questions?",
    "ASRA Pain Medicine Annual Meeting \u00b7 November 12\u201314, 2026",
)


@pytest.fixture
def tools() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; install libreoffice-impress")
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("pdftotext/pdfinfo are not installed; install poppler-utils")
    return soffice


def to_pdf(soffice: str, *files: Path) -> None:
    profile = Path("/tmp") / f"scholar-desk-lo-{uuid.uuid4().hex}"
    try:
        subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation=file://{profile}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(files[0].parent),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def pdf_text(pdf: Path) -> tuple[int, str]:
    assert pdf.is_file(), f"LibreOffice wrote no {pdf.name}"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    pages = int(next(x.split()[-1] for x in info.stdout.splitlines() if x.startswith("Pages:")))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return pages, text


def test_templates_render_with_every_heading(tools: str, library: Library, tmp_path: Path) -> None:
    clock.set_clock(lambda: dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))
    abstract = make_abstract(library, tmp_path, figures=()).abstract_id
    logo = png(tmp_path / "logo.png", size=(600, 240))
    classic, better, talk = (tmp_path / n for n in ("classic.potx", "better.potx", "talk.potx"))
    with library.reading() as s:
        template_export.export_poster_template(s, SINGLE_USER, classic, logos=[logo])
        template_export.export_poster_template(
            s, SINGLE_USER, better, abstract_id=abstract, size="A0", layout="better"
        )
        template_export.export_slide_template(s, SINGLE_USER, talk, conference_id=1, logos=[logo])
    to_pdf(tools, classic, better, talk)
    for poster in (classic, better):
        pages, text = pdf_text(poster.with_suffix(".pdf"))
        assert pages == 1
        for heading in POSTER_HEADINGS:
            assert heading in text, f"{heading} is not in {poster.name}'s PDF"
    _pages, text = pdf_text(better.with_suffix(".pdf"))
    assert "Figures" in text
    assert "Durable Relief" in text  # the abstract's title, filled in
    pages, text = pdf_text(talk.with_suffix(".pdf"))
    assert pages == len(LAYOUT_NAMES)
    flat = " ".join(text.split())
    for expected in SLIDE_TEXT:
        assert expected in flat, f"{expected} is not in the slide template's PDF"
