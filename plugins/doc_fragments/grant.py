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
    type: str
    choices: [authorization_code, client_credentials, refresh_token]
  code:
    description:
      - The authorization code from the redirect of the authorization request (the C(code) query parameter).
      - Codes are single-use and short-lived (PingOne, 1 minute by default). Redeeming one twice fails with
        C(invalid_grant) and makes the OP revoke the tokens already issued from it.
    type: str
  redirect_uri:
    description:
      - The redirect URI used in the authorization request; must be exactly the same string.
      - Required with O(grant_type=authorization_code).
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
      - With the authorization code grant the scopes come from the authorization request; do not set this.
    type: list
    elements: str
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
'''
