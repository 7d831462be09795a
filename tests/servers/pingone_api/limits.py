# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A licence's rate limit, as a reset arms it (off by default), and the latency of a distant service.

PingOne limits the requests of a whole licence, whoever sends them, and each client IP to about a third of that
(REFERENCE.md, "Rate limits are per licence, each client IP limited to about a third of it"); a request over either
answers ``429 REQUEST_LIMITED`` with ``Retry-After`` in whole seconds (errors.rate_limited). How PingOne counts is not
published: here each is a strict token bucket (``rate`` a second, ``burst`` at once; the IP's bucket ``per_ip_share``
of both, at least one request at once), the strictest common shape (UNCONFIRMED). A refused request takes nothing
from either bucket, and says to retry once both would let it through, rounded up to a whole second.

Settings (the reset body's ``rate_limit``): ``{"rate": 100, "burst": 10, "per_ip_share": 0.35}``; ``latency_ms`` holds
every request that long before it is answered, as a round trip to a distant service would (the server is threaded,
so concurrent requests wait side by side).
"""

import math
import threading
import time


class Bucket(object):
    """``rate`` tokens a second, at most ``burst`` held."""

    def __init__(self, rate, burst, now):
        self.rate, self.burst, self.tokens, self.at = float(rate), float(burst), float(burst), now

    def refill(self, now):
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now

    def wait(self):
        """Seconds until one token is held (0 when one is)."""
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


class Licence(object):
    """The licence-wide bucket and one per client IP; ``take`` says whether a request may go, else how long to wait."""

    def __init__(self, settings, clock=time.monotonic):
        settings = settings or {}
        self.clock = clock
        self.lock = threading.Lock()
        self.rate = float(settings['rate'])
        self.burst = float(settings.get('burst') or max(1.0, self.rate))
        self.share = float(settings.get('per_ip_share') or 1.0)
        self.licence = Bucket(self.rate, self.burst, clock())
        self.by_ip = {}
        self.allowed = 0
        self.refused = 0

    def take(self, ip):
        """None when the request may go (a token taken from both buckets), else the Retry-After in whole seconds."""
        with self.lock:
            now = self.clock()
            own = self.by_ip.get(ip)
            if own is None:
                own = self.by_ip[ip] = Bucket(self.rate * self.share, max(1.0, self.burst * self.share), now)
            for bucket in (self.licence, own):
                bucket.refill(now)
            wait = max(self.licence.wait(), own.wait())
            if wait > 0:
                self.refused += 1
                return max(1, int(math.ceil(wait)))
            self.licence.tokens -= 1
            own.tokens -= 1
            self.allowed += 1
            return None
