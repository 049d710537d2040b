"""Summary of a harness A/B folder: python3 hsum.py FOLDER A B (e.g. 8-harness-ab base final)."""
import json, glob, os, sys
d, va, vb = sys.argv[1:4]
by = {}
for f in sorted(glob.glob(os.path.join(d, '[0-9]-*', 'results.json'))):
    i, v = os.path.basename(os.path.dirname(f)).split('-', 1)
    for s in json.load(open(f))['summary']:
        by.setdefault((s['workload'], v), {}).setdefault(int(i), {})[s['contestant']] = s
print(f"| workload | req/s / JDK, {va} | {vb} | CPU per request / JDK, {va} | {vb} | vtloop p50 µs, {va} | {vb} | p99 µs, {va} | {vb} | JDK p50 µs, {va} runs | {vb} runs |")
print("|---" * 11 + "|")
for w in sorted({w for w, _ in by}):
    cells = []
    for f in (lambda r: f"{r['vtloop']['rps_median'] / r['jdk-vthreads']['rps_median']:.2f}",
              lambda r: f"{r['vtloop']['server_cpu_us_per_req'] / r['jdk-vthreads']['server_cpu_us_per_req']:.2f}",
              lambda r: f"{r['vtloop']['p50_us']:.0f}",
              lambda r: f"{r['vtloop']['p99_us']:.0f}",
              lambda r: f"{r['jdk-vthreads']['p50_us']:.0f}"):
        for v in (va, vb):
            runs = by.get((w, v), {})
            cells.append(", ".join(f(runs[i]) for i in sorted(runs)))
    print(f"| {w} | " + " | ".join(cells) + " |")
