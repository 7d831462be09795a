# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The throttle before issue 27, kept for bench/rate_budget.py to run beside today's in one run.

Its Throttle class as it was (plugins/module_utils/_http/throttle.py at 44b5b20): at most ``limit`` requests in flight,
every one paused for a 429's Retry-After (each later 429 pushing the pause on), the limit halved once a pause and
raised by one after each run of successes as long as the limit; no pacing. ``LegacyThrottle`` adapts it to today's
calls (acquire gives a Turn, release takes it back).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ansible_collections.jwtauth.oidc.plugins.module_utils._http.throttle import PausePastLimit, Turn


class OldThrottle:
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


class LegacyThrottle(OldThrottle):
    """OldThrottle behind today's Throttle calls; the rate bucket (a budget) is ignored, as it did not exist."""

    def __init__(self, limit, clock=time.monotonic, bucket=None, sleep=None):  # pylint: disable=unused-argument
        super().__init__(limit, clock)

    def acquire(self, max_pause=None):
        return Turn(super().acquire(max_pause), 0.0)

    def release(self, turn, status=None, pause=None):  # pylint: disable=arguments-differ,arguments-renamed
        super().release(status, pause)

    def summary(self):
        return None
