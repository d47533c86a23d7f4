"""Render a deck and a poster with LibreOffice and count the PDF pages."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from slides_data import TODAY, make_abstract

from scholar_desk.core import clock
from scholar_desk.core.db.library import Library
from scholar_desk.core.services import slides
from scholar_desk.core.services.session import SINGLE_USER

pytestmark = pytest.mark.render


@pytest.fixture
def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        pytest.skip("LibreOffice (soffice) is not installed; install libreoffice-impress")
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo is not installed; install poppler-utils")
    return path


def _pdf_pages(soffice: str, pptx: Path) -> int:
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
                str(pptx.parent),
                str(pptx),
            ],
            check=True,
            capture_output=True,
            timeout=240,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = pptx.with_suffix(".pdf")
    assert pdf.is_file(), "LibreOffice wrote no PDF"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(
        next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    )


@pytest.mark.slow
def test_deck_and_poster_render_with_libreoffice(
    soffice: str, library: Library, tmp_path: Path
) -> None:
    clock.set_clock(lambda: dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC))
    made = make_abstract(library, tmp_path, link_url="https://example.org/a")
    deck = tmp_path / "talk.pptx"
    poster = tmp_path / "poster.pptx"
    with library.reading() as session:
        result = slides.export_deck(session, SINGLE_USER, made.abstract_id, deck)
        slides.export_poster(session, SINGLE_USER, made.abstract_id, poster, layout="better")
    assert _pdf_pages(soffice, deck) == result.pages
    assert _pdf_pages(soffice, poster) == 1
