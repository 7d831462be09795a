# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tokens from the store when fresh, renewed or requested when not. Internal to this collection; not a public API.

The decision is a function of data (``plan``) so it can be tested from a
table; ``TokenProvider.get`` carries it out under the entry's lock.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

from ansible_collections.jwtauth.oidc.plugins.module_utils import _errors
from ansible_collections.jwtauth.oidc.plugins.module_utils._context import TaskContext
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OAuthError, OIDCError, StoreError
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.grants import GRANTS, TOKEN_EXCHANGE
from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.responses import SECRET_TOKEN_FIELDS, with_default_expiry
from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options
from ansible_collections.jwtauth.oidc.plugins.module_utils._store.files import (
    CORRUPT,
    Entry,
    MISSING,
    TokenStore,
    UNDECRYPTABLE,
    bind_credential,
    entry_id,
    is_fresh,
)

if TYPE_CHECKING:
    from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.token_client import TokenClient

    # What a TokenProvider calls to get a client for (changed) options: token_client, or a test's fake.
    ClientFactory = Callable[[Options, TaskContext], TokenClient]


def token_client(options: Options, context: TaskContext) -> TokenClient:
    """The token client of the options, in the task's context."""
    # Imported on first use: requests and PyJWT cost about 0.13 s to import, and a
    # lookup served from the store (most references) needs neither (bench/token_lookup.py).
    from ansible_collections.jwtauth.oidc.plugins.module_utils._oauth.token_client import TokenClient, http_client_for
    from ansible_collections.jwtauth.oidc.plugins.module_utils._store.budget import budget_for

    return TokenClient(options, http_client_for(options, context, budget_for(options)))


# The options that say which OP a token comes from (a token saved from one
# OP must never be served for another, whatever the name and client_id).
OP_OPTIONS = ('token_endpoint', 'issuer', 'environment_id', 'region', 'auth_base_url')
# What identifies a token in the store, besides the client: any change gives another entry.
IDENTITY_OPTIONS = OP_OPTIONS + ('client_id', 'audience', 'grant_type', 'scope', 'extra_params')
# Single-use inputs, and the tokens a token exchange derives from, are part of the identity only as hashes.
HASHED_OPTIONS = ('code', 'refresh_token', 'subject_token', 'actor_token')
# What else tells apart two token exchanges (RFC 8693 section 2.1): part of the identity of that grant only, so that
# the entries of the other grants keep their ids.
EXCHANGE_OPTIONS = ('subject_token_type', 'actor_token_type', 'requested_token_type', 'resource', 'token_audience')
# How long a failed request is reported at once to the workers that waited for it:
# long enough to release everyone queued behind the failure (each needs a few
# milliseconds), short enough that a later task retries the OP for real.
FAILURE_LIFETIME = 10
# Keys the provider adds to a stored entry for its own decisions; not returned.
INTERNAL_KEYS = ('obtained_at',)

USE, RENEW, FORGET = 'use', 'renew', 'forget'


def store_key_material(options: Options) -> bytes | None:
    """The client credential that keys the store's encryption, or None (public clients have none)."""
    if options.auth_method == 'none':
        return None
    material = options.client_secret or options.private_key
    if not material:
        return None
    return credential_material(material, options.private_key_passphrase)


def credential_material(secret_or_key: str, passphrase: str | None = None) -> bytes:
    """The bytes that key the store's encryption for a client secret (or a private key and its passphrase)."""
    return (secret_or_key + '\0' + (passphrase or '')).encode('utf-8')


def op_locator(options: Options) -> dict[str, Any]:
    """The options that locate the OP, normalised so that equivalent spellings give the same entry."""
    parts = {}
    for key in OP_OPTIONS:
        value = options[key] or None
        parts[key] = value.rstrip('/') if isinstance(value, str) and key != 'region' else value
    return parts


def op_label(options: Options) -> str:
    """The OP in words, for messages: no secret."""
    if options.token_endpoint:
        return f'token endpoint {options.token_endpoint}'
    if options.issuer:
        return f'issuer {options.issuer}'
    if options.auth_base_url:
        return f'PingOne at {options.auth_base_url}'
    if options.environment_id:
        return f'PingOne environment {options.environment_id} ({options.region})'
    return 'an OP that no option names'


def identity(options: Options, name: str | None = None) -> str:
    """The store entry id for these options, or for the token saved under ``name`` by this client at this OP."""
    if name is not None:
        return entry_id(dict(op_locator(options), name=name, client_id=options.client_id))
    parts = {key: options[key] for key in IDENTITY_OPTIONS}
    parts.update(op_locator(options))
    if parts['grant_type'] == TOKEN_EXCHANGE:
        parts.update((key, options[key]) for key in EXCHANGE_OPTIONS)
        for key in ('resource', 'token_audience'):
            if isinstance(parts[key], list):
                parts[key] = sorted(parts[key])
    if isinstance(parts['scope'], list):
        parts['scope'] = sorted(parts['scope'])
    for key in HASHED_OPTIONS:
        if options[key]:
            parts[key] = hashlib.sha256(options[key].encode('utf-8')).hexdigest()
    grant = GRANTS.get(parts['grant_type'])
    if grant is not None and 'password' in grant.required:
        # A signed-on user's token is that user's alone (added only here, so that other entries keep their ids) and
        # is served only for the password that obtained it (issue 23): another password is another entry, which the
        # OP checks.  Keyed by the client credential, so that the id gives no test for a guessed password.
        parts['username'] = options.username
        parts['password'] = bind_credential(options.password or '', _binding_key(options))
    return entry_id(parts)


def _binding_key(options: Options) -> bytes:
    material = store_key_material(options)
    if material is None:
        # Never reached through TokenProvider, which keeps no store without a credential.
        raise StoreError(f'Cannot keep the token of {options.username!r} in the token store: auth_method {options.auth_method} has no client credential')
    return material


def token_lifetime(tokens: Mapping[str, Any]) -> float | None:
    """How long the OP issued a token for: its expires_in, else from obtained_at to expires_at (a JWT's exp, the
    default lifetime); None when unknown."""

    def number(value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    if number(tokens.get('expires_in')):
        return cast(float, tokens['expires_in'])
    if number(tokens.get('expires_at')) and number(tokens.get('obtained_at')):
        return max(0.0, tokens['expires_at'] - tokens['obtained_at'])
    return None


def effective_leeway(tokens: Mapping[str, Any], leeway: float) -> float:
    """The leeway a stored token is judged by: expiry_leeway, or half the token's lifetime when that is not longer.

    A token that lives no longer than the leeway is stale the moment it arrives, and so is every token the OP
    would issue instead: judged by the leeway, each use would request a new one, one worker after another under
    the entry's lock (issue 23: 40 requests for 40 hosts).  The leeway promises a task that much time left; when
    the OP's lifetime cannot keep that promise, a token is served while more than half of it is left, at least
    half of what a new request would give, and the task that requested it warns (TokenProvider.get).
    """
    lifetime = token_lifetime(tokens)
    if lifetime is not None and 0 < lifetime <= leeway:
        return lifetime / 2
    return leeway


def plan(
    stored: dict[str, Any] | None,
    leeway: float,
    repeatable: bool,
    now: float | None = None,
    action: str = USE,
    requestable: bool | None = None,
    failure: dict[str, Any] | None = None,
    waited_since: float | None = None,
) -> str:
    """What to do for one entry; the whole decision, as data.

    ``stored`` is the decrypted entry or None.  ``repeatable``: the options' grant
    may be sent again; ``requestable``: it may be sent when nothing is stored (a
    lookup given a code spends it once), defaulting to ``repeatable``.  ``action``
    is token_store_action.  ``failure`` is a failure that another worker recorded
    while this one waited for the lock, and ``waited_since`` when this one began
    waiting (both None when it did not wait).

    Returns 'use', 'refresh', 'request' (send the options' grant), 'fail' (the
    token cannot be renewed), 'forget' (drop the entry) or 'fail-fast' (raise the
    recorded failure instead of sending the same request again).
    """
    if action == FORGET:
        return 'forget'
    if stored and is_fresh(stored, effective_leeway(stored, leeway), now):
        if action == USE:
            return 'use'
        # renew: a worker this one waited for has just renewed it; renewing again would only repeat that.
        if waited_since is not None and (stored.get('obtained_at') or 0) >= waited_since:
            return 'use'
    if failure is not None:
        return 'fail-fast'
    if stored and stored.get('refresh_token'):
        return 'refresh'
    if repeatable or (stored is None and (repeatable if requestable is None else requestable)):
        return 'request'
    return 'fail'


def merge_refreshed(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """A refresh answer may omit what did not change (RFC 6749 section 6): keep the old refresh and ID tokens."""
    merged = dict(new)
    for key in ('refresh_token', 'id_token', 'id_token_claims'):
        if not merged.get(key):
            merged[key] = old.get(key)
    return merged


def public(tokens: Mapping[str, Any]) -> dict[str, Any]:
    """The tokens without the provider's bookkeeping."""
    return {key: value for key, value in tokens.items() if key not in INTERNAL_KEYS}


def failure_record(exc: OIDCError, now: float | None = None) -> dict[str, Any]:
    """What is kept of a failed request for the workers waiting on it: the message and details, which hold no secret."""
    return {'class': type(exc).__name__, 'message': str(exc), 'details': exc.details, 'failed_at': time.time() if now is None else now}


def replay_failure(record: Mapping[str, Any], now: float | None = None, waited: bool = True) -> OIDCError:
    """The recorded failure as an exception of its own class, saying it was not sent again.

    ``waited``: this caller waited for the worker whose request failed (a play's forks); else it came after that
    worker was done, and was told the failure because the provider shares failures (see TokenProvider).
    """
    error_class = getattr(_errors, str(record.get('class')), None)
    if not (isinstance(error_class, type) and issubclass(error_class, OIDCError)):
        error_class = StoreError
    age = max(0, int((time.time() if now is None else now) - (record.get('failed_at') or 0)))
    details = {key: value for key, value in (record.get('details') or {}).items() if key in ('url', 'status', 'error', 'error_description', 'error_uri')}
    if waited:
        why = f'the same request failed {age} s ago for another worker of this play, which this one waited for; not sent again'
    else:
        why = f'the same request failed {age} s ago in another process that shares this token store; not sent again for {FAILURE_LIFETIME} s after a failure'
    return error_class(f'{record.get("message")} (reported at once: {why})', **details)


def _seconds(value: float) -> str:
    """Seconds for a message: whole when they are (60, not 60.0)."""
    return str(int(value)) if float(value).is_integer() else f'{value:.1f}'


class TokenProvider:
    """One token per identity for as long as it is valid, across hosts, forks and tasks."""

    def __init__(
        self,
        options: Options,
        context: TaskContext,
        store: TokenStore | None = None,
        client_factory: ClientFactory = token_client,
        share_failures: bool = False,
    ) -> None:
        self.options = options
        # A failed request is replayed, for FAILURE_LIFETIME seconds, to the workers that waited for it; with share_failures
        # to every caller. A play's forks queue on the entry's lock, so waiting is what tells them apart from a later task
        # that should try again; AWX job launches (the credential plugin of awx_plugin/) come one after another, each after
        # the last released the lock, and a client whose secret is wrong would otherwise be refused once per launch.
        self.share_failures = share_failures
        # Retries, plain HTTP, a short HMAC secret, a token that could not be kept: said whether the request worked or not.
        self.context = context
        self.client_factory = client_factory
        self.leeway = options.expiry_leeway
        self.credential = store_key_material(options)
        # A store is used only with a credential to key it, and the private helpers below get(), save() and check_saveable()
        # only once there is a store: the casts of self.credential and self.store rest on that.
        self.store = store
        if self.store is None and options.token_store and self.credential:
            self.store = TokenStore(options.token_store_path, lock_timeout=options.token_store_lock_timeout)
        self.removed = False

    def _request(self, **overrides: Any) -> dict[str, Any]:
        options = self.options.replace(**overrides)
        sent_at = time.time()
        tokens = self.client_factory(options, self.context).request_token()
        return with_default_expiry(tokens, self.options.default_token_lifetime, sent_at)

    def _public(self, tokens: Mapping[str, Any]) -> dict[str, Any]:
        """The tokens as returned, remembered for masking wherever the edge shows anything."""
        self.context.remember(*(tokens.get(name) for name in SECRET_TOKEN_FIELDS))
        return public(tokens)

    def no_store_error(self, doing: str, name: str | None) -> StoreError:
        """The StoreError for an action that needs the store when there is none."""
        return StoreError(
            f'Cannot {doing} {self.describe_token(name)}: the token store is off (token_store), or auth_method {self.options.auth_method} has no '
            'credential to encrypt it with'
        )

    def describe_token(self, name: str | None, article: str = 'the') -> str:
        """The token in words for messages: name, client_id and OP, no secret."""
        what = f'saved token {name!r}' if name is not None else 'token'
        return f'{article} {what} for client {self.options.client_id!r} at {op_label(self.options)}'

    def check_saveable(self, name: str) -> None:
        """Raise StoreError unless tokens could be saved under ``name`` now: before a single-use grant is spent."""
        if self.store is None:
            raise self.no_store_error('save', name)
        self.store.check_writable()

    def save(self, name: str, tokens: Mapping[str, Any]) -> None:
        """Save tokens (from the module) under a name for lookups of the same client at the same OP."""
        if self.store is None:
            raise self.no_store_error('save', name)
        identifier = identity(self.options, name)
        with self.store.lock(identifier, self.describe_token(name)):
            self.store.save(identifier, cast(bytes, self.credential), dict(tokens, obtained_at=time.time()))
        self.store.sweep()

    def get(self, name: str | None = None, force: bool = False, action: str | None = None) -> dict[str, Any] | None:
        """The token response for the options (or the saved ``name``), fresh for at least the leeway.

        ``action`` is token_store_action: ``use`` the stored token while fresh,
        ``renew`` it now, or ``forget`` it (returns None; ``removed`` says
        whether there was an entry).  ``force`` is ``renew``: for a caller
        whose API just answered 401.
        """
        action = action or (RENEW if force else USE)
        if self.store is None:
            if name is not None:
                raise self.no_store_error('forget' if action == FORGET else 'read', name)
            return None if action == FORGET else self._request()
        identifier = identity(self.options, name)
        repeatable = name is None and not GRANTS[self.options.grant_type].single_use
        requestable = name is None
        if action == USE:
            # No lock for a hit: entries are replaced atomically, and a read-only store still serves its valid entries.
            entry = self.store.read(identifier, cast(bytes, self.credential))
            if plan(entry.tokens, self.leeway, repeatable, requestable=requestable) == 'use':
                return self._public(entry.tokens)
        started = time.time()
        with self.store.lock(identifier, self.describe_token(name)) as waited:
            entry = self.store.read(identifier, cast(bytes, self.credential))
            shared = waited or self.share_failures
            failure = self.store.recent_failure(identifier, cast(bytes, self.credential)) if shared else None
            decision = plan(
                entry.tokens, self.leeway, repeatable, action=action, requestable=requestable, failure=failure, waited_since=started if waited else None
            )
            if decision == 'use':
                return self._public(entry.tokens)
            if decision == 'forget':
                self.removed = self.store.remove(identifier)
                return None
            if decision == 'fail-fast':
                raise replay_failure(cast('dict[str, Any]', failure), waited=waited)  # plan() fails fast only with a failure
            if decision == 'fail':
                raise self._cannot_renew(name, entry, None)
            try:
                tokens = self._obtain(decision, entry, name, repeatable, requestable)
            except OIDCError as exc:
                self._record_failure(identifier, exc)
                raise
            self._keep(identifier, tokens, name)
        self._check_leeway(tokens, name)
        self.store.sweep()  # only after a request: a store hit stays a single file read
        return self._public(tokens)

    def _obtain(self, decision: str, entry: Entry, name: str | None, repeatable: bool, requestable: bool) -> dict[str, Any]:
        """Carry out 'refresh' or 'request'; a refused refresh falls back to what plan() allows without it."""
        if decision == 'refresh':
            stored = entry.tokens
            try:
                return merge_refreshed(stored, self._request(grant_type='refresh_token', refresh_token=stored['refresh_token'], code=None, scope=None))
            except OAuthError as exc:
                if plan(dict(stored, refresh_token=None), self.leeway, repeatable, action=RENEW, requestable=requestable) != 'request':
                    raise self._cannot_renew(name, entry, exc) from exc
        return self._request()

    def _check_leeway(self, tokens: Mapping[str, Any], name: str | None) -> None:
        """Warn when the token just obtained lives no longer than expiry_leeway (see effective_leeway): once, by the
        worker that requested it; the others are served the same token."""
        lifetime = token_lifetime(dict(tokens, obtained_at=time.time()))
        if lifetime is None or not 0 < lifetime <= self.leeway:
            return
        self.context.warn(
            f'expiry_leeway is {_seconds(self.leeway)} s, not less than the {_seconds(lifetime)} s the OP issued {self.describe_token(name)} '
            f'for: renewed that early, a token would be renewed at every use. It is served while more than half its lifetime '
            f'({_seconds(lifetime / 2)} s) is left. Set expiry_leeway (JWTAUTH_OIDC_EXPIRY_LEEWAY) below the token lifetime, or make '
            'the lifetime longer at the OP'
        )

    def _record_failure(self, identifier: str, exc: OIDCError) -> None:
        # Best effort: a store that cannot take the record only loses the shortcut.
        try:
            cast(TokenStore, self.store).save_failure(identifier, cast(bytes, self.credential), failure_record(exc), FAILURE_LIFETIME)
        except StoreError:
            pass

    def _keep(self, identifier: str, tokens: Mapping[str, Any], name: str | None) -> None:
        """Store what was obtained; a store that fails now costs the cache, not the tokens."""
        try:
            cast(TokenStore, self.store).save(identifier, cast(bytes, self.credential), dict(tokens, obtained_at=time.time()))
        except StoreError as exc:
            lost = ' Its refresh token may have been rotated: save it again with the token module.' if name is not None else ''
            self.context.warn(
                f'Obtained {self.describe_token(name)} but could not keep it: {exc}. It is returned this once; the next use requests another.{lost}'
            )

    def _cannot_renew(self, name: str | None, entry: Entry, renewal_error: OIDCError | None) -> StoreError:
        store = cast(TokenStore, self.store)
        if entry.state == MISSING:
            return StoreError(
                (
                    f'{self.describe_token(name, "No")} in {store.describe()}: save one first with the token module (save_as: {name}) using the '
                    f'same OP options ({", ".join(OP_OPTIONS)}) and client_id'
                )
            )
        if entry.state == UNDECRYPTABLE:
            return StoreError(
                (
                    f'{self.describe_token(name, "The")} exists in {store.describe()} but this client credential cannot decrypt it: it was saved '
                    f'with another client_secret or private_key (rotated?), or the file is damaged. Save it again (save_as: {name}) or drop it '
                    '(token_store_action: forget)'
                )
            )
        if entry.state == CORRUPT:
            return StoreError(
                (
                    f"{self.describe_token(name, 'The')} in {store.describe()} is damaged (not in the store's format). Save it again (save_as: "
                    f'{name}) or drop it (token_store_action: forget)'
                )
            )
        kind = f'saved token {name!r}' if name is not None else 'stored token'
        if renewal_error is not None:
            return StoreError(f'The {kind} expired and cannot be renewed: {renewal_error}', **renewal_error.details)
        return StoreError(f'The {kind} expired and cannot be renewed: it has no refresh token and its grant cannot be repeated')
