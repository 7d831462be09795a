# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures shared by the unit tests of the plugins."""

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import sources
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import specs

AWX_ISSUER = 'https://env.example.test'
AWX_CLIENT_ID = 'env-client'


@pytest.fixture
def awx_environ(monkeypatch):
    """An AWX-injected environment: a credential with an issuer, a client ID and a secret; every other input "" ."""
    for option in specs.connection_argument_spec():
        monkeypatch.setenv(sources.env_var(option), '')
    monkeypatch.setenv('JWTAUTH_OIDC_ISSUER', AWX_ISSUER)
    monkeypatch.setenv('JWTAUTH_OIDC_CLIENT_ID', AWX_CLIENT_ID)
    monkeypatch.setenv('JWTAUTH_OIDC_CLIENT_SECRET', 's' * 32)
