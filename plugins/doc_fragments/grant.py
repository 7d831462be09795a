# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """What to ask the token endpoint for, and how to check the ID token: shared by the token module and lookup."""

    DOCUMENTATION = r"""
options:
  grant_type:
    description:
      - The OAuth 2.0 grant.
      - When unset, V(authorization_code) if O(code) is set, V(refresh_token) if O(refresh_token) is set,
        else V(client_credentials).
      - V(pingone_flow) is PingOne's headless sign-on, no browser involved. The authorization request is sent with
        C(response_mode=pi.flow), PKCE, C(state) and C(nonce). O(username) and O(password) are checked through PingOne's
        flow API, then the code is exchanged with the client's authentication and the ID token's nonce is checked.
        It needs O(environment_id) or O(auth_base_url), O(redirect_uri), O(username) and O(password), and works only
        when the application's sign-on policy asks for nothing but a password. A flow that ends otherwise (MFA, expired
        password) fails with PingOne's flow status in C(flow_status), before any code is issued.
      - V(urn:ietf:params:oauth:grant-type:device_code) (or V(device_code)) is the device authorization grant (RFC 8628),
        for a person in the loop of a job; the token module only. The task shows a verification URI and a user code in the
        job output, then waits until the person approves at the OP (at most O(device_timeout)).
      - V(urn:ietf:params:oauth:grant-type:token-exchange) (or V(token_exchange)) is token exchange (RFC 8693), which trades
        O(subject_token) for a token of another scope, resource or audience.
      - Results and the token store use the URN whichever name is given.
    type: str
    choices:
      - authorization_code
      - client_credentials
      - refresh_token
      - pingone_flow
      - urn:ietf:params:oauth:grant-type:device_code
      - urn:ietf:params:oauth:grant-type:token-exchange
      - device_code
      - token_exchange
  code:
    description:
      - The authorization code from the redirect of the authorization request (the C(code) query parameter).
      - Codes are single-use and short-lived (a PingOne code expires after 10 minutes). Redeeming one twice fails with
        C(invalid_grant), and the OP may revoke the tokens already issued from it (RFC 6749 section 4.1.2).
      - An C(invalid_grant) message shows the O(redirect_uri) sent, which must be the same string as in the authorization request.
    type: str
  redirect_uri:
    description:
      - The redirect URI used in the authorization request; must be exactly the same string.
      - Required with O(grant_type=authorization_code) and O(grant_type=pingone_flow) (one of the application's redirect
        URIs; nothing is sent to it).
    type: str
  code_verifier:
    description:
      - The PKCE code verifier (RFC 7636) whose challenge was sent in the authorization request.
    type: str
  refresh_token:
    description:
      - The refresh token, for O(grant_type=refresh_token).
    type: str
  scope:
    description:
      - Scopes to request, for example V([openid, profile]) or V(api:read). Sent space-separated.
      - With the authorization code grant the scopes come from the authorization request; do not set this. If set, it
        is sent anyway (some OPs read it) and the result carries a warning.
      - When the token response names a scope that lacks a requested one (RFC 6749 section 3.3 lets an OP grant less),
        the result carries a warning, or the task fails with O(scope_downgrade=fail).
    type: list
    elements: str
  scope_downgrade:
    description:
      - What to do when the OP grants fewer scopes than O(scope) requested, that is when the token response's C(scope)
        lacks one of them (an empty C(scope) grants none). An answer without C(scope) grants what was requested
        (RFC 6749 section 5.1).
      - V(warn) returns the token with a warning. V(fail) fails and discards the token; with a refresh token grant the
        OP may already have rotated the refresh token, so the old one may no longer work.
      - Not checked for the authorization code grant, whose scope comes from the authorization request.
    type: str
    choices: [warn, fail]
    default: warn
  extra_params:
    description:
      - More form fields for the token request, for example a C(resource) URL (RFC 8707)
        or an C(audience).
      - Cannot set fields the module owns (C(grant_type), C(code), C(client_assertion), ...).
      - A list is sent as the field repeated (C(resource=a&resource=b), as RFC 8707 section 2 allows). A dict, or a
        list inside a list, has no form encoding and is refused, naming the field; give such a value as a string.
    type: dict
    default: {}
  nonce:
    description:
      - The nonce sent in the authorization request; the ID token must carry the same value.
    type: str
  validate_id_token:
    description:
      - Validate an ID token that comes back and return its claims as C(id_token_claims).
      - With only O(token_endpoint) set, the issuer is taken from the ID token and accepted only when it is on the
        same origin (scheme, host, port) as the token endpoint; otherwise set O(issuer) or the PingOne options.
    type: bool
    default: true
  clock_skew:
    description:
      - Seconds of clock difference with the OP tolerated when checking the ID token's C(exp) and C(iat).
    type: int
    default: 60
  device_authorization_endpoint:
    description:
      - The device authorization endpoint (RFC 8628 section 3.1), for the device authorization grant.
      - Needed only with O(token_endpoint) alone. Otherwise it comes from the OP's discovery document
        (C(device_authorization_endpoint)) or, for PingOne, is C(https://auth.pingone.<tld>/<environment_id>/as/device_authorization).
    type: str
  device_timeout:
    description:
      - The longest the device authorization grant waits for the person to approve, in seconds, between 1 and 3600.
      - The wait also ends when the device code expires (its C(expires_in)). Polls are sent at the interval the OP asks for
        (5 seconds when it names none), 5 seconds more after each C(slow_down) (RFC 8628 section 3.5).
      - Everything the polls wait for stays within this limit, the retries of a poll (O(retries)) and their waits included,
        whether for the C(Retry-After) of an HTTP 429 or 503 or after a lost connection. Each attempt's O(timeout) is cut
        to the time left.
        A poll or retry that could only be sent at or after the limit is not sent; the task fails at once, naming
        O(device_timeout) (or the device code's C(expires_in)) and what the last poll met.
    type: int
    default: 600
  subject_token:
    description:
      - The token to exchange, for the token exchange grant (RFC 8693 section 2.1), for example an access token from
        another task. It is a secret, never shown. In the token store it is part of the entry's identity as a hash only.
      - PingOne exchanges tokens issued by the same environment.
    type: str
  subject_token_type:
    description:
      - The type of O(subject_token), a token type URI of RFC 8693 section 3.
    type: str
    default: urn:ietf:params:oauth:token-type:access_token
  actor_token:
    description:
      - A token that represents the party acting for the subject (delegation, RFC 8693 section 1.1). Needs O(actor_token_type).
    type: str
  actor_token_type:
    description:
      - The type of O(actor_token), a token type URI of RFC 8693 section 3.
    type: str
  requested_token_type:
    description:
      - The type of token wanted from the token exchange, a token type URI of RFC 8693 section 3. The OP decides when unset.
      - The type issued is returned as RV(jwtauth.oidc.token#module:issued_token_type); a warning says when it differs.
    type: str
  resource:
    description:
      - Where the exchanged token will be used, as absolute URIs (RFC 8693 section 2.1, RFC 8707). Token exchange only; with
        other grants, send a C(resource) with O(extra_params).
    type: list
    elements: str
  token_audience:
    description:
      - The logical names of the services the exchanged token is for, sent as RFC 8693's C(audience) parameter. Token
        exchange only.
      - Not called C(audience) because O(audience) already sets the C(aud) of the client assertion, a different thing.
    type: list
    elements: str
  username:
    description:
      - The PingOne user who signs on with O(grant_type=pingone_flow), usually a service account.
      - Or the E(JWTAUTH_OIDC_USERNAME) environment variable (an input of the AWX credential type). A task that sets
        O(username) never takes O(password) from the environment.
    type: str
  password:
    description:
      - The password of O(username), for O(grant_type=pingone_flow). Never shown, logged or returned.
      - Or the E(JWTAUTH_OIDC_PASSWORD) environment variable (an input of the AWX credential type).
      - A wrong password counts towards the account's lockout; the password check is never resent.
      - The lookup serves a stored token of the user only for the password that signed on; another password signs on
        again, and PingOne checks it. The store names the entry from a keyed hash of the password (an HMAC keyed from
        the client credential) and never keeps the password.
    type: str
"""

    # Where lookups read the user of grant_type=pingone_flow besides their keyword arguments (see connection.PLUGINS).
    PLUGINS = r"""
options:
  username:
    env:
      - name: JWTAUTH_OIDC_USERNAME
    vars:
      - name: jwtauth_oidc_username
  password:
    env:
      - name: JWTAUTH_OIDC_PASSWORD
    vars:
      - name: jwtauth_oidc_password
"""
