# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils import _token_provider

NOW = 1_800_000_000


@pytest.mark.parametrize('stored, repeatable, expected', [
    (None, True, 'request'),
    (None, False, 'fail'),
    ({'access_token': 'a', 'expires_at': NOW + 600}, False, 'use'),
    ({'access_token': 'a', 'expires_at': NOW + 30}, True, 'request'),         # inside the 60 s leeway
    ({'access_token': 'a', 'expires_at': NOW + 30, 'refresh_token': 'r'}, True, 'refresh'),
    ({'access_token': 'a', 'expires_at': NOW - 5, 'refresh_token': 'r'}, False, 'refresh'),
    ({'access_token': 'a', 'expires_at': NOW - 5}, False, 'fail'),
    ({'access_token': 'a'}, True, 'request'),                                  # unknown lifetime: not vouched for
])
def test_plan(stored, repeatable, expected):
    assert _token_provider.plan(stored, 60, repeatable, now=NOW) == expected


BASE = {'issuer': 'https://op', 'client_id': 'c', 'client_secret': 's' * 40, 'auth_method': 'client_secret_jwt'}


@pytest.mark.parametrize('change, same', [
    ({}, True),
    ({'scope': ['b', 'a']}, False),
    ({'client_secret': 'other'}, True),          # the credential keys the encryption, not the entry
    ({'client_id': 'd'}, False),
    ({'extra_params': {'resource': 'https://api'}}, False),
    ({'grant_type': 'client_credentials'}, True),  # the inferred default
    ({'code': 'one'}, False),
])
def test_identity(change, same):
    assert (_token_provider.identity(BASE) == _token_provider.identity(dict(BASE, **change))) is same


def test_identity_ignores_scope_order_and_hashes_codes():
    assert _token_provider.identity(dict(BASE, scope=['a', 'b'])) == _token_provider.identity(dict(BASE, scope=['b', 'a']))
    assert _token_provider.identity(dict(BASE, code='one')) != _token_provider.identity(dict(BASE, code='two'))


@pytest.mark.parametrize('options, expected', [
    (BASE, ('s' * 40 + '\0').encode()),
    (dict(BASE, client_secret=None, private_key='PEM', private_key_passphrase='pw'), b'PEM\0pw'),
    (dict(BASE, auth_method='none'), None),
    (dict(BASE, client_secret=None), None),
])
def test_credential(options, expected):
    assert _token_provider.credential(options) == expected


def test_merge_refreshed_keeps_what_the_op_did_not_resend():
    old = {'access_token': 'a1', 'refresh_token': 'r1', 'id_token': 'i1', 'id_token_claims': {'sub': 'u'}}
    new = {'access_token': 'a2', 'refresh_token': None, 'id_token': None, 'id_token_claims': None}
    assert _token_provider.merge_refreshed(old, new) == {'access_token': 'a2', 'refresh_token': 'r1', 'id_token': 'i1',
                                                         'id_token_claims': {'sub': 'u'}}
    rotated = dict(new, refresh_token='r2')
    assert _token_provider.merge_refreshed(old, rotated)['refresh_token'] == 'r2'


class FakeClient:
    """Stands in for TokenClient: records the grants asked for, answers from a script."""

    def __init__(self, script, calls):
        self.script = script
        self.calls = calls

    def __call__(self, options):
        self.calls.append(options.get('grant_type') or 'client_credentials')
        return self

    def request_token(self):
        outcome = self.script[self.calls[-1]]
        if isinstance(outcome, Exception):
            raise outcome
        return dict(outcome)


def refresh_refused():
    from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import OAuthError

    return OAuthError('Failed to refresh the token at https://op/token: invalid_grant [HTTP 400]', url='https://op/token', status=400,
                      error='invalid_grant')


FRESH = {'access_token': 'new', 'expires_at': 4_000_000_000}
SCRIPT_OK = {'client_credentials': FRESH, 'refresh_token': dict(FRESH, access_token='refreshed', refresh_token=None)}
SCRIPT_REFUSED = {'client_credentials': FRESH, 'refresh_token': refresh_refused()}
STALE_WITH_RT = {'access_token': 'old', 'refresh_token': 'r1', 'expires_at': 10}
STALE = {'access_token': 'old', 'expires_at': 10}


# stored entry, saved name, script -> grants sent, access token returned (or error text)
GET_TABLE = [
    (None, None, SCRIPT_OK, ['client_credentials'], 'new'),
    (FRESH, None, SCRIPT_OK, [], 'new'),
    (STALE, None, SCRIPT_OK, ['client_credentials'], 'new'),
    (STALE_WITH_RT, None, SCRIPT_OK, ['refresh_token'], 'refreshed'),
    (STALE_WITH_RT, None, SCRIPT_REFUSED, ['refresh_token', 'client_credentials'], 'new'),
    (STALE_WITH_RT, 'login', SCRIPT_OK, ['refresh_token'], 'refreshed'),
    (STALE_WITH_RT, 'login', SCRIPT_REFUSED, ['refresh_token'], "The saved token 'login' expired and cannot be renewed: Failed to refresh"),
    (STALE, 'login', SCRIPT_OK, [], "The saved token 'login' expired and cannot be renewed: it has no refresh token"),
    (None, 'login', SCRIPT_OK, [], "No saved token 'login' for client 'c'"),
]


@pytest.mark.parametrize('stored, name, script, grants, expected', GET_TABLE)
def test_get(tmp_path, stored, name, script, grants, expected):
    from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import StoreError

    options = dict(BASE, token_store_path=str(tmp_path / 'store'), expiry_leeway=60)
    calls = []
    provider = _token_provider.TokenProvider(options, client_factory=FakeClient(script, calls))
    if stored is not None:
        provider.store.save(_token_provider.identity(options, name), provider.credential, stored)
    if expected.startswith(('The ', 'No ')):
        with pytest.raises(StoreError) as caught:
            provider.get(name)
        assert str(caught.value).startswith(expected)
    else:
        assert provider.get(name)['access_token'] == expected
        # What was obtained is stored: the next call is a hit and sends nothing.
        assert provider.get(name)['access_token'] == expected
    assert calls == grants
    if expected == 'refreshed':
        # The OP did not send a new refresh token: the old one is kept (RFC 6749 section 6).
        assert provider.store.load(_token_provider.identity(options, name), provider.credential)['refresh_token'] == 'r1'
