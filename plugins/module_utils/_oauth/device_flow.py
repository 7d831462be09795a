# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The device authorization grant (RFC 8628): the authorization request and the polling decision.

Internal to this collection; not a public API.  ``poll_step`` is the whole
polling decision as a function of data, tested from a table with a fake clock;
``DevicePoller`` carries it out with the collection's HTTP client and client
authentication.  The device code is a credential: it is remembered for masking
and never put in a message.  The user code and verification URI are meant to be
shown (section 3.3), and are, as every text of a server is (_http.error_body.clean),
with a warning when the verification URI is not https or not on the OP's hosts.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import DeadlineError, OAuthError, ResponseError, TransportError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import clean, is_oauth_error, json_or_none
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.urls import DEFAULT_PORTS, origin
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.client_auth import post
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.grants import DEVICE_CODE
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.responses import (
    ERROR_HINTS,
    finite_number,
    non_oauth_error,
    oauth_error,
    parse_token_response,
)

if TYPE_CHECKING:
    from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient
    from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.client_auth import ClientAuth

# RFC 8628 section 3.2: "If no value is provided, clients MUST use 5 as the default" polling interval.
DEFAULT_INTERVAL = 5
# Section 3.5: on slow_down "the interval MUST be increased by 5 seconds for this and all subsequent requests".
SLOW_DOWN_STEP = 5
# The longest interval an OP's answer is believed about: beyond it the wait is the OP's mistake, and device_timeout ends it anyway.
MAX_INTERVAL = 300
# What the device authorization request is called in messages.
AUTHORIZE = 'start the device authorization grant'
# What the poll loop does with each answer (see poll_step).
POLL, DONE, DENIED, EXPIRED, TIMEOUT, FAILED = 'poll', 'done', 'denied', 'expired', 'timeout', 'failed'

# What the errors of the device authorization endpoint usually mean, where they differ from the token endpoint's.
# unauthorized_client: RFC 6749 section 5.2 means a client not allowed the grant, but an answer to a refused client
# authentication can say it too: Auth0's device authorization endpoint answers 403 unauthorized_client to a request that
# carries a client secret (a maintainer's comment in auth0/ruby-auth0 pull request 794; UNCONFIRMED in Auth0's docs).
# oidc-provider answers a refused client authentication 401 invalid_client, and a client without the grant 400
# invalid_request ("... is not allowed for this client"); what PingOne answers to either is UNCONFIRMED (its "Authorize
# (device)" page documents client_id and scope only).  The answer cannot tell the two apart, so the hint names both.
AUTHORIZE_HINTS = {
    'unauthorized_client': (
        'either the client registration does not allow the device authorization grant (urn:ietf:params:oauth:grant-type:device_code; '
        "PingOne: DEVICE_CODE in the application's grantTypes), or the OP refused the client authentication sent here, which some OPs "
        f'also answer unauthorized_client: {ERROR_HINTS["invalid_client"]}'
    ),
}


# The longest user code shown: RFC 8628 section 6.1 recommends 8 characters or so; a longer one is the OP's mistake.
USER_CODE_CHARS = 60


class DeviceAuthorization(NamedTuple):
    """The device authorization response (RFC 8628 section 3.2), as this client uses it: the device code as sent, the
    user code and verification URIs as shown (cleaned: one line, bounded, no escape sequence)."""

    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: int
    interval: int


def parse_device_authorization(status: int, headers: Mapping[str, str] | None, text: str, url: str, sent_at: float) -> DeviceAuthorization:
    """The device authorization response, or raise saying why it cannot be used (never with the device code)."""
    body = json_or_none(text)
    if status != 200:
        if is_oauth_error(body):
            raise oauth_error(AUTHORIZE, status, headers, body, url, sent_at, hints=AUTHORIZE_HINTS)
        raise non_oauth_error(AUTHORIZE, status, headers, text, url, False, 'the endpoint does not redirect, check its URL')
    if not isinstance(body, dict):
        raise ResponseError.failure(AUTHORIZE, url, 'HTTP 200 but the answer is not a JSON object', status=status)
    # What the person is shown: what the OP wrote, cleaned (a user code of 2 MB or with escape sequences is not shown whole).
    shown = {
        'user_code': clean(body['user_code'], USER_CODE_CHARS) if isinstance(body.get('user_code'), str) else '',
        'verification_uri': clean(body['verification_uri']) if isinstance(body.get('verification_uri'), str) else '',
        'verification_uri_complete': clean(body['verification_uri_complete']) if isinstance(body.get('verification_uri_complete'), str) else '',
    }
    # Section 3.2: device_code, user_code, verification_uri and expires_in are REQUIRED.
    missing = [key for key in ('device_code',) if not isinstance(body.get(key), str) or not body[key]]
    missing += [key for key in ('user_code', 'verification_uri') if not shown[key]]
    expires_in = finite_number(body.get('expires_in'))
    if expires_in is None or expires_in <= 0:
        missing.append('expires_in')
    if missing:
        raise ResponseError.failure(AUTHORIZE, url, f'HTTP 200 but the answer lacks {", ".join(missing)} (RFC 8628 section 3.2 requires them)', status=status)
    interval = finite_number(body.get('interval'))
    return DeviceAuthorization(
        device_code=body['device_code'],
        user_code=shown['user_code'],
        verification_uri=shown['verification_uri'],
        verification_uri_complete=shown['verification_uri_complete'] or None,
        expires_in=int(expires_in or 0),  # checked above: a positive number
        # An interval below one second would poll in a loop; one above MAX_INTERVAL is not waited for.
        interval=DEFAULT_INTERVAL if interval is None else int(min(max(interval, 1), MAX_INTERVAL)),
    )


def instructions(authorization: DeviceAuthorization, device_timeout: int) -> str:
    """What the person must do, for the job output (section 3.3): the URI and the user code, never the device code."""
    text = f'To approve, open {authorization.verification_uri} and enter the code {authorization.user_code}'
    if authorization.verification_uri_complete:
        text += f' (or open {authorization.verification_uri_complete})'
    return text + f'; waiting up to {min(authorization.expires_in, device_timeout)} s'


def is_address(host: str) -> bool:
    """Whether a URL's host is an IP address (which has no subdomains), not a name."""
    try:
        ipaddress.ip_address(host.strip('[]'))
    except ValueError:
        return False
    return True


def verification_warning(authorization: DeviceAuthorization, op_urls: Iterable[str | None]) -> str | None:
    """A warning when a verification URI the person is sent to is not https, or not on a host of the OP; None when both are.

    RFC 8628 section 5.4 (remote phishing): the person approves whatever request the page shows, so the page had
    better be the OP's.  A host of the OP is the host of one of ``op_urls`` (the issuer, the device authorization and
    token endpoints) or a subdomain of one, whose DNS the OP's owner controls; ports are not compared.  Which other
    domains an OP owns cannot be known without its word (a public suffix list would say only what a registrable domain
    is), so an OP that sends people to another of its domains gets the warning too.  RFC 6749 section 3.1 requires TLS
    where the user authenticates.  Never a refusal: the person who approves decides.
    """
    hosts = set()
    for url in op_urls:
        try:
            host = origin(url)[1] if url else ''
        except ValueError:
            host = ''
        if host:
            hosts.add(host)
    said = []
    for name in ('verification_uri', 'verification_uri_complete'):
        uri = getattr(authorization, name)
        if not uri:
            continue
        try:
            scheme, host, port = origin(uri)
        except ValueError:
            scheme, host, port = '', '', None
        if not scheme or not host:
            said.append(f'{name} {uri} is not an absolute URL')
            continue
        why = []
        if scheme != 'https':
            why.append(f'{scheme}, not https (RFC 6749 section 3.1 requires TLS where the user signs in): anyone on the way can read or change the page')
        if not any(host == known or (host.endswith('.' + known) and not is_address(known)) for known in hosts):
            why.append(f"on a host that is not the OP's ({', '.join(sorted(hosts)) or 'unknown'}), nor a subdomain of one")
        if why:
            port_shown = f':{port}' if port and port != DEFAULT_PORTS.get(scheme) else ''
            said.append(f'{name} {scheme}://{host}{port_shown} is ' + ' and '.join(why))
    if not said:
        return None
    return (
        f'The device authorization grant sends the person who approves to a page the collection cannot vouch for: {"; ".join(said)}. '
        "Approve there only if it is your OP's page (RFC 8628 section 5.4, remote phishing); the grant goes on, the person decides"
    )


def poll_step(outcome: str, interval: float, now: float, deadline: float) -> tuple[str, float]:
    """What to do after one poll of the token endpoint: ``(decision, interval)`` for the next one.

    ``outcome`` is ``'tokens'``, the OAuth ``error`` of the answer, or ``'transport'`` when no answer came.
    ``deadline`` is when the device code expires or device_timeout ends, whichever is first.  RFC 8628
    section 3.5: authorization_pending polls again at the interval, slow_down adds 5 seconds to it for
    good, a lost answer (connection timeout) doubles it, access_denied and expired_token end the flow,
    and any other error is the OP's final answer.  A poll that would be sent at or after the deadline is not: it
    would have no time left for its answer.
    """
    if outcome == 'tokens':
        return DONE, interval
    if outcome == 'access_denied':
        return DENIED, interval
    if outcome == 'expired_token':
        return EXPIRED, interval
    if outcome == 'slow_down':
        interval = interval + SLOW_DOWN_STEP
    elif outcome == 'transport':
        interval = min(interval * 2, MAX_INTERVAL)
    elif outcome != 'authorization_pending':
        return FAILED, interval
    if now + interval >= deadline:
        return TIMEOUT, interval
    return POLL, interval


class DevicePoller:
    """Carries out the device authorization grant for one client: authorize, show, poll."""

    def __init__(
        self,
        http: HttpClient,
        client_auth: ClientAuth,
        token_endpoint: str,
        token_audience: str,
        device_timeout: int,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.http = http
        self.client_auth = client_auth
        self.token_endpoint = token_endpoint
        # The aud of the client assertion of each poll (the caller chose it: _oauth.audience).
        self.token_audience = token_audience
        self.device_timeout = device_timeout
        self.sleep = sleep
        self.clock = clock
        self.polls = 0

    def authorize(self, endpoint: str, scope: str | None, audience: str) -> DeviceAuthorization:
        """POST the device authorization request (section 3.1) with the client's authentication; ``audience`` is the aud
        of its client assertion (by default this endpoint's URL, which idpyoidc and Glewlwyd require: _oauth.audience)."""
        # Not single-use: a lost answer only leaves a device code nobody will use; a new request gets another.
        form = {'scope': scope} if scope else {}
        response, sent_at = post(self.http, self.client_auth, endpoint, form, AUTHORIZE, audience=audience, source='the device authorization endpoint')
        authorization = parse_device_authorization(response.status_code, response.headers, response.text, endpoint, sent_at)
        self.http.context.remember(authorization.device_code)
        return authorization

    def poll(self, authorization: DeviceAuthorization, form: Mapping[str, Any], pingone: bool = False) -> dict[str, Any]:
        """Poll the token endpoint until the user approves; return the token fields, or raise saying why not."""
        what = 'obtain tokens by the device authorization grant'
        started = self.clock()
        deadline = started + min(authorization.expires_in, self.device_timeout)
        interval: float = authorization.interval
        if started + interval >= deadline:
            raise self._timeout(authorization, what)
        form = dict(form, device_code=authorization.device_code)
        while True:
            # Section 3.5: the client waits the interval between polls, the first included.
            self.sleep(interval)
            self.polls += 1
            error: OAuthError | TransportError | None = None
            try:
                # Not single-use: the device code is spent only when tokens are issued (section 3.5), so a poll whose
                # answer was lost may be sent again; only the answer that carries the tokens spends it.  Its retries and
                # their waits (Retry-After of a 429 or 503, backoff after a lost connection) end by the deadline too.
                response, sent_at = post(
                    self.http, self.client_auth, self.token_endpoint, form, what, audience=self.token_audience, within=deadline - self.clock()
                )
            except DeadlineError as exc:
                raise self._timeout(authorization, what, exc) from None
            except TransportError as exc:
                error, outcome = exc, 'transport'
            else:
                body = json_or_none(response.text)
                pending = response.status_code == 400 and is_oauth_error(body) and body['error'] in ('authorization_pending', 'slow_down')
                if pending:
                    outcome = body['error']
                else:
                    try:
                        return parse_token_response(
                            response.status_code,
                            response.headers,
                            response.text,
                            self.token_endpoint,
                            what,
                            sent_at,
                            grant_type=DEVICE_CODE,
                            pingone=pingone,
                        )
                    except OAuthError as exc:
                        error, outcome = exc, exc.error or 'unknown'
            decision, interval = poll_step(outcome, interval, self.clock(), deadline)
            if decision == POLL:
                continue
            if decision == TIMEOUT:
                raise self._timeout(authorization, what, error) from error
            if decision == EXPIRED:
                # The OP's own word that the code expired: its clock started when it issued the code, before ours (when
                # its answer came), so a poll can reach it after the code's end and before our deadline. Said as our own
                # timeout says it, whichever came first (RFC 8628 section 3.5, expired_token).
                raise self._timeout(authorization, what, error, expired=True) from error
            if error is None:  # every other decision comes from an error answer
                raise ResponseError.failure(what, self.token_endpoint, f'the poll ended with {outcome!r} but no error answer')
            raise error

    def _timeout(self, authorization: DeviceAuthorization, what: str, last_error: Exception | None = None, expired: bool = False) -> OAuthError:
        expires_first = expired or authorization.expires_in <= self.device_timeout
        limit = f'the device code expires after {authorization.expires_in} s (expires_in)' if expires_first else f'device_timeout is {self.device_timeout} s'
        if expired:
            limit += ', and the token endpoint answered expired_token'
        reason = (
            f'the user did not approve the request at {authorization.verification_uri} in time: {limit}; {self.polls} polls were sent. '
            f'Run the task again and approve it sooner{"" if expires_first else ", or raise device_timeout"}'
        )
        if isinstance(last_error, DeadlineError):
            # Not the user's slowness only: the OP's answers (429 or 503 with Retry-After, lost connections) took the time.
            reason += f'; the last poll {last_error.why}'
        elif isinstance(last_error, TransportError):
            reason += f'; the last poll got no answer: {last_error}'
        return OAuthError.failure(what, self.token_endpoint, reason, error='expired_token' if expires_first else None)
