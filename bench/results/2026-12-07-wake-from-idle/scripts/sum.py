import json, glob, os, sys, statistics as st
d = sys.argv[1]
rows = {}
for f in sorted(glob.glob(os.path.join(d, '*.json'))):
    name = os.path.basename(f).split('-r')[0]
    try: data = json.load(open(f))
    except Exception: continue
    for r in data:
        p = r['params']['wake'] if r.get('params') else ''
        pm = r['primaryMetric']; pc = pm['scorePercentiles']
        rows.setdefault((p, name), []).append((pm['score'], pc['50.0'], pc['90.0'], pc['99.0']))
for (p, name), v in sorted(rows.items()):
    med = lambda i: st.median(x[i] for x in v)
    print(f"{p:7s} {name:6s} n={len(v)} mean {med(0):6.1f}  p50 {med(1):6.1f}  p90 {med(2):6.1f}  p99 {med(3):6.1f}   means: " + " ".join(f"{x[0]:.1f}" for x in v) + "  p90s: " + " ".join(f"{x[2]:.1f}" for x in v))
