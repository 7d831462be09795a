# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Converge a PingOne environment document: every type of the type table, in create order, then the deletions.
Internal to this collection; not a public API.

The document holds one list per top-level type (``populations``, ``users``, ...), each item an object as PingOne
holds it but naming other objects by name; a child type is a list inside its parent's item (a resource's
``scopes``), a link type a list of names (a user's ``groups``).  The engine reads only the type table
(_pingone.resource_types): each type is one converge of one collection (per parent object for a child type) through
_resources.converge, the same one api_resource runs, with references made ids from what the converges before it
returned.  Objects marked ``state: absent`` are deleted at the end, in delete order.

A run may be split in parts (parts.PARTS) so that a caller can read the application secrets in a task of their own, whose
result is never displayed, while the rest keeps its diff: the part before hands its ids on (``handover``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ansible_collections.jwtauth.oidc.plugins.module_utils._environment import shown
from ansible_collections.jwtauth.oidc.plugins.module_utils._environment.export import EXPORTED_TYPES, not_document_fields
from ansible_collections.jwtauth.oidc.plugins.module_utils._environment.references import reference, state_of
from ansible_collections.jwtauth.oidc.plugins.module_utils._environment.links import REWRITTEN, Links, children_place
from ansible_collections.jwtauth.oidc.plugins.module_utils._errors import ConfigurationError, OIDCError
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import (
    TYPES_BY_NAME,
    ResourceType,
    in_create_order,
    in_delete_order,
    top_level,
    value_in,
    with_value,
)
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.collection import READ_AFTER_CREATE_TRIES, ResourceCollection
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.parallel import run_all
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.converge import collector_paused, converge, throttled
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.plan import casefolded, exact, key_of, selector
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.query import json_query, truthy

if TYPE_CHECKING:
    from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient
    from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options


# The key of a YAML item that asks for the object's secret.
SECRET_FLAG = 'return_secret'
# The parameter of a child type's path that its parent's id fills: {resourceID}.
PARAMETER = re.compile(r'\{[^/}]+\}')


def substituted(value: Any, substitutions: Mapping[str, Any]) -> Any:
    """``value`` with each key of ``substitutions`` replaced by its value in every string (the longest first, so that a
    key inside another is not replaced first): what differs between the environments one document is promoted to."""
    pairs = sorted(((str(old), str(new)) for old, new in substitutions.items() if old), key=lambda pair: -len(pair[0]))
    if not pairs:
        return value
    if isinstance(value, str):
        for old, new in pairs:
            value = value.replace(old, new)
        return value
    if isinstance(value, dict):
        return {key: substituted(item, substitutions) for key, item in value.items()}
    if isinstance(value, list):
        return [substituted(item, substitutions) for item in value]
    return value


def steps(part: str) -> list[tuple[str, ResourceType]]:
    """The steps of a part, in order: ('present', type), ('secret', type) or ('absent', type)."""
    last_with_secret = max(t.create_order for t in in_create_order() if t.secret_path)
    present = [('present', t) for t in in_create_order()]
    before = [step for step in present if step[1].create_order <= last_with_secret]
    secrets = [('secret', t) for t in in_create_order() if t.secret_path]
    after = [step for step in present if step[1].create_order > last_with_secret] + [('absent', t) for t in in_delete_order()]
    return {'all': before + secrets + after, 'before_secrets': before, 'secrets': secrets, 'after_secrets': after}[part]


class EnvironmentRun:
    """One converge of a document (or of one part of it) against one environment's Management API at ``url``."""

    def __init__(self, options: Options, http: HttpClient, source: Callable[..., str], url: str, check_mode: bool, bearer: str | None = None) -> None:
        self.options = options
        self.http = http
        self.source = source
        self.url = url.rstrip('/')
        self.check_mode = check_mode
        self.bearer = bearer
        self.document: Mapping[str, Any] = substituted(options.document or {}, options.substitutions or {})
        known = [t.plural for t in top_level()]
        self.prune_types = set(options.prune_types or ())
        named = 'prune_types'
        if options.prune_exported_types:
            # A snapshot's rollback from a document file: the types the export holds whole, which the file itself says.
            exported = self.document.get(EXPORTED_TYPES)
            if not isinstance(exported, list):
                raise ConfigurationError("prune_exported_types takes the types of the document's exported_types, and the document has no such list")
            self.prune_types |= {str(name) for name in exported}
            named = 'prune_types with exported_types'
        unknown = sorted(self.prune_types - set(known))
        if unknown:
            raise ConfigurationError(f'{named} names {", ".join(unknown)}, which the type table does not have: use {", ".join(known)}')
        unknown = sorted(str(name) for name in set(self.document) - set(known) - {EXPORTED_TYPES})
        if unknown:
            # A list under a misspelt name would be converged by nobody.
            raise ConfigurationError(f'document has {", ".join(unknown)}, which is no type of the type table: use {", ".join(known)}')
        handover = options.handover or {}
        # Type name -> key -> id (a child type: parent key -> key -> id), and the keys of what this run created.
        self.ids: dict[str, Any] = {name: dict(value) for name, value in (handover.get('ids') or {}).items()}
        self.created: dict[str, list[Any]] = {name: list(value) for name, value in (handover.get('created') or {}).items()}
        self.earlier_lines: list[str] = list(handover.get('summary') or [])
        self.lines: list[str] = []
        self.diffs: list[dict[str, Any]] = []
        self.drift: list[dict[str, Any]] = []
        self.secrets: dict[str, Any] = {}
        # Type name -> id -> key of every object of the type, read only to name what the document does not list.
        self.listed: dict[str, dict[str, str]] = {}
        # Type name -> id -> fields of its objects kept from their converge for a later step (converge_top); type name ->
        # the fields this run changed on its objects since (REWRITTEN when it deleted one, or updated one it has no diff of).
        self.kept: dict[str, dict[str, Any]] = {}
        self.rewritten: dict[str, set[str]] = {}
        # What a converge of 10,000 users asked for again and again, made once a run: each top-level list's items with
        # their states (the document does not change), each present item of a type as resolved when the type converged
        # (what it names existed before it).
        self.listed_items: dict[str, list[tuple[str, dict[str, Any], str]]] = {}
        self.resolved_items: dict[str, list[tuple[str, dict[str, Any], dict[str, Any]]]] = {}
        self.links = Links(self)
        self.changed = False
        self.requests = 0
        prefix = options.variable_prefix
        self.prefix = prefix if prefix else 'document.'

    # -- the document --

    def where(self, resource_type: ResourceType) -> str:
        """How messages name a top-level list: the role's variable (``pingone_platform_users``) or ``document.users``."""
        return self.prefix + resource_type.plural

    def items(self, resource_type: ResourceType) -> list[tuple[str, dict[str, Any]]]:
        """(place, item) of each item of a top-level list that is present; a list that is not one, or an item that is not
        an object, or of a state neither present nor absent, is refused."""
        return [(where, item) for where, item, state in self.all_items(resource_type) if state == 'present']

    def all_items(self, resource_type: ResourceType) -> list[tuple[str, dict[str, Any], str]]:
        found = self.listed_items.get(resource_type.plural)
        if found is None:
            found = self.listed_items[resource_type.plural] = self.read_items(resource_type)
        return found

    def read_items(self, resource_type: ResourceType) -> list[tuple[str, dict[str, Any], str]]:
        listed = self.document.get(resource_type.plural) or []
        if not isinstance(listed, list):
            raise ConfigurationError(f'{self.where(resource_type)} must be a list')
        found = []
        for number, item in enumerate(listed):
            where = f'{self.where(resource_type)}[{number}]'
            if not isinstance(item, dict):
                raise ConfigurationError(f'{where} is not a dict')
            found.append((where, item, state_of(item, where, resource_type.item_key)))
        return found

    def resolved(self, resource_type: ResourceType) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
        """(place, item, resolved item) of each present item of a top-level type, resolved once a run: when the type
        converges, after everything it names (or, in check mode, each placeholder). Nobody changes what it returns."""
        found = self.resolved_items.get(resource_type.name)
        if found is None:
            found = [(where, item, self.resolve(resource_type, item, where)) for where, item in self.items(resource_type)]
            self.resolved_items[resource_type.name] = found
        return found

    def ids_for(self, target: str, parent_name: Any = None) -> Mapping[str, Any]:
        """The ids of the objects of type ``target`` by key (below the parent named ``parent_name`` for a child type)."""
        ids = self.ids.get(target) or {}
        if TYPES_BY_NAME[target].parent is None:
            return ids
        return ids.get(parent_name) or {}

    def resolve(self, resource_type: ResourceType, item: Mapping[str, Any], where: str, absent: bool = False, scope: str | None = None) -> dict[str, Any]:
        """The item as PingOne takes it: its role keys left out, the objects it names made ``{"id": ...}``.

        An item to delete keeps only the references its key needs (a grant's resource, a group's population).
        """
        obj = {name: value for name, value in item.items() if name not in resource_type.role_keys}
        for ref in resource_type.references:
            value = value_in(obj, ref.field)
            target = TYPES_BY_NAME[ref.to]
            if absent and not (ref.field == resource_type.key or ref.field in (resource_type.key_query or '')):
                obj = with_value(obj, ref.field, None)
                continue
            if ref.many and (value is not None or ref.required):
                named = value_in(item, ref.within) if ref.within else None
                if ref.required and (not isinstance(value, list) or not value):
                    # A list of references the object needs (Create Grant: scopes is a non-empty array).
                    within = TYPES_BY_NAME[target.parent or ref.to]
                    raise ConfigurationError(f'{where} {resource_type.word}s no {ref.field} of {within.word} {named!r}: name at least one')
                if not isinstance(value, list):
                    raise ConfigurationError(f'{where}: {ref.field} must be a list of {target.word} names')
                ids = self.ids_for(ref.to, named if isinstance(named, str) else None)
                shown = f'{where} ({TYPES_BY_NAME[target.parent].word} {named!r})' if ref.within and target.parent else where
                obj = with_value(obj, ref.field, [reference(name, ids, target.word, shown, self.check_mode) for name in value])
            elif value is not None:
                obj = with_value(obj, ref.field, reference(value, self.ids_for(ref.to), target.word, where, self.check_mode, scope))
        return obj

    def child_url(self, resource_type: ResourceType, parent_id: str) -> str:
        """The collection of a child type below one parent object (``.../resources/{id}/scopes``)."""
        return self.url + quote(str(parent_id), safe='').join(path_around(resource_type.path))

    def key(self, resource_type: ResourceType, resolved: Mapping[str, Any]) -> Any:
        return key_of(resolved, resource_type.key, resource_type.key_query)

    # -- running --

    def run(self, part: str) -> dict[str, Any]:
        """The result of the part: what changed, the summary, the drift, the ids; raises with what was done so far."""
        ordered = steps(part)
        present = [resource_type for kind, resource_type in ordered if kind == 'present']
        # The collector paused for the whole run, not only each read and plan (converge.collector_paused): the run keeps
        # what it reads and resolves to its end, and the reads by target and each parent's links steps allocated enough
        # to start it again and again over all of it (0.1-0.3 s of a no-change run of 10,000 users in 10 groups).
        with collector_paused():
            try:
                for kind, resource_type in ordered:
                    if kind == 'secret':
                        self.read_secrets(resource_type)
                    elif resource_type.parent is None and kind == 'present':
                        with self.links.reading_ahead(resource_type, present):
                            self.converge_top(resource_type)
                    elif resource_type.parent is None:
                        self.delete_top(resource_type)
                        if resource_type.plural in self.prune_types:
                            self.prune_top(resource_type)
                    else:
                        self.converge_children(resource_type, kind)
            except OIDCError as exc:
                # What was written before the failure stays written: the failed result says so (the edge adds ``done`` to it).
                setattr(exc, 'done', dict(getattr(exc, 'done', None) or {}, **self.outcome(part, failed=True)))
                exc.message = shown.with_names(exc.message, self.names())
                raise
            return self.outcome(part)

    def names(self) -> list[tuple[str, str]]:
        """(id, key) of every object the run knows, to show names where PingOne has ids."""
        names = [(object_id, key) for listed in self.listed.values() for object_id, key in listed.items()]
        return names + shown.names_of(self.ids.get(t.name) or {} for t in reversed(top_level()))

    def outcome(self, part: str, failed: bool = False) -> dict[str, Any]:
        names = shown.namer(self.names())
        lines = [names(line) for line in self.lines]
        if not failed and part in ('all', 'after_secrets') and not lines and not self.earlier_lines:
            lines = [shown.nothing_line([self.where(t) for t in top_level()])]
        for entry in self.drift:
            entry['name'] = names(entry['name'])
            if 'parent' in entry:
                entry['parent'] = names(entry['parent'])
        result: dict[str, Any] = {
            'changed': self.changed,
            'summary': lines,
            'drift': self.drift,
            'drift_count': len(self.drift),
            'ids': {t.plural: dict(self.ids.get(t.name) or {}) for t in top_level()},
            'client_ids': dict(self.ids.get('application') or {}),
            'requests': self.requests,
            # secrets_asked: whether the secrets part has anything to read, so that a role skips its task (and, with a
            # document_file, its read of the file) when no item asks.
            'handover': {'ids': self.ids, 'created': self.created, 'summary': self.earlier_lines + lines, 'secrets_asked': self.secrets_asked()},
        }
        if self.options.result_detail == 'compact':
            # As long as the document: the handover keeps them for the parts after this one.
            del result['ids']
        if part in ('all', 'secrets'):
            result['secrets'] = dict(self.secrets)
        for diff in self.diffs:
            for header in ('before_header', 'after_header'):
                diff[header] = names(diff[header])
        result['diff'] = self.diffs
        return result

    def converge(self, resource_type: ResourceType, url: str, items: list[dict[str, Any]], head: str, parent: str | None = None, **task: Any) -> dict[str, Any]:
        """One converge of one collection, as api_resource runs it; its diffs and drift kept under ``head``."""
        return self.record(resource_type, head, parent, self.run_converge(resource_type, url, items, **task))

    def run_converge(self, resource_type: ResourceType, url: str, items: list[dict[str, Any]], **task: Any) -> dict[str, Any]:
        """One converge of one collection, its result as converge returns it: nothing of the run's own state is touched,
        so that the collections of many parents can be converged at once (converge_children)."""
        options = self.options.replace(
            url=url,
            api_style='pingone',
            key=resource_type.key,
            key_query=resource_type.key_query,
            select_query=resource_type.select_query,
            item=None,
            items=items,
            items_name=task.pop('items_name', 'items'),
            state=task.pop('state', 'present'),
            # A pruned type is made exact: its updates replace the whole object (PUT), so that a field set since goes.
            update_method=self.options.user_update_method if resource_type.user_update_method and not self.exact_types(resource_type) else 'put',
            prune=task.pop('prune', False),
            prune_max=self.options.prune_max,
            prune_max_name=(self.options.variable_prefix or '') + 'prune_max',
            read_strategy=task.pop('read_strategy', 'list'),
            current=task.pop('current', None),
            keep=task.pop('keep', None),
            items_path=None,
            ignore_keys=[],
            write_only_keys=list(resource_type.secrets),
            send_write_only='on_create',
            member_ids=None,
            parent_created=task.pop('parent_created', False),
            attribute_endpoints=[{'name': name, 'path': None, 'body': body} for name, body in resource_type.attribute_endpoints],
        )
        return converge(options, self.check_mode, True, self.http, self.source)

    def record(self, resource_type: ResourceType, head: str, parent: str | None, result: dict[str, Any]) -> dict[str, Any]:
        """A converge's result counted into the run: its requests, whether it changed anything, its drift and diffs."""
        self.requests += result['requests']
        self.changed = self.changed or result['changed']
        diffs = result.pop('diff')
        drift = shown.drift_entries(resource_type.name, parent, result, diffs)
        if result.get('updated') or result.get('deleted'):
            fields = self.rewritten.setdefault(resource_type.name, set())
            fields.update(field for entry in drift if entry['action'] == 'update' for field in entry['fields'])
            if result.get('deleted') or {str(key) for key in result['updated']} - {entry['name'] for entry in drift}:
                fields.add(REWRITTEN)
        self.drift.extend(drift)
        for diff in diffs:
            diff['before_header'] = diff['after_header'] = f'{head}: {diff["before_header"]}'
        self.diffs.extend(diffs)
        return result

    # -- the steps --

    def converge_top(self, resource_type: ResourceType) -> None:
        items = [dict(resource_type.defaults, **resolved) for _where, _item, resolved in self.resolved(resource_type)]
        if not items:
            return
        url = self.url + resource_type.path
        if resource_type.plural in self.prune_types:
            items = self.exactly(resource_type, url, items)
        # Fields of these objects a later step reads by target needs (each group's direct count): kept, not read again.
        keep = sorted({t.by_target.direct.split('.')[0] for t in TYPES_BY_NAME.values() if t.by_target and t.link == resource_type.name})
        result = self.converge(resource_type, url, items, resource_type.plural, keep=keep or None)
        self.kept[resource_type.name] = result.pop('kept', None) or {}
        self.ids[resource_type.name] = dict(result['ids'])
        self.created[resource_type.name] = list(result['created'])
        self.lines.append(shown.collection_line(resource_type.plural, result['msg']))

    def delete_top(self, resource_type: ResourceType) -> None:
        items = [self.resolve(resource_type, item, where, absent=True) for where, item, state in self.all_items(resource_type) if state == 'absent']
        if not items:
            return
        result = self.converge(resource_type, self.url + resource_type.path, items, resource_type.plural, state='absent')
        self.lines.append(shown.collection_line(resource_type.plural, result['msg']))

    def exact_types(self, resource_type: ResourceType) -> bool:
        """Whether a type's objects are made exactly their items (its own type, or its parent's, pruned)."""
        return resource_type.plural in self.prune_types if resource_type.parent is None else self.pruned(resource_type)

    def pruned(self, resource_type: ResourceType) -> bool:
        """Whether the objects of a child type that its parent's item does not list are deleted: its parent's type is pruned."""
        return resource_type.parent is not None and TYPES_BY_NAME[resource_type.parent].plural in self.prune_types

    def exactly(self, resource_type: ResourceType, url: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The items of a pruned type made exact: each field its object holds and the item does not (a field set since the
        snapshot) given as null, which removes it, as the export of the environment would not hold it. A built-in object,
        which an export holds by its key only, is left as it is."""
        collection = ResourceCollection(self.http, url, self.source, api_style='pingone', page_size=self.options.page_size, bearer=self.bearer)
        selected = selector(resource_type.select_query)
        fold = casefolded if resource_type.case_insensitive else exact
        current = {fold(self.key(resource_type, obj)): obj for obj in collection.list_all() if selected(obj)}
        self.requests += collection.requests
        owned = set(not_document_fields(resource_type))
        made = []
        for item in items:
            found = current.get(fold(self.key(resource_type, item)))
            if found is None or (resource_type.export_only_key and truthy(json_query(resource_type.export_only_key, found, 'export_only_key'))):
                made.append(item)
                continue
            made.append(dict(item, **{field: None for field in found if field not in item and field not in owned}))
        return made

    def prune_top(self, resource_type: ResourceType) -> None:
        named = [self.resolve(resource_type, item, where) for where, item in self.items(resource_type)]
        self.prune(resource_type, self.url + resource_type.path, named, resource_type.plural)

    def prune(self, resource_type: ResourceType, url: str, named: Sequence[Mapping[str, Any]], head: str, parent: str | None = None) -> None:
        """Delete the objects of the collection at ``url`` that none of ``named`` (resolved items) names: an environment made
        exactly its document for the types of ``prune_types`` (a rollback to a snapshot). At most ``prune_max`` a
        collection, refused before any write beyond that. Only the deletions are reported: the rest was converged before."""
        collection = ResourceCollection(self.http, url, self.source, api_style='pingone', page_size=self.options.page_size, bearer=self.bearer)
        selected = selector(resource_type.select_query)
        current = [obj for obj in collection.list_all() if selected(obj)]
        self.requests += collection.requests
        fold = casefolded if resource_type.case_insensitive else exact
        kept = {fold(self.key(resource_type, item)) for item in named}
        # What PingOne makes in every environment is never the document's to delete.
        extra = [
            obj
            for obj in current
            if fold(self.key(resource_type, obj)) not in kept and not (resource_type.built_in and truthy(json_query(resource_type.built_in, obj, 'built_in')))
        ]
        if not extra:
            return
        limit, limit_name = self.options.prune_max, (self.options.variable_prefix or '') + 'prune_max'
        if len(extra) > limit:
            # A link by the name of what it links to (GroupMembership.name), any other object by its key.
            keys = [str(obj.get('name') if resource_type.link else self.key(resource_type, obj)) for obj in extra]
            raise ConfigurationError(
                f'prune would delete {len(extra)} objects, more than {limit_name} ({limit}): {", ".join(keys[:10])}{" ..." if len(keys) > 10 else ""}'
            )
        result = self.converge(resource_type, url, extra, head, parent=parent, state='absent', items_name=f'what {head} does not list')
        if resource_type.link:
            self.lines.append(shown.link_line(head, result, self.links.link_names(resource_type, result), self.check_mode))
        else:
            self.lines.append(shown.collection_line(head, result['msg']))

    def parents(self, resource_type: ResourceType) -> list[tuple[dict[str, Any], Any, Any, list[Any]]]:
        """(resolved parent item, its key, its id or None, its list of this type) of each present parent item that lists this
        type, or of every present parent item when the type is pruned (one that lists none has none)."""
        parent_type = TYPES_BY_NAME[resource_type.parent or '']
        found = []
        for where, item, resolved in self.resolved(parent_type):
            if resource_type.plural not in item and not self.pruned(resource_type):
                continue
            children = item.get(resource_type.plural) or []
            if not isinstance(children, list):
                raise ConfigurationError(f'{where}.{resource_type.plural} must be a list')
            key = self.key(parent_type, resolved)
            found.append((resolved, key, (self.ids.get(parent_type.name) or {}).get(key), children))
        return found

    def converge_children(self, resource_type: ResourceType, kind: str) -> None:
        """The collection of this type below each parent item that lists it: its present items, or its absent ones (a link
        type's are converged by the run's Links).

        The present ones of every parent are converged at once, ``parallel`` collections at a time under one throttle
        (10,000 users' memberships are 10,000 collections: one after the other, each read would wait for the last),
        and their results are then taken in the document's order, so the summary reads the same whatever finished first.
        """
        parent_type = TYPES_BY_NAME[resource_type.parent or '']
        child_ids = self.ids.setdefault(resource_type.name, {})
        if resource_type.link:
            if kind == 'present':
                self.links.converge(resource_type)
            return
        # (work done at once with the others, or None; what is then done with its result, in order)
        steps: list[tuple[Callable[[], Any] | None, Callable[[Any], None]]] = []
        created_keys = set(self.created.get(parent_type.name) or ())
        for resolved_parent, parent_key, parent_id, children in self.parents(resource_type):
            name = parent_type.name_in(resolved_parent)
            head = f'{resource_type.plural.capitalize()} of {name}'
            where = children_place(resource_type, parent_type, name)
            if kind == 'absent':
                self.delete_children(resource_type, parent_id, children, head, where, str(name))
                if self.pruned(resource_type) and parent_id is not None:
                    named = [self.resolve(resource_type, c, where) for c in children if isinstance(c, dict) and c.get('state', 'present') == 'present']
                    self.prune(resource_type, self.child_url(resource_type, parent_id), named, head, str(name))
                continue
            if parent_id is None:
                # Check mode: the parent is still to be created and has no id, so its collection cannot be read.
                unread = {resource_type.name_in(child): None for child in children if isinstance(child, dict)}
                steps.append((None, partial(self.not_read, parent_type, head, bool(children), child_ids, name, unread)))
                continue
            if not children:
                steps.append((None, partial(no_children, child_ids, name)))
                continue
            url = self.child_url(resource_type, parent_id)
            items = []
            for number, child in enumerate(children):
                child_where = f'{where}[{number}]'
                if not isinstance(child, dict):
                    raise ConfigurationError(f'{child_where} is not a dict')
                if state_of(child, child_where, resource_type.item_key) == 'present':
                    items.append(dict(resource_type.defaults, **self.resolve(resource_type, child, child_where)))
            if self.pruned(resource_type):
                items = self.exactly(resource_type, url, items)
            steps.append(
                (
                    partial(self.run_converge, resource_type, url, items, parent_created=parent_key in created_keys),
                    partial(self.record_children, resource_type, head, str(name), child_ids, name),
                )
            )
        self.run_steps(f'{resource_type.plural} of {parent_type.plural}', steps)

    def not_read(self, parent_type: ResourceType, head: str, listed: bool, child_ids: dict[Any, Any], name: Any, unread: dict[Any, None], _result: Any) -> None:
        """A collection below a parent check mode would create (Links.not_read for links): its children have no ids yet."""
        if listed:
            self.lines.append(shown.not_read_line(head, parent_type.word))
        child_ids[name] = unread

    def record_children(self, resource_type: ResourceType, head: str, parent: str, child_ids: dict[Any, Any], name: Any, result: dict[str, Any]) -> None:
        result = self.record(resource_type, head, parent, result)
        child_ids[name] = dict(result['ids'])
        self.lines.append(shown.collection_line(head, result['msg']))

    def run_steps(self, name: str, steps: Sequence[tuple[Callable[[], Any] | None, Callable[[Any], None]]]) -> None:
        """Each step's work, ``parallel`` at once under one throttle (so a 429 pauses them all once, and at most
        ``parallel`` requests are in flight in all); then, in order, what each step does with its result. After the
        first failure no new work starts; the results of the work that ended are still taken (what it wrote is said),
        and the first failure in order is raised."""
        work = [index for index, (do, _then) in enumerate(steps) if do is not None]
        with throttled(self.http, self.options.parallel, name):
            outcomes = dict(zip(work, run_all(work, lambda index: steps[index][0](), self.options.parallel)))  # type: ignore[misc]
        failure: BaseException | None = None
        for index, (do, then) in enumerate(steps):
            outcome = outcomes.get(index)
            if outcome is None:
                if failure is None:
                    then(None)
            elif outcome.error is not None:
                failure = failure or outcome.error
            elif outcome.started:
                then(outcome.value)
        if failure is not None:
            raise failure

    def delete_children(self, resource_type: ResourceType, parent_id: Any, children: Sequence[Any], head: str, where: str, owner: str) -> None:
        if parent_id is None or resource_type.link:
            return
        items = []
        for number, child in enumerate(children):
            child_where = f'{where}[{number}]'
            if isinstance(child, dict) and state_of(child, child_where, resource_type.item_key) == 'absent':
                items.append(self.resolve(resource_type, child, child_where, absent=True))
        if not items:
            return
        url = self.child_url(resource_type, parent_id)
        result = self.converge(resource_type, url, items, head, parent=owner, state='absent')
        self.lines.append(shown.collection_line(head, result['msg']))

    def secrets_asked(self) -> bool:
        """Whether a present item of the document asks for its object's secret (``return_secret``)."""
        return any(item.get(SECRET_FLAG) for resource_type in top_level() if resource_type.secret_path for _where, item in self.items(resource_type))

    def read_secrets(self, resource_type: ResourceType) -> None:
        """Read the secret of each present item that asks for it (``return_secret``); an object check mode would create has
        none to read. A read answered 404 right after the object's create is sent again (eventual consistency)."""
        read, unread = [], []
        for where, item in self.items(resource_type):
            if not item.get(SECRET_FLAG):
                continue
            resolved = self.resolve(resource_type, item, where)
            key = self.key(resource_type, resolved)
            object_id = (self.ids.get(resource_type.name) or {}).get(key)
            if object_id is None:
                unread.append(str(key))
                continue
            created = key in (self.created.get(resource_type.name) or ())
            collection = ResourceCollection(
                self.http,
                f'{self.url}{resource_type.path}/{object_id}/{resource_type.secret_path}',
                self.source,
                api_style='pingone',
                not_found_retries=READ_AFTER_CREATE_TRIES - 1 if created else 0,
                bearer=self.bearer,
            )
            answer = collection.read() or {}
            self.requests += collection.requests
            secret = answer.get('secret')
            # Masked wherever a failure or warning of the task could show it.
            self.http.context.remember(secret, (answer.get('previous') or {}).get('secret') if isinstance(answer.get('previous'), dict) else None)
            self.secrets[str(key)] = secret
            read.append(str(key))
        if read or unread:
            name = (self.options.variable_prefix or '') + 'secrets'
            line = f'Secrets in {name}: {", ".join(read) if read else "none"}'
            if unread:
                line += f'; not read, the {resource_type.word} would be created first (check mode): {", ".join(unread)}'
            self.lines.append(line)


@lru_cache(maxsize=None)
def path_around(path: str) -> list[str]:
    """A child type's path split around the parameters its parent's id fills (``/resources/``, ``/scopes``): split once,
    not for each of 10,000 parents."""
    return PARAMETER.split(path)


def no_children(ids: dict[Any, Any], name: Any, _result: Any) -> None:
    """A parent that lists no child of a type: it has none (a run_steps step with no work)."""
    ids[name] = {}
