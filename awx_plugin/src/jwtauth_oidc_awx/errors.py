# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the plugin raises, one class per cause: AWX's Test button shows only an exception's class name
(awx/api/views: CredentialExternalTest answers ``exc.__class__.__name__``), so the name itself says what to fix. A job
launch shows the message too, in the job's traceback."""

from __future__ import annotations

from jwtauth_oidc_awx._library._errors import (
    ConfigurationError,
    DeadlineError,
    OAuthError,
    OIDCError,
    StoreError,
    TransportError,
)


class TokenLookupError(Exception):
    """Base of the plugin's errors, and the class of a failure it did not foresee."""


class CredentialInputError(TokenLookupError):
    """The inputs cannot work: something missing or contradictory. Nothing was sent."""


class ClientAuthenticationFailed(TokenLookupError):
    """The OP refused the client's authentication (invalid_client): the secret, key, method or algorithm is wrong."""


class TokenRequestRefused(TokenLookupError):
    """The OP answered with another OAuth error (invalid_scope, unauthorized_client, ...)."""


class ProviderUnreachable(TokenLookupError):
    """No answer from the OP: DNS, refused connection, TLS, proxy, timeout."""


class ProviderAnswerError(TokenLookupError):
    """The OP answered with something the plugin cannot use: a server error, a discovery document that does not fit."""


class TokenCacheError(TokenLookupError):
    """The token cache on this node cannot be used (see JWTAUTH_OIDC_AWX_CACHE_DIR)."""


def from_library(exc: BaseException) -> TokenLookupError:
    """The plugin's error for whatever a call raised, with its message (masked by the caller)."""
    if isinstance(exc, TokenLookupError):
        return exc
    if isinstance(exc, OIDCError):
        if isinstance(exc, OAuthError):
            cls: type[TokenLookupError] = ClientAuthenticationFailed if exc.error == 'invalid_client' else TokenRequestRefused
        elif isinstance(exc, ConfigurationError):
            cls = CredentialInputError
        elif isinstance(exc, (TransportError, DeadlineError)):
            cls = ProviderUnreachable
        elif isinstance(exc, StoreError):
            cls = TokenCacheError
        else:
            cls = ProviderAnswerError
        return cls(str(exc))
    return TokenLookupError(f'Unexpected {type(exc).__name__}: {exc}')
