"""Device / bot rules of the int_user_agents_parsed dbt Python model (no dbt run needed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

MODEL = Path(__file__).resolve().parents[1] / "dbt_project/models/intermediate/web/int_user_agents_parsed.py"


@pytest.fixture(scope="module")
def classify():
    spec = importlib.util.spec_from_file_location("int_user_agents_parsed", MODEL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.classify


@pytest.mark.parametrize(
    ("user_agent", "browser", "os", "device_type", "is_bot"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            "Chrome",
            "Windows",
            "desktop",
            False,
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/18.1 Safari/605.1.15",
            "Safari",
            "Mac OS X",
            "desktop",
            False,
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/18.1 Mobile/15E148 Safari/604.1",
            "Mobile Safari",
            "iOS",
            "mobile",
            False,
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome Mobile",
            "Android",
            "mobile",
            False,
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.7 Mobile/15E148 Safari/604.1",
            "Mobile Safari",
            "iOS",
            "tablet",
            False,
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            "Chrome",
            "Android",
            "tablet",
            False,
        ),
        (
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Googlebot",
            None,
            "bot",
            True,
        ),
        (
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "bingbot",
            None,
            "bot",
            True,
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/131.0.0.0 Safari/537.36",
            "HeadlessChrome",
            "Linux",
            "bot",
            True,
        ),
        ("curl/8.4.0", "curl", None, "bot", True),
        ("python-requests/2.32.3", "Python Requests", None, "bot", True),
    ],
)
def test_classify(classify, user_agent, browser, os, device_type, is_bot):
    parsed = classify(user_agent)
    assert (parsed["browser_name"], parsed["os_name"], parsed["device_type"], parsed["is_bot"]) == (
        browser,
        os,
        device_type,
        is_bot,
    )
