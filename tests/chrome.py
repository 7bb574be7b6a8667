"""Headless Debian Chromium through chromedriver, for the form and browser tests.

Skips (with the reason) where Selenium, Chromium or chromedriver is missing."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("PLAYBOOK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("PLAYBOOK_CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"


def missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).is_file():
        return f"no Chromium at {CHROMIUM} (apt install chromium)"
    if not Path(CHROMEDRIVER).is_file():
        return f"no chromedriver at {CHROMEDRIVER} (apt install chromium-driver)"
    return None


def driver(download_dir: Path | None = None, args: tuple[str, ...] = ()) -> Any:
    """`args`: more Chromium switches (--lang=en-US: the browser's own locale)."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1200,1600", "--disable-extensions", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        opts.add_argument(arg)
    for arg in args:
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    if download_dir is not None:
        opts.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                               "download.prompt_for_download": False})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def network_urls(drv: Any) -> list[str]:
    """Every URL the page asked the network stack for, from Chrome's performance log."""
    import json

    urls = []
    for entry in drv.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def session(download_dir: Path | None = None, args: tuple[str, ...] = ()) -> Iterator[Any]:
    drv = driver(download_dir, args)
    try:
        yield drv
    finally:
        drv.quit()
