"""Start the real application (``run.py``) on a temporary instance with the demo data,
for browser tests and screenshots. It runs in its own process, exactly as a user
would start it."""
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def seed_demo(instance):
    """Create a fresh instance in ``instance`` with an account per role and one record of
    each kind (``scripts.demo_records``); the accounts as ``{role: [email, password]}``."""
    env = dict(os.environ, EXPERTNET_INSTANCE_PATH=str(instance))
    env.pop("EXPERTNET_DATABASE_URL", None)
    env.pop("EXPERTNET_INDEX_DIR", None)
    seeded = subprocess.run([sys.executable, "-m", "scripts.demo_records"], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)
    return json.loads(seeded.stdout.strip().splitlines()[-1])


def log_in(page, base, email, password):
    """Log a Playwright page in through the login form, as a person would."""
    page.goto(base + "/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/auth/login" in page.url:
        raise RuntimeError(f"{email} could not log in")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_demo(instance, timeout=90):
    """Yield the base URL of ``python run.py`` serving a fresh instance in ``instance``."""
    port = free_port()
    env = dict(os.environ, EXPERTNET_INSTANCE_PATH=str(instance), EXPERTNET_PORT=str(port),
               EXPERTNET_HOST="127.0.0.1", PYTHONUNBUFFERED="1")
    env.pop("EXPERTNET_DATABASE_URL", None)
    env.pop("EXPERTNET_INDEX_DIR", None)
    base = f"http://127.0.0.1:{port}"
    with open(Path(instance).with_suffix(".log"), "w") as log:
        process = subprocess.Popen([sys.executable, str(ROOT / "run.py")], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_ready(process, base, timeout, log.name)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(process, base, timeout, log_name):
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"run.py exited with {process.returncode}; see {log_name}")
        try:
            with urllib.request.urlopen(f"{base}/api/v1/fields", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"run.py did not answer within {timeout}s") from None
            time.sleep(0.2)


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@contextlib.contextmanager
def chromium():
    """Debian's Chromium driven by Playwright, closed on leaving."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()
