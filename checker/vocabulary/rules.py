"""The vocabulary read from ``rules/``: metrics, entities and check settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Iterator

from checker.formats.loading import (
    Loaded,
    Reader,
    display_path,
    iter_files,
    location,
    not_a_mapping,
    read_document,
    said_of_its_kind,
    validate,
)
from checker.formats.models import CheckConfig, Entity, Kind, Metric, Relation, RulesFile, Term, TermRef, TimeNature
from checker.formats.yamlio import Document
from checker.model.findings import Finding, Location, input_error
from checker.model.names import NameIndex, fold, suggestion
from checker.model.plural import with_article
from checker.model.units import UnitProblem, check_definitions, conversion, known_without_pint

#: the check under which the rules give the default tolerance of approximate figures (see Vocabulary.tolerance)
TOLERANCE_CHECK = "value-conflict"


def _fraction(given: object) -> float | None:
    """A number from 0 to 1 as the check's options read it: a number, or a text that is one (YAML 1.1 reads
    ``5e-2`` as text); None for anything else (a bool is no number)."""
    if isinstance(given, bool) or not isinstance(given, (int, float, str)):
        return None
    try:
        number = float(given)
    except ValueError:
        return None
    return number if 0 <= number <= 1 else None


@dataclass
class Vocabulary:
    """Metrics, entities and check settings merged from every rules file."""

    metrics: dict[str, Metric] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    checks: dict[str, CheckConfig] = field(default_factory=dict)
    metric_names: dict[str, str] = field(default_factory=dict)  # folded name -> metric id
    entity_names: dict[str, str] = field(default_factory=dict)  # folded name -> entity id
    relations: list[Relation] = field(default_factory=list)
    relation_locations: dict[str, Location] = field(default_factory=dict)
    units: tuple[str, ...] = ()
    #: where each metric, entity and check setting ((section, id)) and each unit definition is defined
    definitions: dict[tuple[str, str], Location] = field(default_factory=dict)
    unit_locations: dict[str, Location] = field(default_factory=dict)
    #: the names of metrics and entities left out (("metrics" or "entities", folded name)): where their definition
    #: stands and why it is not used, so that what names them says so rather than "unknown"
    broken: dict[tuple[str, str], tuple[Location, str]] = field(default_factory=dict)
    #: the metrics whose unit no definition gives, with where they are defined: a rules error says so once, and
    #: their claims are left out of the comparison rather than each reported
    withheld: dict[str, Location] = field(default_factory=dict)
    #: the rules files that could not be read at all (not YAML, not a mapping): the names they define are unknown
    unreadable: list[str] = field(default_factory=list)
    #: the "did you mean" index of metric_names and of entity_names, made when first needed
    _indexes: dict[str, NameIndex] = field(default_factory=dict, init=False, repr=False, compare=False)

    def metric_id(self, name: str) -> str | None:
        """The id of the metric ``name`` (an id or alias), or None."""
        return self.metric_names.get(fold(name))

    def entity_id(self, name: str) -> str | None:
        """The id of the entity ``name`` (an id, name or alias), or None."""
        return self.entity_names.get(fold(name))

    def metric_hint(self, name: str) -> str:
        """A "did you mean" for an unknown metric."""
        # with a rules file unread, the name may well be defined there: a near name would send the user astray
        return (
            self._unread()
            or suggestion(name, self._index("metrics", self.metric_names))
            or ("declare it under `metrics:` in a rules file")
        )

    def entity_hint(self, name: str) -> str:
        """A "did you mean" for an unknown entity."""
        return (
            self._unread()
            or suggestion(name, self._index("entities", self.entity_names))
            or ("declare it under `entities:` in a rules file")
        )

    def _unread(self) -> str:
        """The hint for a name no rules file that was read defines, when some could not be read: the name may well
        be defined there, and "declare it" would send the user the wrong way."""
        if not self.unreadable:
            return ""
        files = ", ".join(self.unreadable)
        it = "it cannot" if len(self.unreadable) == 1 else "they cannot"
        return f"fix {files} first: {it} be read, so {UNREAD}"

    def _index(self, section: str, names: dict[str, str]) -> NameIndex:
        """The index of ``names``, made again when names were added since (while the rules are read)."""
        index = self._indexes.get(section)
        if index is None or index.size != len(names):
            index = self._indexes[section] = NameIndex(names)
        return index

    def metric_problem(self, name: str) -> tuple[str, str]:
        """What to say of a metric name that names no metric: the message and its hint."""
        broken = self.broken.get(("metrics", fold(name)))
        if broken is not None:
            return f'metric "{name}" cannot be used: its definition at {broken[0]} {broken[1]}', _FIX
        return f'unknown metric "{name}"', self.metric_hint(name)

    def entity_problem(self, name: str, what: str = "entity") -> tuple[str, str]:
        """What to say of a name that names no entity: the message and its hint."""
        broken = self.broken.get(("entities", fold(name)))
        if broken is not None:
            return f'{what} "{name}" cannot be used: its definition at {broken[0]} {broken[1]}', _FIX
        return f'unknown {what} "{name}"', self.entity_hint(name)

    def tolerance(self, metric: Metric) -> float:
        """How far "about" and "nearly" may stray beyond the precision a figure of ``metric`` is written to, as a
        fraction of it: the metric's own ``tolerance``, else the default the rules give as value-conflict's
        ``tolerance`` option (where the rules format has always said it), else none. It shapes every value read,
        so it belongs to the rules read, not to one check: a default that is not a fraction from 0 to 1 counts as
        none here, and is the rules error that configuring the checks reports."""
        if metric.tolerance is not None:
            return metric.tolerance
        config = self.checks.get(TOLERANCE_CHECK)
        given = _fraction(config.options.get("tolerance")) if config is not None else None
        return given if given is not None else 0.0

    def entity_name(self, entity_id: str) -> str:
        """The display name of an entity id."""
        entity = self.entities.get(entity_id)
        return entity.name if entity else entity_id


_FIX = "fix the definition: the errors reported there say what is wrong"
#: the sections of a rules file whose entries are read one by one: a bad entry is left out, not the file
SECTIONS = ("metrics", "entities", "checks", "units", "relations")
INVALID_DEFINITION = "is invalid"
IN_REFUSED_FILE = "stands in a rules file that is refused"


def _register(names: dict[str, str], name: str, target: str, what: str) -> str | None:
    """Record a name; return a message when it already means something else."""
    key = fold(name)
    if not key:
        return f'{what} name "{name}" has no letters or digits'
    owner = names.get(key)
    if owner is not None and owner != target:
        return f'{what} name "{name}" of "{target}" is already a name of "{owner}"'
    names[key] = target
    return None


def _merge(vocabulary: Vocabulary, loaded: Loaded) -> list[Finding]:
    """Add one rules file to the vocabulary; findings for ids and names defined twice."""
    rules: RulesFile = loaded.model
    findings: list[Finding] = []
    sections: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, str] | None]] = [
        ("metric", rules.metrics, vocabulary.metrics, vocabulary.metric_names),
        ("entity", rules.entities, vocabulary.entities, vocabulary.entity_names),
        ("check", rules.checks, vocabulary.checks, None),
    ]
    for what, new, target, names in sections:
        section = {"metric": "metrics", "entity": "entities", "check": "checks"}[what]
        for key, value in new.items():
            if key in target:
                first = vocabulary.definitions[(section, key)]
                findings.append(
                    input_error(
                        "rules",
                        loaded.location(section, key),
                        f'{what} "{key}" is defined twice (first at {first})',
                        "keep one definition",
                        key=(f'{what} "{key}" is defined twice',),  # the message names a line
                    )
                )
                continue
            target[key] = value
            vocabulary.definitions[(section, key)] = loaded.location(section, key)
            if names is None:
                continue
            spellings: list[tuple[str, tuple[str | int, ...]]] = [(key, (section, key))]
            spellings += [(alias, (section, key, "aliases", i)) for i, alias in enumerate(value.aliases)]
            if isinstance(value, Entity):
                spellings.append((value.name, (section, key, "name")))
            for name, where in spellings:
                clash = _register(names, name, key, what)
                if clash:
                    other = vocabulary.definitions.get((section, names.get(fold(name), "")))
                    elsewhere = f" (defined at {other})" if other is not None and names.get(fold(name)) != key else ""
                    # the key leaves out where the other name is defined, a line
                    at = loaded.location(*where)
                    findings.append(
                        input_error("rules", at, clash + elsewhere, "make the names distinct", key=(clash,))
                    )
    return findings


def load_vocabulary(folder: Path, read: Reader = read_document) -> tuple[Vocabulary, list[Finding]]:
    """Read every rules file under ``folder`` (each with ``read``); the findings say what could not be used.

    An entry with errors is left out when nothing else depends on it: a
    metric no relation names, an entity, a check's settings (the check then
    runs with its defaults), a unit definition. A relation with errors, or a
    metric with errors that a relation names, refuses its whole file: the
    metrics the relation ties together would otherwise be checked without it,
    and pass what it forbids. So does an error outside the sections.
    """
    vocabulary = Vocabulary()
    findings: list[Finding] = []
    if not folder.is_dir():
        return vocabulary, [
            input_error("rules", input_location(folder), "rules folder not found", "pass --rules DIR or create rules/")
        ]
    files: list[tuple[str, Document, Loaded | None]] = []
    for path, missing in iter_files([folder]):
        if missing is not None:
            findings.append(missing)
            continue
        shown = display_path(path)
        document = read(path, shown)
        if isinstance(document, Finding):
            findings.append(said_of_its_kind(document, "rules"))
            vocabulary.unreadable.append(shown)
            continue
        if not isinstance(document.data, dict):
            findings.append(not_a_mapping(shown, "rules"))
            vocabulary.unreadable.append(shown)
            continue
        loaded, problems = validate(document, RulesFile, shown, "rules", SECTIONS, partial(_unreadable, shown))
        findings.extend(problems)
        files.append((shown, document, loaded))
    # the relations of the files that can be used, by the metrics they name
    named: dict[str, str] = {}
    for _, _, loaded in files:
        if loaded is not None and not loaded.dropped.get("relations"):
            for relation in loaded.model.relations:
                for term in _terms(relation):
                    named.setdefault(term.metric, relation.id)
    for shown, document, loaded in files:
        refused = _refusal(loaded, named) if loaded is not None else None
        if loaded is None or refused is not None:
            if refused is not None:
                findings.append(refused)
            _note_broken(vocabulary, shown, document, None)
            continue
        _note_broken(vocabulary, shown, document, loaded)
        findings.extend(_merge(vocabulary, loaded))
        findings.extend(_merge_relations(vocabulary, loaded))
    findings.extend(_check_relations(vocabulary))
    refused_units = check_definitions(vocabulary.units)
    for definition, problem, hint in refused_units:
        where = vocabulary.unit_locations.get(definition, Location(display_path(folder)))
        findings.append(input_error("rules", where, problem, hint))
    # a refused definition is never given to pint again: it could hang it or redefine a unit
    vocabulary.units = tuple(unit for unit in vocabulary.units if unit not in {d for d, _, _ in refused_units})
    findings.extend(_unknown_units(vocabulary, folder))
    return vocabulary, findings


def _unknown_units(vocabulary: Vocabulary, folder: Path) -> Iterator[Finding]:
    """A rules error for each metric whose unit no definition gives (pint's standard units, claimcheck's, the
    rules' own), at the metric, once: its claims are then left out of the comparison, not each reported."""
    for metric_id, metric in sorted(vocabulary.metrics.items()):
        if metric.unit is None or known_without_pint(metric.unit, vocabulary.units):
            continue  # known without asking pint, which a run from the cache then never loads
        try:
            conversion(metric.unit, metric.unit, vocabulary.units)
        except UnitProblem as problem:
            where = vocabulary.definitions.get(("metrics", metric_id), Location(display_path(folder)))
            vocabulary.withheld[metric_id] = where
            yield input_error(
                "rules", where, f'metric "{metric_id}": {problem}, so its claims are not compared',
                "use a unit pint knows (km, tonne, hectare, USD, ...) or define it under `units:`",
            )  # fmt: skip


_REFUSED_HINT = "fix it: until then no definition of this file is used"
#: how the hint of a problem that follows from an unread rules file ends (see Vocabulary._unread)
UNREAD = "none of its definitions are used"


def _definitions(data: dict) -> int:
    """How many entries the sections of a rules file's data hold."""
    return sum(len(data[key]) for key in SECTIONS if isinstance(data.get(key), (dict, list)))


def _unreadable(shown: str, document: Document, places: frozenset[str]) -> Finding | None:
    """Why a rules file is refused for an error outside its entries (None when it defines nothing to lose)."""
    count = _definitions(document.data)
    if not count:
        return None
    sections = sorted(place for place in places if place)
    what = f"`{sections[0]}:` cannot be read" if sections else "it cannot be read as a whole"
    lost = f"none of its {count} definitions are used" if count > 1 else "its one definition is not used"
    where = document.key_span((sections[0],)) if sections else document.span(())
    return input_error("rules", location(shown, where), f"the rules file is refused: {what}, so {lost}", _REFUSED_HINT)


def _refusal(loaded: Loaded, named: dict[str, str]) -> Finding | None:
    """The finding that refuses a rules file whose bad entries cannot be left out alone, or None."""
    relations = sorted(loaded.dropped.get("relations", ()))
    if relations:
        return input_error(
            "rules",
            loaded.location("relations", relations[0]),
            f"the rules file is refused: relation relations.{relations[0]} cannot be read, and the metrics it ties "
            "together would be checked without it, which could pass what it forbids",
            _REFUSED_HINT,
        )
    for metric in sorted(loaded.dropped.get("metrics", ())):
        if metric in named:
            return input_error(
                "rules",
                location(loaded.path, loaded.document.key_span(("metrics", metric))),
                f'the rules file is refused: metric "{metric}" cannot be read, and relation "{named[metric]}" '
                "names it: the other metrics of the relation would be checked without it, which could pass what "
                "it forbids",
                _REFUSED_HINT,
            )
    return None


def _note_broken(vocabulary: Vocabulary, shown: str, document: Document, loaded: Loaded | None) -> None:
    """Remember the names of the metrics and entities of a file that are not used (all of them when the file
    is refused, ``loaded`` None; else those left out), with where they stand, so that claims naming them say so."""
    data = document.data
    why = IN_REFUSED_FILE if loaded is None else INVALID_DEFINITION
    for section in ("metrics", "entities"):
        entries = data.get(section)
        if not isinstance(entries, dict):
            continue
        for key in entries if loaded is None else loaded.dropped.get(section, ()):
            body = entries[key]
            names = [key] if isinstance(key, str) else []
            if isinstance(body, dict):
                aliases = body.get("aliases")
                names += [alias for alias in aliases if isinstance(alias, str)] if isinstance(aliases, list) else []
                if section == "entities" and isinstance(body.get("name"), str):
                    names.append(body["name"])
            where = location(shown, document.key_span((section, key)))
            for name in names:
                if fold(name):
                    vocabulary.broken.setdefault((section, fold(name)), (where, why))


def _merge_relations(vocabulary: Vocabulary, loaded: Loaded) -> list[Finding]:
    rules: RulesFile = loaded.model
    findings = []
    vocabulary.units += tuple(rules.units)
    for index, definition in enumerate(rules.units):
        vocabulary.unit_locations.setdefault(definition, loaded.location("units", index))
    for index, relation in enumerate(rules.relations):
        if relation.id in vocabulary.relation_locations:
            findings.append(
                input_error(
                    "rules", loaded.location("relations", index, "id"), f'relation "{relation.id}" is defined twice'
                )
            )
            continue
        vocabulary.relations.append(relation)
        vocabulary.relation_locations[relation.id] = loaded.location("relations", index)
    return findings


#: the kinds each role of a relation accepts
_ROLE_KINDS = {
    "total": {Kind.count, Kind.number, Kind.amount, Kind.percent},
    "parts": {Kind.count, Kind.number, Kind.amount, Kind.percent},
    "lower": {Kind.count, Kind.number, Kind.amount, Kind.percent},
    "upper": {Kind.count, Kind.number, Kind.amount, Kind.percent},
    "lists": {Kind.entity_set},
    "stock": {Kind.count, Kind.number, Kind.amount},
    "change": {Kind.count, Kind.number, Kind.amount, Kind.entity_set},
    "flow": {Kind.count, Kind.number, Kind.amount},
    "ratio": {Kind.number},
}


def _check_relations(vocabulary: Vocabulary) -> list[Finding]:
    """Relations name declared metrics of fitting kinds, in declared scopes."""
    findings = []
    for relation in vocabulary.relations:
        where = vocabulary.relation_locations[relation.id]
        twice = _term_used_twice(relation)
        if twice:
            findings.append(
                input_error(
                    "rules",
                    where,
                    f'relation "{relation.id}" names {twice} twice: it would compare a figure with itself',
                    "each term of a relation is a different metric or scope",
                )
            )
        for role, term in _roles(relation):
            kinds = _ROLE_KINDS[role]
            metric = vocabulary.metrics.get(term.metric)
            if metric is None:
                message, hint = vocabulary.metric_problem(term.metric)
                findings.append(input_error("rules", where, f'relation "{relation.id}": {message}', hint))
                continue
            if metric.kind not in kinds:
                allowed = ", ".join(sorted(k.value for k in kinds))
                findings.append(
                    input_error(
                        "rules",
                        where,
                        f'relation "{relation.id}": {role} "{term.metric}" is {with_article(metric.kind.value)} metric',
                        f"a {role} must be one of: {allowed}",
                    )
                )
            for dim, chosen in term.scope.items():
                declared = metric.scope.get(dim)
                if declared is None or chosen not in declared.values:
                    findings.append(
                        input_error(
                            "rules",
                            where,
                            f'relation "{relation.id}": metric "{term.metric}" has no scope {dim} "{chosen}"',
                            "use a dimension and value the metric declares",
                        )
                    )
        findings.extend(_incoherent(vocabulary, relation, where))
    return findings


#: the roles of each kind of relation whose figures are compared with one another, so of one kind of metric
_COMPARED = {"sum": ("total", "parts"), "bound": ("lower", "upper"), "change": ("stock", "change")}
#: the time each role must have: a change moves a stock; a ratio compares a flow's periods
_ROLE_TIMES = {("change", "stock"): TimeNature.stock, ("change", "change"): TimeNature.flow,
               ("ratio", "flow"): TimeNature.flow}  # fmt: skip


def _incoherent(vocabulary: Vocabulary, relation: Relation, where: Location) -> list[Finding]:
    """What makes a relation of declared metrics meaningless: figures compared that are of different kinds (a
    percent bounding a count), a change that is not a flow or a stock it moves that is not a stock."""
    found = []
    metric_of: dict[str, list[tuple[str, Metric]]] = {}
    for role, term in _roles(relation):
        metric = vocabulary.metrics.get(term.metric)
        if metric is not None:
            metric_of.setdefault(role, []).append((term.metric, metric))
    compared = [named for role in _COMPARED.get(relation.kind, ()) for named in metric_of.get(role, [])]
    # a change of a count may be a set of additions (their number is the change)
    kinds = sorted(
        {Kind.count.value if metric.kind == Kind.entity_set else metric.kind.value for _, metric in compared}
    )
    if len(kinds) > 1:
        listed = ", ".join(f'"{name}" ({metric.kind.value})' for name, metric in compared)
        found.append(
            input_error(
                "rules",
                where,
                f'relation "{relation.id}" compares metrics of different kinds: {listed}',
                "compare figures of one kind: counts with counts, amounts with amounts",
            )
        )
    amounts = [(name, metric) for name, metric in compared if metric.kind == Kind.amount and metric.unit]
    for name, metric in amounts[1:]:  # amounts in units that do not convert (USD and km²) cannot be added up
        try:
            conversion(metric.unit or "", amounts[0][1].unit or "", vocabulary.units)
        except UnitProblem:
            found.append(
                input_error(
                    "rules",
                    where,
                    f'relation "{relation.id}" compares "{amounts[0][0]}" in {amounts[0][1].unit} with "{name}" in '
                    f"{metric.unit}, which do not convert",
                    "compare amounts of one dimension: money with money, areas with areas",
                )
            )
    for (kind, role), time in _ROLE_TIMES.items():
        for name, metric in metric_of.get(role, []) if relation.kind == kind else []:
            if metric.time != time:
                found.append(
                    input_error(
                        "rules",
                        where,
                        f'relation "{relation.id}": {role} "{name}" is a {metric.time.value} metric',
                        f"the {role} of a {kind} relation is a {time.value} metric",
                    )
                )
    return found


def _terms(relation: Relation) -> Iterator[Term]:
    """Every term a relation names, role by role."""
    for _, term in _roles(relation):
        yield term


def _roles(relation: Relation) -> Iterator[tuple[str, Term]]:
    """Every term a relation names, with its role, role by role."""
    for role in _ROLE_KINDS:
        value = getattr(relation, role, None)
        for ref in value if isinstance(value, list) else [value] if value is not None else []:
            yield role, as_term(ref)


def _term_used_twice(relation: Relation) -> str:
    """The first term a relation names twice (in one role or two), in words, or ""."""
    seen: set[tuple] = set()
    for term in _terms(relation):
        key = (term.metric, tuple(sorted(term.scope.items())))
        if key in seen:
            scope = ", ".join(f"{dim} {chosen}" for dim, chosen in key[1])
            return f'"{term.metric}"' + (f" ({scope})" if scope else "")
        seen.add(key)
    return ""


def as_term(ref: TermRef) -> Term:
    """A relation term, whether written as a bare metric id or with a scope."""
    return ref if isinstance(ref, Term) else Term(metric=ref)


def input_location(path: Path) -> Location:
    """The location of a whole path."""
    return Location(display_path(path))
