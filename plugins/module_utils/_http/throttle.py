# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How many requests of one task are in flight, and when the next may leave. Internal to this collection; not a public API.

Parallel requests share one ``Throttle``: at most ``limit`` in flight, each leaving at its turn of a rate (pacing:
a rate learnt from 429 answers, or a budget shared by every process of the controller, _store.budget).  A 429
(RFC 6585 section 4) is the service's word for all of them, not for the one request that received it: every
request waits until its ``Retry-After`` has passed, once for the pool (the requests that were already in flight
when it began answer 429 too, and neither lengthen the pause nor lower the rate again), the rate falls to a little
under what the service let through, and the number of requests in flight is halved.  Both grow back on a clock,
the requests in flight by one a second and the rate along a curve (pacing), rather than after runs of successes:
under a strict limiter successes come slowly, and a throttle that waits for them stays far below the rate the
service allows (issue 27: 28% of it).  PingOne answers ``429 REQUEST_LIMITED`` with ``Retry-After`` and limits each
client IP to part of the licence's rate.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from ansible_collections.jwtauth.oidc.plugins.module_utils._http.pacing import AdaptiveRate

if TYPE_CHECKING:
    from typing import Protocol

    from ansible_collections.jwtauth.oidc.plugins.module_utils._http.pacing import Reservation

    class RateBucket(Protocol):
        """Where turns to leave come from: a task's AdaptiveRate, or a budget every process of the controller shares
        (_store.budget.RateBudget; a store such as Redis would serve the same four calls).  ``at`` is on the bucket's
        own clock."""

        # Bodies of docstrings, not "...": ruff puts "..." on the def's line, which the pycodestyle of ansible-core 2.16's
        # sanity refuses (E704).
        def reserve(self) -> Reservation:
            """A turn to leave, or the pause that runs."""

        def paused(self) -> float:
            """Seconds left of the running pause (0 when none)."""

        def answered(self, at: float, status: int | None, pause: float | None) -> bool:
            """The answer to a turn taken at ``at``: learn from a 429; True when it began a pause of ``pause`` seconds."""

        def describe(self) -> str | None:
            """The bucket in words, for the task's warning; None when there is nothing to say."""


# How often the number of requests in flight grows back by one after a pause, in seconds.
RECOVERY_INTERVAL = 1.0


class PausePastLimit(Exception):
    """A request's next pause would pass what it may still wait: ``waited`` seconds so far, the pause ``pause`` seconds long."""

    def __init__(self, waited: float, pause: float) -> None:
        super().__init__(f'paused {waited:.1f} s, the next pause {pause:.1f} s')
        self.waited = waited
        self.pause = pause


class Turn(NamedTuple):
    """What ``acquire`` gave a request: the seconds it spent in pauses, and its turn on the bucket's clock."""

    waited: float
    at: float


class Throttle:
    """A gate for the requests of one task: at most ``limit`` in flight, each at its turn of ``bucket``'s rate, none
    during a pause.  ``bucket`` is an AdaptiveRate of this task unless a shared budget is given."""

    def __init__(
        self,
        limit: int,
        clock: Callable[[], float] = time.monotonic,
        bucket: RateBucket | None = None,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.ceiling = max(1, limit)
        self.clock = clock
        self.sleep = sleep
        self.bucket: RateBucket = bucket if bucket is not None else AdaptiveRate(clock)
        self.in_flight = 0
        # The limit after the last pause, and when it began to grow back by one every RECOVERY_INTERVAL seconds.
        self.lowered = self.ceiling
        self.lowered_at = 0.0
        # What the task's result reports: 429 answers seen, pauses taken, the lowest limit reached.
        self.throttled = 0
        self.pauses = 0
        self.lowest = self.ceiling
        self._condition = threading.Condition()

    @property
    def limit(self) -> int:
        """The requests that may be in flight now: grown back by one a second since the last pause ended."""
        if self.lowered >= self.ceiling:
            return self.ceiling
        grown = int(max(0.0, self.clock() - self.lowered_at) // RECOVERY_INTERVAL)
        return min(self.ceiling, self.lowered + grown)

    def acquire(self, max_pause: float | None = None) -> Turn:
        """Wait for the end of any pause, a free slot and the request's turn, then take the slot.

        ``max_pause`` is how long the caller may still sit out pauses: a pause that would end later is not waited
        for (PausePastLimit), so that a storm of 429s cannot hold a request for parallel x retries pauses.  Waiting
        for a slot or a turn while no pause runs is not counted: the other requests are being answered.
        """
        waited = 0.0
        while True:
            self._take_slot()
            try:
                turn = self.bucket.reserve()
                pause = turn.pause
                if pause <= 0 and turn.wait > 0:
                    self.sleep(turn.wait)
                    # A pause that began while this request waited for its turn is waited out too.
                    pause = self.bucket.paused()
            except BaseException:
                self._give_slot()
                raise
            if pause <= 0:
                return Turn(waited, turn.at)
            self._give_slot()
            if max_pause is not None and waited + pause > max_pause:
                raise PausePastLimit(waited, pause)
            self.sleep(pause)
            waited += pause

    def _take_slot(self) -> None:
        with self._condition:
            if self.lowered < self.ceiling and self.limit >= self.ceiling:
                self.lowered = self.ceiling  # grown back whole: no more waking on the clock
            while self.in_flight >= self.limit:
                # Woken by a release; or, when the limit grows back on the clock, after the interval.
                self._condition.wait(timeout=RECOVERY_INTERVAL if self.lowered < self.ceiling else None)
            self.in_flight += 1

    def _give_slot(self) -> None:
        with self._condition:
            self.in_flight -= 1
            self._condition.notify()

    def release(self, turn: Turn, status: int | None = None, pause: float | None = None) -> None:
        """Give the slot back, with the answer's status; after a 429, pause every request for ``pause`` seconds."""
        began = self.bucket.answered(turn.at, status, pause if status == 429 else None)
        with self._condition:
            self.in_flight -= 1
            if status == 429:
                self.throttled += 1
                if began:
                    self.pauses += 1
                    self.lowered = max(1, self.limit // 2)
                    self.lowered_at = self.clock() + max(0.0, pause or 0.0)
                    self.lowest = min(self.lowest, self.lowered)
            self._condition.notify_all()

    def summary(self) -> str | None:
        """A warning text when the service throttled the task, else None."""
        if not self.throttled:
            return None
        paced = self.bucket.describe()
        return (
            f'the service answered HTTP 429 (rate limited) {self.throttled} time{"" if self.throttled == 1 else "s"}: every request paused '
            f'{self.pauses} time{"" if self.pauses == 1 else "s"} as Retry-After said, and the requests in flight went down to {self.lowest} of '
            f'{self.ceiling}{"; " + paced if paced else ""}'
        )
