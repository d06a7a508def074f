"""The web console in a real headless browser: Debian's chromium driven by selenium, against
`modelrt serve` in front of the real llama.cpp server that scripts/with-llama-server.sh starts.

Run by scripts/test-console-browser.sh. Reads MODELRT_GATEWAY_BIN (the `modelrt` binary),
MODELRT_E2E_BASE_URL, MODELRT_E2E_MODEL and MODELRT_CONSOLE_SCREENSHOTS (where the
screenshots go). One session walks the console as a user would: sign in with the master key,
fill the OpenAI-compatible provider's form and validate it against the llama.cpp server,
create a key and revoke another, make a request through the gateway with the key, and find it
on the spend page. Prints one line per step and ends with `N passed, N failed`.
"""

import json
import os
import sys
import tempfile
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from gateway_process import running_gateway  # noqa: E402

MASTER_KEY = "console-browser-master-key"
PROVIDER = "openai_api_compatible"
MODEL = PROVIDER + "/" + os.environ["MODELRT_E2E_MODEL"]
SCREENSHOTS = os.environ["MODELRT_CONSOLE_SCREENSHOTS"]
CHROMIUM = os.environ.get("MODELRT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("MODELRT_CHROMEDRIVER", "/usr/bin/chromedriver")
# The llama.cpp server on two shared cores can take a while for the first answer.
WAIT_SECONDS = 60


def gateway_env(home):
    """`modelrt serve` with a master key, a fresh data directory and no provider credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODELRT_OPENAI_API_COMPATIBLE_")}
    env["XDG_CONFIG_HOME"] = os.path.join(home, "config")
    env["MODELRT_DATA_DIR"] = os.path.join(home, "data")
    env["MODELRT_MASTER_KEY"] = MASTER_KEY
    env.pop("MODELRT_GATEWAY_KEY", None)
    env.pop("MODELRT_DATABASE_URL", None)
    env.pop("MODELRT_REDIS_URL", None)
    return env


def start_browser(home):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        "--user-data-dir=" + os.path.join(home, "chromium"),
    ]:
        options.add_argument(flag)
    # An explicit driver path: selenium looks nothing up on the network.
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def chat(base, key):
    """A chat completion through the gateway with `key`: (status, JSON body)."""
    request = urllib.request.Request(
        base + "/v1/chat/completions",
        data=json.dumps({
            "model": MODEL,
            "messages": [{"role": "user", "content": "Say hello"}],
            "max_tokens": 8,
        }).encode(),
        headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=WAIT_SECONDS) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


class Console:
    """The browser session and what the steps share."""

    def __init__(self, browser, base):
        self.browser = browser
        self.base = base
        # Pages redraw as their data arrives: an element found a moment ago may be gone.
        self.wait = WebDriverWait(
            browser,
            WAIT_SECONDS,
            ignored_exceptions=[NoSuchElementException, StaleElementReferenceException],
        )
        self.key = None

    def find(self, css):
        return self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def shot(self, name):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        # The whole page, not only the window: resize to the document's height first.
        height = self.browser.execute_script("return document.documentElement.scrollHeight")
        self.browser.set_window_size(1400, max(1000, min(height + 40, 4000)))
        path = os.path.join(SCREENSHOTS, name)
        assert self.browser.save_screenshot(path), path
        self.browser.set_window_size(1400, 1000)

    def nav(self, page):
        self.find('nav a[data-page="%s"]' % page).click()
        self.wait.until(lambda b: b.find_element(By.ID, "page").get_attribute("data-page") == page)

    def sign_in_refuses_a_wrong_key(self):
        self.browser.get(self.base + "/ui")
        self.find("#master-key").send_keys("not-the-master-key")
        self.find("#login-form button[type=submit]").click()
        error = self.find("#login-error")
        assert "not the master key" in error.text, error.text
        self.shot("01-login.png")

    def sign_in(self):
        field = self.find("#master-key")
        field.clear()
        field.send_keys(MASTER_KEY)
        self.find("#login-form button[type=submit]").click()
        self.find("#provider-list")
        stored = self.browser.execute_script("return sessionStorage.getItem('modelrt.masterKey')")
        assert stored == MASTER_KEY

    def provider_form_validates_with_a_real_call(self):
        self.find('button[data-provider="%s"]' % PROVIDER).click()
        self.wait.until(lambda b: b.find_element(By.CSS_SELECTOR, ".detail-head code").text == PROVIDER)
        # First a URL where nothing listens: the error is shown and nothing is saved.
        endpoint = self.find("#cred-endpoint_url")
        endpoint.send_keys("http://127.0.0.1:9/v1")
        self.find("#validate").click()
        error = self.find("#provider-status .notice.error")
        assert "Not saved" in error.text, error.text
        endpoint.clear()
        endpoint.send_keys(os.environ["MODELRT_E2E_BASE_URL"])
        self.find("#validate").click()
        accepted = self.find("#provider-status .notice.ok")
        assert "Accepted" in accepted.text, accepted.text
        chips = [c.text for c in self.browser.find_elements(By.CSS_SELECTOR, "#callable-models .chip")]
        assert MODEL in chips, chips
        badge = self.find('button[data-provider="%s"] .badge' % PROVIDER)
        assert badge.text.endswith("model") or badge.text.endswith("models"), badge.text
        assert self.find("#provider-badge").text == "configured"
        self.shot("02-providers.png")

    def create_and_revoke_keys(self):
        self.nav("keys")
        for name in ["browser-test", "to-revoke"]:
            self.find("#key-name").send_keys(name)
            if name == "browser-test":
                self.find("#key-rpm").send_keys("60")
                self.find("#key-budget").send_keys("5.00")
                Select(self.find("#key-period")).select_by_value("daily")
            self.find("#create-key").click()
            self.wait.until(lambda b: name in b.find_element(By.ID, "key-created").text)
            if name == "browser-test":
                self.key = self.find("#new-key").text
        assert self.key and len(self.key) > 20, self.key
        # The table reloads after the new key is shown: wait for the key's row.
        row = self.wait.until(lambda b: next(
            (r for r in b.find_elements(By.CSS_SELECTOR, "tr[data-key]") if "to-revoke" in r.text), None))
        revoked_id = row.get_attribute("data-key")
        self.find('button[data-revoke="%s"]' % revoked_id).click()
        self.browser.switch_to.alert.accept()
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, 'tr.revoked[data-key="%s"]' % revoked_id)))

    def request_through_the_gateway(self):
        status, body = chat(self.base, self.key)
        assert status == 200, body
        assert body["choices"][0]["message"]["content"] is not None, body
        assert body["usage"]["total_tokens"] > 0, body

    def keys_page_shows_use(self):
        self.nav("providers")
        self.nav("keys")
        text = self.find("#keys-table table").text
        assert "browser-test" in text and "60 req/min" in text and "daily" in text, text
        assert "revoked" in text, text
        self.shot("03-keys.png")

    def spend_page_shows_the_request(self):
        self.nav("spend")
        Select(self.find("#spend-metric")).select_by_value("requests")
        # The change redraws the page: wait for the redrawn charts before reading anything.
        self.wait.until(lambda b: "Requests by day" in b.find_element(By.ID, "chart-by-day").text)
        self.wait.until(lambda b: MODEL in b.find_element(By.ID, "recent-requests").text)
        table = self.find("#recent-requests table").text
        assert "browser-test" in table, table
        bars = self.browser.find_elements(By.CSS_SELECTOR, "#chart-by-day rect.bar")
        assert len(bars) >= 1, "no bar in the chart by day"
        # Full names are in the bars' titles (tooltips); long labels are shortened.
        self.find("#chart-by-group")
        by_model = self.browser.execute_script("return document.getElementById('chart-by-group').textContent")
        assert MODEL in by_model, by_model
        self.shot("04-spend.png")

    def steps(self):
        return [
            self.sign_in_refuses_a_wrong_key,
            self.sign_in,
            self.provider_form_validates_with_a_real_call,
            self.create_and_revoke_keys,
            self.request_through_the_gateway,
            self.keys_page_shows_use,
            self.spend_page_shows_the_request,
        ]


def main():
    with tempfile.TemporaryDirectory() as home:
        with running_gateway(gateway_env(home), home) as (base, tally):
            browser = start_browser(home)
            try:
                console = Console(browser, base)

                def screenshot_failure(step):
                    try:
                        console.shot("failed-%s.png" % step.__name__)
                    except Exception:
                        pass

                for step in console.steps():
                    # The steps build on each other: after a failure the rest cannot pass.
                    if tally.failed:
                        tally.skip(step, "an earlier step failed")
                    else:
                        tally.run(step, on_failure=screenshot_failure)
            finally:
                browser.quit()
    return tally.exit_status()


if __name__ == "__main__":
    sys.exit(main())
