# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What AWX does between "launch" and ansible-runner, for the tests that run a job the way AWX does.

AWX itself cannot run here (it needs containers and PostgreSQL), so the two
steps it takes before handing a job to ansible-runner are written out:

- ``inject``: a credential of a custom type becomes environment variables and
  files, following ``CredentialType.inject_credential`` in AWX's
  ``awx/main/models/credential.py`` (AWX 24): inputs left empty are absent from
  the template namespace (so they render as ""), boolean inputs left empty are
  False, each ``file`` injector is rendered to a 0600 file under
  ``<private_data_dir>/env`` and named by ``tower.filename.<label>``, and every
  template is rendered in Jinja2's immutable sandbox.
- ``private_data_dir``: the directory ansible-runner reads (project,
  inventory, env/envvars, env/extravars), as AWX lays it out.

ansible-runner, ansible-playbook and the collection then run for real.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile

import yaml
from jinja2 import sandbox


class _Namespace:
    pass


def inject(credential_type, inputs, private_data_dir):
    """The environment a job gets from one credential of ``credential_type`` holding ``inputs``."""
    fields = credential_type['inputs']['fields']
    namespace = {name: value for name, value in inputs.items() if isinstance(value, bool) or len(value)}
    for field in fields:
        if field.get('type') == 'boolean' and field['id'] not in inputs:
            namespace[field['id']] = False
    tower = _Namespace()
    namespace['tower'] = tower
    env_dir = os.path.join(private_data_dir, 'env')
    os.makedirs(env_dir, exist_ok=True)
    templates = sandbox.ImmutableSandboxedEnvironment()
    for label, template in credential_type['injectors'].get('file', {}).items():
        handle, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(handle, 'w') as out:
            out.write(templates.from_string(template).render(**namespace))
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        if '.' not in label:
            tower.filename = path
        else:
            if not hasattr(tower, 'filename'):
                tower.filename = _Namespace()
            setattr(tower.filename, label.split('.', 1)[1], path)
    return {name: templates.from_string(template).render(**namespace) for name, template in credential_type['injectors'].get('env', {}).items()}


def private_data_dir(path, playbook, envvars, extravars, inventory):
    """Lay out ``path`` for ``ansible-runner run``: the project holds the playbook, nothing else holds a secret."""
    os.makedirs(os.path.join(path, 'project'), exist_ok=True)
    os.makedirs(os.path.join(path, 'inventory'), exist_ok=True)
    os.makedirs(os.path.join(path, 'env'), exist_ok=True)
    shutil.copy(playbook, os.path.join(path, 'project'))
    with open(os.path.join(path, 'inventory', 'hosts'), 'w') as out:
        out.write(inventory)
    for name, data in (('envvars', envvars), ('extravars', extravars)):
        target = os.path.join(path, 'env', name)
        with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w') as out:
            yaml.safe_dump(data, out)
    return path
