"""A 30-slide deck and a poster from an abstract, end to end: read, fit, write the .pptx.

The first export in a fresh process (fonts and template loaded cold) is what the budget
checks; the median of the next runs is shown for comparison. Data is generated in a
temporary database: an abstract with 22 sections, 30 references and three figures.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

BUDGET_S = 1.0
RUNS = 5


def _timed(func) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def run() -> list[tuple[str, str, str, str]]:
    from slides_data import make_abstract, png, words

    from scholar_desk.core.db.library import Library
    from scholar_desk.core.services import slides
    from scholar_desk.core.services.session import SINGLE_USER

    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        library = Library.open(folder / "bench.sqlite3")
        try:
            sections = tuple((f"Aim {i}", words(90)) for i in range(18))
            made = make_abstract(
                library,
                folder,
                n_refs=30,
                extra_sections=sections,
                figures=("png", "webp", "jpeg"),
                results=words(260),
                link_url="https://doi.org/10.1136/rapm-2026-105432",
            )
            poster_made = make_abstract(library, folder, link_url="https://example.org/a")
            logo = png(folder / "logo.png", (600, 300))

            def deck() -> None:
                with library.reading() as session:
                    result = slides.export_deck(
                        session, SINGLE_USER, made.abstract_id, folder / "deck.pptx"
                    )
                deck.pages = result.pages  # type: ignore[attr-defined]

            def poster(layout: str) -> None:
                with library.reading() as session:
                    slides.export_poster(
                        session,
                        SINGLE_USER,
                        poster_made.abstract_id,
                        folder / "poster.pptx",
                        layout=layout,
                        logos=[logo],
                    )

            cases = [
                ("deck", deck),
                ("poster classic 48x36 in", lambda: poster("classic")),
                ("poster #betterposter 48x36 in", lambda: poster("better")),
            ]
            for name, func in cases:
                cold = _timed(func)
                warm = statistics.median(_timed(func) for _ in range(RUNS))
                what = name
                if name == "deck":
                    what = f"{deck.pages}-slide deck, export to .pptx"  # type: ignore[attr-defined]
                else:
                    what = f"{name}, export to .pptx"
                ok = cold < BUDGET_S
                rows.append(
                    (
                        what,
                        f"{cold:.2f} s first, {warm:.2f} s median of {RUNS} more",
                        f"{'PASS' if ok else 'FAIL'} < {BUDGET_S:g} s",
                        "python-pptx alone sets autofit flags and leaves text overflowing",
                    )
                )
        finally:
            library.close()
    return rows


if __name__ == "__main__":
    started = dt.datetime.now()
    for row in run():
        print(" | ".join(row))
