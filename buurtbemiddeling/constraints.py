"""Check constraints validated in Python, without a round trip to the database (#21).

`Model.full_clean()` validates each `CheckConstraint` with a query of its own
(``SELECT 1 WHERE COALESCE(<condition>, true)``, inside a savepoint on PostgreSQL: three
statements). Registering a phone report with two parties made 24 of its 58 statements that
way. Our conditions are simple (a value among the choices, a date not before another, a field
empty or filled), so `evaluate` works them out on the instance itself, with SQL's rules:
a comparison with NULL is unknown, and a check that comes out unknown passes.

Anything it does not know (another lookup, a function, a related field's column) it leaves to
Django's own query, so a new constraint is never skipped. The database still enforces every
constraint on write; this is only the early, readable refusal. A test compares the two ways
for every check constraint of every model, NULLs included (tests/buurtbemiddeling/test_constraints.py).
"""

import operator

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import router
from django.db.models import F, Q
from django.db.models.constraints import CheckConstraint


class Unsupported(Exception):
    """The condition needs the database to be evaluated."""


_COMPARE = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


def evaluate(condition, instance) -> bool | None:
    """True, False or None (SQL's unknown) for a check constraint's condition on an instance.

    Raises Unsupported for what only the database can say.
    """
    if isinstance(condition, Q):
        results = [evaluate(child, instance) for child in condition.children]
        if condition.connector == Q.AND:
            result = False if False in results else (None if None in results else True)
        elif condition.connector == Q.OR:
            result = True if True in results else (None if None in results else False)
        else:
            raise Unsupported(condition.connector)
        return None if result is None else (not result if condition.negated else result)
    if isinstance(condition, tuple) and len(condition) == 2:
        return _lookup(instance, *condition)
    raise Unsupported(condition)


def _column_value(instance, name: str):
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist as error:
        raise Unsupported(name) from error
    if not field.concrete or field.many_to_many:
        raise Unsupported(name)
    return field, getattr(instance, field.attname)


def _lookup(instance, lookup: str, value) -> bool | None:
    name, _, op = lookup.partition("__")
    op = op or "exact"
    if op not in ("exact", "in", "isnull", *_COMPARE):
        raise Unsupported(lookup)
    field, actual = _column_value(instance, name)
    if isinstance(value, F):
        _other, value = _column_value(instance, value.name)
    elif hasattr(value, "resolve_expression"):
        raise Unsupported(lookup)
    if op == "isnull":
        return (actual is None) is bool(value)
    if field.is_relation and op != "exact":
        raise Unsupported(lookup)
    if op == "exact" and value is None:  # Django reads `field=None` as IS NULL
        return actual is None
    if actual is None:
        return None
    try:
        if op == "exact":
            return None if value is None else actual == value
        if op == "in":
            values = list(value)
            if actual in values:
                return True
            return None if None in values else False
        return None if value is None else _COMPARE[op](actual, value)
    except TypeError as error:  # values of types Python cannot compare: let the database say
        raise Unsupported(lookup) from error


def validate_constraints(instance, exclude=None) -> None:
    """Django's `Model.validate_constraints`, with simple check constraints decided in Python."""
    using = router.db_for_write(instance.__class__, instance=instance)
    errors: dict = {}
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                if type(constraint) is CheckConstraint:
                    _validate_check(constraint, model_class, instance, exclude, using)
                else:
                    constraint.validate(model_class, instance, exclude=exclude, using=using)
            except ValidationError as error:
                if getattr(error, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                    errors.setdefault(constraint.fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _validate_check(constraint: CheckConstraint, model_class, instance, exclude, using) -> None:
    if exclude and constraint._expression_refs_exclude(model_class, constraint.condition, exclude):
        return
    try:
        result = evaluate(constraint.condition, instance)
    except Unsupported:
        constraint.validate(model_class, instance, exclude=exclude, using=using)
        return
    if result is False:
        raise ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)


def _loaded_from_the_database(instance, field) -> bool:
    """The related row is on the instance, as read from the database: it exists."""
    if not (field.many_to_one or field.one_to_one) or not field.is_cached(instance):
        return False
    related = field.get_cached_value(instance)
    return (
        related is not None
        and not related._state.adding
        and related.pk == getattr(instance, field.attname)
        and not field.get_limit_choices_to()
    )


class ChecksInPython:
    """Model mixin: `full_clean` without a query for what the instance already knows.

    Simple check constraints are decided in Python (above). A foreign key whose row is on the
    instance, read from the database (a service, a case, a user the service function was
    given), is not looked up again: Django's `ForeignKey.validate` asks the database whether
    it exists, once per key per save. A key given as a bare id, or a row not yet saved, is
    still checked; the database's own foreign key stays the last word.
    """

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        exclude.update(
            field.name
            for field in self._meta.concrete_fields
            if field.is_relation and field.name not in exclude and _loaded_from_the_database(self, field)
        )
        super().clean_fields(exclude)

    def validate_constraints(self, exclude=None):
        validate_constraints(self, exclude)
