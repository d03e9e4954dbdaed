{#-
    URL parsing with regular expressions both engines share (Java and RE2 agree on these).
    default__ is the DuckDB form, spark__ the Spark SQL form.
-#}

{#- Partial regular-expression match (anchor the pattern for a full match); null on null. -#}
{% macro regex_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_matches')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regex_matches(expression, pattern) -%}
    ({{ expression }} rlike '{{ pattern }}')
{%- endmacro %}


{#- The host of an absolute URL, lower case, without `www.` and port; null when there is none. -#}
{% macro url_domain(url) -%}
    nullif(
        regexp_replace(
            lower(regexp_extract({{ url }}, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^:/?#]+)', 1)),
            '^www[.]',
            ''
        ),
        ''
    )
{%- endmacro %}


{#-
    The path of a URL without query and fragment: '/pricing' for 'https://x.com/pricing?a=1',
    '/' for 'https://x.com'; a relative URL ('/pricing?a=1') keeps its path. Null on null or ''.
-#}
{% macro url_path(url) -%}
    case
        when nullif({{ url }}, '') is null then null
        when {{ url }} like '%://%'
            then coalesce(nullif(regexp_extract({{ url }}, '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*([^?#]*)', 1), ''), '/')
        else nullif(regexp_extract({{ url }}, '^([^?#]*)', 1), '')
    end
{%- endmacro %}
