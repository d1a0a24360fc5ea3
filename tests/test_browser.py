"""A real-browser check: JupyterLab on loopback shows the executed walkthrough with its figures.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them); in CI a
missing browser fails the test, elsewhere it is skipped. The screenshot is kept as a test
artifact in the test's temporary folder (and copied to ``$TEST_ARTIFACTS`` when set).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from analysis.report import run_notebooks

pytestmark = [pytest.mark.browser, pytest.mark.notebooks]
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
TOKEN = "browser-test-token"
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
WALKTHROUGH = "00-walkthrough"


def _need_browser():
    if CHROMIUM and CHROMEDRIVER:
        return
    message = "Debian's chromium and chromium-driver are not installed"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


#: JupyterLab's own settings: no news or update pop-up over the notebook.
QUIET_LAB = '{"fetchNews": "false", "checkForUpdates": false}'


@pytest.fixture
def lab(tmp_path):
    """JupyterLab serving the executed walkthrough on 127.0.0.1."""
    source, executed = tmp_path / "notebooks", tmp_path / "executed"
    source.mkdir()
    shutil.copy2(NOTEBOOKS / f"{WALKTHROUGH}.py", source)
    run_notebooks("factbook", tmp_path / "figures", notebooks_dir=source, executed_dir=executed)
    settings = tmp_path / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(QUIET_LAB, encoding="utf-8")
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={executed}",
        "--LabApp.news_url=",
        "--ServerApp.open_browser=False",
    ]
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "jupyter-runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "lab-settings"),
    }
    log = open(tmp_path / "lab.log", "wb")  # noqa: SIM115 - closed in finally
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start: " + (tmp_path / "lab.log").read_text()[-2000:])
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_jupyterlab_renders_the_notebook_with_its_figures(lab, tmp_path):
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1800",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        driver.get(f"{lab}/lab/tree/{WALKTHROUGH}.ipynb?token={TOKEN}")
        wait = WebDriverWait(driver, 90)
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".jp-Notebook")))
        wait.until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output img")) >= 3
        )
        heading = driver.find_element(By.CSS_SELECTOR, ".jp-RenderedMarkdown h1").text
        images = driver.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output img")
        sizes = [(img.size["width"], img.size["height"]) for img in images]
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", images[0])
        time.sleep(1)
        toasts = driver.find_elements(By.CSS_SELECTOR, ".Toastify__toast")
        shot = tmp_path / f"jupyterlab-{WALKTHROUGH}.png"
        driver.save_screenshot(str(shot))
    finally:
        driver.quit()
    if os.environ.get("TEST_ARTIFACTS"):
        Path(os.environ["TEST_ARTIFACTS"]).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, os.environ["TEST_ARTIFACTS"])
    assert "A guided tour" in heading
    assert not toasts, [t.text for t in toasts]  # no news or update pop-up over the notebook
    assert all(w > 200 and h > 100 for w, h in sizes), sizes  # figures drawn, not broken icons
    assert shot.stat().st_size > 20_000
