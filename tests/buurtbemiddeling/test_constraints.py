"""Check constraints decided in Python say what the database says (buurtbemiddeling/constraints.py).

For every check constraint of every model of ours: the fields its condition names get
each kind of value a form or a bug could put there (every choice, an unknown value, empty,
NULL, dates and numbers on both sides of a bound), in combination; Django's own query and
the Python evaluation must agree on each, NULL as SQL's "unknown" included.
"""

import datetime as dt
import itertools
import random
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import CheckConstraint
from django.test.utils import CaptureQueriesContext

from buurtbemiddeling.constraints import Unsupported, evaluate
from cases.constants import CaseStatus, Channel
from cases.factories import case_kwargs
from cases.models import Case

OUR_APPS = {"buurtbemiddeling", "cases", "partners", "referrals", "organisations", "reports", "selfreport"}
COMBINATIONS_PER_CONSTRAINT = 80


def candidates(field) -> list:
    values = [None]
    if field.is_relation:
        return [None, 1]
    if field.choices:
        values += [value for value, _label in field.flatchoices] + ["", "onbekend"]
    elif isinstance(field, models.DateTimeField):
        moment = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
        values += [moment - dt.timedelta(days=1), moment, moment + dt.timedelta(seconds=1)]
    elif isinstance(field, models.DateField):
        values += [dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2026, 3, 2)]
    elif isinstance(field, models.BooleanField):
        values += [True, False]
    elif isinstance(field, models.DecimalField):
        values += [Decimal("-1"), Decimal(0), Decimal(1)]
    elif isinstance(field, models.IntegerField):
        values += [-1, 0, 1, 999, 1000, 5000, 9999, 10000]
    else:
        values += ["", "x", "closed"]
    return values


def check_constraints():
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        for constraint in model._meta.constraints:
            if type(constraint) is CheckConstraint:
                yield pytest.param(model, constraint, id=constraint.name)


@pytest.mark.parametrize(("model", "constraint"), list(check_constraints()))
def test_python_and_the_database_agree_on_every_check_constraint(db, model, constraint):
    names = sorted({name for name, *_ in model._get_expr_references(constraint.condition)})
    fields = [model._meta.get_field(name) for name in names]
    combinations = list(itertools.product(*(candidates(field) for field in fields)))
    random.Random(constraint.name).shuffle(combinations)
    compared = 0
    for values in combinations[:COMBINATIONS_PER_CONSTRAINT]:
        instance = model()
        for field, value in zip(fields, values, strict=True):
            setattr(instance, field.attname, value)
        try:
            in_python = evaluate(constraint.condition, instance) is not False
        except Unsupported:
            continue
        try:
            constraint.validate(model, instance)
        except ValidationError:
            in_database = False
        else:
            in_database = True
        assert in_python == in_database, f"{constraint.name} with {dict(zip(names, values, strict=True))}"
        compared += 1
    # Every constraint of ours is simple enough to be decided in Python (else: a query each save).
    assert compared, f"{constraint.name} is never decided in Python"


def test_a_refused_check_is_the_same_error_as_before(db, service):
    case = Case(**{k: v for k, v in case_kwargs(service=service).items() if k not in ("actor", "parties")})
    case.reference, case.year, case.sequence = "AL-2026-00001", 2026, 1
    case.status = CaseStatus.CLOSED  # closed without an outcome and a closing date
    with pytest.raises(ValidationError) as refused:
        case.full_clean()
    constraint = next(c for c in Case._meta.constraints if c.name == "case_closed_has_outcome")
    assert refused.value.messages == [str(constraint.get_violation_error_message())]


def test_saving_through_full_clean_asks_the_database_nothing_for_simple_checks(db, service):
    case = Case(**{k: v for k, v in case_kwargs(service=service).items() if k not in ("actor", "parties")})
    case.reference, case.year, case.sequence = "AL-2026-00001", 2026, 1
    case.channel = Channel.PHONE
    with CaptureQueriesContext(connection) as queries:
        case.full_clean()
    assert not [q for q in queries.captured_queries if "_check" in q["sql"]]


def test_a_foreign_key_read_from_the_database_is_not_looked_up_again_a_bare_id_is(db, service, coordinator):
    case = Case(**{k: v for k, v in case_kwargs(service=service).items() if k not in ("actor", "parties")})
    case.reference, case.year, case.sequence = "AL-2026-00001", 2026, 1
    case.coordinator = coordinator
    with CaptureQueriesContext(connection) as queries:
        case.full_clean()
    lookups = [q["sql"] for q in queries.captured_queries if 'SELECT 1 AS "a"' in q["sql"]]
    assert not any("mediationservice" in sql or "buurtbemiddeling_user" in sql for sql in lookups), lookups

    case.coordinator_id = 10**9  # a bare id of no one
    with pytest.raises(ValidationError) as refused:
        case.full_clean()
    assert "coordinator" in refused.value.message_dict
