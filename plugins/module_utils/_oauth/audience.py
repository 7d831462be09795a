# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ``aud`` of a client assertion at each endpoint of the OP. Internal to this collection; not a public API.

RFC 7523 section 3 asks for "a value that identifies the authorization server" and offers the token endpoint URL;
OPs read that differently once the assertion authenticates the client elsewhere than at the token endpoint:

- idpyoidc accepts, at each endpoint, only that endpoint's own URL: ``Endpoint.allowed_targets = [self.name]``
  (src/idpyoidc/server/endpoint.py), checked against ``aud`` in ``JWSAuthnMethod`` (server/client_authn.py);
  only userinfo adds the issuer.
- Glewlwyd compares ``aud`` with ``<plugin URL>/<endpoint>`` at token, introspect, revoke, device_authorization, par
  and ciba (``validate_jwt_assertion_request`` in src/plugin/protocol_oidc.c).
- Okta: ``aud`` is "the full URL of the resource that you're using the JWT to authenticate to" (Okta developer
  guide "Build a JWT for client authentication", claims list).
- PingOne ("Create a client secret JWT"): "(1) the token endpoint (/as/token), (2) the issuer uri (/as), (3) the
  endpoint being called (for example, /as/introspect)", as full URLs.
- oidc-provider: the issuer, the token endpoint or the URL of the endpoint called
  (``OIDCContext.clientJwtAuthExpectedAudience``, lib/helpers/oidc_context.js).
- draft-ietf-oauth-rfc7523bis (approved, in the RFC Editor queue) makes the issuer identifier, as a single string,
  the audience every authorization server must accept, closing the audience-injection attack; the OPs above that
  predate it (idpyoidc, Glewlwyd) refuse it at their token endpoints.

So the URL of the endpoint called (the token endpoint at the token endpoint) is what every one of them accepts but an
OP that follows the draft strictly, and it is the default (``endpoint``); ``token_endpoint`` is what this collection
sent everywhere before, ``issuer`` the draft's value.  An explicit ``audience`` option is sent as it is, everywhere.
"""

from __future__ import annotations

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError

ENDPOINT = 'endpoint'
TOKEN_ENDPOINT = 'token_endpoint'
ISSUER = 'issuer'
AUDIENCE_STYLES = (ENDPOINT, TOKEN_ENDPOINT, ISSUER)

ISSUER_UNKNOWN = (
    'assertion_audience=issuer names the OP by its issuer identifier, which the options do not give (token_endpoint alone '
    'does not say what it is): set issuer, or environment_id or auth_base_url for PingOne, or give the aud itself in audience'
)


def require_issuer(style: str, audience: str | None, issuer_known: bool) -> None:
    """Raise ConfigurationError, before any request, when the ``issuer`` style cannot know the issuer."""
    if style == ISSUER and not audience and not issuer_known:
        raise ConfigurationError(ISSUER_UNKNOWN)


def ignored_style(style: str, audience: str | None) -> str | None:
    """A warning when an explicit ``audience`` makes a chosen style moot (it wins at every endpoint), else None."""
    if audience and style != ENDPOINT:
        return f'assertion_audience={style} is not used: audience is set, and the client assertion names it at every endpoint'
    return None


def assertion_audience(style: str, audience: str | None, endpoint: str, token_endpoint: str | None, issuer: str | None) -> str:
    """The ``aud`` of the client assertion sent to ``endpoint``.

    ``audience`` is the explicit option, which wins; ``style`` the assertion_audience option; ``token_endpoint`` and
    ``issuer`` what is known of the OP (None when the options do not say).
    """
    if audience:
        return audience
    if style == ENDPOINT:
        return endpoint
    if style == TOKEN_ENDPOINT:
        # What every request sent before; with only an endpoint option (revocation_endpoint alone) no token endpoint
        # is known, and the endpoint called is the closest thing to one.
        return token_endpoint or endpoint
    if style == ISSUER:
        require_issuer(style, audience, bool(issuer))
        return issuer  # type: ignore[return-value]  # require_issuer refused a None
    raise ConfigurationError(f'assertion_audience must be one of {", ".join(AUDIENCE_STYLES)}, got {style}')
