"""``adapter``: ``dispatch`` resolves to the macro's ``default__`` form (the DuckDB one)."""

from jinja2 import pass_context


@pass_context
def dispatch(context, macro_name: str, macro_namespace: str | None = None):
    for name in (f"duckdb__{macro_name}", f"default__{macro_name}"):
        macro = context.get(name)
        if macro is not None:
            return macro
    raise LookupError(f"no default__{macro_name} macro to dispatch to")


def quote(identifier: str) -> str:
    return f'"{identifier}"'


def get_columns_in_relation(relation: object) -> list:
    return []
