"""Realistic valid instances of a schema, the text a model writes for them, and their origins.

The measured probe walks one instance through the enforcer character by character and
charges every step to the schema node being generated. This module holds the three
pure-Python pieces it needs:

* :func:`generate_instance` writes a plausible, valid instance — English free text chosen by
  property name, about one free-text field in three carrying a JSON escape (``\\"`` or
  ``\\n``), since escapes are where the enforcer is slowest;
* :func:`serialise` writes it as ``json.dumps`` does, with a :class:`Span` for every key,
  scalar value and run of punctuation, each tagged with its instance JSON Pointer;
* :func:`locate` maps every instance pointer to the pointer of the schema node describing it.

Work is bounded everywhere: recursion is cut off by depth, and generation and validation
each run on a fixed budget.
"""

from __future__ import annotations

import bisect
import copy
import importlib
import json
import math
import random
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import unquote

import referencing
from jsonschema import Draft202012Validator
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

from schemalint import pointer as jp
from schemalint.analysis import Analysis
from schemalint.walk import UNIONS, Node

# ``re._parser`` (formerly ``sre_parse``) has no stubs; it is only read, never patched.
_sre: Any = importlib.import_module("re._parser")

Role = Literal["key", "value", "punctuation"]

_SOFT_DEPTH = 6
"""Instance nesting past which only required members and minimal arrays are written."""
_RECURSION_LIMIT = 2
"""Recursive ``$ref`` hops past which generation goes lean in the same way."""
_HARD_DEPTH = 24
"""Instance nesting past which a placeholder is written without looking further."""
_VALUE_BUDGET = 1_000
_CHECK_BUDGET = 3_000
_UNION_ATTEMPTS = 6
_INSTANCE_ATTEMPTS = 4
_MAX_ITEMS = 1_000
_MAX_TEXT = 20_000
_ESCAPE_RATE = 0.4
"""Chance per free-text field of an escape (``\\"`` or ``\\n``). Ids and codes never take one
but pass it on to the next prose field; some are lost, so about one field in three has one."""

_ANNOTATIONS = frozenset({"$comment", "description", "title", "examples", "default"})
_DESCRIPTIVE = frozenset(
    """type properties patternProperties additionalProperties items prefixItems enum const
    format pattern anyOf oneOf allOf minimum maximum exclusiveMinimum exclusiveMaximum
    multipleOf minLength maxLength minItems maxItems""".split()
)
_OBJECT_KEYWORDS = ("properties", "required", "additionalProperties", "patternProperties")
_ARRAY_KEYWORDS = ("items", "prefixItems", "minItems", "maxItems", "contains", "uniqueItems")
_STRING_KEYWORDS = ("minLength", "maxLength", "pattern", "format")
_NUMBER_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


class _Checker:
    """One validator for the root schema, evolved per subschema so ``$ref``s resolve."""

    def __init__(self, schema: Any, budget: int = _CHECK_BUDGET) -> None:
        self.budget = budget
        self.calls = 0
        try:
            cls = validator_for(schema, default=Draft202012Validator)
            # An empty registry has no ``retrieve``: a remote ``$ref`` fails, never fetches.
            self.root: Validator | None = cls(schema, registry=referencing.Registry())
        except Exception:
            self.root = None

    @property
    def spent(self) -> bool:
        return self.calls >= self.budget

    def valid(self, schema: Any, instance: Any) -> bool:
        """Whether ``instance`` is valid against ``schema``; False when that cannot be told."""
        if self.root is None:
            return False
        self.calls += 1
        try:
            return bool(self.root.evolve(schema=schema).is_valid(instance))
        except Exception:
            return False


# ---------------------------------------------------------------------------------------------
# Realistic text
# ---------------------------------------------------------------------------------------------

_FIRST_NAMES = (
    "Ana Maya Liam Noah Priya Kenji Sofia Omar Chloe Mateo Grace Elena Tom Aisha Lucas".split()
)
_LAST_NAMES = (
    "Ferreira Chen Okafor Novak Patel Garcia Lindqvist Tanaka Dubois Murphy Rossi Khan".split()
)
_NICKNAMES = ("Bob", "Jules", "Kit", "Sam", "Max")
_THINGS = (
    "Wireless Noise-Cancelling Headphones",
    "Standing Desk Pro",
    "Organic Cold Brew Coffee",
    "Trail Running Shoes",
    "Cast Iron Skillet",
    "Mechanical Keyboard",
    "Ceramic Pour-Over Set",
    "Travel Backpack 35L",
)
_THING_WORDS = {
    "course": "course class subject",
    "company": "company organization organisation business employer vendor supplier",
    "movie": "movie film show",
    "book": "book novel",
    "song": "song track album",
    "venue": "restaurant hotel cafe",
}
_THING_BANKS = {
    "course": ("Calculus I", "Introduction to Psychology", "Organic Chemistry", "World History"),
    "company": ("Acme Corp", "Northwind Traders", "Globex Industries", "Initech"),
    "movie": ("Inception", "The Grand Budapest Hotel", "Spirited Away", "Arrival"),
    "book": ("The Hobbit", "Dune", "Pride and Prejudice", "Sapiens"),
    "song": ("Bohemian Rhapsody", "Blinding Lights", "Clair de Lune", "Hey Jude"),
    "venue": ("The Blue Door Cafe", "Harbour View Hotel", "Casa Lisboa", "Golden Dragon"),
}
_TITLES = (
    "Q3 roadmap sync",
    "Quarterly budget review",
    "Dentist appointment",
    "Team offsite planning",
    "Weekly one-on-one",
    "Product launch retrospective",
    "Vendor contract renewal",
)
_TOPIC_REASONS = (
    (
        "search web",
        "will the new MacBook Air overheat?",
        "The user wants recent reviews of this laptop, so a web search is the quickest source.",
    ),
    (
        "weather forecast",
        "should I pack an umbrella for Lisbon?",
        "The answer depends on tomorrow's forecast in Lisbon, so I need the weather first.",
    ),
    (
        "calendar event meeting",
        "can you put the roadmap sync on Thursday?",
        "They want the meeting on the calendar before Friday, so I will create the event now.",
    ),
    (
        "email mail send message",
        "let the team know the launch moved",
        "The user asked me to tell the team, and email is how they reach the whole group.",
    ),
    (
        "database query sql report",
        "what did we spend on cloud last quarter?",
        "The question depends on last quarter's spend, which only the analytics database has.",
    ),
    (
        "flight book booking travel hotel",
        "book the 9am flight to Denver",
        "Booking now locks in the fare the user already approved in the previous message.",
    ),
    (
        "refund order lookup",
        "where is my refund?",
        "The customer asked about a refund, so I need to look up the order first.",
    ),
    (
        "ticket escalate incident support",
        "I want to talk to a person",
        "The customer is still blocked after two replies, so a human should take over.",
    ),
    (
        "log logs deployment scale pod restart",
        "why is checkout returning 500s?",
        "Error rates doubled after the last deploy, so I need the pod logs before a rollback.",
    ),
)
_QUERIES = (
    "best ramen near union square",
    "lisbon weather this weekend",
    "python dataclass frozen example",
    "quarterly revenue growth saas benchmarks",
    "how to reset router password",
    "vegetarian lasagna recipe",
    "flights from boston to denver in may",
    "noise cancelling headphones under 200",
)
_QUOTED_QUERIES = ("noise cancelling", "return policy", "out of office", "annual report")
_SENTENCES = (
    "The package arrived two days late and the box was damaged.",
    "Please review the attached draft before our call on Thursday.",
    "The customer reports that the app crashes when uploading photos.",
    "We agreed to move the launch to the first week of October.",
    "Thanks for the quick turnaround on the invoice.",
    "The dashboard should show weekly active users by region.",
    "I would like to change the delivery address for my order.",
    "The meeting covers hiring plans and the budget for next quarter.",
    "Our team finished the migration and everything looks stable.",
    "Let me know if the new schedule works for you.",
)
_QUOTED_WORDS = ("urgent", "fragile", "as soon as possible", "final", "do not bend")
_PHRASES = (
    "weekly status update",
    "standard shipping",
    "blue and white",
    "morning shift",
    "customer onboarding",
    "spring collection",
    "monthly newsletter",
    "fresh basil",
    "annual plan",
    "north entrance",
)
_CITIES = (
    "Lisbon",
    "Portland",
    "Nairobi",
    "Osaka",
    "Toronto",
    "Berlin",
    "Austin",
    "Melbourne",
    "Seville",
    "Denver",
)
_TABLES = (("orders", "region"), ("invoices", "status"), ("signups", "plan"), ("events", "country"))
_PATHS = ("src/billing/invoice.py", "docs/**/*.md", "tests/unit", "README.md", "src/**/*.ts")
_LANDMARKS = ("Old Town", "Central Station", "Harbour", "Riverside Market", "Castle Hill")
_COUNTRIES = ("Portugal", "Japan", "Canada", "Kenya", "Germany", "Australia", "Spain")
_STREETS = ("Baker Street", "Rua Augusta", "Elm Avenue", "Market Street", "King Road")
_WORDS = ("travel", "finance", "health", "music", "sports", "science", "food", "design")
_LANGUAGES = ("English", "Spanish", "French", "German", "Portuguese", "Japanese")
_COLOURS = ("blue", "green", "red", "black", "white", "orange")
_CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CAD")
_SYMBOLS = ("AAPL", "MSFT", "GOOGL", "TSLA", "AMZN")
_DOMAINS = ("example.com", "acme.io", "northwind.org", "contoso.net")
_SLUGS = ("payments", "checkout-api", "web-frontend", "billing-worker", "search", "data-platform")
_USERNAMES = ("ana_f", "mchen", "liam.okafor", "priya_p", "kenji.t")

_FREE_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "args": (("query", "limit"), ("customer_id", "reason"), ("ticket_id", "priority")),
    "meta": (("source", "channel"), ("team", "environment"), ("campaign", "region")),
    "filter": (("status", "category"), ("country", "min_price")),
    "header": (("Content-Type", "Accept"), ("Authorization", "User-Agent")),
    "": (("label", "note"), ("source", "priority"), ("color", "size")),
}
_FREE_KEY_GROUPS = {
    "args": "args arguments params parameters input inputs options kwargs payload data body",
    "meta": "metadata meta labels tags attributes extra context properties extras",
    "filter": "filters filter criteria where conditions constraints",
    "header": "headers header",
}


def _tokens(name: str) -> list[str]:
    """``customerName`` / ``customer_name`` / ``customer-name`` → ``["customer", "name"]``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [t for t in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if t]


def _has(tokens: list[str], words: str) -> bool:
    wanted = words.split()
    return any(t in wanted or (t.endswith("s") and t[:-1] in wanted) for t in tokens)


def _category(name: str) -> str:
    """What kind of text a property name asks for."""
    tokens = _tokens(name)
    lowered = name.lower()
    if "thought" in lowered or _has(
        tokens, "reason rationale explanation justification reasoning thinking why motivation"
    ):
        return "reason"
    if _has(tokens, "sql statement"):
        return "sql"
    if _has(tokens, "path file filename glob dir directory folder"):
        return "path"
    if _has(tokens, "query q search keyword term"):
        return "query"
    if _has(tokens, "email mail") or (
        "name" not in tokens and _has(tokens, "to cc bcc from recipient sender")
    ):
        return "email"
    if _has(tokens, "url uri link website homepage href"):
        return "url"
    if _has(tokens, "phone mobile tel telephone"):
        return "phone"
    if _has(tokens, "zip postal postcode"):
        return "zip"
    if _has(tokens, "currency"):
        return "currency"
    if "country" in tokens and "code" in tokens:
        return "country_code"
    if _has(tokens, "language lang locale"):
        return "language"
    if _has(tokens, "datetime timestamp") or (tokens and tokens[-1] == "at"):
        return "datetime"
    if _has(tokens, "date birthday dob"):
        return "date"
    if _has(tokens, "time"):
        return "time"
    if _has(tokens, "uuid guid"):
        return "uuid"
    if _has(tokens, "id identifier sku isbn ref reference code number token key"):
        return "id"
    if _has(
        tokens,
        "namespace slug deployment service pod container repo repository branch bucket cluster "
        "app project workspace channel queue topic",
    ):
        return "slug"
    if _has(tokens, "site domain host hostname server"):
        return "host"
    if _has(tokens, "username handle login"):
        return "username"
    if _has(tokens, "first given"):
        return "first_name"
    if _has(tokens, "last surname family"):
        return "last_name"
    if _has(tokens, "title subject headline"):
        return "title"
    for kind, words in _THING_WORDS.items():
        if _has(tokens, words):
            return kind
    if _has(tokens, "product item brand store"):
        return "thing"
    if _has(
        tokens,
        "name author user customer client recipient sender owner person assignee contact "
        "organizer organiser attendee participant patient employee guest passenger",
    ):
        return "person"
    if _has(tokens, "address street"):
        return "address"
    if _has(tokens, "country nationality"):
        return "country"
    if _has(tokens, "city town"):
        return "city"
    if _has(tokens, "location place destination origin venue region state"):
        return "place"
    if _has(
        tokens,
        "description body message note summary content text comment feedback review bio "
        "detail instruction answer response caption prompt details",
    ):
        return "prose"
    if _has(tokens, "color colour"):
        return "colour"
    if _has(tokens, "symbol ticker stock"):
        return "symbol"
    if _has(tokens, "genre category topic tag cuisine interest kind type"):
        return "word"
    return "phrase"


_NUMERIC_NAMES = (
    "count number num limit max min quantity amount price total age year size page days "
    "nights guests people rooms results length width height radius weight rate score"
)
_BOOLEAN_PREFIXES = ("is", "has", "include", "enable", "allow", "use", "should", "can")


def _implied_kind(name: str) -> str:
    """The JSON type a property name suggests when its schema allows anything."""
    tokens = _tokens(name)
    if tokens and (tokens[0] in _BOOLEAN_PREFIXES or tokens[-1] in ("enabled", "flag")):
        return "boolean"
    if tokens and _has(tokens[-1:], _NUMERIC_NAMES):
        return "integer"
    return "string"


# ---------------------------------------------------------------------------------------------
# Patterns
# ---------------------------------------------------------------------------------------------

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_CATEGORY_POOLS = {
    "CATEGORY_DIGIT": "0123456789",
    "CATEGORY_NOT_DIGIT": "abcdefghijklmnopqrstuvwxyz",
    "CATEGORY_WORD": _PLAIN + "_",
    "CATEGORY_NOT_WORD": " -.",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": _PLAIN,
}
_NEGATED_POOL = _PLAIN + " -_.,:/@"
_MAX_PATTERN_TEXT = 2_000


class _PatternTooHard(Exception):
    pass


def _in_category(char: str, category: str) -> bool:
    tests = {
        "DIGIT": char.isdigit(),
        "WORD": char.isalnum() or char == "_",
        "SPACE": char.isspace(),
    }
    for key, result in tests.items():
        if category.endswith("NOT_" + key):
            return not result
        if category.endswith(key):
            return result
    return False


class _PatternWriter:
    """Write a string matching a regex from its parse tree: the minimum of every repeat
    (plus ``extra``), the first branch of every alternation unless ``vary``."""

    def __init__(self, rng: random.Random, extra: int, vary: bool) -> None:
        self.rng = rng
        self.extra = extra
        self.vary = vary
        self.out: list[str] = []
        self.groups: dict[int, str] = {}

    def write(self, pattern: str) -> str | None:
        try:
            self._items(_sre.parse(pattern))
        except (_PatternTooHard, re.error, RecursionError, ValueError, TypeError, IndexError):
            return None
        return "".join(self.out)

    def _emit(self, text: str) -> None:
        self.out.append(text)
        if len(self.out) > _MAX_PATTERN_TEXT:
            raise _PatternTooHard

    def _items(self, items: Any) -> None:
        for op, av in items:
            self._item(str(op), av)

    def _item(self, op: str, av: Any) -> None:
        if op == "LITERAL":
            self._emit(chr(av))
        elif op == "NOT_LITERAL":
            self._emit(self.rng.choice([c for c in _PLAIN if ord(c) != av]))
        elif op == "ANY":
            self._emit(self.rng.choice("abcdefghijklmnopqrstuvwxyz"))
        elif op == "IN":
            self._emit(self._class(av))
        elif op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = av
            if low > _MAX_PATTERN_TEXT:
                raise _PatternTooHard
            count = low + self.extra if high == _sre.MAXREPEAT else min(high, low + self.extra)
            for _ in range(count):
                self._items(sub)
        elif op == "SUBPATTERN":
            group, sub = av[0], av[-1]
            start = len(self.out)
            self._items(sub)
            if group is not None:
                self.groups[group] = "".join(self.out[start:])
        elif op == "ATOMIC_GROUP":
            self._items(av)
        elif op == "BRANCH":
            branches = av[1]
            self._items(self.rng.choice(branches) if self.vary else branches[0])
        elif op == "GROUPREF":
            self._emit(self.groups.get(av, ""))
        elif op == "GROUPREF_EXISTS":
            group, yes, no = av
            chosen = yes if group in self.groups else no
            if chosen is not None:
                self._items(chosen)
        elif op in ("AT", "ASSERT", "ASSERT_NOT"):
            return
        else:
            raise _PatternTooHard(op)

    def _class(self, items: Any) -> str:
        negate = False
        pool: list[str] = []
        for op, av in items:
            name = str(op)
            if name == "NEGATE":
                negate = True
            elif name == "LITERAL":
                pool.append(chr(av))
            elif name == "RANGE":
                low, high = av
                pool.extend(chr(c) for c in range(low, min(high, low + 200) + 1))
            elif name == "CATEGORY":
                pool.extend(_CATEGORY_POOLS.get(str(av), ""))
        if not negate:
            if not pool:
                raise _PatternTooHard("empty class")
            return self.rng.choice(pool)
        allowed = [c for c in _NEGATED_POOL if not self._member(c, items)]
        if not allowed:
            raise _PatternTooHard("negated class excludes everything")
        return self.rng.choice(allowed)

    @staticmethod
    def _member(char: str, items: Any) -> bool:
        for op, av in items:
            name = str(op)
            if name == "LITERAL" and chr(av) == char:
                return True
            if name == "RANGE" and av[0] <= ord(char) <= av[1]:
                return True
            if name == "CATEGORY" and _in_category(char, str(av)):
                return True
        return False


_EXAMPLE_CUE = re.compile(r"\b(?:e\.g\.|eg\.|for example|such as)\s*[,:]?\s*(.+)", re.IGNORECASE)


def _examples(parts: list[Node]) -> tuple[str, ...]:
    """Example values a schema gives: ``examples``/``example``, or in its description
    (``"City name, e.g. \\"Lisbon\\""``, ``"(e.g., square, circle, triangle)"``)."""
    found: list[str] = []
    for part in parts:
        s = part.schema
        examples = s.get("examples")
        if isinstance(examples, list):
            found += [e for e in examples if isinstance(e, str)]
        if isinstance(s.get("example"), str):
            found.append(s["example"])
        if isinstance(s.get("description"), str):
            found += _described_examples(s["description"])
    return tuple(dict.fromkeys(e for e in found if e.strip() and len(e) <= 200))


def _described_examples(description: str) -> list[str]:
    match = _EXAMPLE_CUE.search(description)
    if match is None:
        return []
    tail = match.group(1)
    quoted = re.findall(r'"([^"\n]{1,60})"', tail)
    if quoted:
        return quoted
    tail = re.split(r"\)|;|\.(?:\s|$)", tail)[0]
    items = [i.strip(" .'`") for i in re.split(r",|\bor\b|\band\b", tail)]
    return [i for i in items if i and 1 <= len(i.split()) <= 4 and len(i) <= 40 and i != "etc"]


def _full_match(pattern: str, text: str) -> bool:
    try:
        return re.fullmatch(pattern, text) is not None
    except (re.error, RecursionError):
        return False


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except (re.error, RecursionError):
        return False


# ---------------------------------------------------------------------------------------------
# Navigation
# ---------------------------------------------------------------------------------------------


class _Tree:
    """Subschemas by pointer: the analysis's nodes, and nodes made on demand where a local
    ``$ref`` points somewhere the walk does not visit (``#/resourceDefinitions/...``)."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis

    def child(self, node: Node, *tokens: str | int) -> Node | None:
        pointer = jp.join(node.pointer, *tokens)
        found = self.analysis.by_pointer.get(pointer)
        if found is not None:
            return found
        value = _descend(node.schema, [str(t) for t in tokens])
        if value is _MISSING:
            return None
        return Node(pointer, value, node.pointer, str(tokens[0]), tokens[-1])

    def target(self, node: Node) -> Node | None:
        """The subschema ``node``'s ``$ref`` points at, when it is in this document."""
        ref = self.analysis.refs.refs.get(node.pointer)
        if ref is not None and ref.target is not None:
            return self.analysis.by_pointer[ref.target]
        value = node.schema.get("$ref") if isinstance(node.schema, dict) else None
        if not isinstance(value, str) or not value.startswith("#/"):
            return None
        pointer = unquote(value[1:])
        found = self.analysis.by_pointer.get(pointer)
        if found is not None:
            return found
        schema = _descend(self.analysis.schema, jp.split(pointer))
        return None if schema is _MISSING else Node(pointer, schema)

    def follow(self, node: Node) -> Node:
        """``node`` with its ``$ref`` chain followed, recursive references included."""
        seen = {node.pointer}
        for _ in range(32):
            target = self.target(node)
            if target is None or target.pointer in seen:
                break
            seen.add(target.pointer)
            node = target
        return node


_MISSING = object()


def _descend(value: Any, tokens: list[str]) -> Any:
    for token in tokens:
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return _MISSING
    return value


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    name: str = ""
    depth: int = 0
    recursion: int = 0
    lean: bool = False
    topic: str = ""
    """A tool or action name a sibling ``const`` gives, to pick fitting free text."""

    def below(self, name: str | None = None) -> _Context:
        return replace(self, name=self.name if name is None else name, depth=self.depth + 1)


@dataclass
class _Bounds:
    low: float | None = None
    low_open: bool = False
    high: float | None = None
    high_open: bool = False
    step: float | None = None

    @classmethod
    def of(cls, parts: list[Node]) -> _Bounds:
        b = cls()
        for part in parts:
            s = part.schema
            minimum, maximum = _num(s.get("minimum")), _num(s.get("maximum"))
            ex_min, ex_max = s.get("exclusiveMinimum"), s.get("exclusiveMaximum")
            if ex_min is True and minimum is not None:
                b._raise_low(minimum, True)
            elif minimum is not None:
                b._raise_low(minimum, False)
            if _num(ex_min) is not None:
                b._raise_low(float(ex_min), True)
            if ex_max is True and maximum is not None:
                b._lower_high(maximum, True)
            elif maximum is not None:
                b._lower_high(maximum, False)
            if _num(ex_max) is not None:
                b._lower_high(float(ex_max), True)
            step = _num(s.get("multipleOf"))
            if step is not None and step > 0 and b.step is None:
                b.step = step
        return b

    def _raise_low(self, value: float, open_: bool) -> None:
        if self.low is None or value > self.low or (value == self.low and open_):
            self.low, self.low_open = value, open_

    def _lower_high(self, value: float, open_: bool) -> None:
        if self.high is None or value < self.high or (value == self.high and open_):
            self.high, self.high_open = value, open_

    def contains(self, value: float) -> bool:
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        return not (
            self.high is not None and (value > self.high or (self.high_open and value == self.high))
        )


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return float(value)


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _not_required(schema: Any) -> set[str]:
    """Names a ``not`` forbids together: ``{"not": {"required": [...]}}`` and ``anyOf`` of those."""
    names: set[str] = set()
    if not isinstance(schema, dict):
        return names
    required = schema.get("required")
    if isinstance(required, list):
        names.update(r for r in required if isinstance(r, str))
    for keyword in ("anyOf", "oneOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list):
            for branch in branches:
                names |= _not_required(branch)
    return names


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


class _Generator:
    def __init__(
        self, analysis: Analysis, rng: random.Random, lean: bool, full: bool = False
    ) -> None:
        self.analysis = analysis
        self.tree = _Tree(analysis)
        self.rng = rng
        self.lean = lean
        self.full = full
        self.check = _Checker(analysis.schema)
        self.values = 0
        self.escapes_due = 0

    # -- structure ------------------------------------------------------------------------

    def _expand(
        self, nodes: list[Node], resolved: frozenset[str]
    ) -> tuple[list[Node], list[tuple[str, Node]], int, bool]:
        """The subschemas that all apply to one value: ``nodes``, their ``$ref`` targets and
        ``allOf`` branches; plus the unions still to choose in, recursive hops, impossibility."""
        recursive = self.analysis.shape.recursive_refs
        parts: list[Node] = []
        unions: list[tuple[str, Node]] = []
        seen: set[str] = set()
        hops = 0
        impossible = False
        todo = list(nodes)
        while todo:
            node = todo.pop(0)
            if node.pointer in seen:
                continue
            seen.add(node.pointer)
            if node.schema is False:
                impossible = True
            if not isinstance(node.schema, dict):
                continue
            parts.append(node)
            target = self.tree.target(node)
            if target is not None:
                hops += node.pointer in recursive
                todo.append(target)
            branches = node.schema.get("allOf")
            if isinstance(branches, list):
                for index in range(len(branches)):
                    child = self.tree.child(node, "allOf", index)
                    if child is not None:
                        todo.append(child)
            for keyword in UNIONS:
                options = node.schema.get(keyword)
                key = jp.join(node.pointer, keyword)
                if isinstance(options, list) and options and key not in resolved:
                    unions.append((keyword, node))
            conditional = "then" in node.schema or "else" in node.schema
            if "if" in node.schema and conditional and jp.join(node.pointer, "if") not in resolved:
                unions.append(("if", node))
        return parts, unions, hops, impossible

    def _follow(self, node: Node) -> Node:
        return self.tree.follow(node)

    def _is_lean(self, ctx: _Context) -> bool:
        return (
            self.lean
            or ctx.lean
            or ctx.depth >= _SOFT_DEPTH
            or ctx.recursion >= _RECURSION_LIMIT
            or self.values >= _VALUE_BUDGET
        )

    def generate(
        self,
        nodes: list[Node],
        ctx: _Context,
        resolved: frozenset[str] = frozenset(),
        forbid: frozenset[str] = frozenset(),
        favour: frozenset[str] = frozenset(),
    ) -> Any:
        self.values += 1
        parts, unions, hops, impossible = self._expand(nodes, resolved)
        inner = replace(ctx, recursion=ctx.recursion + hops)
        if ctx.depth >= _HARD_DEPTH or self.values >= 2 * _VALUE_BUDGET:
            return self._placeholder(parts)
        if not unions:
            return self._value(parts, inner, forbid, impossible, favour)
        keyword, owner = unions[0]
        key = jp.join(owner.pointer, keyword)
        if keyword == "if":
            return self._conditional(nodes, owner, ctx, resolved | {key}, forbid, favour)
        branches = [
            child
            for index in range(len(owner.schema[keyword]))
            if (child := self.tree.child(owner, keyword, index)) is not None
        ]
        first: tuple[Any] | None = None
        order = self._order(branches, self._is_lean(inner))
        for index in order[:_UNION_ATTEMPTS]:
            extra = forbid
            if keyword == "oneOf":
                extra = forbid | self._required_elsewhere(branches, index)
            candidate = self.generate(
                [*nodes, branches[index]], ctx, resolved | {key}, extra, favour
            )
            if first is None:
                first = (candidate,)
            if self.check.spent or all(self.check.valid(n.schema, candidate) for n in nodes):
                return candidate
        if first is None:  # every branch is ``false``
            return self._value(parts, inner, forbid, True)
        for index in order[:_UNION_ATTEMPTS]:
            # Last resort: write every member the branch itself declares, which is what
            # tells a branch apart when the siblings only differ in those members.
            if self.check.spent:
                break
            favour = self._declared(branches[index])
            if not favour:
                continue
            candidate = self.generate(
                [*nodes, branches[index]], ctx, resolved | {key}, forbid, favour
            )
            if all(self.check.valid(n.schema, candidate) for n in nodes):
                return candidate
        return first[0]

    def _conditional(
        self,
        nodes: list[Node],
        owner: Node,
        ctx: _Context,
        resolved: frozenset[str],
        forbid: frozenset[str],
        favour: frozenset[str],
    ) -> Any:
        """``if``/``then``/``else``: write a value meeting ``if`` and ``then``, or one meeting
        ``else`` (seeded order), keeping the first that validates."""
        condition, then, otherwise = (self.tree.child(owner, k) for k in ("if", "then", "else"))
        options = [
            [n for n in (condition, then) if n is not None],
            [otherwise] if otherwise else [],
        ]
        if self.rng.random() < 0.5:
            options.reverse()
        first: tuple[Any] | None = None
        for extra in options:
            candidate = self.generate([*nodes, *extra], ctx, resolved, forbid, favour)
            if first is None:
                first = (candidate,)
            if self.check.spent or all(self.check.valid(n.schema, candidate) for n in nodes):
                return candidate
        assert first is not None
        return first[0]

    def _declared(self, branch: Node) -> frozenset[str]:
        schema = self._follow(branch).schema
        props = schema.get("properties") if isinstance(schema, dict) else None
        return frozenset(props) if isinstance(props, dict) else frozenset()

    def _order(self, branches: list[Node], lean: bool) -> list[int]:
        """Branch indexes to try: seeded, non-null first (simplest first when lean)."""
        order = [i for i in range(len(branches)) if branches[i].schema is not False]
        self.rng.shuffle(order)
        scores = [self._branch_score(self._follow(b).schema, lean) for b in branches]
        return sorted(order, key=lambda i: scores[i])

    @staticmethod
    def _branch_score(schema: Any, lean: bool) -> int:
        if not isinstance(schema, dict):
            return 1
        kinds = schema.get("type")
        null = (
            kinds == "null"
            or kinds == ["null"]
            or ("const" in schema and schema["const"] is None)
            or schema.get("enum") == [None]
        )
        if not lean:
            # Nulls last, and a bare string after the branches that constrain it: a model
            # given "one of the levels, or any string" mostly picks a level.
            bare = kinds == "string" and schema.keys() <= _ANNOTATIONS | {"type"}
            return 2 if null else int(bare)
        if null or kinds in ("string", "number", "integer", "boolean") or "const" in schema:
            return 0
        if "$ref" in schema or schema.get("required") or schema.get("minItems"):
            return 2
        return 1

    def _required_elsewhere(self, branches: list[Node], chosen: int) -> frozenset[str]:
        """Names other ``oneOf`` branches require and the chosen one does not: leave them out,
        or the value would match two branches."""
        own = self._follow(branches[chosen]).schema
        mine = set(own.get("required") or []) if isinstance(own, dict) else set()
        names: set[str] = set()
        for index, branch in enumerate(branches):
            schema = self._follow(branch).schema
            if index != chosen and isinstance(schema, dict):
                required = schema.get("required")
                if isinstance(required, list):
                    names.update(r for r in required if isinstance(r, str) and r not in mine)
        return frozenset(names)

    def _placeholder(self, parts: list[Node]) -> Any:
        kind = self._kind(parts, "")
        return {"object": {}, "array": [], "string": "", "integer": 0, "number": 0}.get(kind)

    def _fits(self, value: Any, parts: list[Node]) -> bool:
        if self.check.spent:
            return True
        return all(self.check.valid(p.schema, value) for p in parts)

    # -- values ---------------------------------------------------------------------------

    def _value(
        self,
        parts: list[Node],
        ctx: _Context,
        forbid: frozenset[str],
        impossible: bool,
        favour: frozenset[str] = frozenset(),
    ) -> Any:
        if impossible:
            return None
        for part in parts:
            if "const" in part.schema:
                return copy.deepcopy(part.schema["const"])
        enums = [p.schema["enum"] for p in parts if isinstance(p.schema.get("enum"), list)]
        if enums:
            options = [v for v in enums[0] if all(v in other for other in enums[1:])]
            options = self.rng.sample(options, len(options))
            # The first fitting value of a shuffle is a uniform pick among those that fit.
            fitting = next((v for v in options[:50] if self._fits(v, parts)), _MISSING)
            pick = fitting if fitting is not _MISSING else (options or enums[0] or [None])[0]
            return copy.deepcopy(pick)
        kind = self._kind(parts, ctx.name)
        if kind == "object":
            return self._object(parts, ctx, forbid, favour)
        if kind == "array":
            return self._array(parts, ctx)
        if kind == "string":
            return self._string(parts, ctx)
        if kind in ("integer", "number"):
            return self._number(parts, ctx.name, kind == "integer")
        if kind == "boolean":
            return self.rng.random() < 0.5
        return None

    def _kind(self, parts: list[Node], name: str) -> str:
        allowed: list[str] | None = None
        for part in parts:
            raw = part.schema.get("type")
            names = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else None
            if names is None:
                continue
            declared = [n for n in names if isinstance(n, str)]
            if "number" in declared and "integer" not in declared:
                declared.append("integer")
            if allowed is None:
                allowed = declared
            else:
                narrowed = [n for n in allowed if n in declared]
                allowed = narrowed or allowed
        keys = {k for p in parts for k in p.schema}
        hinted = [
            kind
            for kind, keywords in (
                ("object", _OBJECT_KEYWORDS),
                ("array", _ARRAY_KEYWORDS),
                ("string", _STRING_KEYWORDS),
                ("number", _NUMBER_KEYWORDS),
            )
            if keys.intersection(keywords)
        ]
        if allowed is None:
            return hinted[0] if hinted else _implied_kind(name)
        if "number" in allowed and "integer" in allowed and allowed.index("integer") > 0:
            allowed.remove("integer")  # added for "number": write the type as declared
        concrete = [k for k in allowed if k != "null"]
        if not concrete:
            return "null" if allowed else (hinted[0] if hinted else "string")
        for kind in hinted:
            if kind in concrete:
                return kind
        if len(concrete) == 1:
            return concrete[0]
        return concrete[self.rng.randrange(len(concrete))]

    # -- objects --------------------------------------------------------------------------

    def _object(
        self, parts: list[Node], ctx: _Context, forbid: frozenset[str], favour: frozenset[str]
    ) -> dict[str, Any]:
        declared: dict[str, list[Node]] = {}
        required: list[str] = []
        patterns: list[tuple[str, Node]] = []
        extra_nodes: list[Node] = []
        name_nodes: list[Node] = []
        depends: dict[str, list[str]] = {}
        closed = False
        banned = set(forbid)
        min_props, max_props = 0, None
        for part in parts:
            s = part.schema
            props = s.get("properties")
            if isinstance(props, dict):
                for key in props:
                    child = self.tree.child(part, "properties", key)
                    if child is not None:
                        declared.setdefault(key, []).append(child)
            names = s.get("required")
            if isinstance(names, list):
                required += [r for r in names if isinstance(r, str) and r not in required]
            for keyword in ("additionalProperties", "unevaluatedProperties"):
                value = s.get(keyword)
                if value is False:
                    closed = True
                elif isinstance(value, dict) and keyword == "additionalProperties":
                    child = self.tree.child(part, keyword)
                    if child is not None:
                        extra_nodes.append(child)
            pattern_props = s.get("patternProperties")
            if isinstance(pattern_props, dict):
                for pattern in pattern_props:
                    child = self.tree.child(part, "patternProperties", pattern)
                    if child is not None:
                        patterns.append((pattern, child))
            for keyword in ("dependentRequired", "dependencies"):
                value = s.get(keyword)
                if isinstance(value, dict):
                    for key, needed in value.items():
                        if isinstance(needed, list):
                            depends.setdefault(key, []).extend(
                                n for n in needed if isinstance(n, str)
                            )
            if isinstance(s.get("propertyNames"), dict):
                child = self.tree.child(part, "propertyNames")
                if child is not None:
                    name_nodes.append(child)
            min_props = max(min_props, _int_or_none(s.get("minProperties")) or 0)
            limit = _int_or_none(s.get("maxProperties"))
            if limit is not None:
                max_props = limit if max_props is None else min(max_props, limit)
            banned |= _not_required(s.get("not"))

        lean = self._is_lean(ctx)
        impossible = {k for k, nodes in declared.items() if any(n.schema is False for n in nodes)}
        optional = [k for k in declared if k not in required and k not in banned | impossible]
        # A dict, not a set: keys come out in a fixed order whatever the hash seed.
        chosen = dict.fromkeys(
            k for k in declared if k in required or (k in favour and k in optional)
        )
        if not lean:
            chosen.update(
                dict.fromkeys(k for k in optional if self.full or self.rng.random() < 0.5)
            )
            if not chosen and optional:
                chosen[optional[self.rng.randrange(len(optional))]] = None
        for _ in range(len(depends) + 1):  # close over dependentRequired
            needed = [n for k in chosen if k in depends for n in depends[k] if n not in chosen]
            if not needed:
                break
            chosen.update(dict.fromkeys(needed))
        for key in optional:
            if len(chosen) >= min_props:
                break
            chosen[key] = None
        if max_props is not None:
            for key in reversed(optional):
                if len(chosen) <= max_props:
                    break
                if key in chosen and not any(key in depends.get(k, ()) for k in chosen):
                    del chosen[key]

        keys = [k for k in declared if k in chosen]
        keys += [k for k in required if k not in declared]
        keys += [k for k in chosen if k not in declared and k not in required]
        if self.analysis.enforcer.strict_field_order:
            # Strict-order LMFE writes the required keys first, in `required` order (SL411).
            keys = [k for k in required if k in keys] + [k for k in keys if k not in required]
        if not declared and (not closed or patterns):
            wanted = 0 if lean else self.rng.randint(1, 2)
            wanted = max(wanted, min_props - len(keys))
            if max_props is not None:
                wanted = min(wanted, max_props - len(keys))
            keys += self._free_keys(wanted, ctx.name, patterns, name_nodes, closed, set(keys))

        topic = next((t for k in declared for t in self._topics(declared[k])), ctx.topic)
        result: dict[str, Any] = {}
        for key in keys:
            nodes = list(declared.get(key, []))
            nodes += [node for pattern, node in patterns if _search(pattern, key)]
            if key not in declared and len(nodes) == 0:
                nodes = list(extra_nodes)
            result[key] = self.generate(nodes, replace(ctx.below(key), topic=topic))
        return result

    def _topics(self, nodes: list[Node]) -> Iterator[str]:
        for node in nodes:
            schema = self._follow(node).schema
            if isinstance(schema, dict) and isinstance(schema.get("const"), str):
                yield schema["const"]

    def _free_keys(
        self,
        count: int,
        parent: str,
        patterns: list[tuple[str, Node]],
        name_nodes: list[Node],
        closed: bool,
        taken: set[str],
    ) -> list[str]:
        """Plausible keys for an object that declares none."""
        if count <= 0:
            return []
        group = next(
            (g for g, names in _FREE_KEY_GROUPS.items() if _has(_tokens(parent), names)), ""
        )
        pairs = _FREE_KEYS[group]
        pool = list(pairs[self.rng.randrange(len(pairs))])
        pool += [k for pair in pairs for k in pair if k not in pool]
        pool += [k for pair in _FREE_KEYS[""] for k in pair if k not in pool]
        for node in name_nodes:
            enum = node.schema.get("enum") if isinstance(node.schema, dict) else None
            if isinstance(enum, list):
                pool = [e for e in enum if isinstance(e, str)] + pool
        for pattern, _ in patterns:
            for extra in range(4):
                text = _PatternWriter(self.rng, extra, extra > 1).write(pattern)
                if text is not None:
                    pool.append(text)
        keys: list[str] = []
        for key in pool:
            if key in taken or key in keys:
                continue
            if closed and not any(_search(p, key) for p, _ in patterns):
                continue
            if name_nodes and not self._fits(key, name_nodes):
                continue
            keys.append(key)
            if len(keys) == count:
                break
        return keys

    # -- arrays ---------------------------------------------------------------------------

    def _array(self, parts: list[Node], ctx: _Context) -> list[Any]:
        prefix: list[list[Node]] = []
        rest: list[Node] = []
        contains: list[Node] = []
        rest_closed = False
        low, high, unique = 0, None, False
        for part in parts:
            s = part.schema
            sequence_keyword = None
            if isinstance(s.get("prefixItems"), list):
                sequence_keyword = "prefixItems"
            elif isinstance(s.get("items"), list):
                sequence_keyword = "items"
            if sequence_keyword is not None:
                for index in range(len(s[sequence_keyword])):
                    child = self.tree.child(part, sequence_keyword, index)
                    if child is not None:
                        while len(prefix) <= index:
                            prefix.append([])
                        prefix[index].append(child)
            rest_keyword = "additionalItems" if sequence_keyword == "items" else "items"
            rest_schema = s.get(rest_keyword)
            if rest_schema is False:
                rest_closed = True
            elif isinstance(rest_schema, dict):
                child = self.tree.child(part, rest_keyword)
                if child is not None:
                    rest.append(child)
            if isinstance(s.get("contains"), dict):
                child = self.tree.child(part, "contains")
                if child is not None:
                    contains.append(child)
            low = max(low, _int_or_none(s.get("minItems")) or 0)
            limit = _int_or_none(s.get("maxItems"))
            if limit is not None:
                high = limit if high is None else min(high, limit)
            unique = unique or s.get("uniqueItems") is True

        cap = 2 if high is None else min(high, 2)
        if prefix:
            cap = max(cap, len(prefix)) if high is None else min(max(cap, len(prefix)), high)
        if rest_closed:
            cap = min(cap, len(prefix))
        if self._is_lean(ctx):
            count = low
        else:
            floor = max(low, 1) if cap >= 1 else low
            count = self.rng.randint(floor, max(floor, cap))
        count = max(count, low)
        if contains and count == 0 and (high is None or high >= 1):
            count = 1
        count = min(count, _MAX_ITEMS)

        items: list[Any] = []
        seen: set[str] = set()
        for index in range(count):
            nodes = list(prefix[index]) if index < len(prefix) else list(rest)
            if index == 0:
                nodes += contains
            item = self.generate(nodes, ctx.below())
            for _ in range(4 if unique else 2):  # repeated items read oddly even when allowed
                if _canonical(item) not in seen:
                    break
                item = self.generate(nodes, ctx.below())
            if unique and _canonical(item) in seen and len(items) >= low:
                continue
            seen.add(_canonical(item))
            items.append(item)
        return items

    # -- strings --------------------------------------------------------------------------

    def _string(self, parts: list[Node], ctx: _Context) -> str:
        name, topic = ctx.name, ctx.topic
        formats = [p.schema["format"] for p in parts if isinstance(p.schema.get("format"), str)]
        patterns = [p.schema["pattern"] for p in parts if isinstance(p.schema.get("pattern"), str)]
        min_len = max((_int_or_none(p.schema.get("minLength")) or 0 for p in parts), default=0)
        maxima = [_int_or_none(p.schema.get("maxLength")) for p in parts]
        max_len = min((m for m in maxima if m is not None), default=None)
        min_len = min(min_len, _MAX_TEXT)

        examples = _examples(parts)
        if patterns:
            candidates = [*examples, *self._patterned(patterns, name, min_len, max_len)]
            strict = [c for c in candidates if all(_full_match(p, c) for p in patterns)]
            for text in [*strict, *candidates]:
                if self._fits(text, parts):
                    return text
            return candidates[0] if candidates else ""
        first: str | None = None
        texts: Iterator[str] = (
            self._formatted(formats[0], name)
            if formats and formats[0] in _FORMATS
            else self._free_text(name, min_len, max_len, topic=topic, examples=examples)
        )
        for text in texts:
            if first is None:
                first = text
            if self._fits(text, parts):
                return text
        for text in self._free_text(name, min_len, max_len, escape=False, topic=topic):
            if self._fits(text, parts):
                return text
        return first if first is not None else ""

    def _patterned(
        self, patterns: list[str], name: str, min_len: int, max_len: int | None
    ) -> list[str]:
        """Candidates for a patterned string: realistic text and its slugs first (patterns
        like ``^.+$`` or ``^[a-z0-9-]+$`` accept them), then text written from the pattern."""
        base = self._text(_category(name), name, escape=False)
        words = re.findall(r"[A-Za-z0-9]+", base)
        candidates = [base, "-".join(words).lower(), "_".join(words).lower(), "".join(words)]
        candidates = [_fit_length(c, min_len, max_len, self.rng) for c in candidates if c]
        need = max(min_len, 1)
        for extra in (0, 1, 2, need, 2 * need):
            for vary in (False, True):
                text = _PatternWriter(self.rng, extra, vary).write(patterns[0])
                if text is not None and text not in candidates:
                    candidates.append(text)
        return candidates

    def _number(self, parts: list[Node], name: str, integer: bool) -> int | float:
        return _number_value(self, parts, name, integer)

    def _formatted(self, fmt: str, name: str) -> Iterator[str]:
        for _ in range(3):
            yield _FORMATS[fmt](self.rng, name)

    def _free_text(
        self,
        name: str,
        min_len: int,
        max_len: int | None,
        escape: bool | None = None,
        topic: str = "",
        examples: tuple[str, ...] = (),
    ) -> Iterator[str]:
        category = "example" if examples else _category(name)
        if escape is None:
            # An escape drawn for an id or a code, where a quote would be implausible,
            # passes to the next field that reads as prose.
            self.escapes_due += self.rng.random() < _ESCAPE_RATE
            escape = category in _ESCAPABLE and self.escapes_due > 0
            self.escapes_due -= escape
        for attempt in range(3):
            if examples:
                text = examples[self.rng.randrange(len(examples))]
            else:
                text = self._text(category, name, escape=escape and attempt == 0, topic=topic)
            yield _fit_length(text, min_len, max_len, self.rng)
        if examples:  # none fitted: fall back to text chosen by name
            yield from self._free_text(name, min_len, max_len, escape, topic)

    def _text(self, category: str, name: str, escape: bool, topic: str = "") -> str:
        rng = self.rng
        pick = rng.choice
        if category == "reason":
            topical = [(a, r) for words, a, r in _TOPIC_REASONS if _has(_tokens(topic), words)]
            ask, reason = topical[0] if topical else pick(_TOPIC_REASONS)[1:]
            if escape and rng.random() < 0.5:
                return f'The user asked: "{ask}" {reason}'
            if escape:
                return f"{reason}\nThen I can confirm the details with them."
            return reason
        if category == "sql":
            table, column = pick(_TABLES)
            if escape:
                return f'SELECT "{column}", COUNT(*) FROM {table} GROUP BY "{column}"'
            return f"SELECT {column}, COUNT(*) FROM {table} GROUP BY {column}"
        if category == "query":
            if escape:
                return f'"{pick(_QUOTED_QUERIES)}" {pick(_QUERIES)}'
            return pick(_QUERIES)
        if category == "prose":
            first, second = rng.sample(_SENTENCES, 2)
            if escape and rng.random() < 0.5:
                return f'{first} Marked "{pick(_QUOTED_WORDS)}" by the sender.'
            if escape:
                return f"{first}\n{second}"
            return first if rng.random() < 0.5 else f"{first} {second}"
        if category == "person":
            if escape:
                return f'{pick(_FIRST_NAMES)} "{pick(_NICKNAMES)}" {pick(_LAST_NAMES)}'
            return f"{pick(_FIRST_NAMES)} {pick(_LAST_NAMES)}"
        if category == "first_name":
            return f'{pick(_FIRST_NAMES)} "{pick(_NICKNAMES)}"' if escape else pick(_FIRST_NAMES)
        if category == "last_name":
            return pick(_LAST_NAMES)
        if category == "thing":
            thing = pick(_THINGS)
            return f'{thing} "{pick(_COLOURS)}" edition' if escape else thing
        if category in _THING_BANKS:
            return pick(_THING_BANKS[category])
        if category == "title":
            title = pick(_TITLES)
            return f'{title} "draft"' if escape else title
        if category == "city":
            return pick(_CITIES)
        if category == "place":
            city = pick(_CITIES)
            return f'{city}, near the "{pick(_LANDMARKS)}"' if escape else city
        if category == "country":
            return pick(_COUNTRIES)
        if category == "address":
            street = f"{rng.randint(1, 400)} {pick(_STREETS)}"
            if escape:
                return f"{street}\nApartment {rng.randint(1, 40)}\n{pick(_CITIES)}"
            return f"{street}, {pick(_CITIES)}"
        if category == "phrase":
            phrase = pick(_PHRASES)
            return f'the "{phrase}" option' if escape else phrase
        maker = _PLAIN_TEXT.get(category) or _FORMATS.get(category) or _phrase
        return maker(rng, name)


_TextMaker = Callable[[random.Random, str], str]


def _phrase(rng: random.Random, name: str) -> str:
    return rng.choice(_PHRASES)


def _identifier(rng: random.Random, name: str) -> str:
    tokens = [t for t in _tokens(name) if t not in ("id", "identifier", "number", "code")]
    prefix = (tokens[0][:3] if tokens else "id").upper()
    return f"{prefix}-{rng.randint(10000, 99999)}"


def _email(rng: random.Random, name: str) -> str:
    first, last = rng.choice(_FIRST_NAMES).lower(), rng.choice(_LAST_NAMES).lower()
    return f"{first}.{last}@{rng.choice(_DOMAINS)}"


def _url(rng: random.Random, name: str) -> str:
    path = rng.choice(("docs/getting-started", "products/42", "blog/2024/roadmap", "about"))
    return f"https://www.{rng.choice(_DOMAINS)}/{path}"


def _date(rng: random.Random, name: str) -> str:
    return f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _time(rng: random.Random, name: str) -> str:
    return f"{rng.randint(7, 19):02d}:{rng.choice((0, 15, 30, 45)):02d}:00Z"


def _datetime(rng: random.Random, name: str) -> str:
    offset = rng.choice(("Z", "+01:00", "-05:00", "+09:00"))
    return f"{_date(rng, name)}T{_time(rng, name)[:-1]}{offset}"


def _uuid(rng: random.Random, name: str) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _ipv4(rng: random.Random, name: str) -> str:
    octets = (
        rng.choice((10, 172, 192)),
        rng.randint(0, 255),
        rng.randint(0, 255),
        rng.randint(1, 254),
    )
    return ".".join(str(o) for o in octets)


def _hostname(rng: random.Random, name: str) -> str:
    return f"{rng.choice(('api', 'www', 'mail', 'cdn'))}.{rng.choice(_DOMAINS)}"


_FORMATS: dict[str, _TextMaker] = {
    "date-time": _datetime,
    "datetime": _datetime,
    "date": _date,
    "time": _time,
    "email": _email,
    "idn-email": _email,
    "uri": _url,
    "url": _url,
    "iri": _url,
    "uri-reference": _url,
    "iri-reference": _url,
    "uuid": _uuid,
    "ipv4": _ipv4,
    "ipv6": lambda rng, name: f"2001:db8::{rng.randint(1, 0xFFFF):x}",
    "hostname": _hostname,
    "idn-hostname": _hostname,
    "duration": lambda rng, name: rng.choice(("P3D", "PT45M", "P1W", "PT2H")),
}
_PLAIN_TEXT: dict[str, _TextMaker] = {
    "id": _identifier,
    "phone": lambda rng, name: f"+1 415 555 {rng.randint(1000, 9999)}",
    "zip": lambda rng, name: f"{rng.randint(10000, 99999)}",
    "currency": lambda rng, name: rng.choice(_CURRENCIES),
    "country_code": lambda rng, name: rng.choice(("PT", "JP", "CA", "KE", "DE", "US")),
    "language": lambda rng, name: rng.choice(_LANGUAGES),
    "username": lambda rng, name: rng.choice(_USERNAMES),
    "colour": lambda rng, name: rng.choice(_COLOURS),
    "symbol": lambda rng, name: rng.choice(_SYMBOLS),
    "word": lambda rng, name: rng.choice(_WORDS),
    "slug": lambda rng, name: rng.choice(_SLUGS),
    "host": _hostname,
    "path": lambda rng, name: rng.choice(_PATHS),
    "email": _email,
    "url": _url,
    "date": _date,
    "time": lambda rng, name: f"{rng.randint(7, 19):02d}:{rng.choice((0, 15, 30, 45)):02d}",
    "datetime": _datetime,
    "uuid": _uuid,
}
_ESCAPABLE = frozenset(
    {"reason", "query", "prose", "person", "first_name", "thing", "title", "place", "address"}
    | {"phrase", "sql"}
)
_FILLER = "with a few more words added so the text is long enough to pass"


def _fit_length(text: str, min_len: int, max_len: int | None, rng: random.Random) -> str:
    """``text`` padded with words to ``min_len`` and cut at a word to ``max_len``."""
    if len(text) < min_len:
        words = _FILLER.split()
        parts = [text.rstrip(".")]
        while len(" ".join(parts)) < min_len:
            parts.append(words[(len(parts) - 1) % len(words)])
        text = " ".join(parts)[: max(min_len, _MAX_TEXT)]
    if max_len is not None and len(text) > max_len:
        cut = text[:max_len]
        space = cut.rfind(" ")
        if space >= max(min_len, 1) and max_len - space < 15:
            cut = cut[:space]
        text = cut.rstrip() if len(cut.rstrip()) >= min_len else cut
    return text


# -- numbers ------------------------------------------------------------------------------------


def _number_guess(rng: random.Random, name: str, integer: bool) -> float:
    """A value a person would expect for a numeric property called ``name``."""
    tokens = _tokens(name)
    if _has(tokens, "lat latitude"):
        return round(rng.uniform(-60, 60), 4)
    if _has(tokens, "lon lng long longitude"):
        return round(rng.uniform(-150, 150), 4)
    if _has(tokens, "age"):
        return rng.randint(18, 75)
    if any(t in ("years", "months", "weeks", "days", "hours", "minutes", "term") for t in tokens):
        return rng.randint(2, 30)
    if _has(tokens, "year"):
        return rng.randint(1990, 2025)
    if _has(tokens, "month"):
        return rng.randint(1, 12)
    if _has(tokens, "day hour"):
        return rng.randint(1, 23)
    if _has(tokens, "savings contribution deposit payment"):
        return rng.randint(2, 50) * 100 if integer else float(rng.randint(2, 50) * 100)
    if _has(tokens, "salary income"):
        return rng.randint(40, 150) * 1000
    if _has(tokens, "loan principal mortgage"):
        return rng.randint(50, 500) * 1000
    if _has(tokens, "price amount cost total budget balance fee bill revenue payment"):
        return rng.randint(10, 500) if integer else round(rng.uniform(10, 500), 2)
    if _has(tokens, "rate percent percentage tax discount interest tip"):
        return rng.randint(2, 15) if integer else round(rng.uniform(1, 15), 1)
    if _has(tokens, "weight"):
        return rng.randint(50, 90) if integer else round(rng.uniform(50, 90), 1)
    if _has(tokens, "temperature temp"):
        return rng.randint(10, 30) if integer else round(rng.uniform(10, 30), 1)
    if _has(tokens, "rating score star"):
        return rng.randint(3, 5) if integer else round(rng.uniform(3, 5), 1)
    if _has(tokens, "length width height radius base side distance"):
        return rng.randint(2, 20) if integer else round(rng.uniform(2, 20), 1)
    if integer:
        return rng.randint(1, 10)
    return round(rng.uniform(1, 100), 2)


def _decimals(step: float) -> int:
    text = repr(step)
    if "e" in text or "E" in text:
        return 10
    return len(text.split(".")[1]) if "." in text else 0


def _snap(value: float, bounds: _Bounds, integer: bool, up: bool) -> float:
    """``value`` moved onto ``multipleOf`` (rounding ``up`` or down) and made integral."""
    step = bounds.step
    if step is not None:
        k = math.ceil(value / step) if up else math.floor(value / step)
        value = k * step
        value = float(round(value)) if step == int(step) else round(value, _decimals(step))
    if integer:
        value = float(math.ceil(value) if up else math.floor(value))
    return value


def _number_candidates(guess: float, b: _Bounds, integer: bool) -> Iterator[float]:
    low, high = b.low, b.high
    if b.contains(guess):
        yield _snap(guess, b, integer, True)
        yield _snap(guess, b, integer, False)
    if low is not None and high is not None:
        middle = low + (high - low) / 2
        yield _snap(middle, b, integer, True)
        yield _snap(middle, b, integer, False)
    if low is not None:
        nudge = low + (1 if integer or high is None else min(1.0, (high - low) / 4))
        yield _snap(low if not b.low_open else nudge, b, integer, True)
        yield _snap(low + abs(guess), b, integer, True)
    if high is not None:
        nudge = high - (1 if integer or low is None else min(1.0, (high - low) / 4))
        yield _snap(high if not b.high_open else nudge, b, integer, False)
        yield _snap(high - abs(guess), b, integer, False)
    yield _snap(0.0, b, integer, True)
    yield _snap(1.0, b, integer, True)


def _as_json_number(value: float, integer: bool, like: float) -> int | float:
    if integer or (value == int(value) and isinstance(like, int) and abs(value) < 2**53):
        return int(value)
    return value


def _number_value(gen: _Generator, parts: list[Node], name: str, integer: bool) -> int | float:
    bounds = _Bounds.of(parts)
    guess = _number_guess(gen.rng, name, integer)
    first: int | float | None = None
    for candidate in _number_candidates(float(guess), bounds, integer):
        if not math.isfinite(candidate):
            continue
        value = _as_json_number(candidate, integer, guess)
        if first is None:
            first = value
        if bounds.contains(candidate) and gen._fits(value, parts):
            return value
    return first if first is not None else 0


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def generate_instance(analysis: Analysis, seed: int = 0, full: bool = False) -> Any:
    """A realistic instance of ``analysis.schema`` that validates against it.

    The same ``seed`` always gives the same instance; ``full`` writes every optional
    property (to measure them all). When the first draft does not validate (a combination
    the generator cannot see through, such as ``if``/``then``), a few more drafts are tried —
    the later ones leaner — and the first valid one is returned; if none is, the first is.
    """
    root = analysis.nodes[0]
    first: tuple[Any] | None = None
    for attempt in range(_INSTANCE_ATTEMPTS):
        rng = random.Random(seed if attempt == 0 else f"{seed}/{attempt}")
        lean = attempt >= _INSTANCE_ATTEMPTS // 2
        generator = _Generator(analysis, rng, lean, full and not lean)
        value = generator.generate([root], _Context())
        if first is None:
            first = (value,)
        if _Checker(analysis.schema).valid(analysis.schema, value):
            return value
    assert first is not None
    return first[0]


@dataclass(frozen=True)
class Span:
    """Characters ``[start, end)`` of the serialised text and the instance value they write."""

    start: int
    end: int
    path: str
    """Instance JSON Pointer of the value being written (RFC 6901)."""
    role: Role
    """``key``: a member name with its quotes; ``value``: a scalar; ``punctuation``: braces,
    brackets, commas, colons and separator spaces, charged to the enclosing container."""


class _Writer:
    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.spans: list[Span] = []
        self.offset = 0

    def emit(self, text: str, path: str, role: Role) -> None:
        end = self.offset + len(text)
        last = self.spans[-1] if self.spans else None
        if (
            last is not None
            and role == "punctuation"
            and last.role == role
            and last.path == path
            and last.end == self.offset
        ):
            self.spans[-1] = Span(last.start, end, path, role)
        else:
            self.spans.append(Span(self.offset, end, path, role))
        self.pieces.append(text)
        self.offset = end

    def write(self, value: Any, path: str) -> None:
        if isinstance(value, dict):
            self.emit("{", path, "punctuation")
            for index, (key, item) in enumerate(value.items()):
                if index:
                    self.emit(", ", path, "punctuation")
                name = _key_text(key)
                child = jp.join(path, name)
                self.emit(json.dumps(name, ensure_ascii=False), child, "key")
                self.emit(": ", path, "punctuation")
                self.write(item, child)
            self.emit("}", path, "punctuation")
        elif isinstance(value, list | tuple):
            self.emit("[", path, "punctuation")
            for index, item in enumerate(value):
                if index:
                    self.emit(", ", path, "punctuation")
                self.write(item, jp.join(path, index))
            self.emit("]", path, "punctuation")
        else:
            self.emit(json.dumps(value, ensure_ascii=False), path, "value")


def _key_text(key: Any) -> str:
    """A dict key as ``json.dumps`` writes it."""
    if isinstance(key, str):
        return key
    if key is True or key is False or key is None:
        return json.dumps(key)
    if isinstance(key, int | float):
        return json.dumps(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def serialise(instance: Any) -> tuple[str, list[Span]]:
    """The text a model writes for ``instance`` — exactly ``json.dumps(instance,
    ensure_ascii=False)`` — and spans that tile it, in order, with no gaps."""
    writer = _Writer()
    writer.write(instance, "")
    return "".join(writer.pieces), writer.spans


def span_at(spans: list[Span], offset: int) -> Span:
    """The span holding character ``offset``; IndexError past either end."""
    index = bisect.bisect_right(spans, offset, key=lambda span: span.start) - 1
    if index < 0 or offset >= spans[index].end:
        raise IndexError(f"offset {offset} is outside the serialised text")
    return spans[index]


# ---------------------------------------------------------------------------------------------
# Locating
# ---------------------------------------------------------------------------------------------


class _Locator:
    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.tree = _Tree(analysis)
        self.check = _Checker(analysis.schema, budget=10**9)

    def follow(self, node: Node) -> Node:
        return self.tree.follow(node)

    def describe(self, nodes: list[Node], value: Any) -> tuple[list[Node], str | None]:
        """The subschemas that apply to ``value`` (``$ref`` targets, ``allOf`` branches and the
        first valid branch of each union) and the pointer of the one that describes it."""
        if not nodes:
            return [], None
        primary = self.follow(nodes[0])
        here = primary.pointer
        parts: list[Node] = []
        seen: set[str] = set()
        todo = list(nodes)
        while todo:
            node = todo.pop(0)
            if node.pointer in seen or not isinstance(node.schema, dict):
                continue
            seen.add(node.pointer)
            parts.append(node)
            target = self.tree.target(node)
            if target is not None:
                todo.append(target)
            branches = node.schema.get("allOf")
            if isinstance(branches, list):
                todo += self._children(node, "allOf", len(branches))
            for keyword in UNIONS:
                branches = node.schema.get(keyword)
                if not isinstance(branches, list):
                    continue
                for branch in self._children(node, keyword, len(branches)):
                    if self.check.valid(branch.schema, value):
                        target = self.follow(branch)
                        if isinstance(target.schema, dict) and _DESCRIPTIVE & target.schema.keys():
                            here = target.pointer
                        todo.append(branch)
                        break
        return parts, here

    def _children(self, node: Node, keyword: str, count: int) -> list[Node]:
        found = (self.tree.child(node, keyword, index) for index in range(count))
        return [child for child in found if child is not None]

    def member(self, parts: list[Node], key: str) -> list[Node]:
        declared: list[Node] = []
        matched: list[Node] = []
        extra: list[Node] = []
        for part in parts:
            s = part.schema
            props = s.get("properties")
            if isinstance(props, dict) and key in props:
                child = self.tree.child(part, "properties", key)
                declared += [child] if child is not None else []
            patterns = s.get("patternProperties")
            if isinstance(patterns, dict):
                for pattern in patterns:
                    if _search(pattern, key):
                        child = self.tree.child(part, "patternProperties", pattern)
                        matched += [child] if child is not None else []
            for keyword in ("additionalProperties", "unevaluatedProperties"):
                if isinstance(s.get(keyword), dict) or s.get(keyword) is True:
                    child = self.tree.child(part, keyword)
                    extra += [child] if child is not None else []
        return declared + matched if declared or matched else extra

    def item(self, parts: list[Node], index: int) -> list[Node]:
        positional: list[Node] = []
        rest: list[Node] = []
        for part in parts:
            s = part.schema
            keyword = "prefixItems" if isinstance(s.get("prefixItems"), list) else "items"
            sequence = s.get(keyword)
            if isinstance(sequence, list):
                if index < len(sequence):
                    child = self.tree.child(part, keyword, index)
                    positional += [child] if child is not None else []
                    continue
                rest_keyword = "items" if keyword == "prefixItems" else "additionalItems"
            else:
                rest_keyword = "items"
            if isinstance(s.get(rest_keyword), dict) or s.get(rest_keyword) is True:
                child = self.tree.child(part, rest_keyword)
                rest += [child] if child is not None else []
        return positional or rest


def locate(analysis: Analysis, instance: Any) -> dict[str, str]:
    """Map every instance pointer of ``instance`` to the schema pointer describing it.

    ``$ref``s are followed to the referenced subschema; of an ``anyOf``/``oneOf`` the first
    branch the value is valid against is taken (when it says more than ``required``); an
    ``allOf`` member's schema is the branch declaring it. A value no subschema describes is
    charged to its nearest described ancestor. Pointers come in document order.
    """
    locator = _Locator(analysis)
    found: dict[str, str] = {}
    stack: list[tuple[str, Any, list[Node], str]] = [("", instance, [analysis.nodes[0]], "")]
    while stack:
        path, value, nodes, fallback = stack.pop()
        parts, here = locator.describe(nodes, value)
        pointer = fallback if here is None else here
        found[path] = pointer
        children: list[tuple[str, Any, list[Node], str]] = []
        if isinstance(value, dict):
            for key, item in value.items():
                name = _key_text(key)
                children.append((jp.join(path, name), item, locator.member(parts, name), pointer))
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                children.append((jp.join(path, index), item, locator.item(parts, index), pointer))
        stack += reversed(children)
    return found
