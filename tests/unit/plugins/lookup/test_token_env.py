# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Options whose docs declare env: (read by Ansible's config too) rank and read as the option layer says."""

from __future__ import annotations

import os

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import sources
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import specs
from ansible_collections.jwtauth.oidc.plugins.plugin_utils import _lookup_options

SPEC = specs.lookup_argument_spec()
# The str options without choices or default; the others are checked by the AWX environment test below.
DECLARED = tuple(
    name for name, spec in SPEC.items() if 'fallback' in spec and spec.get('type', 'str') == 'str' and not spec.get('choices') and spec.get('default') is None
)


def validated(variables=None, **direct):
    """What the lookup hands the library: its given options, then the spec's fallbacks and defaults."""
    variables = variables or {}
    lookup = lookup_loader.get('jwtauth.oidc.token', loader=DataLoader(), templar=Templar(loader=DataLoader(), variables=variables))
    given = _lookup_options.options_given(lookup._load_name, SPEC, variables, direct, lookup._templar)
    validation = ArgumentSpecValidator(**specs.token_module_kwargs(SPEC)).validate(given)
    return given, validation.validated_parameters


@pytest.mark.parametrize('option', DECLARED)
@pytest.mark.parametrize(
    'environ, variables, direct, expected',
    [
        # An empty variable (an AWX input left empty) is unset.
        ('', {}, {}, None),
        ('from-env', {}, {}, 'from-env'),
        ('from-env', {'jwtauth_oidc_{0}': 'from-var'}, {}, 'from-var'),
        ('from-env', {'jwtauth_oidc_{0}': 'from-var'}, {'{0}': 'from-keyword'}, 'from-keyword'),
        ('', {'jwtauth_oidc_{0}': 'from-var'}, {}, 'from-var'),
    ],
)
def test_declared_variables_read_and_rank_as_before(monkeypatch, option, environ, variables, direct, expected):
    for name in SPEC:
        monkeypatch.delenv(sources.env_var(name), raising=False)
    monkeypatch.setenv(sources.env_var(option), environ)
    given, parameters = validated(
        {key.format(option): value for key, value in variables.items()}, **{key.format(option): value for key, value in direct.items()}
    )
    assert parameters[option] == expected
    # A value from the environment is left to the option layer, which reads it as the modules do.
    assert (option in given) is (expected not in (None, 'from-env'))


def test_an_awx_environment_with_declared_variables_still_validates(awx_environ):
    """Every JWTAUTH_OIDC_* set, most of them empty: no option is refused, none is read as false or a path."""
    given, parameters = validated()
    assert given == {}
    assert parameters['validate_certs'] is True and parameters['ca_path'] is None and parameters['region'] == 'NA'
    assert parameters['client_secret'] == 's' * 32 and parameters['private_key'] is None
    # And the environment is back as it was.
    assert os.environ[sources.env_var('region')] == '' and os.environ[sources.env_var('client_secret')] == 's' * 32
