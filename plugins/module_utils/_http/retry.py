# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""When a request is sent again, and after how long. Internal to this collection; not a public API.

The whole policy is functions of data (status, headers, attempt), tested from tables; HttpClient carries it out.
Models: community.hashi_vault's retry parameters, amazon.aws's jittered BackoffIterator.
"""

from __future__ import annotations

import email.utils
import random
import re
import time
from collections.abc import Callable, Mapping

# Why each status may be retried (RFC 9110 section 15, RFC 6585 section 4, and
# PingOne's retry guidance: 408, 429 and 5xx, never other 4xx). The value says whether a
# request that spends something single-use (an authorization code, a rotating
# refresh token) may be sent again after this status: only when the server has
# told us it did not act on the request.
RETRY_STATUSES = {
    # 408 Request Timeout: the server closed the connection before reading the
    # whole request. A proxy may send it after forwarding, so not for single-use.
    408: 'never',
    # 429 Too Many Requests: rejected by rate limiting before any processing.
    429: 'always',
    # 500 Internal Server Error: the server may have redeemed the code and then failed.
    500: 'never',
    # 502 Bad Gateway and 504 Gateway Timeout: a proxy lost the upstream answer;
    # the upstream may have acted.
    502: 'never',
    504: 'never',
    # 503 Service Unavailable with Retry-After: the server says it is not taking
    # requests now (RFC 9110 section 15.6.4). Without Retry-After it may come
    # from a proxy after forwarding, so a single-use request is not resent.
    503: 'with-retry-after',
}

BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
# A Retry-After longer than this is not waited for: the job would look hung.
RETRY_AFTER_CAP = 30.0


def parse_retry_after(value: object, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (RFC 9110 section 10.2.3: delay-seconds or HTTP-date), or None."""
    if value is None:
        return None
    value = str(value).strip()
    # ASCII digits only: str.isdigit() accepts '²', which float() then refuses.
    if re.fullmatch('[0-9]{1,10}', value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    try:
        return max(0.0, when.timestamp() - now)
    except (OverflowError, ValueError, OSError):
        return None


def backoff_delay(attempt: int, rand: Callable[[], float] = random.random) -> float:
    """Full-jitter exponential backoff for the given attempt number (0-based)."""
    return rand() * min(BACKOFF_CAP, BACKOFF_BASE * (2**attempt))


def retry_delay(
    status: int,
    headers: Mapping[str, str] | None,
    attempt: int,
    retries: int,
    single_use: bool,
    rand: Callable[[], float] = random.random,
    cap: float = RETRY_AFTER_CAP,
) -> float | None:
    """How long to wait before resending after an HTTP status, or None not to resend.

    ``single_use`` marks requests that spend something (RFC 6749 section 4.1.2:
    a code reused after a lost answer is refused and its tokens revoked).  A
    ``Retry-After`` longer than ``cap`` seconds is not waited for.
    """
    if attempt >= retries or status not in RETRY_STATUSES:
        return None
    retry_after = parse_retry_after((headers or {}).get('Retry-After'))
    rule = RETRY_STATUSES[status]
    if single_use and (rule == 'never' or (rule == 'with-retry-after' and retry_after is None)):
        return None
    if retry_after is not None:
        if retry_after > cap:
            return None
        return retry_after
    return backoff_delay(attempt, rand)
