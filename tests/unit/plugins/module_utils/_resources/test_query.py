# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources import query


class Tagged(str):
    """A str subclass, as ansible-core 2.19 and later hand a task's arguments."""


@pytest.mark.parametrize(
    'value, expected',
    [
        (False, False),
        (None, False),
        ('', False),
        ([], False),
        ({}, False),
        (0, True),  # JEP 9: a number is true, zero included (Python's 0 == False must not decide)
        (0.0, True),
        (True, True),
        ('x', True),
        ([0], True),
        ({'a': None}, True),
    ],
)
def test_truthy_is_jmespath_truth(value, expected):
    assert query.truthy(value) is expected


def test_tagged_strings_reach_jmespath_functions_as_strings():
    value = {Tagged('name'): Tagged('team'), 'population': {'name': Tagged('Staff')}}
    assert query.json_query("join(' ', [name, population.name])", value, 'key_query') == 'team Staff'
    plain = query.plain([Tagged('a'), (Tagged('b'),)])
    assert plain == ['a', ['b']] and all(item.__class__ is str for item in (plain[0], plain[1][0]))


@pytest.mark.parametrize(
    'expression, value, words',
    [
        ('name ==', {}, ["select_query 'name ==' is not a valid JMESPath expression"]),
        ('length(count)', {'count': 3}, ["select_query 'length(count)' cannot be applied", 'invalid type']),
        # jmespath's parser recurses once a level: RecursionError, not an "Unexpected" failure.
        ('(' * 5000 + 'a' + ')' * 5000, {'a': 1}, ['select_query is not a usable JMESPath expression: it is nested too deep (10001 characters)']),
    ],
)
def test_a_bad_expression_names_the_option_and_the_expression(expression, value, words):
    with pytest.raises(ConfigurationError) as failed:
        query.json_query(expression, value, 'select_query')
    for word in words:
        assert word in str(failed.value)
