"""Regenerates docs/form.png and docs/serve-report.png: `python docs/screenshots_web.py`.

Needs the test extra (Selenium) and Debian's chromium + chromium-driver."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selenium.webdriver.common.by import By  # noqa: E402

from tests import chrome  # noqa: E402


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="playbook-shots-"))
    page = tmp / "questionnaire.html"
    subprocess.run([sys.executable, "-m", "playbook", "form", "--quick", "--answers",
                    str(ROOT / "examples" / "grow-stage.yaml"), "-o", str(page)], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "playbook", "serve", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    drv = chrome.driver()
    try:
        drv.set_window_size(1100, 1300)
        drv.get(page.as_uri())
        drv.execute_script("localStorage.clear()")
        drv.get(page.as_uri())
        box = drv.find_element(By.ID, "f-p-years_in_cloud")
        box.clear()
        box.send_keys("three")  # an inline error, as a partner would see it
        drv.execute_script("window.scrollTo(0, 0)")
        drv.save_screenshot(str(ROOT / "docs" / "form.png"))
        for _ in range(100):
            try:
                urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        answers = tmp / "answers.yaml"
        answers.write_text((ROOT / "examples" / "grow-stage.yaml").read_text())
        drv.get(f"http://127.0.0.1:{port}/")
        drv.find_element(By.ID, "load").send_keys(str(answers))
        time.sleep(0.5)
        drv.find_element(By.ID, "submit").click()
        drv.find_element(By.CSS_SELECTOR, ".pb-bar")
        drv.save_screenshot(str(ROOT / "docs" / "serve-report.png"))
    finally:
        drv.quit()
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)
    print("docs/form.png docs/serve-report.png")


if __name__ == "__main__":
    main()
