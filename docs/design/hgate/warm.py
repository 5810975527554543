"""MAP of the gated record problem from ONE start: the ungated MAP (warm); writes the
calibrate-json layout (no leave-one-out unless --loo)."""
import dataclasses, json, sys
from forceratio.calibration import Parameters, fit_map
from forceratio.scenarios import record_fit
from forceratio.scenarios.session import Session
start_json, out, sets = sys.argv[1], sys.argv[2], [a for a in sys.argv[3:] if a != "--loo"]
d = json.load(open(start_json))
start = {p["parameter"]: p["value"] for p in d["parameters"]}
rec = record_fit.inputs(Session().table, sets=sets)
p = rec.problem
warm = Parameters(dataclasses.replace(q, value=start[q.name]) if q.name in start else q for q in p.parameters.items)
prob = dataclasses.replace(p, parameters=warm)
res = fit_map(prob, n_starts=1, n_draws=200, seed=0)
if "--loo" in sys.argv:
    res = record_fit.with_loo(rec, res, 0)
data = record_fit.to_data(res, "computed")
data["extra"] = {k: v for k, v in res.extra.items() if k in ("success", "message", "n_evaluations")}
json.dump(data, open(out, "w"), indent=1, default=float)
print(out, data["extra"])
