with

agents as (

    select * from {{ source('reference', 'agents') }}

),

agents_ranked as (

    select
        *,
        row_number() over (
            partition by agent_id
            order by _loaded_at, _file, _line
        ) as landed_copy_number
    from agents

),

first_landed_agents as (

    select * from agents_ranked
    where landed_copy_number = 1

),

final as (

    select
        agent_id,
        account_id,
        name as agent_name,
        created_at,
        _file,
        _line,
        _loaded_at
    from first_landed_agents

)

select * from final
