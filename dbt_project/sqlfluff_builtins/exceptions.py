"""``exceptions``: a compiler error renders as nothing (dbt itself reports it at build time)."""


def raise_compiler_error(message: str) -> str:
    return ""
