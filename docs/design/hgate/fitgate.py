"""MAP with the gate FITTED (record1941.OPTIONAL), gate width 0.1: starts the ungated MAP
with the gate at 0.06 (about no gate), then prior draws."""
import dataclasses, json, sys
from forceratio.calibration import Parameters, fit_map
from forceratio.scenarios import record_fit
from forceratio.scenarios.session import Session
start_json, out, gate0 = sys.argv[1], sys.argv[2], float(sys.argv[3])
d = json.load(open(start_json))
start = {p["parameter"]: p["value"] for p in d["parameters"]}
start["operations.capture.gate"] = gate0
rec = record_fit.inputs(Session().table, optional=["operations.capture.gate"])
p = rec.problem
warm = Parameters(dataclasses.replace(q, value=start[q.name]) if q.name in start else q for q in p.parameters.items)
res = fit_map(dataclasses.replace(p, parameters=warm), n_starts=3, n_draws=200, seed=0)
data = record_fit.to_data(res, "computed")
data["extra"] = {k: v for k, v in res.extra.items() if k in ("success", "message", "n_evaluations")}
json.dump(data, open(out, "w"), indent=1, default=float)
print(out, data["extra"], {q["parameter"]: q["value"] for q in data["parameters"]})
