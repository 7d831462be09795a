# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP session, TLS settings and the retry policy. Internal to this collection; not a public API."""

from __future__ import annotations

import email.utils
import random
import time

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import TransportError

try:
    import requests
    from urllib3.exceptions import NewConnectionError
except ImportError:  # pragma: no cover - reported by require_requests()
    requests = None
    NewConnectionError = None

USER_AGENT = 'ansible-jwtauth.oidc'

# Why each status may be retried (RFC 9110 section 15, RFC 6585 section 4, and
# PingOne's retry guidance in ../shared/REFERENCE.md). The value says whether a
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


def require_requests():
    """Raise a clear error when the Python requests library is missing."""
    if requests is None:
        raise TransportError('The Python library "requests" is required on the Ansible controller: pip install requests')


def make_verify(validate_certs=True, ca_path=None):
    """Fold validate_certs and ca_path into one value for requests' ``verify``."""
    if not validate_certs:
        return False
    return ca_path or True


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    value = str(value).strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def backoff_delay(attempt, rand=random.random):
    """Full-jitter exponential backoff for the given attempt number (0-based)."""
    return rand() * min(BACKOFF_CAP, BACKOFF_BASE * (2 ** attempt))


def retry_delay(status, headers, attempt, retries, single_use, rand=random.random):
    """How long to wait before resending after an HTTP status, or None not to resend.

    ``single_use`` marks requests that spend something (RFC 6749 section 4.1.2:
    a code reused after a lost answer is refused and its tokens revoked).
    """
    if attempt >= retries or status not in RETRY_STATUSES:
        return None
    retry_after = parse_retry_after((headers or {}).get('Retry-After'))
    rule = RETRY_STATUSES[status]
    if single_use and (rule == 'never' or (rule == 'with-retry-after' and retry_after is None)):
        return None
    if retry_after is not None:
        if retry_after > RETRY_AFTER_CAP:
            return None
        return retry_after
    return backoff_delay(attempt, rand)


def describe_transport_error(exc):
    """A short reason for a requests exception, and whether the request never left this host."""
    if isinstance(exc, requests.exceptions.SSLError):
        return ('TLS certificate verification failed ({0}); set ca_path to the CA bundle that signed the server '
                'certificate'.format(_innermost(exc)), False)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return 'timed out connecting', True
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return 'no answer within the timeout', False
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = getattr(exc.args[0], 'reason', None) if exc.args else None
        if isinstance(reason, NewConnectionError):
            text = str(reason)
            if 'refused' in text.lower():
                return 'connection refused', True
            if 'resolve' in text.lower() or 'name or service' in text.lower():
                return 'host name could not be resolved', True
            return 'could not connect ({0})'.format(_innermost(exc)), True
        return 'connection lost ({0})'.format(_innermost(exc)), False
    return '{0}: {1}'.format(type(exc).__name__, _innermost(exc)), False


def _innermost(exc):
    """The most specific text of a chained requests/urllib3 exception, without the pool boilerplate."""
    text = str(exc)
    for marker in ('Caused by ', ': '):
        if marker in text:
            text = text.rsplit(marker, 1)[-1]
    return text.strip("()'\" ") or type(exc).__name__


class HttpClient:
    """One requests session for a plugin invocation, with TLS settings and the retry policy."""

    def __init__(self, validate_certs=True, ca_path=None, timeout=30, http_agent=None, retries=3, sleep=time.sleep):
        require_requests()
        self.verify = make_verify(validate_certs, ca_path)
        self.timeout = timeout
        self.retries = retries
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers['User-Agent'] = http_agent or USER_AGENT

    def request(self, method, url, what, single_use=False, **kwargs):
        """Send a request with retries; return the final response or raise TransportError.

        ``what`` completes "Failed to ..." in error messages.  ``verify`` is passed on
        every request because REQUESTS_CA_BUNDLE overrides ``Session.verify``.
        """
        kwargs.setdefault('timeout', self.timeout)
        kwargs['verify'] = self.verify
        attempt = 0
        while True:
            try:
                response = self.session.request(method, url, allow_redirects=False, **kwargs)
            except requests.exceptions.RequestException as exc:
                reason, never_sent = describe_transport_error(exc)
                if attempt < self.retries and (never_sent or (not single_use and not isinstance(exc, requests.exceptions.SSLError))):
                    self.sleep(backoff_delay(attempt))
                    attempt += 1
                    continue
                raise TransportError('Failed to {0} at {1}: {2}'.format(what, url, reason), url=url) from exc
            delay = retry_delay(response.status_code, response.headers, attempt, self.retries, single_use)
            if delay is None:
                return response
            self.sleep(delay)
            attempt += 1
