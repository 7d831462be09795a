# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The checks the edge runs on a task's arguments before any request, and which of them are secrets. Internal to this
collection; not a public API."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ansible_collections.jwtauth.oidc.plugins.module_utils import _masking
from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.sources import APPLICATION_ENV_PREFIX
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.locations import check_options
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.names import write_only_keys

if TYPE_CHECKING:
    from ansible.module_utils.common.arg_spec import ValidationResult

    from ansible_collections.jwtauth.oidc.plugins.module_utils._argspec.sources import ArgumentSpec

# Options whose values are secrets: masked in anything the edges print.
SECRET_OPTIONS = (
    'client_secret',
    'private_key',
    'private_key_passphrase',
    'code',
    'code_verifier',
    'refresh_token',
    'token',
    'password',
    'subject_token',
    'actor_token',
)


def secret_values(options: Mapping[str, Any]) -> list[Any]:
    """The secret values among the options, for masking: the secret options, and the string values of the
    items' write-only attributes (an api_resource ``password``), which only the server may see."""
    found = [options[name] for name in SECRET_OPTIONS if options.get(name)]
    items = options.get('items') or ([options['item']] if options.get('item') else [])
    for item in items:
        if isinstance(item, Mapping):
            keys = write_only_keys(options.get('api_style'), options.get('write_only_keys')) or ()
            found.extend(item[name] for name in keys if isinstance(item.get(name), str) and item[name])
    document = options.get('document')
    if isinstance(document, Mapping):
        found.extend(document_secrets(document))
    return found


def document_secrets(document: Mapping[str, Any]) -> list[str]:
    """The string values of the secret fields of a pingone_environment document's items (an identity provider's
    ``clientSecret``, the type table's ``secrets``): the task's echoed arguments show the first items of each list."""
    # Imported here: the token lookup validates its options with this module, and needs no type table.
    from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import top_level  # pylint: disable=import-outside-toplevel

    found: list[str] = []
    for resource_type in top_level():
        listed = document.get(resource_type.plural) if resource_type.secrets else None
        for item in listed if isinstance(listed, list) else ():
            if isinstance(item, Mapping):
                found.extend(item[name] for name in resource_type.secrets if isinstance(item.get(name), str) and item[name])
    return found


def values_to_mask(validation: ValidationResult, minted: Iterable[str] = ()) -> set[str]:
    """Every form (see _masking) of every no_log option value and of every credential the call ``minted`` (its
    TaskContext's): call it after the work, since assertions and tokens are minted while the task runs."""
    secrets = set(validation._no_log_values) | set(secret_values(validation.validated_parameters))  # pylint: disable=protected-access
    return _masking.mask_values(secrets | set(minted))


def validate(validation: ValidationResult, argument_spec: ArgumentSpec) -> list[str]:
    """Error texts of an ArgumentSpecValidator result plus the range and PingOne checks, for the edges (before any request).

    An unknown option is named with the closest valid one: a typo (``clientid``)
    otherwise surfaces as a missing required option, or as nothing at all.
    """
    # Imported here, where ansible-core's validator has run: the AWX credential plugin (awx_plugin/) reuses this module's
    # range checks in AWX's own Python, which has no ansible-core.
    from ansible.module_utils.errors import UnsupportedError

    unknown = sorted('.'.join(item) if isinstance(item, tuple) else item for item in validation.unsupported_parameters)
    errors = [error.msg for error in validation.errors.errors if not isinstance(error, UnsupportedError)]
    if unknown:
        errors.insert(0, unknown_options_message(unknown, argument_spec))
    params = validation.validated_parameters
    if params.get('credential') == 'application' and not params.get('client_id') and not params.get('bearer_token'):
        # Said outright: "missing required arguments: client_id" would not tell where the client was looked for.
        errors.append(
            f'credential=application takes the client from {APPLICATION_ENV_PREFIX}CLIENT_ID, which is not set: attach a credential of the type '
            '"OpenID Connect application (jwtauth.oidc)" to the job, or give client_id'
        )
    if (
        not params.get('client_id')
        and params.get('credential') != 'application'
        and any('client_id' in error and 'missing required' in error for error in errors)
    ):
        # Said where it was looked for: the task, then the environment an AWX credential fills.
        errors.append(
            'client_id is not set: give client_id, set the JWTAUTH_OIDC_CLIENT_ID environment variable (jwtauth_oidc_client_id for the '
            'lookup), or in AWX attach a credential of the type "OpenID Connect client (jwtauth.oidc)" to the job'
        )
    if errors:
        return errors
    return check_ranges(params) + check_options(params.get('environment_id'), params.get('region'), params.get('auth_base_url'))


def closest_option(name: str, argument_spec: ArgumentSpec) -> str | None:
    """The option (or alias) of the spec that a mistyped name most likely meant, if any is close."""
    path = name.split('.')
    spec: ArgumentSpec = argument_spec
    for parent in path[:-1]:  # a suboption: look among its siblings
        spec = (spec.get(parent) or {}).get('options') or {}
    candidates = {alias: option for option, option_spec in spec.items() for alias in [option] + list(option_spec.get('aliases') or [])}
    typed = path[-1].lower()
    # A dropped or doubled underscore is the commonest slip (clientid, client__id): compare without them first.
    squashed = {candidate.replace('_', ''): candidate for candidate in candidates}
    if typed.replace('_', '') in squashed:
        return squashed[typed.replace('_', '')]
    matches = difflib.get_close_matches(typed, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def unknown_options_message(names: list[str], argument_spec: ArgumentSpec) -> str:
    """'Unknown option clientid (did you mean client_id?)', for each unknown name; never a value, which may be a secret."""
    texts = []
    for name in names:
        closest = closest_option(name, argument_spec)
        texts.append(f'{name} (did you mean {closest}?)' if closest else name)
    return f'Unknown option{"s" if len(names) > 1 else ""} {", ".join(texts)}. See ansible-doc for the options'


# Ranges of numeric options (inclusive; None is unbounded), checked at the edge before any work.
# An option outside its range is a mistake to report, never a value to replace silently.
INT_RANGES: dict[str, tuple[float, float | None, str | None]] = {
    'timeout': (1, 3600, 'seconds'),
    'retries': (0, 10, None),
    'retry_after_max': (0, 3600, 'seconds'),
    'parallel': (1, 32, None),
    'filter_chunk': (1, 200, None),
    'assertion_lifetime': (1, 3600, 'seconds'),
    'clock_skew': (0, 3600, 'seconds'),
    'expiry_leeway': (0, 86400, 'seconds'),
    'token_store_lock_timeout': (0, 3600, 'seconds'),
    'default_token_lifetime': (0, 31536000, 'seconds'),
    'page_size': (1, 10000, None),
    'prune_max': (0, None, None),
    'device_timeout': (1, 3600, 'seconds'),
    'rate_limit': (0.1, 100000, 'requests per second'),
    'rate_limit_burst': (1, 10000, None),
}


def check_ranges(options: Mapping[str, Any]) -> list[str]:
    """Error texts for numeric options outside their range (empty when all fit)."""
    errors: list[str] = []
    for name, (low, high, unit) in INT_RANGES.items():
        value = options.get(name)
        if value is None or isinstance(value, bool):
            continue
        if value < low or (high is not None and value > high):
            wanted = f'between {low} and {high}' if high is not None else f'at least {low}'
            errors.append(f'{name} must be {wanted}{" " + unit if unit else ""}, got {value}')
    return errors
