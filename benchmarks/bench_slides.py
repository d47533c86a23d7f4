"""A 30-slide deck and a poster from an abstract, end to end: read, fit, write the .pptx.

The first export in a fresh process (fonts and template loaded cold), each case in
processes of its own, is what the budget checks: the median over `PROCESSES` processes,
as one process alone can meet a neighbour's load on a shared machine (0.64 s one run,
1.07 s another, measured). The median of the next runs in those processes is shown for
comparison. Data is generated in a
temporary database: an abstract with 22 sections, 30 references and three figures.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

BUDGET_S = 1.0
RUNS = 5
PROCESSES = 3


def _timed(func) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def _export(case: str, db: Path, folder: Path, abstract_id: int, logo: Path) -> dict[str, float]:
    """In a fresh process: time the first export of ``case``, then the median of more."""
    from scholar_desk.core.db.library import Library
    from scholar_desk.core.services import slides
    from scholar_desk.core.services.session import SINGLE_USER

    pages = 0

    def once() -> None:
        nonlocal pages
        with library.reading() as session:
            if case == "deck":
                result = slides.export_deck(
                    session, SINGLE_USER, abstract_id, folder / "deck.pptx", force=True
                )
                pages = result.pages
            else:
                slides.export_poster(
                    session,
                    SINGLE_USER,
                    abstract_id,
                    folder / "poster.pptx",
                    layout=case,
                    logos=[logo],
                    force=True,
                )

    library = Library.open(db)
    try:
        cold = _timed(once)
        warm = statistics.median(_timed(once) for _ in range(RUNS))
    finally:
        library.close()
    return {"cold": cold, "warm": warm, "pages": pages}


def _child_export(
    case: str, db: Path, folder: Path, abstract_id: int, logo: Path
) -> dict[str, float]:
    """`_export` in a process of its own; what it measured."""
    child = subprocess.run(
        [sys.executable, __file__, case, str(db), str(folder), str(abstract_id), str(logo)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return {k: float(v) for k, v in json.loads(child.stdout.strip().splitlines()[-1]).items()}


def run() -> list[tuple[str, str, str, str]]:
    from slides_data import make_abstract, png, words

    from scholar_desk.core.db.library import Library

    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.sqlite3"
        library = Library.open(db)
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
        finally:
            library.close()
        cases = [
            ("deck", made.abstract_id, "{pages}-slide deck, export to .pptx"),
            ("classic", poster_made.abstract_id, "poster classic 48x36 in, export to .pptx"),
            ("better", poster_made.abstract_id, "poster #betterposter 48x36 in, export to .pptx"),
        ]
        for case, abstract_id, label in cases:
            # Each case in processes of its own: the first export there loads fonts and
            # templates cold, as a user's first export after starting the program does.
            runs = [_child_export(case, db, folder, abstract_id, logo) for _ in range(PROCESSES)]
            cold = statistics.median(r["cold"] for r in runs)
            warm = statistics.median(r["warm"] for r in runs)
            ok = cold < BUDGET_S
            rows.append(
                (
                    label.format(pages=int(runs[0]["pages"])),
                    f"{cold:.2f} s first in a fresh process (median of {PROCESSES}; "
                    f"{min(r['cold'] for r in runs):.2f}-{max(r['cold'] for r in runs):.2f}), "
                    f"{warm:.2f} s median of {RUNS} more",
                    f"{'PASS' if ok else 'FAIL'} < {BUDGET_S:g} s",
                    "python-pptx alone sets autofit flags and leaves text overflowing",
                )
            )
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 6:
        case, db, folder, abstract_id, logo = sys.argv[1:]
        print(json.dumps(_export(case, Path(db), Path(folder), int(abstract_id), Path(logo))))
    else:
        for row in run():
            print(" | ".join(row))
