# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The settings lookup: the connection options the jwtauth_oidc_* variables set, templated, for module_defaults."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleLookupError
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar

try:
    from ansible.template import trust_as_template  # ansible-core 2.19+: only variables from files are templated
except ImportError:  # older ansible-core templates any string

    def trust_as_template(value):
        return value


VARIABLES = {
    'secret_of_vault': 'from-the-vault',
    'jwtauth_oidc_client_id': 'automation',
    'jwtauth_oidc_client_secret': trust_as_template('{{ secret_of_vault }}'),
    'jwtauth_oidc_issuer': 'https://op.example.test',
    'jwtauth_oidc_scope': ['api:read'],  # not a connection option: the modules of the group do not all take it
    'jwtauth_oidc_token_store_path': '/tmp/store',  # nor this one
}


def settings(terms=(), **direct):
    lookup = lookup_loader.get('jwtauth.oidc.settings', loader=DataLoader(), templar=Templar(loader=DataLoader(), variables=VARIABLES))
    (found,) = lookup.run(list(terms), VARIABLES, **direct)
    return found


def test_the_connection_options_the_variables_set_templated(awx_environ):
    assert settings() == {'client_id': 'automation', 'client_secret': 'from-the-vault', 'issuer': 'https://op.example.test'}


@pytest.mark.parametrize(
    'terms, direct, expected',
    [
        (['client_*'], {}, {'client_id': 'automation', 'client_secret': 'from-the-vault'}),
        (['issuer', 'region'], {}, {'issuer': 'https://op.example.test'}),
        ([], {'region': 'EU'}, {'client_id': 'automation', 'client_secret': 'from-the-vault', 'issuer': 'https://op.example.test', 'region': 'EU'}),
    ],
)
def test_terms_pick_and_keywords_override(awx_environ, terms, direct, expected):
    assert settings(terms, **direct) == expected


def test_the_environment_is_left_to_the_modules(awx_environ, monkeypatch):
    """An AWX credential's JWTAUTH_OIDC_* variables: every module reads them itself, after module_defaults."""
    monkeypatch.setenv('JWTAUTH_OIDC_REGION', 'EU')
    assert 'region' not in settings()


@pytest.mark.parametrize(
    'terms, direct, words',
    [
        (['clientid'], {}, 'no connection option is named clientid'),
        ([], {'scope': ['x']}, 'unknown option scope; it takes the connection options only'),
    ],
)
def test_mistakes_are_named(awx_environ, terms, direct, words):
    with pytest.raises(AnsibleLookupError, match=words):
        settings(terms, **direct)
