with

task_updates as (

    select * from {{ source('client_success', 'tasks') }}

),

updates_ranked as (

    select
        *,
        row_number() over (
            partition by task_id, updated_at
            order by _loaded_at, _file, _line
        ) as landed_copy_number
    from task_updates

),

first_landed_updates as (

    select * from updates_ranked
    where landed_copy_number = 1

),

final as (

    select
        task_id,
        updated_at,
        client_id,
        organization_id,
        task_type,
        title as task_title,
        status,
        _file,
        _line,
        _loaded_at
    from first_landed_updates

)

select * from final
