"""The real course content for tests, loaded through `load_content` once per test process.

Loading parses and renders every file (seconds of work); a test only needs the rows. The
first load into a database without content records the rows it wrote, and later tests
get the same rows copied back in, inside their own transaction like anything else they
write: on PostgreSQL with COPY, in the format COPY wrote them out (a tenth of a second
less than bulk inserts, for each of the hundred-odd tests that ask for the content), else
with bulk inserts.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

# reversion: load_content records a baseline revision of every page.
CONTENT_APPS = {"lessons", "cases", "quizzes", "site", "lab", "reversion"}

_recorded: list[tuple] | None = None
# PostgreSQL: (table, columns, rows in COPY's text format) per recorded model, and the ids
# the content types they name had when they were written out (natural key -> id).
_copied: list[tuple[str, str, bytes]] | None = None
_copied_types: dict[tuple, int] = {}


def _content_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and model._meta.app_label in CONTENT_APPS
    ]


def _holds_content() -> bool:
    tables = [connection.ops.quote_name(m._meta.db_table) for m in _content_models()]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + " OR ".join(f"EXISTS (SELECT 1 FROM {t})" for t in tables))
        return bool(cursor.fetchone()[0])


def load_course_content() -> None:
    """Make the course content present in the test database, as `make run` loads it."""
    global _recorded, _copied, _copied_types
    if _holds_content():
        call_command("load_content", verbosity=0)  # on top of what a test made: the real path
    elif _recorded is not None:
        _copy_back(_recorded)
    else:
        call_command("load_content", verbosity=0)
        _recorded = _record()
        if connection.vendor == "postgresql":
            _copied, _copied_types = _copy_out(_recorded)


def _record() -> list[tuple]:
    """(model, field names, rows) for every content model with rows, each model after the
    models it points to and its rows in id order, so they can be inserted back as they are.
    A content type is kept by its natural key: a flush (live-server tests) empties that
    table, and the types come back with new ids."""
    recorded = []
    for model in _in_dependency_order(_content_models()):
        names = [field.attname for field in model._meta.concrete_fields]
        rows = list(model._base_manager.order_by("pk").values_list(*names))
        if rows:
            typed = [i for i, f in enumerate(model._meta.concrete_fields) if _is_type(f)]
            rows = [_swap(row, typed, lambda pk: _natural_key(pk)) for row in rows]
            recorded.append((model, names, rows, typed))
    return recorded


def _is_type(field) -> bool:
    return field.related_model is ContentType


def _natural_key(pk):
    return None if pk is None else ContentType.objects.get_for_id(pk).natural_key()


def _type_id(key):
    # get_for_model makes the type again when a flush has removed it.
    return None if key is None else ContentType.objects.get_for_model(apps.get_model(*key)).pk


def _swap(row: tuple, positions: list[int], convert) -> tuple:
    if not positions:
        return row
    row = list(row)
    for i in positions:
        row[i] = convert(row[i])
    return tuple(row)


def _in_dependency_order(models: list) -> list:
    ordered: list = []

    def visit(model, seen=()):
        if model in ordered or model in seen:
            return
        for field in model._meta.concrete_fields:
            target = field.related_model
            if target is not None and target is not model and target in models:
                visit(target, (*seen, model))
        ordered.append(model)

    for model in models:
        visit(model)
    return ordered


def _copy_out(recorded: list[tuple]) -> tuple[list[tuple[str, str, bytes]], dict[tuple, int]]:
    copied, types = [], {}
    with connection.cursor() as cursor:
        for model, _names, rows, typed in recorded:
            table = connection.ops.quote_name(model._meta.db_table)
            columns = ", ".join(
                connection.ops.quote_name(field.column) for field in model._meta.concrete_fields
            )
            pk = connection.ops.quote_name(model._meta.pk.column)
            query = f"COPY (SELECT {columns} FROM {table} ORDER BY {pk}) TO STDOUT"
            with cursor.copy(query) as copy:
                copied.append((table, columns, b"".join(bytes(block) for block in copy)))
            for row in rows:
                for i in typed:
                    if row[i] is not None:
                        types[row[i]] = _type_id(row[i])
    return copied, types


def _copy_back(recorded: list[tuple]) -> None:
    # Foreign keys are checked at commit on PostgreSQL and SQLite alike, so order is free.
    ContentType.objects.clear_cache()  # the table may have been emptied since
    if _copied is not None and all(_type_id(k) == pk for k, pk in _copied_types.items()):
        with connection.cursor() as cursor:
            for table, columns, data in _copied:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    copy.write(data)
    else:
        for model, names, rows, typed in recorded:
            model._base_manager.bulk_create(
                [
                    model(**dict(zip(names, _swap(row, typed, _type_id), strict=True)))
                    for row in rows
                ]
            )
    # The ids were given explicitly; move each sequence past them so later inserts fit.
    models = [model for model, *_ in recorded]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
