with

first_landed_updates as (

    {{ first_landed_copies(source('client_success', 'tasks'), ['task_id', 'updated_at']) }}

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
