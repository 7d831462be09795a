# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_throttle: the shared gate of parallel writes, on a fake clock."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._http.throttle import PausePastLimit, Throttle


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_a_burst_of_429s_halves_the_limit_once_and_pauses_everyone():
    clock = Clock()
    gate = Throttle(8, clock=clock)
    for _burst in range(8):
        gate.acquire()
    assert gate.in_flight == 8
    # Eight answers of one burst: one pause, one halving (the others were in flight before anyone knew).
    for _burst in range(8):
        gate.release(429, 2.0)
    assert (gate.limit, gate.pauses, gate.throttled, gate.not_before) == (4, 1, 8, 102.0)
    # A 429 after the pause has ended starts a new one and halves again.
    clock.now = 103.0
    gate.acquire()
    gate.release(429, 1.0)
    assert (gate.limit, gate.pauses, gate.lowest) == (2, 2, 2)


def test_acquire_waits_for_the_pause_to_end():
    gate = Throttle(2)
    gate.acquire()
    gate.release(429, 0.3)
    entered = threading.Event()
    worker = threading.Thread(target=lambda: (gate.acquire(), entered.set()))
    worker.start()
    # Not a timing assertion: acquire must not return before not_before, whatever the scheduler does.
    assert not entered.wait(0.05) or gate.clock() >= gate.not_before
    worker.join(5)
    assert entered.is_set() and gate.clock() >= gate.not_before


def test_successes_raise_the_limit_back_one_by_one_to_the_ceiling():
    clock = Clock()
    gate = Throttle(4, clock=clock)
    gate.acquire()
    gate.release(429, 0)
    assert gate.limit == 2
    clock.now += 1
    limits = []
    for _success in range(12):
        gate.acquire()
        gate.release(201)
        limits.append(gate.limit)
    assert limits == [2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4]


def test_a_full_gate_blocks_the_next_request_until_a_slot_is_free():
    gate = Throttle(1)
    gate.acquire()
    entered = threading.Event()
    worker = threading.Thread(target=lambda: (gate.acquire(), entered.set()))
    worker.start()
    assert not entered.wait(0.1)
    gate.release(200)
    worker.join(5)
    assert entered.is_set()


def test_summary():
    gate = Throttle(4)
    assert gate.summary() is None
    gate.acquire()
    gate.release(429, 0)
    assert gate.summary() == (
        'the service answered HTTP 429 (rate limited) 1 time: every request paused 1 time as Retry-After said, and the requests in flight went down to 2 of 4'
    )


def test_a_pause_past_what_a_request_may_still_wait_is_refused_at_once():
    """A storm of 429s: a request that has sat out 2 s of its 3 s is not held for a 5 s pause, nor for a 2 s one; it
    fails without waiting, saying how long it waited and how long the pause was."""
    clock = Clock()
    gate = Throttle(4, clock=clock)
    gate.acquire()
    gate.release(429, 5.0)
    with pytest.raises(PausePastLimit) as caught:
        gate.acquire(max_pause=3.0)
    assert (caught.value.waited, caught.value.pause) == (0.0, 5.0) and gate.in_flight == 0 and clock.now == 100.0
    clock.now = 103.0  # the pause has 2 s to run
    with pytest.raises(PausePastLimit):
        gate.acquire(max_pause=1.0)
    # Without a pause the limit does not matter: a slot is taken at once, nothing waited.
    clock.now = 106.0
    assert gate.acquire(max_pause=0.0) == 0.0 and gate.in_flight == 1


def test_acquire_counts_the_time_spent_in_pauses():
    gate = Throttle(2)
    gate.acquire()
    gate.release(429, 0.2)
    waited = gate.acquire(max_pause=5.0)
    # The real pause, measured by the gate's clock: at most the 0.2 s of the pause (the scheduler's delay is not counted).
    assert 0.0 < waited <= 0.2
