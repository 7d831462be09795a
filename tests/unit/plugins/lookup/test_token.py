# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the lookup's options come from: keywords and variables first, then JWTAUTH_OIDC_* through the option layer."""

from __future__ import annotations

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import specs
from ansible_collections.jwtauth.oidc.plugins.plugin_utils import _lookup_options


def options_given(variables=None, **direct):
    variables = variables or {}
    lookup = lookup_loader.get('jwtauth.oidc.token', loader=DataLoader(), templar=Templar(loader=DataLoader(), variables=variables))
    return _lookup_options.options_given(lookup._load_name, specs.lookup_argument_spec(), variables, direct, lookup._templar)


@pytest.mark.parametrize(
    'variables, direct, expected_issuer',
    [
        # Only the environment: left to the option layer's fallback.
        ({}, {}, None),
        ({'jwtauth_oidc_issuer': 'https://var.example.test'}, {}, 'https://var.example.test'),
        ({'jwtauth_oidc_issuer': 'https://var.example.test'}, {'issuer': 'https://kw.example.test'}, 'https://kw.example.test'),
    ],
)
def test_keywords_and_variables_outrank_the_environment(awx_environ, variables, direct, expected_issuer):
    assert options_given(variables, **direct).get('issuer') == expected_issuer


def test_unknown_keywords_are_passed_on_for_the_edge_to_name(awx_environ):
    assert options_given(clientid='c1')['clientid'] == 'c1'


def test_empty_variables_with_choices_are_not_refused(awx_environ):
    given = options_given()
    # Defaults are left to the argument spec too, so that a variable can still set them.
    assert 'region' not in given and 'auth_method' not in given and 'validate_certs' not in given


def test_the_spec_then_reads_the_environment(awx_environ):
    spec = specs.lookup_argument_spec()
    validation = ArgumentSpecValidator(**specs.token_module_kwargs(spec)).validate(options_given())
    assert not validation.error_messages
    assert validation.validated_parameters['issuer'] == 'https://env.example.test'
    assert validation.validated_parameters['client_id'] == 'env-client'
    assert validation.validated_parameters['auth_method'] == 'client_secret_jwt'


def lookup_docs():
    """The lookup's documented options, doc fragments merged, as ansible-doc shows them."""
    from ansible.plugins.loader import fragment_loader
    from ansible.utils.plugin_docs import get_docstring

    path = lookup_loader.find_plugin('jwtauth.oidc.token')
    doc = get_docstring(path, fragment_loader, is_module=False, collection_name='jwtauth.oidc', plugin_type='lookup')[0]
    return {name: option for name, option in doc['options'].items() if name != '_terms'}


SPEC = specs.lookup_argument_spec()


def test_documented_options_are_the_spec():
    assert sorted(lookup_docs()) == sorted(SPEC)


@pytest.mark.parametrize('name', sorted(SPEC))
def test_each_documented_option_matches_its_spec(name):
    """What validate-modules checks for the modules, for the lookup: type, default, choices, elements."""
    documented, spec = lookup_docs()[name], SPEC[name]
    assert documented.get('type', 'str') == spec.get('type', 'str')
    assert documented.get('default') == spec.get('default')
    assert sorted(documented.get('choices') or []) == sorted(spec.get('choices') or [])
    assert documented.get('elements') == spec.get('elements')


def stored_token(store_path, lifetime):
    """A client_credentials token of the awx_environ client in a token store, valid for ``lifetime`` seconds; its value."""
    import time

    from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.build import options_of
    from ansible_collections.jwtauth.oidc.plugins.module_utils._store.files import TokenStore
    from ansible_collections.jwtauth.oidc.plugins.module_utils._store.provider import identity, store_key_material

    options = options_of({'issuer': 'https://env.example.test', 'client_id': 'env-client', 'client_secret': 's' * 32, 'token_store_path': store_path})
    value = f'at-{lifetime}-' + 'x' * 30
    now = time.time()
    TokenStore(store_path).save(
        identity(options), store_key_material(options), {'access_token': value, 'expires_in': lifetime, 'expires_at': now + lifetime, 'obtained_at': now}
    )
    return value


@pytest.fixture
def store_reads(monkeypatch):
    """The lookup's TokenProvider.get calls, counted (each reads and decrypts a store file)."""
    from ansible_collections.jwtauth.oidc.plugins.lookup import token as token_lookup
    from ansible_collections.jwtauth.oidc.plugins.module_utils._store.provider import TokenProvider

    calls = []
    real = TokenProvider.get
    monkeypatch.setattr(TokenProvider, 'get', lambda self, *args, **kwargs: calls.append(args) or real(self, *args, **kwargs))
    monkeypatch.setattr(token_lookup, '_SERVED', {}, raising=False)
    return calls


def test_references_of_one_worker_are_served_from_memory_while_fresh(awx_environ, store_reads, tmp_path):
    """Ansible templates a lookup again at every reference: before, each one was validated, masked and read from the
    store (about 1.4 ms, issue 27). The same reference is now served from the worker's memory while its token is fresh."""
    store = str(tmp_path / 'store')
    value = stored_token(store, 3600)
    lookup = lookup_loader.get('jwtauth.oidc.token', loader=DataLoader(), templar=Templar(loader=DataLoader(), variables={}))
    assert [lookup.run([], {}, token_store_path=store) for _reference in range(5)] == [[value]] * 5
    assert len(store_reads) == 1
    # Other options (a query here) are another reference; renew is never served from memory.
    assert lookup.run([], {}, token_store_path=store, query='expires_in') == [3600] and len(store_reads) == 2


def test_a_token_past_its_leeway_is_not_served_from_memory(awx_environ, store_reads, tmp_path):
    """A token that lives 30 s, judged by the default 60 s leeway at half its life (15 s): the store serves it for the
    next 15 s, and so does memory; one that the store would not serve any more is read again."""
    store = str(tmp_path / 'store')
    stored_token(store, 30)
    lookup = lookup_loader.get('jwtauth.oidc.token', loader=DataLoader(), templar=Templar(loader=DataLoader(), variables={}))
    lookup.run([], {}, token_store_path=store)
    lookup.run([], {}, token_store_path=store)
    assert len(store_reads) == 1
    from ansible_collections.jwtauth.oidc.plugins.lookup import token as token_lookup

    [key] = list(token_lookup._SERVED)  # pylint: disable=protected-access
    values, fresh_until, entries = token_lookup._SERVED[key]  # pylint: disable=protected-access
    token_lookup._SERVED[key] = (values, fresh_until - 3600, entries)  # pylint: disable=protected-access  # an hour later
    lookup.run([], {}, token_store_path=store)
    assert len(store_reads) == 2


def test_a_token_forgotten_or_renewed_since_is_not_served_from_memory(awx_environ, store_reads, tmp_path, monkeypatch):
    """A revoke or forget removes the store entry, a renewal replaces it: memory serves a reference only while the
    entry it came from is the same file."""
    import os
    import time

    from ansible_collections.jwtauth.oidc.plugins.module_utils._store.provider import TokenProvider

    store = str(tmp_path / 'store')
    stored_token(store, 3600)
    lookup = lookup_loader.get('jwtauth.oidc.token', loader=DataLoader(), templar=Templar(loader=DataLoader(), variables={}))
    lookup.run([], {}, token_store_path=store)
    renewed = stored_token(store, 1800)  # another process renewed it
    assert lookup.run([], {}, token_store_path=store) == [renewed] and len(store_reads) == 2
    for name in os.listdir(store):
        if name.endswith('.token'):
            os.unlink(os.path.join(store, name))  # forgotten (or revoked and removed)
    # The store has nothing: a new token is requested (from a stand-in of the OP here).
    monkeypatch.setattr(TokenProvider, '_request', lambda self, **overrides: {'access_token': 'new-' + 'y' * 30, 'expires_at': time.time() + 600})
    assert lookup.run([], {}, token_store_path=store) == ['new-' + 'y' * 30] and len(store_reads) == 3
