"""Long work holds the garbage collector's full collections until it is over."""

import gc
import threading

from scholar_desk.core.progress import full_collections_deferred


def test_full_collections_wait_until_the_last_of_nested_and_concurrent_blocks_ends() -> None:
    before = gc.get_threshold()
    inside: list[int] = []
    entered, leave = threading.Event(), threading.Event()

    def other_work() -> None:
        with full_collections_deferred():
            entered.set()
            leave.wait(10)

    worker = threading.Thread(target=other_work)
    worker.start()
    assert entered.wait(10)
    with full_collections_deferred():
        with full_collections_deferred():
            inside.append(gc.get_threshold()[2])
        inside.append(gc.get_threshold()[2])
    inside.append(gc.get_threshold()[2])  # the other thread's block is still open
    leave.set()
    worker.join(10)
    assert len(inside) == 3
    assert all(value > 1_000_000 for value in inside)
    assert gc.get_threshold() == before
