# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Client authentication methods at the OP's endpoints, one small class each.

Internal to this collection; not a public API.  Each class checks what it
needs without touching the network (``validate``) and returns the form fields
and headers it adds to one request (``apply``).  Assertions are signed anew for
every request: new jti, iat and exp.  Which ``aud`` an assertion names is the
caller's to say (_oauth.audience decides it, endpoint by endpoint).
"""

from __future__ import annotations

import base64
import time
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote_plus

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.assertion import (
    ALG_FAMILY,
    ASSERTION_TYPES,
    ASYMMETRIC_ALGS,
    CLIENT_ASSERTION_TYPE,
    DEFAULT_LIFETIME,
    HMAC_ALGS,
    TYP_JWT,
    assertion_claims,
    hmac_key_warning,
    load_private_key,
    require_pyjwt,
    sign,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
    from requests import Response

    from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient

    # What apply() returns: form fields and headers to add to one request.
    Presentation = tuple[dict[str, str], dict[str, str]]


class ClientAuth:
    """Base class: the client's identity and credentials, and how to present them."""

    name: str | None = None
    # Options this method cannot work without.
    needs: tuple[str, ...] = ()
    # Whether it signs a client assertion, whose aud and typ matter.
    uses_assertion = False

    def __init__(
        self,
        client_id: str,
        client_secret: str | None = None,
        private_key: str | None = None,
        private_key_passphrase: str | None = None,
        key_id: str | None = None,
        signing_alg: str | None = None,
        assertion_lifetime: int = DEFAULT_LIFETIME,
        assertion_typ: str = TYP_JWT,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.private_key = private_key
        self.private_key_passphrase = private_key_passphrase
        self.key_id = key_id
        self.signing_alg = signing_alg
        self.assertion_lifetime = assertion_lifetime
        self.assertion_typ = assertion_typ

    def validate(self) -> list[str]:
        """Check the options this method needs; return a list of warnings, raise ConfigurationError."""
        if not self.client_id:
            raise ConfigurationError('client_id is required')
        for option in self.needs:
            if not getattr(self, option):
                raise ConfigurationError(f'{option} is required when auth_method is {self.name}')
        return []

    def refusal_causes(self, metadata: Mapping[str, Any] | None, description: str | None) -> list[str]:
        """What most likely made the OP answer invalid_client (RFC 6749 section 5.2), from what is known without asking
        it again: the methods and algorithms its metadata advertises (RFC 8414 section 2), its own words, and what is
        known of this client's credential; most likely first, none when nothing points anywhere."""
        causes = []
        supported = (metadata or {}).get('token_endpoint_auth_methods_supported')
        if isinstance(supported, list) and all(isinstance(name, str) for name in supported) and self.name not in supported:
            causes.append(
                f'auth_method {self.name} is not among the methods the OP advertises ({", ".join(supported)}): set the one the client is registered with'
            )
        if 'unsupported authentication method' in (description or '').lower():
            # PingOne's words when the application's Token Endpoint Authentication Method is another one.
            causes.append(
                f'the OP says the client is registered with another authentication method than {self.name}: set auth_method to the '
                "client's (in PingOne, the application's Token Endpoint Authentication Method)"
            )
        return causes

    def apply(self, audience: str) -> Presentation:
        """Return ``(form_fields, headers)`` to add to one request; ``audience`` is the aud of a client assertion
        (the methods that sign none ignore it)."""
        raise NotImplementedError


class NoneAuth(ClientAuth):
    """Public client (RFC 6749 section 2.1): identifies itself with client_id only."""

    name = 'none'

    def apply(self, audience: str) -> Presentation:
        return {'client_id': self.client_id}, {}


class ClientSecretBasic(ClientAuth):
    """HTTP Basic with client_id and client_secret (RFC 6749 section 2.3.1)."""

    name = 'client_secret_basic'
    needs = ('client_secret',)

    def apply(self, audience: str) -> Presentation:
        # RFC 6749 section 2.3.1: both parts are form-urlencoded before Base64. (validate() required client_secret.)
        pair = f'{quote_plus(self.client_id)}:{quote_plus(cast(str, self.client_secret))}'
        credentials = base64.b64encode(pair.encode('utf-8')).decode('ascii')
        return {}, {'Authorization': 'Basic ' + credentials}


class ClientSecretPost(ClientAuth):
    """client_id and client_secret in the request body (RFC 6749 section 2.3.1)."""

    name = 'client_secret_post'
    needs = ('client_secret',)

    def apply(self, audience: str) -> Presentation:
        return {'client_id': self.client_id, 'client_secret': cast(str, self.client_secret)}, {}


class _JwtAuth(ClientAuth):
    """Shared part of the two JWT methods: build and present the client assertion."""

    allowed_algs: tuple[str, ...] = ()
    default_alg: str | None = None
    uses_assertion = True

    def validate(self) -> list[str]:
        warnings = super().validate()
        require_pyjwt()
        if self.signing_alg and self.signing_alg not in self.allowed_algs:
            raise ConfigurationError(f'signing_alg {self.signing_alg} cannot be used with {self.name}; choose one of {", ".join(self.allowed_algs)}')
        if self.assertion_typ not in ASSERTION_TYPES:
            raise ConfigurationError(f'assertion_typ must be one of {", ".join(ASSERTION_TYPES)}, got {self.assertion_typ}')
        # Fails early with the option name, before any network traffic.
        assertion_claims(self.client_id, 'https://example.invalid', self.assertion_lifetime)
        return warnings

    def _signing_key(self) -> str | PrivateKeyTypes:
        raise NotImplementedError

    def refusal_causes(self, metadata: Mapping[str, Any] | None, description: str | None) -> list[str]:
        causes = super().refusal_causes(metadata, description)
        alg = self.signing_alg or self.default_alg
        supported = (metadata or {}).get('token_endpoint_auth_signing_alg_values_supported')
        if alg and isinstance(supported, list) and all(isinstance(name, str) for name in supported) and alg not in supported:
            causes.append(f'signing_alg {alg} is not among the assertion algorithms the OP advertises ({", ".join(supported)})')
        return causes

    def apply(self, audience: str) -> Presentation:
        claims = assertion_claims(self.client_id, audience, self.assertion_lifetime)
        # _signing_key() runs first: for private_key_jwt it validates, which sets default_alg from the key.
        client_assertion = sign(claims, self._signing_key(), cast(str, self.signing_alg or self.default_alg), self.key_id, self.assertion_typ)
        # RFC 7521 section 4.2: client_id is optional with an assertion; sending it helps OPs route the request.
        return {
            'client_id': self.client_id,
            'client_assertion_type': CLIENT_ASSERTION_TYPE,
            'client_assertion': client_assertion,
        }, {}


class ClientSecretJwt(_JwtAuth):
    """JWT signed with HMAC keyed by the client secret (OIDC Core section 9)."""

    name = 'client_secret_jwt'
    needs = ('client_secret',)
    allowed_algs = HMAC_ALGS
    default_alg: str = 'HS256'

    def validate(self) -> list[str]:
        warnings = super().validate()
        short = hmac_key_warning(cast(str, self.client_secret), self.signing_alg or self.default_alg)
        return warnings + ([short] if short else [])

    def _signing_key(self) -> str | PrivateKeyTypes:
        return cast(str, self.client_secret)

    def refusal_causes(self, metadata: Mapping[str, Any] | None, description: str | None) -> list[str]:
        causes = super().refusal_causes(metadata, description)
        short = hmac_key_warning(cast(str, self.client_secret), self.signing_alg or self.default_alg)
        return causes + (
            [short.replace('; the OP may reject the assertion', ': a secret this short is not the registered one, or the OP refuses it')] if short else []
        )


class PrivateKeyJwt(_JwtAuth):
    """JWT signed with the client's private key (RFC 7523, OIDC Core section 9)."""

    name = 'private_key_jwt'
    needs = ('private_key',)
    allowed_algs = ASYMMETRIC_ALGS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._key: PrivateKeyTypes | None = None

    def validate(self) -> list[str]:
        warnings = super().validate()
        self._key = load_private_key(cast(str, self.private_key), self.private_key_passphrase)
        family = key_family(self._key)
        self.default_alg = DEFAULT_ALG_BY_FAMILY.get(family)
        alg = self.signing_alg or self.default_alg
        # RFC 7518 section 3.4: each ES* algorithm names its curve; RSA keys serve every RS*/PS*.
        fits = alg == self.default_alg if family.startswith('EC-') else ALG_FAMILY.get((alg or '')[:2]) == family
        if alg is None or not fits:
            raise ConfigurationError(f'signing_alg {alg} does not fit a {family} private key')
        if not self.key_id:
            warnings.append('key_id is not set; OPs with several registered keys may not find the one that signed the assertion')
        return warnings

    def refusal_causes(self, metadata: Mapping[str, Any] | None, description: str | None) -> list[str]:
        causes = super().refusal_causes(metadata, description)
        said = (description or '').lower()
        if re.search(r'\bkid\b|\bkey\b|signature', said):
            # The OP names the key or the signature: it found no registered key that verifies the assertion.
            causes.append(
                f'the OP knows no key {self.key_id!r} of this client that verifies the assertion: check key_id and that the public key is registered'
                if self.key_id
                else 'the OP found no registered key that verifies the assertion: register the public key, and set key_id when the client has several'
            )
        return causes

    def _signing_key(self) -> str | PrivateKeyTypes:
        if self._key is None:
            self.validate()
        return cast('PrivateKeyTypes', self._key)


DEFAULT_ALG_BY_FAMILY = {'RSA': 'RS256', 'EC-P-256': 'ES256', 'EC-P-384': 'ES384', 'EC-P-521': 'ES512', 'OKP': 'EdDSA'}


def key_family(key: object) -> str:
    """'RSA', 'EC-<curve>' or 'OKP' for a cryptography private key object."""
    # Imported here: load_private_key() has already required cryptography.
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

    if isinstance(key, rsa.RSAPrivateKey):
        return 'RSA'
    if isinstance(key, ec.EllipticCurvePrivateKey):
        curve = {'secp256r1': 'P-256', 'secp384r1': 'P-384', 'secp521r1': 'P-521'}.get(key.curve.name, key.curve.name)
        return 'EC-' + curve
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
        return 'OKP'
    return type(key).__name__


AUTH_METHODS = {cls.name: cls for cls in (NoneAuth, ClientSecretBasic, ClientSecretPost, ClientSecretJwt, PrivateKeyJwt)}


def make_client_auth(auth_method: str, **kwargs: Any) -> ClientAuth:
    """Build the client authentication strategy named ``auth_method``."""
    try:
        return AUTH_METHODS[auth_method](**kwargs)
    except KeyError:
        raise ConfigurationError(f'auth_method must be one of {", ".join(AUTH_METHODS)}, got {auth_method}') from None


# The form fields of a presentation that carry a credential, besides the Authorization header (see post).
CREDENTIAL_FIELDS = ('client_assertion', 'client_secret')


def presented_credentials(fields: Mapping[str, str], headers: Mapping[str, str]) -> list[str]:
    """The credentials a presentation sends: the assertion or secret fields, and the Authorization header's credentials."""
    found = [fields[name] for name in CREDENTIAL_FIELDS if fields.get(name)]
    authorization = headers.get('Authorization') or ''
    if ' ' in authorization:
        found.append(authorization.split(' ', 1)[1])
    return found


def post(
    http: HttpClient,
    client_auth: ClientAuth,
    url: str,
    form: Mapping[str, Any],
    what: str,
    audience: str,
    single_use: bool = False,
    source: str | None = None,
    within: float | None = None,
) -> tuple[Response, float]:
    """POST ``form`` to an endpoint of the OP with the client's authentication: the answer, and when its last attempt left.

    The one way the library calls the token, revocation, introspection and device authorization endpoints. Each
    attempt, retries included, presents the client anew: a new client assertion (jti, iat, exp), since OPs accept
    each jti once (RFC 7523 section 3, item 7).  ``audience`` is the assertion's aud, which the caller chose for this
    endpoint (_oauth.audience).  What it sends as credentials
    is remembered in the task's context, for masking.  ``within`` bounds the call, retries included (HttpClient.request).
    """
    sent_at: list[float] = []

    def build() -> tuple[dict[str, Any], dict[str, str]]:
        fields, headers = client_auth.apply(audience)
        http.context.remember(*presented_credentials(fields, headers))
        headers['Accept'] = 'application/json'
        sent_at.append(time.time())
        return dict(form, **fields), headers

    response = http.request('POST', url, what, single_use=single_use, build=build, source=source, within=within)
    return response, sent_at[-1]
