# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How many requests of one task are in flight, and when the next may leave. Internal to this collection; not a public API.

Parallel writes share one ``Throttle``.  A 429 (RFC 6585 section 4) is the service's
word for all of them, not for the one request that received it: every worker waits
until its ``Retry-After`` has passed, and the number of requests in flight is halved
(at most once a pause: the requests already in flight when it began answer 429 too).
Each run of successes as long as the current limit raises it by one again, up to the
limit the task asked for: additive increase, multiplicative decrease, as TCP does and
as AWS's adaptive retry mode does for throttled API calls.  PingOne answers
``429 REQUEST_LIMITED`` with ``Retry-After`` and limits each client IP to part of the
licence's rate, so a job that keeps its full concurrency through a storm only
collects more 429s.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class PausePastLimit(Exception):
    """A request's next pause would pass what it may still wait: ``waited`` seconds so far, the pause ``pause`` seconds long."""

    def __init__(self, waited: float, pause: float) -> None:
        super().__init__(f'paused {waited:.1f} s, the next pause {pause:.1f} s')
        self.waited = waited
        self.pause = pause


class Throttle:
    """A gate for the requests of one task: at most ``limit`` in flight, none before a shared pause ends."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.ceiling = max(1, limit)
        self.limit = self.ceiling
        self.clock = clock
        self.in_flight = 0
        self.not_before = 0.0
        self.successes = 0
        # What the task's result reports: 429 answers seen, pauses taken, the lowest limit reached.
        self.throttled = 0
        self.pauses = 0
        self.lowest = self.ceiling
        self._condition = threading.Condition()

    def acquire(self, max_pause: float | None = None) -> float:
        """Wait for a free slot and for the end of any pause, then take the slot; return the seconds spent in pauses.

        ``max_pause`` is how long the caller may still sit out pauses: a pause that would end later is not waited
        for (PausePastLimit), so that a storm of 429s cannot hold a request for parallel x retries pauses.  Waiting
        for a slot while no pause runs is not counted: the other requests are being answered.
        """
        waited = 0.0
        with self._condition:
            while True:
                now = self.clock()
                pause = self.not_before - now
                if pause <= 0 and self.in_flight < self.limit:
                    self.in_flight += 1
                    return waited
                if pause > 0 and max_pause is not None and waited + pause > max_pause:
                    raise PausePastLimit(waited, pause)
                self._condition.wait(timeout=pause if pause > 0 else None)
                if pause > 0:
                    waited += min(max(self.clock() - now, 0.0), pause)

    def release(self, status: int | None = None, pause: float | None = None) -> None:
        """Give the slot back, with the answer's status; after a 429, pause every request for ``pause`` seconds."""
        with self._condition:
            self.in_flight -= 1
            if status == 429:
                self.throttled += 1
                now = self.clock()
                if now >= self.not_before:
                    # The first 429 of a pause: the ones still in flight were sent before anyone knew.
                    self.pauses += 1
                    self.limit = max(1, self.limit // 2)
                    self.lowest = min(self.lowest, self.limit)
                    self.successes = 0
                self.not_before = max(self.not_before, now + max(0.0, pause or 0.0))
            elif status is not None and status < 500:
                self.successes += 1
                if self.limit < self.ceiling and self.successes >= self.limit:
                    self.limit += 1
                    self.successes = 0
            self._condition.notify_all()

    def summary(self) -> str | None:
        """A warning text when the service throttled the task, else None."""
        if not self.throttled:
            return None
        return (
            f'the service answered HTTP 429 (rate limited) {self.throttled} time{"" if self.throttled == 1 else "s"}: every request paused '
            f'{self.pauses} time{"" if self.pauses == 1 else "s"} as Retry-After said, and the requests in flight went down to {self.lowest} of '
            f'{self.ceiling}'
        )
