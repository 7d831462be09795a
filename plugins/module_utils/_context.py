# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What one task or lookup call gathers while it runs. Internal to this collection; not a public API.

The edge makes one ``TaskContext`` for each task or lookup call and hands it down with the options; every layer
that learns something the user must see (a retry, plain HTTP allowed, a short HMAC secret) says it here, and every
layer that mints or receives a credential (an assertion, Basic credentials, a token, a cookie) remembers it here,
so that the edge can mask it in whatever it shows.  Nothing lives longer than the call: two tasks in one worker
share nothing.  Imports nothing of the collection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class TaskContext:
    """The warnings, minted credentials and progress lines of one task or lookup call."""

    def __init__(self, progress: Callable[[str], None] | None = None) -> None:
        # In the order first said, each once: the result's ``warnings``.
        self.warnings: list[str] = []
        # Credentials sent or received during the call, which the edge masks with the secret options.
        self.minted: set[str] = set()
        self._progress = progress
        # The HTTP exchanges of the call, when the task asked for them (http_trace); None: not recorded.
        self.trace: list[dict[str, object]] | None = None
        # Parallel reads and writes of a converge warn from several threads.
        self._lock = threading.Lock()

    def record(self, **entry: object) -> None:
        """Add one HTTP exchange (or wait) to the trace, when one is kept; entries with a None value leave it out."""
        if self.trace is not None:
            with self._lock:
                self.trace.append({key: value for key, value in entry.items() if value is not None})

    def warn(self, text: str | None) -> None:
        """Put a warning on the result, once."""
        with self._lock:
            if text and text not in self.warnings:
                self.warnings.append(text)

    def remember(self, *values: object) -> None:
        """Note credentials sent or received, so that the edge masks them in everything it shows."""
        with self._lock:
            self.minted.update(value for value in values if isinstance(value, str) and value)

    @property
    def shows_progress(self) -> bool:
        """Whether a line given to progress() reaches the job output while the task runs."""
        return self._progress is not None

    def progress(self, line: str) -> None:
        """Show a line in the job output now (a long converge's count, the device grant's instructions), if anyone listens."""
        if self._progress is not None:
            self._progress(line)
