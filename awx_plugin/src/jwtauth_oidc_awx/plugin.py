# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The credential plugin "OpenID Connect token (JWT client authentication)": an access token for any credential field.

AWX reads ``name``, ``inputs`` and ``backend`` of the object its entry points name (ansible/awx
``awx/main/models/credential.py``: ``CredentialType.load_plugin``, ``CredentialInputSource.get_input_value``). It calls
``backend(**kwargs)`` once per linked field, at every job launch and at the credential's Test button, with the source
credential's inputs (secret ones decrypted; inputs left empty absent or ``""``) and the link's metadata, inside
AWX's task environment (``AWX_TASK_ENV``: a proxy set there applies).

The token comes from the collection's library (the vendored ``_library``): the client credentials grant with the
client authentication of the collection's modules, the token store as a cache keyed by endpoint, client, grant, scope
and audience, encrypted under the client's secret or key, locked across the processes of the node, and failures
shared for a few seconds so that a wrong secret does not become a storm of requests.
"""

from __future__ import annotations

import collections
import logging
import os
import tempfile
from collections.abc import Mapping
from typing import Any

from jwtauth_oidc_awx import errors
from jwtauth_oidc_awx._library import _masking
from jwtauth_oidc_awx._library._argspec.build import options_of
from jwtauth_oidc_awx._library._argspec.checks import SECRET_OPTIONS, check_ranges
from jwtauth_oidc_awx._library._argspec.sources import without_unset
from jwtauth_oidc_awx._library._argspec.specs import token_module_kwargs
from jwtauth_oidc_awx._library._context import TaskContext
from jwtauth_oidc_awx._library._oauth.assertion import ASSERTION_TYPES, ASYMMETRIC_ALGS, HMAC_ALGS
from jwtauth_oidc_awx._library._oauth.audience import AUDIENCE_STYLES
from jwtauth_oidc_awx._library._oauth.client_auth import AUTH_METHODS
from jwtauth_oidc_awx._library._pingone.locations import REGION_TLDS, check_options
from jwtauth_oidc_awx._library._store.provider import TokenProvider
from jwtauth_oidc_awx._version import VERSION

# The shape of awx_plugins.credentials.plugin.CredentialPlugin (and of Ansible's example plugin for AWX 24): AWX reads
# the three attributes, so the plugin needs no AWX package.
CredentialPlugin = collections.namedtuple('CredentialPlugin', ['name', 'inputs', 'backend'])

log = logging.getLogger('jwtauth_oidc_awx')

NAME = 'OpenID Connect token (JWT client authentication)'
# Where the token cache lives: one directory per node (the AWX task and web containers each have theirs).
CACHE_ENV = 'JWTAUTH_OIDC_AWX_CACHE_DIR'
# A token handed to a job must outlive the job's start: one with less left than this is renewed first. The collection's
# tasks use 60 s (they use a token at once); a job template reads it at launch and may use it minutes later.
DEFAULT_EXPIRY_LEEWAY = 300
MASK = '********'

# Each input is named after the collection option it sets, as in extensions/awx/credential_type.yml; the choices come
# from the library, so a method or algorithm it gains appears here with it.
FIELDS: list[dict[str, Any]] = [
    {'id': 'issuer', 'label': 'Issuer URL', 'type': 'string', 'help_text': 'The OpenID Provider issuer; endpoints come from its discovery document.'},
    {'id': 'token_endpoint', 'label': 'Token endpoint URL', 'type': 'string', 'help_text': 'The token endpoint, when the OP has no discovery document.'},
    {'id': 'environment_id', 'label': 'PingOne environment ID', 'type': 'string', 'help_text': 'PingOne: with the region, instead of an issuer.'},
    {'id': 'region', 'label': 'PingOne region', 'type': 'string', 'choices': list(REGION_TLDS), 'help_text': 'The region of the environment; empty: NA.'},
    {'id': 'auth_base_url', 'label': 'PingOne custom domain URL', 'type': 'string', 'help_text': 'A PingOne custom domain, e.g. https://login.example.com.'},
    {'id': 'client_id', 'label': 'Client ID', 'type': 'string'},
    {
        'id': 'client_secret',
        'label': 'Client secret',
        'type': 'string',
        'secret': True,
        'help_text': 'Keys the HMAC of client_secret_jwt (never sent); sent by client_secret_basic and client_secret_post.',
    },
    {
        'id': 'auth_method',
        'label': 'Token endpoint authentication method',
        'type': 'string',
        'choices': [name for name in AUTH_METHODS if name != 'none'],
        'help_text': 'Empty: client_secret_jwt.',
    },
    {'id': 'signing_alg', 'label': 'Assertion signing algorithm', 'type': 'string', 'choices': list(HMAC_ALGS + ASYMMETRIC_ALGS)},
    {'id': 'private_key', 'label': 'Private key (PEM)', 'type': 'string', 'secret': True, 'multiline': True, 'help_text': 'For private_key_jwt.'},
    {'id': 'private_key_passphrase', 'label': 'Private key passphrase', 'type': 'string', 'secret': True},
    {'id': 'key_id', 'label': 'Key ID (kid)', 'type': 'string'},
    {'id': 'audience', 'label': 'Assertion audience', 'type': 'string', 'help_text': 'The aud of the client assertion, when the OP wants another.'},
    {'id': 'assertion_audience', 'label': 'Assertion audience style', 'type': 'string', 'choices': list(AUDIENCE_STYLES)},
    {'id': 'assertion_typ', 'label': 'Assertion type (typ)', 'type': 'string', 'choices': list(ASSERTION_TYPES)},
    {
        'id': 'ca_certificate',
        'label': 'CA certificate (PEM)',
        'type': 'string',
        'multiline': True,
        'help_text': 'The CA of the OP, when it is a private CA. Certificate checks are never turned off.',
    },
    {
        'id': 'expiry_leeway',
        'label': 'Minimum token lifetime at launch (seconds)',
        'type': 'string',
        'help_text': f'A cached token with less left is renewed first: the longest a job uses it. Empty: {DEFAULT_EXPIRY_LEEWAY}.',
    },
]
# What each linked field asks for (AWX merges metadata over the inputs, so no id is an input's).
METADATA: list[dict[str, Any]] = [
    {'id': 'scope', 'label': 'Scope', 'type': 'string', 'help_text': 'Scopes to request, separated by spaces.'},
    {
        'id': 'resource',
        'label': 'Resource (RFC 8707)',
        'type': 'string',
        'help_text': 'URIs of the resource servers the token is for, separated by spaces; sent as resource parameters.',
    },
    {'id': 'token_audience', 'label': 'Audience', 'type': 'string', 'help_text': 'The audience parameter of the token request, for OPs that take one.'},
]
INPUTS = {'fields': FIELDS, 'metadata': METADATA, 'required': ['client_id']}
LABELS = {field['id']: field['label'] for field in FIELDS}
# The inputs that are library options as they are.
OPTION_INPUTS = [field['id'] for field in FIELDS if field['id'] not in ('ca_certificate', 'expiry_leeway')]


def cache_directory() -> str:
    """Where the token cache is: JWTAUTH_OIDC_AWX_CACHE_DIR, else the user's cache directory."""
    if os.environ.get(CACHE_ENV):
        return os.environ[CACHE_ENV]
    cache = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(cache, 'jwtauth-oidc-awx', 'tokens')


def option_values(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The library's options for one call: the inputs that are set, the metadata, and the plugin's fixed choices."""
    given = without_unset({name: value.strip() if isinstance(value, str) and name not in SECRET_OPTIONS else value for name, value in kwargs.items()})
    values: dict[str, Any] = {name: given[name] for name in OPTION_INPUTS if name in given}
    extra: dict[str, Any] = {}
    if given.get('resource'):
        extra['resource'] = given['resource'].split()  # RFC 8707 section 2: one resource parameter per URI
    if given.get('token_audience'):
        extra['audience'] = given['token_audience']
    leeway = given.get('expiry_leeway', DEFAULT_EXPIRY_LEEWAY)
    try:
        leeway = int(leeway)
    except ValueError:
        raise errors.CredentialInputError(f'{LABELS["expiry_leeway"]} must be a number of seconds, got {leeway!r}') from None
    values.update(
        grant_type='client_credentials',
        scope=given['scope'].split() if given.get('scope') else None,
        extra_params=extra,
        expiry_leeway=leeway,
        token_store=True,
        token_store_path=cache_directory(),
        http_agent=f'jwtauth-oidc-awx/{VERSION}',
    )
    return values


def input_problems(values: Mapping[str, Any]) -> list[str]:
    """What is missing or wrong in the inputs, in the words of the credential's form, before any request: the token
    module's own rules (required_one_of, required_if) and checks (ranges, PingOne locations)."""
    module = token_module_kwargs()
    problems = []
    for names in module['required_one_of']:
        if not any(values.get(name) for name in names):
            problems.append(f'set one of {", ".join(LABELS[name] for name in names)}')
    method = values.get('auth_method') or 'client_secret_jwt'
    for key, value, needed in module['required_if']:
        if key == 'auth_method' and value == method:
            problems.extend(f'{LABELS[name]} is required with {method}' for name in needed if not values.get(name))
    problems += check_ranges(values)
    if not problems:
        problems += check_options(values.get('environment_id'), values.get('region') or 'NA', values.get('auth_base_url'))
    return problems


def masked(text: str, secrets: list[str]) -> str:
    """``text`` with every form of every secret masked (see the library's _masking), as one line."""
    for form in _masking.occurring(_masking.mask_values(secrets), text):
        text = text.replace(form, MASK)
    return _masking.one_line(text)


def backend(**kwargs: Any) -> str:
    """The access token for the inputs and the link's metadata, from the cache while fresh, else from the OP.

    Raises an errors.TokenLookupError subclass whose name says the cause (AWX's Test button shows only the name) and whose
    message says what failed, where and why (a job's traceback shows it), never a secret; nothing is chained, so the
    traceback holds nothing else.
    """
    secrets = [value for name, value in kwargs.items() if name in SECRET_OPTIONS and isinstance(value, str) and value]
    context = TaskContext()
    try:
        values = option_values(kwargs)
        problems = input_problems(values)
        if problems:
            raise errors.CredentialInputError('; '.join(problems))
        with _ca_file(kwargs.get('ca_certificate')) as ca_path:
            options = options_of(dict(values, ca_path=ca_path))
            tokens = TokenProvider(options, context, share_failures=True).get()
        token = (tokens or {}).get('access_token')
        if not isinstance(token, str) or not token:
            raise errors.ProviderAnswerError(f'The token response of {options.client_id!r} holds no access_token')
    except Exception as exc:  # pylint: disable=broad-exception-caught
        error = errors.from_library(exc)
        error.args = (masked(f'jwtauth.oidc: {error.args[0] if error.args else exc}', secrets + sorted(context.minted)),)
        raise error from None
    finally:
        for warning in context.warnings:
            log.warning('%s', masked(f'jwtauth.oidc: {warning}', secrets + sorted(context.minted)))
    return token


class _ca_file:  # noqa: N801 - used as a context manager, named like one
    """The CA certificate PEM of the inputs as a private file while the request runs (the library takes a path)."""

    def __init__(self, pem: str | None) -> None:
        self.pem = pem.strip() if isinstance(pem, str) else ''
        self.path: str | None = None

    def __enter__(self) -> str | None:
        if not self.pem:
            return None
        handle, self.path = tempfile.mkstemp(prefix='jwtauth-oidc-awx-ca-', suffix='.pem')  # 0600
        with os.fdopen(handle, 'w') as out:
            out.write(self.pem + '\n')
        return self.path

    def __exit__(self, *exc_info: object) -> None:
        if self.path:
            os.unlink(self.path)


credential_plugin = CredentialPlugin(NAME, INPUTS, backend)
