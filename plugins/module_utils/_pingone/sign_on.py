# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PingOne headless sign-on (``response_mode=pi.flow``): from a username and password to an authorization code.

Internal to this collection; not a public API.  Three requests, all to the PingOne auth origin:

1. ``GET {root}/as/authorize?response_mode=pi.flow&...``: PingOne answers 200 with a flow object
   (``id``, ``status``, ``_links``) instead of a redirect ("Authorize (Non-redirect and MFA Only Flows)",
   https://developer.pingidentity.com/pingone-api/auth/openid-connect-oauth-2/authorize-browserless-and-mfa-only-flows.html);
2. ``POST {root}/flows/{flowID}`` with ``application/vnd.pingidentity.usernamePassword.check+json`` and
   ``{"username", "password"}`` ("Check Username/Password",
   https://developer.pingidentity.com/pingone-api/auth/flows/flows-1/check-username-password.html), whose answer
   sets the session token cookie ``ST`` ("Step 5: Submit login credentials",
   https://developer.pingidentity.com/pingone-api/getting-started/simple-sso-workflow/step-6-submit-login-credentials.html);
3. ``GET {root}/as/resume?flowId={flowID}`` with the flow's cookies: ``authorizeResponse.code`` holds the code
   ("Step 3: Resume to get authorization code" of the client secret JWT workflow,
   https://developer.pingidentity.com/pingone-api/workflow-library/platform-sso-and-authorization/openid-connect-oidc/client-authentication-methods/test-the-workflow/client-secret-jwt/step-9-call-the-resume-endpoint.html).

The pure functions build each request and read each answer; ``sign_on`` runs them with an HttpClient.
The code is then redeemed by the authorization code grant (``_oauth.token_client``), which authenticates the
client and checks the ID token's nonce.  The password, the code, the PKCE verifier and the cookies are
never put in a message; the cookies live in a jar of the flow only, sent only to the auth origin.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from collections import namedtuple
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ResponseError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import clean, correlation_id, lacks, media_type, summarise
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.urls import same_origin

if TYPE_CHECKING:
    from requests import Response

    from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
    from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient

# "Check Username/Password": the flow action is chosen by this custom media type in Content-Type.
CHECK_MEDIA_TYPE = 'application/vnd.pingidentity.usernamePassword.check+json'

# "PingOne Flows", flow status values (https://developer.pingidentity.com/pingone-api/auth/flows.html).
USERNAME_PASSWORD_REQUIRED = 'USERNAME_PASSWORD_REQUIRED'
COMPLETED = 'COMPLETED'

# Why a flow stopped, for the statuses headless sign-on cannot answer (same page; "Multi-factor (MFA) action",
# https://developer.pingidentity.com/pingone-api/foundations/authentication-concepts/pingone-authentication-flow-states/multi-factor-mfa-action.html).
_MFA = (
    'the sign-on policy of the application asks this user for multi-factor authentication, which a headless '
    'sign-on cannot answer: give the service account a sign-on policy with the login action only'
)
STATUS_HINTS = {
    'MFA_REQUIRED': _MFA,
    'DEVICE_SELECTION_REQUIRED': _MFA,
    'OTP_REQUIRED': _MFA,
    'PUSH_CONFIRMATION_REQUIRED': _MFA,
    'PUSH_CONFIRMATION_TIMED_OUT': _MFA,
    'ASSERTION_REQUIRED': _MFA,
    'PASSWORD_EXPIRED': 'the password has expired: set a new one for the account (PingOne admin console or the users API), then update the password option',
    'MUST_CHANGE_PASSWORD': 'PingOne requires the user to change the password first (an administrator set it): set a new '
    'one for the account, then update the password option',
    'ACCOUNT_CONFIRMATION_REQUIRED': 'the account is not confirmed yet',
    'VERIFICATION_CODE_REQUIRED': "the account's email address must be verified first",
    'AGREEMENT_CONSENT_REQUIRED': 'the sign-on policy asks the user to accept an agreement, which a headless sign-on cannot do',
    'PROFILE_DATA_REQUIRED': 'the sign-on policy asks for more profile data (progressive profiling)',
    'EXTERNAL_AUTHENTICATION_REQUIRED': 'the sign-on policy sends the user to an external identity provider',
    'SIGN_ON_REQUIRED': 'the sign-on policy starts with identifier-first discovery, not with a username and password',
    'FAILED': 'PingOne ended the flow as failed',
}
DEFAULT_HINT = "headless sign-on works only when the application's sign-on policy needs nothing but a username and password"

# PingOne resource IDs are UUIDs; anything of a safe shape is accepted, nothing that could leave the path segment.
_FLOW_ID = re.compile(r'[A-Za-z0-9][A-Za-z0-9_-]{0,127}\Z')

# What sign_on gives the code exchange.
SignedOn = namedtuple('SignedOn', ['code', 'code_verifier', 'nonce', 'redirect_uri', 'flow_status'])


class FlowError(ResponseError):
    """A PingOne flow that did not reach COMPLETED, or answered with an error; ``flow_status`` is the flow's status, if known."""

    def __init__(self, message: str, flow_status: str | None = None, **details: Any) -> None:
        super().__init__(message, **details)
        self.flow_status = flow_status

    @property
    def details(self) -> dict[str, Any]:
        found = super().details
        if self.flow_status:
            found['flow_status'] = self.flow_status
        return found


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def pkce_pair() -> tuple[str, str]:
    """A fresh (code_verifier, S256 code_challenge): RFC 7636 sections 4.1 (43+ characters of 32 random octets) and 4.2."""
    verifier = _b64url(secrets.token_bytes(32))
    return verifier, _b64url(hashlib.sha256(verifier.encode('ascii')).digest())


def random_value() -> str:
    """A state or nonce: 128 bits (RFC 6749 section 10.10, OIDC Core section 15.5.2)."""
    return _b64url(secrets.token_bytes(16))


def authorize_url(root: str, client_id: str, redirect_uri: str, scope: list[str] | None, state: str, nonce: str, code_challenge: str) -> str:
    """The pi.flow authorization request: the code flow of RFC 6749 section 4.1.1 and OIDC Core 3.1.2.1, PKCE S256."""
    params = {
        'response_type': 'code',
        'response_mode': 'pi.flow',
        'client_id': client_id,
        'redirect_uri': redirect_uri,
        'scope': ' '.join(scope) if scope else 'openid',
        'state': state,
        'nonce': nonce,
        'code_challenge': code_challenge,
        'code_challenge_method': 'S256',
    }
    return f'{root}/as/authorize?{urlencode(params)}'


def resume_url(root: str, flow_id: str) -> str:
    """``GET {root}/as/resume?flowId=``: hands the completed flow back to the authorization service."""
    return f'{root}/as/resume?{urlencode({"flowId": flow_id})}'


def credentials_request(username: str, password: str) -> tuple[str, dict[str, str]]:
    """The body and headers of the usernamePassword.check action."""
    return json.dumps({'username': username, 'password': password}), {'Content-Type': CHECK_MEDIA_TYPE, 'Accept': 'application/json'}


def check_url(url: str, root: str, what: str) -> str:
    """A URL the flow gave, resolved against the auth root; refused unless it is on the auth origin (https checked by HttpClient)."""
    resolved = urljoin(root + '/', url)
    if not same_origin(resolved, root):
        parts = urlsplit(root)
        raise FlowError(f"Refusing to {what}: PingOne's flow points to {clean(resolved, 120)}, off the auth origin {parts.scheme}://{parts.netloc}", url=root)
    return resolved


def flow_id_of(flow: Mapping[str, Any], url: str) -> str:
    """The flow's ``id``, checked to be one path segment."""
    flow_id = flow.get('id')
    if not isinstance(flow_id, str) or not _FLOW_ID.match(flow_id):
        raise FlowError.failure('start the PingOne sign-on', url, 'the flow has no usable id')
    return flow_id


def check_action_url(flow: Mapping[str, Any], root: str, flow_id: str) -> str:
    """Where to POST the credentials: the flow's ``usernamePassword.check`` link (on the auth origin), else ``{root}/flows/{id}``."""
    links: Mapping[str, Any] = flow['_links'] if isinstance(flow.get('_links'), Mapping) else {}
    link = links.get('usernamePassword.check')
    href = link.get('href') if isinstance(link, Mapping) else None
    if isinstance(href, str) and href:
        return check_url(href, root, 'send the password')
    return f'{root}/flows/{flow_id}'


def read_flow(status: int, headers: Mapping[str, str] | None, text: str, url: str, what: str, redirect_uri: str | None = None) -> dict[str, Any]:
    """The flow object of a 200 answer, or raise FlowError with PingOne's own words.

    Errors come as PingOne's platform error body ``{"id", "code", "message", "details"}`` ("Error codes",
    https://developer.pingidentity.com/pingone-api/platform/reference/error-codes.html), summarised by _error_body; a
    wrong password's first detail is INVALID_CREDENTIALS, a locked account's PASSWORD_LOCKED_OUT (see detail_hint).  A
    flow expires after 15 minutes of inactivity and then answers 404 ("PingOne Flows").  A redirect means PingOne did not take response_mode=pi.flow.
    """
    where = _shown(url)
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    if 300 <= status < 400:
        raise FlowError.failure(
            what,
            where,
            f'HTTP {status} redirect instead of a flow object{_redirect_error(headers, redirect_uri)}; PingOne answers pi.flow requests with '
            'JSON: check that the application allows response_mode pi.flow',
            status=status,
        )
    if status != 200:
        code = body.get('code') if isinstance(body, dict) and isinstance(body.get('code'), str) else None
        error = body.get('error') if isinstance(body, dict) and isinstance(body.get('error'), str) else None
        detail = first_detail(body)
        said = summarise(headers, text)
        reason = f'HTTP {status}{": " + said if said else ""}'
        if status == 404:
            reason += '; the flow expired (PingOne ends a flow after 15 minutes without activity) or the environment is wrong'
        hint = detail_hint(detail)
        if hint:
            reason += '; ' + hint
        shown_error = next((said for said in (detail.get('code'), code, error) if isinstance(said, str) and said), None)
        raise FlowError.failure(
            what, where, reason, status=status, error=clean(shown_error, 60) if shown_error else None, correlation_id=correlation_id(headers)
        )
    if not isinstance(body, dict):
        raise FlowError.failure(what, where, f'HTTP 200 with a {media_type(headers)} answer, not a flow object', status=status)
    if not isinstance(body.get('status'), str):
        raise FlowError.failure(what, where, lacks(body, 'flow status'), status=status)
    return body


def first_detail(body: Any) -> dict[str, Any]:
    """The first of ``details`` of a PingOne error body, which says what was wrong (empty when there is none)."""
    details = body.get('details') if isinstance(body, dict) else None
    first = details[0] if isinstance(details, list) and details else None
    return first if isinstance(first, dict) else {}


def detail_hint(detail: Mapping[str, Any]) -> str | None:
    """What a failed usernamePassword.check means, as PingOne's own sign-on sample reads its first detail's code
    (pingidentity/pingone-sample-custom-signon, react/src/components/userLogin.jsx:70-94): INVALID_CREDENTIALS is a wrong
    username or password, PASSWORD_LOCKED_OUT an account locked for ``innerError.secondsUntilUnlock`` seconds."""
    code = detail.get('code')
    if code == 'INVALID_CREDENTIALS':
        return (
            "the username or password is wrong; each failed sign-on counts towards the account's lockout, so the task is not "
            'retried: check username and password (or the vault that holds it)'
        )
    if code == 'PASSWORD_LOCKED_OUT':
        inner = detail.get('innerError')
        seconds = inner.get('secondsUntilUnlock') if isinstance(inner, Mapping) else None
        when = (f'PingOne unlocks it in {unlock_words(seconds)}' if isinstance(seconds, int) and not isinstance(seconds, bool) and seconds >= 0
                else 'PingOne unlocks it when its password policy\'s lockout ends')  # fmt: skip
        return f'the account is locked after too many failed sign-ons: {when}, or an administrator unlocks it'
    return None


def unlock_words(seconds: int) -> str:
    """How long until an account unlocks, as PingOne's sample says it: minutes when a minute or more, else seconds."""
    if seconds >= 60:
        minutes = -(-seconds // 60)
        return f'{minutes} minute{"" if minutes == 1 else "s"}'
    return f'{seconds} second{"" if seconds == 1 else "s"}'


def check_status(flow: Mapping[str, Any], expected: str, url: str, what: str) -> str:
    """The flow's status when it is ``expected``; else raise FlowError saying which status, why and what to do."""
    status = flow['status']
    if status == expected:
        return status
    shown = clean(status, 60)
    reason = f'the PingOne flow is {shown}, not {expected}; {STATUS_HINTS.get(status, DEFAULT_HINT)}'
    error = flow.get('error')
    if isinstance(error, Mapping):
        said = summarise({}, json.dumps(error))
        if said:
            reason += f' (PingOne: {said})'
    raise FlowError.failure(what, _shown(url), reason, flow_status=shown, status=200)


def read_code(flow: Mapping[str, Any], state: str, url: str) -> str:
    """``authorizeResponse.code`` of a completed flow, after checking ``state`` (RFC 6749 section 4.1.2, 10.12)."""
    what = 'resume the PingOne sign-on'
    check_status(flow, COMPLETED, url, what)
    answer = flow.get('authorizeResponse')
    if not isinstance(answer, Mapping):
        raise FlowError.failure(what, _shown(url), 'the completed flow has no authorizeResponse', flow_status=COMPLETED, status=200)
    if isinstance(answer.get('error'), str):
        # RFC 6749 section 4.1.2.1: the authorization server refused the request after sign-on.
        description = answer.get('error_description')
        error = clean(answer['error'], 60)
        said = f' ({clean(description)})' if isinstance(description, str) else ''
        raise FlowError.failure(what, _shown(url), f'{error}{said}', flow_status=COMPLETED, status=200, error=error)
    if answer.get('state') != state:
        raise FlowError.failure(
            what,
            _shown(url),
            'the state in authorizeResponse is not the one sent (RFC 6749 section 10.12); the code is not redeemed',
            flow_status=COMPLETED,
            status=200,
        )
    code = answer.get('code')
    if not isinstance(code, str) or not code:
        raise FlowError.failure(what, _shown(url), 'authorizeResponse has no code', flow_status=COMPLETED, status=200)
    return code


def _shown(url: str) -> str:
    """A URL for messages, without its query (an authorize URL carries state, nonce and the code challenge)."""
    return url.split('?', 1)[0]


def _redirect_error(headers: Mapping[str, str] | None, redirect_uri: str | None) -> str:
    """The OAuth error of a redirect to the client's redirect_uri (RFC 6749 section 4.1.2.1), never the rest of the URL."""
    location = (headers or {}).get('Location') or ''
    if not redirect_uri or not location.startswith(redirect_uri):
        return ''
    query = parse_qs(urlsplit(location).query)
    error = (query.get('error') or [''])[0]
    if not error:
        return ''
    description = (query.get('error_description') or [''])[0]
    said = f' ({clean(description)})' if description else ''
    return f' to the redirect_uri with error {clean(error, 60)}{said}'


class FlowCookies:
    """The cookies of one flow (PingOne's ``ST`` session token among them), for the auth origin only.

    Kept apart from the HTTP session's jar, so that no cookie of the flow reaches the token endpoint or
    any later request; the values are remembered for masking, and never shown.
    """

    def __init__(self, root: str, context: TaskContext) -> None:
        self.root = root
        self.context = context
        self._cookies: dict[str, tuple[str, str]] = {}

    def take(self, response: Response) -> None:
        """Keep the cookies a flow answer set (requests parsed them from Set-Cookie)."""
        for cookie in response.cookies:
            if cookie.value is None:
                continue
            self.context.remember(cookie.value)
            self._cookies[cookie.name] = (cookie.value, cookie.path or '/')

    def names(self) -> list[str]:
        return sorted(self._cookies)

    def header(self, url: str) -> dict[str, str]:
        """A Cookie header for a request to ``url``: on the auth origin and under each cookie's path (RFC 6265 section 5.4)."""
        if not same_origin(url, self.root):
            return {}
        path = urlsplit(url).path or '/'
        sent = [
            f'{name}={value}'
            for name, (value, cookie_path) in sorted(self._cookies.items())
            if path == cookie_path or path.startswith(cookie_path.rstrip('/') + '/')
        ]
        return {'Cookie': '; '.join(sent)} if sent else {}


def _refuse_all_cookies(http: HttpClient) -> None:
    """Keep the session's own jar empty: the flow's cookies go only where FlowCookies sends them."""
    from http.cookiejar import DefaultCookiePolicy  # pylint: disable=import-outside-toplevel

    class _RefuseAll(DefaultCookiePolicy):
        def set_ok(self, cookie: Any, request: Any) -> bool:
            return False

    http.session.cookies.set_policy(_RefuseAll())


def sign_on(
    http: HttpClient,
    root: str,
    client_id: str,
    redirect_uri: str,
    scope: list[str] | None,
    username: str,
    password: str,
    nonce: str | None = None,
) -> SignedOn:
    """Sign ``username`` on at the PingOne auth ``root`` (``https://auth.pingone.<tld>/<envID>`` or a custom domain) as
    ``client_id``, with ``http`` (an HttpClient of this flow alone), and return the code and what redeems it.

    Bounded: three requests, each with the HttpClient's timeout and retry policy; the password and the
    resume are not resent after an answer that may have been acted on (a second wrong-password attempt
    counts towards the account's lockout; a resume issues the single-use code).
    """
    context = http.context
    _refuse_all_cookies(http)
    cookies = FlowCookies(root, context)
    verifier, challenge = pkce_pair()
    state, nonce = random_value(), nonce or random_value()
    context.remember(verifier, password)

    url = authorize_url(root, client_id, redirect_uri, scope, state, nonce, challenge)
    what = 'start the PingOne sign-on (authorize with response_mode=pi.flow)'
    response = http.request('GET', url, what, source='the PingOne authorize URL', headers={'Accept': 'application/json'})
    cookies.take(response)
    flow = read_flow(response.status_code, response.headers, response.text, url, what, redirect_uri)
    check_status(flow, USERNAME_PASSWORD_REQUIRED, url, what)
    flow_id = flow_id_of(flow, _shown(url))

    url = check_action_url(flow, root, flow_id)
    what = f'sign on as {clean(username, 80)!r} (usernamePassword.check)'
    body, headers = credentials_request(username, password)
    headers.update(cookies.header(url))
    response = http.request('POST', url, what, single_use=True, source='the PingOne flow URL', data=body, headers=headers)
    cookies.take(response)
    flow = read_flow(response.status_code, response.headers, response.text, url, what)
    check_status(flow, COMPLETED, url, what)

    url = resume_url(root, flow_id)
    headers = dict(cookies.header(url), Accept='application/json')
    response = http.request('GET', url, 'resume the PingOne sign-on', single_use=True, source='the PingOne resume URL', headers=headers)
    flow = read_flow(response.status_code, response.headers, response.text, url, 'resume the PingOne sign-on', redirect_uri)
    code = read_code(flow, state, url)
    context.remember(code)
    return SignedOn(code, verifier, nonce, redirect_uri, COMPLETED)
