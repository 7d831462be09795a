# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """What to ask the token endpoint for, and how to check the ID token: shared by the token module and lookup."""

    DOCUMENTATION = r'''
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
    type: str
    choices: [authorization_code, client_credentials, refresh_token, pingone_flow]
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
    type: str
'''

    # Where lookups read the user of grant_type=pingone_flow besides their keyword arguments (see connection.PLUGINS).
    PLUGINS = r'''
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
'''
