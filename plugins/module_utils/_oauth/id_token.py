# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ID token validation (OIDC Core section 3.1.3.7). Internal to this collection; not a public API."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Sequence
from typing import Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import IdTokenError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.bounds import MAX_JSON_DEPTH, json_too_deep
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.assertion import ALG_FAMILY

try:
    import jwt
    from jwt.exceptions import PyJWTError
except ImportError:  # pragma: no cover - _assertion.require_pyjwt() reports it
    jwt = None  # type: ignore[assignment]
    PyJWTError = Exception  # type: ignore[assignment,misc]

# Algorithms accepted for ID token signatures.  "none" is never accepted; HS*
# ID tokens are keyed by the client secret (OIDC Core section 10.1).
ID_TOKEN_ALGS = ('RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'HS256', 'HS384', 'HS512')

_HASHES = {'256': hashlib.sha256, '384': hashlib.sha384, '512': hashlib.sha512}


def unverified_header_and_claims(id_token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a JWT without checking the signature (to choose the key and issuer)."""
    if _nested_too_deep(id_token):
        # PyJWT's json.loads would end in RecursionError; the claims would be returned, and walked, whole.
        raise IdTokenError(f'The ID token is not a well-formed JWT (its JSON is nested more than {MAX_JSON_DEPTH} levels deep)')
    try:
        return jwt.get_unverified_header(id_token), jwt.decode(id_token, options={'verify_signature': False})
    except PyJWTError as exc:
        raise IdTokenError(f'The ID token is not a well-formed JWT ({type(exc).__name__})') from None


def _nested_too_deep(token: str) -> bool:
    """Whether the JOSE header or the payload of a compact JWS nests its JSON too deep (bounds.json_too_deep)."""
    for segment in token.split('.')[:2]:
        try:
            text = base64.urlsafe_b64decode(segment + '=' * (-len(segment) % 4)).decode('utf-8')
        except (ValueError, UnicodeDecodeError):
            return False  # PyJWT says what is wrong with it
        if json_too_deep(text):
            return True
    return False


def select_key(jwks: dict[str, Any], header: dict[str, Any]) -> Any:
    """The verification key for a JWS header: by kid, else the only key that can verify the alg."""
    alg = header.get('alg')
    kid = header.get('kid')
    candidates = []
    for jwk in jwks.get('keys', []):
        if jwk.get('use', 'sig') != 'sig':
            continue
        if kid is not None and jwk.get('kid') != kid:
            continue
        if jwk.get('alg') and jwk.get('alg') != alg:
            continue
        candidates.append(jwk)
    if kid is None and len(candidates) > 1:
        family = ALG_FAMILY.get((alg or '')[:2])
        candidates = [jwk for jwk in candidates if jwk.get('kty') == family]
    if len(candidates) != 1:
        raise IdTokenError(f'No unique key in the OP JWKS matches the ID token (kid {kid!r}, alg {alg})')
    try:
        return jwt.PyJWK(candidates[0], algorithm=alg).key
    except PyJWTError as exc:
        raise IdTokenError(f'The OP JWKS key {kid!r} cannot verify {alg} ({type(exc).__name__})') from None


def left_half_hash(value: str, alg: str) -> str:
    """OIDC Core section 3.1.3.6 at_hash: base64url of the left half of the hash named by the alg."""
    digest = _HASHES.get(alg[-3:], hashlib.sha256)(value.encode('ascii')).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b'=').decode('ascii')


def validate_id_token(
    id_token: str,
    issuer: str,
    client_id: str,
    jwks: dict[str, Any] | None = None,
    client_secret: str | None = None,
    nonce: str | None = None,
    access_token: str | None = None,
    leeway: float = 60,
    now: float | None = None,
    allowed_algs: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Validate an ID token as OIDC Core section 3.1.3.7 asks and return its claims.

    Checks the signature (JWKS key, or the client secret for HS*), iss, aud,
    azp when there are several audiences, exp and iat (with ``leeway``), nonce
    when one was sent, and at_hash when present.  Raises IdTokenError.
    """
    header, _unverified = unverified_header_and_claims(id_token)
    alg = header.get('alg')
    allowed = [a for a in (allowed_algs or ID_TOKEN_ALGS) if a in ID_TOKEN_ALGS]
    if alg not in allowed:
        raise IdTokenError(f'The ID token is signed with {alg!r}, which is not accepted (accepted: {", ".join(allowed)})')
    if alg.startswith('HS'):
        if not client_secret:
            raise IdTokenError(f'The ID token is signed with {alg}, which needs the client secret to verify')
        key = client_secret.encode('utf-8')
    else:
        key = select_key(jwks or {}, header)
    try:
        claims = jwt.decode(
            id_token,
            key,
            algorithms=[alg],
            audience=client_id,
            issuer=issuer,
            leeway=leeway,
            options={'require': ['iss', 'sub', 'aud', 'exp', 'iat'], 'verify_iat': False},
        )
    except jwt.InvalidSignatureError:
        raise IdTokenError(f'The ID token signature does not verify with the OP key: it was altered or not issued by {issuer}') from None
    except jwt.InvalidAudienceError:
        raise IdTokenError(f'The ID token is for another audience (aud {_unverified.get("aud")!r}), not client {client_id!r}') from None
    except jwt.InvalidIssuerError:
        raise IdTokenError(f'The ID token issuer {_unverified.get("iss")!r} is not {issuer!r}') from None
    except jwt.ExpiredSignatureError:
        raise IdTokenError(f'The ID token expired at {_unverified.get("exp")} (clock skew allowed: {leeway} s)') from None
    except jwt.MissingRequiredClaimError as exc:
        raise IdTokenError(f'The ID token lacks the required claim {exc.claim!r}') from None
    except PyJWTError as exc:
        raise IdTokenError(f'The ID token is invalid: {exc}') from None
    return check_id_token_claims(claims, alg, client_id, nonce=nonce, access_token=access_token, leeway=leeway, now=now)


def check_id_token_claims(
    claims: dict[str, Any], alg: str, client_id: str, nonce: str | None = None, access_token: str | None = None, leeway: float = 60, now: float | None = None
) -> dict[str, Any]:
    """The claim checks that PyJWT does not make: azp, iat, nonce, at_hash."""
    now = time.time() if now is None else now
    audiences = claims['aud'] if isinstance(claims['aud'], list) else [claims['aud']]
    # OIDC Core 3.1.3.7 items 4 and 5: with several audiences, azp must be present and be this client.
    if len(audiences) > 1 and claims.get('azp') != client_id:
        raise IdTokenError(f'The ID token has several audiences and azp {claims.get("azp")!r} is not client {client_id!r}')
    if 'azp' in claims and claims['azp'] != client_id:
        raise IdTokenError(f'The ID token azp {claims["azp"]!r} is not client {client_id!r}')
    if not isinstance(claims['iat'], (int, float)) or claims['iat'] > now + leeway:
        raise IdTokenError(f'The ID token iat {claims["iat"]!r} is in the future (clock skew allowed: {leeway} s)')
    # OIDC Core 3.1.3.7 item 11: when a nonce was sent, the same value must come back.
    if nonce is not None and claims.get('nonce') != nonce:
        raise IdTokenError('The ID token nonce does not match the nonce of the authorization request')
    # OIDC Core 3.1.3.8: at_hash, when present, binds the access token to this ID token.
    if access_token and 'at_hash' in claims and claims['at_hash'] != left_half_hash(access_token, alg):
        raise IdTokenError('The ID token at_hash does not match the access token')
    return claims
