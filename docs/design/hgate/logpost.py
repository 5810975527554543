"""Log likelihood / log posterior at a MAP (calibrate --mode map --format json), with the
same --set overrides the fit had; residual summary."""
import json, sys
import numpy as np
from forceratio.scenarios import record_fit
from forceratio.scenarios.session import Session
src, sets = sys.argv[1], sys.argv[2:]
d = json.load(open(src))
rec = record_fit.inputs(Session().table, sets=sets)
prob = rec.problem
vals = {p["parameter"]: p["value"] for p in d["parameters"]}
theta = np.array([[vals[n] for n in prob.names]])
ll = float(prob.log_likelihood(theta)[0])
lpr = float(prob.log_prior(theta)[0])
lpu = float(prob.log_posterior(prob.unconstrain(theta))[0])
s = d["summary"]
res = d["residuals"]
print(f"{src} sets={sets}")
print(f"  log-lik {ll:.3f}  log prior {lpr:.3f}  log post (constrained) {ll+lpr:.3f}  log post (unconstrained, optimised) {lpu:.3f}")
print(f"  within 35%: {s['within_35pct']}/{s['records']}  median|err| {s['median_abs_error_in_sample']:.4f}  22 June within 15%: {s['june22_within_15pct']}/{s['june22_totals']}  LOO median {s.get('loo_median_abs_error')}  per record {s.get('loo_median_abs_error_per_record')}")
for r in res:
    if r["group"] in ("Smolensk", "Leningrad") or abs(r["relative_error"]) > 0.35:
        print(f"  {r['group']:12s} {r['record'][:70]:70s} hist {r['historical']:>10.0f} model {r['model']:>10.0f} err {r['relative_error']:+.3f}{' (lower bound)' if r['lower_bound'] else ''}{' (upper bound)' if r['upper_bound'] else ''}")
print("  LOO groups:", {g["held_out"]: round(g["relative_error"], 3) for g in d.get("out_of_sample_groups", [])})
print("  params:", {k: float(f"{v:.4g}") for k, v in vals.items()})
