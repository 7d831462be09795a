# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where an option's value comes from when the task does not give it. Internal to this collection; not a public API.

Every connection and authentication option falls back to an environment variable named
``JWTAUTH_OIDC_<OPTION>``: the names the AWX credential type injects (with ``credential=application``,
``JWTAUTH_OIDC_APP_<OPTION>``, the application credential type's).  What a task gives replaces what is
injected group by group (the OP's location, the client, the user).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # An argument spec: option name -> its spec (type, default, choices, no_log, fallback, ...).
    ArgumentSpec = dict[str, dict[str, Any]]

ENV_PREFIX = 'JWTAUTH_OIDC_'

# What an AWX credential injects comes as a whole, and so does what a task gives instead: a task that
# names another OP or another client must not be completed with the injected one's settings (a PingOne
# environment_id beside a task's issuer is "not both"; a worker's secret beside a web app's client_id is
# sent for the wrong client).  Each group is taken from the task alone once the task sets one of its keys.
LOCATION_KEYS = ('token_endpoint', 'issuer', 'environment_id', 'auth_base_url')
# ca_path stays: a CA bundle from the environment often serves every OP (a corporate CA), and where it does
# not, the TLS failure says to set ca_path.  What the client assertion names (aud, typ) is what that OP accepts.
LOCATION_OPTIONS = LOCATION_KEYS + ('region', 'audience', 'assertion_audience', 'assertion_typ')
CLIENT_KEYS = ('client_id',)
CLIENT_OPTIONS = CLIENT_KEYS + ('client_secret', 'private_key', 'private_key_passphrase', 'key_id', 'auth_method', 'signing_alg')
# The same for the user of grant_type=pingone_flow: a task's username never gets the injected account's password.
USER_KEYS = ('username',)
USER_OPTIONS = USER_KEYS + ('password',)

# AWX attaches at most one credential of a type to a job, and the usual PingOne job has two clients: a worker
# application for the Management API and the application its users sign on to.  The second comes from a credential
# of the application type (extensions/awx/application_credential_type.yml), injected as JWTAUTH_OIDC_APP_<OPTION>,
# and a task takes it with credential=application.
CREDENTIALS = ('default', 'application')
APPLICATION_ENV_PREFIX = ENV_PREFIX + 'APP_'


def credential_env_vars(option: str, credential: str | None, environ: Mapping[str, str]) -> list[str]:
    """The environment variables an option falls back to with this credential, the first set (non-empty) winning.

    The application credential gives the client and the user whole (never the worker's secret or account for
    another client), and the location whole when it names one; otherwise the application is in the worker's OP
    (the same PingOne environment).  A CA of the application's credential comes first, the default's after.
    """
    default = env_var(option)
    if credential != 'application':
        return [default]
    application = APPLICATION_ENV_PREFIX + option.upper()
    if option in CLIENT_OPTIONS + USER_OPTIONS:
        return [application]
    if option in LOCATION_OPTIONS:
        named = any(environ.get(APPLICATION_ENV_PREFIX + key.upper()) for key in LOCATION_KEYS)
        return [application] if named else [default]
    if option == 'ca_path':
        return [application, default]
    return [default]


def task_settings_win(argument_spec: ArgumentSpec, args: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> ArgumentSpec:
    """The spec, less the environment fallbacks of each group whose keys the task (or its module_defaults) sets,
    with the fallbacks of the task's ``credential`` (see credential_env_vars)."""
    given = without_unset(args)
    dropped: set[str] = set()
    for keys, group in ((LOCATION_KEYS, LOCATION_OPTIONS), (CLIENT_KEYS, CLIENT_OPTIONS), (USER_KEYS, USER_OPTIONS)):
        if any(key in given for key in keys):
            dropped.update(group)
    credential = given.get('credential')
    if not dropped & set(argument_spec) and credential != 'application':
        return argument_spec
    environ = os.environ if environ is None else environ
    adjusted: ArgumentSpec = {}
    for name, spec in argument_spec.items():
        spec = {key: value for key, value in spec.items() if not (key == 'fallback' and name in dropped)}
        if 'fallback' in spec:
            spec['fallback'] = (env_fallback_nonempty, credential_env_vars(name, credential, environ))
        adjusted[name] = spec
    return adjusted


def env_var(option: str) -> str:
    """The environment variable an option falls back to."""
    return ENV_PREFIX + option.upper()


def env_fallback_nonempty(*names: str) -> str:
    """The first of the environment variables that is set to a non-empty value.

    An AWX credential type renders an input left empty as an empty string, so
    every optional field of the credential arrives as ``VAR=""``.  Empty means
    not given: ansible-core's ``env_fallback`` would hand ``""`` to the option.
    """
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    # Imported here, where ansible-core calls it: the AWX credential plugin (awx_plugin/) builds its options through this
    # module in AWX's own Python, which has no ansible-core.
    from ansible.module_utils.errors import AnsibleFallbackNotFound

    raise AnsibleFallbackNotFound


def without_unset(options: Mapping[str, Any]) -> dict[str, Any]:
    """The options that have a value: neither None nor an empty string (see env_fallback_nonempty)."""
    return {name: value for name, value in options.items() if value is not None and value != ''}
