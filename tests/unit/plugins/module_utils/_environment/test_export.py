# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_environment.export without a server: the YAML of a document, its order, secrets and templates (the reads are
tests/integration/test_pingone_environment.py's)."""

from __future__ import annotations

import yaml

from ansible_collections.jwtauth.oidc.plugins.module_utils._environment import export
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import TYPES_BY_NAME


def test_the_same_document_is_the_same_bytes_whatever_its_order():
    one = {'groups': [{'name': 'b', 'groups': ['y', 'x']}, {'name': 'a'}], 'users': []}
    other = {'groups': [{'groups': ['x', 'y'], 'name': 'b'}, {'name': 'a'}], 'users': []}
    first = export.dump({name: [export.canonical(item) for item in items] for name, items in one.items()}, 'p_')
    second = export.dump({name: [export.canonical(item) for item in items] for name, items in other.items()}, 'p_')
    assert first == second and first.startswith(export.HEADER + '---\n')
    assert yaml.safe_load(first)['p_exported_types'] == ['groups', 'users']


def test_a_value_ansible_would_template_is_written_unsafe_but_a_vault_reference_is_not():
    reference = export.VAULT_REFERENCE.format(
        vault='pingone_platform_vault', path=export.secret_path(TYPES_BY_NAME['identity provider'], 'Corp', 'clientSecret')
    )
    assert reference == "{{ pingone_platform_vault['identity provider/Corp/clientSecret'] }}"
    text = export.dump({'notifications': [{'body': 'Hello {{ user.name }}', 'clientSecret': reference}]}, 'pingone_platform_')
    assert "body: !unsafe 'Hello {{ user.name }}'" in text
    assert "clientSecret: '{{ pingone_platform_vault[''identity provider/Corp/clientSecret''] }}'" in text
    # A document for the module (no prefix) is data, not variables: nothing to mark.
    assert '!unsafe' not in export.dump({'notifications': [{'body': 'Hello {{ user.name }}'}]}, '')


def test_fields_the_document_never_holds():
    user = export.not_document_fields(TYPES_BY_NAME['user'])
    assert {'id', 'createdAt', 'lifecycle', 'mfaEnabled', 'account', 'identityProvider.type'} <= set(user)
    assert 'enabled' not in user and 'population' not in user  # their own endpoints: the document's
