# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_http.bounds: the Content-Length and JSON depth a server chooses, judged from tables."""

from __future__ import annotations

import json

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._http import bounds

# Content-Length value -> (length, the start of the refusal or None).
LENGTHS = [
    (None, None, None),
    ('0', 0, None),
    ('1234', 1234, None),
    (' 42 ', 42, None),
    ('42, 42', 42, None),  # RFC 9112 section 6.3: a list of one value repeated
    ('42,43', None, 'the answer declares different lengths'),
    ('\u00b2', None, 'the answer declares a Content-Length that is not a number'),  # '²'.isdigit() is True; int('²') fails
    ('\u0663', None, 'the answer declares a Content-Length that is not a number'),  # int() accepts it; HTTP does not
    ('-5', None, 'the answer declares a Content-Length that is not a number'),
    ('+5', None, 'the answer declares a Content-Length that is not a number'),
    ('9' * 5000, None, 'the answer declares a Content-Length that is not a number'),  # int() refuses past 4300 digits
    ('0x10', None, 'the answer declares a Content-Length that is not a number'),
    ('', None, 'the answer declares a Content-Length that is not a number'),
]


def test_declared_length_table():
    wrong = []
    for value, length, refusal in LENGTHS:
        found, why = bounds.declared_length(value)
        if found != length or (why is None) != (refusal is None) or (refusal and not why.startswith(refusal)) or (why and len(why) > 200):
            wrong.append((value[:10] if value else value, found, why))
    assert not wrong


def nested(depth, inner='1'):
    return '[' * depth + inner + ']' * depth


# JSON text -> too deep for a limit of 100?
DEPTHS = [
    (nested(100), False),
    (nested(101), True),
    ('{"a":' * 101 + '1' + '}' * 101, True),
    ('[' + ','.join(['[]'] * 5000) + ']', False),  # many brackets, two levels
    (json.dumps({'text': '[' * 500}), False),  # brackets inside a string are text
    (json.dumps(['\\"[' * 300, nested(3)]), False),  # escaped quotes do not end the string
    ('"' + '\\"' * 200 + '[' * 200, False),  # an unterminated string: not JSON, for the parser to say
    ('[' * 200, True),  # unbalanced, but deeper than the limit before it ends
    ('[' * 101 + '"never closed', True),  # deeper than the limit before the string that never ends
    (nested(100, '"a\\\\"'), False),  # an escaped backslash ends before the quote: the string closes there
    ('[' * 99 + '"a\\\\"' + '[' * 5, True),  # ... and the brackets after it count
    ('"' + '\\"' * 200 + '\\', False),  # a lone backslash at the end of a string that never ends
    ('{"k": "' + '\\u005b' * 200 + '"}', False),  # a bracket escaped as \u005b is text too
    ('{[' * 50 + '1' + ']}' * 50, False),  # arrays and objects in turn count alike
    ('{[' * 50 + '[1]' + ']}' * 50, True),
    ('[{"a":"x[","b":"y"}]' * 60, False),  # brackets in one string of two side by side
    (('[' * 10 + ']' * 10) * 20 + nested(101), True),  # the deepest part last
    (json.dumps([{'\u00e9t\u00e9': ['\u2603' * 3]}] * 40, ensure_ascii=False), False),  # UTF-8 text
    (nested(101, json.dumps('\u2603')), True),
    # Shallow texts are measured by taking away the innermost pairs, a level a pass; deeper ones, or brackets that do not
    # pair, by the running sum: both ways agree.
    (json.dumps({'_embedded': {'users': [{'population': {'id': 'p'}, 'tags': [[1], []]}] * 200}}), False),
    ('[{]}' * 60 + nested(101), True),  # the kinds need not match to count
    ('[' * 5 + ']' * 6 + '[' * 101, False),  # a closing bracket too many: the running sum, as before
    (']' + nested(101), False),
    (nested(8) * 20, False),
    (nested(9) * 20, False),  # past the passes: walked
    ('[' * 101 + ']' * 100, True),
]


def test_json_too_deep_reads_bytes_as_text():
    wrong = [(text[:30], deep) for text, deep in DEPTHS if bounds.json_too_deep(text.encode('utf-8', 'surrogatepass')) is not deep]
    assert not wrong


def test_json_too_deep_table():
    wrong = [(text[:30], deep) for text, deep in DEPTHS if bounds.json_too_deep(text) is not deep]
    assert not wrong


def test_load_json_refuses_what_json_loads_would_recurse_on():
    # json.loads itself ends in RecursionError near 1,000 levels: never reached.
    with pytest.raises(bounds.JSONTooDeep, match='nested more than 100 levels deep'):
        bounds.load_json(nested(100000).encode('utf-8'))
    assert bounds.load_json(b'{"exp": 1}') == {'exp': 1}
    with pytest.raises(ValueError):
        bounds.load_json('not json')
