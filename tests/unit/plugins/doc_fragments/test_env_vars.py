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

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import sources

# Each documented plugin with options of the collection, and its argument spec.

from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec import specs

# Each documented plugin with options of the collection, and its argument spec.
PLUGINS = {
    ('module', 'token'): specs.token_argument_spec(),
    ('module', 'api_resource'): specs.api_resource_argument_spec(),
    ('lookup', 'token'): specs.lookup_argument_spec(),
    ('module', 'revoke'): specs.revoke_argument_spec(),
    ('module', 'introspect'): specs.introspect_argument_spec(),
    ('module', 'pingone_application_secret'): specs.pingone_application_secret_argument_spec(),
}


@functools.lru_cache(maxsize=None)  # parsing a plugin's docs takes 80 ms; two tests read the lookup's
def documented_options(plugin_type, name):
    """The plugin's options, doc fragments merged, as ansible-doc and antsibull-docs read them (not to be modified)."""
    loader = module_loader if plugin_type == 'module' else lookup_loader
    path = loader.find_plugin('jwtauth.oidc.' + name)
    doc = get_docstring(path, fragment_loader, is_module=plugin_type == 'module', collection_name='jwtauth.oidc', plugin_type=plugin_type)[0]
    return doc['options']


def fallback_variable(option_spec):
    """The environment variable an option of the spec falls back to, or None."""
    if 'fallback' not in option_spec:
        return None
    function, names = option_spec['fallback']
    assert function is sources.env_fallback_nonempty and len(names) == 1
    return names[0]


def description(option):
    return ' '.join(option['description']) if isinstance(option['description'], list) else option['description']


def description_problem(option, spec, doc):
    """What is wrong with the documented description of ``option`` against its spec entry, or None."""
    variable = fallback_variable(spec)
    text = description(doc)
    if option == 'credential':
        # No fallback of its own: it says which variables the others read, so it names both families.
        wanted = [sources.ENV_PREFIX + '<OPTION>', sources.APPLICATION_ENV_PREFIX + '<OPTION>']
        return None if variable is None and all(name in text for name in wanted) else f'must name {wanted} and have no fallback'
    if variable is None:
        return f'names {sources.ENV_PREFIX}* but has no fallback' if sources.ENV_PREFIX in text else None
    if variable != sources.env_var(option):
        return f'falls back to {variable}, not {sources.env_var(option)}'
    if f'E({variable})' not in text:
        return f'does not name E({variable})'
    if text.count('E(' + sources.ENV_PREFIX) != 1:
        return f'names more than one {sources.ENV_PREFIX}* variable'
    return None


# One test per plugin, each listing every option that drifted: ansible-test forks a process per test, and a
# case per option (160 in all) cost more in forks than in checks.
@pytest.mark.parametrize('plugin_type, name', list(PLUGINS))
def test_the_description_names_the_variable_the_spec_reads(plugin_type, name):
    """ansible-doc shows the description: it names the option's own variable, and none where there is no fallback."""
    spec, docs = PLUGINS[plugin_type, name], documented_options(plugin_type, name)
    assert sorted(set(spec) - set(docs)) == []  # every option of the spec is documented
    problems = {option: description_problem(option, spec[option], docs[option]) for option in sorted(spec)}
    assert {option: problem for option, problem in problems.items() if problem} == {}


@pytest.mark.parametrize(
    'option, spec, text, problem',
    [
        ('timeout', {'type': 'int'}, 'Seconds.', None),
        ('timeout', {'type': 'int'}, 'Seconds, or E(JWTAUTH_OIDC_TIMEOUT).', 'names JWTAUTH_OIDC_* but has no fallback'),
        ('client_id', {'fallback': (sources.env_fallback_nonempty, ['JWTAUTH_OIDC_CLIENT_ID'])}, 'Or E(JWTAUTH_OIDC_CLIENT_ID).', None),
        ('client_id', {'fallback': (sources.env_fallback_nonempty, ['JWTAUTH_OIDC_CLIENT_ID'])}, 'The client.', 'does not name E(JWTAUTH_OIDC_CLIENT_ID)'),
        (
            'client_id',
            {'fallback': (sources.env_fallback_nonempty, ['JWTAUTH_OIDC_CLIENT'])},
            'Or E(JWTAUTH_OIDC_CLIENT).',
            'falls back to JWTAUTH_OIDC_CLIENT, not JWTAUTH_OIDC_CLIENT_ID',
        ),
    ],
)
def test_a_drifted_description_is_found(option, spec, text, problem):
    """The check above can fail: each kind of drift is named."""
    assert description_problem(option, spec, {'description': [text]}) == problem


def test_lookup_env_entries_are_the_spec_fallbacks():
    """The env: entries, which fill the docsite's environment variable index, never drift from the spec."""
    documented = documented_options('lookup', 'token')
    drifted = {}
    for option, spec in sorted(specs.lookup_argument_spec().items()):
        variable = fallback_variable(spec)
        declared = [entry['name'] for entry in documented[option].get('env') or []]
        if declared != ([variable] if variable else []):
            drifted[option] = declared
    assert drifted == {}
