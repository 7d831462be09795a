# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_store.budget: one rate budget in a file, shared by the processes that name it; on a fake clock, then across real processes."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import stat

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import StoreError
from ansible_collections.jwtauth.oidc.plugins.module_utils._store.budget import RateBudget, budget_file, budget_for


class Clock:
    def __init__(self):
        self.now = 1_700_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


def budget(tmp_path, clock, name='licence', rate=10.0, burst=1):
    return RateBudget(name, rate, burst, directory=str(tmp_path / 'store'), clock=clock)


def test_two_processes_naming_one_budget_take_turns_from_it(tmp_path, clock):
    """Two budgets on one file (two processes): their turns interleave at the one rate, 0.1 s apart at 10/s."""
    first, second = budget(tmp_path, clock), budget(tmp_path, clock)
    waits = [round(gate.reserve().wait, 6) for gate in (first, second, first, second)]
    assert waits == [0.0, 0.1, 0.2, 0.3]
    # Another name is another budget, at once.
    assert budget(tmp_path, clock, name='other').reserve().wait == 0.0


def test_a_burst_leaves_at_once_after_a_quiet_time(tmp_path, clock):
    gate = budget(tmp_path, clock, burst=3)
    assert [round(gate.reserve().wait, 6) for _request in range(4)] == [0.0, 0.0, 0.0, 0.1]
    clock.now += 60
    assert [round(gate.reserve().wait, 6) for _request in range(4)] == [0.0, 0.0, 0.0, 0.1]


def test_a_429_in_one_process_lowers_the_rate_and_pauses_every_process_once(tmp_path, clock):
    first, second = budget(tmp_path, clock), budget(tmp_path, clock)
    early = [first.reserve(), second.reserve()]
    clock.now += 0.5
    assert second.answered(early[1].at, 429, 2.0) is True
    # The other process learns it at its next turn: the pause, then the lowered rate.
    assert first.paused() == 2.0 and first.reserve().pause == 2.0
    # A 429 to a request sent before the pause began is the same refusal: neither a second pause nor a second cut.
    clock.now += 2.5
    assert first.answered(early[0].at, 429, 5.0) is False and first.paused() == 0.0
    turns = [first.reserve(), second.reserve()]
    assert turns[1].at - turns[0].at == pytest.approx(1 / 9.0, rel=0.01)  # 0.9 x 10 a second, growing back slowly
    assert 'learnt down to 9.' in first.describe()
    # It grows back to the configured rate, never past it.
    clock.now += 600
    assert first.describe() == "paced by the rate budget 'licence' (rate_limit_name / JWTAUTH_OIDC_RATE_LIMIT_NAME) at 10 requests/s"


def test_successes_and_other_statuses_do_not_touch_the_file(tmp_path, clock):
    gate = budget(tmp_path, clock)
    turn = gate.reserve()
    path = os.path.join(str(tmp_path / 'store'), budget_file('licence'))
    written = os.stat(path).st_mtime_ns, open(path, 'rb').read()
    for status in (200, 201, 404, 500, None):
        assert gate.answered(turn.at, status, None) is False
    assert (os.stat(path).st_mtime_ns, open(path, 'rb').read()) == written


def test_the_file_is_private_holds_no_name_and_starts_again_when_damaged(tmp_path, clock):
    gate = budget(tmp_path, clock, name='secretive licence name')
    gate.reserve()
    directory = str(tmp_path / 'store')
    path = os.path.join(directory, budget_file('secretive licence name'))
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700 and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert b'secretive' not in open(path, 'rb').read() and 'secretive' not in os.path.basename(path)
    gate.close()
    with open(path, 'w') as handle:
        handle.write('{"v": 1, "tat": ')  # a write a crash cut short
    assert budget(tmp_path, clock, name='secretive licence name').reserve().wait == 0.0


def test_a_planted_link_is_refused(tmp_path, clock):
    directory = tmp_path / 'store'
    directory.mkdir(mode=0o700)
    target = tmp_path / 'elsewhere'
    target.write_text('')
    os.symlink(target, directory / budget_file('licence'))
    with pytest.raises(StoreError, match='symbolic link'):
        budget(tmp_path, clock).reserve()
    assert target.read_text() == ''


def test_a_file_others_can_read_is_made_private(tmp_path, clock):
    directory = tmp_path / 'store'
    directory.mkdir(mode=0o700)
    path = directory / budget_file('licence')
    path.write_text('')
    os.chmod(path, 0o644)
    budget(tmp_path, clock).reserve()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_lock_held_too_long_fails_naming_the_option(tmp_path, clock):
    gate = RateBudget('licence', 10, directory=str(tmp_path / 'store'), lock_timeout=0.1, clock=clock)
    gate.reserve()
    fd = os.open(os.path.join(str(tmp_path / 'store'), budget_file('licence')), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another process, stopped while it held the lock
        with pytest.raises(StoreError, match='token_store_lock_timeout'):
            gate.reserve()
    finally:
        os.close(fd)


def test_budget_for_reads_the_options(tmp_path):
    assert budget_for(options_of({})) is None
    made = budget_for(options_of({'rate_limit': 30.5, 'token_store_path': str(tmp_path)}))
    assert (made.name, made.rate, made.burst, made.files.directory) == ('default', 30.5, 1, str(tmp_path))


def _turns(directory, count, queue):
    gate = RateBudget('shared', 200.0, directory=directory)
    queue.put([gate.reserve().at for _turn in range(count)])


def test_real_processes_never_share_a_turn(tmp_path):
    """Four processes take 50 turns each at 200/s from one file: 200 distinct turns, 5 ms apart, as one process would get."""
    context = multiprocessing.get_context('fork')
    queue = context.Queue()
    workers = [context.Process(target=_turns, args=(str(tmp_path / 'store'), 50, queue)) for _worker in range(4)]
    for worker in workers:
        worker.start()
    turns = sorted(at for _worker in workers for at in queue.get(timeout=60))
    for worker in workers:
        worker.join(60)
    gaps = [later - earlier for earlier, later in zip(turns, turns[1:])]
    assert len(turns) == 200 and min(gaps) >= 0.005 - 1e-6
