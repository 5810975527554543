"""Per-sector split of the 22 June scenario at a MAP (calibrate --mode map --format json):
men lost by each side per sector by day 12 and 19, the German captured, the Soviet and German
men present (start + arrived), and the same with scenario options changed (no refit):
    python split.py MAP.json [--set PATH=VALUE ...]"""
import json, sys
import numpy as np
from forceratio.scenarios import load_scenario
from forceratio.scenarios.build import prepare
from forceratio.scenarios.run import run
from forceratio.scenarios.record1941 import _lost
from forceratio.scenarios.session import Session
src, sets = sys.argv[1], [a for a in sys.argv[2:] if a != "--set"]
name = "barbarossa-22june"
for s in sets:
    if s.startswith("scenario="):
        name = s.split("=", 1)[1]
sets = [s for s in sets if not s.startswith("scenario=")]
sys.path.insert(0, __import__("os").path.dirname(__file__))
from fit import READINGS
exp = "none"
for s in list(sets):
    if s.startswith("reading="):
        exp = s.split("=", 1)[1]
        sets.remove(s)
d = json.load(open(src))
vals = {p["parameter"]: np.array([p["value"]]) for p in d["parameters"] if p["parameter"] != "sigma"}
scn = READINGS[exp]({name: load_scenario(name, sets), "barbarossa-22june": load_scenario("barbarossa-22june", sets)})[name]
prep = prepare(scn, Session().table)
days = sorted({1.0, 5.0, 12.0, 15.0, 18.0, 19.0, 27.0, float(prep.scenario.duration_days)})
o = run(prep, samples=vals, times=days, operational=True, method="integrator")
ops = o.operations
print(name, exp, sets)
tot = {}
for k, sec in enumerate(prep.sectors):
    row = []
    for day in (12.0, 19.0, float(prep.scenario.duration_days)):
        g = float(_lost(o, "Germany", k, day, "personnel")[0])
        s = float(_lost(o, "USSR", k, day, "personnel")[0])
        ti = int(np.argmin(np.abs(o.days - day)))
        gc = float(ops.captured_men["Germany"][0, 0, k, ti]) if "Germany" in ops.captured_men else 0.0
        sc = float(ops.captured_men["USSR"][0, 0, k, ti])
        row.append(f"d{day:.0f}: Ger {g:9.0f} (capt {gc:6.0f}) Sov {s:9.0f} (capt {sc:8.0f})")
        tot[day] = tot.get(day, 0) + g
    print(f"  {sec[:40]:40s} " + " | ".join(row))
air = [round(float(_lost(o, "USSR", k, 18.0, "aircraft")[0])) for k in range(len(prep.sectors))] if "barbarossa" in name else []
tk = [round(float(_lost(o, "USSR", k, 18.0, "tanks")[0])) for k in range(len(prep.sectors))] if "barbarossa" in name else []
print("  Soviet aircraft lost by day 18 per sector:", air, sum(air), " tanks:", tk, sum(tk))
print("  German total by day:", {k: round(v) for k, v in tot.items()})
print("  records:", [(r.label[:40], round(float(o.record_model[0, 0, j]))) for j, (r, _) in enumerate(prep.records)])
