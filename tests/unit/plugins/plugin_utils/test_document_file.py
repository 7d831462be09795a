# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""pingone_environment's document_file: which document a parsed file holds, its vault references, and the task
arguments the edge then validates."""

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._environment.export import VAULT_REFERENCE, dump, dump_json
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._document_file import args_with_document, document_in, vault_secrets, with_secrets
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._items_file import parsed

SECRET = 'Never-shown-client-5ecret'
USERS = [{'username': 'alice', 'groups': ['staff']}]
GROUPS = [{'name': 'staff'}]
PROVIDER_PATH = 'identity provider/Google/clientSecret'
PROVIDERS = [{'name': 'Google', 'type': 'GOOGLE', 'clientSecret': VAULT_REFERENCE.format(vault='pingone_platform_vault', path=PROVIDER_PATH)}]


@pytest.mark.parametrize(
    'data, expected',
    [
        # As an export writes it, with the role's prefix, and as it writes it without one.
        ({'pingone_platform_users': USERS, 'pingone_platform_exported_types': ['users']}, {'users': USERS, 'exported_types': ['users']}),
        ({'users': USERS, 'groups': GROUPS, 'exported_types': ['users', 'groups']}, {'users': USERS, 'groups': GROUPS, 'exported_types': ['users', 'groups']}),
        # Another prefix, the export's vault_variable and variable_prefix being the task's to choose.
        ({'dev_users': USERS, 'dev_exported_types': ['users']}, {'users': USERS, 'exported_types': ['users']}),
        # Written by hand: the types' own names, no exported_types.
        ({'groups': GROUPS}, {'groups': GROUPS}),
        ({}, {}),
    ],
)
def test_the_document_a_file_holds(data, expected):
    assert document_in(data, 'document_file f.yml') == expected


@pytest.mark.parametrize(
    'data, message, listed',
    [
        (
            {'pingone_platform_user': USERS, 'pingone_platform_exported_types': ['users']},
            'document_file f.yml has pingone_platform_user, which names no type of the type table: use ',
            'pingone_platform_users',
        ),
        # Without an exported_types key, only the types' own names are known.
        ({'pingone_platform_users': USERS}, 'document_file f.yml has pingone_platform_users, which names no type of the type table: use ', ' users,'),
        (USERS, 'document_file f.yml is not a mapping of lists by type (it is a list)', ''),
        (None, 'document_file f.yml is not a mapping of lists by type (it is a null)', ''),
    ],
)
def test_what_is_no_document_is_said_in_the_files_words(data, message, listed):
    with pytest.raises(ConfigurationError) as caught:
        document_in(data, 'document_file f.yml')
    assert str(caught.value).startswith(message)
    assert listed in str(caught.value)


def vault(variable, path):
    assert variable == 'pingone_platform_vault'
    return {PROVIDER_PATH: SECRET, "webhook/O'Brien/secret": 'w'}[path]


@pytest.mark.parametrize(
    'value, expected',
    [
        (PROVIDERS, [dict(PROVIDERS[0], clientSecret=SECRET)]),
        (VAULT_REFERENCE.format(vault='pingone_platform_vault', path="webhook/O'Brien/secret"), 'w'),
        # What only looks like a template is data, as the export's !unsafe said: never rendered, never a lookup.
        ('Hello {{ user.name }}', 'Hello {{ user.name }}'),
        ("{{ pingone_platform_vault['x'] }} and more", "{{ pingone_platform_vault['x'] }} and more"),
        ("{{ lookup('env', 'HOME') }}", "{{ lookup('env', 'HOME') }}"),
        ({'n': 3, 'on': True, 'none': None, 'list': ['a', {'b': 'c'}]}, {'n': 3, 'on': True, 'none': None, 'list': ['a', {'b': 'c'}]}),
    ],
)
def test_only_an_exports_vault_references_are_taken_from_the_vault(value, expected):
    assert with_secrets(value, vault) == expected


@pytest.mark.parametrize('write', [dump, dump_json])
def test_an_export_read_back_is_the_document_it_was_with_its_secrets(write):
    """dump() writes the role's variables (!unsafe on what looks like a template, never on a vault reference, a path in
    double quotes included), dump_json the same data as JSON (nothing marked: a document file is data); parsed and
    document_in read them back."""
    quoted = {'name': "O'Brien", 'type': 'GOOGLE', 'clientSecret': VAULT_REFERENCE.format(vault='pingone_platform_vault', path="webhook/O'Brien/secret")}
    document = {'users': [{'username': 'eve', 'nickname': '{{ not a template }}'}], 'identity_providers': PROVIDERS + [quoted]}
    text = write(document, 'pingone_platform_')
    assert text.count('!unsafe') == (1 if write is dump else 0) and SECRET not in text
    read = with_secrets(document_in(parsed(text.encode(), 'document_file f.yml'), 'document_file f.yml'), vault)
    assert read == {
        'users': document['users'],
        'identity_providers': [dict(PROVIDERS[0], clientSecret=SECRET), dict(quoted, clientSecret='w')],
        'exported_types': ['users', 'identity_providers'],
    }


def loader(files):
    def load(path):
        return files[path]

    return load


def test_the_file_becomes_the_document_compact():
    args = {'api_url': 'https://api.example.test/v1/environments/e', 'document_file': 'env.yml', 'part': 'before_secrets'}
    shaped = args_with_document(args, loader({'env.yml': {'pingone_platform_users': USERS, 'pingone_platform_exported_types': ['users']}}), vault)
    assert shaped == {
        'api_url': 'https://api.example.test/v1/environments/e',
        'part': 'before_secrets',
        'document': {'users': USERS, 'exported_types': ['users']},
        'result_detail': 'compact',
    }
    assert args_with_document(dict(args, result_detail='full'), loader({'env.yml': {}}), vault)['result_detail'] == 'full'


@pytest.mark.parametrize('args', [{'document_file': 'env.yml', 'document': {'users': USERS}}, {'document': {}}, {'api_url': 'u'}])
def test_the_validator_sees_both_when_a_document_is_also_given(args):
    """document beside document_file, or no document_file: the arguments go on as given, unread, and the edge's validator
    says what is wrong (mutually exclusive)."""
    assert args_with_document(args, loader({}), vault) is args


@pytest.mark.parametrize('path', ['', 3])
def test_a_document_file_that_is_no_path(path):
    with pytest.raises(ConfigurationError, match='document_file must be the path of a YAML or JSON file'):
        args_with_document({'document_file': path}, loader({}), vault)


class Vaulted:
    """What ansible-core before 2.19 gives for an inline !vault value: no str, its text when made one."""

    def __str__(self):
        return SECRET


def variables(name):
    return {'pingone_platform_vault': {PROVIDER_PATH: Vaulted(), 'port': 8443, 'flag': False}, 'flat': 'a string'}[name]


@pytest.mark.parametrize(
    'name, path, expected',
    [
        ('pingone_platform_vault', PROVIDER_PATH, SECRET),
        ('pingone_platform_vault', 'port', 8443),
        ('pingone_platform_vault', 'flag', False),
    ],
)
def test_a_vault_reference_takes_the_key_of_the_variable(name, path, expected):
    assert vault_secrets(variables)(name, path) == expected


@pytest.mark.parametrize(
    'name, path, message',
    [
        ('vault', 'x/y/z', "document_file refers to vault['x/y/z'], and vault is not defined: load the vaulted variables file that holds it"),
        ('pingone_platform_vault', 'x/y/z', "document_file refers to pingone_platform_vault['x/y/z'], and pingone_platform_vault has no such key"),
        ('flat', 'x', "document_file refers to flat['x'], and flat has no such key"),
    ],
)
def test_a_vault_reference_that_finds_nothing_names_the_variable_and_the_key(name, path, message):
    with pytest.raises(ConfigurationError) as caught:
        vault_secrets(variables)(name, path)
    assert str(caught.value) == message


def test_each_variable_is_asked_for_once():
    asked = []

    def variable(name):
        asked.append(name)
        return {'a': 1, 'b': 2}

    secret = vault_secrets(variable)
    assert [secret('v', 'a'), secret('v', 'b'), secret('w', 'a')] == [1, 2, 1] and asked == ['v', 'w']
