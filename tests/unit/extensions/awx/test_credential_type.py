# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""extensions/awx/credential_type.yml stays in step with the options it sets."""

from __future__ import annotations

import os
import re

import pytest
import yaml

from ansible_collections.jwtauth.oidc.plugins.module_utils import _options, _pingone

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, '..', '..', '..', '..', 'extensions', 'awx', 'credential_type.yml')

with open(PATH) as handle:
    CREDENTIAL_TYPE = yaml.safe_load(handle)
FIELDS = {field['id']: field for field in CREDENTIAL_TYPE['inputs']['fields']}
ENV = CREDENTIAL_TYPE['injectors']['env']
# The connection options, and the user of grant_type=pingone_flow.
CONNECTION = dict(_options.connection_argument_spec(),
                  **{name: spec for name, spec in _options.grant_argument_spec().items() if name in _options.USER_OPTIONS})
# Inputs that are not options one to one: the CA is given as PEM and injected as a file path.
NOT_OPTIONS = {'ca_certificate'}
# Options checked by the library rather than by spec choices, with the values a dropdown should offer:
# region takes any case and says which name to use (issue 11), and the credential offers the canonical names.
CHECKED_CHOICES = {'region': list(_pingone.REGION_TLDS)}


def test_shape_is_what_awx_accepts():
    # Custom credential types may only be of kind cloud or net (AWX CredentialType.kind).
    assert CREDENTIAL_TYPE['kind'] in ('cloud', 'net')
    assert set(CREDENTIAL_TYPE) == {'name', 'description', 'kind', 'inputs', 'injectors'}
    for field in FIELDS.values():
        assert field['type'] in ('string', 'boolean') and field.get('label')
    assert set(CREDENTIAL_TYPE['inputs']['required']) <= set(FIELDS)


@pytest.mark.parametrize('field_id', sorted(set(FIELDS) - NOT_OPTIONS))
def test_each_input_sets_its_option_variable(field_id):
    assert field_id in CONNECTION, 'input {0} is not a connection option'.format(field_id)
    assert ENV[_options.env_var(field_id)] == '{{ ' + field_id + ' }}'


@pytest.mark.parametrize('field_id', sorted(set(FIELDS) - NOT_OPTIONS))
def test_secret_inputs_are_the_secret_options(field_id):
    assert bool(FIELDS[field_id].get('secret')) == (field_id in _options.SECRET_OPTIONS)


@pytest.mark.parametrize('field_id', sorted(field for field in FIELDS if 'choices' in FIELDS[field]))
def test_choices_are_the_options_choices(field_id):
    assert sorted(FIELDS[field_id]['choices']) == sorted(CONNECTION[field_id].get('choices') or CHECKED_CHOICES[field_id])


def test_no_boolean_inputs():
    # AWX injects a boolean input left empty as False: validate_certs would silently turn certificate checks off.
    assert not [field for field in FIELDS.values() if field['type'] == 'boolean']


def test_every_variable_is_an_option_or_the_ca_path():
    names = {_options.env_var(option) for option in CONNECTION}
    assert set(ENV) <= names
    assert re.fullmatch(r'\{% if ca_certificate %\}\{\{ tower\.filename\.ca \}\}\{% endif %\}', ENV['JWTAUTH_OIDC_CA_PATH'])
    assert CREDENTIAL_TYPE['injectors']['file'] == {'template.ca': '{{ ca_certificate }}'}
