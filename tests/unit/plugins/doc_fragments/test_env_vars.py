# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The JWTAUTH_OIDC_* variables the docs name are the ones the argument specs fall back to, option by option."""

from __future__ import annotations

import functools

import pytest
from ansible.plugins.loader import fragment_loader, lookup_loader, module_loader
from ansible.utils.plugin_docs import get_docstring

from ansible_collections.jwtauth.oidc.plugins.module_utils import _options

# Each documented plugin with options of the collection, and its argument spec.
PLUGINS = {
    ('module', 'token'): _options.token_argument_spec(),
    ('module', 'api_resource'): _options.api_resource_argument_spec(),
    ('lookup', 'token'): _options.lookup_argument_spec(),
}


@functools.lru_cache(maxsize=None)  # parsing a plugin's docs takes 80 ms, and every case of the table reads them
def documented_options(plugin_type, name):
    """The plugin's options, doc fragments merged, as ansible-doc and antsibull-docs read them (not to be modified)."""
    loader = module_loader if plugin_type == 'module' else lookup_loader
    path = loader.find_plugin('jwtauth.oidc.' + name)
    doc = get_docstring(path, fragment_loader, is_module=plugin_type == 'module', collection_name='jwtauth.oidc',
                        plugin_type=plugin_type)[0]
    return doc['options']


def fallback_variable(option_spec):
    """The environment variable an option of the spec falls back to, or None."""
    if 'fallback' not in option_spec:
        return None
    function, names = option_spec['fallback']
    assert function is _options.env_fallback_nonempty and len(names) == 1
    return names[0]


def description(option):
    return ' '.join(option['description']) if isinstance(option['description'], list) else option['description']


CASES = [(plugin_type, name, option) for (plugin_type, name), spec in PLUGINS.items() for option in sorted(spec)]


@pytest.mark.parametrize('plugin_type, name, option', CASES)
def test_the_description_names_the_variable_the_spec_reads(plugin_type, name, option):
    """ansible-doc shows the description: it names the option's own variable, and none where there is no fallback."""
    variable = fallback_variable(PLUGINS[plugin_type, name][option])
    text = description(documented_options(plugin_type, name)[option])
    if variable is None:
        assert _options.ENV_PREFIX not in text
    else:
        assert variable == _options.env_var(option)
        assert 'E({0})'.format(variable) in text
        assert text.count('E(' + _options.ENV_PREFIX) == 1


LOOKUP_OPTIONS = documented_options('lookup', 'token')


@pytest.mark.parametrize('option', sorted(_options.lookup_argument_spec()))
def test_lookup_env_entries_are_the_spec_fallbacks(option):
    """The env: entries, which fill the docsite's environment variable index, never drift from the spec."""
    variable = fallback_variable(_options.lookup_argument_spec()[option])
    declared = [entry['name'] for entry in LOOKUP_OPTIONS[option].get('env') or []]
    assert declared == ([variable] if variable else [])
