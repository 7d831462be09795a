# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""api_resource's items_file: which list a parsed file holds, and the task arguments the edge then validates."""

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._items_file import args_with_items, items_in, parsed

PASSWORD = 'Never-shown-pa55word'
USERS = [{'userName': 'alice'}, {'userName': 'bob', 'password': PASSWORD}]


@pytest.mark.parametrize(
    'data, key, expected',
    [
        (USERS, None, USERS),
        ([], None, []),
        ({'users': USERS, 'groups': []}, 'users', USERS),
        ({'users': []}, 'users', []),
    ],
)
def test_the_list_a_file_holds(data, key, expected):
    assert items_in(data, key, 'items_file f.yml') == expected


@pytest.mark.parametrize(
    'data, key, message',
    [
        ({'users': USERS}, None, 'items_file f.yml is a mapping: name the key that holds the list with items_file_key'),
        (USERS, 'users', "items_file f.yml is not a mapping, so it has no key 'users' (items_file_key)"),
        ({'groups': [], 'apps': []}, 'users', "items_file f.yml has no key 'users' (items_file_key); its keys: apps, groups"),
        ('a string', None, 'items_file f.yml is not a list of items (it is a string)'),
        (None, None, 'items_file f.yml is not a list of items (it is a null)'),
        ({'users': 'x'}, 'users', 'items_file f.yml key users is not a list of items (it is a string)'),
        ([{'userName': 'alice'}, PASSWORD], None, 'items_file f.yml: item 1 is not a mapping (it is a string)'),
    ],
)
def test_what_is_not_a_list_of_items_is_said_without_a_value(data, key, message):
    with pytest.raises(ConfigurationError) as caught:
        items_in(data, key, 'items_file f.yml')
    assert str(caught.value) == message
    assert PASSWORD not in str(caught.value)


def loader(files):
    def load(path):
        return files[path]

    return load


def test_the_file_becomes_items_named_by_the_file_and_compact():
    args = {'url': 'https://api.example.test/Users', 'items_file': 'users.yml', 'items_file_key': 'users', 'key': 'userName'}
    assert args_with_items(args, loader({'users.yml': {'users': USERS}})) == {
        'url': 'https://api.example.test/Users',
        'key': 'userName',
        'items': USERS,
        'items_name': 'items_file users.yml',
        'result_detail': 'compact',
    }


def test_what_the_task_says_wins():
    args = {'items_file': 'users.json', 'items_name': 'directory', 'result_detail': 'full'}
    shaped = args_with_items(args, loader({'users.json': USERS}))
    assert shaped['items_name'] == 'directory' and shaped['result_detail'] == 'full'


@pytest.mark.parametrize('other', [{'items': USERS}, {'item': USERS[0]}, {}])
def test_the_validator_sees_both_when_items_are_also_given(other):
    """item or items beside items_file, or no items_file at all: the arguments go on as given, unread, and the edge's
    validator says what is wrong (mutually exclusive, or one of item, items, items_file required)."""
    args = dict(other, items_file='users.yml') if other else {'url': 'u'}
    assert args_with_items(args, loader({})) is args


@pytest.mark.parametrize('path', ['', 3])
def test_an_items_file_that_is_no_path(path):
    with pytest.raises(ConfigurationError, match='items_file must be the path of a YAML or JSON file'):
        args_with_items({'items_file': path}, loader({}))


@pytest.mark.parametrize(
    'data, expected',
    [
        (b'[{"userName": "alice"}]', [{'userName': 'alice'}]),
        (b'- userName: alice\n  active: true\n', [{'userName': 'alice', 'active': True}]),
        (b'users:\n  - userName: bob\n', {'users': [{'userName': 'bob'}]}),
        (b'', None),
        # An export marks a value that looks like a template !unsafe: read as data, the text as written.
        (b'- userName: eve\n  nickName: !unsafe "{{ x }}"\n', [{'userName': 'eve', 'nickName': '{{ x }}'}]),
    ],
)
def test_json_or_yaml_as_plain_data(data, expected):
    assert parsed(data, 'items_file f') == expected


@pytest.mark.parametrize(
    'data, message',
    [
        (
            f'- userName: dan\n  password: {PASSWORD}\n   bad: [\n'.encode(),
            'items_file f is not a YAML or JSON document (at line 3, column 7)',
        ),
        (
            f'- userName: dan\n  password: !vault |\n    $ANSIBLE_VAULT;1.1;AES256\n    {PASSWORD}\n'.encode(),
            'items_file f holds a YAML tag at line 2, column 13 (an inline !vault value?): encrypt the whole file with ansible-vault instead',
        ),
        (
            b'- userName: dan\n  emails: !unsafe [a]\n',
            'items_file f holds a YAML tag at line 2, column 11 (an inline !vault value?): encrypt the whole file with ansible-vault instead',
        ),
    ],
)
def test_a_file_that_does_not_parse_is_placed_never_quoted(data, message):
    with pytest.raises(ConfigurationError) as caught:
        parsed(data, 'items_file f')
    assert str(caught.value) == message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
