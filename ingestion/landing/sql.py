"""The SQL landing runs: typing a stream's fields, and the reasons a record cannot land.

Landing first builds a working table ``__landing`` that has exactly the raw table's columns
(the contract fields, typed, and the landing columns) plus its own book-keeping columns, whose
names start with ``__`` and so can never meet a contract field. Producer fields reach SQL only
through expressions built here (a JSONL record is parsed into a struct of the contract fields;
a Parquet file's columns are renamed by position before SQL sees them), so whatever a producer
calls its fields (``_line``, ``_reason``, ``__drop``, ``filename``), the validation, the line
numbers and the book-keeping are landing's own.

Rules every record must pass, in order (the first that fails is the quarantine reason):
the stream's key fields are set, non-blank and a string or a number (a timestamp key must
parse); a batch's child list is a JSON array whose every element has its key; every typed
field the producer sent can be read as its type.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ingestion.streams import BOOLEAN, JSON, TIMESTAMP, VARCHAR, Stream
from ingestion.warehouse import quote

SCALAR_JSON_TYPES = ("VARCHAR", "BIGINT", "UBIGINT", "DOUBLE")
# Book-keeping columns of the working table, after the raw table's own columns.
WORKING_COLUMNS = ("__file_index", "__reason", "__text", "__drop")
# Text that may hide what DuckDB's JSON reader accepts but JSON does not (NaN, Infinity, a
# trailing comma): lines matching it are checked again by Python's strict parser.
LENIENT_JSON_PATTERN = r"NaN|Infinity|,\s*[\]}]"


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def typed_from_text(expr: str, dtype: str) -> str:
    """A VARCHAR/JSON expression cast to the raw column type (NULL when it cannot be)."""
    if dtype in (VARCHAR, JSON):
        return expr
    if dtype == TIMESTAMP:
        return f"cast(try_cast({expr} as timestamptz) as timestamp)"
    return f"try_cast({expr} as {dtype})"


def json_struct_spec(stream: Stream) -> str:
    """``from_json`` structure of a stream's fields: nested objects as JSON, the rest as text."""
    spec = {name: ("JSON" if dtype == JSON else "VARCHAR") for name, dtype in stream.fields}
    return json.dumps(spec)


def extra_patch(stream: Stream) -> str:
    """A JSON merge patch that removes every contract field, leaving the producer's extras."""
    return json.dumps({name: None for name in stream.field_names})


def child_ids(array_expr: str, child: str) -> str:
    """The ``child`` key of every element of a JSON array, each as JSON text (one parse of the
    array): a string is ``"…"``, a number starts with a digit or ``-``, a missing key is null."""
    return f"list_transform(json_transform({array_expr}, {sql_str(json.dumps([{child: 'JSON'}]))}), lambda e: e.{quote(child)})"


def reason_branches(
    stream: Stream,
    value: Callable[[str], str],
    typed: Callable[[str], str],
    key_type_check: Callable[[str], str | None],
    children: str | None = None,
) -> list[str]:
    """CASE branches (in order) naming why a record cannot land; shared by JSONL and Parquet.

    ``value(name)`` is the field as sent (text or JSON), ``typed(name)`` the typed value, and
    ``key_type_check(name)`` a SQL condition that is true when the key is not a string or a
    number, with its message (or None when the source's types make that impossible);
    ``children`` names a column holding :func:`child_ids` of the child list (computed once).
    """
    branches = []
    for key in stream.key:
        branches.append(
            f"when {value(key)} is null or trim(cast({value(key)} as varchar)) = '' then 'missing key {key}'"
        )
        check = key_type_check(key)
        if check:
            branches.append(check)
        if stream.field_type(key) != VARCHAR:
            branches.append(
                f"when {typed(key)} is null then 'key {key}: cannot read ' || "
                f"left(cast({value(key)} as varchar), 80) || ' as {stream.field_type(key)}'"
            )
    if stream.child_key:
        list_field, child = stream.child_key
        arr = value(list_field)
        children = children or child_ids(arr, child)
        branches.append(
            f"when {arr} is not null and json_type({arr}) <> 'ARRAY' then '{list_field} is not a JSON array'"
        )
        branches.append(
            f"when {arr} is not null and len(list_filter({children}, lambda i: i is null or trim(i, '\" ') = '')) > 0 "
            f"then 'an element of {list_field} lacks its key {child}'"
        )
        branches.append(
            f"when {arr} is not null and len(list_filter({children}, lambda i: not (i like '\"%' "
            f"or regexp_matches(i, '^-?[0-9]')))) > 0 "
            f"then 'an element of {list_field} has a {child} that is not a string or a number'"
        )
    for name, dtype in stream.fields:
        if dtype in (VARCHAR, JSON) or name in stream.key:
            continue
        branches.append(
            f"when {value(name)} is not null and {typed(name)} is null "
            f"then 'field {name}: cannot read ' || left(cast({value(name)} as varchar), 80) || ' as {dtype}'"
        )
    return branches


def working_select(
    stream: Stream, typed: Callable[[str], str], extra: str, reason: str, text: str, loaded_at: str
) -> str:
    """The select list of the working table (raw columns, then book-keeping columns)."""
    parts = [f"{typed(name)} as {quote(name)}" for name in stream.field_names]
    parts += [
        f"{extra} as _extra",
        "__file as _file",
        "__line as _line",
        "__file_hash as _file_hash",
        f"cast('{loaded_at}' as timestamp) as _loaded_at",
        "__file_index",
        f"{reason} as __reason",
        f"{text} as __text",
        "cast(null as varchar) as __drop",
    ]
    return ",\n    ".join(parts)


def jsonl_working_table(stream: Stream, loaded_at: str) -> str:
    """``__landing`` from ``__lines`` (file index, line, text, pre-reason) joined to ``__files``."""

    def value(name: str) -> str:
        return f"__s.{quote(name)}"

    field_index = {name: i for i, name in enumerate(stream.field_names)}
    cast_fields = [name for name, dtype in stream.fields if dtype not in (VARCHAR, JSON)]

    def typed(name: str) -> str:
        # typed once, in the `typed` step below, then referred to by name
        return f"__t_{field_index[name]}" if name in cast_fields else value(name)

    typed_columns = "".join(
        f", {typed_from_text(value(name), stream.field_type(name))} as __t_{field_index[name]}"
        for name in cast_fields
    )
    key_index = {key: i for i, key in enumerate(stream.key)}
    scalar_types = ", ".join(sql_str(t) for t in SCALAR_JSON_TYPES)

    def key_type_check(name: str) -> str:
        kt = f"__kt_{key_index[name]}"
        return (
            f"when {kt} not in ({scalar_types}) "
            f"then 'key {name} must be a string or a number (got ' || lower({kt}) || ')'"
        )

    key_types = ",\n        ".join(
        f"case when __json_type = 'OBJECT' then json_type(__text, {sql_str('$.' + json.dumps(key))}) end as __kt_{i}"
        for i, key in enumerate(stream.key)
    )
    contract = "[" + ", ".join(sql_str(n) for n in stream.field_names) + "]"
    children = None
    children_column = ""
    if stream.child_key:
        list_field, child = stream.child_key
        children = "__children"
        children_column = (
            f", case when json_type({value(list_field)}) = 'ARRAY' then {child_ids(value(list_field), child)} end "
            "as __children"
        )
    reasons = "\n        ".join(reason_branches(stream, value, typed, key_type_check, children))
    reason = f"""case
        when __pre_reason is not null then __pre_reason
        when not __valid then 'invalid JSON'
        when __json_type <> 'OBJECT' then 'not a JSON object (' || lower(__json_type) || ')'
        when len(__keys) <> len(list_distinct(__keys)) then 'a field appears twice in the object'
        {reasons}
    end"""
    extra = (
        f"case when __json_type = 'OBJECT' and len(list_filter(__keys, lambda k: not list_contains({contract}, k))) > 0 "
        f"then json_merge_patch(__text, {sql_str(extra_patch(stream))}) end"
    )
    # the text is kept where the line goes to the quarantine, or may be lenient JSON (checked
    # again in Python: NaN, Infinity and trailing commas are not JSON)
    text = (
        f"case when __reason_ is not null or regexp_matches(__text, {sql_str(LENIENT_JSON_PATTERN)}) "
        "then rtrim(__text, chr(10)) end"
    )
    select = working_select(stream, typed, extra, "__reason_", text, loaded_at)
    return f"""
create or replace temp table __landing as
with lines as (
    select
        __lines.__file_index, __lines.__line, __lines.__pre_reason,
        __files.__file, __files.__file_hash,
        -- each line keeps its newline (the reader's buffers)
        __lines.__text,
        __lines.__pre_reason is null and json_valid(__lines.__text) as __valid
    from __lines
    inner join __files on __lines.__file_index = __files.__file_index
),
records as (
    -- a blank line carries no record (tested only on lines that are not JSON: it is slow)
    select * from lines where __valid or __pre_reason is not null or regexp_matches(__text, '[^[:space:]]')
),
shaped as (
    select *, case when __valid then json_type(__text) end as __json_type from records
),
objects as (
    select
        *,
        case when __json_type = 'OBJECT' then from_json(__text, {sql_str(json_struct_spec(stream))}) end as __s,
        case when __json_type = 'OBJECT' then json_keys(__text) end as __keys,
        {key_types}
    from shaped
)
select
    {select}
from (select *, {reason} as __reason_ from (select *{children_column}{typed_columns} from objects))
"""


# ---------------------------------------------------------------- Parquet


_NUMBER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
_NUMBER_TYPES += tuple("U" + t for t in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"))


def _is_nested(dtype: str) -> bool:
    return dtype.startswith(("STRUCT", "MAP", "UNION")) or dtype.endswith("]")


def parquet_select(
    stream: Stream,
    source: str,
    columns: list[tuple[str, str, str]],
    *,
    file_index: int,
    file: str,
    file_hash: str,
    line: str,
    loaded_at: str,
) -> str:
    """The working rows of one Parquet file read by ``source`` (a FROM item).

    ``columns`` lists (position name, producer name, DuckDB type) of the file's columns as
    ``source`` names them; ``line`` is the SQL of the 1-based row number.
    """
    by_name: dict[str, tuple[str, str]] = {}
    by_lower: dict[str, tuple[str, str]] = {}
    for position, name, dtype in columns:
        by_name.setdefault(name, (position, dtype))
        by_lower.setdefault(name.lower(), (position, dtype))
    matched: dict[str, tuple[str, str]] = {}
    for field_name in stream.field_names:
        found = by_name.get(field_name) or by_lower.get(field_name.lower())
        if found:
            matched[field_name] = found
    used = {position for position, _ in matched.values()}
    extras = [(position, name) for position, name, _ in columns if position not in used]

    def value(name: str) -> str:
        if name not in matched:
            return "cast(null as varchar)"
        position, ptype = matched[name]
        col = quote(position)
        dtype = stream.field_type(name)
        if dtype == JSON:
            if ptype == "JSON":
                return col
            if ptype == "VARCHAR":
                return f"(case when json_valid({col}) then cast({col} as json) else to_json({col}) end)"
            return f"to_json({col})"
        if ptype == "VARCHAR":
            return col
        if _is_nested(ptype) or ptype == "JSON":
            return f"cast(to_json({col}) as varchar)"
        return f"cast({col} as varchar)"

    def typed(name: str) -> str:
        dtype = stream.field_type(name)
        if dtype in (VARCHAR, JSON):
            return value(name)
        if name not in matched:
            return f"cast(null as {dtype})"
        position, ptype = matched[name]
        col = quote(position)
        if dtype == TIMESTAMP and ptype.startswith(("TIMESTAMP", "DATE")):
            return f"cast({col} as timestamp)"
        if ptype == "VARCHAR":
            return typed_from_text(col, dtype)
        if dtype == BOOLEAN and ptype != "BOOLEAN":
            return f"try_cast(cast({col} as varchar) as boolean)"
        if dtype == TIMESTAMP:
            return f"cast(try_cast(cast({col} as varchar) as timestamptz) as timestamp)"
        return f"try_cast({col} as {dtype})"

    def key_type_check(name: str) -> str | None:
        if name not in matched:
            return None
        ptype = matched[name][1]
        if ptype == "VARCHAR" or ptype.startswith(_NUMBER_TYPES) or stream.field_type(name) == TIMESTAMP:
            return None
        return f"when true then 'key {name} must be a string or a number (got {ptype.lower()})'"

    children = None
    children_column = ""
    if stream.child_key:
        list_field, child = stream.child_key
        children = "__children"
        children_column = (
            f", case when json_type({value(list_field)}) = 'ARRAY' then {child_ids(value(list_field), child)} end "
            "as __children"
        )
    branches = reason_branches(stream, value, typed, key_type_check, children)
    reason = "case\n            " + "\n            ".join(branches) + "\n        end"
    extra = (
        "to_json(struct_pack(" + ", ".join(f"{quote(name)} := {quote(pos)}" for pos, name in extras) + "))"
        if extras
        else "cast(null as json)"
    )
    record = (
        "cast(to_json(struct_pack("
        + ", ".join(f"{quote(name)} := {quote(pos)}" for pos, name, _ in columns)
        + ")) as varchar)"
        if columns
        else "'{}'"
    )
    parts = [f"{typed(name)} as {quote(name)}" for name in stream.field_names]
    parts += [
        f"{extra} as _extra",
        f"{sql_str(file)} as _file",
        f"{line} as _line",
        f"{sql_str(file_hash)} as _file_hash",
        f"cast('{loaded_at}' as timestamp) as _loaded_at",
        f"{int(file_index)} as __file_index",
        f"{reason} as __reason",
        *(quote(pos) for pos, _, _ in columns),
    ]
    raw_columns = [
        *stream.field_names,
        "_extra",
        "_file",
        "_line",
        "_file_hash",
        "_loaded_at",
        "__file_index",
        "__reason",
    ]
    inner = ",\n        ".join(parts)
    # the row as sent is kept only when it goes to the quarantine
    return f"""select
    {", ".join(quote(c) for c in raw_columns)},
    case when __reason is not null then {record} end as __text,
    cast(null as varchar) as __drop
from (
    select
        {inner}
    from (select *{children_column} from {source})
)"""
