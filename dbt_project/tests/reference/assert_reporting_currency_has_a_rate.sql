-- The reporting currency (var reporting_currency) must have a row in
-- seeds/reference/currency_rates.csv, or no money could be converted to it.
select '{{ var("reporting_currency") }}' as reporting_currency
where not exists (
    select 1
    from {{ ref('currency_rates') }}
    where upper(currency) = upper('{{ var("reporting_currency") }}')
)
