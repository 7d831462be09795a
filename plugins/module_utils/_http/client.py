# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The HTTP session of a task: TLS settings, bounded answers, and the retry policy (retry) carried out.

Internal to this collection; not a public API.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, DeadlineError, ResponseError, TransportError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.bounds import MAX_JSON_DEPTH, declared_length, json_too_deep
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import correlation_id
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.retry import RETRY_AFTER_CAP, backoff_delay, parse_retry_after, retry_delay
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.session import DEFAULT_POOL_SIZE, mount
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.throttle import PausePastLimit, Throttle
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.urls import check_url, traced_url

try:
    import requests
    from urllib3.exceptions import HTTPError as Urllib3Error
    from urllib3.exceptions import InvalidHeader as Urllib3InvalidHeader
    from urllib3.exceptions import NewConnectionError, ReadTimeoutError
except ImportError:  # pragma: no cover - reported by require_requests()
    requests = None  # type: ignore[assignment]
    NewConnectionError = ReadTimeoutError = Urllib3Error = Urllib3InvalidHeader = None  # type: ignore[assignment,misc]

if TYPE_CHECKING:
    from requests import PreparedRequest, Response

    from ansible_collections.jwtauth.oidc.plugins.module_utils._http.throttle import RateBucket

    # What a request's ``build`` callable returns before each attempt: the form fields and the headers.
    RequestParts = tuple[Mapping[str, Any], dict[str, str]]

USER_AGENT = 'ansible-jwtauth.oidc'


# The largest answer read into memory. Token, discovery and JWKS answers are a few
# kilobytes and a page of 200 SCIM users about a megabyte; an OP or proxy that sends
# more is broken or hostile (a 300 MB body took the controller to 1 GB).
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
READ_CHUNK = 65536


def require_requests() -> None:
    """Raise a clear error when the Python requests library is missing."""
    if requests is None:
        raise TransportError('The Python library "requests" is required on the Ansible controller: pip install requests')


def check_ca_path(ca_path: str | None) -> None:
    """Refuse a ca_path that cannot work before any request, naming the option (not requests' own text)."""
    if ca_path is None:
        return
    if os.path.isdir(ca_path):
        return  # a c_rehash directory: requests hands it to OpenSSL as CApath
    try:
        with open(ca_path, 'rb') as handle:
            pem = handle.read(MAX_RESPONSE_BYTES)
    except OSError as exc:
        raise ConfigurationError(f'ca_path {ca_path} cannot be read: {exc.strerror or exc}') from None
    if b'-----BEGIN CERTIFICATE-----' not in pem:
        raise ConfigurationError(
            f'ca_path {ca_path} holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the CA bundle that signed the server certificate'
        )


def make_verify(validate_certs: bool = True, ca_path: str | None = None) -> bool | str:
    """Fold validate_certs and ca_path into one value for requests' ``verify``."""
    if not validate_certs:
        return False
    return ca_path or True


def describe_transport_error(exc: BaseException) -> tuple[str, bool]:
    """A short reason for a requests exception, and whether the request never left this host."""
    if isinstance(exc, requests.exceptions.SSLError):
        return (f'TLS certificate verification failed ({_innermost(exc)}); set ca_path to the CA bundle that signed the server certificate', False)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return 'timed out connecting', True
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return 'no answer within the timeout', False
    if isinstance(exc, requests.exceptions.ProxyError):
        # requests takes the proxy from HTTPS_PROXY / HTTP_PROXY and NO_PROXY (trust_env). Not its text: a proxy URL may
        # hold credentials. The request never reached the server.
        return 'the proxy refused or dropped the connection (the proxy comes from HTTPS_PROXY; NO_PROXY lists the hosts reached directly)', True
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = getattr(exc.args[0], 'reason', None) if exc.args else None
        if isinstance(reason, NewConnectionError):
            text = str(reason)
            if 'refused' in text.lower():
                return 'connection refused', True
            if 'resolve' in text.lower() or 'name or service' in text.lower():
                return 'host name could not be resolved', True
            return f'could not connect ({_innermost(exc)})', True
        return f'connection lost ({_innermost(exc)})', False
    return f'{type(exc).__name__}: {_innermost(exc)}', False


def _innermost(exc: BaseException) -> str:
    """The most specific text of a chained requests/urllib3 exception, without the pool boilerplate."""
    text = str(exc)
    for marker in ('Caused by ', ': '):
        if marker in text:
            text = text.rsplit(marker, 1)[-1]
    return text.strip('()\'" ') or type(exc).__name__


def _no_ambient_auth(request: PreparedRequest) -> PreparedRequest:
    """A requests auth hook that adds nothing.

    With no auth set, requests looks up ~/.netrc for the host and sends what it finds
    as Basic credentials next to ours. Setting this hook turns that off while the
    session still reads proxies from the environment.
    """
    return request


class HttpClient:
    """One requests session for a task or lookup call, with TLS settings, bounds and the retry policy.

    Takes what it reads, not the task's options; what it learns for the user (retries made, plain HTTP allowed) goes
    to the call's TaskContext.
    """

    def __init__(
        self,
        context: TaskContext | None = None,
        validate_certs: bool = True,
        ca_path: str | None = None,
        timeout: float = 30,
        http_agent: str | None = None,
        retries: int = 3,
        allow_plain_http: bool = False,
        sleep: Callable[[float], object] = time.sleep,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        retry_after_max: float = RETRY_AFTER_CAP,
        clock: Callable[[], float] = time.monotonic,
        pool_size: int = DEFAULT_POOL_SIZE,
        budget: RateBucket | None = None,
    ) -> None:
        require_requests()
        check_ca_path(ca_path if validate_certs else None)
        self.context = context if context is not None else TaskContext()
        self.settings: dict[str, Any] = dict(
            validate_certs=validate_certs,
            ca_path=ca_path,
            timeout=timeout,
            http_agent=http_agent,
            retries=retries,
            allow_plain_http=allow_plain_http,
            sleep=sleep,
            max_response_bytes=max_response_bytes,
            retry_after_max=retry_after_max,
            clock=clock,
            pool_size=pool_size,
            budget=budget,
        )
        self.verify = make_verify(validate_certs, ca_path)
        self.timeout = timeout
        self.retries = retries
        self.retry_after_max = retry_after_max
        self.allow_plain_http = allow_plain_http
        self.sleep = sleep
        # What a call's time limit (request's within) is measured with; a test's fake clock replaces it with sleep.
        self.clock = clock
        self.max_response_bytes = max_response_bytes
        # One session for the client's life: its connections are kept alive, as many as its requests in flight.
        self.session = requests.Session()
        mount(self.session, pool_size)
        self.session.headers['User-Agent'] = http_agent or USER_AGENT
        self.session.auth = _no_ambient_auth
        # The rate budget the controller's processes share (_store.budget), or None.
        self.budget = budget
        # Set while requests of one task run in parallel threads (see throttle). Without it, one request at a time:
        # through the budget when there is one, else unpaced.
        self.throttle: Throttle | None = None
        self.pacer = Throttle(1, bucket=budget, clock=clock, sleep=sleep) if budget is not None else None

    def fork(self) -> HttpClient:
        """A client with the same settings and context and a session of its own: what one exchange keeps in its
        session (a PingOne flow's cookies) never reaches another's requests."""
        return HttpClient(self.context, **self.settings)

    def warn(self, text: str | None) -> None:
        """Put a warning on the result, once."""
        self.context.warn(text)

    def check_url(self, url: str, source: str) -> None:
        """Refuse a URL that is not https (see urls.check_url); keep the opt-in's warning."""
        self.warn(check_url(url, source, self.allow_plain_http))

    def request(
        self,
        method: str,
        url: str,
        what: str,
        single_use: bool = False,
        build: Callable[[], RequestParts] | None = None,
        source: str | None = None,
        within: float | None = None,
        **kwargs: Any,
    ) -> Response:
        """Send a request with retries; return the final response (body read) or raise an OIDCError.

        ``what`` completes "Failed to ..." in error messages.  ``build``, when given, is
        called before every attempt and returns ``(data, headers)``: a client assertion
        is signed anew for each attempt, because OPs accept each jti once (RFC 7523
        section 3, item 7).  ``verify`` is passed on every request because
        REQUESTS_CA_BUNDLE overrides ``Session.verify``.  ``timeout`` bounds each
        attempt as a whole, not each socket read.

        ``within``, when given, is the time the whole call may take, retries and their waits included (a device
        poll within device_timeout): each attempt's timeout is cut to what is left, and a retry whose wait would end
        past it is not made (DeadlineError).  With a throttle (a converge's, or the rate budget's when one is
        configured), the pauses this request sits out for 429 answers, its own and other requests' (other processes'
        too, through the budget), add up to at most ``retries`` x ``retry_after_max`` seconds, as its own retries
        alone could wait: a request whose next pause would pass that fails (ResponseError), so a storm of 429s
        ends a parallel converge after about that long, whatever ``parallel`` is (its requests sit out the same
        pauses side by side).  A request that can never be sent (a line break in a header value, a URL requests
        cannot parse) fails at once, not retried (ConfigurationError).
        """
        self.check_url(url, source or 'requested URL')
        kwargs['verify'] = self.verify
        deadline = None if within is None else self.clock() + within
        pause_limit = self.retries * self.retry_after_max
        paused = 0.0
        attempt = 0
        reasons: list[str] = []
        while True:
            timeout: float = self.timeout
            if deadline is not None:
                left = deadline - self.clock()
                if left <= 0:
                    raise self._past_deadline(what, url, within, reasons, 'had no time left')
                timeout = min(timeout, left)
            if build is not None:
                kwargs['data'], kwargs['headers'] = build()
            started = time.monotonic()
            try:
                response, delay, waited = self._attempt(method, url, kwargs, attempt, single_use, timeout, pause_limit - paused)
            except PausePastLimit as exc:
                self._warn_retries(what, url, reasons)
                raise self._paused_too_long(what, url, paused + exc.waited, exc.pause, pause_limit, reasons) from None
            except _Unsendable as exc:
                raise ConfigurationError.failure(what, url, f'{exc}; nothing was sent, and the request is not retried') from None
            except requests.exceptions.RequestException as exc:
                reason, never_sent = describe_transport_error(exc)
                self._trace(method, url, attempt, started, error=reason)
                if deadline is not None and timeout < self.timeout and isinstance(exc, requests.exceptions.Timeout):
                    raise self._past_deadline(what, url, within, reasons, f'got no answer before the limit ({reason})') from exc
                if attempt < self.retries and (never_sent or (not single_use and not isinstance(exc, requests.exceptions.SSLError))):
                    delay = backoff_delay(attempt)
                    if deadline is not None and self.clock() + delay >= deadline:
                        raise self._past_deadline(what, url, within, reasons, f'failed ({reason}), and its retry would start after the limit') from exc
                    self.context.record(wait=round(delay, 3), before_attempt=attempt + 2, why=reason)
                    self.sleep(delay)
                    attempt += 1
                    reasons.append(reason)
                    continue
                self._warn_retries(what, url, reasons)
                raise TransportError.failure(what, url, reason) from exc
            except _TooLarge:
                self._trace(method, url, attempt, started, error=f'answer larger than {self.max_response_bytes} bytes')
                raise TransportError.failure(what, url, f'the answer is larger than {self.max_response_bytes} bytes; refused') from None
            except _Refused as exc:
                self._trace(method, url, attempt, started, status=exc.status, error=str(exc))
                raise ResponseError.failure(what, url, f'{exc}; refused', status=exc.status) from None
            except _TooSlow:
                self._trace(method, url, attempt, started, error='answer not in full within the timeout')
                if deadline is not None and timeout < self.timeout:
                    raise self._past_deadline(what, url, within, reasons, 'got no full answer before the limit') from None
                self._warn_retries(what, url, reasons)
                raise TransportError.failure(what, url, f'the answer did not arrive in full within the timeout of {self.timeout} s') from None
            paused += waited
            self._trace(method, url, attempt, started, response=response, paused=waited)
            if delay is None:
                self._warn_retries(what, url, reasons)
                return response
            if deadline is not None and self.clock() + delay >= deadline:
                raise self._past_deadline(
                    what, url, within, reasons, f'was answered HTTP {response.status_code}, to be sent again after {delay:g} s, past the limit'
                )
            if (self.throttle or self.pacer) is None or response.status_code != 429:
                self.context.record(wait=round(delay, 3), before_attempt=attempt + 2, why=f'HTTP {response.status_code}')
                self.sleep(delay)  # with a throttle, every request waits out a 429's pause in Throttle.acquire
            attempt += 1
            reasons.append(f'HTTP {response.status_code}')

    def _trace(self, method: str, url: str, attempt: int, started: float, response: Response | None = None, paused: float = 0.0, **outcome: Any) -> None:
        """One attempt in the call's trace (http_trace): never a header or a body, the URL's credentials as ***."""
        if self.context.trace is None:
            return
        if response is not None:
            outcome.update(status=response.status_code, correlation_id=correlation_id(response.headers))
        self.context.record(
            method=method,
            url=traced_url(url),
            attempt=attempt + 1,
            seconds=round(time.monotonic() - started - paused, 3),
            throttled=round(paused, 3) or None,
            **outcome,
        )

    def _past_deadline(self, what: str, url: str, within: float | None, reasons: list[str], why: str) -> DeadlineError:
        """The error of a call out of time: what its last attempt met, and the retries before it."""
        self._warn_retries(what, url, reasons)
        retried = f' (after {len(reasons)} retr{"y" if len(reasons) == 1 else "ies"})' if reasons else ''
        return DeadlineError.failure(what, url, f'no usable answer within {within:g} s: the last attempt {why}{retried}', why=why)

    def _paused_too_long(self, what: str, url: str, paused: float, pause: float, limit: float, reasons: list[str]) -> ResponseError:
        """The error of a request whose next pause for rate limiting would pass its limit (see request)."""
        answered = sum(1 for reason in reasons if reason == 'HTTP 429')
        return ResponseError.failure(
            what,
            url,
            f'the service is rate limiting this task (HTTP 429, {answered} of them to this request): it has waited {paused:.1f} s for '
            f'pauses, and the next would end {pause:.1f} s later, past the {limit:g} s a request waits in all (retries {self.retries} x '
            f'retry_after_max {self.retry_after_max:g} s); run it again later, or lower parallel',
            status=429 if answered else None,
        )

    def _attempt(
        self, method: str, url: str, kwargs: dict[str, Any], attempt: int, single_use: bool, timeout: float, max_pause: float
    ) -> tuple[Response, float | None, float]:
        """One attempt through the throttle, if any: the response, how long to wait before resending it (None: do not),
        and how long the throttle paused it (PausePastLimit when the pause would pass ``max_pause``)."""
        throttle = self.throttle or self.pacer
        if throttle is None:
            response = self._send_once(method, url, kwargs, timeout)
            return response, retry_delay(response.status_code, response.headers, attempt, self.retries, single_use, cap=self.retry_after_max), 0.0
        status = pause = None
        turn = throttle.acquire(max_pause)
        try:
            response = self._send_once(method, url, kwargs, timeout)
            status = response.status_code
            delay = retry_delay(status, response.headers, attempt, self.retries, single_use, cap=self.retry_after_max)
            if status == 429:
                # The other requests pause too, even when this one is not resent (out of retries, or a long Retry-After).
                pause = (
                    delay if delay is not None else min(parse_retry_after(response.headers.get('Retry-After')) or backoff_delay(attempt), self.retry_after_max)
                )
            return response, delay, turn.waited
        finally:
            throttle.release(turn, status, pause)

    def _warn_retries(self, what: str, url: str, reasons: list[str]) -> None:
        if reasons:
            counts: dict[str, int] = {}
            for reason in reasons:
                counts[reason] = counts.get(reason, 0) + 1
            said = ', '.join(reason if n == 1 else f'{reason} (x{n})' for reason, n in counts.items())
            times = 'time' if len(reasons) == 1 else 'times'
            self.warn(f'{what[:1].upper()}{what[1:]} at {url}: retried {len(reasons)} {times} after {said}')

    def _send_once(self, method: str, url: str, kwargs: dict[str, Any], timeout: float) -> Response:
        """One attempt: headers within the timeout, then the body read against a deadline and a size cap."""
        deadline = time.monotonic() + timeout
        bad_header = self._unsendable_header(kwargs)
        if bad_header:
            raise _Unsendable(bad_header)
        try:
            response = self.session.request(method, url, allow_redirects=False, stream=True, timeout=timeout, **kwargs)
        except requests.exceptions.InvalidHeader as exc:
            if isinstance(exc.__context__, Urllib3InvalidHeader):  # the answer's framing (Content-Length 2, 3)
                raise _Refused(f'the answer has an invalid header ({str(exc)[:120]})', None) from None
            # The request's headers were checked above; what requests refuses besides shows the value: not shown.
            raise _Unsendable('the request cannot be sent: a header holds what HTTP does not allow in a header (RFC 9110 section 5.5)') from None
        except ValueError as exc:
            # Raised before any byte leaves: requests' InvalidURL, InvalidSchema, urllib3's LocationParseError (a host
            # label IDNA refuses).  Sending again cannot help.
            raise _Unsendable(f'the request cannot be sent: {_innermost(exc) if isinstance(exc, requests.exceptions.RequestException) else exc}') from None
        try:
            declared, invalid = declared_length(response.headers.get('Content-Length'))
            if invalid:
                raise _Refused(invalid, response.status_code)
            if declared is not None and declared > self.max_response_bytes:
                raise _TooLarge()
            body = bytearray()
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _TooSlow()
                _set_read_timeout(response, remaining)
                try:
                    # read1: at most one socket read, so the deadline is checked between reads.
                    chunk = response.raw.read1(READ_CHUNK, decode_content=True)
                except (ReadTimeoutError, TimeoutError):
                    raise _TooSlow() from None
                except Urllib3Error as exc:
                    raise requests.exceptions.ConnectionError(exc) from exc
                if not chunk:
                    break
                body.extend(chunk)
                if len(body) > self.max_response_bytes:
                    raise _TooLarge()
            content = bytes(body)
            if content.lstrip()[:1] in (b'{', b'[') and json_too_deep(content):
                raise _Refused(f'the answer is JSON nested more than {MAX_JSON_DEPTH} levels deep', response.status_code)
            # requests' own cache of the body: .text and .json() read it as if requests had read it.
            response._content = content  # pylint: disable=protected-access
            return response
        finally:
            response.close()

    def _unsendable_header(self, kwargs: dict[str, Any]) -> str | None:
        """Why the request's headers cannot be sent, naming the header (never its value: a bearer token), or None."""
        headers = dict(self.session.headers)
        headers.update(kwargs.get('headers') or {})
        for name, value in headers.items():
            text = value.decode('latin-1') if isinstance(value, bytes) else str(value)
            # requests refuses CR, LF and NUL and a leading space (a header split in two); http.client sends values as
            # ISO-8859-1 (RFC 9110 section 5.5: obs-text at most) and fails on any other character.
            if _UNSENDABLE_VALUE.search(text) or text[:1].isspace():
                hint = HEADER_SOURCES.get(str(name).lower())
                return (
                    f'the request cannot be sent: its {name} header holds a line break, a leading space or a character outside ISO-8859-1, '
                    f'which HTTP does not allow in a header (RFC 9110 section 5.5){"; check " + hint if hint else ""}'
                )
        return None


# What no header value may hold (see HttpClient._unsendable_header).
_UNSENDABLE_VALUE = re.compile('[\r\n\x00\u0100-\U0010ffff]')

# Where the value of a header the collection sends comes from, for the message that refuses it.
HEADER_SOURCES = {
    'user-agent': 'http_agent',
    'authorization': 'bearer_token, or the token the OP issued (and stored)',
}


class _Unsendable(Exception):
    """The request cannot be sent as it is (requests refused it before sending anything)."""


class _Refused(Exception):
    """The answer arrived but is refused whole (invalid framing, JSON nested too deep): not resent."""

    def __init__(self, reason: str, status: int | None) -> None:
        super().__init__(reason)
        self.status = status


class _TooLarge(Exception):
    """The answer exceeds max_response_bytes."""


class _TooSlow(Exception):
    """The answer did not arrive in full before the deadline."""


def _set_read_timeout(response: Response, seconds: float) -> None:
    """Bound the next socket read by what is left of the deadline (a trickling server cannot stretch it)."""
    connection = getattr(response.raw, 'connection', None)
    sock = getattr(connection, 'sock', None)
    if sock is not None:
        sock.settimeout(max(0.01, seconds))
