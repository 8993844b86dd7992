/// The console's script (inline in the page; the page works without it).
/// It keeps the page current without reloading: every event from
/// `/_emulator/events` (Server-Sent Events) is added to the list and makes
/// the page fetch itself and swap the parts marked `data-live` in place, so
/// players, open sections and filters stay as they are. It plays each live
/// channel: the browser's own HLS where it has it, otherwise MediaSource fed
/// with the playlist's MPEG-TS segments. No library, no other origin.
enum ConsoleScript {
    static let source = #"""
    "use strict";
    (() => {
    const TYPES = ["publish-started","publish-ended","publish-refused","segment-written","playlist-updated","write-failed",
                   "fault-injected","clock-changed","lifecycle-applied","reset"];
    const FOLDED = "playlist-updated";
    const MAX_ROWS = 500, LIVE_POLL_MS = 2000, MIN_REFRESH_MS = 700, MSE_START_SEGMENTS = 3;
    const $ = (s, r) => (r || document).querySelector(s), $$ = (s, r) => Array.from((r || document).querySelectorAll(s));

    function localTimes(root) {
      for (const t of $$("time[datetime]", root)) {
        const d = new Date(t.getAttribute("datetime"));
        if (!isNaN(d)) { t.textContent = d.toLocaleString(); t.title = t.getAttribute("datetime"); }
      }
    }

    // --- in-place refresh -------------------------------------------------
    let refreshing = false, again = false, lastRefresh = 0, timer = 0;
    function scheduleRefresh() {
      if (timer) return;
      timer = setTimeout(() => { timer = 0; refresh(); }, Math.max(0, MIN_REFRESH_MS - (Date.now() - lastRefresh)));
    }
    async function refresh() {
      if (refreshing) { again = true; return; }
      refreshing = true; lastRefresh = Date.now();
      try {
        const response = await fetch(location.pathname + location.search, {cache: "no-store"});
        if (response.ok) swap(new DOMParser().parseFromString(await response.text(), "text/html"));
      } catch (e) { /* the emulator is restarting: the next event or poll tries again */ }
      refreshing = false;
      if (again) { again = false; scheduleRefresh(); }
    }
    function swap(doc) {
      // Cards that came or went.
      const cards = $("#cards"), fresh = $("#cards", doc);
      if (cards && fresh) {
        const ids = new Set($$(".card", fresh).map(c => c.id));
        for (const card of $$(".card", cards)) if (!ids.has(card.id)) { stopPlayer(card.id); card.remove(); }
        let previous = null;
        for (const card of $$(".card", fresh)) {
          let here = document.getElementById(card.id);
          if (!here) { here = document.importNode(card, true); previous ? previous.after(here) : cards.prepend(here); localTimes(here); }
          previous = here;
        }
      }
      const none = $("#no-channels");
      if (none && !$("#no-channels", doc)) none.remove();
      for (const part of $$("[data-live][id]", doc)) {
        const here = document.getElementById(part.id);
        if (!here || here.outerHTML === part.outerHTML) continue;
        const open = here.tagName === "DETAILS" ? here.open : null;
        const copy = document.importNode(part, true);
        if (open !== null) copy.open = open;
        here.replaceWith(copy);
        localTimes(copy);
      }
      syncPlayers();
    }
    setInterval(() => { if ($('.card-head[data-state="live"]')) scheduleRefresh(); }, LIVE_POLL_MS);

    // --- events -----------------------------------------------------------
    const list = $("#events"), channelFilter = $("#event-channel"), typeFilter = $("#event-type");
    function visible(li) {
      const type = typeFilter ? typeFilter.value : "", channel = channelFilter ? channelFilter.value : "";
      if (type ? li.dataset.type !== type : li.dataset.type === FOLDED) return false;
      return !channel || li.dataset.channel === channel;
    }
    function applyFilter() {
      for (const li of $$("li", list)) li.hidden = !visible(li);
      const params = new URLSearchParams(location.search);
      for (const [name, select] of [["channel", channelFilter], ["type", typeFilter]]) {
        if (select && select.value) params.set(name, select.value); else params.delete(name);
      }
      const query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
    }
    function addEvent(data) {
      if (!list || list.querySelector('li[data-seq="' + data.sequence + '"]')) return;
      const li = document.createElement("li");
      li.dataset.seq = data.sequence; li.dataset.type = data.type;
      li.dataset.channel = data.bucket && data.channel ? data.bucket + "/" + data.channel : "";
      const time = document.createElement("time");
      time.setAttribute("datetime", new Date(data.time).toISOString());
      const type = document.createElement("span");
      type.className = "type t-" + data.type; type.textContent = data.type;
      li.append(time, " ", type, " " + (data.summary || ""));
      localTimes(li);
      li.hidden = !visible(li);
      list.prepend(li);
      while (list.children.length > MAX_ROWS) list.lastElementChild.remove();
      if (data.type === FOLDED) { const n = $("#folded-count"); if (n) n.textContent = String(Number(n.textContent) + 1); }
      if (channelFilter && li.dataset.channel && !$$("option", channelFilter).some(o => o.value === li.dataset.channel)) {
        const option = document.createElement("option"); option.textContent = li.dataset.channel; channelFilter.append(option);
      }
    }
    function listen() {
      const after = document.body.dataset.lastEvent || "0";
      const source = new EventSource("/_emulator/events?after=" + encodeURIComponent(after));
      const onEvent = e => {
        try { addEvent(JSON.parse(e.data)); } catch (err) { return; }
        if (e.type !== FOLDED) scheduleRefresh();
      };
      for (const type of TYPES) source.addEventListener(type, onEvent);
      source.addEventListener("open", scheduleRefresh);
    }

    // --- players ----------------------------------------------------------
    const players = new Map();
    const sleep = ms => new Promise(r => setTimeout(r, ms));
    async function loadPlaylist(src) {
      const response = await fetch(src, {cache: "no-store"});
      if (!response.ok) throw new Error("playlist " + response.status);
      const base = new URL(src, location.href), items = [];
      const text = await response.text();
      let duration = 0;
      for (const raw of text.split("\n")) {
        const line = raw.trim();
        if (line.startsWith("#EXTINF:")) duration = parseFloat(line.slice(8));
        else if (line && !line.startsWith("#")) {
          const url = new URL(line, base);
          items.push({url: url.href, name: url.pathname.split("/").pop(), duration});
        }
      }
      return {items, ended: text.includes("#EXT-X-ENDLIST")};
    }
    function syncPlayers() {
      for (const card of $$(".card")) {
        const head = $(".card-head", card), live = head && head.dataset.state === "live";
        if (live && !players.has(card.id)) players.set(card.id, startPlayer(card));
        if (!live && players.has(card.id)) stopPlayer(card.id);
      }
    }
    function stopPlayer(id) {
      const p = players.get(id);
      if (!p) return;
      p.stopped = true; clearInterval(p.timer);
      p.video.pause(); p.video.removeAttribute("src"); p.video.load();
      p.box.hidden = true; players.delete(id);
    }
    function startPlayer(card) {
      const box = $(".player", card), video = $("video", box);
      const p = {card, box, video, src: card.dataset.play, stalls: 0, playing: false, stopped: false, items: []};
      box.hidden = false;
      const show = (name, text) => { const el = $('[data-p="' + name + '"]', box); if (el) el.textContent = text; };
      video.addEventListener("playing", () => { p.playing = true; });
      video.addEventListener("waiting", () => { if (p.playing) { p.stalls++; show("stalls", String(p.stalls)); } });
      // ?player=mse tries the MediaSource player where the browser has its own HLS too.
      const forceMSE = new URLSearchParams(location.search).get("player") === "mse";
      if (!forceMSE && video.canPlayType("application/vnd.apple.mpegurl")) {
        p.mode = "native HLS"; video.src = p.src;
      } else if (window.MediaSource) {
        p.mode = "MediaSource"; feed(p).catch(e => show("mode", "MediaSource: " + e.message));
      } else {
        p.mode = "no HLS playback in this browser";
      }
      video.dataset.mode = p.mode; show("mode", p.mode);
      video.play().catch(() => {});
      let tick = 0;
      p.timer = setInterval(async () => {
        if (p.mode === "native HLS" && tick++ % 2 === 0) { try { p.items = (await loadPlaylist(p.src)).items; } catch (e) {} }
        const ranges = video.seekable.length ? video.seekable : video.buffered;
        if (!ranges.length) return;
        const behind = Math.max(0, ranges.end(ranges.length - 1) - video.currentTime);
        show("latency", behind.toFixed(1) + " s");
        let rest = behind;
        for (let i = p.items.length - 1; i >= 0; i--) {
          if (rest <= p.items[i].duration || i === 0) { show("segment", p.items[i].name); break; }
          rest -= p.items[i].duration;
        }
      }, 1000);
      return p;
    }
    function appendBuffer(buffer, bytes) {
      return new Promise((resolve, reject) => {
        buffer.addEventListener("updateend", resolve, {once: true});
        buffer.addEventListener("error", reject, {once: true});
        buffer.appendBuffer(bytes);
      });
    }
    async function feed(p) {
      const source = new MediaSource();
      p.video.src = URL.createObjectURL(source);
      await new Promise(r => source.addEventListener("sourceopen", r, {once: true}));
      const codecs = $(".card-head", p.card).dataset.codecs;
      let type = 'video/mp2t; codecs="' + (codecs || "avc1.42e01e,mp4a.40.2") + '"';
      if (!MediaSource.isTypeSupported(type)) type = "video/mp2t";
      const buffer = source.addSourceBuffer(type);
      const seen = new Set();
      let first = true;
      while (!p.stopped) {
        const playlist = await loadPlaylist(p.src);
        p.items = playlist.items;
        let todo = playlist.items.filter(i => !seen.has(i.name));
        if (first) { for (const i of todo.slice(0, -MSE_START_SEGMENTS)) seen.add(i.name); todo = todo.slice(-MSE_START_SEGMENTS); }
        for (const item of todo) {
          if (p.stopped) return;
          seen.add(item.name);
          const bytes = await (await fetch(item.url)).arrayBuffer();
          await appendBuffer(buffer, bytes);
          if (first && buffer.buffered.length) { first = false; p.video.currentTime = buffer.buffered.start(0); p.video.play().catch(() => {}); }
        }
        const ranges = buffer.buffered;
        if (ranges.length && p.video.currentTime - ranges.start(0) > 60) {
          buffer.remove(ranges.start(0), p.video.currentTime - 30);
          await new Promise(r => buffer.addEventListener("updateend", r, {once: true}));
        }
        if (playlist.ended) { if (source.readyState === "open") source.endOfStream(); return; }
        await sleep(1000);
      }
    }

    // --- copy buttons -----------------------------------------------------
    document.addEventListener("click", async e => {
      const button = e.target.closest("button[data-copy]");
      if (!button) return;
      const text = document.getElementById(button.dataset.copy).textContent;
      try { await navigator.clipboard.writeText(text); button.textContent = "copied"; }
      catch (err) { getSelection().selectAllChildren(document.getElementById(button.dataset.copy)); button.textContent = "press Ctrl+C"; }
      setTimeout(() => { button.textContent = "copy"; }, 1500);
    });

    for (const b of $$(".nojs")) b.hidden = true;
    if (channelFilter) channelFilter.addEventListener("change", applyFilter);
    if (typeFilter) typeFilter.addEventListener("change", applyFilter);
    localTimes(document);
    syncPlayers();
    listen();
    })();
    """#
}
