-- One row per support ticket (a product `support_ticket_created` call) up to as_of, with the
-- account it counts for: its user's account (int_product_users_resolved), else the account the
-- call carries. Kept one row per ticket so that a window starting or ending inside a day counts
-- exactly.
-- A table, not a view: several product models read it in one run, and DuckDB would inline a
-- view into each of them, scanning every landed product, behavior and client-success row again.
{{ config(materialized='table') }}

with

product_tracks as (

    select * from {{ ref('stg_product__tracks') }}

),

users as (

    select * from {{ ref('int_product_users_resolved') }}

),

final as (

    select
        product_tracks.message_id as ticket_id,
        product_tracks.user_id,
        coalesce(users.account_id, product_tracks.account_id) as account_id,
        product_tracks.occurred_at
    from product_tracks
    left join users
        on product_tracks.user_id = users.user_id
    where product_tracks.event_name = 'support_ticket_created'
      and product_tracks.occurred_at <= {{ as_of() }}

)

select * from final
