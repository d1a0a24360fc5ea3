"""The process-pool helpers: results in item order, however the work is shared."""

from __future__ import annotations

import os

import pytest

from analysis import parallel


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


@pytest.mark.parametrize("in_flight", [1, 2, 5])
def test_helped_map_keeps_item_order_and_the_caller_takes_a_share(in_flight):
    with parallel.process_pool(1) as pool:
        out = list(parallel.helped_map(pool, _square_and_pid, range(200), in_flight))
    assert [value for value, _ in out] == [x * x for x in range(200)]
    pids = {pid for _, pid in out}
    assert os.getpid() in pids  # the caller cleaned some itself...
    assert len(pids) == 2  # ...and the worker the others


def test_helped_map_of_nothing_and_of_one_item():
    with parallel.process_pool(1) as pool:
        assert list(parallel.helped_map(pool, _square_and_pid, [], 2)) == []
        assert [v for v, _ in parallel.helped_map(pool, _square_and_pid, [3], 2)] == [9]


def _fails_on_three(x: int) -> int:
    if x == 3:
        raise ValueError("three")
    return x


def test_helped_map_raises_the_first_error_in_item_order():
    with parallel.process_pool(1) as pool, pytest.raises(ValueError, match="three"):
        list(parallel.helped_map(pool, _fails_on_three, range(10), 2))


def test_bounded_map_keeps_item_order():
    with parallel.process_pool(2) as pool:
        assert [v for v, _ in parallel.bounded_map(pool, _square_and_pid, range(50), 3)] == [
            x * x for x in range(50)
        ]


def _slow_on_zero(x: int) -> tuple[int, int]:
    if x == 0:
        import time

        time.sleep(1.0)
    return x, os.getpid()


def test_helped_map_waits_for_a_slow_worker_rather_than_hold_every_result():
    """A worker slow on its first item: the caller cleans ahead, but only so far."""
    seen_pending = []
    with parallel.process_pool(1) as pool:
        items = iter(range(60))

        def counted():
            for x in items:
                seen_pending.append(x)
                yield x

        out = []
        for value, _pid in parallel.helped_map(pool, _slow_on_zero, counted(), 2):
            if not out:  # the first result (item 0, the slow one): how far did the caller get?
                first_read = len(seen_pending)
            out.append(value)
    assert out == list(range(60))
    assert first_read <= 5 * 2 + 1  # at most 5 * in_flight items held, then it waited
