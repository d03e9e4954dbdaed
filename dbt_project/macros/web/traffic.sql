{#-
    Traffic source and Google Analytics 4 default channel group of a session.

    GA4 session source / medium, derived from the session's first UTM tags and referrer:
      - UTM source or medium present: source = utm_source, medium = utm_medium ('(not set)'
        for a missing one), lower case;
      - else a referrer: source = its domain, medium = 'organic' when the domain is a search
        site of the ga4_source_categories seed, else 'referral';
      - else source '(direct)', medium '(none)'.
-#}

{% macro ga4_session_source(utm_source, utm_medium, referrer_domain) -%}
    case
        when {{ utm_source }} is not null or {{ utm_medium }} is not null
            then coalesce(lower({{ utm_source }}), '(not set)')
        when {{ referrer_domain }} is not null then {{ referrer_domain }}
        else '(direct)'
    end
{%- endmacro %}

{% macro ga4_session_medium(utm_source, utm_medium, referrer_domain, referrer_category) -%}
    case
        when {{ utm_source }} is not null or {{ utm_medium }} is not null
            then coalesce(lower({{ utm_medium }}), '(not set)')
        when {{ referrer_domain }} is not null
            then case when {{ referrer_category }} = 'SOURCE_CATEGORY_SEARCH' then 'organic' else 'referral' end
        else '(none)'
    end
{%- endmacro %}


{#-
    traffic_source: 'utm_source / utm_medium' when the session has UTM tags ('(not set)' for a
    missing one), else the referrer's domain, else 'direct'.
-#}
{% macro traffic_source(utm_source, utm_medium, referrer_domain) -%}
    case
        when {{ utm_source }} is not null or {{ utm_medium }} is not null
            then lower(coalesce({{ utm_source }}, '(not set)')) || ' / ' || lower(coalesce({{ utm_medium }}, '(not set)'))
        when {{ referrer_domain }} is not null then {{ referrer_domain }}
        else 'direct'
    end
{%- endmacro %}


{#-
    GA4 "Default channel group" for a session, the published rules in their order (first match
    wins; matching is case-insensitive: pass lower-case source, medium and campaign).
    `source_category` is the seed's category of the session source (SOURCE_CATEGORY_SEARCH,
    _SOCIAL, _SHOPPING, _VIDEO; null when the source is in no list).
    Reference: support.google.com/analytics/answer/9756891 ("[GA4] Default channel group").
-#}
{% macro ga4_default_channel(source, medium, campaign, source_category) -%}
    {%- set paid_medium = regex_matches(medium, '^(.*cp.*|ppc|retargeting|paid.*)$') -%}
    {%- set shopping_campaign = regex_matches('coalesce(' ~ campaign ~ ", '')", '^(.*(([^a-df-z]|^)shop|shopping).*)$') -%}
    case
        when {{ source }} = '(direct)' and {{ medium }} in ('(not set)', '(none)') then 'Direct'
        when coalesce({{ campaign }}, '') like '%cross-network%' then 'Cross-network'
        when ({{ source_category }} = 'SOURCE_CATEGORY_SHOPPING' or {{ shopping_campaign }})
            and {{ paid_medium }} then 'Paid Shopping'
        when {{ source_category }} = 'SOURCE_CATEGORY_SEARCH' and {{ paid_medium }} then 'Paid Search'
        when {{ source_category }} = 'SOURCE_CATEGORY_SOCIAL' and {{ paid_medium }} then 'Paid Social'
        when {{ source_category }} = 'SOURCE_CATEGORY_VIDEO' and {{ paid_medium }} then 'Paid Video'
        when {{ medium }} in ('display', 'banner', 'expandable', 'interstitial', 'cpm') then 'Display'
        when {{ paid_medium }} then 'Paid Other'
        when {{ source_category }} = 'SOURCE_CATEGORY_SHOPPING' or {{ shopping_campaign }} then 'Organic Shopping'
        when {{ source_category }} = 'SOURCE_CATEGORY_SOCIAL'
            or {{ medium }} in ('social', 'social-network', 'social-media', 'sm', 'social network', 'social media')
            then 'Organic Social'
        when {{ source_category }} = 'SOURCE_CATEGORY_VIDEO' or {{ regex_matches(medium, '^(.*video.*)$') }}
            then 'Organic Video'
        when {{ source_category }} = 'SOURCE_CATEGORY_SEARCH' or {{ medium }} = 'organic' then 'Organic Search'
        when {{ medium }} in ('referral', 'app', 'link') then 'Referral'
        when {{ source }} in ('email', 'e-mail', 'e_mail', 'e mail')
            or {{ medium }} in ('email', 'e-mail', 'e_mail', 'e mail') then 'Email'
        when {{ medium }} = 'affiliate' then 'Affiliates'
        when {{ medium }} = 'audio' then 'Audio'
        when {{ source }} = 'sms' or {{ medium }} = 'sms' then 'SMS'
        when {{ medium }} like '%push' or {{ medium }} like '%mobile%' or {{ medium }} like '%notification%'
            or {{ source }} = 'firebase' then 'Mobile Push Notifications'
        else 'Unassigned'
    end
{%- endmacro %}
