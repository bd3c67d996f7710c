"""Junk in every form of every page and in every address: never a server error (#22).

A walk built from the pages themselves, like the access matrix (tests/test_access_matrix.py):
every named URL of the app (not Django admin) is opened as each kind of visitor its policy
allows, every <form> in the HTML is read, and each form is sent back with junk, field by
field and in all fields at once: unknown choices, ids of rows that do not exist or belong
to another service, impossible and extreme dates, huge and negative numbers, NUL and control
characters, 10,000 characters, a field sent twice, a field left out. Addresses with path
converters get junk in each part, and every page gets junk query strings (from its GET
forms and links, and the usual suspects). A new page, form or field is covered without
editing this file.

Every request runs in a savepoint that is rolled back (and the client's cookies restored),
so each meets the same world. A refused post (200 or 400 with an error on the page) must
have stored nothing; a post that stored something must lead to a page that opens.

Sampled, deterministically, to stay quick: on its own each field carries one kind of junk
(the kind rotates over the fields), and every kind goes into all fields it fits at once.
JUNK_POSTS_FULL=1 sends every junk value in every field on its own as well (minutes).
"""

import copy
import datetime as dt
import json
import os
import re
import zlib
from base64 import urlsafe_b64encode
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from buurtbemiddeling.factories import MunicipalityFactory, NeighbourhoodFactory
from cases.constants import CaseStatus, Channel, ConversationKind, Participation
from cases.models import ConflictType, MediatorAcquaintance, UnsuitabilityReason
from cases.services import case_transition, conversation_log, party_add, party_set_participation
from organisations.constants import OrganisationKind
from organisations.factories import (
    ContactPersonFactory,
    MediatorProfileFactory,
    PartnerOrganisationFactory,
    WorkingAgreementFactory,
)
from organisations.models import IntervisionAttendance
from partners.constants import DisclosureMethod
from partners.services import accompaniment_start, disclosure_consent_record, pre_trajectory_start
from tests.test_access_matrix import APP_URLS, POLICIES, PUBLIC, url_for
from tests.test_access_matrix import world as matrix_world  # noqa: F401 (a fixture, used by junk_world)

FULL = os.environ.get("JUNK_POSTS_FULL") == "1"

# Who walks: one visitor of each kind (the matrix's other mediator, and the coordinator of
# another service, see the same forms with other rows). Public pages are for people
# without an account and are walked anonymously. "password_only" gave the password but not
# yet the second factor: the pages that ask for it are the only ones open to them.
WALKERS = ["anonymous", "referrer", "mediator_assigned", "coordinator", "admin", "password_only"]

# POST-only pages that no form on any page sends to, and why. They get junk posted blind.
UNREACHABLE = {
    "backup_codes_renew": "no template has a form that sends to it (backup codes come with setting up the app)",
}

# --- Junk -------------------------------------------------------------------------------

FOREIGN = "__foreign__"  # becomes the id of a row of another service
ALL = frozenset({"choice", "hidden", "date", "number", "text"})
# kind: (values, the kinds of field it goes in). Choice fields (select, radio, checkbox)
# get what could pass for a choice, typed fields what could pass for their type.
JUNK = {
    "unknown choice": (["zzz-onbekend", "999999999", "0", "A' OR '1'='1"], {"choice", "hidden"}),
    "row of another service": ([FOREIGN], {"choice", "hidden"}),
    "invalid date": (
        ["2026-02-30", "0000-00-00", "yesterday", "2026-13-45", "31-12-2026"],
        {"date", "number", "hidden"},
    ),
    "extreme date": (["9999-12-31", "0001-01-01"], {"date", "hidden"}),
    "number out of range": (
        ["99999999999999999999", "-1", str(2**63), "-99999999999999999999", "1e309", "9" * 400],
        ALL,
    ),
    "control characters": (["\x00", "a\x00b", "\x1b[2J\x07\x08\x7f", "\u202egnp.exe", "\ufeff😀\u0301", "٣٤٥"], ALL),
    "10,000 characters": (["x" * 10_000, "😀" * 10_000], ALL - {"choice"}),
    "repeated": (None, ALL),
    "left out": (None, ALL),
}
KINDS = list(JUNK)
# In all fields at once, kinds of one sort take turns over the fields (a lone field gets
# each kind on its own).
GROUPS = [
    ["unknown choice", "row of another service"],
    ["invalid date"],
    ["extreme date"],
    ["number out of range", "control characters"],
    ["10,000 characters"],  # alone: in every field, past every column's length (PostgreSQL checks)
    ["left out", "repeated"],
]

# Junk for each part of an address, per path converter (already %-encoded).
PATH_JUNK = {
    "str": ["ZZ-9999-999", "a%00b%1b", "x" * 10_000, "%ff%fe"],
    "int": ["0", "999999999", "99999999999999999999", "abc"],
}

# Query strings any page may meet (old bookmarks, scripts, the address bar), all in one.
QUERY_JUNK = "&".join(
    [
        "page=-1",
        "page=99999999999999999999",
        "status=zzz",
        "status=open",
        "date=2026-13-45",
        "cursor=garbage",
        "format=zzz",
        "next=//evil.example/",
        "next=%00",
        "sort=zzz",
        "q=" + "x" * 10_000,
        "%ff=%fe",
        "a=1&a=2&a=3",
    ]
)


def _cursor(values) -> str:
    return urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


# Paging cursors: garbage, and cursors that decode (keyset paging) to values no row has.
CURSOR_JUNK = [
    "garbage",
    _cursor([None, None]),
    _cursor(["9999-12-31T23:59:59+00:00", 99999999999999999999]),
    _cursor(["\x00", ["nested"]]),
]

ERROR_MARKERS = ("invalid-feedback", "alert-danger", "errorlist", "errornote", "is-invalid")
FORM_ENCODED = "application/x-www-form-urlencoded"


# --- Reading forms from HTML -------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # the input's type, "select", "textarea" or "button"
    values: list = field(default_factory=list)  # what the page sends as it is
    options: list = field(default_factory=list)  # what a select, radio or checkbox offers
    typed_by_people: bool = True  # False for a honeypot (tabindex -1): people leave it alone
    css: str = ""  # the class attribute (the admin marks its date and time fields so)

    @property
    def is_choice(self) -> bool:
        return self.kind in ("select", "radio", "checkbox")

    @property
    def offered(self) -> list:
        return [option for option in self.options if option != ""]


@dataclass
class Form:
    method: str
    action: str
    fields: dict = field(default_factory=dict)

    @property
    def csrf(self) -> str:
        token = self.fields.get("csrfmiddlewaretoken")
        return token.values[0] if token and token.values else ""

    @property
    def inputs(self) -> list:
        return [f for name, f in self.fields.items() if name != "csrfmiddlewaretoken"]


class PageParser(HTMLParser):
    """The forms of a page (their fields, values and choices) and its links."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form = self._select = self._option = self._textarea = None
        self._formactions: list[str] = []  # buttons of the open form that send it elsewhere

    def _add(self, name, kind, values=(), options=(), **kwargs) -> Field:
        if name not in self._form.fields:
            self._form.fields[name] = Field(name=name, kind=kind, **kwargs)
        found = self._form.fields[name]
        found.values += values
        found.options += options
        return found

    def _end_option(self):
        if self._option is not None:
            value, selected, text = self._option
            value = text.strip() if value is None else value
            self._select.options.append(value)
            if selected:
                self._select.values.append(value)
            self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.page, attrs["href"]))
        elif tag == "form":
            action = urljoin(self.page, attrs.get("action") or self.page)
            self._form = Form(method=(attrs.get("method") or "get").lower(), action=action)
            self.forms.append(self._form)
        elif self._form is not None and tag in ("button", "input") and attrs.get("formaction"):
            self._formactions.append(urljoin(self.page, attrs["formaction"]))
        elif tag == "option" and self._select is not None:
            self._end_option()
            self._option = [attrs.get("value"), "selected" in attrs, ""]
        elif self._form is None or "name" not in attrs or "disabled" in attrs:
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio"):
                self._add(attrs["name"], kind, values=[value] if "checked" in attrs else [], options=[value])
            elif kind in ("submit", "button", "image", "reset"):
                self._add(attrs["name"], "button", options=[value])
            else:
                people = attrs.get("tabindex") != "-1"
                self._add(attrs["name"], kind, values=[value], typed_by_people=people, css=attrs.get("class") or "")
        elif tag == "select":
            self._select = self._add(attrs["name"], "select")
        elif tag == "textarea":
            self._textarea = self._add(attrs["name"], "textarea", values=[""])
        elif tag == "button":
            self._add(attrs["name"], "button", options=[attrs.get("value", "")])

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        elif self._textarea is not None:
            self._textarea.values[-1] += data

    def handle_endtag(self, tag):
        if tag in ("option", "select") and self._select is not None:
            self._end_option()
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea.values[-1]
            self._textarea.values[-1] = text[1:] if text.startswith("\n") else text  # as a browser reads it
            self._textarea = None
        elif tag == "form" and self._form is not None:
            for action in self._formactions:  # the same fields, sent to the button's address
                self.forms.append(Form(method=self._form.method, action=action, fields=dict(self._form.fields)))
            self._form, self._formactions = None, []


def parse(page: str, html: str) -> PageParser:
    parser = PageParser(page)
    parser.feed(html)
    return parser


def resolve_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


# --- What a person sends, and junk instead --------------------------------------------


def plausible(f: Field, today: dt.date) -> list:
    """What a person would send: what the page has, else something that passes."""
    if f.kind == "button":
        return []  # a named button counts only when pressed
    if f.is_choice:
        return list(f.values) if f.values else f.offered[:1]
    if f.values and f.values[0].strip() or not f.typed_by_people:
        return list(f.values[:1])
    name = f.name.rsplit("-", 1)[-1]
    if f.kind == "date":
        return [(today + dt.timedelta(days=28) if "review" in name else today).isoformat()]
    if f.kind == "number":
        return ["1"]
    if f.kind == "email" or "email" in name:
        return ["test@example.org"]
    if "postcode" in name:
        return ["7511 AB"]  # in the range of the service the walk happens in
    if "house_number" in name:
        return ["12"]
    if "phone" in name or f.kind == "tel":
        return ["06 12345678"]
    if f.kind == "password":
        return ["een-lang-genoeg-wachtwoord-2026"]
    return ["Test"]


def field_class(f: Field) -> str:
    if f.is_choice:
        return "choice"
    return f.kind if f.kind in ("hidden", "date", "number") else "text"


def _fits(kind: str, f: Field) -> bool:
    return field_class(f) in JUNK[kind][1]


def _variants(kind: str) -> int:
    values = JUNK[kind][0]
    return len(values) if values else 1


def _other_value(f: Field, base: list) -> str:
    others = [option for option in f.offered if option not in base]
    return others[0] if others else "zzz-onbekend"


def junk_for(f: Field, kind: str, variant: int, base: list, foreign: list) -> list | None:
    """The values field `f` carries for this kind of junk (None: the field is left out)."""
    if kind == "left out":
        return None
    if kind == "repeated":
        return [*(base or [_other_value(f, [])]), _other_value(f, base)]
    values = JUNK[kind][0]
    value = values[variant % len(values)]
    if value == FOREIGN:
        offered = set(f.options) | set(f.values)
        candidates = [str(pk) for pk in foreign if str(pk) not in offered] or ["999999998"]
        value = candidates[variant % len(candidates)]
    return [value]


def _show(values) -> str:
    if values is None:
        return "(left out)"
    return repr([value if len(value) < 40 else f"{value[:12]}...({len(value)} chars)" for value in values])


@dataclass
class Attempt:
    label: str
    data: dict  # name -> values; a name that is missing is left out


def attempts_for(form: Form, *, today: dt.date, foreign: list) -> list[Attempt]:
    """The junk sends for one form: each field on its own, then each kind in all fields at once.

    On its own a field carries one kind of junk (which one rotates over the fields, from a
    seed of the form), the others what a person sends; a lone field gets every kind below,
    and a field repeated under another prefix (party B's after party A's) is tried once.
    At once, every kind goes into all the fields it fits (kinds of one sort taking turns, see
    GROUPS), the other fields as a person fills them in. Extreme dates are the same in every
    field; in a GET form (a filter) they go in once per choice of its lists too, so a period
    "custom" meets them.
    """
    base = {f.name: plausible(f, today) for f in form.inputs}
    inputs = [f for f in form.inputs if f.typed_by_people or f.kind == "hidden"]
    seed = zlib.crc32("|".join([resolve_name(form.action) or "", *sorted(base)]).encode())
    attempts = []

    def send(label, changes):
        data = {**base, **changes}
        attempts.append(Attempt(label, {name: values for name, values in data.items() if values is not None}))

    if not inputs:
        # A button alone (the CSRF token): an unexpected field, and the token twice.
        send("an unknown field", {"zzz": ["\x00" + "x" * 10_000]})
        attempts.append(Attempt("the token twice", {"csrfmiddlewaretoken": [form.csrf, "x" * 64]}))
        return attempts

    shapes = set()
    for index, f in enumerate(inputs if len(inputs) > 1 or FULL else []):
        shape = (f.name.rsplit("-", 1)[-1], f.kind)
        if shape in shapes and not FULL:
            continue  # the same field of another prefix (party B after party A): the same code
        shapes.add(shape)
        kinds = [kind for kind in KINDS if _fits(kind, f)]
        if FULL:
            pairs = [(kind, variant) for kind in kinds for variant in range(_variants(kind))]
        else:
            kind = kinds[(seed + index) % len(kinds)]
            pairs = [(kind, (seed // len(KINDS) + index) % _variants(kind))]
        for kind, variant in pairs:
            values = junk_for(f, kind, variant, base[f.name], foreign)
            send(f"{f.name}={_show(values)} ({kind})", {f.name: values})

    has_dates = any(f.kind == "date" for f in inputs)
    lists = [f for f in inputs if f.is_choice and f.offered] if form.method == "get" else []
    for group in [[kind] for kind in KINDS] if FULL or len(inputs) == 1 else GROUPS:
        fits = [f for f in inputs if any(_fits(kind, f) for kind in group)]
        if not fits:
            continue
        same = group == ["extreme date"] and has_dates
        variants = range(_variants(group[0])) if FULL or same and lists else [seed % _variants(group[0])]
        turns = range(min(3, max([len(f.offered) for f in lists if same] + [1])))
        for variant in variants:
            for turn in turns:
                changes = {f.name: [f.offered[turn % len(f.offered)]] for f in lists if turn}
                for index, f in enumerate(fits):
                    kinds = [kind for kind in group if _fits(kind, f)]
                    kind = kinds[index % len(kinds)]
                    changes[f.name] = junk_for(f, kind, variant + (0 if same else index), base[f.name], foreign)
                send(f"all fields: {' / '.join(group)}" + (f" #{variant}.{turn}" if same else ""), changes)
    return attempts


# --- Sending, undone ---------------------------------------------------------------------


def _stored_rows() -> list:
    """Rows of everything the app's pages store (one query): cases, referrals, partners."""
    tables = [
        model._meta.db_table
        for label in ("cases", "referrals", "partners", "organisations")
        for model in apps.get_app_config(label).get_models()
        if model._meta.managed and not model._meta.proxy
    ]
    # Table names from the models, no input.
    select = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(table)})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}")
        return list(zip(tables, cursor.fetchone(), strict=True))


class Walk:
    """One visitor's walk. Every request is undone; all problems are collected, not just the first."""

    def __init__(self, client, visitor: str, world):
        self.client = client
        self.visitor = visitor
        self.world = world
        self.problems: list[str] = []
        self.sent = 0

    def check(self, method: str, url: str, response, label: str, before=None) -> None:
        status = response.status_code
        if status >= 500:
            error = getattr(response, "exc_info", None)
            cause = f" {error[0].__name__}: {str(error[1])[:200]}" if error else ""
            self.problems.append(f"{self.visitor} {method} {url[:300]} [{label}]: {status}{cause}")
            return
        if before is None:
            return
        changed = [f"{table} {b}->{a}" for (table, b), (_t, a) in zip(before, _stored_rows(), strict=True) if a != b]
        if not changed:
            return
        if status in (200, 400) and any(marker in response.text for marker in ERROR_MARKERS):
            self.problems.append(f"{self.visitor} {method} {url} [{label}]: refused, but stored {changed}")
        location = response.get("Location", "")
        if status in (301, 302, 303) and location.startswith("/") and not location.startswith("/inloggen/"):
            # Stored: the page it leads to must open, with what was stored on it.
            page = self.client.get(location)
            if page.status_code >= 500:
                self.problems.append(f"{self.visitor} {method} {url} [{label}] -> GET {location}: {page.status_code}")

    def send(self, method: str, path: str, data, label: str):
        """Send and undo: the database rolls back to before, the cookies come back."""
        cookies = copy.deepcopy(self.client.cookies)
        savepoint = transaction.savepoint_create()
        self.sent += 1
        try:
            if method == "post":
                before = _stored_rows()
                response = self.client.post(path, urlencode(data, doseq=True), content_type=FORM_ENCODED)
                self.check("POST", path, response, label, before)
            else:
                query = data if isinstance(data, str) else urlencode(data, doseq=True)
                url = f"{path}?{query}" if query else path
                response = self.client.get(url)
                self.check("GET", url, response, label)
        finally:
            transaction.savepoint_rollback(savepoint)
            self.client.cookies = cookies
        return response


# --- The world ---------------------------------------------------------------------------


@pytest.fixture
def junk_world(request, service, other_service, other_coordinator, coordinator, mediator, partner, make_case):
    """The matrix's world, with something in every part of the case page.

    The referred case gets a conversation, a disclosure consent and an accompaniment (their
    forms show only then); a second case waits in a pre-trajectory; a third went back to
    intake with its pre-trajectory still running (the "stop" button); a fourth has ended
    (erasing a resident). Another service has rows of every kind, whose ids are sent as junk.
    """
    world, today = request.getfixturevalue("matrix_world"), timezone.localdate()
    case, party = world["case"], world["party"]
    conversation_log(
        case=case,
        actor=coordinator,
        kind=ConversationKind.INTAKE_A,
        held_on=today,
        mediators=[mediator],
        parties=[party],
    )
    care = PartnerOrganisationFactory(service=service, name="Zorggroep Aland", kind=OrganisationKind.CARE_PROVIDER)
    disclosure_consent_record(
        party=party, organisation=care, actor=coordinator, given_on=today, method=DisclosureMethod.SPOKEN
    )
    accompaniment_start(party=party, organisation=care, actor=coordinator, care_worker_name="Hanna Hulp")
    ContactPersonFactory(organisation=partner, name="Carla Contact")
    WorkingAgreementFactory(organisation=partner)
    police = PartnerOrganisationFactory(service=service, name="Politie Aland", kind=OrganisationKind.POLICE)
    review_on = today + dt.timedelta(days=28)
    standby = make_case(channel=Channel.PHONE, referrer_organisation=police)
    pre_trajectory_start(case=standby, actor=coordinator, lead_organisation=police, review_on=review_on)
    back = make_case(channel=Channel.PHONE, referrer_organisation=police)
    pre_trajectory_start(case=back, actor=coordinator, lead_organisation=police, review_on=review_on)
    case_transition(case=back, to_status=CaseStatus.INTAKE, actor=coordinator, reason="Toch al")
    # A neighbour who refuses: the case page offers to end the case or go on without them.
    refusing = party_add(case=back, actor=coordinator, data={"side": "B", "name": "Weigerende Buur"})
    party_set_participation(party=refusing, actor=coordinator, participation=Participation.REFUSED)
    # A case in mediation with an agreement: its judgement form shows only then.
    agreed = make_case()
    for status in (CaseStatus.INTAKE, CaseStatus.SUITABLE, CaseStatus.IN_MEDIATION):
        agreed = case_transition(case=agreed, to_status=status, actor=coordinator)
    conversation_log(
        case=agreed, actor=coordinator, kind=ConversationKind.JOINT, held_on=today, agreements=["Junk afspraak"]
    )
    ended = make_case()  # an ended case: its residents may be erased
    reason = UnsuitabilityReason.objects.filter(service=service).first()
    case_transition(case=ended, to_status=CaseStatus.UNSUITABLE, actor=coordinator, unsuitability_reason=reason)
    # An intervision and an acquaintance: their remove buttons show only then (#19).
    IntervisionAttendance.objects.create(mediator=mediator, attended_on=today)
    MediatorAcquaintance.objects.create(mediator=mediator, party=party, note="Junk bekende")
    for name in ("Aland", "Aland-Oost"):  # two municipalities: the figures page offers a choice
        NeighbourhoodFactory(service=service, name=f"Wijk {name}", municipality=MunicipalityFactory(service=service))

    organisation = PartnerOrganisationFactory(service=other_service, name="Woonstichting Beland")
    elsewhere = make_case(service=other_service, actor=other_coordinator)
    foreign = [
        organisation.pk,
        ContactPersonFactory(organisation=organisation).pk,
        NeighbourhoodFactory(service=other_service, name="Beland-Noord").pk,
        MediatorProfileFactory(service=other_service).pk,
        *elsewhere.parties.values_list("pk", flat=True),
        *ConflictType.objects.filter(service=other_service).values_list("pk", flat=True)[:2],
        elsewhere.pk,
    ]
    # The lightest pages first: a form that shows on several case pages is tried on the first.
    cases = [ended, standby, back, agreed, case]
    return {**world, "cases": cases, "foreign": foreign, "elsewhere": elsewhere}


def walk_as(client, world, visitor: str) -> Walk:
    user = world["users"]["coordinator" if visitor == "password_only" else visitor]
    if user is not None:
        client.force_login(user)  # with the second factor (tests/conftest.py) ...
    if visitor == "password_only":
        session = client.session
        session.pop(DEVICE_ID_SESSION_KEY)  # ... but not for this one
        session.save()
    client.raise_request_exception = False  # a server error is an answer to look at
    return Walk(client, visitor, world)


# --- Exploring ---------------------------------------------------------------------------


def walkers_for(name: str) -> list[str]:
    policy = POLICIES[name][0]
    if policy is PUBLIC:
        return ["anonymous"]
    walkers = [visitor for visitor in WALKERS if policy.get(visitor) == "ok"]
    try:
        asks_second_factor = getattr(resolve(reverse(name)).func, "second_factor_exempt", False)
    except NoReverseMatch:
        asks_second_factor = False
    return [*walkers, "password_only"] if asks_second_factor else walkers


def pages_for(pattern: str, name: str, world) -> list[str]:
    """The addresses of one named page: for each case of the world where it takes a reference."""
    if "<str:reference>" not in pattern:
        return [url_for(pattern, name, world)]
    return [url_for(pattern, name, {**world, "case": case, "party": case.parties.first()}) for case in world["cases"]]


def reach(client, url: str):
    """Open a page; a flow of steps (the self-report) is gone through with plausible answers.

    Returns the answer and the address it is the answer of (where relative actions lead).
    """
    today = timezone.localdate()
    response = client.get(url)
    for _step in range(8):
        location = response.get("Location", "")
        if response.status_code not in (301, 302) or not location.startswith("/") or location.startswith("/inloggen/"):
            return response, url
        if urlsplit(location).path == urlsplit(url).path:
            return client.get(location), location
        step = client.get(location)
        path = urlsplit(location).path
        own = [f for f in parse(location, step.text).forms if f.method == "post" and urlsplit(f.action).path == path]
        if step.status_code != 200 or not own:
            return response, url
        data = {f.name: plausible(f, today) for f in own[0].fields.values()}
        response = client.post(own[0].action, urlencode(data, doseq=True), content_type=FORM_ENCODED)
        url = own[0].action if response.status_code == 200 else url
    return response, url


def choice_variants(form: Form, today: dt.date, limit: int = 5) -> list[dict]:
    """A GET form (the consent gate, a filter) sent with each of its choices in turn, radio
    buttons first: questions whose answers decide what comes next."""
    base = {f.name: plausible(f, today) for f in form.inputs}
    variants = [base]
    for f in sorted(form.inputs, key=lambda f: f.kind != "radio"):
        if f.kind in ("select", "radio"):
            variants += [{**base, f.name: [option]} for option in f.options if [option] != base[f.name]]
    return variants[:limit]


@dataclass
class Found:
    pages: list = field(default_factory=list)  # (name, url, status of a GET)
    forms: list = field(default_factory=list)
    params: dict = field(default_factory=dict)  # url name -> {parameter: a value seen}

    @property
    def actions(self) -> set:
        return {resolve_name(form.action) for form in self.forms if form.method == "post"}

    @property
    def statuses(self) -> dict:
        """Url name -> the statuses its GET answered this visitor."""
        answers = {}
        for name, _url, status in self.pages:
            answers.setdefault(name, set()).add(status)
        return answers

    def is_new(self, form: Form) -> bool:
        """A form not seen yet; one with the same action and a subset of the fields is not new."""
        name = resolve_name(form.action)
        return not any(
            seen.method == form.method and resolve_name(seen.action) == name and set(form.fields) <= set(seen.fields)
            for seen in self.forms
        )


def explore(walk: Walk, *, on_form=None) -> Found:
    """Every page this visitor may open, the forms on it and behind its GET forms, its links.

    `on_form(form)` runs for each new form right away, while the page's state (a step of the
    self-report, its signed token) is still the one the form was made for.
    """
    found, today, client = Found(), timezone.localdate(), walk.client

    def take(url, response, behind_a_form=False):
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return
        parsed = parse(url, response.text)
        for link in parsed.links:
            parts = urlsplit(link)
            name = resolve_name(link) if parts.query and not parts.netloc else None
            if name:
                found.params.setdefault(name, {}).update(parse_qsl(parts.query, keep_blank_values=True))
        for form in parsed.forms:
            if not found.is_new(form):
                continue
            found.forms.append(form)
            if on_form is not None:
                on_form(form)
            if form.method == "get" and not behind_a_form:
                for data in choice_variants(form, today):
                    query = urlencode(data, doseq=True)
                    take(f"{form.action}?{query}", client.get(f"{form.action}?{query}"), behind_a_form=True)

    for pattern, name in APP_URLS:
        if walk.visitor not in walkers_for(name):
            continue
        for url in pages_for(pattern, name, walk.world):
            response, shown = reach(client, url)
            found.pages.append((name, url, response.status_code))
            walk.check("GET", url, response, "the page itself")
            if response.status_code == 405:
                break  # POST only: reached through the forms that send to it
            take(shown, response)
    return found


def fuzz_form(walk: Walk, form: Form) -> None:
    path = urlsplit(form.action).path
    for attempt in attempts_for(form, today=timezone.localdate(), foreign=walk.world["foreign"]):
        data = attempt.data
        if form.method == "post" and form.csrf and "csrfmiddlewaretoken" not in data:
            data = {"csrfmiddlewaretoken": [form.csrf], **data}
        walk.send(form.method, path, data, attempt.label)


def fuzz_addresses(walk: Walk, found: Found) -> None:
    """Junk in each part of each address the visitor may use, and junk query strings."""
    world = walk.world
    foreign = {"reference": [world["elsewhere"].reference], "int": [str(pk) for pk in world["foreign"][:2]]}
    for pattern, name in APP_URLS:
        if walk.visitor not in walkers_for(name):
            continue
        method = POLICIES[name][1]
        real = url_for(pattern, name, world)
        kwargs = {key: quote(str(value), safe="") for key, value in resolve(real).kwargs.items()}
        for turn, (converter, key) in enumerate(re.findall(r"<(?:(\w+):)?(\w+)>", pattern)):
            kind = "int" if converter == "int" else "str"
            # Two of the junk values, taking turns over the addresses (pages share their lookups).
            start = zlib.crc32(name.encode()) + turn
            values = PATH_JUNK[kind] if FULL else [PATH_JUNK[kind][(start + i) % len(PATH_JUNK[kind])] for i in (0, 1)]
            for junk in values + foreign.get(key, foreign["int"] if kind == "int" else []):
                parts = {**kwargs, key: junk}
                path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m, parts=parts: parts[m.group(1)], pattern)
                walk.send(method, path, {}, f"{key}={junk[:20]}")
        if method != "get":
            continue
        # Query strings: the parameters links to it carry (its GET forms had theirs), then
        # the usual suspects.
        params = found.params.get(name, {})
        if params:
            fields = {key: Field(name=key, kind="text", values=[value]) for key, value in params.items()}
            fuzz_form(walk, Form(method="get", action=real, fields=fields))
        walk.send("get", real, QUERY_JUNK, "the usual suspects")
        for index, cursor in enumerate(CURSOR_JUNK):
            walk.send("get", real, {("after", "before")[index % 2]: cursor}, f"cursor #{index}")


# --- The tests ---------------------------------------------------------------------------

# What the first test's walks found, for the two after it (which walk again if run alone).
_FOUND: dict[str, "Found"] = {}


@pytest.mark.parametrize("visitor", WALKERS)
def test_no_form_answers_junk_with_a_server_error(client, junk_world, visitor):
    walk = walk_as(client, junk_world, visitor)
    found = explore(walk, on_form=lambda form: fuzz_form(walk, form))
    for pattern, name in APP_URLS:
        if name in UNREACHABLE and visitor in walkers_for(name):
            fuzz_form(walk, Form(method="post", action=url_for(pattern, name, junk_world)))
    _FOUND[visitor] = found
    assert found.forms or visitor == "admin", f"{visitor} found no forms at all"
    assert not walk.problems, f"{len(walk.problems)} wrong answers to junk:\n" + "\n".join(walk.problems[:60])


@pytest.mark.parametrize("visitor", WALKERS)
def test_no_address_or_query_string_answers_junk_with_a_server_error(client, junk_world, visitor):
    walk = walk_as(client, junk_world, visitor)
    found = _FOUND[visitor] if visitor in _FOUND else explore(walk)
    fuzz_addresses(walk, found)
    assert walk.sent > 0
    assert not walk.problems, f"{len(walk.problems)} wrong answers to junk:\n" + "\n".join(walk.problems[:60])


def test_the_walk_reaches_every_post_only_page_through_a_form(client, junk_world):
    """So no POST-only page escapes the junk; what cannot be reached is listed, with why."""
    for visitor in WALKERS:
        if visitor not in _FOUND:  # run alone: walk again, without the junk
            client.logout()
            _FOUND[visitor] = explore(walk_as(client, junk_world, visitor))
    reached = set().union(*(found.actions for found in _FOUND.values()))
    answers = {}
    for found in _FOUND.values():
        for name, statuses in found.statuses.items():
            answers.setdefault(name, set()).update(statuses)
    post_only = {name for name, statuses in answers.items() if statuses == {405}}
    assert {"cases:transition", "partners:consent_record"} <= post_only  # the walk sees them as such
    missing = post_only - reached - set(UNREACHABLE)
    assert not missing, f"no form sends to {sorted(missing)}: add what shows it to junk_world, or to UNREACHABLE"
    stale = set(UNREACHABLE) & reached
    assert not stale, f"{sorted(stale)} are reached now: take them off UNREACHABLE"
    assert set(UNREACHABLE) <= post_only


# --- What the walk found, kept as plain tests ---------------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_an_own_figures_period_near_the_year_1_or_9999_is_refused_at_its_field(login, coordinator, day):
    period = {"period": "custom", "start": day, "end": day}
    page = login(coordinator).get(reverse("figures:overview"), period)
    assert page.status_code == 200 and "Kies een dag tussen 1 januari 1990 en 31 december" in page.text
    assert login(coordinator).get(reverse("figures:export", args=["csv"]), period).status_code == 400


@pytest.mark.parametrize(
    ("sort", "values"),
    [("", [None, None]), ("", ["2026-01-01", 2**70]), ("status", ["\x00", "2026-01-01", 1]), ("status", [None] * 3)],
)
def test_a_paging_cursor_no_list_made_shows_the_first_page(login, coordinator, referrer, case, sort, values):
    """Empty values made a 500 everywhere, a NUL byte on PostgreSQL: the cursor is ignored now."""
    for direction in ("after", "before"):
        query = {"sort": sort, direction: _cursor(values)} if sort else {direction: _cursor(values)}
        page = login(coordinator).get(reverse("cases:list"), query)
        assert page.status_code == 200 and case.reference in page.text
        if not sort:
            assert login(referrer).get(reverse("referrals:list"), query).status_code == 200


def test_a_username_longer_than_any_account_s_is_refused_at_its_field(client, db):
    """It went on to the failed-login record, a column PostgreSQL keeps to 255 characters."""
    page = client.post(reverse("login"), {"username": "x" * 10_000, "password": "een-wachtwoord"})
    assert page.status_code == 200 and "niet meer dan 150 tekens" in page.text


def test_a_nul_byte_in_a_case_reference_is_not_found_and_logged_as_asked(login, coordinator):
    from buurtbemiddeling.models import AccessLog

    client = login(coordinator)
    assert client.get("/zaken/a%00b/").status_code == 404
    assert client.post("/verwijzingen/zaak/a%00b/bevestigen/").status_code == 404
    assert AccessLog.objects.filter(object_id="a\ufffdb", allowed=False).exists()
