"""Dates in the questionnaire cannot flip: the form reads and shows them as
text in its own convention (01.11.2026 in German, ISO in English), echoes the
date in words, and never hands them to the browser's locale-bound date field."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from playbook import i18n
from playbook.answers.check import parse_answers
from playbook.pack.load import load_pack
from playbook.report import form as form_mod
from tests import chrome


def test_the_date_format_comes_from_the_forms_language() -> None:
    de = form_mod.date_format("de")
    assert (de["order"], de["separator"], de["example"], de["months"][10]) == ("dmy", ".", "01.11.2026", "November")
    en = form_mod.date_format("en")
    assert (en["order"], en["example"]) == (None, "2026-11-01")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_no_date_field_is_left_to_the_browser(lang: str) -> None:
    with i18n.using(lang):
        page = form_mod.form_html(load_pack(None), quick=False).decode()
    assert 'type="date"' not in page and 'data-date' in page


@pytest.mark.slow
def test_a_german_date_in_an_english_browser_is_saved_as_that_day(tmp_path: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    pack = load_pack(None)
    page = tmp_path / "fragebogen.html"
    with i18n.using("de"):
        page.write_bytes(form_mod.form_html(pack, quick=False))
    for drv in chrome.session(args=("--lang=en-US",)):
        drv.get(page.as_uri())
        assert drv.execute_script("return navigator.language") == "en-US"  # the browser speaks US English
        field = drv.find_element(By.ID, "f-p-assessed_on")
        field.send_keys("01.11.2026", Keys.TAB)
        echo = drv.find_element(By.ID, "d-p-assessed_on")
        WebDriverWait(drv, 5).until(lambda d: d.find_element(By.ID, "d-p-assessed_on").text == "1. November 2026")
        saved = drv.execute_script("var F = window.playbookForm; return F.toYaml(F.state());")
        assert yaml.safe_load(saved)["partner"]["assessed_on"] == "2026-11-01"
        assert parse_answers(saved.encode(), pack).assessed_on == "2026-11-01"
        # a day that does not exist is refused in the form's words, and nothing is echoed
        field.clear()
        field.send_keys("31.02.2026", Keys.TAB)
        WebDriverWait(drv, 5).until(lambda d: d.find_element(By.ID, "e-p-assessed_on").text
                                    == "Schreiben Sie das Datum wie 01.11.2026.")
        assert echo.text == ""
        # an ISO date from a file is shown the form's way
        assert drv.execute_script("return window.playbookForm.ownDate('2026-11-01');") == "01.11.2026"
