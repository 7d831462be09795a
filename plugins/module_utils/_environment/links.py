# -*- coding: utf-8 -*-
# Copyright: Contributors to the jwtauth.oidc collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The environment engine's links: a parent's links to objects of another type (a user's group memberships, a group's
nestings), read by what they link to where that is cheaper (_environment.target_reads) and alongside the parents' own
converge, then converged one parent at a time as steps of the engine's run_steps. Internal to this collection; not a
public API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

from ansible_collections.jwtauth.oidc.plugins.module_utils._environment import shown
from ansible_collections.jwtauth.oidc.plugins.module_utils._environment.references import reference
from ansible_collections.jwtauth.oidc.plugins.module_utils._environment.target_reads import TargetReads, settled
from ansible_collections.jwtauth.oidc.plugins.module_utils._http.parallel import Outcome, alongside
from ansible_collections.jwtauth.oidc.plugins.module_utils._pingone.resource_types import TYPES_BY_NAME, ResourceType
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.collection import ResourceCollection
from ansible_collections.jwtauth.oidc.plugins.module_utils._resources.converge import throttled

if TYPE_CHECKING:
    from typing import Protocol

    from ansible_collections.jwtauth.oidc.plugins.module_utils._http.client import HttpClient
    from ansible_collections.jwtauth.oidc.plugins.module_utils._options import Options

    # Bodies of docstrings, not "...": ruff puts "..." on the def's line, which the pycodestyle of ansible-core 2.16's
    # sanity refuses (E704); see _http.throttle.RateBucket.
    class Engine(Protocol):
        """What the links take from the run of the engine they belong to (_environment.engine.EnvironmentRun), which
        imports this file."""

        options: Options
        http: HttpClient
        source: Callable[..., str]
        url: str
        bearer: str | None
        check_mode: bool
        ids: dict[str, Any]
        created: dict[str, list[Any]]
        kept: dict[str, dict[str, Any]]
        rewritten: dict[str, set[str]]
        listed: dict[str, dict[str, str]]
        lines: list[str]
        requests: int

        def ids_for(self, target: str, parent_name: Any = None) -> Mapping[str, Any]:
            """The ids of a type by key (below a parent for a child type)."""

        def key(self, resource_type: ResourceType, resolved: Mapping[str, Any]) -> Any:
            """The key of a resolved item."""

        def resolved(self, resource_type: ResourceType) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
            """(place, item, resolved item) of each present item of a top-level type."""

        def parents(self, resource_type: ResourceType) -> list[tuple[dict[str, Any], Any, Any, list[Any]]]:
            """(resolved parent item, its key, its id or None, its list of this type) of each parent that lists it."""

        def pruned(self, resource_type: ResourceType) -> bool:
            """Whether a child type's objects that its parent's item does not list are deleted."""

        def prune(self, resource_type: ResourceType, url: str, named: Sequence[Mapping[str, Any]], head: str, parent: str | None = None) -> None:
            """Delete what a collection holds beyond ``named``."""

        def run_converge(self, resource_type: ResourceType, url: str, items: list[dict[str, Any]], **task: Any) -> dict[str, Any]:
            """One converge of one collection, its result."""

        def run_steps(self, name: str, steps: Sequence[tuple[Callable[[], Any] | None, Callable[[Any], None]]]) -> None:
            """Each step's work at once, under one throttle; then, in order, what each does with its result."""

        def child_url(self, resource_type: ResourceType, parent_id: str) -> str:
            """The collection of a child type below one parent object."""

        def record(self, resource_type: ResourceType, head: str, parent: str | None, result: dict[str, Any]) -> dict[str, Any]:
            """A converge's result counted into the run."""


# What the engine's rewritten holds of a type whose objects a run deleted, or updated with no diff to say which fields.
REWRITTEN = '*'


def children_place(resource_type: ResourceType, parent_type: ResourceType, name: Any) -> str:
    """How messages name the children of one parent: ``the group memberships of user alice``."""
    return f'the {resource_type.plural} of {parent_type.word} {name}'


class Links:
    """The steps of the link types of one run of the engine (``engine``), and what they keep between them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Link type name -> the reads by target made while its parents converged (reading_ahead): an Outcome whose value
        # is a target_reads.Listing or None, and the TargetReads that sent them (its requests).
        self.ahead: dict[str, tuple[Outcome, TargetReads]] = {}
        # Each parent's links as items, by the parent's place in the document: the reads ahead make them first, in their
        # thread, and the converge takes the same.
        self.links_at: dict[str, list[dict[str, Any]]] = {}
        # With result_detail compact, while a link type converges: [parents, links] left as they were, said in one line
        # (quiet_line) instead of one a parent; None otherwise.
        self.quiet: list[int] | None = None

    @contextmanager
    def reading_ahead(self, resource_type: ResourceType, present: Sequence[ResourceType]) -> Iterator[None]:
        """While a type's objects converge, the reads by target of their links (a user's groups, read as each group's
        users) are made alongside, under one throttle: they need the targets' ids, not the parents', and a no-change
        run of 10,000 users in 10 groups read its 50 pages of users one after the other before the 100 pages of the
        groups' users started, though the rate budget had room for both at once. Not for links every parent reads
        itself (a prune)."""
        engine = self.engine
        link_types = [
            t
            for t in present
            if t.by_target and t.parent == resource_type.name and t.link in engine.ids and not engine.options.prune_memberships and not engine.pruned(t)
        ]
        if not link_types:
            yield
            return
        link_type, target_type = link_types[0], TYPES_BY_NAME[link_types[0].link or '']
        engine.resolved(resource_type)  # here, not in the thread: the converge needs them first
        reads = self.target_reads()
        with throttled(engine.http, engine.options.parallel, f'{resource_type.plural}, and {link_type.plural} read by {target_type.word}'):
            with alongside(partial(self.read_ahead, link_type, reads)) as outcome:
                yield
        self.ahead[link_type.name] = (outcome, reads)

    def read_ahead(self, resource_type: ResourceType, reads: TargetReads) -> Any:
        """What the lists of the targets the document's parents link to show (TargetReads.listing), read before the
        parents' ids are known. Every parent that lists links counts, though some may be created in this run (their
        links are not read): the estimate only errs toward reading by target. Runs in a thread of its own
        (reading_ahead): it reads the run's state and writes none of it, only links_at, which nothing reads before the
        thread ends."""
        read = resource_type.by_target
        if read is None:
            return None
        parent_type, target_type = TYPES_BY_NAME[resource_type.parent or ''], TYPES_BY_NAME[resource_type.link or '']
        key = resource_type.key or 'id'
        parents, targets = 0, set()  # type: tuple[int, set[Any]]
        for resolved_parent, _parent_key, _parent_id, children in self.engine.parents(resource_type):
            if children:
                parents += 1
                where = children_place(resource_type, parent_type, parent_type.name_in(resolved_parent))
                targets.update(item.get(key) for item in self.link_items(resource_type, resolved_parent, children, where))
        kept = self.engine.kept.get(target_type.name) or {}
        return reads.listing(read, parent_type.path, target_type.path, parents, targets - self.new_targets(target_type, targets), kept)

    def links_may_have_gone(self, resource_type: ResourceType) -> bool:
        """Whether this run may have taken links of this type away from their parents: it deleted a parent (its links go
        with it), or changed the field that scopes what they link to (a user moved to another population leaves its old
        population's groups), or updated a parent without a diff to tell. A user's new email leaves its groups as they
        were, so what their lists and counts said before it holds: a run that changes users need not read them again.
        (What an update can add to a list, a user its new email brings into a group's userFilter, only makes the list
        longer than its direct count: partial, and its users are read one by one.)"""
        changed = self.engine.rewritten.get(resource_type.parent or '') or set()
        scopes = {ref.scoped_by for ref in resource_type.references if ref.scoped_by}
        return bool(changed & (scopes | {REWRITTEN})) or (bool(changed) and not scopes)

    def target_reads(self) -> TargetReads:
        """Reads by target against the run's environment, with its client, token and paging."""
        engine = self.engine
        return TargetReads(engine.http, engine.source, engine.url, engine.bearer, engine.options.page_size, engine.options.parallel)

    def new_targets(self, target_type: ResourceType, targets: Iterable[Any]) -> set[Any]:
        """The targets that have no direct link yet: those this run created, and check mode placeholders (no id to read)."""
        target_ids = self.engine.ids_for(target_type.name)
        new = {target_ids.get(key) for key in self.engine.created.get(target_type.name) or ()}
        return new | {target for target in targets if not isinstance(target, str) or target.startswith(shown.PLACEHOLDER)}

    def links_by_target(self, resource_type: ResourceType, wanted: dict[Any, list[Any]]) -> dict[Any, set[Any]]:
        """parent id -> the ids of its direct links among those its item wants (``wanted``: parent id -> target ids),
        for the parents whose links the reads of their targets settle (_environment.target_reads); the others are left
        out and read one by one."""
        read = resource_type.by_target
        if read is None or not wanted:
            return {}
        target_type = TYPES_BY_NAME[resource_type.link or '']
        parent_type = TYPES_BY_NAME[resource_type.parent or '']
        new = self.new_targets(target_type, {target for targets in wanted.values() for target in targets})
        outcome, ahead = self.ahead.pop(resource_type.name, (None, None))
        if ahead is not None:
            self.engine.requests += ahead.requests
        gone = self.links_may_have_gone(resource_type)
        if outcome is not None and outcome.error is None and not gone:
            # Read while the parents converged, none of them moved or deleted: what the lists showed then holds. (Reads
            # that failed are made again below, where their failure is raised in its place.)
            found = settled(wanted, outcome.value, new)
        else:
            # The direct counts the targets' list gave (converge_top kept them), but not once a parent may have lost links.
            kept = {} if gone else self.engine.kept.get(target_type.name) or {}
            reads = self.target_reads()
            try:
                with throttled(self.engine.http, self.engine.options.parallel, f'{resource_type.plural} of {parent_type.plural}, read by {target_type.word}'):
                    found = reads.direct_links(read, parent_type.path, target_type.path, wanted, new, kept)
            finally:
                self.engine.requests += reads.requests
        return {parent: set(linked) for parent, linked in found.items()}

    def link_items(self, resource_type: ResourceType, parent: Mapping[str, Any], names: Sequence[Any], where: str) -> list[dict[str, Any]]:
        """The links of one object (a user's group memberships) as items: one ``{"id": ...}`` per name; made once a run
        (the reads ahead make them first, in their thread), and nobody changes them."""
        found = self.links_at.get(where)
        if found is None:
            (ref,) = resource_type.references
            scope = (parent.get(ref.scoped_by) or {}).get('id') if ref.scoped_by and isinstance(parent.get(ref.scoped_by), dict) else None
            target_ids, word = self.engine.ids_for(ref.to), TYPES_BY_NAME[ref.to].word
            found = [reference(name, target_ids, word, f'{where}[{number}]', self.engine.check_mode, scope) for number, name in enumerate(names)]
            self.links_at[where] = found
        return found

    def converge(self, resource_type: ResourceType) -> None:
        """The links of this type of each parent item that lists them (a user's groups), each parent's a collection
        converged as a step of run_steps: read by target first where that settles them (links_by_target).

        Two passes: the parents' links as items first, so that what the reads by target settle is known before any
        step is made, and a parent whose every link is there costs its summary line alone (10,000 of them were half of
        what a no-change run did after its last read)."""
        engine = self.engine
        parent_type = TYPES_BY_NAME[resource_type.parent or '']
        key = resource_type.key or 'id'
        pruned = engine.pruned(resource_type)
        prune_all = engine.options.prune_memberships or pruned
        # A set: the first run of 10,000 users looked each one up in the list of 10,000 it created.
        created_keys = set(engine.created.get(parent_type.name) or ())
        # (the parent's name, its id or None, created by this run, its links as items, their place)
        listed = []
        # Parent id -> the ids its links link to, of the parents whose links may be read by target: a prune needs every
        # link of the parent, and a parent this run created has none, so neither is.
        wanted: dict[Any, list[Any]] = {}
        for resolved_parent, parent_key, parent_id, children in engine.parents(resource_type):
            name = parent_type.name_in(resolved_parent)
            where = children_place(resource_type, parent_type, name)
            if parent_id is None:
                listed.append((name, None, False, children, where))
                continue
            items = self.link_items(resource_type, resolved_parent, children, where)
            created = parent_key in created_keys
            listed.append((name, parent_id, created, items, where))
            if items and not created and not (prune_all and children):
                wanted[parent_id] = [item.get(key) for item in items]
        known = self.links_by_target(resource_type, wanted)
        # A group's own groups are "Groups of group admins", a user's "Groups of alice".
        heading = f'{resource_type.plural.capitalize()} of {parent_type.word + " " if parent_type.name == resource_type.link else ""}'
        steps: list[tuple[Callable[[], Any] | None, Callable[[Any], None]]] = []
        for name, parent_id, created, items, where in listed:
            head = f'{heading}{name}'
            if parent_id is None:
                # Check mode: the parent is still to be created and has no id, so its links cannot be read.
                steps.append((None, partial(self.not_read, head, parent_type.word)))
                continue
            prune = bool(prune_all and items)
            steps.append(
                self.links_step(resource_type, parent_id, items, head, where, created, str(name), prune, known.get(parent_id) if parent_id in wanted else None)
            )
        self.quiet = [0, 0] if engine.options.result_detail == 'compact' else None
        try:
            engine.run_steps(f'{resource_type.plural} of {parent_type.plural}', steps)
        finally:
            if self.quiet and self.quiet[0]:
                engine.lines.append(shown.quiet_line(resource_type.plural, self.quiet[0], parent_type.word, parent_type.plural, self.quiet[1]))
            self.quiet = None

    def record_unchanged(self, head: str, linked: Sequence[Any], _result: Any = None) -> None:
        """A parent whose links were all there: its summary line, or with result_detail compact counted for the one line
        of them all (quiet_line)."""
        if self.quiet is None:
            self.engine.lines.append(shown.link_line(head, {'unchanged': linked}, {}, self.engine.check_mode))
            return
        self.quiet[0] += 1
        self.quiet[1] += len(linked)

    def not_read(self, head: str, parent_word: str, _result: Any) -> None:
        self.engine.lines.append(shown.not_read_line(head, parent_word))

    def links_step(
        self,
        resource_type: ResourceType,
        parent_id: str,
        items: list[dict[str, Any]],
        head: str,
        where: str,
        created: bool,
        owner: str,
        prune: bool,
        known: set[Any] | None,
    ) -> tuple[Callable[[], Any] | None, Callable[[Any], None]]:
        """The converge of one object's links (see link_items), pruned only when asked; ``known``: the ids its links link
        to as the reads by target found them (links_by_target), or None to read them. A step of run_steps: the converge
        is its work, the summary line what is done with its result."""
        engine = self.engine
        key = resource_type.key or 'id'
        if known is not None and items and not prune and not created:
            wanted = [item.get(key) for item in items]
            if len(set(wanted)) == len(wanted) and all(target in known and len(item) == 1 for target, item in zip(wanted, items)):
                # Every link the item names is there, and nothing else is compared: the converge would read nothing and
                # write nothing (10,000 of them cost a second of the no-change run), and its summary line says just that.
                return None, partial(self.record_unchanged, head, wanted)
        url = engine.child_url(resource_type, parent_id)
        if not items and engine.pruned(resource_type):
            # None listed, and the parent's type pruned: every direct link goes (a rollback to an object that had none).
            return None, lambda _result: engine.prune(resource_type, url, [], head, owner)
        # Links of an object this run created (a new user's memberships, a new group's nestings) are known to be none: not
        # read. Only links: PingOne makes some children itself (an OIDC application's attribute mappings).
        if created:
            current: list[dict[str, Any]] | None = []
        elif known is not None:
            current = [{key: target} for target in dict.fromkeys(item.get(key) for item in items) if target in known]
        else:
            current = None
        work = partial(
            engine.run_converge,
            resource_type,
            url,
            items,
            items_name=where,
            parent_created=created,
            prune=prune,
            read_strategy='list' if current is None else 'known',
            current=current,
        )
        return work, partial(self.record_links, resource_type, head, owner)

    def record_links(self, resource_type: ResourceType, head: str, owner: str, result: dict[str, Any]) -> None:
        result = self.engine.record(resource_type, head, owner, result)
        if not any(result.get(field) for field, _done, _would in shown.LINK_CHANGES):
            self.record_unchanged(head, result.get('unchanged') or ())
            return
        self.engine.lines.append(shown.link_line(head, result, self.link_names(resource_type, result), self.engine.check_mode))

    def link_names(self, resource_type: ResourceType, result: Mapping[str, Any]) -> dict[str, str]:
        """Id -> key of what links link to: the document's objects, and, when a link to one the document does not list
        was added or removed (a prune), every object of that type, read once."""
        target = TYPES_BY_NAME[resource_type.link or '']
        names = {object_id: str(key) for key, object_id in self.engine.ids_for(target.name).items() if isinstance(object_id, str)}
        changed = [object_id for field in ('created', 'deleted') for object_id in result.get(field) or () if isinstance(object_id, str)]
        if any(object_id not in names and not object_id.startswith(shown.PLACEHOLDER) for object_id in changed):
            if target.name not in self.engine.listed:
                collection = ResourceCollection(
                    self.engine.http,
                    self.engine.url + target.path,
                    self.engine.source,
                    api_style='pingone',
                    page_size=self.engine.options.page_size,
                    bearer=self.engine.bearer,
                )
                self.engine.listed[target.name] = {
                    obj['id']: str(self.engine.key(target, obj)) for obj in collection.list_all() if isinstance(obj.get('id'), str)
                }
                self.engine.requests += collection.requests
            names = dict(self.engine.listed[target.name], **names)
        return names
