# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The columns of the contract table (contract.py describes each) and the sources its rows are written from."""

from collections import namedtuple

SDK_REPO = 'patrickcping/pingone-go-sdk-v2'
SDK_SHA = '4a884deb5b2812afdea4475d71e55913b36cf2a5'
OPENAPI = 'openapi:management/generate/pingone-management.yml@' + SDK_SHA
# The MFA API's description in the same repository and commit (device authentication policies).
MFA_OPENAPI = 'openapi:mfa/generate/pingone-mfa.yml@' + SDK_SHA
GO_CLIENT_REPO = 'pingidentity/pingone-go-client'
GO_CLIENT_SHA = '9fe4108548398ab5af48d4574af14324b87a8c6d'
GO_CLIENT = 'openapi:pingone/api/openapi.yaml@' + GO_CLIENT_SHA
TERRAFORM_REPO = 'pingidentity/terraform-provider-pingone'
TERRAFORM_SHA = 'cef5208af78019b95a0146818839f63237659b4e'
TERRAFORM = 'terraform-provider-pingone@' + TERRAFORM_SHA
SAMPLE_REPO = 'pingidentity/pingone-sample-custom-signon'
SAMPLE_SHA = 'dd03872e9fe9933f13d64180b65d238b9645b1ea'
SAMPLE = 'pingone-sample-custom-signon@' + SAMPLE_SHA

# The prefix every path below hangs from (servers: '{protocol}://{baseDomain}.{suffix}/v1', lines 9-30).
PREFIX = '/v1/environments/{environmentID}'

# requestBody.content of every operation below that has a body: application/json; createUser also takes a user import
# (line 28376 application/json, line 28390 application/vnd.pingidentity.user.import+json).
JSON = ('application/json',)
USER_IMPORT = 'application/vnd.pingidentity.user.import+json'
USER_CREATE_CONTENT_TYPES = JSON + (USER_IMPORT,)

Operation = namedtuple(
    'Operation',
    [
        'operation_id',
        'method',
        'path',
        'query',
        'read_only',
        'list_key',
        'request_model',
        'response_model',
        'closed',
        'confirmed_by',
        'line',
        'immutable',
        'unconfirmed',
        'notes',
        'content_types',
    ],
    defaults=((), None, None, ()),
)
