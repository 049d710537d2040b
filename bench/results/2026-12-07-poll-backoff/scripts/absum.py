"""Summary of ab1core.sh's folder: per benchmark (and params) and variant, the median over rounds and min-max; ratio to the JDK's median."""
import glob, json, os, re, statistics, sys
by = {}
for f in glob.glob(os.path.join(sys.argv[1], "*.json")):
    b, v, r = re.match(r"(\w+)-(\w+)-r(\d+)\.json", os.path.basename(f)).groups()
    for x in json.load(open(f)):
        key = b + "".join(f" {k}={p}" for k, p in sorted((x.get("params") or {}).items()))
        by.setdefault(key, {}).setdefault(v, []).append(x["primaryMetric"]["score"])
vs = [v for v in ["jdk"] + sys.argv[2:]]
print("| benchmark | " + " | ".join(vs) + " | " + " | ".join(f"{v}/jdk" for v in vs[1:]) + " |")
print("|---" * (2 * len(vs)) + "|")
for key in sorted(by):
    d = by[key]; med = {v: statistics.median(d[v]) for v in vs if v in d}
    cells = [f"{med[v]:.1f} ({min(d[v]):.1f}-{max(d[v]):.1f})" for v in vs if v in d]
    print(f"| {key} | " + " | ".join(cells) + " | " + " | ".join(f"{med[v] / med['jdk']:.3f}" for v in vs[1:] if v in med) + " |")
