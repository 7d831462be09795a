# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_parallel: parallel work that stops starting after the first failure, with progress from the calling thread."""

from __future__ import annotations

import threading
import time

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._http.parallel import alongside, run_all


@pytest.mark.parametrize('parallel', [1, 4])
def test_every_piece_is_done_once_and_outcomes_keep_their_order(parallel):
    done = []
    outcomes = run_all(list(range(50)), lambda n: done.append(n) or n * 10, parallel=parallel)
    assert sorted(done) == list(range(50))
    assert [o.value for o in outcomes] == [n * 10 for n in range(50)] and all(o.started and o.error is None for o in outcomes)


def test_no_piece_starts_after_the_first_failure():
    started = []
    lock = threading.Lock()

    def do(n):
        with lock:
            started.append(n)
        if n == 3:
            raise ValueError('piece 3')
        return n

    outcomes = run_all(list(range(100)), do, parallel=1)
    assert started == [0, 1, 2, 3]
    assert isinstance(outcomes[3].error, ValueError) and not any(o.started for o in outcomes[4:])


def test_at_most_parallel_pieces_run_at_once():
    running, peak = [0], [0]
    lock = threading.Lock()
    gate = threading.Barrier(3, timeout=5)

    def do(n):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        if n < 3:
            gate.wait()  # the first three meet, so three really run at once
        with lock:
            running[0] -= 1

    run_all(list(range(30)), do, parallel=3)
    assert peak[0] == 3


def test_progress_is_reported_from_the_calling_thread_while_work_remains():
    """Piece 1 waits until a report has seen piece 0 done: that report comes from the calling thread, mid-run."""
    release = threading.Event()
    reports = []

    def progress(outcomes):
        done = sum(o.value is not None for o in outcomes)
        reports.append((threading.current_thread() is threading.main_thread(), done))
        if done:
            release.set()

    def do(n):
        if n == 1:
            assert release.wait(5)  # holds the work until a report has seen piece 0 done
        return n + 1

    outcomes = run_all([0, 1, 2], do, parallel=1, progress=progress, interval=0.01)
    assert (True, 1) in reports and all(main for main, _done in reports)
    assert [o.value for o in outcomes] == [1, 2, 3]


@pytest.mark.parametrize('progress', [None, lambda outcomes: None])
def test_the_calling_thread_waits_without_spinning(progress):
    """It used to join with a zero timeout in a loop once the first report was due: millions of wake-ups that
    took the CPU from the writers (and, on loopback, from the server)."""
    calls = [0]

    def clock():
        calls[0] += 1
        return time.monotonic()

    run_all([0.3, 0.3], time.sleep, parallel=1, progress=progress, interval=0.1, clock=clock)
    # About one wake-up per interval: 6 over 0.6 s, a few more for scheduling; a spin makes thousands.
    assert calls[0] < 40


def test_work_alongside_runs_while_the_block_runs_and_is_done_when_it_ends():
    started, release = threading.Event(), threading.Event()

    def work():
        started.set()
        # Waits for the block: done before the block ran, it would time out and say so.
        return 'read' if release.wait(timeout=10) else 'never released'

    with alongside(work) as outcome:
        assert started.wait(timeout=10)
        assert outcome.value is None  # still running
        release.set()
    assert (outcome.started, outcome.value, outcome.error) == (True, 'read', None)


def test_work_alongside_keeps_its_error_and_is_joined_when_the_block_raises():
    finished = []

    def work():
        time.sleep(0.05)
        finished.append(True)
        raise ValueError('the read failed')

    with pytest.raises(KeyError):
        with alongside(work) as outcome:
            raise KeyError('the converge failed')
    # The block's error went on only once the work had ended: nothing the work sends outlives the caller.
    assert finished == [True]
    assert isinstance(outcome.error, ValueError) and outcome.value is None
