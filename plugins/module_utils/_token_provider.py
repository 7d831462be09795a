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

from ansible_collections.jwtauth.oidc.plugins.module_utils import _grants, _token_store
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OAuthError, StoreError


def _token_client(options):
    # Imported on first use: requests and PyJWT cost about 0.13 s to import, and a
    # lookup served from the store (most references) needs neither (bench/token_lookup.py).
    from ansible_collections.jwtauth.oidc.plugins.module_utils._token_client import TokenClient

    return TokenClient(options)


# What identifies a token in the store, besides the client: any change gives another entry.
IDENTITY_OPTIONS = ('token_endpoint', 'issuer', 'environment_id', 'region', 'auth_base_url', 'client_id', 'audience', 'grant_type',
                    'scope', 'extra_params')
# Single-use inputs are part of the identity only as hashes.
HASHED_OPTIONS = ('code', 'refresh_token')


def credential(options):
    """The client credential that keys the store's encryption, or None (public clients have none)."""
    if options.get('auth_method') == 'none':
        return None
    material = options.get('client_secret') or options.get('private_key')
    if not material:
        return None
    return (material + '\0' + (options.get('private_key_passphrase') or '')).encode('utf-8')


def identity(options, name=None):
    """The store entry id for these options, or for the token saved under ``name`` by this client."""
    if name is not None:
        return _token_store.entry_id({'name': name, 'client_id': options.get('client_id')})
    parts = {key: options.get(key) for key in IDENTITY_OPTIONS}
    parts['grant_type'] = _grants.infer_grant_type(options.get('grant_type'), options.get('code'), options.get('refresh_token'))
    if isinstance(parts['scope'], list):
        parts['scope'] = sorted(parts['scope'])
    for key in HASHED_OPTIONS:
        if options.get(key):
            parts[key] = hashlib.sha256(options[key].encode('utf-8')).hexdigest()
    return _token_store.entry_id(parts)


def plan(stored, leeway, repeatable, now=None):
    """What to do with a stored entry: 'use', 'refresh', 'request' (repeat the grant) or 'fail'."""
    if stored and _token_store.is_fresh(stored, leeway, now):
        return 'use'
    if stored and stored.get('refresh_token'):
        return 'refresh'
    return 'request' if repeatable else 'fail'


def merge_refreshed(old, new):
    """A refresh answer may omit what did not change (RFC 6749 section 6): keep the old refresh and ID tokens."""
    merged = dict(new)
    for key in ('refresh_token', 'id_token', 'id_token_claims'):
        if not merged.get(key):
            merged[key] = old.get(key)
    return merged


class TokenProvider:
    """One token per identity for as long as it is valid, across hosts, forks and tasks."""

    def __init__(self, options, store=None, client_factory=_token_client):
        self.options = options
        self.client_factory = client_factory
        self.leeway = options.get('expiry_leeway', 60)
        self.credential = credential(options)
        self.store = store
        if self.store is None and options.get('token_store', True) and self.credential:
            self.store = _token_store.TokenStore(options.get('token_store_path'))
        self.requests = 0

    def _request(self, **overrides):
        self.requests += 1
        options = dict(self.options, **overrides)
        return self.client_factory(options).request_token()

    def save(self, name, tokens):
        """Save tokens (from the module) under a name for lookups of the same client."""
        if self.store is None:
            raise StoreError('Cannot save the token as {0!r}: the token store is off, or auth_method {1} has no credential to '
                             'encrypt it with'.format(name, self.options.get('auth_method')))
        identifier = identity(self.options, name)
        with self.store.lock(identifier):
            self.store.save(identifier, self.credential, tokens)
        self.store.sweep()

    def get(self, name=None, force=False):
        """The token response for the options (or the saved ``name``), fresh for at least the leeway.

        ``force`` renews even a fresh token: for a caller whose API just answered 401.
        """
        if self.store is None:
            if name is not None:
                raise StoreError('Cannot read the saved token {0!r}: the token store is off, or auth_method {1} has no '
                                 'credential to decrypt it with'.format(name, self.options.get('auth_method')))
            return self._request()
        identifier = identity(self.options, name)
        grant_type = _grants.infer_grant_type(self.options.get('grant_type'), self.options.get('code'), self.options.get('refresh_token'))
        repeatable = name is None and not _grants.GRANTS[grant_type].single_use
        with self.store.lock(identifier):
            stored = self.store.load(identifier, self.credential)
            action = plan(stored, float('inf') if force else self.leeway, repeatable)
            if action == 'use':
                return stored
            renewal_error = None
            if action == 'refresh':
                try:
                    tokens = merge_refreshed(stored, self._request(grant_type='refresh_token', refresh_token=stored['refresh_token'],
                                                                   code=None, scope=None))
                except OAuthError as exc:
                    renewal_error = exc
                    action = 'request' if repeatable else 'fail'
            if action == 'request' or (stored is None and name is None):
                tokens = self._request()
            elif action == 'fail':
                raise self._cannot_renew(name, stored, renewal_error)
            self.store.save(identifier, self.credential, tokens)
        self.store.sweep()  # only after a request: a store hit stays a single file read
        return tokens

    def _cannot_renew(self, name, stored, renewal_error):
        label = 'saved token {0!r}'.format(name) if name is not None else 'stored token'
        if stored is None:
            return StoreError('No {0} for client {1!r}: save one first with the token module (save_as: {2})'.format(
                label, self.options.get('client_id'), name))
        if renewal_error is not None:
            return StoreError('The {0} expired and cannot be renewed: {1}'.format(label, renewal_error), **_details(renewal_error))
        return StoreError('The {0} expired and cannot be renewed: it has no refresh token and its grant cannot be repeated'.format(label))


def _details(exc):
    return {key: value for key, value in exc.details.items() if key in ('url', 'status', 'error', 'error_description', 'error_uri')}


def run_token_task(options, check_mode=False, client=None):
    """What the token module does, as data: the result dict of one task.

    In check mode a grant that spends something single-use (a code, a rotating
    refresh token) is not sent, so ``--check`` cannot burn it; client_credentials
    spends nothing and runs, so later tasks can predict their changes.  With
    ``save_as`` the tokens are saved in the store for the lookup.
    """
    client = client or _token_client(options)
    if check_mode:
        grant, _form = client.prepare()  # bad options fail in check mode too
        if grant.single_use:
            return dict(changed=False, skipped=True, warnings=client.warnings,
                        msg='Check mode: the {0} grant spends a single-use value and was not sent'.format(grant.name))
    result = client.request_token()
    if options.get('save_as'):
        TokenProvider(options).save(options['save_as'], result)
    result.update(changed=False, warnings=client.warnings)
    return result
