/// The pages' one stylesheet, served from the binary at `/ui/style.css` (no CDN, no build step).
enum UIStylesheet {
    static let css = """
        :root { --fg: #1d2430; --muted: #5b6576; --line: #d8dde6; --bg: #f6f7f9; --accent: #2457c5; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
        header { background: #1d2430; color: #fff; padding: 8px 20px; display: flex; gap: 18px; align-items: center; }
        header a { color: #fff; text-decoration: none; font-weight: 600; }
        header .brand { margin-right: 12px; }
        header form { margin-left: auto; }
        main { padding: 16px 20px; max-width: 1200px; }
        h1 { font-size: 20px; margin: 8px 0 12px; }
        h2 { font-size: 16px; margin: 20px 0 8px; }
        section.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin-bottom: 16px; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { color: var(--muted); font-weight: 600; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
        dt { color: var(--muted); }
        dd { margin: 0; }
        pre { background: #f0f2f5; border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 480px; }
        textarea { width: 100%; min-height: 260px; font: 13px monospace; }
        form.inline { display: inline; }
        button { font: inherit; padding: 2px 10px; cursor: pointer; }
        .status { font-weight: 700; padding: 1px 6px; border-radius: 4px; }
        .status-READY { background: #d8f3dc; }
        .status-NOT_READY { background: #ffe8cc; }
        .status-PAUSED { background: #e9ecef; }
        .state-Completed { color: #1b7f3b; } .state-Failed, .state-Crashed { color: #b42318; } .state-Cancelled { color: var(--muted); }
        .problem { color: #b42318; }
        .muted { color: var(--muted); }
        .filters { display: flex; gap: 8px; flex-wrap: wrap; align-items: end; margin-bottom: 12px; }
        .filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
        .login { max-width: 420px; margin: 60px auto; }
        .login input { width: 100%; padding: 6px; margin: 8px 0; }
        """
}
