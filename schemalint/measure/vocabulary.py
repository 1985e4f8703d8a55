"""Property names, and the realistic content they ask for.

A model writing ``{"city": ...}`` writes a city, and the enforcer's cost depends on what it
writes, so the measured probe needs text that reads like a model's, not random characters.
This module holds the word banks and the heuristics that read a property name: which kind
of text it asks for, which JSON type it suggests, which number a person would expect, and
which member names fit an object that declares none.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable

# ---------------------------------------------------------------------------------------------
# Word banks
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


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------


def _tokens(name: str) -> list[str]:
    """``customerName`` / ``customer_name`` / ``customer-name`` → ``["customer", "name"]``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [t for t in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if t]


def _has(tokens: list[str], words: str) -> bool:
    wanted = words.split()
    return any(t in wanted or (t.endswith("s") and t[:-1] in wanted) for t in tokens)


def category(name: str) -> str:
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


def implied_kind(name: str) -> str:
    """The JSON type a property name suggests when its schema allows anything."""
    tokens = _tokens(name)
    if tokens and (tokens[0] in _BOOLEAN_PREFIXES or tokens[-1] in ("enabled", "flag")):
        return "boolean"
    if tokens and _has(tokens[-1:], _NUMERIC_NAMES):
        return "integer"
    return "string"


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------


def text(rng: random.Random, category: str, name: str, escape: bool, topic: str = "") -> str:
    """Realistic text of ``category`` for a property called ``name``; with ``escape``, text
    holding a ``"`` or a newline where a person would write one."""
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
    maker = _PLAIN_TEXT.get(category) or FORMATS.get(category) or _phrase
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


FORMATS: dict[str, _TextMaker] = {
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
ESCAPABLE = frozenset(
    {"reason", "query", "prose", "person", "first_name", "thing", "title", "place", "address"}
    | {"phrase", "sql"}
)
"""Categories where a quote or a line break reads naturally: the ones an escape may go to."""


# ---------------------------------------------------------------------------------------------
# Numbers and keys
# ---------------------------------------------------------------------------------------------


def number_guess(rng: random.Random, name: str, integer: bool) -> float:
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


def free_keys(rng: random.Random, parent: str) -> list[str]:
    """Member names for an object called ``parent`` that declares none, most fitting first:
    a seeded pair for its kind, then the rest of its kind, then generic ones."""
    group = next((g for g, names in _FREE_KEY_GROUPS.items() if _has(_tokens(parent), names)), "")
    pairs = _FREE_KEYS[group]
    pool = list(pairs[rng.randrange(len(pairs))])
    pool += [k for pair in pairs for k in pair if k not in pool]
    pool += [k for pair in _FREE_KEYS[""] for k in pair if k not in pool]
    return pool
