# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How fast requests may leave: a rate, paced, and learnt from 429 answers. Internal to this collection; not a public API.

A rate is kept by GCRA (the generic cell rate algorithm of ITU-T I.371 in its virtual scheduling form, the token
bucket as one number): the theoretical arrival time ``tat`` says when the next request may leave, each request
moves it on by ``1 / rate``, and up to ``burst`` requests may leave at once.  A reservation is a time to leave,
never a refusal: the caller sleeps until then holding no lock, so the threads of a task, or the processes that share
a budget in a file (_store.budget), take their turns.

A rate that is not configured is learnt (``AdaptiveRate``).  PingOne answers ``429 REQUEST_LIMITED`` with a
Retry-After in whole seconds, and every request of the task sits that pause out (RFC 6585 section 4 and RFC 9110
section 10.2.3: wait before making a new request), so a pause costs a second of the whole rate.  The rate is
therefore learnt so as to need few pauses: when one begins, the rate falls to a little under what the service let
through (the successes of the last seconds), and it grows back on a clock along a cubic curve (CUBIC, RFC 9438
section 4), slowly near the rate that was refused and faster away from it, so the next pause comes tens of seconds
later (bench/rate_budget.py: 92-95% of a strict limiter's rate, 0.1-0.2% of the requests answered 429).
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

# The share of the rate the service let through that is kept after a pause (RFC 9438 section 4.6 uses 0.7 for
# congestion; a rate limiter is steadier than a network path, so less is given up).
DECREASE = 0.95
# When the service refused after less than a second of sending, what went through was partly a burst allowance
# used up, not the rate: the rate is cut more, down to half (as TCP and AWS's adaptive retry mode cut) for a
# refusal at once, DECREASE after MIN_SURE seconds, in proportion between.
UNSURE_DECREASE = 0.5
MIN_SURE = 1.0
# The cubic's constant, per unit of the refused rate: 100 requests/s come back to 100 after about 17 s.
GROWTH = 1e-5
# How many seconds of successes tell the rate the service lets through.
WINDOW = 5.0
# No rate is learnt below this (requests per second): a pause and the task's bounded waits deal with the rest.
MIN_RATE = 0.5
# A task that asked for no turn for this long (or two turns' time at its rate) was not sending (it read a collection
# and planned 10,000 writes, say): what went through is counted from when it sends again, or the idle time would
# pass for a low rate (issue 27: a first 429 after 2 s of planning read as 5 requests/s where 100 went through).
IDLE = 1.0


class Reservation(NamedTuple):
    """What ``reserve`` gave: a running pause's seconds left (nothing reserved then), or the seconds to wait before
    leaving and the time (on the bucket's clock) of the reserved turn, which ``answered`` is given back."""

    pause: float
    wait: float
    at: float


def gcra(tat: float, now: float, rate: float, burst: int) -> tuple[float, float]:
    """A turn to leave at ``rate`` requests per second, ``burst`` at once: (the new tat, the time to leave)."""
    interval = 1.0 / rate
    leave = max(now, tat - (max(1, burst) - 1) * interval)
    return max(tat, leave) + interval, leave


def cubic(now: float, floor: float, refused: float, since: float, growth: float = GROWTH) -> float:
    """The rate ``now`` after a pause that ended at ``since``: from ``floor`` back to the ``refused`` rate along a
    cubic (RFC 9438 section 4.2, W_cubic(t) = C * (t - K)^3 + W_max), then beyond it, faster and faster."""
    refused = max(refused, floor)
    constant = growth * refused
    plateau = ((refused - floor) / constant) ** (1.0 / 3.0)
    return max(floor, refused + constant * (max(0.0, now - since) - plateau) ** 3)


class AdaptiveRate:
    """The rate of one task, learnt from its 429 answers: unpaced until the first, then paced (see the module).

    Thread-safe.  ``clock`` is the task's monotonic clock (a test's fake one).
    """

    burst = 1

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        # Paced at None (not at all) until the service first refuses; then floor, refused and since shape the curve.
        self.floor: float | None = None
        self.refused = 0.0
        self.since = 0.0
        self.tat = 0.0
        self.not_before = 0.0
        self.began: float | None = None  # the last pause's start: a 429 of a turn taken before it is already counted
        self.sending_since: float | None = None
        self.last_turn: float | None = None
        self.successes: collections.deque[float] = collections.deque()

    def rate(self, now: float | None = None) -> float | None:
        """Requests per second now, or None while unpaced."""
        if self.floor is None:
            return None
        return cubic(self.clock() if now is None else now, self.floor, self.refused, self.since)

    def paused(self) -> float:
        """Seconds left of the running pause (0 when none)."""
        return max(0.0, self.not_before - self.clock())

    def reserve(self) -> Reservation:
        """A turn to leave, or the pause that runs."""
        with self._lock:
            now = self.clock()
            if now < self.not_before:
                return Reservation(self.not_before - now, 0.0, now)
            rate = self.rate(now)
            idle = max(IDLE, 2.0 / rate) if rate else IDLE
            if self.sending_since is None or (self.last_turn is not None and now - self.last_turn > idle):
                self.sending_since = now
            self.last_turn = now
            if rate is None:
                return Reservation(0.0, 0.0, now)
            self.tat, leave = gcra(self.tat, now, rate, self.burst)
            return Reservation(0.0, leave - now, leave)

    def answered(self, at: float, status: int | None, pause: float | None) -> bool:
        """The answer to a turn taken at ``at``: learn from a 429; True when it began a pause of ``pause`` seconds."""
        with self._lock:
            now = self.clock()
            if status != 429:
                if status is not None and status < 500:
                    self.successes.append(now)
                    while self.successes[0] < now - WINDOW:
                        self.successes.popleft()
                return False
            if now < self.not_before or (self.began is not None and at < self.began):
                # Sent before the service's word was known: the pause that word began covers it (once for the pool).
                return False
            self._learn(now)
            self.began = now
            self.not_before = now + max(0.0, pause or 0.0)
            # The first turn after the pause is at its end; the curve grows from there.
            self.tat = self.since = self.sending_since = self.last_turn = self.not_before
            self.successes.clear()
            return True

    def _learn(self, now: float) -> None:
        """Lower the rate to a little under what the service let through before this refusal."""
        sending = now - (self.sending_since if self.sending_since is not None else now)
        window = min(max(sending, 1e-3), WINDOW)
        let_through = sum(1 for success in self.successes if success >= now - window) / window
        if not let_through:
            return  # refused before anything went through: nothing learnt but the pause
        rate = self.rate(now)
        top = let_through if rate is None else min(rate, let_through)
        self.refused = top
        sure = min(1.0, sending / MIN_SURE)
        self.floor = max(MIN_RATE, top * (UNSURE_DECREASE + (DECREASE - UNSURE_DECREASE) * sure))

    def describe(self) -> str | None:
        """The learnt rate in words, for the task's warning; None while unpaced."""
        rate = self.rate()
        return None if rate is None else f'paced at {rate:.1f} requests/s learnt from them'
