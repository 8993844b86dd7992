/// The console's style sheet (inline in the page). Cards wrap to one column
/// on a phone; wide tables scroll inside their box, never the page.
enum ConsoleStyle {
    static let css = """
        :root{--fg:#1d2330;--muted:#6b7280;--line:#e3e6eb;--bg:#f6f7f9;--card:#fff;--accent:#ff6a00;--live:#0a7d32}
        *{box-sizing:border-box}
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:var(--fg);background:var(--bg);overflow-x:hidden}
        header.top{background:#1d2330;color:#fff;padding:.6em 1em;display:flex;flex-wrap:wrap;align-items:center;gap:.3em 1.5em}
        header.top a{color:#ffc79e}header.top .muted{color:#aab}
        h1{font-size:1.2em;margin:0;display:flex;align-items:center;gap:.4em}.logo{width:1.3em;height:1.3em}
        h2{font-size:1.1em;margin:1.2em 0 .5em}h3{font-size:1em;margin:0}
        main{padding:0 1em 2em;max-width:1400px;margin:0 auto}
        #summary{margin:0}
        .muted{color:var(--muted)}.live{color:var(--live);font-weight:600}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,420px),1fr));gap:1em}
        .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.8em;min-width:0}
        .card-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:.4em}
        .badge{border-radius:1em;padding:0 .6em;background:#eef0f3;font-size:.85em}
        .badge.live{background:#dcf5e3;color:var(--live);font-weight:600}.badge.off{background:#fde2e2;color:#a11}
        .player{margin:.6em 0}.player video{width:100%;aspect-ratio:16/9;background:#000;border-radius:4px;display:block}
        .pstat{margin:.2em 0;font-size:.85em;color:var(--muted)}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.1em .8em;margin:.5em 0}
        dt{color:var(--muted)}dd{margin:0;min-width:0;overflow-wrap:anywhere}
        .graph{margin:.3em 0;color:var(--accent)}.graph svg{width:100%;height:60px;background:#fff7f0;border-radius:4px}
        .graph figcaption{font-size:.8em;color:var(--muted)}
        details{margin:.4em 0}summary{cursor:pointer;color:#374151}
        ol,ul{margin:.3em 0;padding-left:1.4em}
        code{font-size:12px;background:#f1f2f4;border-radius:3px;padding:0 .2em;overflow-wrap:anywhere}
        button{font:inherit;font-size:.85em;border:1px solid var(--line);background:#fff;border-radius:4px;padding:.1em .6em;cursor:pointer}
        input,select{font:inherit;max-width:100%}
        .vod{display:flex;flex-wrap:wrap;gap:.4em;align-items:center}
        .tabs{display:flex;flex-wrap:wrap;gap:.4em}
        .tabs a{border:1px solid var(--line);background:#fff;border-radius:6px;padding:.2em .7em;text-decoration:none;color:inherit}
        .tabs a[aria-current]{border-color:var(--accent);box-shadow:inset 0 -2px 0 var(--accent)}
        .scroll{overflow-x:auto;max-width:100%}
        table{border-collapse:collapse;background:#fff;width:100%}
        th,td{border-bottom:1px solid var(--line);padding:.25em .6em;text-align:left;vertical-align:top}
        th{background:#f0f2f5;font-weight:600}
        .objects td:nth-child(2){white-space:nowrap}
        .events{list-style:none;padding:0;margin:.3em 0;background:#fff;border:1px solid var(--line);border-radius:6px;max-height:28em;overflow:auto}
        .events li{padding:.2em .6em;border-bottom:1px solid var(--line);overflow-wrap:anywhere}
        .events time{color:var(--muted);font-variant-numeric:tabular-nums}
        .type{display:inline-block;border-radius:3px;padding:0 .4em;background:#eef0f3;font-size:.85em}
        .t-publish-started{background:#dcf5e3}.t-publish-ended{background:#e6e9ff}.t-publish-refused,.t-write-failed,.t-fault-injected{background:#fde2e2}
        .filters{display:flex;flex-wrap:wrap;gap:.6em;align-items:center}
        [hidden]{display:none!important}
        @media (max-width:520px){main{padding:0 .5em 2em}.card{padding:.6em}dl{grid-template-columns:1fr}dt{margin-top:.3em}}
        """
}
