"""Per-symbol CPU us per request of two profile-echo.sh runs: diff-symbols.py DIR A B (A-B, largest first)."""
import collections, json, re, subprocess, sys

def load(d, n):
    out = subprocess.run(["perf", "report", "-i", f"{d}/{n}.data", "--sort", "sym", "-n", "--stdio"],
                         capture_output=True, text=True).stdout
    rps = json.loads(open(f"{d}/{n}.load").read().strip().splitlines()[-1])["rps"]
    samples = collections.Counter()
    for line in out.splitlines():
        m = re.match(r"\s*[\d.]+%\s+(\d+)\s+\[(.)\]\s+(.*)", line)
        if m: samples[m.group(3).strip()] += int(m.group(1))
    return {k: v / 4000 / (rps * 5) * 1e6 for k, v in samples.items()}, rps   # 4000 Hz, 5 s window

d = sys.argv[1]
a, ra = load(d, sys.argv[2]); b, rb = load(d, sys.argv[3])
print(f"{sys.argv[2]} {ra:.0f} rps total {sum(a.values()):.2f} us/req; {sys.argv[3]} {rb:.0f} rps total {sum(b.values()):.2f} us/req")
for k in sorted(set(a) | set(b), key=lambda k: -(a.get(k, 0) - b.get(k, 0)))[:40]:
    print(f"{a.get(k, 0):6.3f} {b.get(k, 0):6.3f} {a.get(k, 0) - b.get(k, 0):+6.3f}  {k[:80]}")
