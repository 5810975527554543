"""Diagnostic (docs/design/issue13-mechanisms.md 8.25): two readings of the capture flow,
emulated at the record level, with one more parameter k fitted (uniform 0-KMAX, ASSUMPTION):
* "add": every loss record of a side gains k x the men of that side captured in the
  record's sectors by its day (men cut off also killed and wounded before they surrender);
  the extra losses do not leave the fighting force, so totals can exceed the men present
  (an approximation);
* "split": a share k of the men the capture flow removes are killed or wounded in the
  pocket, 1 - k taken prisoner: prisoner records read (1 - k) x the captured, a record of
  killed and wounded (losses = "fire") gains k x the captured, totals are unchanged (exact:
  the dynamics are the model's, only the labels move).
MAP warm-started at a `calibrate --mode map --format json` result; "loo" adds the
leave-one-operation-out refits (record_fit.with_loo).
    PYTHONPATH=src python kappa.py MAP.json OUT.json KMAX {add|split} [loo]
"""
import dataclasses, json, sys
import numpy as np
import forceratio.scenarios.record1941 as R
from forceratio.calibration import CalibratedParameter, Parameters, Problem, Uniform, fit_map
from forceratio.scenarios import record_fit
from forceratio.scenarios.session import Session

KAPPA = {"v": None}
MODE = sys.argv[4] if len(sys.argv) > 4 else "add"  # "split": a share k of the captured are K+W
orig_values = R.model_values


def model_values(o, tg):
    out = orig_values(o, tg)
    k = KAPPA["v"]
    if k is None or o.operations is None:
        return out
    for c, t in enumerate(tg):
        if MODE == "split" and t.kind == "prisoners":
            out[:, c] = out[:, c] * (1.0 - k)
            continue
        if t.kind != "losses":
            continue
        rec, _ = o.prepared.records[t.index]
        names = list(o.prepared.sectors)
        sel = [names.index(x) for x in rec.sectors] if rec.sectors else list(range(len(names)))
        ti = int(np.argmin(np.abs(o.days - t.day)))
        if rec.side not in o.operations.captured_men:
            continue
        cap = o.operations.captured_men[rec.side][:, 0, sel, ti].sum(axis=1)
        if MODE == "split":
            if rec.losses == "fire":  # K+W: fire plus the encircled killed and wounded
                out[:, c] = out[:, c] + k * cap
        else:
            out[:, c] = out[:, c] + k * cap
    return out


R.model_values = model_values


def main():
    start_json, out = sys.argv[1], sys.argv[2]
    kmax = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
    rec = record_fit.inputs(Session().table)
    base = rec.problem
    kp = CalibratedParameter("kappa", Uniform(0.0, kmax), label="K+W per man captured (diagnostic)", source="ASSUMPTION")
    params = Parameters([*base.parameters.items, kp])
    nm = len(base.names) - 1  # model parameters (sigma last)

    def model(batch):
        ok = np.all(np.isfinite(batch), axis=1)
        KAPPA["v"] = batch[ok, -1]
        try:
            return base.model(batch[:, :-1])
        finally:
            KAPPA["v"] = None

    prob = dataclasses.replace(base, parameters=params, model=model)
    d = json.load(open(start_json))
    start = {p["parameter"]: p["value"] for p in d["parameters"]}
    start["kappa"] = 0.2 if MODE == "add" else 0.2
    warm = Parameters(dataclasses.replace(q, value=start[q.name]) if q.name in start else q for q in prob.parameters.items)
    like = prob.likelihood
    like = dataclasses.replace(like, sigma=dataclasses.replace(like.sigma, value=start["sigma"]))
    res = fit_map(dataclasses.replace(prob, parameters=warm, likelihood=like), n_starts=2, n_draws=100, seed=0)
    if "loo" in sys.argv:
        res = record_fit.with_loo(dataclasses.replace(rec, problem=prob), res)
    data = record_fit.to_data(res, "computed")
    vals = {p["parameter"]: p["value"] for p in data["parameters"]}
    theta = np.array([[vals[n] for n in prob.names]])
    data["kappa_ll"] = float(prob.log_likelihood(theta)[0])
    json.dump(data, open(out, "w"), indent=1, default=float)
    print(out, "log-lik", data["kappa_ll"], "kappa", vals["kappa"], data["summary"])


main()
