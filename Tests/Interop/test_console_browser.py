"""The console at /_emulator/ in a real headless Chromium (Debian's chromium +
chromium-driver, driven by selenium), while `oss-live-emulator push --realtime`
publishes into a private bucket: the channel card's numbers, the embedded
player playing smoothly, the object listing, the event list updating without
a reload, no console errors, no sideways scrolling at phone width.
Screenshots go to .build/console-screenshots/ (not committed)."""
import os
import re
import shutil
import signal
import subprocess
import time

import oss2
import pytest
import requests

from conftest import binary

selenium = pytest.importorskip("selenium", reason="scripts/setup.sh --test installs selenium into .venv")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

DRIVER = shutil.which("chromedriver")
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
HERE = os.path.dirname(os.path.abspath(__file__))
SCREENSHOTS = os.path.join(HERE, "..", "..", ".build", "console-screenshots")
# Long enough for the whole test without looping: the player is judged on one continuous stream.
FIXTURE_SECONDS = 90
FRAG_SECONDS = 2
PLAY_SECONDS = 10
MIN_ADVANCE_SECONDS = 8
WAIT_SECONDS = 30
PHONE_WIDTH = 390


def make_fixture(path):
    """640x360 30 fps H.264 Main 3.0 (2 s GOP) + AAC-LC 44.1 kHz stereo, as FLV."""
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=640x360:rate=30:duration={FIXTURE_SECONDS}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={FIXTURE_SECONDS}",
         "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-level", "3.0", "-pix_fmt", "yuv420p",
         "-g", str(30 * FRAG_SECONDS), "-keyint_min", str(30 * FRAG_SECONDS), "-sc_threshold", "0", "-b:v", "600k",
         "-c:a", "aac", "-ac", "2", "-b:a", "96k", "-f", "flv", path],
        check=True, timeout=120)


def wait_for(predicate, timeout=WAIT_SECONDS, interval=0.25, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def channel_entry(emulator, bucket, name):
    listing = requests.get(emulator.endpoint + "/_emulator/channels", timeout=10).json()
    for entry in listing["buckets"]:
        if entry["name"] == bucket:
            for channel in entry["channels"]:
                if channel["name"] == name:
                    return channel
    return None


def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--mute-audio",
                     "--autoplay-policy=no-user-gesture-required", "--window-size=1280,1400",
                     f"--user-data-dir={tmp_path / 'profile'}"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(DRIVER), options=options)


def severe(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


# The browser's own HLS (Chromium has it), and the MediaSource player other browsers get.
@pytest.mark.parametrize("player", ["native HLS", "MediaSource"])
def test_console_shows_plays_and_updates_a_live_push(emulator, tmp_path, player):
    assert DRIVER and BROWSER, "scripts/setup.sh --test installs Debian's chromium and chromium-driver"
    os.makedirs(SCREENSHOTS, exist_ok=True)
    fixture = str(tmp_path / "live.flv")
    make_fixture(fixture)
    bucket = emulator.bucket("console")
    bucket.create_bucket()  # private: the page's player needs the signed playlist
    bucket.put_object("notes/readme.txt", b"hello")
    bucket.create_live_channel("cam", oss2.models.LiveChannelInfo(
        status="enabled", target=oss2.models.LiveChannelInfoTarget(
            playlist_name="playlist.m3u8", frag_duration=FRAG_SECONDS, frag_count=3)))
    publisher = subprocess.Popen(
        [binary(), "push", "--realtime", "--quiet", fixture, bucket.sign_rtmp_url("cam", "playlist.m3u8", 600)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    driver = None
    try:
        wait_for(lambda: (channel_entry(emulator, "console", "cam") or {}).get("segmentCount", 0) >= 3,
                 what="three segments")
        driver = browser(tmp_path)
        driver.get(emulator.endpoint + "/_emulator/" + ("?player=mse" if player == "MediaSource" else ""))
        driver.execute_script("window.__sameDocument = true;")

        # The card: live, 640x360, 30 fps, a bitrate.
        head = driver.find_element(By.ID, "ch-console/cam-head")
        assert head.get_attribute("data-state") == "live"
        card = driver.find_element(By.ID, "ch-console/cam")
        assert card.find_element(By.CSS_SELECTOR, ".res").text == "640x360"
        assert card.find_element(By.CSS_SELECTOR, ".fps").text == "30 fps"
        bitrate = card.find_element(By.CSS_SELECTOR, ".bitrate").text
        assert re.fullmatch(r"\d+ kbit/s", bitrate) and int(bitrate.split()[0]) > 0, bitrate
        assert "H.264 Main 3.0" in card.text and "AAC-LC 44.1 kHz stereo" in card.text

        # The player: plays, then advances ≥ 8 s in 10 s without waiting.
        video = card.find_element(By.TAG_NAME, "video")
        wait_for(lambda: driver.execute_script("return arguments[0].currentTime > 0 && !arguments[0].paused", video),
                 what="the player to start")
        time.sleep(1)
        driver.execute_script(
            "window.__waiting = 0; arguments[0].addEventListener('waiting', () => window.__waiting++);", video)
        first_event = int(driver.find_element(By.CSS_SELECTOR, "#events li").get_attribute("data-seq"))
        start = driver.execute_script("return arguments[0].currentTime", video)
        time.sleep(PLAY_SECONDS)
        end = driver.execute_script("return arguments[0].currentTime", video)
        waiting = driver.execute_script("return window.__waiting")
        mode = video.get_attribute("data-mode")
        tag = "native" if player == "native HLS" else "mse"
        driver.save_screenshot(os.path.join(SCREENSHOTS, f"console-desktop-{tag}.png"))
        assert mode == player
        assert end - start >= MIN_ADVANCE_SECONDS, (start, end, mode)
        assert waiting == 0, (waiting, mode)
        stats = card.find_element(By.CSS_SELECTOR, ".pstat").text
        assert "behind live" in stats and re.search(r"segment \d+\.ts", stats), stats

        # The event list grew while we watched, in the same document (no reload).
        newest = int(driver.find_element(By.CSS_SELECTOR, "#events li").get_attribute("data-seq"))
        assert newest > first_event
        shown = [li.text for li in driver.find_elements(By.CSS_SELECTOR, '#events li[data-type="segment-written"]')
                 if li.is_displayed()]
        assert shown and "console/cam/" in shown[0]
        assert not driver.find_elements(By.CSS_SELECTOR, '#events li[data-type="playlist-updated"]:not([hidden])')
        assert driver.execute_script("return window.__sameDocument === true")

        # Filtering by type shows only that type, at once.
        driver.execute_script("const s = document.getElementById('event-type'); s.value = 'publish-started';"
                              "s.dispatchEvent(new Event('change'));")
        visible = [li for li in driver.find_elements(By.CSS_SELECTOR, "#events li") if li.is_displayed()]
        assert visible and all(li.get_attribute("data-type") == "publish-started" for li in visible)

        # The bucket browser: the channel's folder, then its segments with sizes and type.
        driver.find_element(By.CSS_SELECTOR, '#listing a[href$="prefix=cam/"]').click()
        wait_for(lambda: "prefix=cam/" in driver.current_url, what="the folder page")
        # Read in one go: the listing is swapped in place as segments come.
        names = driver.execute_script(
            "return Array.from(document.querySelectorAll('#listing table.objects td:first-child')).map(td => td.textContent)")
        segments = [o.key.split("/")[-1] for o in oss2.ObjectIterator(bucket, prefix="cam/") if o.key.endswith(".ts")]
        listed = [n for n in names if n.endswith(".ts")]
        assert len(listed) >= 3 and set(listed) <= set(segments) | set(listed), (names, segments)
        assert "video/MP2T" in driver.execute_script("return document.getElementById('listing').textContent")
        driver.save_screenshot(os.path.join(SCREENSHOTS, f"console-listing-{tag}.png"))

        # A phone's width: nothing scrolls sideways.
        driver.set_window_size(PHONE_WIDTH, 900)
        time.sleep(0.5)
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        driver.save_screenshot(os.path.join(SCREENSHOTS, f"console-phone-{tag}.png"))
        assert overflow <= 0, overflow

        errors = severe(driver)
        assert not errors, errors
    finally:
        if driver:
            driver.quit()
        publisher.send_signal(signal.SIGINT)
        try:
            publisher.wait(timeout=20)
        except subprocess.TimeoutExpired:
            publisher.kill()
            publisher.wait()
