# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The operations of the PingOne resource types beyond the first ten (the type table, plugins/module_utils/_pingone/resource_types.py),
as PingOne's machine-readable contract declares them; contract.py adds them to its table.

Read from ``management/generate/pingone-management.yml`` and, for device authentication policies,
``mfa/generate/pingone-mfa.yml`` of patrickcping/pingone-go-sdk-v2 at the commit contract.py names: each row's path,
declared query parameters, request and response models, request content types, list key (the key of EntityArray's
``_embedded`` whose items are the model) and the line of its ``operationId``; each model's ``readOnly`` fields (on the
property, or on the schema it references; for a ``oneOf`` model, those of any of its variants) with the line of the
model. Path parameters keep the OpenAPI's names, but for ``{SOPAssignmentID}``, spelt ``{signOnPolicyAssignmentID}``
as the table spells every other. What the OpenAPI does not say (uniqueness, which fields an update keeps) is the
test server's choice, UNCONFIRMED (catalog.py).
"""

from .operation import JSON, MFA_OPENAPI, OPENAPI, Operation

# readOnly fields per request model: (fields), the model's line.
TYPE_MODEL_READ_ONLY = {
    # EmailDomain, SDK line 2244.
    'EmailDomain': ('_links', 'id', 'environment'),
    # Schema, SDK line 6960.
    'Schema': ('_links', 'allowsContainsOperator', 'attributes', 'description', 'environment', 'id', 'name'),
    # SchemaAttribute, SDK line 6988.
    'SchemaAttribute': ('_links', 'environment', 'id', 'ldapAttribute', 'schema.id'),
    # SchemaAttributePatch, SDK line 7084.
    'SchemaAttributePatch': (),
    # PasswordPolicy, SDK line 5718.
    'PasswordPolicy': ('_links', 'createdAt', 'environment', 'id', 'populationCount', 'updatedAt'),
    # Language, SDK line 4692.
    'Language': ('_links', 'environment', 'id', 'createdAt', 'customerAdded', 'updatedAt'),
    # Agreement, SDK line 888.
    'Agreement': ('_links', 'consentsAggregatedAt', 'environment', 'totalExpiredConsents', 'id', 'totalConsents'),
    # AgreementLanguage, SDK line 928.
    'AgreementLanguage': ('_links', 'agreement', 'currentRevision', 'id'),
    # KeyRotationPolicy, SDK line 4637.
    'KeyRotationPolicy': ('_links', 'currentKeyId', 'id', 'environment', 'nextKeyId', 'rotatedAt'),
    # BrandingTheme, SDK line 1948.
    'BrandingTheme': ('_links', 'environment', 'id'),
    # CustomAdminRole, SDK line 2130.
    'CustomAdminRole': ('_links', 'canAssign', 'environment', 'id', 'type'),
    # RoleAssignment, SDK line 6909.
    'RoleAssignment': ('_links', 'environment', 'gateway', 'group', 'id', 'readOnly'),
    # DeviceAuthenticationPolicy, pingone-mfa.yml line 642.
    'DeviceAuthenticationPolicy': ('_links', 'environment', 'id', 'forSignOnPolicy', 'updatedAt'),
    # IdentityProvider, SDK line 4033.
    'IdentityProvider': ('_links', 'environment', 'id', 'createdAt', 'updatedAt'),
    # IdentityProviderAttribute, SDK line 4042.
    'IdentityProviderAttribute': ('_links', 'id', 'environment', 'identityProvider', 'createdAt', 'updatedAt'),
    # SignOnPolicy, SDK line 7157.
    'SignOnPolicy': ('_links', 'createdAt', 'environment', 'id', 'updatedAt'),
    # SignOnPolicyAction, SDK line 7188.
    'SignOnPolicyAction': ('_links', 'environment', 'id'),
    # ResourceAttribute, SDK line 6748.
    'ResourceAttribute': ('_links', 'id', 'environment', 'resource'),
    # ApplicationAttributeMapping, SDK line 1610.
    'ApplicationAttributeMapping': ('_links', 'id', 'application', 'createdAt', 'updatedAt'),
    # SignOnPolicyAssignment, SDK line 7745.
    'SignOnPolicyAssignment': ('_links', 'application', 'environment', 'id'),
    # Subscription, SDK line 7774.
    'Subscription': ('_links', 'createdAt', 'environment', 'id', 'updatedAt'),
}


def _list(operation_id, path, list_key, line, query=(), source=OPENAPI):
    return Operation(operation_id, 'GET', path, tuple(query), (), list_key, None, 'EntityArray', None, source, line)


def _read(operation_id, path, response_model, line, source=OPENAPI):
    return Operation(operation_id, 'GET', path, (), (), None, None, response_model, None, source, line)


def _write(operation_id, method, path, model, line, response_model=None, content_types=JSON, source=OPENAPI):
    """A create (POST), replace (PUT) or PATCH: the model's read-only fields are part of no request."""
    return Operation(
        operation_id, method, path, (), TYPE_MODEL_READ_ONLY[model], None, model, response_model or model, False, source, line, content_types=content_types
    )


def _delete(operation_id, path, line, source=OPENAPI):
    return Operation(operation_id, 'DELETE', path, (), (), None, None, None, None, source, line)


TYPE_OPERATIONS = (
    _list('readAllTrustedEmailDomains', '/emailDomains', 'emailDomains', 15103),
    _write('createTrustedEmailDomain', 'POST', '/emailDomains', 'EmailDomain', 15157),
    _read('readOneTrustedEmailDomain', '/emailDomains/{emailDomainID}', 'EmailDomain', 15224),
    _delete('deleteTrustedEmailDomain', '/emailDomains/{emailDomainID}', 15283),
    _list('readAllSchemas', '/schemas', 'schemas', 26238),
    _read('readOneSchema', '/schemas/{schemaID}', 'Schema', 26298),
    _list('readAllSchemaAttributes', '/schemas/{schemaID}/attributes', 'attributes', 26358),
    _write('createAttribute', 'POST', '/schemas/{schemaID}/attributes', 'SchemaAttribute', 26417),
    _read('readOneAttribute', '/schemas/{schemaID}/attributes/{attributeID}', 'SchemaAttribute', 26496),
    _write('updateAttributePut', 'PUT', '/schemas/{schemaID}/attributes/{attributeID}', 'SchemaAttribute', 26635),
    _delete('deleteAttribute', '/schemas/{schemaID}/attributes/{attributeID}', 26709),
    _write('updateAttributePatch', 'PATCH', '/schemas/{schemaID}/attributes/{attributeID}', 'SchemaAttributePatch', 26560, response_model='SchemaAttribute'),
    _list('readAllPasswordPolicies', '/passwordPolicies', 'passwordPolicies', 23227),
    _write('createPasswordPolicy', 'POST', '/passwordPolicies', 'PasswordPolicy', 23286),
    _read('readOnePasswordPolicy', '/passwordPolicies/{passwordPolicyID}', 'PasswordPolicy', 23354),
    _write('updatePasswordPolicy', 'PUT', '/passwordPolicies/{passwordPolicyID}', 'PasswordPolicy', 23413),
    _delete('deletePasswordPolicy', '/passwordPolicies/{passwordPolicyID}', 23477),
    _list('readLanguages', '/languages', 'languages', 20951),
    _write('createLanguage', 'POST', '/languages', 'Language', 21005),
    _read('readOneLanguage', '/languages/{languageID}', 'Language', 21072),
    _write('updateLanguage', 'PUT', '/languages/{languageID}', 'Language', 21131),
    _delete('deleteLanguage', '/languages/{languageID}', 21195),
    _list('readAllAgreements', '/agreements', 'agreements', 9223),
    _write('createAgreement', 'POST', '/agreements', 'Agreement', 9152),
    _read('readOneAgreement', '/agreements/{agreementID}', 'Agreement', 9278),
    _write('updateAgreement', 'PUT', '/agreements/{agreementID}', 'Agreement', 9337),
    _delete('deleteAgreement', '/agreements/{agreementID}', 9404),
    _list('readAllAgreementLanguages', '/agreements/{agreementID}/languages', 'languages', 9530),
    _write('createAgreementLanguage', 'POST', '/agreements/{agreementID}/languages', 'AgreementLanguage', 9460),
    _read('readOneAgreementLanguage', '/agreements/{agreementID}/languages/{languageID}', 'AgreementLanguage', 9590),
    _write('updateAgreementLanguage', 'PUT', '/agreements/{agreementID}/languages/{languageID}', 'AgreementLanguage', 9654),
    _delete('deleteAgreementLanguage', '/agreements/{agreementID}/languages/{languageID}', 9726),
    _list('getKeyRotationPolicies', '/keyRotationPolicies', 'keyRotationPolicies', 13933),
    _write('createKeyRotationPolicy', 'POST', '/keyRotationPolicies', 'KeyRotationPolicy', 13987),
    _read('getKeyRotationPolicy', '/keyRotationPolicies/{keyRotationPolicyID}', 'KeyRotationPolicy', 14054),
    _write('updateKeyRotationPolicy', 'PUT', '/keyRotationPolicies/{keyRotationPolicyID}', 'KeyRotationPolicy', 14113),
    _delete('deleteKeyRotationPolicy', '/keyRotationPolicies/{keyRotationPolicyID}', 14177),
    _list('readBrandingThemes', '/themes', 'themes', 27755),
    _write('createBrandingTheme', 'POST', '/themes', 'BrandingTheme', 27814),
    _read('readOneBrandingTheme', '/themes/{themeID}', 'BrandingTheme', 27881),
    _write('updateBrandingTheme', 'PUT', '/themes/{themeID}', 'BrandingTheme', 27940),
    _delete('deleteBrandingTheme', '/themes/{themeID}', 28004),
    _list('readAllCustomAdminRoles', '/roles', 'roles', 25927, query=('filter',)),
    _write('createCustomAdminRole', 'POST', '/roles', 'CustomAdminRole', 25992),
    _read('readOneCustomAdminRole', '/roles/{customRoleID}', 'CustomAdminRole', 26059),
    _write('updateCustomAdminRole', 'PUT', '/roles/{customRoleID}', 'CustomAdminRole', 26118),
    _delete('deleteCustomAdminRole', '/roles/{customRoleID}', 26182),
    _list('readGroupRoleAssignments', '/groups/{groupID}/roleAssignments', 'roleAssignments', 17526),
    _write('createGroupRoleAssignment', 'POST', '/groups/{groupID}/roleAssignments', 'RoleAssignment', 17585),
    _read('readOneGroupRoleAssignment', '/groups/{groupID}/roleAssignments/{roleAssignmentID}', 'RoleAssignment', 17652),
    _delete('deleteGroupRoleAssignment', '/groups/{groupID}/roleAssignments/{roleAssignmentID}', 17716),
    _list('readUserRoleAssignments', '/users/{userID}/roleAssignments', 'roleAssignments', 30321),
    _write('createUserRoleAssignment', 'POST', '/users/{userID}/roleAssignments', 'RoleAssignment', 30380),
    _read('readOneUserRoleAssignment', '/users/{userID}/roleAssignments/{roleAssignmentID}', 'RoleAssignment', 30453),
    _delete('deleteUserRoleAssignment', '/users/{userID}/roleAssignments/{roleAssignmentID}', 30517),
    _list('readDeviceAuthenticationPolicies', '/deviceAuthenticationPolicies', 'deviceAuthenticationPolicies', 1737, source=MFA_OPENAPI),
    _write(
        'createDeviceAuthenticationPolicies',
        'POST',
        '/deviceAuthenticationPolicies',
        'DeviceAuthenticationPolicy',
        1791,
        response_model='DeviceAuthenticationPolicyPostResponse',
        content_types=('application/json', 'application/vnd.pingidentity.deviceAuthenticationPolicy.fido2.migrate+json'),
        source=MFA_OPENAPI,
    ),
    _read(
        'readOneDeviceAuthenticationPolicy',
        '/deviceAuthenticationPolicies/{deviceAuthenticationPolicyID}',
        'DeviceAuthenticationPolicy',
        1871,
        source=MFA_OPENAPI,
    ),
    _write(
        'updateDeviceAuthenticationPolicy',
        'PUT',
        '/deviceAuthenticationPolicies/{deviceAuthenticationPolicyID}',
        'DeviceAuthenticationPolicy',
        1930,
        source=MFA_OPENAPI,
    ),
    _delete('deleteDeviceAuthenticationPolicy', '/deviceAuthenticationPolicies/{deviceAuthenticationPolicyID}', 1994, source=MFA_OPENAPI),
    _list('readAllIdentityProviders', '/identityProviders', 'identityProviders', 19647),
    _write('createIdentityProvider', 'POST', '/identityProviders', 'IdentityProvider', 19701),
    _read('readOneIdentityProvider', '/identityProviders/{providerID}', 'IdentityProvider', 19768),
    _write('updateIdentityProvider', 'PUT', '/identityProviders/{providerID}', 'IdentityProvider', 19827),
    _delete('deleteIdentityProvider', '/identityProviders/{providerID}', 19909),
    _list('readAllIdentityProviderAttributes', '/identityProviders/{providerID}/attributes', 'attributes', 19967),
    _write('createIdentityProviderAttribute', 'POST', '/identityProviders/{providerID}/attributes', 'IdentityProviderAttribute', 20028),
    _read('readOneIdentityProviderAttribute', '/identityProviders/{providerID}/attributes/{providerAttributeID}', 'IdentityProviderAttribute', 20101),
    _write('updateIdentityProviderAttribute', 'PUT', '/identityProviders/{providerID}/attributes/{providerAttributeID}', 'IdentityProviderAttribute', 20167),
    _delete('deleteIdentityProviderAttribute', '/identityProviders/{providerID}/attributes/{providerAttributeID}', 20242),
    _list('readAllSignOnPolicies', '/signOnPolicies', 'signOnPolicies', 26770),
    _write('createSignOnPolicy', 'POST', '/signOnPolicies', 'SignOnPolicy', 26824),
    _read('readOneSignOnPolicy', '/signOnPolicies/{policyID}', 'SignOnPolicy', 26891),
    _write('updateSignOnPolicy', 'PUT', '/signOnPolicies/{policyID}', 'SignOnPolicy', 26950),
    _delete('deleteSignOnPolicy', '/signOnPolicies/{policyID}', 27014),
    _list('readAllSignOnPolicyActions', '/signOnPolicies/{policyID}/actions', 'actions', 27070),
    _write('createSignOnPolicyAction', 'POST', '/signOnPolicies/{policyID}/actions', 'SignOnPolicyAction', 27129),
    _read('readOneSignOnPolicyAction', '/signOnPolicies/{policyID}/actions/{actionID}', 'SignOnPolicyAction', 27196),
    _write('updateSignOnPolicyAction', 'PUT', '/signOnPolicies/{policyID}/actions/{actionID}', 'SignOnPolicyAction', 27260),
    _delete('deleteSignOnPolicyAction', '/signOnPolicies/{policyID}/actions/{actionID}', 27329),
    _list('readAllResourceAttributes', '/resources/{resourceID}/attributes', 'attributes', 25084),
    _write('createResourceAttribute', 'POST', '/resources/{resourceID}/attributes', 'ResourceAttribute', 25143),
    _read('readOneResourceAttribute', '/resources/{resourceID}/attributes/{resourceAttrID}', 'ResourceAttribute', 25213),
    _write('updateResourceAttribute', 'PUT', '/resources/{resourceID}/attributes/{resourceAttrID}', 'ResourceAttribute', 25277),
    _delete('deleteResourceAttribute', '/resources/{resourceID}/attributes/{resourceAttrID}', 25349),
    _list('readAllApplicationAttributeMappings', '/applications/{applicationID}/attributes', 'attributes', 12110),
    _write('createApplicationAttributeMapping', 'POST', '/applications/{applicationID}/attributes', 'ApplicationAttributeMapping', 12169),
    _read('readOneApplicationAttributeMapping', '/applications/{applicationID}/attributes/{attrMappingID}', 'ApplicationAttributeMapping', 12240),
    _write('updateApplicationAttributeMapping', 'PUT', '/applications/{applicationID}/attributes/{attrMappingID}', 'ApplicationAttributeMapping', 12304),
    _delete('deleteApplicationAttributeMapping', '/applications/{applicationID}/attributes/{attrMappingID}', 12377),
    _list('readAllSignOnPolicyAssignments', '/applications/{applicationID}/signOnPolicyAssignments', 'signOnPolicyAssignments', 11195),
    _write('createSignOnPolicyAssignment', 'POST', '/applications/{applicationID}/signOnPolicyAssignments', 'SignOnPolicyAssignment', 11256),
    _read('readOneSignOnPolicyAssignment', '/applications/{applicationID}/signOnPolicyAssignments/{signOnPolicyAssignmentID}', 'SignOnPolicyAssignment', 11325),
    _write(
        'updateSignOnPolicyAssignment',
        'PUT',
        '/applications/{applicationID}/signOnPolicyAssignments/{signOnPolicyAssignmentID}',
        'SignOnPolicyAssignment',
        11391,
    ),
    _delete('deleteSignOnPolicyAssignment', '/applications/{applicationID}/signOnPolicyAssignments/{signOnPolicyAssignmentID}', 11462),
    _list('readApplicationRoleAssignments', '/applications/{applicationID}/roleAssignments', 'roleAssignments', 11853),
    _write('createApplicationRoleAssignment', 'POST', '/applications/{applicationID}/roleAssignments', 'RoleAssignment', 11912),
    _read('readOneApplicationRoleAssignment', '/applications/{applicationID}/roleAssignments/{roleAssignmentID}', 'RoleAssignment', 11985),
    _delete('deleteApplicationRoleAssignment', '/applications/{applicationID}/roleAssignments/{roleAssignmentID}', 12049),
    _list('readAllSubscriptions', '/subscriptions', 'subscriptions', 27521),
    _write('createSubscription', 'POST', '/subscriptions', 'Subscription', 27455),
    _read('readOneSubscription', '/subscriptions/{subscriptionID}', 'Subscription', 27576),
    _write('updateSubscription', 'PUT', '/subscriptions/{subscriptionID}', 'Subscription', 27635),
    _delete('deleteSubscription', '/subscriptions/{subscriptionID}', 27699),
)
