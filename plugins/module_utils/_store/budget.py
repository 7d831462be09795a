# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The controller's rate budget: one token bucket that every task and process of this user shares. Internal to this
collection; not a public API.

PingOne limits the rate of a whole licence, whoever sends (each client IP to about a third of it).  Two plays, or
two AWX jobs on one node, that each learnt the rate on their own would each find it by going over it, and together
stay over it.  A budget named by ``rate_limit_name`` is one small file beside the tokens: the GCRA state of
_http.pacing (when the next request may leave) at ``rate_limit`` requests per second, ``rate_limit_burst`` at once,
and what 429 answers taught (a lower rate growing back to the configured one, and the pause every process sits
out).  Every request of every process takes its turn from it under the file's lock, so a 429 that one process
receives lowers the rate and pauses the others at their next request.

The file is as safe as the token store's files (_store.files, whose directory checks it reuses): it lives in the
store's directory (a real directory of this user, 0700), is opened relative to it with O_NOFOLLOW, is a regular
file of this user with mode 0600, and is read and written under an exclusive flock held for microseconds, waited
for at most token_store_lock_timeout seconds.  It holds no secret: times and rates, under a file name hashed from
the budget's name.  Times are the wall clock (time.time), the one clock every process reads alike.

Past one controller, the same four calls (reserve, paused, answered, describe) could be served by a shared store
such as Redis, which AWX already runs (docs/docsite/rst/rate_limits.rst).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import StoreError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.pacing import MIN_RATE, Reservation, cubic, gcra
from ansible_collections.jwtauth.oidc.plugins.module_utils._store.files import LOCK_TIMEOUT, TokenStore

if TYPE_CHECKING:
    from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options

BUDGET_SUFFIX = '.budget'
FORMAT_VERSION = 1
# What a 429 leaves of the budget's rate: the configured rate was the licence's, so a refusal means others use it
# too (another controller, an application); the rate grows back to the configured one along _http.pacing's cubic.
DECREASE = 0.9
# A turn or a pause further ahead than this is a clock that was set back, not a queue: started again.
MAX_AHEAD = 3600.0
MAX_STATE_BYTES = 4096
_NOFOLLOW = getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)
NAME_OPTION = 'rate_limit_name / JWTAUTH_OIDC_RATE_LIMIT_NAME'


def budget_file(name: str) -> str:
    """The file name of a budget: a hash of its name (never shown in a file name as it is)."""
    return hashlib.sha256(b'jwtauth.oidc rate budget\0' + name.encode('utf-8')).hexdigest() + BUDGET_SUFFIX


def budget_for(options: Options) -> RateBudget | None:
    """The rate budget the options configure (rate_limit), or None: the task then learns its rate alone."""
    if not options.rate_limit:
        return None
    return RateBudget(
        options.rate_limit_name,
        options.rate_limit,
        options.rate_limit_burst,
        directory=options.token_store_path,
        lock_timeout=options.token_store_lock_timeout,
    )


class _BudgetDirectory(TokenStore):
    """The token store's directory, opened and checked as the store does, for a budget's file."""

    def open_file(self, name: str) -> int:
        """A descriptor of the budget file ``name`` (made 0600 if missing), checked: a regular file of this user."""
        with self._directory() as dir_fd:
            try:
                fd = os.open(name, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600, dir_fd=dir_fd)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise self._refuse(f'{name} is a symbolic link, which the store never writes') from exc
                raise self._error('open the rate budget file', exc) from exc
        try:
            found = os.fstat(fd)
            if not stat.S_ISREG(found.st_mode):
                raise self._refuse(f'{name} is not a regular file')
            if found.st_uid != os.geteuid():
                raise self._refuse(f'{name} is owned by uid {found.st_uid}, not by the user running Ansible (uid {os.geteuid()})')
            if stat.S_IMODE(found.st_mode) & 0o077:
                os.fchmod(fd, 0o600)
        except OSError as exc:
            os.close(fd)
            raise self._error('make the rate budget file private (0600)', exc) from exc
        except BaseException:
            os.close(fd)
            raise
        return fd

    def failure(self, doing: str, exc: OSError) -> StoreError:
        """The StoreError of a file system failure, naming the store and its option."""
        return self._error(doing, exc)

    @contextlib.contextmanager
    def locked(self, fd: int, label: str) -> Iterator[None]:
        """Hold the budget file's exclusive lock (waiting at most lock_timeout, as for a token)."""
        self._acquire(fd, label)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


class RateBudget:
    """A named rate budget shared through a file by every process of this user (see the module).

    Thread-safe; the file is opened at the first request and kept open for the client's life.
    """

    def __init__(
        self,
        name: str,
        rate: float,
        burst: int = 1,
        directory: str | None = None,
        lock_timeout: float | None = LOCK_TIMEOUT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self.rate = float(rate)
        self.burst = max(1, int(burst))
        self.clock = clock
        self.files = _BudgetDirectory(directory, lock_timeout=lock_timeout)
        self.file_name = budget_file(name)
        self._fd: int | None = None
        self._lock = threading.Lock()
        self.label = f'the rate budget {name!r}'

    def close(self) -> None:
        """Close the file (the next request opens it again)."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            if self._fd is not None:
                os.close(self._fd)

    @contextlib.contextmanager
    def _state(self) -> Iterator[dict[str, Any]]:
        """The budget's state under the file's lock; what the caller changes in it is written back."""
        with self._lock:
            if self._fd is None:
                self._fd = self.files.open_file(self.file_name)
            fd = self._fd
            with self.files.locked(fd, self.label):
                state = self._read(fd)
                before = dict(state)
                yield state
                if state != before:
                    self._write(fd, state)

    def _read(self, fd: int) -> dict[str, Any]:
        try:
            data = os.pread(fd, MAX_STATE_BYTES + 1, 0)
        except OSError as exc:
            raise self.files.failure(f'read {self.label}', exc) from exc
        try:
            state = json.loads(data.decode('utf-8')) if data and len(data) <= MAX_STATE_BYTES else {}
        except ValueError:
            state = {}  # a write that a crash cut short: the budget starts again
        if not isinstance(state, dict) or state.get('v') != FORMAT_VERSION:
            return {'v': FORMAT_VERSION}
        numbers = {key: value for key, value in state.items() if isinstance(value, (int, float)) and not isinstance(value, bool)}
        return dict(numbers, v=FORMAT_VERSION)

    def _write(self, fd: int, state: dict[str, Any]) -> None:
        data = json.dumps(state, sort_keys=True, separators=(',', ':')).encode('ascii')
        try:
            os.pwrite(fd, data, 0)
            os.ftruncate(fd, len(data))
        except OSError as exc:
            raise self.files.failure(f'write {self.label}', exc) from exc

    def _rate(self, state: dict[str, Any], now: float) -> float:
        """The rate now: the configured one, or less while it grows back after a 429."""
        if 'floor' not in state:
            return self.rate
        return min(self.rate, cubic(now, state['floor'], state.get('refused', state['floor']), state.get('since', now)))

    @staticmethod
    def _sane(state: dict[str, Any], now: float) -> None:
        for key in ('tat', 'not_before', 'began', 'since'):
            if state.get(key, 0.0) > now + MAX_AHEAD:
                state.pop(key)

    def reserve(self) -> Reservation:
        """A turn to leave, or the pause that runs (see _http.throttle.RateBucket)."""
        with self._state() as state:
            now = self.clock()
            self._sane(state, now)
            not_before = state.get('not_before', 0.0)
            if now < not_before:
                return Reservation(not_before - now, 0.0, now)
            state['tat'], leave = gcra(state.get('tat', 0.0), now, self._rate(state, now), self.burst)
            return Reservation(0.0, leave - now, leave)

    def paused(self) -> float:
        """Seconds left of the pause a 429 began in any process (0 when none)."""
        with self._state() as state:
            return max(0.0, state.get('not_before', 0.0) - self.clock())

    def answered(self, at: float, status: int | None, pause: float | None) -> bool:
        """After a 429 to a turn taken at ``at``: lower the rate and pause every process, once for all the requests
        that were sent before the service's word was known; True when this answer began the pause."""
        if status != 429:
            return False
        with self._state() as state:
            now = self.clock()
            if now < state.get('not_before', 0.0) or at < state.get('began', float('-inf')):
                return False
            refused = self._rate(state, now)
            state.update(
                floor=max(MIN_RATE, refused * DECREASE),
                refused=refused,
                began=now,
                not_before=now + max(0.0, pause or 0.0),
                since=now + max(0.0, pause or 0.0),
                tat=now + max(0.0, pause or 0.0),
            )
            return True

    def describe(self) -> str:
        """The budget in words, for the task's warning."""
        with self._state() as state:
            rate = self._rate(state, self.clock())
        learnt = f', learnt down to {rate:.1f} now' if rate < self.rate else ''
        return f'paced by {self.label} ({NAME_OPTION}) at {self.rate:g} requests/s{learnt}'
