# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sets one value of an Ansible Vault encrypted variables file, on the controller, with the play's vault secrets."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.parsing.vault import is_encrypted
from ansible.plugins.action import ActionBase

from ansible_collections.jwtauth.oidc.plugins.plugin_utils._vault_file import VaultFileError, with_value

ARGUMENT_SPEC = dict(
    path=dict(type='path', required=True),
    key=dict(type='str', required=True, no_log=False),
    value=dict(type='str', required=True, no_log=True),
)


class ActionModule(ActionBase):
    """Decrypt with the secret that opens the file, change the key's line, encrypt again with that secret and vault ID,
    and replace the file atomically, its mode kept. Never shows a value of the file."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        path, key, value = args['path'], args['key'], args['value']
        try:
            changed = self._set(path, key, value, bool(self._task.check_mode))
        except (VaultFileError, AnsibleError, OSError) as exc:
            # AnsibleError of the vault names no value; OSError its path and errno only.
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).replace(value, '***')
            result.update(failed=True, msg=f'Failed to set {key} in {path}: {reason}')
            return result
        verb = ('would set' if self._task.check_mode else 'set') if changed else 'already holds the value of'
        result.update(changed=changed, path=path, key=key, msg=f'{path}: {verb} {key}')
        return result

    def _set(self, path, key, value, check_mode):
        with open(path, 'rb') as handle:
            vaulttext = handle.read()
        if not is_encrypted(vaulttext):
            raise VaultFileError('it is not an Ansible Vault encrypted file (ansible-vault encrypt it first)')
        vault = self._loader._vault  # the play's vault secrets (--vault-id, --vault-password-file, AWX's vault credential)
        try:
            plaintext, vault_id, secret = vault.decrypt_and_get_vault_id(vaulttext)
        except AnsibleError:
            raise VaultFileError("none of the play's vault secrets decrypts it (give its --vault-id or --vault-password-file)") from None
        text, changed = with_value(to_text(plaintext, errors='surrogate_or_strict'), key, value)
        if not changed or check_mode:
            return changed
        # The same vault ID and secret: whoever opened it before opens it again; a label stays a label (format 1.2).
        encrypted = vault.encrypt(to_bytes(text, errors='surrogate_or_strict'), secret=secret, vault_id=vault_id)
        mode = stat.S_IMODE(os.stat(path).st_mode)
        directory = os.path.dirname(os.path.abspath(path))
        handle, temp = tempfile.mkstemp(dir=directory, prefix='.' + os.path.basename(path) + '.')
        try:
            with os.fdopen(handle, 'wb') as out:
                out.write(encrypted)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, mode)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        return True
