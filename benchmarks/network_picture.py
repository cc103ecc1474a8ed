"""The HTML network picture at scale: export, first drawing and interaction in headless Chromium.

    python benchmarks/network_picture.py                        # 20,000 works, 100,000 citations
    python benchmarks/network_picture.py --nodes 2000 --edges 10000
    python benchmarks/network_picture.py --reference-src DIR    # also today's page, from an older checkout's src/

The graph is benchmarks/network_synthetic.py's (time-ordered, preferential
attachment), dressed as ``unkg.network.load_graph`` dresses a store's:
General Assembly, Security Council and Human Rights Council symbols,
instruments, years, organs, one to three citations per citing pair with a
paragraph, a function and a quoted text. ``unkg.network.analyse`` gives the
measures, ``unkg.export.html`` the page (each timed). The page is then
opened from its file in Debian's Chromium (headless, software WebGL), as the
browser tests do, with every request but the file refused, and measured:

- **drawn**: from navigation start to the end of the page's first drawing
  (``performance.now()`` when ``window.unkg`` is set, which the page does
  after its first synchronous render); then a check that the WebGL canvases
  and the label canvas hold drawn pixels;
- **search, click, filter**: each action's time in the page, from the event
  to the end of the next frame (the drawing it caused): typing a query in
  the search box (the list of results filled), a real mouse click on a
  work (its details filled, its citations highlighted), unticking an organ
  (the picture redrawn without it); and the same click as seen from outside
  (Playwright's click until the details panel names the work);
- **frame**: one full redraw (``renderer.render()``), as a pan or a zoom
  costs, and each of its layers alone, with the GPU work waited for (sigma's
  works, the page's lines, the labels: ``window.unkg.layers``), at the
  default view and zoomed in (camera ratio 0.3); the lines drawn at the
  default view (a large network's pairs are drawn a bounded number a
  frame); the JS heap after loading (``performance.memory``);
- next to each time, the **CPU time** all of Chromium's processes (page,
  GPU, browser) spent on it, read from /proc: on a machine shared with
  other work the wall time says as much about the others as about the page;
  the CPU time does not, and on an idle machine the wall time is at most
  about that (less where processes work in parallel).

Screenshots go to build/screenshots/picture-*.png (look at them).
``--profile`` also samples the page's JavaScript (Chromium DevTools protocol,
``Profiler``) during the click and the filter and prints the functions with
the most self time: ``(program)`` is native work (canvas, WebGL calls, the
wait for the GPU process).
``--reference-src`` runs the same on the page an older unkg writes (a
``src/`` folder with the vendored Cytoscape.js in place: ``git archive
<commit> src | tar -x -C DIR``, then copy cytoscape.min.js into
DIR/src/unkg/export/vendor/), in a child Python with that folder first on
its path, so both pages are measured in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
from network_synthetic import citation_edges  # noqa: E402

SHOTS = ROOT / "build" / "screenshots"
FUNCTIONS = ["recalls", "reaffirms", "takes note of", "welcomes", "urges ratification of", "pursuant to", "cites"]
WORDS = [
    "human",
    "rights",
    "development",
    "peace",
    "security",
    "migrants",
    "women",
    "children",
    "water",
    "climate",
    "trade",
    "refugees",
]


def synthetic_graph(nodes: int, edges: int, seed: int = 42) -> nx.DiGraph:
    """A citation network of ``nodes`` works and about ``edges`` citing pairs, with what ``load_graph`` gives each."""
    import numpy as np

    citing, cited, years = citation_edges(nodes, edges, seed)
    rng = np.random.default_rng(seed)
    kinds = rng.choice(4, size=nodes, p=[0.70, 0.15, 0.10, 0.05])  # GA, SC, HRC, instrument
    g = nx.DiGraph()
    names = []
    for i in range(nodes):
        year = int(years[i])
        kind = int(kinds[i])
        if kind == 0:
            sym, organ = f"A/RES/{max(1, year - 1945)}/{i}", "GA"
        elif kind == 1:
            sym, organ = f"S/RES/{i}({year})", "SC"
        elif kind == 2:
            sym, organ = f"A/HRC/RES/{max(1, year - 2005)}/{i}", "HRC"
        else:
            sym, organ = f"INSTRUMENT-{i}", ""
        words = " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(3))
        name = f"{'Convention' if kind == 3 else 'Resolution'} on {words}"
        names.append(sym)
        g.add_node(
            sym,
            label=sym,
            name=name,
            kind="instrument" if kind == 3 else "document",
            type="Instrument" if kind == 3 else "Resolution",
            organ=organ,
            year=year,
            in_corpus=bool(i % 3),
            url="" if kind == 3 else f"https://undocs.org/{sym}",
            iri=f"https://w3id.org/unkg/doc/{sym}",
        )
    quotes = rng.integers(1, 4, size=len(citing))
    for k, (u, v) in enumerate(zip(citing.tolist(), cited.tolist(), strict=True)):
        fns = sorted({FUNCTIONS[(u + v + j) % len(FUNCTIONS)] for j in range(int(quotes[k]))})
        cits = [
            {"paragraph": f"pp{j + 1}", "function": fns[j % len(fns)], "text": f"resolution {names[v]}"}
            for j in range(int(quotes[k]))
        ]
        g.add_edge(
            names[u],
            names[v],
            weight=len(cits),
            year=int(years[u]),
            organ=g.nodes[names[u]]["organ"],
            functions=fns,
            characterisations=[],
            citations=cits,
        )
    return g


def export(nodes: int, edges: int, out: Path) -> dict[str, Any]:
    """Build, analyse and export the synthetic network to ``out``; the times of each step."""
    from unkg import export as ex
    from unkg import network as net

    t = time.perf_counter()
    g = synthetic_graph(nodes, edges)
    built = time.perf_counter() - t
    t = time.perf_counter()
    result = net.analyse(g)
    analysed = time.perf_counter() - t
    t = time.perf_counter()
    page = ex.html(g, result)
    exported = time.perf_counter() - t
    out.write_text(page, encoding="utf-8")
    return {
        "works": g.number_of_nodes(),
        "citing pairs": g.number_of_edges(),
        "build s": round(built, 1),
        "analyse s": round(analysed, 1),
        "export s": round(exported, 1),
        "page MB": round(len(page.encode("utf-8")) / 1e6, 1),
    }


# In the page: run an action, then wait for the frame after it (the drawing it caused), and return milliseconds.
TIMED = """async (action) => {
  const t = performance.now();
  await action();
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t;
}"""


def in_page(pg: Any, body: str) -> float:
    """Milliseconds of ``body`` (JavaScript statements) in the page, to the end of the next frame."""
    return float(
        pg.evaluate(
            "async () => { const t = performance.now(); " + body + "; "
            "await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0))); return performance.now() - t; }"
        )
    )


def until(pg: Any, expression: str, timeout: float = 600.0) -> None:
    """Poll the JavaScript ``expression`` until true (wait_for_function evaluates strings, which the page's CSP forbids)."""
    end = time.perf_counter() + timeout
    while not pg.evaluate(expression):
        if time.perf_counter() > end:
            raise TimeoutError(expression)
        time.sleep(0.005)


TICK = os.sysconf("SC_CLK_TCK")


def browser_cpu(profile: str) -> float:
    """CPU seconds (user + system) used so far by the Chromium started on ``profile`` and all its processes.

    On a shared machine wall time depends on what else runs; the CPU time the browser's processes (page,
    GPU, browser) spend on an action does not, and it bounds the action's wall time on an idle machine.
    """
    stats: dict[int, tuple[int, float]] = {}
    root = None
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        stats[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
        if profile.encode() in cmdline and b"--type=" not in cmdline:
            root = int(entry)
    if root is None:
        return 0.0
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += stats[pid][1]
        todo.extend(child for child, (parent, _) in stats.items() if parent == pid)
    return total


# In the page: each layer of a frame alone, the GPU work waited for (readPixels), best of 3, in milliseconds.
LAYERS = """() => {
  const r = window.unkg.renderer, L = window.unkg.layers, gls = Object.values(r.webGLContexts);
  const sync = () => gls.forEach(gl => gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4)));
  const best = f => { let b = Infinity; for (let i = 0; i < 3; i++) { sync(); const t = performance.now(); f(); sync();
                                                                    b = Math.min(b, performance.now() - t); } return Math.round(b); };
  const out = {};
  for (const ratio of [1, 0.3]) {
    r.getCamera().setState({ratio: ratio}); r.render();
    const after = r.listeners('afterRender'); r.removeAllListeners('afterRender');
    const works = best(() => r.render());
    after.forEach(l => r.on('afterRender', l));
    out[ratio] = [works, best(() => L.edges()), best(() => L.labels())].join(' / ');
  }
  r.getCamera().setState({ratio: 1}); r.render();
  return out;
}"""


def self_times(profile: dict[str, Any], top: int = 8) -> list[tuple[str, int]]:
    """(function:line, ms of self time) of a DevTools CPU profile, most first."""
    frames = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    spent: dict[str, float] = {}
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        f = frames[sample]
        key = f"{f['functionName'] or '(anonymous)'}:{f['lineNumber']}"
        spent[key] = spent.get(key, 0.0) + delta
    return [(k, round(v / 1000)) for k, v in sorted(spent.items(), key=lambda kv: -kv[1])[:top]]


def measure_page(path: Path, name: str, new: bool, profile: bool = False) -> dict[str, Any]:
    """Open ``path`` in headless Chromium and time the first drawing and the interactions; screenshots."""
    from playwright.sync_api import sync_playwright
    from tests.conftest import CHROMIUM, CHROMIUM_FLAGS

    SHOTS.mkdir(parents=True, exist_ok=True)
    url = path.resolve().as_uri()
    row: dict[str, Any] = {"page": name}
    folder = tempfile.mkdtemp(prefix="picture-chromium-")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            folder,
            executable_path=CHROMIUM,
            headless=True,
            args=[*CHROMIUM_FLAGS, "--enable-precise-memory-info"],
            viewport={"width": 1400, "height": 850},
        )
        pg = context.pages[0] if context.pages else context.new_page()

        def cpu_ms(action: Any) -> tuple[Any, int]:
            before = browser_cpu(folder)
            out = action()
            return out, round((browser_cpu(folder) - before) * 1000)

        errors: list[str] = []
        outside: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        def guard(route: Any) -> None:
            if route.request.url == url:
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        pg.route("**/*", guard)
        pg.set_default_timeout(600_000)
        t = time.perf_counter()
        _, cpu = cpu_ms(lambda: (pg.goto(url, timeout=600_000), until(pg, "window.unkg !== undefined")))
        row["loaded s (outside)"] = round(time.perf_counter() - t, 2)
        row["load CPU s"] = round(cpu / 1000, 2)
        if new:
            row["drawn s"] = round(pg.evaluate("window.unkg.drawn") / 1000, 2)
            row["lines drawn"] = pg.evaluate("window.unkg.drawnEdges ? window.unkg.drawnEdges() : null")
            row["painted"] = pg.evaluate(
                """() => { const r = window.unkg.renderer; r.render();
                  const out = {};
                  for (const [name, c] of Object.entries(r.getCanvases())) {
                    const gl = c.getContext('webgl2') || c.getContext('webgl');
                    if (!gl || !['nodes', 'edges'].includes(name)) continue;
                    const px = new Uint8Array(c.width * c.height * 4);
                    gl.readPixels(0, 0, c.width, c.height, gl.RGBA, gl.UNSIGNED_BYTE, px);
                    let k = 0; for (let i = 3; i < px.length; i += 4) if (px[i]) k++;
                    out[name] = k;
                  }
                  const l = document.getElementById('labels'), d = l.getContext('2d').getImageData(0, 0, l.width, l.height).data;
                  let k = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) k++;
                  out.labels = k; out.shown = window.unkg.labels().length;
                  return out; }"""
            )
        else:
            row["drawn s"] = round(pg.evaluate("performance.now()") / 1000, 2)
        pg.wait_for_timeout(300)
        pg.screenshot(path=str(SHOTS / f"picture-{name}.png"))
        top_id = pg.evaluate(
            "(() => { const x = window.unkg.search('A/RES')[0]; return typeof x === 'string' ? x : x.id(); })()"
        )
        ms, cpu = cpu_ms(
            lambda: in_page(
                pg,
                "const s = document.getElementById('search'); s.value = 'A/RES/7'; s.dispatchEvent(new Event('input'))",
            )
        )
        row["search ms"], row["search CPU ms"] = round(ms), cpu
        pg.evaluate("document.getElementById('search').value = ''")
        if new:
            place = pg.evaluate("id => window.unkg.place(id)", top_id)
            box = pg.locator("#cy").bounding_box()
            pg.evaluate(
                """() => { window.__clicked = null; document.getElementById('cy').addEventListener('click',
                   () => { window.__clicked = performance.now(); }, {capture: true, once: true}); }"""
            )
            cdp = context.new_cdp_session(pg) if profile else None
            if cdp:
                cdp.send("Profiler.enable")
                cdp.send("Profiler.setSamplingInterval", {"interval": 200})
                cdp.send("Profiler.start")
            t = time.perf_counter()
            before = browser_cpu(folder)
            pg.mouse.click(box["x"] + place["x"], box["y"] + place["y"])
            until(pg, f"document.querySelector('#details h2')?.textContent === {json.dumps(top_id)}")
            outside_ms = (time.perf_counter() - t) * 1000
            row["click CPU ms"] = round((browser_cpu(folder) - before) * 1000)
            if cdp:
                print("click, self time:", self_times(cdp.send("Profiler.stop")["profile"]), flush=True)
            row["click ms"] = round(
                pg.evaluate(
                    "async () => { await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0))); return performance.now() - window.__clicked; }"
                )
            )
            row["click ms (outside)"] = round(outside_ms)
            ms, cpu = cpu_ms(lambda: in_page(pg, "window.unkg.renderer.render()"))
            row["frame ms"], row["frame CPU ms"] = round(ms), cpu
            if pg.evaluate("window.unkg.layers !== undefined"):
                layers = pg.evaluate(LAYERS)
                row["frame layers ms (works / lines / labels)"] = layers["1"]
                row["zoomed in (ratio 0.3)"] = layers["0.3"]
        else:
            ms, cpu = cpu_ms(lambda: in_page(pg, f"window.unkg.select({json.dumps(top_id)})"))
            row["click ms"], row["click CPU ms"] = round(ms), cpu
        pg.screenshot(path=str(SHOTS / f"picture-{name}-click.png"))
        if profile and new:
            cdp.send("Profiler.start")  # type: ignore[union-attr]
        ms, cpu = cpu_ms(lambda: in_page(pg, "document.querySelector('input.organ[value=SC]').click()"))
        row["filter ms"], row["filter CPU ms"] = round(ms), cpu
        if profile and new:
            print("filter, self time:", self_times(cdp.send("Profiler.stop")["profile"]), flush=True)  # type: ignore[union-attr]
        pg.screenshot(path=str(SHOTS / f"picture-{name}-filter.png"))
        in_page(pg, "document.querySelector('input.organ[value=SC]').click()")
        row["JS heap MB"] = round(pg.evaluate("performance.memory.usedJSHeapSize") / 1e6)
        if new:
            row["lineage ms"] = round(in_page(pg, f"window.unkg.lineage({json.dumps(top_id)})"))
            pg.screenshot(path=str(SHOTS / f"picture-{name}-lineage.png"))
            in_page(pg, "window.unkg.all()")
            in_page(pg, "window.unkg.renderer.getCamera().setState({ratio: 0.15})")
            pg.wait_for_timeout(200)
            pg.screenshot(path=str(SHOTS / f"picture-{name}-zoom.png"))
        row["errors"] = len(errors)
        row["outside requests"] = len(outside)
        context.close()
    shutil.rmtree(folder, ignore_errors=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=20_000)
    ap.add_argument("--edges", type=int, default=100_000)
    ap.add_argument("--reference-src", type=Path, help="a src/ folder of an older unkg, to measure its page too")
    ap.add_argument("--keep", type=Path, help="write the pages here instead of a temporary folder")
    ap.add_argument("--profile", action="store_true", help="sample the page's JavaScript during the click and the filter")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="picture-"))
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "network.html"
    made = export(args.nodes, args.edges, page)
    print(json.dumps(made), flush=True)
    rows = [measure_page(page, "sigma", new=True, profile=args.profile)]
    print(json.dumps(rows[-1]), flush=True)
    if args.reference_src:
        old = folder / "network-reference.html"
        code = (
            "import sys, json, time; sys.path.insert(0, sys.argv[1]); sys.path.insert(1, sys.argv[2]);"
            "from network_picture import synthetic_graph; from unkg import export as ex, network as net;"
            "g = synthetic_graph(int(sys.argv[3]), int(sys.argv[4])); r = net.analyse(g); t = time.perf_counter();"
            "page = ex.html(g, r); s = time.perf_counter() - t; open(sys.argv[5], 'w').write(page);"
            "print(json.dumps({'reference export s': round(s, 1), 'page MB': round(len(page.encode()) / 1e6, 1)}))"
        )
        env = dict(os.environ, PYTHONPATH=str(args.reference_src.resolve()))
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                code,
                str(args.reference_src.resolve()),
                str(HERE),
                str(args.nodes),
                str(args.edges),
                str(old),
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        print(out.stdout.strip(), flush=True)
        rows.append(measure_page(old, "reference", new=False))
        print(json.dumps(rows[-1]), flush=True)
    keys = list(dict.fromkeys(k for r in rows for k in r))
    print("\n| " + " | ".join(keys) + " |")
    print("| " + " | ".join("---" for _ in keys) + " |")
    for r in rows:
        print("| " + " | ".join(str(r.get(k, "–")) for k in keys) + " |")


if __name__ == "__main__":
    main()
