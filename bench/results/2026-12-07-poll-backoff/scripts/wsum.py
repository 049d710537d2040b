"""Summary of wake-warmup.sh's folder: per warm-up, param and scheduler, the median over rounds of mean, p50, p90, p99."""
import glob, json, os, re, statistics, sys
by = {}
for f in glob.glob(os.path.join(sys.argv[1], "*.json")):
    w, s, r = re.match(r"(\w+)-(jdk|vtloop)-r(\d+)\.json", os.path.basename(f)).groups()
    for x in json.load(open(f)):
        pm = x["primaryMetric"]; p = pm["scorePercentiles"]
        by.setdefault((w, x["params"]["wake"]), {}).setdefault(s, []).append((pm["score"], p["50.0"], p["90.0"], p["99.0"]))
print("| warm-up | wake | JDK mean, p50, p90, p99 (µs) | vtloop mean, p50, p90, p99 | ratios (mean, p50, p90, p99) | rounds |")
print("|---|---|---|---|---|---|")
for (w, wake) in sorted(by):
    d = by[(w, wake)]
    m = {s: [statistics.median(v[i] for v in d[s]) for i in range(4)] for s in d}
    print(f"| {w} | {wake} | " + ", ".join(f"{x:.1f}" for x in m["jdk"]) + " | " + ", ".join(f"{x:.1f}" for x in m["vtloop"])
          + " | " + ", ".join(f"{b / a:.2f}" for a, b in zip(m["jdk"], m["vtloop"])) + f" | {len(d['jdk'])} |")
