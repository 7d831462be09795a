# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Client assertion JWTs (RFC 7523, OIDC Core section 9). Internal to this collection; not a public API."""

from __future__ import annotations


import re
import time
import uuid
import warnings
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

HMAC_ALGS = ('HS256', 'HS384', 'HS512')
ASYMMETRIC_ALGS = ('RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA')

# Which key type signs which JWA family (RFC 7518 section 3.1), by the alg's first two letters.
ALG_FAMILY = {'RS': 'RSA', 'PS': 'RSA', 'ES': 'EC', 'Ed': 'OKP'}

# PingOne refuses an exp more than an hour ahead; a short default limits replay.
DEFAULT_LIFETIME = 60
MAX_LIFETIME = 3600

# RFC 7518 section 3.2: "A key of the same size as the hash output ... or larger MUST be used".
HMAC_MIN_KEY_BYTES = {'HS256': 32, 'HS384': 48, 'HS512': 64}

# The JWS typ header of a client assertion (the assertion_typ option). JWT is what RFC 7519 section 5.1 suggests and
# what every OP this collection meets accepts. draft-ietf-oauth-rfc7523bis (approved, in the RFC Editor queue) registers
# client-authentication+jwt (IANA media type application/client-authentication+jwt, "Section 4 of
# RFC-ietf-oauth-rfc7523bis-11") so that an assertion cannot be taken for another kind of JWT. Not the default: no
# discovery metadata says an OP wants it, and an OP whose JWT library expects typ JWT (or none) refuses it
# (nais/wonderwall made it opt-in for that reason, naming Entra ID; UNCONFIRMED against Microsoft's documentation).
TYP_JWT = 'JWT'
TYP_CLIENT_AUTHENTICATION = 'client-authentication+jwt'
ASSERTION_TYPES = (TYP_JWT, TYP_CLIENT_AUTHENTICATION)


def require_pyjwt() -> ModuleType:
    """Import PyJWT on first use, raising a clear error when it is missing.

    Lazily, because the option layer imports this module and a lookup served
    from the token store never signs anything.
    """
    try:
        import jwt
    except ImportError:
        raise ConfigurationError(
            'The Python library "PyJWT" (with its crypto extra) is required on the Ansible controller: pip install "PyJWT[crypto]"'
        ) from None
    return jwt


def assertion_claims(client_id: str, audience: str, lifetime: int = DEFAULT_LIFETIME, now: float | None = None, jti: str | None = None) -> dict[str, Any]:
    """The claims of a client assertion; a fresh jti and timestamps on every call.

    RFC 7523 section 3: iss and sub are the client_id (OIDC Core section 9 requires
    both), aud identifies the authorization server (which URL, endpoint by endpoint:
    _oauth.audience), exp is required, jti lets the server refuse replays; iat is recommended.
    """
    if not 0 < lifetime <= MAX_LIFETIME:
        raise ConfigurationError(f'assertion_lifetime must be between 1 and {MAX_LIFETIME} seconds, got {lifetime}')
    issued_at = int(time.time() if now is None else now)
    return {
        'iss': client_id,
        'sub': client_id,
        'aud': audience,
        'iat': issued_at,
        'exp': issued_at + int(lifetime),
        'jti': jti or str(uuid.uuid4()),
    }


def hmac_key_warning(secret: str, alg: str) -> str | None:
    """A warning text when an HMAC secret is shorter than RFC 7518 section 3.2 requires, else None."""
    needed = HMAC_MIN_KEY_BYTES[alg]
    if len(secret.encode('utf-8')) < needed:
        return f'client_secret is shorter than the {needed} bytes RFC 7518 section 3.2 requires for {alg}; the OP may reject the assertion'
    return None


_PATH_LIKE = re.compile(r'(?:[~./]|[A-Za-z]:\\)\S*|\S+\.(?:pem|key|p8|der)')


def not_a_pem_key(pem: str) -> str | None:
    """Why ``pem`` is plainly not the text of a PEM private key (RFC 7468), without showing it; None otherwise.

    The usual mistake is a file path (the option takes the key itself, as a vaulted variable or an AWX credential
    gives it); then a public key or a certificate, whose PEM labels say so.
    """
    text = pem.strip()
    if '-----BEGIN' not in text:
        if '\n' not in text and _PATH_LIKE.fullmatch(text):
            return (
                'private_key looks like a file path, not a key: it takes the PEM text of the key itself, read for example '
                "with lookup('ansible.builtin.file', 'keys/worker.pem'), or from a vaulted variable or an AWX credential"
            )
        return 'private_key is not a PEM private key: it has no -----BEGIN ... PRIVATE KEY----- line'
    if 'PRIVATE KEY-----' not in text:
        label = 'a certificate' if 'BEGIN CERTIFICATE' in text else 'a public key' if 'PUBLIC KEY' in text else 'not a private key'
        return f'private_key is {label}: it takes the PEM text of the private key (-----BEGIN PRIVATE KEY-----)'
    return None


def load_private_key(pem: str, passphrase: str | None = None) -> PrivateKeyTypes:
    """Load a PEM private key, raising ConfigurationError without echoing the key."""
    try:
        from cryptography.hazmat.primitives import serialization
    except ImportError:
        raise ConfigurationError('The Python library "cryptography" is required for private_key_jwt: pip install "PyJWT[crypto]"') from None
    problem = not_a_pem_key(pem)
    if problem:
        raise ConfigurationError(problem)
    password = passphrase.encode('utf-8') if passphrase else None
    try:
        return serialization.load_pem_private_key(pem.encode('utf-8'), password=password)
    except (ValueError, TypeError) as exc:
        # The library's message may quote PEM framing but never the key; keep only its class.
        raise ConfigurationError(
            (
                'private_key is not a usable PEM private key ('
                f'{"wrong or missing private_key_passphrase" if "password" in str(exc).lower() else type(exc).__name__})'
            )
        ) from None


def sign(claims: dict[str, Any], key: str | PrivateKeyTypes, alg: str, key_id: str | None = None, typ: str = TYP_JWT) -> str:
    """Sign claims as a compact JWS with the header ``typ``; ``key`` is the secret string (HS*) or a private key object."""
    jwt = require_pyjwt()
    headers = {'typ': typ}
    if key_id:
        headers['kid'] = key_id
    if alg in HMAC_ALGS:
        key = key.encode('utf-8')  # type: ignore[union-attr,assignment]  # HS* keys are the client secret, a str
    try:
        with warnings.catch_warnings():
            # PyJWT warns about short HMAC keys; hmac_key_warning() reports that as an Ansible warning.
            warnings.simplefilter('ignore')
            return jwt.encode(claims, key, algorithm=alg, headers=headers)
    except (jwt.exceptions.PyJWTError, ValueError, TypeError) as exc:
        raise ConfigurationError(f'Cannot sign the client assertion with {alg}: {type(exc).__name__}') from None
