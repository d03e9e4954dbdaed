with

first_landed_agents as (

    {{ first_landed_copies(source('reference', 'agents'), ['agent_id']) }}

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
