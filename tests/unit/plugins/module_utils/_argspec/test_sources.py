# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where options come from: environment fallbacks where an empty variable is unset (AWX injects empty inputs as ""),
task settings that replace injected groups whole, and the credential a task reads."""

from __future__ import annotations

import pytest
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import sources
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import specs


@pytest.mark.parametrize(
    'environ, expected',
    [
        ({'A': 'x'}, 'x'),
        ({'A': '', 'B': 'y'}, 'y'),
        ({'B': 'y'}, 'y'),
        ({'A': 'x', 'B': 'y'}, 'x'),
    ],
)
def test_env_fallback_set_takes_the_first_non_empty(monkeypatch, environ, expected):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert sources.env_fallback_nonempty('A', 'B') == expected


@pytest.mark.parametrize('environ', [{}, {'A': ''}, {'A': '', 'B': ''}])
def test_env_fallback_set_empty_is_not_found(monkeypatch, environ):
    monkeypatch.delenv('A', raising=False)
    monkeypatch.delenv('B', raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(AnsibleFallbackNotFound):
        sources.env_fallback_nonempty('A', 'B')


def test_given_drops_none_and_empty_strings_only():
    options = {'a': None, 'b': '', 'c': 'x', 'd': False, 'e': 0, 'f': []}
    assert sources.without_unset(options) == {'c': 'x', 'd': False, 'e': 0, 'f': []}


def _fallbacks(args):
    spec = sources.task_settings_win(specs.token_argument_spec(), args)
    return sorted(name for name, option in spec.items() if 'fallback' in option)


ALL_FALLBACKS = _fallbacks({})


@pytest.mark.parametrize(
    'args, dropped',
    [
        ({}, []),
        ({'scope': ['a']}, []),
        ({'region': 'EU'}, []),  # a region alone refines the injected environment
        (
            {'issuer': 'https://op.example.test'},
            ['assertion_audience', 'assertion_typ', 'audience', 'auth_base_url', 'environment_id', 'issuer', 'region', 'token_endpoint'],
        ),
        ({'environment_id': 'e'}, ['assertion_audience', 'assertion_typ', 'audience', 'auth_base_url', 'environment_id', 'issuer', 'region', 'token_endpoint']),
        ({'client_id': 'web'}, ['auth_method', 'client_id', 'client_secret', 'key_id', 'private_key', 'private_key_passphrase', 'signing_alg']),
        ({'client_id': ''}, []),  # empty is unset, as from an AWX field left empty
    ],
)
def test_task_settings_replace_injected_groups_whole(args, dropped):
    assert sorted(set(ALL_FALLBACKS) - set(_fallbacks(args))) == dropped


def _fallback_variables(args, environ):
    spec = sources.task_settings_win(specs.token_argument_spec(), args, environ)
    return {name: option['fallback'][1] for name, option in spec.items() if 'fallback' in option}


APP = 'JWTAUTH_OIDC_APP_'


@pytest.mark.parametrize(
    'args, environ, expected',
    [
        # The default credential: each option its JWTAUTH_OIDC_ variable.
        ({}, {}, {'client_id': ['JWTAUTH_OIDC_CLIENT_ID'], 'environment_id': ['JWTAUTH_OIDC_ENVIRONMENT_ID'], 'timeout': ['JWTAUTH_OIDC_TIMEOUT']}),
        # The application's client and user only from its own variables; the location from the worker's when the
        # application's credential names none (the same PingOne environment); the CA its own first.
        (
            {'credential': 'application'},
            {APP + 'REGION': 'EU'},
            {
                'client_id': [APP + 'CLIENT_ID'],
                'client_secret': [APP + 'CLIENT_SECRET'],
                'auth_method': [APP + 'AUTH_METHOD'],
                'username': [APP + 'USERNAME'],
                'password': [APP + 'PASSWORD'],
                'environment_id': ['JWTAUTH_OIDC_ENVIRONMENT_ID'],
                'region': ['JWTAUTH_OIDC_REGION'],
                'ca_path': [APP + 'CA_PATH', 'JWTAUTH_OIDC_CA_PATH'],
                'timeout': ['JWTAUTH_OIDC_TIMEOUT'],
                'token_store_path': ['JWTAUTH_OIDC_TOKEN_STORE_PATH'],
            },
        ),
        # ... and the whole location from the application's credential once it names one.
        (
            {'credential': 'application'},
            {APP + 'ENVIRONMENT_ID': 'e', APP + 'ISSUER': ''},
            {
                'environment_id': [APP + 'ENVIRONMENT_ID'],
                'issuer': [APP + 'ISSUER'],
                'region': [APP + 'REGION'],
                'audience': [APP + 'AUDIENCE'],
                'assertion_audience': [APP + 'ASSERTION_AUDIENCE'],
            },
        ),
        # An empty variable (an AWX input left empty) names nothing.
        ({'credential': 'application'}, {APP + 'ISSUER': ''}, {'issuer': ['JWTAUTH_OIDC_ISSUER']}),
        # What the task gives still wins, group by group: no fallback at all for the client.
        ({'credential': 'application', 'client_id': 'web'}, {}, {'client_id': None, 'client_secret': None, 'username': [APP + 'USERNAME']}),
    ],
)
def test_credential_picks_the_variables_each_option_falls_back_to(args, environ, expected):
    variables = _fallback_variables(args, environ)
    assert {name: variables.get(name) for name in expected} == expected
