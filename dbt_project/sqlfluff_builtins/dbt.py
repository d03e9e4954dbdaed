"""``dbt.*`` cross-database macros as dbt-duckdb renders them."""


def type_string() -> str:
    return "varchar"


def type_bigint() -> str:
    return "bigint"


def type_int() -> str:
    return "integer"


def type_float() -> str:
    return "double"


def type_timestamp() -> str:
    return "timestamp"


def dateadd(datepart: str, interval: object, from_date_or_timestamp: str) -> str:
    return f"date_add({from_date_or_timestamp}, interval ({interval}) {datepart})"


def datediff(first_date: str, second_date: str, datepart: str) -> str:
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def date_trunc(datepart: str, date: str) -> str:
    return f"date_trunc('{datepart}', {date})"


def hash(field: str) -> str:  # dbt's name (shadows the builtin inside this module only)
    return f"md5(cast({field} as varchar))"


def concat(fields: list[str]) -> str:
    return f"concat({', '.join(fields)})"


def split_part(string_text: str, delimiter_text: str, part_number: object) -> str:
    return f"split_part({string_text}, {delimiter_text}, {part_number})"
