"""Reference library benchmarks: search, sort, table, memory, a window during an import.

``run()`` returns rows ``(what, measured, budget, comparison)`` for ``benchmarks/run.py``.
It generates its own data: a 20,000-entry .bib with LaTeX accents, names and DOIs, and a
100,000-reference database. Run alone: ``python benchmarks/bench_references.py``.
"""

from __future__ import annotations

import gc
import itertools
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

IMPORT_ENTRIES = 20_000
LIBRARY_SIZE = 100_000

_FAMILIES = [
    ('M{\\"u}ller', "Müller"),
    ("Garc{\\'i}a", "García"),
    ("Smith", "Smith"),
    ("{\\O}stergaard", "Østergaard"),
    ("{\\c{C}}elik", "Çelik"),
    ("{\\v{S}}imi{\\'c}", "Šimić"),
    ("Lef{\\`e}vre", "Lefèvre"),
    ("O'Brien", "O'Brien"),
    ("Nakamura", "Nakamura"),
    ("Johansson", "Johansson"),
    ("Kowalczyk", "Kowalczyk"),
    ("Patel", "Patel"),
    ('Br{\\"o}nnimann', "Brönnimann"),
    ("Fran{\\c{c}}ois", "François"),
    ("Chen", "Chen"),
    ("Okafor", "Okafor"),
    ("Andersen", "Andersen"),
    ("Rossi", "Rossi"),
    ("Dubois", "Dubois"),
    ('Schr{\\"o}der', "Schröder"),
    ("Nu{\\~n}ez", "Nuñez"),
    ("Kim", "Kim"),
    ("Lee", "Lee"),
]
_GIVEN = [
    'J{\\"o}rg',
    "Ren{\\'e}e",
    "Maya",
    "Daniel",
    "Ana",
    "Lars",
    "Sofia",
    "Wei",
    "Kofi",
    "Hélène",
    "Jos{\\'e}",
    "Ingrid",
    "Tom{\\'a}s",
    "Priya",
    "Emeka",
    "Yuki",
]
_WORDS = [
    "chronic",
    "postsurgical",
    "pain",
    "opioid",
    "tapering",
    "genicular",
    "nerve",
    "radiofrequency",
    "ablation",
    "spinal",
    "cord",
    "stimulation",
    "lumbar",
    "radiculopathy",
    "epidural",
    "steroid",
    "injection",
    "ketamine",
    "infusion",
    "fibromyalgia",
    "neuropathic",
    "cancer",
    "buprenorphine",
    "cohort",
    "randomized",
    "trial",
    "meta-analysis",
    "outcomes",
    "quality",
    "improvement",
    "ultrasound-guided",
    "block",
    "knee",
    "arthroplasty",
    "pediatric",
    "migraine",
    "headache",
    "telehealth",
    "adherence",
    "function",
    "disability",
    "sleep",
]
_JOURNALS = [
    "Pain",
    "Pain Medicine",
    "Regional Anesthesia {\\&} Pain Medicine",
    "Anesthesiology",
    "The Journal of Pain",
    "Pain Physician",
    "British Journal of Anaesthesia",
    "JAMA",
    "The Lancet",
    "Spine",
    "Headache",
    "Clinical Journal of Pain",
]
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def make_bib(path: Path, count: int, seed: int = 3) -> None:
    """Write a realistic .bib: LaTeX accents, macros, {protected} words, DOIs, abstracts."""
    rnd = random.Random(seed)
    out = ['@string{pm = "Pain Medicine"}\n@preamble{"\\newcommand{\\noop}[1]{}"}\n\n']
    for i in range(count):
        authors = " and ".join(
            f"{rnd.choice(_FAMILIES)[0]}, {rnd.choice(_GIVEN)}" for _ in range(rnd.randint(1, 8))
        )
        words = rnd.sample(_WORDS, 9)
        title = (
            f"{words[0].capitalize()} {words[1]} and {{MRI}} {words[2]} in {words[3]} "
            f"-- a {words[4]} {words[5]} study {i}"
        )
        abstract = " ".join(rnd.choice(_WORDS) for _ in range(90)) + " (p~{<}~0.05; 45\\%)."
        journal = "pm" if rnd.random() < 0.2 else "{" + rnd.choice(_JOURNALS) + "}"
        out.append(
            f"@article{{ref{i},\n  author = {{{authors}}},\n  title = {{{title}}},\n"
            f"  journal = {journal},\n  year = {{{rnd.randint(1990, 2026)}}},\n"
            f"  month = {rnd.choice(_MONTHS)},\n  volume = {{{rnd.randint(1, 160)}}},\n"
            f"  number = {{{rnd.randint(1, 12)}}},\n"
            f"  pages = {{{(p := rnd.randint(1, 900))}--{p + rnd.randint(3, 15)}}},\n"
            f"  doi = {{10.{rnd.randint(1000, 9999)}/bench.{i}}},\n  pmid = {{{30_000_000 + i}}},\n"
            f"  keywords = {{{', '.join(rnd.sample(_WORDS, 4))}}},\n"
            f"  abstract = {{{abstract}}},\n}}\n\n"
        )
    path.write_text("".join(out), encoding="utf-8")


def _rss_mb() -> float:
    with Path("/proc/self/status").open(encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def realistic_vocabulary(size: int = 4000, seed: int = 11) -> list[str]:
    """Distinct words for titles and abstracts: the benchmark's 42 first, then made-up
    ones of two to four syllables; used with Zipf-like weights (rank ** -1.07)."""
    rnd = random.Random(seed)
    onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "st"]
    syllables = [o + v for o in onsets for v in ("a", "e", "i", "o", "u", "ar", "en", "ol")]
    words = list(dict.fromkeys(w for w in _WORDS))
    seen = set(words)
    while len(words) < size:
        word = "".join(rnd.choice(syllables) for _ in range(rnd.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _fill_library(library: object, count: int, vocabulary: list[str] | None = None) -> None:
    from sqlalchemy import insert

    from scholar_desk.core import clock
    from scholar_desk.core.formats.reference import ParsedReference
    from scholar_desk.core.services import references as svc

    rnd = random.Random(7)
    now = clock.now()
    fams = [plain for _, plain in _FAMILIES]
    if vocabulary is None:

        def pick(n: int) -> list[str]:
            return rnd.sample(_WORDS, n)

        def text(n: int) -> str:
            return " ".join(rnd.choice(_WORDS) for _ in range(n))
    else:
        weights = list(itertools.accumulate(1 / (r + 1) ** 1.07 for r in range(len(vocabulary))))

        def pick(n: int) -> list[str]:
            return rnd.choices(vocabulary, cum_weights=weights, k=n)

        def text(n: int) -> str:
            return " ".join(pick(n))

    with library.transaction() as session:  # type: ignore[attr-defined]
        for start in range(0, count, 10_000):
            rows = []
            for i in range(start, min(start + 10_000, count)):
                family = rnd.choice(fams)
                words = pick(8)
                ref = ParsedReference(
                    citation_key=f"lib{i}",
                    authors=f"{family}, A. and {rnd.choice(fams)}, B.",
                    first_author=family,
                    title=" ".join(words).capitalize() + f" {i}",
                    journal=rnd.choice(_JOURNALS).replace("{\\&}", "&"),
                    year=rnd.randint(1980, 2026),
                    volume=str(rnd.randint(1, 99)),
                    pages=f"{rnd.randint(1, 500)}\u2013{rnd.randint(501, 999)}",
                    doi=f"10.1000/lib.{i}",
                    abstract=text(60),
                    keywords=", ".join(pick(3)),
                )
                rows.append(svc._row(ref, now))
            session.execute(insert(svc._REFERENCES), rows)


_TYPED = (
    "genicular nerve",
    "opioid tapering 2019",
    "Müller ketamine",
    "spinal cord stim",
    "pain medicine",
    "ultrasound-guided block",
)


def _search_row(library: object, phrases: tuple[str, ...], label: str) -> tuple[str, ...]:
    """Type each phrase a letter at a time (from 2 letters) into the table model.

    Timed per keystroke: from the query string to the model holding the matching ids in
    display order (what the view needs for its first screen).
    """
    from scholar_desk.ui.models.reference_table import ReferenceTableModel

    typed = [phrase[:n] for phrase in phrases for n in range(2, len(phrase) + 1)]
    search_model = ReferenceTableModel(library)  # type: ignore[arg-type]
    search_model.refresh()  # the page holds the sorted ids already
    times = []
    counts = []
    for query in typed:
        t = time.perf_counter()
        search_model.set_search(query)
        times.append((time.perf_counter() - t) * 1000)
        counts.append(search_model.rowCount())
    times.sort()
    p50 = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    return (
        f"search as you type, {LIBRARY_SIZE:,} references (p50 / p95), {label}",
        f"{p50:.1f} / {p95:.1f} ms",
        verdict(p50 < 30 and p95 < 100, "< 30 / < 100 ms"),
        f"{len(times)} keystrokes through the table model, {statistics.median(counts):,.0f} "
        f"median / {max(counts):,} max hits",
    )


def _bench_library(tmp: Path) -> list[tuple[str, str, str, str]]:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QTableView

    from scholar_desk.core.db.library import Library
    from scholar_desk.core.services import references as svc
    from scholar_desk.core.services.session import SINGLE_USER
    from scholar_desk.ui.models.reference_table import ReferenceTableModel

    rows: list[tuple[str, str, str, str]] = []
    app = QApplication.instance() or QApplication([])
    path = tmp / "lib100k.sqlite3"
    start = time.perf_counter()
    with Library.open(path) as library:
        _fill_library(library, LIBRARY_SIZE)
    fill = time.perf_counter() - start

    with Library.open(path) as library:
        with library.reading() as session:
            assert svc.count_references(session, SINGLE_USER) == LIBRARY_SIZE
            svc.reference_ids(session, SINGLE_USER, search="warm")  # open the FTS index once
        rows.append(_search_row(library, _TYPED, "small vocabulary: a worst case"))

        sort_times = []
        with library.reading() as session:
            for key, desc in (
                ("year", True),
                ("first_author", False),
                ("journal", True),
                ("title", False),
            ):
                t = time.perf_counter()
                svc.reference_ids(session, SINGLE_USER, sort=key, descending=desc)
                sort_times.append((time.perf_counter() - t) * 1000)
        rows.append(
            (
                "sort 100,000 rows in SQL (year, author, journal, title)",
                f"max {max(sort_times):.0f} ms",
                verdict(max(sort_times) < 200, "< 200 ms"),
                "Qt proxy over Python data(): 4-14 s",
            )
        )

        gc.collect()
        t = time.perf_counter()
        model = ReferenceTableModel(library)
        model.refresh()
        view = QTableView()
        view.setModel(model)
        view.resize(1200, 800)
        view.show()
        opened = time.perf_counter() - t
        t = time.perf_counter()
        visible = [model.index(r, c).data() for r in range(40) for c in range(model.columnCount())]
        view.grab()
        first = time.perf_counter() - t
        assert visible[3]
        rows.append(
            (
                "references table at 100,000: open (ids) / first screen (rows + paint)",
                f"{opened * 1000:.0f} / {first * 1000:.0f} ms",
                verdict(opened < 0.3 and first < 0.05, "< 300 / < 50 ms"),
                "JabRef: 33 s for 19,800",
            )
        )
        t = time.perf_counter()
        model.sort(2, Qt.SortOrder.DescendingOrder)
        view.grab()
        resort = (time.perf_counter() - t) * 1000
        rows.append(
            (
                "table re-sort at 100,000 (ids + repaint)",
                f"{resort:.0f} ms",
                verdict(resort < 200, "< 200 ms"),
                "",
            )
        )
        rss = _fresh_process_rss(path)
        rows.append(
            (
                "memory with 100,000 references open in the table (RSS, fresh process)",
                f"{rss:.0f} MB",
                verdict(rss < 300, "< 300 MB"),
                "JabRef: 2 GB",
            )
        )
        view.close()
        del view, model
    rows.insert(1, _realistic_search(tmp))
    del app
    rows.append(("(setup) generate 100,000-reference library", f"{fill:.1f} s", "", ""))
    return rows


def _realistic_search(tmp: Path) -> tuple[str, ...]:
    """The same typing over a library whose titles and abstracts use 4,000 words."""
    from scholar_desk.core.db.library import Library
    from scholar_desk.core.services import references as svc
    from scholar_desk.core.services.session import SINGLE_USER

    path = tmp / "lib100k-realistic.sqlite3"
    v = realistic_vocabulary()
    with Library.open(path) as library:
        _fill_library(library, LIBRARY_SIZE, v)
    with Library.open(path) as library:
        with library.reading() as session:
            svc.reference_ids(session, SINGLE_USER, search="warm")
        phrases = (
            f"{v[0]} {v[120]}",
            f"{v[8]} {v[700]}",
            f"Müller {v[35]}",
            f"{v[2600]} 2019",
            f"{v[15]} {v[16]} {v[300]}",
        )
        return _search_row(library, phrases, "realistic vocabulary (4,000 words, Zipf-like)")


_MEMORY_SCRIPT = """
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication, QTableView
from scholar_desk.core.db.library import Library
from scholar_desk.ui.models.reference_table import ReferenceTableModel
app = QApplication([])
library = Library.open(sys.argv[1])
model = ReferenceTableModel(library)
model.refresh()
view = QTableView()
view.setModel(model)
view.resize(1200, 800)
view.show()
view.grab()
model.set_search("pain")
view.grab()
for line in open("/proc/self/status", encoding="ascii"):
    if line.startswith("VmRSS:"):
        print(int(line.split()[1]) / 1024)
"""


def _fresh_process_rss(path: Path) -> float:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _MEMORY_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return float(done.stdout.strip().splitlines()[-1])


def _bench_stall(tmp: Path) -> list[tuple[str, str, str, str]]:
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from scholar_desk.core.db.library import Library
    from scholar_desk.core.progress import CancelToken, ProgressSink
    from scholar_desk.core.services import references as svc
    from scholar_desk.core.services.session import SINGLE_USER
    from scholar_desk.ui.workers import Job, make_pool

    app = QApplication.instance() or QApplication([])
    bib = tmp / "bench20k.bib"
    library = Library.open(tmp / "stall.sqlite3")
    pool = make_pool()
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    # As the import dialog does: a first job reads the file and runs the dry run, a second
    # stores what was read, which the dialog (and its Undo) keeps meanwhile and after.
    held: list[Any] = []

    def check(progress: ProgressSink, cancel: CancelToken) -> object:
        results = svc.read_files([bib], progress, cancel)
        with library.reading() as session:
            report = svc.import_parsed(session, SINGLE_USER, results, dry_run=True, cancel=cancel)
        held.append(results)
        return report

    def store(progress: ProgressSink, cancel: CancelToken) -> object:
        with library.transaction() as session:
            return svc.import_parsed(
                session, SINGLE_USER, held[0], progress=progress, cancel=cancel
            )

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    loop = QEventLoop()
    outcome: list[object] = []
    progressed = [0]
    jobs = [Job(check), Job(store)]
    for job in jobs:
        job.signals.succeeded.connect(outcome.append)
        job.signals.failed.connect(outcome.append)
        job.signals.progressed.connect(lambda *_: progressed.__setitem__(0, progressed[0] + 1))
    jobs[0].signals.finished.connect(lambda: pool.start(jobs[1]))
    jobs[1].signals.finished.connect(loop.quit)
    t = time.perf_counter()
    timer.start()
    last[0] = clock.elapsed()
    pool.start(jobs[0])
    loop.exec()
    elapsed = time.perf_counter() - t
    timer.stop()
    pool.waitForDone()
    library.close()
    assert len(outcome) == 2, outcome
    assert isinstance(outcome[0], svc.ImportReport), outcome
    stored = outcome[1]
    assert isinstance(stored, svc.ImportReport)
    assert stored.imported == IMPORT_ENTRIES, stored.summary()
    del app
    worst = max(gaps) if gaps else float("nan")
    return [
        (
            "longest event-loop stall while a 20,000-entry import runs in Jobs (read and "
            "dry run, then store)",
            f"{worst:.0f} ms",
            verdict(worst < 50, "window never freezes (aim < 50 ms)"),
            f"10 ms timer, {len(gaps)} ticks over {elapsed:.1f} s",
        )
    ]


def verdict(ok: bool, budget: str) -> str:
    """The budget column: PASS or FAIL, then the budget."""
    return f"{'PASS' if ok else 'FAIL'} {budget}"


def run() -> list[tuple[str, str, str, str]]:
    """Run every reference benchmark; rows are (what, measured, budget, comparison)."""
    with tempfile.TemporaryDirectory(prefix="sd-bench-refs-") as name:
        tmp = Path(name)
        make_bib(tmp / "bench20k.bib", IMPORT_ENTRIES)
        rows = _bench_stall(tmp)
        rows += _bench_library(tmp)
    return rows


if __name__ == "__main__":
    started = time.perf_counter()
    for row in run():
        print(" | ".join(row))
    print(f"total {time.perf_counter() - started:.0f} s")
