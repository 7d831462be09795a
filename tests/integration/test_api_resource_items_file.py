# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""api_resource with items_file, through ansible-playbook -vvvv against the real SCIM server (issue 27): the items read
by the action plugin from a YAML, JSON or vaulted file, a compact result, and errors that name the file, never a value."""

from __future__ import annotations

import os
import subprocess

import pytest
import yaml

from conftest import BIN

PASSWORD = 'Items-file-pa55word-never-shown'
USERS = [{'userName': f'file-user{number}', 'active': True} for number in range(3)]


def run(ansible, scim, op, users_file, secrets=(), extra_args=(), **variables):
    token = scim.token()
    variables = dict(variables, scim_url=scim.base_url, scim_bearer_token=token, scim_ca_path=op.ca_path, users_file=str(users_file))
    outcome = ansible('api_resource_items_file.yml', variables, secrets=[token, *secrets], extra_args=extra_args)
    assert isinstance(outcome.result, dict), outcome.output[-3000:]
    return outcome


def vaulted(tmp_path, data):
    """``data`` as YAML in a file encrypted with ansible-vault; the path of the file and of its password file."""
    password_file = tmp_path / 'vault-password'
    password_file.write_text('items-file-vault-password\n')
    path = tmp_path / 'users.yml'
    path.write_text(yaml.safe_dump(data))
    subprocess.run([os.path.join(BIN, 'ansible-vault'), 'encrypt', '--vault-password-file', str(password_file), str(path)], check=True, capture_output=True)
    assert PASSWORD not in path.read_text()
    return path, password_file


def test_a_vaulted_file_converges_with_a_compact_result_and_no_password_shown(op, ansible, scim, tmp_path):
    users = USERS + [{'userName': 'file-carol', 'password': PASSWORD, 'active': True}]
    path, password_file = vaulted(tmp_path, {'directory': {'note': 'not this'}, 'scim_users': users})
    vault = ['--vault-password-file', str(password_file)]
    mark = scim.mark()
    first = run(ansible, scim, op, path, secrets=[PASSWORD], extra_args=vault, users_file_key='scim_users')
    result = first.result
    assert result.get('failed') is not True, result
    assert result['counts'] == {'created': 4, 'updated': 0, 'deleted': 0, 'unchanged': 0}
    assert sorted(result['created']) == ['file-carol', 'file-user0', 'file-user1', 'file-user2']
    # Compact: no list as long as the collection.
    assert 'ids' not in result and 'unchanged' not in result
    # The echoed arguments name the items, not the file's key or path twice, and mask the password (the scan of -vvvv
    # output above found it nowhere).
    assert scim.writes(since=mark) == 4
    listed = {user['userName'] for user in scim.admin_session().get(scim.base_url + '/Users').json()['Resources']}
    assert {'file-carol', 'file-user0'} <= listed
    again = run(ansible, scim, op, path, secrets=[PASSWORD], extra_args=vault, users_file_key='scim_users').result
    assert again['changed'] is False and again['counts'] == {'created': 0, 'updated': 0, 'deleted': 0, 'unchanged': 4}
    assert scim.writes(since=mark) == 4


def test_a_json_file_of_the_play_with_full_detail(op, ansible, scim):
    """A relative path is found in the play's files/ (playbooks/files/items_file_users.json), as copy finds its src."""
    result = run(ansible, scim, op, 'items_file_users.json', result_detail='full').result
    assert sorted(result['created']) == ['json-ann', 'json-ben']
    assert set(result['ids']) == {'json-ann', 'json-ben'} and all(result['ids'].values())
    assert result['unchanged'] == [] and result['counts']['created'] == 2


@pytest.mark.core_sensitive
def test_errors_name_the_file_and_the_item_never_a_value(op, ansible, scim, tmp_path):
    mark = scim.mark()
    missing = run(ansible, scim, op, 'no-such-users.yml').result
    assert missing['failed'] is True and missing['msg'].startswith('items_file no-such-users.yml was not found'), missing
    # An item that is not a mapping: its index, not its text.
    bad_item = tmp_path / 'bad-item.yml'
    bad_item.write_text(yaml.safe_dump([{'userName': 'ok'}, PASSWORD]))
    result = run(ansible, scim, op, bad_item, secrets=[PASSWORD]).result
    assert result['msg'] == f'items_file {bad_item}: item 1 is not a mapping (it is a string)'
    # A file YAML cannot parse, a password on the broken line: the parser's message, which quotes the line, is not shown.
    broken = tmp_path / 'broken.yml'
    broken.write_text(f'- userName: dan\n  password: {PASSWORD}\n   bad: [\n')
    result = run(ansible, scim, op, broken, secrets=[PASSWORD]).result
    assert result['msg'] == f'items_file {broken} is not a YAML or JSON document (at line 3, column 7)', result['msg']
    # A vaulted file without the play's vault secret.
    path, _password_file = vaulted(tmp_path, USERS)
    result = run(ansible, scim, op, path).result
    assert result['msg'] == f"items_file {path} could not be decrypted with the play's vault secrets", result['msg']
    # The item's error inside the converge names the file's item.
    no_key = tmp_path / 'no-key.json'
    no_key.write_text('[{"userName": "erin"}, {"username": "frank"}]')
    result = run(ansible, scim, op, no_key).result
    assert result['msg'] == f'items_file {no_key}[1] has no value for its key userName'
    assert scim.writes(since=mark) == 0
