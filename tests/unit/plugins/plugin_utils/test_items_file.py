# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""api_resource's items_file: which list a parsed file holds, and the task arguments the edge then validates."""

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.plugin_utils._items_file import args_with_items, items_in

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
