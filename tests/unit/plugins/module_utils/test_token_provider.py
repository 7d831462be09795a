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
