# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Masking: every form of a secret, and only the masks that occur given to remove_values."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote_plus

import pytest
from ansible.module_utils.common.parameters import remove_values

from ansible_collections.jwtauth.oidc.plugins.module_utils import _masking
from ansible_collections.jwtauth.oidc.plugins.module_utils._http import error_body

LONG = 'long+secret/value=' + 'x' * 20
SHORT = 'pw1'
SECRETS = [LONG, SHORT, 'other-secret-never-shown']


@pytest.mark.parametrize(
    'value, expected',
    [
        ({}, []),
        ('nothing secret here', []),
        (f'a {LONG} b', [LONG]),
        ({'msg': f'sent client_secret={quote_plus(LONG)}'}, [quote_plus(LONG)]),
        (['the password is pw1.'], [SHORT]),
        (['pw 1', 'p', 'w1'], []),
        ({LONG: 'a key holds it'}, [LONG]),
        ({'nested': [('t', {'s': {b'bytes ' + LONG.encode()}})]}, [LONG]),
        ({'number': 12345, 'flag': True, 'none': None}, []),
    ],
)
def test_occurring_keeps_the_masks_found_in_the_value(value, expected):
    masks = _masking.mask_values(SECRETS)
    assert sorted(_masking.occurring(masks, value)) == sorted(expected)


@pytest.mark.parametrize(
    'masks, value, expected',
    [
        (['12345'], {'id': 12345}, ['12345']),
        (['2345'], [12345], ['2345']),
        ([''], 'anything', []),
        ([], 'anything', []),
    ],
)
def test_occurring_sees_numbers_as_remove_values_does(masks, value, expected):
    assert _masking.occurring(masks, value) == expected


@pytest.mark.parametrize(
    'value',
    [
        {'msg': f'raw {LONG}, form {quote_plus(LONG)}, short pw1 in a word', 'done': {'created': [LONG, 'bob'], 'ids': {'a': 7}}},
        ['pw1', LONG, 'nothing', 42, True, None, ('pw1x', b'pw1')],
        {'number': 1234567890, 'text': 'no secret'},
    ],
)
def test_masking_with_the_masks_found_equals_masking_with_every_mask(value):
    masks = _masking.mask_values(SECRETS + ['4567'])
    assert remove_values(value, _masking.occurring(masks, value)) == remove_values(value, masks)


# A password with what JSON escapes (", \, /) and what JSON may escape (non-ASCII, < and &): echoed in a JSON body it reads
# differently from the password itself, in one of several ways (json_forms).  Its Base64 form has a '/' too.
ODD_PASSWORD = 'p"a\\s/s<&é€😀ww?' + 'w' * 8


@pytest.mark.parametrize(
    'echoed',
    [
        pytest.param(json.dumps(ODD_PASSWORD, ensure_ascii=True)[1:-1], id='python-ensure-ascii'),
        pytest.param(json.dumps(ODD_PASSWORD, ensure_ascii=False)[1:-1], id='python-utf8'),
        pytest.param(json.dumps(ODD_PASSWORD)[1:-1].replace('/', '\\/'), id='php-escaped-slash'),
        pytest.param(json.dumps(ODD_PASSWORD, ensure_ascii=False)[1:-1].replace('/', '\\/'), id='php-unescaped-unicode'),
        pytest.param('p\\"a\\\\s/s\\u003c\\u0026é€😀ww?' + 'w' * 8, id='go-html-safe'),
        pytest.param('p\\"a\\\\s/s<&\\u00E9\\u20AC\\uD83D\\uDE00ww?' + 'w' * 8, id='jackson-escape-non-ascii'),
        pytest.param(json.dumps(base64.b64encode(ODD_PASSWORD.encode()).decode())[1:-1].replace('/', '\\/'), id='base64-in-php-json'),
    ],
)
def test_a_json_escaped_secret_is_masked(echoed):
    text = f'{{"detail": "got {echoed} as password"}}'
    assert echoed not in ODD_PASSWORD and ODD_PASSWORD not in text  # the echo is not the raw secret
    masks = _masking.occurring(_masking.mask_values([ODD_PASSWORD]), text)
    assert echoed in masks
    assert remove_values(text, masks) == '{"detail": "got ******** as password"}'


def test_a_secret_json_leaves_alone_has_no_extra_forms():
    assert _masking.json_forms('plain-secret-value') == {'plain-secret-value'}


def test_a_secret_with_line_breaks_is_masked_as_a_servers_text_shows_it():
    secret = 'two\r\nlines\tand  spaces'
    shown = error_body.clean(f'the server got {secret}')
    assert shown == 'the server got two lines and spaces'  # changed by clean(): the raw secret no longer matches
    assert remove_values(shown, _masking.occurring(_masking.mask_values([secret]), shown)) == 'the server got ********'


@pytest.mark.parametrize(
    'echoed',
    [
        pytest.param('x ' * 93 + 'correct horse battery staple', id='cut-after-a-word-of-it'),
        pytest.param('the server got correct horse ' + 'B' * 40 + ' staple', id='a-word-of-it-redacted'),
    ],
)
def test_what_a_cut_or_a_redaction_leaves_of_a_secret_with_spaces_is_masked(echoed):
    secret = 'correct horse ' + ('battery staple' if 'battery' in echoed else 'B' * 40 + ' staple')
    shown = error_body.clean(echoed)
    assert 'correct horse' in shown and secret not in shown  # the whole secret is no longer there to be masked
    masked = remove_values(shown, _masking.occurring(_masking.mask_values([secret]), shown))
    assert 'correct horse' not in masked and '********' in masked


def test_occurring_masks_come_longest_first():
    """ansible-core before 2.17 replaces in the order given: a shorter form first would leave part of a longer one."""
    masks = ['lines and spaces', 'two lines and spaces', 'and']
    assert _masking.occurring(masks, 'the server got two lines and spaces') == ['two lines and spaces', 'lines and spaces', 'and']
