"""One row per distinct user agent of the events (int_events_unioned): browser, OS and device
from ua-parser.

ua-parser (uap-core's regexes, Rust matcher) runs once per distinct user-agent string: the
model is incremental on the string and parses only the agents it has not parsed yet (a distinct
over one column, then an anti-join with this table); a post-hook (_int_web__models.yml) deletes
the agents no event has any more, so after pruning the table still equals a full refresh. Bots: ua-parser's device family 'Spider', headless and automation browsers, and the
usual bot tokens of HTTP clients and crawlers.
device_type: bot / tablet / mobile / desktop (rules below).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pyarrow as pa

BOT_TOKENS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|headless|phantomjs|lighthouse|pingdom|uptime|"
    r"facebookexternalhit|python-requests|python-urllib|aiohttp|curl/|wget/|httpclient|"
    r"okhttp|go-http-client|java/|node-fetch|axios/|scrapy|selenium|puppeteer|playwright",
    re.IGNORECASE,
)
BOT_BROWSERS = {"HeadlessChrome", "PhantomJS", "Chrome-Lighthouse", "Google-Read-Aloud"}
TABLET = re.compile(r"ipad|tablet|kindle|silk/|playbook|nexus (7|9|10)|sm-t\d|gt-p\d|tab\b", re.IGNORECASE)
MOBILE = re.compile(r"mobi|iphone|ipod|windows phone|blackberry|opera mini|iemobile", re.IGNORECASE)

SCHEMA = pa.schema(
    [
        ("user_agent", pa.string()),
        ("browser_name", pa.string()),
        ("browser_version", pa.string()),
        ("os_name", pa.string()),
        ("os_version", pa.string()),
        ("device_family", pa.string()),
        ("device_brand", pa.string()),
        ("device_model", pa.string()),
        ("device_type", pa.string()),
        ("is_bot", pa.bool_()),
        ("parsed_at", pa.timestamp("us")),
    ]
)


def _version(part) -> str | None:
    if part is None or part.major is None:
        return None
    return ".".join(str(v) for v in (part.major, part.minor, part.patch) if v is not None)


def classify(user_agent: str) -> dict:
    """Parse one user agent into the model's columns (without parsed_at)."""
    from ua_parser import parse  # imported here: the model file is also imported by tests

    result = parse(user_agent)
    browser, os, device = result.user_agent, result.os, result.device
    browser_name = browser.family if browser else None
    os_name = os.family if os else None
    is_bot = bool(
        (device is not None and device.family == "Spider")
        or (browser_name in BOT_BROWSERS)
        or BOT_TOKENS.search(user_agent)
    )
    if is_bot:
        device_type = "bot"
    elif (device is not None and device.brand == "Generic_Android_Tablet") or TABLET.search(user_agent):
        device_type = "tablet"
    elif os_name == "Android" and "mobile" not in user_agent.lower():
        device_type = "tablet"  # Android browsers leave out "Mobile" on tablets
    elif MOBILE.search(user_agent) or os_name in ("iOS", "Android"):
        device_type = "mobile"
    else:
        device_type = "desktop"
    return {
        "user_agent": user_agent,
        "browser_name": browser_name,
        "browser_version": _version(browser),
        "os_name": os_name,
        "os_version": _version(os),
        "device_family": device.family if device else None,
        "device_brand": device.brand if device else None,
        "device_model": device.model if device else None,
        "device_type": device_type,
        "is_bot": is_bot,
    }


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="user_agent",
    )
    events = dbt.ref("int_events_unioned")
    query = "select distinct user_agent from events where user_agent is not null"
    if dbt.is_incremental:
        query = (
            f"select * from ({query}) as seen where user_agent not in (select user_agent from {dbt.this!r})"
        )
    spark = type(session).__module__.startswith("pyspark")  # dbt-spark: DataFrames, not relations
    if spark:
        events.createOrReplaceTempView("events")
        agents = [row[0] for row in session.sql(query).collect()]
    else:
        agents = [row[0] for row in events.query("events", query).fetchall()]
    parsed_at = datetime.now(UTC).replace(tzinfo=None)
    rows = [classify(agent) | {"parsed_at": parsed_at} for agent in sorted(agents)]
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    if spark:
        from pyspark.sql.functions import col

        # a naive Arrow timestamp becomes timestamp_ntz; the warehouse's timestamps are UTC
        return session.createDataFrame(table).withColumn("parsed_at", col("parsed_at").cast("timestamp"))
    return table
