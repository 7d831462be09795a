# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils import _token_store

CREDENTIAL = b'client-secret-' + b'k' * 50
TOKENS = {'access_token': 'at-secret-value', 'refresh_token': 'rt-secret-value', 'expires_at': 2_000_000_000}
ENTRY = _token_store.entry_id({'client_id': 'c', 'grant_type': 'client_credentials'})


@pytest.fixture
def store(tmp_path):
    return _token_store.TokenStore(str(tmp_path / 'store'))


def test_round_trip_and_permissions(store):
    old_umask = os.umask(0o022)
    try:
        store.save(ENTRY, CREDENTIAL, TOKENS)
    finally:
        os.umask(old_umask)
    assert store.load(ENTRY, CREDENTIAL) == TOKENS
    assert stat.S_IMODE(os.stat(store.directory).st_mode) == 0o700
    entry_path = os.path.join(store.directory, ENTRY + '.token')
    assert stat.S_IMODE(os.stat(entry_path).st_mode) == 0o600
    with open(entry_path) as handle:
        text = handle.read()
    assert 'at-secret-value' not in text and 'rt-secret-value' not in text
    assert not [name for name in os.listdir(store.directory) if name.startswith('.tmp-')]


def test_wrong_credential_cannot_read(store):
    store.save(ENTRY, CREDENTIAL, TOKENS)
    assert store.load(ENTRY, b'another-secret') is None


def test_entry_is_bound_to_its_id(store, tmp_path):
    """A file copied over another entry's name does not decrypt (the id is the AEAD associated data)."""
    other = _token_store.entry_id({'client_id': 'c', 'grant_type': 'other'})
    store.save(ENTRY, CREDENTIAL, TOKENS)
    os.replace(os.path.join(store.directory, ENTRY + '.token'), os.path.join(store.directory, other + '.token'))
    assert store.load(other, CREDENTIAL) is None


@pytest.mark.parametrize('damage', [
    lambda text: text[:len(text) // 2],                                   # truncated
    lambda text: '',                                                       # empty
    lambda text: 'not json at all',                                        # garbage
    lambda text: text.replace('"ciphertext": "', '"ciphertext": "AAAA'),   # bit rot in the ciphertext
    lambda text: json.dumps(dict(json.loads(text), v=99)),                 # unknown format
    lambda text: json.dumps(dict(json.loads(text), nonce='%%%')),          # undecodable nonce
])
def test_corrupt_entries_are_misses(store, damage):
    store.save(ENTRY, CREDENTIAL, TOKENS)
    path = os.path.join(store.directory, ENTRY + '.token')
    with open(path) as handle:
        text = handle.read()
    with open(path, 'w') as handle:
        handle.write(damage(text))
    assert store.load(ENTRY, CREDENTIAL) is None


def test_missing_entry_is_a_miss(store):
    assert store.load(ENTRY, CREDENTIAL) is None


@pytest.mark.parametrize('expires_at, leeway, now, fresh', [
    (1000, 60, 900, True),
    (1000, 60, 940, False),
    (1000, 0, 999, True),
    (1000, 60, 2000, False),
    (None, 60, 0, False),
])
def test_is_fresh(expires_at, leeway, now, fresh):
    assert _token_store.is_fresh({'expires_at': expires_at}, leeway, now) is fresh


def test_sweep_removes_only_entries_past_use(store):
    now = 1_800_000_000
    entries = {
        'expired': {'access_token': 'a', 'expires_at': now - 10},
        'fresh': {'access_token': 'a', 'expires_at': now + 100},
        'renewable': {'access_token': 'a', 'refresh_token': 'r', 'expires_at': now - 10},
        'renewable-old': {'access_token': 'a', 'refresh_token': 'r', 'expires_at': now - _token_store.RENEWABLE_RETENTION - 1},
    }
    ids = {label: _token_store.entry_id({'label': label}) for label in entries}
    for label, tokens in entries.items():
        store.save(ids[label], CREDENTIAL, tokens)
    with open(os.path.join(store.directory, 'f' * 64 + '.token'), 'w') as handle:
        handle.write('{corrupt')
    assert store.sweep(now=now) == 3
    left = sorted(name for name in os.listdir(store.directory) if name.endswith('.token'))
    assert left == sorted([ids['fresh'] + '.token', ids['renewable'] + '.token'])


def test_sweep_skips_entries_another_process_holds(store):
    store.save(ENTRY, CREDENTIAL, {'access_token': 'a', 'expires_at': 1})
    with store.lock(ENTRY):
        # flock locks belong to the open file description: a second open() in this process conflicts like another process.
        assert store.sweep(now=10) == 0
    assert store.sweep(now=10) == 1


def test_entry_id_is_stable_and_order_free():
    assert _token_store.entry_id({'a': 1, 'b': [2]}) == _token_store.entry_id({'b': [2], 'a': 1})
    assert _token_store.entry_id({'a': 1}) != _token_store.entry_id({'a': 2})
