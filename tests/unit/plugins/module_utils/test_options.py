# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The option layer: environment fallbacks where an empty variable is unset (AWX injects empty inputs as "")."""

from __future__ import annotations

import os

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.jwtauth.oidc.plugins.module_utils import _options


@pytest.mark.parametrize('environ, expected', [
    ({'A': 'x'}, 'x'),
    ({'A': '', 'B': 'y'}, 'y'),
    ({'B': 'y'}, 'y'),
    ({'A': 'x', 'B': 'y'}, 'x'),
])
def test_env_fallback_set_takes_the_first_non_empty(monkeypatch, environ, expected):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert _options.env_fallback_nonempty('A', 'B') == expected


@pytest.mark.parametrize('environ', [{}, {'A': ''}, {'A': '', 'B': ''}])
def test_env_fallback_set_empty_is_not_found(monkeypatch, environ):
    monkeypatch.delenv('A', raising=False)
    monkeypatch.delenv('B', raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(AnsibleFallbackNotFound):
        _options.env_fallback_nonempty('A', 'B')


def test_given_drops_none_and_empty_strings_only():
    options = {'a': None, 'b': '', 'c': 'x', 'd': False, 'e': 0, 'f': []}
    assert _options.without_unset(options) == {'c': 'x', 'd': False, 'e': 0, 'f': []}


def test_empty_variables_leave_defaults_and_choices_alone(awx_environ):
    validation = ArgumentSpecValidator(**_options.token_module_kwargs()).validate({})
    assert not validation.error_messages
    options = validation.validated_parameters
    assert options['issuer'] == 'https://env.example.test' and options['client_id'] == 'env-client'
    # Defaults survive the empty variables: certificate checks stay on, client_secret_jwt stays the method.
    assert options['validate_certs'] is True and options['auth_method'] == 'client_secret_jwt'
    assert options['region'] == 'NA' and options['signing_alg'] is None and options['timeout'] == 30


def test_task_arguments_outrank_the_environment(awx_environ):
    validation = ArgumentSpecValidator(**_options.token_module_kwargs()).validate({'issuer': 'https://other.example.test'})
    assert validation.validated_parameters['issuer'] == 'https://other.example.test'


def test_no_option_is_shadowed_by_an_attribute_of_options():
    # options.<name> reads the option unless Options has an attribute of that name: as a Mapping,
    # options.items was the items() method. Options is no Mapping now, and no name may collide.
    shadowed = {name for name in _options.every_option_spec() if name in dir(_options.Options)}
    assert shadowed == set()
    assert _options.Options(items=[{'a': 1}]).items == [{'a': 1}]


@pytest.mark.parametrize('typed, expected', [
    ('clientid', 'client_id'),            # a dropped underscore
    ('client__secret', 'client_secret'),  # a doubled one
    ('Client_ID', 'client_id'),           # case
    ('isuer', 'issuer'),                  # a letter short
    ('validate_cert', 'validate_certs'),
    ('enviroment_id', 'environment_id'),
    ('colour', None),                     # nothing close
])
def test_closest_option(typed, expected):
    assert _options.closest_option(typed, _options.lookup_argument_spec()) == expected


def test_unknown_options_are_named_with_the_closest_and_never_with_their_value():
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    kwargs = _options.token_module_kwargs()
    validation = ArgumentSpecValidator(**kwargs).validate({'token_endpoint': 'https://op.example.test/token', 'client_id': 'c',
                                                           'auth_method': 'none', 'client_secrt': 'the-secret-value', 'timout': 5})
    errors = _options.validate(validation, kwargs['argument_spec'])
    assert errors[0] == 'Unknown options client_secrt (did you mean client_secret?), timout (did you mean timeout?). See ansible-doc for the options'
    assert 'the-secret-value' not in ' '.join(errors)


def _fallbacks(args):
    spec = _options.task_settings_win(_options.token_argument_spec(), args)
    return sorted(name for name, option in spec.items() if 'fallback' in option)


ALL_FALLBACKS = _fallbacks({})


@pytest.mark.parametrize('args, dropped', [
    ({}, []),
    ({'scope': ['a']}, []),
    ({'region': 'EU'}, []),  # a region alone refines the injected environment
    ({'issuer': 'https://op.example.test'}, ['audience', 'auth_base_url', 'environment_id', 'issuer', 'region', 'token_endpoint']),
    ({'environment_id': 'e'}, ['audience', 'auth_base_url', 'environment_id', 'issuer', 'region', 'token_endpoint']),
    ({'client_id': 'web'}, ['auth_method', 'client_id', 'client_secret', 'key_id', 'private_key', 'private_key_passphrase', 'signing_alg']),
    ({'client_id': ''}, []),  # empty is unset, as from an AWX field left empty
])
def test_task_settings_replace_injected_groups_whole(args, dropped):
    assert sorted(set(ALL_FALLBACKS) - set(_fallbacks(args))) == dropped


def _fallback_variables(args, environ):
    spec = _options.task_settings_win(_options.token_argument_spec(), args, environ)
    return {name: option['fallback'][1] for name, option in spec.items() if 'fallback' in option}


APP = 'JWTAUTH_OIDC_APP_'


@pytest.mark.parametrize('args, environ, expected', [
    # The default credential: each option its JWTAUTH_OIDC_ variable.
    ({}, {}, {'client_id': ['JWTAUTH_OIDC_CLIENT_ID'], 'environment_id': ['JWTAUTH_OIDC_ENVIRONMENT_ID'], 'timeout': ['JWTAUTH_OIDC_TIMEOUT']}),
    # The application's client and user only from its own variables; the location from the worker's when the
    # application's credential names none (the same PingOne environment); the CA its own first.
    ({'credential': 'application'}, {APP + 'REGION': 'EU'},
     {'client_id': [APP + 'CLIENT_ID'], 'client_secret': [APP + 'CLIENT_SECRET'], 'auth_method': [APP + 'AUTH_METHOD'],
      'username': [APP + 'USERNAME'], 'password': [APP + 'PASSWORD'], 'environment_id': ['JWTAUTH_OIDC_ENVIRONMENT_ID'],
      'region': ['JWTAUTH_OIDC_REGION'], 'ca_path': [APP + 'CA_PATH', 'JWTAUTH_OIDC_CA_PATH'], 'timeout': ['JWTAUTH_OIDC_TIMEOUT'],
      'token_store_path': ['JWTAUTH_OIDC_TOKEN_STORE_PATH']}),
    # ... and the whole location from the application's credential once it names one.
    ({'credential': 'application'}, {APP + 'ENVIRONMENT_ID': 'e', APP + 'ISSUER': ''},
     {'environment_id': [APP + 'ENVIRONMENT_ID'], 'issuer': [APP + 'ISSUER'], 'region': [APP + 'REGION'], 'audience': [APP + 'AUDIENCE']}),
    # An empty variable (an AWX input left empty) names nothing.
    ({'credential': 'application'}, {APP + 'ISSUER': ''}, {'issuer': ['JWTAUTH_OIDC_ISSUER']}),
    # What the task gives still wins, group by group: no fallback at all for the client.
    ({'credential': 'application', 'client_id': 'web'}, {}, {'client_id': None, 'client_secret': None, 'username': [APP + 'USERNAME']}),
])
def test_credential_picks_the_variables_each_option_falls_back_to(args, environ, expected):
    variables = _fallback_variables(args, environ)
    assert {name: variables.get(name) for name in expected} == expected


def test_credential_application_without_its_client_says_what_to_attach():
    kwargs = _options.token_module_kwargs()
    spec = kwargs['argument_spec'] = _options.task_settings_win(kwargs['argument_spec'], {'credential': 'application'}, {})
    validation = ArgumentSpecValidator(**kwargs).validate({'credential': 'application', 'issuer': 'https://op.example.test'})
    errors = _options.validate(validation, spec)
    assert any('JWTAUTH_OIDC_APP_CLIENT_ID, which is not set' in error and 'OpenID Connect application (jwtauth.oidc)' in error
               for error in errors), errors


ROLE_SPEC = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'scim_provision', 'meta', 'argument_specs.yml')


def role_auth_suboptions():
    with open(ROLE_SPEC) as handle:
        return yaml.safe_load(handle)['argument_specs']['main']['options']['scim_provision_auth']['options']


def test_role_auth_takes_exactly_the_modules_connection_options():
    """Issue 11, item 3: scim_provision_auth declares every api_resource option about reaching the API, and no other."""
    assert sorted(role_auth_suboptions()) == sorted(_options.api_auth_argument_spec())


@pytest.mark.parametrize('name', sorted(_options.api_auth_argument_spec()))
def test_role_auth_suboption_matches_the_module(name):
    module, role = _options.api_auth_argument_spec()[name], role_auth_suboptions()[name]
    for field in ('type', 'elements', 'choices'):
        assert role.get(field) == module.get(field), field
    assert bool(role.get('no_log')) == bool(module.get('no_log'))
    # No defaults in the role: a key left out takes the module's default or its JWTAUTH_OIDC_* variable.
    assert 'default' not in role and 'required' not in role
    assert 'O(jwtauth.oidc.api_resource#module:{0})'.format(name) in role['description']


@pytest.mark.parametrize('options, expected', [
    ({'items': [{'userName': 'a', 'password': 'p1'}, {'userName': 'b'}, {'userName': 'c', 'password': True}], 'write_only_keys': ['password']},
     ['p1']),
    ({'item': {'userName': 'a', 'password': 'p1', 'pin': '1234'}, 'write_only_keys': ['password', 'pin']}, ['p1', '1234']),
    ({'items': [{'userName': 'a', 'password': 'p1'}], 'write_only_keys': []}, []),
    ({'items': [{'userName': 'a', 'password': 'p1'}], 'write_only_keys': ['password'], 'client_secret': 's'}, ['s', 'p1']),
])
def test_write_only_string_values_are_masked(options, expected):
    assert _options.secret_values(options) == expected
