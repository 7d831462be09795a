# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read a PingOne environment into the document that converges it: the type table read backwards. Internal to this
collection; not a public API.

Every type of the type table (_pingone.resource_types) is listed in create order, a child type below each object of
its parent, and each object becomes the item that would create it: the fields the server owns left out (the
contract's read-only ones, those an update cannot set, the type's own ``server_owned``), references by id made the
names the document uses, a link collection (a user's group memberships) the names of its direct links, and each
secret field a vault variable reference, never its value.  Lists are sorted (PingOne gives their order no meaning,
and the engine compares them without it), so that two exports of one environment are the same bytes, and applying
an export writes nothing.
"""

from __future__ import annotations

import ast
import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.parallel import run_all
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.throttle import Throttle
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import (
    TYPES_BY_NAME,
    ResourceType,
    children_of,
    top_level,
    value_in,
    with_value,
)
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.collection import ResourceCollection
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.compare import without
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.dialects import DIALECTS
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.plan import selector
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.query import json_query, truthy

if TYPE_CHECKING:
    from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient

# The parameter of a child type's path that its parent's id fills.
PARAMETER = re.compile(r'\{[^/}]+\}')
# What stands in the document for a secret the export never writes: a reference to a variable of the vault, by the
# type, the object's name and the field. Ansible renders it when the document is applied.
VAULT_REFERENCE = '{{{{ {vault}[{path!r}] }}}}'
# What an export says of itself besides its lists: the types it holds whole, under the lists' prefix.
EXPORTED_TYPES = 'exported_types'
# A vault reference as VAULT_REFERENCE writes it: rendered when the document is applied, the one template an export writes.
# The path is Python's repr of a string: in double quotes when it holds a single quote (an object named O'Brien).
VAULT_PATTERN = re.compile(r"""\{\{ ([A-Za-z_][A-Za-z0-9_]*)\[('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")\] \}\}""")


def vault_reference(text: str) -> tuple[str, str] | None:
    """The vault variable and the path a whole string refers to when it is a vault reference as an export writes it
    (``{{ pingone_platform_vault['identity provider/Google/clientSecret'] }}``), else None."""
    found = VAULT_PATTERN.fullmatch(text)
    if found is None:
        return None
    path = ast.literal_eval(found.group(2))
    return (found.group(1), path) if isinstance(path, str) else None


def canonical(value: Any) -> Any:
    """``value`` with every list sorted (by its elements' JSON), so that the same objects always give the same bytes."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((canonical(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    return value


def not_document_fields(resource_type: ResourceType) -> list[str]:
    """The fields of an object that its item never holds: those the server owns (every PingOne object's, the contract's
    read-only ones and those an update cannot set, the type's own), less those with an endpoint of their own (a user's
    ``enabled``, read-only in the contract but the document's)."""
    kept = {attribute for attribute, _body in resource_type.attribute_endpoints}
    owned = DIALECTS['pingone'].server_owned + resource_type.kind.read_only + resource_type.kind.update_read_only + resource_type.server_owned
    return [field for field in owned if field not in kept]


def secret_path(resource_type: ResourceType, name: Any, field: str, parent: Any = None) -> str:
    """The key of a secret in the vault variable: ``identity provider/Google/clientSecret``."""
    return '/'.join(str(part) for part in (resource_type.name, parent, name, field) if part is not None)


class EnvironmentExport:
    """One read of an environment at ``url`` into a document (a dict of lists by type)."""

    def __init__(
        self,
        http: HttpClient,
        source: Callable[..., str],
        url: str,
        types: Sequence[str] | None = None,
        select: Mapping[str, str] | None = None,
        page_size: int = 100,
        parallel: int = 4,
        vault: str = 'pingone_platform_vault',
        bearer: str | None = None,
    ) -> None:
        self.http = http
        self.source = source
        self.url = url.rstrip('/')
        known = [t.plural for t in top_level()]
        unknown = sorted(set(types or ()) - set(known))
        if unknown:
            raise ConfigurationError(f'types names {", ".join(unknown)}, which the type table does not have: use {", ".join(known)}')
        self.types = list(types) if types else known
        self.select = dict(select or {})
        unknown = sorted(set(self.select) - set(known))
        if unknown:
            raise ConfigurationError(f'select names {", ".join(unknown)}, which the type table does not have: use {", ".join(known)}')
        self.page_size = page_size
        self.parallel = parallel
        self.vault = vault
        self.bearer = bearer
        self.requests = 0
        # Type name -> id -> the name the document gives the object (for a child type: parent id -> id -> name).
        self.names: dict[str, dict[str, Any]] = {}
        self.counts: dict[str, int] = {}

    def read(self) -> dict[str, list[dict[str, Any]]]:
        """The document of the environment, its lists in the order of the type table."""
        self.http.throttle = Throttle(self.parallel)
        try:
            document = {}
            for resource_type in top_level():
                if resource_type.plural in self.types:
                    document[resource_type.plural] = self.read_type(resource_type)
                    self.http.context.progress(f'export: {resource_type.plural} {self.counts[resource_type.plural]:,} read')
            return document
        finally:
            throttled = self.http.throttle.summary()
            self.http.throttle = None
            if throttled:
                self.http.warn(f'export: {throttled}')

    def list_at(self, path: str) -> list[dict[str, Any]]:
        collection = ResourceCollection(self.http, self.url + path, self.source, api_style='pingone', page_size=self.page_size, bearer=self.bearer)
        try:
            return collection.list_all()
        finally:
            self.requests += collection.requests

    def read_type(self, resource_type: ResourceType) -> list[dict[str, Any]]:
        selected = selector(self.select.get(resource_type.plural))
        objects = [obj for obj in self.list_at(resource_type.path) if selected(obj)]
        self.names[resource_type.name] = {obj['id']: resource_type.name_in(obj) for obj in objects if isinstance(obj.get('id'), str)}
        self.counts[resource_type.plural] = len(objects)
        children = {child.name: self.read_children(child, objects) for child in children_of(resource_type)}
        items = []
        for obj in objects:
            item = self.item(resource_type, obj)
            for child in children_of(resource_type):
                listed = children[child.name].get(obj.get('id')) or []
                if child.link:
                    # The names of what it links to directly (a user's groups), or the reference by id of one not exported.
                    direct = selector(child.select_query)
                    linked = canonical([self.name_of(child.references[0].to, found.get('id')) for found in listed if direct(found)])
                    if linked:
                        item[child.plural] = linked
                elif listed:
                    item[child.plural] = self.in_order(child, [self.item(child, found, parent=obj) for found in listed])
            items.append(item)
        return self.in_order(resource_type, items)

    def in_order(self, resource_type: ResourceType, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Items sorted by their name, then by their whole contents (two groups of one name in two populations)."""
        return sorted(items, key=lambda entry: (str(resource_type.name_in(entry)), json.dumps(entry, sort_keys=True)))

    def read_children(self, child: ResourceType, parents: Sequence[Mapping[str, Any]]) -> dict[Any, list[dict[str, Any]]]:
        """The child collection below each parent object, ``parallel`` reads at once: parent id -> its objects."""
        ids = [parent['id'] for parent in parents if isinstance(parent.get('id'), str)]
        outcomes = run_all(ids, lambda parent_id: self.list_at(PARAMETER.sub(lambda _found: parent_id, child.path)), self.parallel)
        found: dict[Any, list[dict[str, Any]]] = {}
        for parent_id, outcome in zip(ids, outcomes):
            if outcome.error is not None:
                raise outcome.error
            found[parent_id] = outcome.value
            if not child.link:
                self.names.setdefault(child.name, {})[parent_id] = {obj['id']: child.name_in(obj) for obj in outcome.value if isinstance(obj.get('id'), str)}
        return found

    def name_of(self, type_name: str, object_id: Any, parent_id: Any = None) -> Any:
        """The document's name of an object by its id, or the reference by id when the export does not hold it."""
        names = self.names.get(type_name) or {}
        if TYPES_BY_NAME[type_name].parent is not None:
            names = names.get(parent_id) or {}
        return names.get(object_id, {'id': object_id}) if isinstance(object_id, str) else {'id': object_id}

    def item(self, resource_type: ResourceType, obj: Mapping[str, Any], parent: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The item that would create ``obj``: no server-owned field, names for ids, vault references for secrets."""
        name = resource_type.name_in(obj)
        if resource_type.export_only_key and truthy(json_query(resource_type.export_only_key, obj, 'export_only_key')):
            return with_value({}, resource_type.item_key, name)
        item = without(obj, not_document_fields(resource_type))
        for ref in resource_type.references:
            value = value_in(item, ref.field)
            if ref.many and isinstance(value, list):
                parent = value_in(obj, ref.within) if ref.within else None
                within = parent.get('id') if isinstance(parent, dict) else None
                item = with_value(item, ref.field, [self.name_of(ref.to, entry.get('id') if isinstance(entry, dict) else entry, within) for entry in value])
            elif isinstance(value, dict) and 'id' in value:
                item = with_value(item, ref.field, self.name_of(ref.to, value['id']))
        for field in resource_type.secrets:
            # Never the value, whatever the API answered: a reference to the variable that holds it.
            path = secret_path(resource_type, name, field, TYPES_BY_NAME[resource_type.parent].name_in(parent) if resource_type.parent and parent else None)
            item[field] = VAULT_REFERENCE.format(vault=self.vault, path=path)
        return canonical(item)


HEADER = (
    '# A PingOne environment, read by jwtauth.oidc.pingone_environment_export: the variables of the role\n'
    '# jwtauth.oidc.pingone_platform. No id of an object it holds, no server-owned field, no secret: a secret is a\n'
    '# reference to the vault variable that must hold it.\n'
)


def dump(document: Mapping[str, Sequence[Any]], prefix: str = '') -> str:
    """The document as YAML, each list under ``prefix`` + its type (``pingone_platform_users``), with the list of the types
    it holds whole (``exported_types``): the same document always gives the same bytes."""
    try:
        import yaml  # type: ignore[import-untyped]  # pylint: disable=import-outside-toplevel
    except ImportError:  # pragma: no cover - ansible-core requires PyYAML on the controller
        raise ConfigurationError('writing an export needs PyYAML, which ansible-core installs on the controller') from None
    data = laid_out(document, prefix)
    if prefix:
        # The role's variables are templates to Ansible: a value of PingOne's that looks like one (a notification
        # template, say) is marked !unsafe, so that it is sent as it is, never rendered.
        data = unsafe(data)
    return HEADER + yaml.dump(data, Dumper=_dumper(yaml), sort_keys=True, default_flow_style=False, allow_unicode=True, width=1000, explicit_start=True)


def dump_json(document: Mapping[str, Sequence[Any]], prefix: str = '') -> str:
    """The document as JSON, laid out as ``dump`` lays out its YAML but for pingone_environment's ``document_file`` only:
    that reads a file as data (nothing templated but the vault references), so no value needs ``!unsafe``, and parses
    JSON about 30 times faster than YAML (0.03 s against 1.1 s for 10,000 users). Loaded with ``vars_files`` its
    strings would be templated."""
    return json.dumps(laid_out(document, prefix), sort_keys=True, indent=1, ensure_ascii=False) + '\n'


def laid_out(document: Mapping[str, Sequence[Any]], prefix: str) -> dict[str, Any]:
    """What an export file holds, YAML or JSON: each list under ``prefix`` + its type (``pingone_platform_users``), and
    the types it holds whole under ``prefix`` + ``exported_types`` (which a document file's reader takes its prefix from)."""
    data: dict[str, Any] = {prefix + plural: list(items) for plural, items in document.items()}
    data[prefix + EXPORTED_TYPES] = list(document)
    return data


class UnsafeText(str):
    """A string that Ansible must not template (written with the tag !unsafe)."""


# What starts a Jinja template: a string holding one is rendered when Ansible reads a variable.
JINJA_MARKS = ('{{', '{%', '{#')


def unsafe(value: Any) -> Any:
    """``value`` with each string that Ansible would template (but the export's own vault references) marked UnsafeText."""
    if isinstance(value, dict):
        return {key: unsafe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unsafe(item) for item in value]
    if isinstance(value, str) and any(mark in value for mark in JINJA_MARKS) and not VAULT_PATTERN.fullmatch(value):
        return UnsafeText(value)
    return value


def _dumper(yaml: Any) -> Any:
    """PyYAML's safe dumper, which also writes UnsafeText as ``!unsafe``."""

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(UnsafeText, lambda dumper, text: dumper.represent_scalar('!unsafe', str(text)))
    return Dumper


def write_if_changed(path: str, text: str, check_mode: bool = False) -> tuple[bool, str | None]:
    """Write ``text`` to ``path`` when it holds something else (atomically, mode 0600 for a new file): (changed, what it held)."""
    try:
        with open(path, encoding='utf-8') as held:
            before: str | None = held.read()
    except FileNotFoundError:
        before = None
    except OSError as exc:
        raise ConfigurationError(f'Failed to read {path}: {exc.strerror}') from None
    if before == text:
        return False, before
    if check_mode:
        return True, before
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix='.export-', suffix='.yml')
        with os.fdopen(handle, 'w', encoding='utf-8') as written:
            written.write(text)
        if before is not None:
            os.chmod(temporary, os.stat(path).st_mode & 0o777)
        os.replace(temporary, path)
    except OSError as exc:
        raise ConfigurationError(f'Failed to write {path}: {exc.strerror}') from None
    return True, before
