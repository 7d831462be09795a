# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_argspec.checks: what the edge refuses before any request, unknown names, what is masked."""

from __future__ import annotations

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import checks, sources, specs


def test_empty_variables_leave_defaults_and_choices_alone(awx_environ):
    validation = ArgumentSpecValidator(**specs.token_module_kwargs()).validate({})
    assert not validation.error_messages
    options = validation.validated_parameters
    assert options['issuer'] == 'https://env.example.test' and options['client_id'] == 'env-client'
    # Defaults survive the empty variables: certificate checks stay on, client_secret_jwt stays the method.
    assert options['validate_certs'] is True and options['auth_method'] == 'client_secret_jwt'
    assert options['region'] == 'NA' and options['signing_alg'] is None and options['timeout'] == 30


def test_task_arguments_outrank_the_environment(awx_environ):
    validation = ArgumentSpecValidator(**specs.token_module_kwargs()).validate({'issuer': 'https://other.example.test'})
    assert validation.validated_parameters['issuer'] == 'https://other.example.test'


@pytest.mark.parametrize(
    'typed, expected',
    [
        ('clientid', 'client_id'),  # a dropped underscore
        ('client__secret', 'client_secret'),  # a doubled one
        ('Client_ID', 'client_id'),  # case
        ('isuer', 'issuer'),  # a letter short
        ('validate_cert', 'validate_certs'),
        ('enviroment_id', 'environment_id'),
        ('colour', None),  # nothing close
    ],
)
def test_closest_option(typed, expected):
    assert checks.closest_option(typed, specs.lookup_argument_spec()) == expected


def test_unknown_options_are_named_with_the_closest_and_never_with_their_value():
    kwargs = specs.token_module_kwargs()
    validation = ArgumentSpecValidator(**kwargs).validate(
        {'token_endpoint': 'https://op.example.test/token', 'client_id': 'c', 'auth_method': 'none', 'client_secrt': 'the-secret-value', 'timout': 5}
    )
    errors = checks.validate(validation, kwargs['argument_spec'])
    assert errors[0] == 'Unknown options client_secrt (did you mean client_secret?), timout (did you mean timeout?). See ansible-doc for the options'
    assert 'the-secret-value' not in ' '.join(errors)


def test_credential_application_without_its_client_says_what_to_attach():
    kwargs = specs.token_module_kwargs()
    spec = kwargs['argument_spec'] = sources.task_settings_win(kwargs['argument_spec'], {'credential': 'application'}, {})
    validation = ArgumentSpecValidator(**kwargs).validate({'credential': 'application', 'issuer': 'https://op.example.test'})
    errors = checks.validate(validation, spec)
    assert any('JWTAUTH_OIDC_APP_CLIENT_ID, which is not set' in error and 'OpenID Connect application (jwtauth.oidc)' in error for error in errors), errors


@pytest.mark.parametrize(
    'options, expected',
    [
        ({'items': [{'userName': 'a', 'password': 'p1'}, {'userName': 'b'}, {'userName': 'c', 'password': True}], 'write_only_keys': ['password']}, ['p1']),
        ({'item': {'userName': 'a', 'password': 'p1', 'pin': '1234'}, 'write_only_keys': ['password', 'pin']}, ['p1', '1234']),
        ({'items': [{'userName': 'a', 'password': 'p1'}], 'write_only_keys': []}, []),
        ({'items': [{'userName': 'a', 'password': 'p1'}], 'write_only_keys': ['password'], 'client_secret': 's'}, ['s', 'p1']),
        # RFC 7643 section 4.1: a SCIM password is write-only whether the task says so or not.
        ({'items': [{'userName': 'a', 'password': 'p1'}], 'write_only_keys': [], 'api_style': 'scim'}, ['p1']),
        ({'item': {'userName': 'a', 'password': 'p1', 'pin': '1'}, 'write_only_keys': ['pin'], 'api_style': 'scim'}, ['1', 'p1']),
    ],
)
def test_write_only_string_values_are_masked(options, expected):
    assert checks.secret_values(options) == expected


def test_a_missing_client_id_says_where_it_was_looked_for():
    spec = specs.token_argument_spec()
    validation = ArgumentSpecValidator(**specs.token_module_kwargs()).validate({'issuer': 'https://op.example.test', 'client_secret': 's' * 40})
    errors = checks.validate(validation, spec)
    assert 'JWTAUTH_OIDC_CLIENT_ID' in errors[-1] and '"OpenID Connect client (jwtauth.oidc)"' in errors[-1] and 'jwtauth_oidc_client_id' in errors[-1]
