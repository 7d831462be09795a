# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_http.pacing: GCRA turns, the cubic, and the rate learnt from 429s, on a fake clock; then the learnt rate against a
simulated strict limiter (counts on simulated time, no real waiting)."""

from __future__ import annotations

import heapq
import math
import random

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._http.pacing import AdaptiveRate, cubic, gcra


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def test_gcra_lets_a_burst_leave_at_once_then_paces_at_the_rate():
    tat, leaves = 0.0, []
    for _request in range(5):
        tat, leave = gcra(tat, 100.0, 10.0, 3)
        leaves.append(round(leave, 6))
    assert leaves == [100.0, 100.0, 100.0, 100.1, 100.2]
    # After a quiet time the burst is back, never more than it.
    tat, leave = gcra(tat, 200.0, 10.0, 3)
    assert leave == 200.0 and tat == pytest.approx(200.1)


@pytest.mark.parametrize(
    'elapsed, expected',
    [(0.0, 95.0), (10.0, 99.64), (17.1, 100.0), (25.0, 100.49), (40.0, 112.0)],
)
def test_cubic_comes_back_to_the_refused_rate_slowly_then_grows_faster(elapsed, expected):
    """From 95 back to 100 in about 17 s (K = cbrt(5 / 0.001)), flat near 100, then faster and faster."""
    assert cubic(500.0 + elapsed, 95.0, 100.0, 500.0) == pytest.approx(expected, abs=0.1)


def test_unpaced_until_the_first_429():
    clock = Clock()
    rate = AdaptiveRate(clock)
    assert [rate.reserve().wait for _request in range(3)] == [0.0, 0.0, 0.0] and rate.rate() is None


@pytest.mark.parametrize(
    'successes, seconds, expected',
    [
        (200, 2.0, 95.0),  # two seconds at 100/s: a little under it
        (50, 0.5, 72.5),  # half a second: partly a burst; cut to 0.725 (0.5 at once, 0.95 after a second)
        (900, 9.0, 95.2),  # only the last 5 s count (501 successes)
    ],
)
def test_a_429_sets_the_rate_under_what_went_through(successes, seconds, expected):
    clock = Clock()
    rate = AdaptiveRate(clock)
    first = rate.reserve()
    for _success in range(successes):
        clock.now += seconds / successes
        rate.answered(first.at, 200, None)
    assert rate.answered(clock.now, 429, 1.0) is True
    assert rate.rate() == pytest.approx(expected, rel=0.001) and rate.paused() == 1.0
    clock.now += 1.0
    turns = [rate.reserve() for _request in range(3)]
    assert [round(turn.wait * rate.rate(), 2) for turn in turns] == [0.0, 1.0, 2.0]


def test_a_pause_is_begun_once_for_the_requests_already_sent():
    clock = Clock()
    rate = AdaptiveRate(clock)
    early = [rate.reserve() for _request in range(4)]
    for _success in range(100):
        clock.now += 0.02
        rate.answered(early[0].at, 200, None)
    assert rate.answered(early[0].at, 429, 1.0) is True
    learnt = rate.rate()
    clock.now += 2.0  # the pause is over; 429s to requests sent before it still arrive
    assert [rate.answered(turn.at, 429, 5.0) for turn in early[1:]] == [False, False, False]
    assert rate.rate() == pytest.approx(learnt, rel=0.01) and rate.paused() == 0.0


def test_a_429_before_anything_went_through_pauses_but_learns_nothing():
    """A storm from the first request: no rate is made up from nothing (the old throttle's behaviour, pauses only)."""
    clock = Clock()
    rate = AdaptiveRate(clock)
    assert rate.answered(rate.reserve().at, 429, 1.0) is True
    assert rate.rate() is None and rate.paused() == 1.0


class StrictLimiter:
    """A licence's token bucket: ``rate`` a second, ``burst`` at once; a refusal says Retry-After in whole seconds."""

    def __init__(self, rate, burst):
        self.rate, self.burst, self.tokens, self.at = rate, burst, burst, 0.0

    def take(self, now):
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 200, None
        return 429, max(1, math.ceil((1 - self.tokens) / self.rate))


def simulate(requests, rate, burst, workers=4, latency=(0.002, 0.006), seed=7, planning=0.0):
    """``requests`` writes by ``workers`` workers through one AdaptiveRate against a StrictLimiter, in simulated time:
    (share of the limiter's rate sustained, 429 answers). Each worker takes a turn, sleeps to it, re-checks the pause
    (as Throttle.acquire does), sends; the answer comes back after the latency. With ``planning``, one read goes
    first, then nothing for that many seconds (a converge reading its collection, then planning), then the writes."""
    clock = Clock(0.0)
    pacer = AdaptiveRate(clock)
    limiter = StrictLimiter(rate, burst)
    draw = random.Random(seed)
    if planning:
        read = pacer.reserve()
        limiter.take(0.002)
        pacer.answered(read.at, 200, None)
    events = [(planning, number, 'take', None) for number in range(workers)]
    order, todo, done, refused = workers, requests, 0, 0
    while done < requests:
        clock.now, _order, kind, data = heapq.heappop(events)
        order += 1
        if kind == 'take' and todo:
            turn = pacer.reserve()
            if turn.pause:
                heapq.heappush(events, (clock.now + turn.pause, order, 'take', None))
            else:
                todo -= 1
                heapq.heappush(events, (clock.now + turn.wait, order, 'send', turn.at))
        elif kind == 'send':
            if pacer.paused():
                todo += 1
                heapq.heappush(events, (clock.now + pacer.paused(), order, 'take', None))
                continue
            took = draw.uniform(*latency)
            status, retry_after = limiter.take(clock.now + took / 2)
            heapq.heappush(events, (clock.now + took, order, 'answer', (data, status, retry_after)))
        elif kind == 'answer':
            at, status, retry_after = data
            pacer.answered(at, status, retry_after)
            if status == 429:
                refused += 1
                todo += 1
            else:
                done += 1
            heapq.heappush(events, (clock.now, order, 'take', None))
    return requests / (clock.now * rate), refused


@pytest.mark.parametrize('rate, burst', [(100, 10), (35, 4), (100, 30)])
@pytest.mark.parametrize('seed', [1, 7])
def test_a_strict_limiter_is_held_at_90_percent_with_few_429s(rate, burst, seed):
    """10,000 writes against a limiter of ``rate``/s with a burst of ``burst``: at least 90% of its rate (issue 27; the
    throttle before it held 28%) and at most 1% of the requests answered 429; the first seconds, while the rate is
    found, cost most of the 10% (about 95% is held after them)."""
    share, refused = simulate(10000, rate, burst, seed=seed)
    assert share >= 0.9 and refused <= 100, (share, refused)


def test_time_spent_planning_is_not_taken_for_a_low_rate():
    """A read, 2 s of planning, then 10,000 writes: the first 429 comes after a few hundredths of a second of writing,
    and what went through is counted from the first write. Counted from the read, it read as a few requests a second
    and the task crept back to the rate for minutes (40% of it held over 10,000 writes)."""
    share, refused = simulate(10000, 100, 10, planning=2.0)
    assert share >= 0.88 and refused <= 100, (share, refused)
