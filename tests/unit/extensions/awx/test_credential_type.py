# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The credential types in extensions/awx stay in step with the options they set.

credential_type.yml injects JWTAUTH_OIDC_<OPTION>, what every option falls back to;
application_credential_type.yml injects JWTAUTH_OIDC_APP_<OPTION>, what the options fall
back to with credential=application (a worker and an end-user application in one job).
"""

from __future__ import annotations

import os
import re

import pytest
import yaml

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import checks, sources
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import specs
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone import locations

HERE = os.path.dirname(os.path.abspath(__file__))
DIRECTORY = os.path.join(HERE, '..', '..', '..', '..', 'extensions', 'awx')


def load(name):
    with open(os.path.join(DIRECTORY, name)) as handle:
        return yaml.safe_load(handle)


# File -> the credential option value whose fallbacks its variables are.
TYPES = {'credential_type.yml': 'default', 'application_credential_type.yml': 'application'}
LOADED = {name: load(name) for name in TYPES}
# The connection options, and the user of grant_type=pingone_flow.
CONNECTION = dict(specs.connection_argument_spec(), **{name: spec for name, spec in specs.grant_argument_spec().items() if name in sources.USER_OPTIONS})
# Inputs that are not options one to one: the CA is given as PEM and injected as a file path.
NOT_OPTIONS = {'ca_certificate'}
# Options checked by the library rather than by spec choices, with the values a dropdown should offer:
# region takes any case and says which name to use, and the credential offers the canonical names.
CHECKED_CHOICES = {'region': list(locations.REGION_TLDS)}
# What the application credential injects when it names a location: every variable it has is then read.
NAMED_LOCATION = {'JWTAUTH_OIDC_APP_ISSUER': 'https://op.example.test'}


def fields(name):
    return {field['id']: field for field in LOADED[name]['inputs']['fields']}


def variable(name, option):
    """The variable an option reads first with the file's credential (the application's naming a location)."""
    return sources.credential_env_vars(option, TYPES[name], NAMED_LOCATION)[0]


INPUTS = [(name, field_id) for name in TYPES for field_id in sorted(fields(name))]
OPTION_INPUTS = [(name, field_id) for name, field_id in INPUTS if field_id not in NOT_OPTIONS]


@pytest.mark.parametrize('name', sorted(TYPES))
def test_shape_is_what_awx_accepts(name):
    credential_type = LOADED[name]
    # Custom credential types may only be of kind cloud or net (AWX CredentialType.kind).
    assert credential_type['kind'] in ('cloud', 'net')
    assert set(credential_type) == {'name', 'description', 'kind', 'inputs', 'injectors'}
    for field in fields(name).values():
        assert field['type'] in ('string', 'boolean') and field.get('label')
        # AWX injects a boolean input left empty as False: validate_certs would silently turn certificate checks off.
        assert field['type'] != 'boolean'
    assert set(credential_type['inputs']['required']) == {'client_id'}
    # Injectors are env and file only: AWX's schema allows only string extra_vars, and variables would reach every template.
    assert set(credential_type['injectors']) == {'env', 'file'}


def test_the_types_have_their_own_names_and_variables():
    first, second = (LOADED[name] for name in sorted(TYPES, key=list(TYPES).index))
    assert first['name'] != second['name']
    assert not set(first['injectors']['env']) & set(second['injectors']['env'])


@pytest.mark.parametrize('name, field_id', OPTION_INPUTS)
def test_each_input_sets_its_option_variable(name, field_id):
    assert field_id in CONNECTION, f'input {field_id} is not a connection option'
    assert LOADED[name]['injectors']['env'][variable(name, field_id)] == '{{ ' + field_id + ' }}'


@pytest.mark.parametrize('name, field_id', OPTION_INPUTS)
def test_secret_inputs_are_the_secret_options(name, field_id):
    assert bool(fields(name)[field_id].get('secret')) == (field_id in checks.SECRET_OPTIONS)


@pytest.mark.parametrize('name, field_id', [(name, field_id) for name, field_id in INPUTS if 'choices' in fields(name)[field_id]])
def test_choices_are_the_options_choices(name, field_id):
    assert sorted(fields(name)[field_id]['choices']) == sorted(CONNECTION[field_id].get('choices') or CHECKED_CHOICES[field_id])


@pytest.mark.parametrize('name', sorted(TYPES))
def test_every_variable_is_an_option_or_the_ca_path(name):
    env = LOADED[name]['injectors']['env']
    assert set(env) <= {variable(name, option) for option in list(CONNECTION) + ['ca_path']}
    assert set(env) == {variable(name, field_id) for field_id in fields(name) if field_id not in NOT_OPTIONS} | {variable(name, 'ca_path')}
    assert re.fullmatch(r'\{% if ca_certificate %\}\{\{ tower\.filename\.ca \}\}\{% endif %\}', env[variable(name, 'ca_path')])
    assert LOADED[name]['injectors']['file'] == {'template.ca': '{{ ca_certificate }}'}


def test_the_application_type_holds_the_client_and_the_user_whole():
    """credential=application reads the client and the user only from this type: every option of both groups is an input."""
    application = fields('application_credential_type.yml')
    assert set(sources.CLIENT_OPTIONS) | set(sources.USER_OPTIONS) <= set(application)
    assert set(sources.LOCATION_OPTIONS) <= set(application)
