# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_http.throttle: the shared gate of parallel requests, on a fake clock whose sleeps move it."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._http.pacing import Reservation
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.throttle import PausePastLimit, Throttle, Turn


class Clock:
    """Time that moves only by the sleeps asked of it, which are recorded."""

    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def gate(limit=4):
    clock = Clock()
    return Throttle(limit, clock=clock, sleep=clock.sleep), clock


def test_a_burst_of_429s_pauses_once_and_halves_the_limit_once():
    """Eight answers of one burst: one pause, one halving. The requests in flight were sent before anyone knew: their
    429s neither lengthen the pause nor lower anything again (issue 27: wait out Retry-After once for the pool)."""
    throttle, clock = gate(8)
    turns = [throttle.acquire() for _burst in range(8)]
    assert throttle.in_flight == 8
    clock.now += 0.5
    for turn in turns:
        throttle.release(turn, 429, 2.0)
        clock.now += 0.01  # the later 429s arrive later, each with its own Retry-After
    assert (throttle.limit, throttle.pauses, throttle.throttled, throttle.bucket.not_before) == (4, 1, 8, 102.5)
    # A 429 to a request sent after the pause has ended starts a new pause and halves again.
    clock.now = 103.0
    throttle.release(throttle.acquire(), 429, 1.0)
    assert (throttle.limit, throttle.pauses, throttle.lowest) == (2, 2, 2)


def test_acquire_waits_for_the_pause_to_end():
    throttle, clock = gate(2)
    throttle.release(throttle.acquire(), 429, 0.3)
    turn = throttle.acquire()
    assert clock.sleeps == [0.3] and turn.waited == pytest.approx(0.3) and clock.now >= throttle.bucket.not_before


def test_the_limit_grows_back_by_one_a_second_after_the_pause_whatever_the_successes():
    """Before, the limit grew back only after runs of successes as long as the limit: under a strict limiter, which
    lets few through, it stayed low. Now the clock raises it, one a second from the end of the pause."""
    throttle, clock = gate(4)
    throttle.release(throttle.acquire(), 429, 1.0)
    assert throttle.limit == 2
    limits = []
    for _second in range(4):
        clock.now += 1.0
        limits.append(throttle.limit)
    assert limits == [2, 3, 4, 4]


def test_a_full_gate_blocks_the_next_request_until_a_slot_is_free():
    throttle = Throttle(1)
    held = throttle.acquire()
    entered = threading.Event()
    worker = threading.Thread(target=lambda: (throttle.acquire(), entered.set()))
    worker.start()
    assert not entered.wait(0.1)
    throttle.release(held, 200)
    worker.join(5)
    assert entered.is_set()


def test_after_a_429_the_requests_leave_at_the_learnt_rate():
    """Fifty successes a second for 1.2 s before the 429: the requests then leave 1 / (0.95 x 50) s apart, and the
    rate grows back on the clock."""
    throttle, clock = gate(4)
    for _answer in range(60):
        turn = throttle.acquire()
        clock.now += 0.02
        throttle.release(turn, 200)
    throttle.release(throttle.acquire(), 429, 1.0)
    clock.sleeps.clear()
    for _request in range(3):
        throttle.release(throttle.acquire(), 200)
    assert clock.sleeps[0] == pytest.approx(1.0)  # the pause
    assert clock.sleeps[1:] == [pytest.approx(1 / 47.5, abs=1e-6)] * 2
    assert throttle.bucket.rate() == pytest.approx(47.5, rel=0.01)  # growing back already, slowly
    clock.now += 60
    assert throttle.bucket.rate() > 50  # past the refused rate a minute later


def test_summary():
    throttle, clock = gate(4)
    assert throttle.summary() is None
    throttle.release(throttle.acquire(), 429, 0)
    # Nothing went through before the 429: nothing learnt, so no pace to report.
    assert throttle.summary() == (
        'the service answered HTTP 429 (rate limited) 1 time: every request paused 1 time as Retry-After said, and the requests in flight went down to 2 of 4'
    )
    for _answer in range(20):
        turn = throttle.acquire()
        clock.now += 0.1
        throttle.release(turn, 200)
    throttle.release(throttle.acquire(), 429, 0)
    assert throttle.summary().endswith('went down to 1 of 4; paced at 9.5 requests/s learnt from them')


def test_a_pause_past_what_a_request_may_still_wait_is_refused_at_once():
    """A storm of 429s: a request that has sat out 2 s of its 3 s is not held for a 5 s pause, nor for a 2 s one; it
    fails without waiting, saying how long it waited and how long the pause was."""
    throttle, clock = gate(4)
    throttle.release(throttle.acquire(), 429, 5.0)
    with pytest.raises(PausePastLimit) as caught:
        throttle.acquire(max_pause=3.0)
    assert (caught.value.waited, caught.value.pause) == (0.0, 5.0) and throttle.in_flight == 0 and clock.now == 100.0
    clock.now = 103.0  # the pause has 2 s to run
    with pytest.raises(PausePastLimit):
        throttle.acquire(max_pause=1.0)
    # Without a pause the limit does not matter: a slot is taken at once, nothing waited.
    clock.now = 106.0
    assert throttle.acquire(max_pause=0.0).waited == 0.0 and throttle.in_flight == 1


def test_acquire_counts_the_time_spent_in_pauses():
    throttle, _clock = gate(2)
    throttle.release(throttle.acquire(), 429, 0.2)
    assert throttle.acquire(max_pause=5.0).waited == pytest.approx(0.2)


class Budget:
    """A RateBucket stand-in: a shared budget that another process paused, then turns 0.1 s apart."""

    def __init__(self):
        self.answers = []
        self.pause_left = 0.0

    def reserve(self):
        if self.pause_left:
            pause, self.pause_left = self.pause_left, 0.0
            return Reservation(pause, 0.0, 0.0)
        return Reservation(0.0, 0.1, 7.0)

    def paused(self):
        return 0.0

    def answered(self, at, status, pause):
        self.answers.append((at, status, pause))
        return False

    def describe(self):
        return 'paced by the budget'


def test_a_budget_gives_the_turns_and_the_pauses():
    """With a shared budget, its pauses (begun by another process) are waited out and counted, its turns paced, and the
    answers given back with the turn they were for."""
    clock = Clock()
    budget = Budget()
    budget.pause_left = 2.0
    throttle = Throttle(4, clock=clock, sleep=clock.sleep, bucket=budget)
    turn = throttle.acquire(max_pause=5.0)
    assert turn == Turn(2.0, 7.0) and clock.sleeps == [2.0, 0.1]
    throttle.release(turn, 429, 1.0)
    # Another process began the pause (answered() is False): no halving here, but the 429 is counted.
    assert budget.answers == [(7.0, 429, 1.0)] and throttle.limit == 4 and throttle.throttled == 1
