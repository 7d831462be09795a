# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What AWX does with a credential plugin, run by the clean venv's Python (tests/integration/test_awx_credential_plugin.py).

AWX cannot run here (PostgreSQL, containers), so its two steps are written out from ansible/awx
``awx/main/models/credential.py``:

- discovery: ``{ep.name: ep.load() for ep in entry_points(group='awx_plugins.credentials')}`` (AWX's development
  branch; AWX 24 reads the group ``awx.credential_plugins``), then ``CredentialType.load_plugin(ns, plugin)``, which
  keeps ``plugin.name`` and ``plugin.inputs``;
- a lookup: ``CredentialInputSource.get_input_value``: ``backend(**inputs, **metadata)``. A job launch that it fails
  records ``traceback.format_exc()`` as the job's ``result_traceback``; the Test button answers the exception's class
  name, or ``HTTP <status>`` for a requests HTTPError (``awx/api/views``: CredentialExternalTest).

Standard library only, plus what the venv holds. Usage: ``python awx_plugin_host.py discover`` or
``python awx_plugin_host.py lookup [GO_FILE] < kwargs.json``; prints one JSON document.
"""

import json
import os
import sys
import time
import traceback
from importlib.metadata import entry_points

GROUPS = ('awx_plugins.credentials', 'awx.credential_plugins')
NAMESPACE = 'jwtauth_oidc_token'


def discover():
    found = {}
    for group in GROUPS:
        found[group] = {}
        for entry_point in entry_points(group=group):
            found[group][entry_point.name] = {'dist': entry_point.dist.name if entry_point.dist else None}
            if entry_point.name == NAMESPACE:
                # AWX loads every plugin; the others here lack the SDKs they import (boto3, ...), which AWX's venv has.
                plugin = entry_point.load()
                found[group][entry_point.name].update(name=plugin.name, inputs=plugin.inputs)
    found['ansible_imported'] = sorted(name for name in sys.modules if name == 'ansible' or name.startswith(('ansible.', 'ansible_collections')))
    return found


def lookup(go_file=None):
    kwargs = json.load(sys.stdin)
    [plugin] = [entry_point.load() for entry_point in entry_points(group='awx_plugins.credentials') if entry_point.name == NAMESPACE]
    if go_file:
        # Imports done, every process waits here: the lookups start together, as concurrent job launches do.
        while not os.path.exists(go_file):
            time.sleep(0.005)
    try:
        return {'token': plugin.backend(**kwargs)}
    except Exception as exc:  # what AWX does with it
        response = getattr(exc, 'response', None)
        test_button = f'HTTP {response.status_code}' if response is not None else exc.__class__.__name__
        return {'error_class': exc.__class__.__name__, 'message': str(exc), 'traceback': traceback.format_exc(), 'test_button': test_button}


if __name__ == '__main__':
    if sys.argv[1] == 'discover':
        print(json.dumps(discover()))
    else:
        print(json.dumps(lookup(sys.argv[2] if len(sys.argv) > 2 else None)))
