"""A worker job keeps the garbage collector's full collections (a GIL-held walk of every
object, a freeze of the window) until it is over, the gap between its steps included."""

import gc

from scholar_desk.ui.workers import Job, make_pool


def test_a_job_runs_without_full_collections_and_restores_them(qtbot) -> None:
    before = gc.get_threshold()
    seen: list[tuple[int, int, int]] = []

    def task(_progress, _cancel) -> None:
        seen.append(gc.get_threshold())

    pool = make_pool()
    job = Job(task)
    with qtbot.waitSignal(job.signals.finished, timeout=10_000):
        pool.start(job)
    assert pool.waitForDone(10_000)
    assert seen[0][2] > 1_000_000
    assert seen[0][:2] == before[:2]
    assert gc.get_threshold() == before
