import json, glob, os, sys, re, statistics as st
d = sys.argv[1]; V = ["jdk", "base", "final", "streak", "nearmiss"]
rows = {}
for f in sorted(glob.glob(os.path.join(d, '*.json'))):
    m = re.match(r'(\w+)-(\w+)-r(\d+)\.json', os.path.basename(f))
    if not m: continue
    try: data = json.load(open(f))
    except Exception: continue
    for r in data:
        p = ",".join(f"{k}={v}" for k, v in sorted((r.get('params') or {}).items()))
        pm = r['primaryMetric']
        rows.setdefault((m[1], p), {}).setdefault(m[2], []).append((pm['score'], pm['scorePercentiles'].get('50.0'), pm['scorePercentiles'].get('90.0'), pm['scoreUnit']))
vs = [v for v in V if any(v in x for x in rows.values())]
print("| benchmark | " + " | ".join(vs) + " | " + " | ".join(f"{v}/jdk" for v in vs[1:]) + " | unit |")
print("|---" * (2 * len(vs) + 1) + "|")
for (b, p), v in sorted(rows.items()):
    med = {k: st.median(x[0] for x in xs) for k, xs in v.items()}
    unit = next(iter(v.values()))[0][3]
    def fmt(k):
        if k not in v: return "-"
        xs = sorted(x[0] for x in v[k]); return f"{med[k]:.4g} ({xs[0]:.4g}-{xs[-1]:.4g})"
    print(f"| {b} {p} | " + " | ".join(fmt(k) for k in vs) + " | " + " | ".join(f"{med[k]/med['jdk']:.2f}" if k in med and 'jdk' in med else '-' for k in vs[1:]) + f" | {unit} |")
    if b == 'WakeFromIdle':
        for k in vs:
            if k in v: print(f"| &nbsp; p50/p90 per fork, {k} | " + ", ".join(f"{x[1]:.1f}/{x[2]:.1f}" for x in v[k]) + " |")
