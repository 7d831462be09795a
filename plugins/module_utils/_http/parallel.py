# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Work done several pieces at once, with progress: a converge's writes, its filter reads. Internal to this collection; not a public API.

Each piece is done by one worker from start to end. For writes a piece is one object's action (a create
refused as not unique and adopted as an update stays with its worker), so an object's own writes keep their
order; collections that name each other (users before the groups that list them) are separate tasks, one
after the other.  After the first failure no new piece starts; those in flight finish and are reported, so
a failed converge names every object that was written.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

# How often a long converge says how far it is, in seconds.
PROGRESS_INTERVAL = 10.0

Work = TypeVar('Work')


class Outcome:
    """What became of one piece of work: its ``value``, or the ``error`` it raised; neither when it never started."""

    __slots__ = ('error', 'started', 'value')

    def __init__(self) -> None:
        self.started = False
        self.value: Any = None
        self.error: BaseException | None = None


def run_all(
    work: Sequence[Work],
    do: Callable[[Work], Any],
    parallel: int = 1,
    progress: Callable[[list[Outcome]], None] | None = None,
    interval: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> list[Outcome]:
    """``do`` each piece of ``work``, at most ``parallel`` at once, in order of start; one Outcome per piece, in order.

    After the first error no new piece starts.  ``progress(outcomes)`` is called from the calling thread
    (where Ansible's display may be used) every ``interval`` seconds (PROGRESS_INTERVAL) while work remains.
    """
    interval = PROGRESS_INTERVAL if interval is None else interval
    outcomes = [Outcome() for _piece in work]
    lock = threading.Lock()
    state = {'next': 0, 'failed': False}

    def take() -> int | None:
        with lock:
            if state['failed'] or state['next'] >= len(work):
                return None
            index = state['next']
            state['next'] += 1
            outcomes[index].started = True
            return index

    def worker() -> None:
        while True:
            index = take()
            if index is None:
                return
            try:
                outcomes[index].value = do(work[index])
            except BaseException as exc:  # pylint: disable=broad-exception-caught
                # Anything, a bug included: the calling thread re-raises it; this thread must not die silently.
                outcomes[index].error = exc
                with lock:
                    state['failed'] = True

    threads = [threading.Thread(target=worker, name=f'jwtauth-write-{number}', daemon=True) for number in range(min(max(1, parallel), len(work)))]
    for thread in threads:
        thread.start()
    next_report = clock() + interval
    for thread in threads:
        if progress is None:
            thread.join()
            continue
        while thread.is_alive():
            # Wakes at the next report or when the thread ends, never in a loop of zero timeouts.
            thread.join(timeout=max(0.01, next_report - clock()))
            if clock() >= next_report:
                progress(outcomes)
                next_report = clock() + interval
    return outcomes


@contextmanager
def alongside(do: Callable[[], Any]) -> Iterator[Outcome]:
    """``do()`` in a thread of its own while the block runs (reads that need not wait for it); its Outcome is complete
    once the block is left: the thread is joined whatever the block raised, so nothing it sends outlives the caller."""
    outcome = Outcome()

    def worker() -> None:
        try:
            outcome.value = do()
        except BaseException as exc:  # pylint: disable=broad-exception-caught
            outcome.error = exc  # the caller decides what it means

    thread = threading.Thread(target=worker, name='jwtauth-alongside', daemon=True)
    outcome.started = True
    thread.start()
    try:
        yield outcome
    finally:
        thread.join()
