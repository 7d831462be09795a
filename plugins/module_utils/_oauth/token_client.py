# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One token request from start to finish. Internal to this collection; not a public API.

Resolves the endpoints, authenticates the client, sends the grant, parses the
answer and validates the ID token.  Takes the frozen options (_options.Options),
so the module's action plugin and the lookup drive it the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, IdTokenError, OAuthError, ResponseError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.error_body import clean
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.urls import same_origin
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.audience import assertion_audience, ignored_style, require_issuer
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.client_auth import ClientAuth, make_client_auth, post
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.device_flow import DevicePoller, instructions, verification_warning
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.discovery import (
    Endpoints,
    Location,
    device_authorization_endpoint,
    fetch_jwks,
    fetch_metadata,
    fetch_pingone_metadata,
    resolve_endpoints,
)
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.grants import (
    DEVICE_CODE,
    GRANTS,
    PINGONE_FLOW,
    TOKEN_EXCHANGE,
    Grant,
    grant_form,
    missing_scopes,
    scope_downgrade_text,
    scope_list,
)
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.id_token import unverified_header_and_claims, validate_id_token
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.responses import SECRET_TOKEN_FIELDS, parse_token_response, with_likely_causes, with_pkce_hint
from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.locations import auth_root
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.sign_on import sign_on

if TYPE_CHECKING:
    from ansible_collections.jwtauth.oidc.plugins.module_utils._http.throttle import RateBucket


def http_client_for(options: Options, context: TaskContext | None = None, budget: RateBucket | None = None) -> HttpClient:
    """The HTTP client of a task: its transport options, its context, as many kept-alive connections as its requests
    in flight (parallel), and the rate budget it shares with the controller's other processes, if any."""
    return HttpClient(
        context,
        pool_size=options.parallel,
        budget=budget,
        validate_certs=options.validate_certs,
        ca_path=options.ca_path,
        timeout=options.timeout,
        http_agent=options.http_agent,
        retries=options.retries,
        allow_plain_http=options.allow_plain_http,
        retry_after_max=options.retry_after_max,
    )


def client_auth_from(options: Options) -> ClientAuth:
    """The client authentication the options describe: the same for token, revocation and introspection requests."""
    return make_client_auth(
        options.auth_method,
        client_id=options.client_id,
        client_secret=options.client_secret,
        private_key=options.private_key,
        private_key_passphrase=options.private_key_passphrase,
        key_id=options.key_id,
        signing_alg=options.signing_alg,
        assertion_lifetime=options.assertion_lifetime,
        assertion_typ=options.assertion_typ,
    )


def audience_at(options: Options, url: str, token_endpoint: str | None, issuer: str | None) -> str:
    """The aud of the client assertion sent to ``url``, as assertion_audience and audience choose it (_oauth.audience),
    given the OP's ``token_endpoint`` and ``issuer`` as far as they are known."""
    return assertion_audience(options.assertion_audience, options.audience, url, token_endpoint, issuer)


def check_assertion_audience(options: Options, client_auth: ClientAuth, context: TaskContext) -> None:
    """Before any request: assertion_audience=issuer needs an issuer the options give (an option, or PingOne's layout),
    and a style an explicit audience overrides is said to be unused."""
    if not client_auth.uses_assertion:
        return
    location = location_of(options)
    require_issuer(options.assertion_audience, options.audience, bool(location.issuer) or location.pingone)
    context.warn(ignored_style(options.assertion_audience, options.audience))


def location_of(options: Options) -> Location:
    """Where the options say the OP is."""
    return Location(options.token_endpoint, options.issuer, options.environment_id, options.region, options.auth_base_url)


def bearer_origin(options: Options) -> str:
    """Where an API task's bearer token comes from, in words, for an API's 401: never the token, nor a secret."""
    if options.bearer_token:
        return 'the one given in bearer_token, which is never renewed (it may have expired)'
    if options.environment_id or options.auth_base_url:
        place = f'PingOne environment {options.environment_id}' if options.environment_id else f'auth_base_url {options.auth_base_url}'
    else:
        place = options.issuer or options.token_endpoint or 'the OP'
    if options.token_name:
        return f'the token saved as {options.token_name!r} for client {options.client_id} of {place}, renewed once'
    scope = ' '.join(options.scope or ()) or 'none asked for'
    return f'a client_credentials token of client {options.client_id} from {place} (scope: {scope}), renewed once'


def pingone_root(options: Options) -> str:
    """``https://auth.pingone.<tld>/<envID>`` (or the custom domain) for grant_type=pingone_flow, which signs on at PingOne only."""
    if not (options.environment_id or options.auth_base_url):
        raise ConfigurationError('grant_type=pingone_flow signs on at PingOne: set environment_id (with region) or auth_base_url')
    if options.issuer or options.token_endpoint:
        raise ConfigurationError(
            'grant_type=pingone_flow takes its URLs from environment_id, region and auth_base_url; do not set issuer or token_endpoint with it'
        )
    return auth_root(options.region, options.auth_base_url, options.environment_id)


class OPClient:
    """One client of one OP, as a task's options describe them: the HTTP client, the task's context (weak secrets,
    ignored or downgraded scopes, retries, plain HTTP: what the result says besides its answer) and the client's
    authentication, shared by the token, revocation and introspection requests."""

    def __init__(self, options: Options, http: HttpClient | None = None) -> None:
        self.options = options
        self.http = http if http is not None else http_client_for(options)
        self.context = self.http.context
        self.client_auth = client_auth_from(options)

    def explained(self, error: OAuthError, metadata: Mapping[str, Any] | None = None) -> OAuthError:
        """An invalid_client error led by what most likely went wrong with this client (client_auth.refusal_causes)."""
        if error.error != 'invalid_client':
            return error
        return with_likely_causes(error, self.client_auth.refusal_causes(metadata, error.error_description))


class TokenClient(OPClient):
    """Requests tokens from one OP for one client."""

    def __init__(self, options: Options, http: HttpClient | None = None) -> None:
        super().__init__(options, http)
        # How the device authorization grant waits between polls (a test's fake clock replaces it).
        self.sleep: Callable[[float], object] = time.sleep

    def prepare(self) -> tuple[Grant, dict[str, Any]]:
        """Check everything that can be checked without the network; return (grant, form)."""
        o = self.options
        grant_type = o.grant_type
        exchange = None
        if grant_type == TOKEN_EXCHANGE or o.resource or o.token_audience:
            exchange = dict(
                subject_token=o.subject_token,
                subject_token_type=o.subject_token_type,
                actor_token=o.actor_token,
                actor_token_type=o.actor_token_type,
                requested_token_type=o.requested_token_type,
                resource=o.resource,
                audience=o.token_audience,
            )
        form = grant_form(
            grant_type,
            code=o.code,
            redirect_uri=o.redirect_uri,
            code_verifier=o.code_verifier,
            refresh_token=o.refresh_token,
            scope=o.scope,
            extra_params=o.extra_params,
            exchange=exchange,
            username=o.username,
            password=o.password,
        )
        for warning in self.client_auth.validate():
            self.context.warn(warning)
        check_assertion_audience(o, self.client_auth, self.context)
        if grant_type == PINGONE_FLOW:
            pingone_root(o)  # PingOne options, not issuer: fails in check mode too
        if grant_type == 'authorization_code' and o.scope:
            # RFC 6749 section 4.1.3 has no scope parameter: the scope was fixed by the authorization request (4.1.1).
            self.context.warn(
                (
                    'scope is not part of an authorization code exchange (RFC 6749 section 4.1.3): the OP grants the scope of the authorization '
                    f'request and most OPs ignore this one; put {" ".join(scope_list(o.scope))} in the authorization request instead'
                )
            )
        return GRANTS[grant_type], form

    def request_token(self) -> dict[str, Any]:
        """Send the grant and return the result dict (tokens, expiry, ID token claims).

        The device authorization grant's instructions (the verification URI and user code) go to the context's
        progress the moment they are known, before polling starts.
        """
        grant, form = self.prepare()
        if grant.name == PINGONE_FLOW:
            return self.sign_on_and_exchange()
        endpoints = resolve_endpoints(self.http, location_of(self.options))
        if grant.name == DEVICE_CODE:
            tokens = self.device_tokens(endpoints, form)
        else:
            tokens = self.send(grant, form, endpoints)
        self.context.remember(*(tokens.get(name) for name in SECRET_TOKEN_FIELDS))
        if grant.name == TOKEN_EXCHANGE:
            self.check_issued_token_type(tokens, form.get('requested_token_type'), endpoints.token_endpoint)
        if grant.name != 'authorization_code':
            self.check_scope(form.get('scope'), tokens.get('scope'), endpoints.token_endpoint, grant.what)
        result = dict(tokens, grant_type=grant.name, token_endpoint=endpoints.token_endpoint, issuer=endpoints.issuer, id_token_claims=None)
        if tokens.get('id_token') and self.options.validate_id_token:
            result['id_token_claims'] = self.validate_id_token(tokens, endpoints)
            result['issuer'] = result['id_token_claims']['iss']
        return result

    def send(self, grant: Grant, form: dict[str, Any], endpoints: Endpoints) -> dict[str, Any]:
        """One token request for the grant; the token fields of its answer."""
        url = endpoints.token_endpoint
        audience = audience_at(self.options, url, url, endpoints.issuer)
        response, sent_at = post(self.http, self.client_auth, url, form, grant.what, audience=audience, single_use=grant.single_use)
        try:
            return parse_token_response(
                response.status_code,
                response.headers,
                response.text,
                url,
                grant.what,
                sent_at,
                grant_type=grant.name,
                redirect_uri=form.get('redirect_uri'),
                pingone=endpoints.pingone,
            )
        except OAuthError as exc:
            raise with_pkce_hint(self.explained(exc, endpoints.metadata), grant.name, form) from None

    def device_tokens(self, endpoints: Endpoints, form: dict[str, Any]) -> dict[str, Any]:
        """RFC 8628: the device authorization request, the instructions shown at once, then polling until approved."""
        url = device_authorization_endpoint(self.http, endpoints, self.options.device_authorization_endpoint)
        token_endpoint = endpoints.token_endpoint
        poller = DevicePoller(
            self.http,
            self.client_auth,
            token_endpoint,
            audience_at(self.options, token_endpoint, token_endpoint, endpoints.issuer),
            self.options.device_timeout,
            sleep=self.sleep,
            clock=self.http.clock,  # the clock the HTTP client measures the polls' time limit with
        )
        # Section 3.1: the scope goes with the authorization request; the token request of section 3.4 has none.
        authorization = poller.authorize(url, form.get('scope'), audience_at(self.options, url, token_endpoint, endpoints.issuer))
        text = instructions(authorization, self.options.device_timeout)
        warning = verification_warning(authorization, (url, token_endpoint, endpoints.issuer))
        self.context.warn(warning)
        if self.context.shows_progress:
            if warning:
                # Also said now, beside the instructions: the result's warnings come only after the person approved.
                self.context.progress('WARNING: ' + warning)
            self.context.progress(text)
        else:
            self.context.warn('Nobody was shown how to approve the device authorization grant: ' + text)
        return poller.poll(authorization, {key: value for key, value in form.items() if key != 'scope'}, endpoints.pingone)

    def check_issued_token_type(self, tokens: Mapping[str, Any], requested: str | None, url: str) -> None:
        """RFC 8693 section 2.2.1: issued_token_type is REQUIRED; say when it is missing or not what was requested."""
        issued = tokens.get('issued_token_type')
        if not issued:
            self.context.warn(
                f'The token exchange answer of {url} has no issued_token_type (RFC 8693 section 2.2.1 requires it): the type of the token '
                'returned as access_token is not known'
            )
        elif requested and issued != requested:
            self.context.warn(f'The token exchange at {url} issued a {clean(issued, 120)}, not the {requested} requested (requested_token_type)')

    def sign_on_and_exchange(self) -> dict[str, Any]:
        """PingOne headless sign-on (_pingone.sign_on), then the authorization code grant with the code, its PKCE verifier and nonce.

        The flow runs on a session of its own (HttpClient.fork), whose cookies never reach the token endpoint.  The
        exchange is this client's: same client authentication, ID token validation (the nonce of the sign-on
        included) and context.
        """
        o = self.options
        signed_on = sign_on(self.http.fork(), pingone_root(o), o.client_id, o.redirect_uri, o.scope, o.username, o.password, o.nonce)
        exchange = TokenClient(
            self.options.replace(
                grant_type='authorization_code',
                code=signed_on.code,
                code_verifier=signed_on.code_verifier,
                nonce=signed_on.nonce,
                redirect_uri=signed_on.redirect_uri,
                scope=None,
                username=None,
                password=None,
            ),
            http=self.http,
        )
        result = exchange.request_token()
        result.update(grant_type=PINGONE_FLOW, flow_status=signed_on.flow_status)
        return result

    def check_scope(self, requested: str | None, granted: Any, url: str, what: str) -> None:
        """Warn, or fail with scope_downgrade=fail, when the token lacks requested scopes (RFC 6749 section 3.3)."""
        missing = missing_scopes(requested, granted)
        if not missing:
            return
        text = scope_downgrade_text(missing, granted)
        if self.options.scope_downgrade == 'fail':
            raise ResponseError.failure(what, url, f'{text}; the token is discarded (scope_downgrade=fail)', status=200)
        self.context.warn(f'{what[:1].upper()}{what[1:]} at {url}: {text}; scope_downgrade=fail makes this an error')

    def validate_id_token(self, tokens: Mapping[str, Any], endpoints: Endpoints) -> dict[str, Any]:
        """Validate the ID token against the OP's keys; return its claims."""
        id_token = tokens['id_token']
        header, unverified = unverified_header_and_claims(id_token)
        issuer = endpoints.issuer
        if endpoints.announced_issuer and issuer:
            # auth_base_url: on a custom domain the ID token's iss may be the custom domain's issuer or the
            # environment's standard one; the location's discovery document says which (see fetch_pingone_metadata).
            metadata = fetch_pingone_metadata(self.http, issuer)
            endpoints = Endpoints(endpoints.token_endpoint, metadata['issuer'], metadata['jwks_uri'], metadata, pingone=endpoints.pingone)
            issuer = endpoints.issuer
        if not issuer:
            # Only token_endpoint was given. Trust the token's iss only when the OP
            # serves it from the origin the client already trusts with its credentials.
            claimed = unverified.get('iss')
            if not isinstance(claimed, str) or not same_origin(claimed, endpoints.token_endpoint):
                raise IdTokenError(
                    f'Cannot validate the ID token: its issuer {claimed!r} is not on the origin of {endpoints.token_endpoint}; set issuer to '
                    'the OP issuer URL, or validate_id_token=false',
                    url=endpoints.token_endpoint,
                )
            issuer = claimed
        jwks = None
        allowed = None
        if endpoints.metadata:
            allowed = endpoints.metadata.get('id_token_signing_alg_values_supported')
        if not str(header.get('alg', '')).startswith('HS'):
            jwks_uri = endpoints.jwks_uri
            if not jwks_uri:
                metadata = endpoints.metadata or fetch_metadata(self.http, issuer)
                jwks_uri = metadata.get('jwks_uri')
                allowed = allowed or metadata.get('id_token_signing_alg_values_supported')
                if not jwks_uri:
                    raise IdTokenError(f'Cannot validate the ID token: the metadata of {issuer} has no jwks_uri')
            jwks = fetch_jwks(self.http, jwks_uri)
        return validate_id_token(
            id_token,
            issuer,
            self.options.client_id,
            jwks=jwks,
            client_secret=self.options.client_secret,
            nonce=self.options.nonce,
            access_token=tokens.get('access_token'),
            leeway=self.options.clock_skew,
            allowed_algs=allowed,
        )
