#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: vault_file_value
short_description: Set one variable of an Ansible Vault encrypted file, re-encrypted in place, the rest unchanged
version_added: 0.1.0
description:
  - Decrypts an Ansible Vault encrypted variables file (C(ansible-vault create) or C(ansible-vault encrypt)) with the
    play's vault secrets, sets one top-level variable, and encrypts it again with the same vault secret and vault ID, so
    whoever could open it before opens it again.
  - Only the value on the variable's line changes - comments, order, quoting and the other values stay byte for byte as
    they were. The result is parsed again before it is written, and must hold the new value and every other variable
    as before. A variable the file does not hold is appended at its end.
  - The file is replaced atomically (readers see the old file or the new one, never half of one), its mode kept.
  - Neither the value nor anything else of the file is ever shown, in the result, a failure or a diff.
  - Runs on the Ansible controller, where the vault secrets are. the role C(jwtauth.oidc.pingone_secret_rotation) hands a rotated
    client secret over to a vault file with it.
author:
  - jwtauth.oidc developers (@jwtauth)
options:
  path:
    description:
      - The encrypted file, on the controller.
    type: path
    required: true
  key:
    description:
      - The top-level variable to set. Its value must be a one-line scalar (not a block scalar, an alias, a list or a mapping).
    type: str
    required: true
  value:
    description:
      - The value to set.
    type: str
    required: true
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  check_mode:
    support: full
    details:
      - Decrypts and compares, writes nothing.
  diff_mode:
    support: none
    details:
      - The file holds secrets, so no diff is ever shown.
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  platform:
    platforms: all
seealso:
  - ref: ansible_collections.jwtauth.oidc.docsite.guide_pingone_as_code
    description: The pingone_secret_rotation role, which runs the whole rotation (Rotating client secrets).
"""

EXAMPLES = r"""
- name: A new client secret into group_vars/portal/vault.yml (run with --vault-id or --vault-password-file)
  jwtauth.oidc.vault_file_value:
    path: group_vars/portal/vault.yml
    key: portal_client_secret
    value: "{{ new_secret }}"
  no_log: true
"""

RETURN = r"""
path:
  description: The file.
  returned: success
  type: str
key:
  description: The variable set.
  returned: success
  type: str
msg:
  description: What was done, in words.
  returned: always
  type: str
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    """Never run by a play: the action plugin of the same name does the work, on the controller."""
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', required=True), key=dict(type='str', required=True, no_log=False), value=dict(type='str', required=True, no_log=True)
        ),
        supports_check_mode=True,
    )
    module.fail_json(msg='jwtauth.oidc.vault_file_value runs on the controller as an action plugin; this module file holds only its documentation.')


if __name__ == '__main__':
    main()
