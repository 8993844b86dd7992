"""A page on another origin, in a real headless Chromium, tries to use the
emulator's admin endpoints: it must not reset the emulator nor read admin
answers. Needs Chromium (scripts/setup.sh --test installs Debian's chromium)."""
import http.server
import json
import re
import shutil
import subprocess
import threading

import pytest

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
BROWSER_TIMEOUT = 60

PAGE = """<!doctype html><html><body><pre id="out">pending</pre><script>
async function attempt(url, options, read) {
  try {
    const response = await fetch(url, options);
    return read ? "read:" + await response.text() : "status:" + response.status;
  } catch (error) {
    return "blocked";
  }
}
async function run() {
  const base = "EMULATOR/_emulator";
  const out = {};
  // What any page can send without a preflight: a simple POST.
  out.simple = await attempt(base + "/reset", {method: "POST"});
  out.form = await attempt(base + "/reset", {method: "POST", mode: "no-cors", body: "x",
                                             headers: {"Content-Type": "text/plain"}});
  // A non-simple request needs a preflight, which admin paths refuse.
  out.custom = await attempt(base + "/reset", {method: "POST", headers: {"X-Emulator-Admin": "1"}});
  out.channels = await attempt(base + "/channels", {}, true);
  out.health = await attempt(base + "/health", {}, true);
  document.getElementById("out").textContent = JSON.stringify(out);
}
run();
</script></body></html>"""


def serve_page(html):
    """Serves `html` at / on a port of its own: another origin than the emulator's."""
    body = html.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_page_on_another_origin_cannot_reset_or_read_admin(emulator, tmp_path):
    assert BROWSER, "Chromium is needed: scripts/setup.sh --test installs Debian's chromium"
    bucket = emulator.bucket("browser-kept")
    bucket.create_bucket()
    bucket.put_object("precious.txt", b"keep me")
    server = serve_page(PAGE.replace("EMULATOR", emulator.endpoint))
    try:
        page = f"http://127.0.0.1:{server.server_address[1]}/"
        dumped = subprocess.run(
            [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=15000", "--dump-dom", page],
            capture_output=True, text=True, timeout=BROWSER_TIMEOUT)
    finally:
        server.shutdown()
    found = re.search(r'<pre id="out">(.*?)</pre>', dumped.stdout, re.S)
    assert found and found.group(1) != "pending", (dumped.stdout[-2000:], dumped.stderr[-2000:])
    out = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    # The script ran and cross-origin reads of health still work.
    assert out["health"].startswith("read:") and '"ok"' in out["health"], out
    # Nothing else is readable or reaches the reset.
    assert out["simple"] == "blocked", out
    assert out["custom"] == "blocked", out
    assert out["channels"] == "blocked", out
    assert [o.key for o in bucket.list_objects().object_list] == ["precious.txt"]
    assert [b.name for b in emulator.service().list_buckets().buckets] == ["browser-kept"]
